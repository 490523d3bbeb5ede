package io.kmod4j.runtime.firmware;

import io.kmod4j.runtime.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link FirmwareLoader} finds, decompresses and falls back. Immutable; build one with
 * {@link #builder()}.
 *
 * @param roots firmware roots, searched in this order after the override path; each is searched
 *     as {@code updates/<release>}, {@code updates}, {@code <release>}, then its base
 * @param overridePath the initial override directory (Linux {@code firmware_class.path}); empty
 *     for none. It can be changed at run time with {@link FirmwareLoader#setOverridePath(String)}
 * @param release the {@code <release>} directory name: kmod4j's version
 * @param fallbackEnabled whether requests that allow it wait for the fallback loader when the
 *     filesystem has no image ({@code CONFIG_FW_LOADER_USER_HELPER})
 * @param fallbackTimeout how long such a request waits ({@code /sys/class/firmware/timeout});
 *     {@link Duration#ZERO} waits without a limit, as Linux's 0 does
 * @param maxImageBytes the largest image, read or decompressed, the loader accepts (beyond it:
 *     {@code EFBIG}); at most {@link #MAX_IMAGE_LIMIT} because images are indexed by {@code int}
 * @param xzMemoryLimitKiB the memory the xz decoder may use for one file; a file that needs more
 *     is refused with {@code EFBIG} before it is decoded
 * @param zstdWindowLogMax the largest window (log2 bytes) the zstd decoder accepts; a frame that
 *     needs more fails to decompress. libzstd's default is 27 (128 MiB of native memory)
 */
public record FirmwareConfig(
        List<Path> roots,
        String overridePath,
        String release,
        boolean fallbackEnabled,
        Duration fallbackTimeout,
        long maxImageBytes,
        int xzMemoryLimitKiB,
        int zstdWindowLogMax) {

    /** Largest {@link #maxImageBytes}: what a Java array or buffer can index. */
    public static final long MAX_IMAGE_LIMIT = Integer.MAX_VALUE - 8;
    /** Default {@link #maxImageBytes}: 512 MiB. */
    public static final long DEFAULT_MAX_IMAGE_BYTES = 512L << 20;
    /** Default {@link #xzMemoryLimitKiB}: 256 MiB, enough for {@code xz -9} (a 64 MiB dictionary). */
    public static final int DEFAULT_XZ_MEMORY_LIMIT_KIB = 256 << 10;
    /** Default {@link #zstdWindowLogMax}: libzstd's own default. */
    public static final int DEFAULT_ZSTD_WINDOW_LOG_MAX = 27;
    /** Default {@link #fallbackTimeout}: 60 s, Linux's {@code /sys/class/firmware/timeout}. */
    public static final Duration DEFAULT_FALLBACK_TIMEOUT = Duration.ofSeconds(60);

    public FirmwareConfig {
        roots = List.copyOf(roots);
        Objects.requireNonNull(overridePath, "overridePath");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(fallbackTimeout, "fallbackTimeout");
        if (release.isEmpty() || release.contains("/") || release.equals("..") || release.equals(".")) {
            throw new IllegalArgumentException("release must be a single directory name, was '" + release + "'");
        }
        if (fallbackTimeout.isNegative()) {
            throw new IllegalArgumentException("fallbackTimeout must not be negative, was " + fallbackTimeout);
        }
        if (maxImageBytes < 1 || maxImageBytes > MAX_IMAGE_LIMIT) {
            throw new IllegalArgumentException("maxImageBytes must be in 1.." + MAX_IMAGE_LIMIT + ", was " + maxImageBytes);
        }
        if (xzMemoryLimitKiB < 1) {
            throw new IllegalArgumentException("xzMemoryLimitKiB must be at least 1, was " + xzMemoryLimitKiB);
        }
        if (zstdWindowLogMax < 10 || zstdWindowLogMax > 31) {
            throw new IllegalArgumentException("zstdWindowLogMax must be in 10..31, was " + zstdWindowLogMax);
        }
    }

    /**
     * The defaults: roots {@code ./firmware} (against the working directory) and
     * {@code /lib/firmware} if it exists, no override path, release = kmod4j's version, fallback
     * on with 60 s, 512 MiB images, 256 MiB for the xz decoder, zstd window log 27.
     */
    public static FirmwareConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The default roots, as {@link #defaults()} describes them. */
    public static List<Path> defaultRoots() {
        List<Path> roots = new ArrayList<>();
        roots.add(Path.of("firmware").toAbsolutePath());
        Path lib = Path.of("/lib/firmware");
        if (Files.isDirectory(lib)) {
            roots.add(lib);
        }
        return roots;
    }

    /** A builder starting from the defaults. Not thread-safe. */
    public static final class Builder {
        private List<Path> roots;
        private String overridePath = "";
        private String release = Kernel.version();
        private boolean fallbackEnabled = true;
        private Duration fallbackTimeout = DEFAULT_FALLBACK_TIMEOUT;
        private long maxImageBytes = DEFAULT_MAX_IMAGE_BYTES;
        private int xzMemoryLimitKiB = DEFAULT_XZ_MEMORY_LIMIT_KIB;
        private int zstdWindowLogMax = DEFAULT_ZSTD_WINDOW_LOG_MAX;

        private Builder() {}

        /** Replaces the roots (searched in this order); relative paths are taken against the working directory. */
        public Builder roots(List<Path> roots) {
            this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
            return this;
        }

        /** Replaces the roots with these. */
        public Builder roots(Path... roots) {
            return roots(List.of(roots));
        }

        public Builder overridePath(String path) {
            this.overridePath = Objects.requireNonNull(path, "path");
            return this;
        }

        public Builder release(String release) {
            this.release = release;
            return this;
        }

        public Builder fallbackEnabled(boolean on) {
            this.fallbackEnabled = on;
            return this;
        }

        public Builder fallbackTimeout(Duration d) {
            this.fallbackTimeout = d;
            return this;
        }

        public Builder maxImageBytes(long n) {
            this.maxImageBytes = n;
            return this;
        }

        public Builder xzMemoryLimitKiB(int kib) {
            this.xzMemoryLimitKiB = kib;
            return this;
        }

        public Builder zstdWindowLogMax(int log) {
            this.zstdWindowLogMax = log;
            return this;
        }

        public FirmwareConfig build() {
            return new FirmwareConfig(roots != null ? roots : defaultRoots(), overridePath, release, fallbackEnabled,
                    fallbackTimeout, maxImageBytes, xzMemoryLimitKiB, zstdWindowLogMax);
        }
    }
}
