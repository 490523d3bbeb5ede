package io.kmod4j.runtime.firmware;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.driver.Device;
import io.kmod4j.runtime.firmware.ImageReader.Format;
import io.kmod4j.runtime.firmware.ImageReader.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.InvalidPathException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The filesystem half of {@code _request_firmware}: name checks, the search path and the search
 * itself ({@code fw_get_filesystem_firmware}).
 *
 * <p>The search path is the override directory (if set), then, for each root in order,
 * {@code <root>/updates/<release>}, {@code <root>/updates}, {@code <root>/<release>} and
 * {@code <root>}. As in Linux, the plain name is tried in every directory of the path first, then
 * {@code name.zst} in every directory, then {@code name.xz}; the first file read successfully
 * wins. A missing file moves on silently; any other failure (empty file, too large, undecodable,
 * outside its root) is warned about and the search moves on. If nothing is found the error is
 * the first such failure, or {@code ENOENT} when every directory lacked the file.
 *
 * <p>Containment: a name with no {@code ..} component can only name something under its
 * directory, and the file's real path (symbolic links resolved) must lie under the real path of
 * its root (the override directory counts as its own root); the file opened is that real path,
 * without following a link in its last component. Symbolic links inside a root are followed.
 *
 * <p>Thread-safe: the override path is one volatile field.
 */
final class FirmwareSearch {

    /** Linux's {@code PATH_MAX}: a path this long ends the search with {@code ENAMETOOLONG}. */
    static final int PATH_MAX = 4096;
    /** {@code firmware_class.path} is a 256-byte buffer: 255 characters and a NUL. */
    static final int OVERRIDE_MAX = 255;

    /** A directory on the search path, with the root it must not be escaped from. */
    record Dir(Path path, Path root) {}

    /** A file found: its bytes and where they came from. */
    record Found(ByteBuffer data, Path source) {}

    private final FirmwareConfig config;
    private final ImageReader reader;
    private final FwLog log;
    private volatile String override;

    FirmwareSearch(FirmwareConfig config, FwLog log) throws KernelException {
        this.config = config;
        this.reader = new ImageReader(config.xzMemoryLimitKiB(), config.zstdWindowLogMax());
        this.log = log;
        setOverride(config.overridePath());
    }

    ImageReader reader() {
        return reader;
    }

    /**
     * Checks a name as {@code _request_firmware} does before anything else.
     *
     * @throws KernelException {@code EINVAL}: null or empty; absolute; a {@code ..} component
     *     (whole name, leading, middle or trailing; warned as Linux does); not a valid path
     */
    void validate(String name, Device dev) throws KernelException {
        if (name == null || name.isEmpty()) {
            throw new KernelException(Errno.EINVAL, "firmware name is " + (name == null ? "null" : "empty"));
        }
        if (hasDotDotComponent(name)) {
            String msg = "Firmware load for '" + name + "' refused, path contains '..' component";
            log.warn(dev, msg);
            throw new KernelException(Errno.EINVAL, msg);
        }
        if (name.startsWith("/")) {
            throw new KernelException(Errno.EINVAL, "Firmware load for '" + name + "' refused, the name is absolute");
        }
        try {
            Path.of(name);
        } catch (InvalidPathException e) {
            throw new KernelException(Errno.EINVAL, "Firmware load for '" + name.replace("\0", "\\0")
                    + "' refused, not a valid path: " + e.getReason(), e);
        }
    }

    /** Linux's {@code name_contains_dotdot}: exactly "..", a leading "../", a "/../", a trailing "/..". */
    static boolean hasDotDotComponent(String name) {
        return name.equals("..") || name.startsWith("../") || name.contains("/../") || name.endsWith("/..");
    }

    /**
     * Sets the override directory ({@code firmware_class.path}); one trailing newline is dropped,
     * empty means none.
     *
     * @throws KernelException {@code ENOSPC} longer than {@value #OVERRIDE_MAX} characters (the
     *     value is unchanged), {@code EINVAL} not a valid path
     */
    void setOverride(String path) throws KernelException {
        String p = path.endsWith("\n") ? path.substring(0, path.length() - 1) : path;
        if (p.length() > OVERRIDE_MAX) {
            throw new KernelException(Errno.ENOSPC, "firmware_class.path: string doesn't fit in " + OVERRIDE_MAX + " chars");
        }
        try {
            Path.of(p);
        } catch (InvalidPathException e) {
            throw new KernelException(Errno.EINVAL, "firmware_class.path: not a valid path: " + e.getReason(), e);
        }
        override = p;
    }

    String override() {
        return override;
    }

    /** The directories searched now, in order. */
    List<Dir> searchPath() {
        List<Dir> dirs = new ArrayList<>();
        String o = override;
        if (!o.isEmpty()) {
            Path p = Path.of(o).toAbsolutePath().normalize();
            dirs.add(new Dir(p, p));
        }
        for (Path root : config.roots()) {
            dirs.add(new Dir(root.resolve("updates").resolve(config.release()), root));
            dirs.add(new Dir(root.resolve("updates"), root));
            dirs.add(new Dir(root.resolve(config.release()), root));
            dirs.add(new Dir(root, root));
        }
        return dirs;
    }

    /**
     * Searches for {@code name} (already validated) and reads the first hit into {@code sink}.
     *
     * @throws KernelException {@code ENOENT} nowhere; {@code ENAMETOOLONG} a path reached
     *     {@link #PATH_MAX}; {@code EINTR} interrupted; else the first failure met (see the class
     *     comment)
     */
    Found search(String name, Device dev, Sink sink) throws KernelException {
        List<Dir> dirs = searchPath();
        KernelException first = null;
        for (Format format : Format.values()) {
            for (Dir d : dirs) {
                String file = name + format.suffix;
                if (d.path().toString().length() + 1 + file.length() >= PATH_MAX) {
                    throw new KernelException(Errno.ENAMETOOLONG, "firmware path " + d.path() + "/" + file
                            + " is too long (PATH_MAX " + PATH_MAX + ")");
                }
                Path candidate = d.path().resolve(file);
                try {
                    Path real = contained(candidate, d.root());
                    return new Found(reader.read(real, format, sink), candidate);
                } catch (KernelException e) {
                    if (e.errno() == Errno.ENOENT) {
                        continue;
                    }
                    if (e.errno() == Errno.EINTR) {
                        throw e;
                    }
                    log.warn(dev, "loading " + candidate + " failed with error " + e.errno().code() + ": "
                            + e.getMessage() + "; trying the next location");
                    if (first == null) {
                        first = e;
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
        throw new KernelException(Errno.ENOENT, "firmware " + name + " not found in "
                + String.join(", ", dirs.stream().map(d -> d.path().toString()).toList())
                + " (as is, .zst or .xz)");
    }

    /** The real path of {@code candidate} if it exists, is a regular file and stays inside {@code root}. */
    private static Path contained(Path candidate, Path root) throws KernelException {
        Path real;
        Path realRoot;
        try {
            real = candidate.toRealPath();
            realRoot = root.toRealPath();
        } catch (NoSuchFileException e) {
            throw new KernelException(Errno.ENOENT, candidate + ": no such file", e);
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, "resolving " + candidate + " failed: " + e, e);
        }
        if (!real.startsWith(realRoot)) {
            throw new KernelException(Errno.EACCES, candidate + " resolves to " + real
                    + ", outside the firmware root " + root + "; refused");
        }
        if (!Files.isRegularFile(real)) {
            throw new KernelException(Errno.EINVAL, candidate + " is not a regular file");
        }
        return real;
    }

    /** For messages: the name of a device or "no device". */
    static String deviceName(Device dev) {
        return Optional.ofNullable(dev).map(Device::name).orElse("no device");
    }
}
