package io.kmod4j.bench.firmware;

import io.kmod4j.KernelException;
import io.kmod4j.bench.Figure;
import io.kmod4j.firmware.Firmware;
import io.kmod4j.internal.FirmwareProvider;
import io.kmod4j.internal.KernelOwner;
import io.kmod4j.log.LogRing;
import io.kmod4j.runtime.firmware.FirmwareConfig;
import io.kmod4j.runtime.firmware.FirmwareLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One {@code request_firmware} of a 256 MiB image through kmod4j's loader, against a plain
 * {@link FileChannel} read of the same file into a buffer of its size: what the search path,
 * name checks, containment check, cache bookkeeping and {@code Firmware} handle cost on top of
 * the read itself.
 *
 * <p><b>What each side does per operation.</b> {@link #request}: {@code FirmwareLoader.request}
 * with the flags of {@code request_firmware_direct} (no fallback, no warning), which validates
 * the name, joins the cache (a miss: nothing else holds the image), stats the
 * {@code updates/<release>}, {@code updates} and {@code <release>} directories of the one root
 * (all absent), resolves the file's real path and checks it lies under the root, opens it, reads
 * it into a direct buffer of exactly its size, then closes the handle (dropping the cache
 * entry). {@link #fileChannelRead}: opens the file, allocates a direct buffer of its size, reads
 * it in full, closes. Both read one byte at the end so nothing is elided, and neither computes
 * the SHA-256 (the loader computes it lazily, on first {@code sha256()}). The file is in the page
 * cache for both: this measures the loader, not the disk.
 *
 * <p><b>Allocation.</b> Both sides allocate a fresh 256 MiB direct buffer per operation, freed by
 * the collector; the fork's {@code -XX:MaxDirectMemorySize} leaves room for a few in flight so
 * neither side stalls more than the other.
 *
 * <p><b>Target</b> (issue 4): our throughput at least 0.9x the peer's, i.e. time per request at
 * most 1.11x the read's.
 *
 * <p><b>Reproduce:</b> {@code ./build bench FirmwareRequestThroughput -f 1 -wi 3 -w 2s -i 5 -r 2s}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(jvmArgsAppend = {"-Xmx1g", "-XX:MaxDirectMemorySize=3g", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class FirmwareRequestThroughput {

    static final String NAME = "bench/firmware-256m.bin";
    static final int FLAGS = FirmwareProvider.UEVENT | FirmwareProvider.NO_WARN | FirmwareProvider.NO_FALLBACK;

    /** The image size in MiB. */
    @Param("256")
    public int mib;

    private Path root;
    private Path file;
    private FirmwareLoader loader;

    @Setup
    public void setUp() throws IOException {
        root = Files.createTempDirectory("kmod4j-fw-bench");
        file = root.resolve(NAME);
        Files.createDirectories(file.getParent());
        SplittableRandom random = new SplittableRandom(42);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
        loader = new FirmwareLoader(FirmwareConfig.builder().roots(root).fallbackEnabled(false).build(), new LogRing(),
                KernelOwner.INSTANCE.scheduler());
    }

    @TearDown
    public void tearDown() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    @Figure(peer = "fileChannelRead", target = 1.11,
            what = "request_firmware of a 256 MiB image vs a FileChannel read of the file into a direct buffer")
    public byte request() throws KernelException {
        try (Firmware fw = loader.request(NAME, null, FLAGS)) {
            ByteBuffer data = fw.data();
            return data.get(data.limit() - 1);
        }
    }

    @Benchmark
    public byte fileChannelRead() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect((int) ch.size());
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    throw new IOException(file + " shrank");
                }
            }
            return buf.get(buf.limit() - 1);
        }
    }
}
