package io.kmod4j.runtime.firmware;

import com.github.luben.zstd.ZstdOutputStream;
import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.log.LogRecord;
import io.kmod4j.log.LogRing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Firmware files for tests, made with the libraries' own encoders, and small assertions. */
final class Fixtures {
    private Fixtures() {}

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return new String(a, StandardCharsets.UTF_8);
    }

    static Path write(Path file, byte[] data) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, data);
    }

    static Path write(Path file, String data) throws IOException {
        return write(file, bytes(data));
    }

    static byte[] zst(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    static byte[] xz(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XZOutputStream x = new XZOutputStream(out, new LZMA2Options())) {
            x.write(data);
        }
        return out.toByteArray();
    }

    /** Streams {@code zeros} zero bytes through a compressor into {@code file}, 1 MiB at a time. */
    static Path zeros(Path file, long zeros, OutputStreamFactory compressor) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = compressor.open(Files.newOutputStream(file))) {
            for (long left = zeros; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
        return file;
    }

    @FunctionalInterface
    interface OutputStreamFactory {
        OutputStream open(OutputStream sink) throws IOException;
    }

    /** The errno a call fails with; fails the test if it does not fail with a KernelException. */
    static KernelException errno(Errno expected, ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).as("expected %s", expected).isInstanceOf(KernelException.class);
        KernelException e = (KernelException) t;
        assertThat(e.errno()).as(e.getMessage()).isEqualTo(expected);
        return e;
    }

    static String dmesg(LogRing log) {
        return log.records().stream().map(LogRecord::format).collect(Collectors.joining("\n"));
    }
}
