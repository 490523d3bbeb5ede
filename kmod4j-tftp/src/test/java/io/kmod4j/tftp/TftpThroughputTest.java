package io.kmod4j.tftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures loopback upload throughput of {@link TftpClient} into {@link TftpServer} for block sizes
 * 512, 1468, 8192 and 65464 and window sizes 1 and 16, and prints a table. Not part of the default
 * run; a measurement, not a gate (the machine's load dominates the numbers). Run with:
 *
 * <pre>
 * ./build mvn -pl kmod4j-tftp -am verify -Dtest=TftpThroughputTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dkmod4j.tftp.throughput=true
 * </pre>
 *
 * Optional: {@code -Dkmod4j.tftp.throughput.mib=64} (default 32) sets the size of each upload.
 */
@EnabledIfSystemProperty(named = "kmod4j.tftp.throughput", matches = "true")
class TftpThroughputTest {

    @Test
    void uploadThroughputOnLoopback() throws Exception {
        long size = Long.getLong("kmod4j.tftp.throughput.mib", 32) << 20;
        TftpHandler discard = new TftpHandler() {
            @Override
            public WriteSink openWrite(TransferRequest request) {
                return new WriteSink() {
                    @Override
                    public void write(long block, ByteBuffer data) {
                    }

                    @Override
                    public void complete(long totalBytes) {
                    }

                    @Override
                    public void abort(IOException cause) {
                    }
                };
            }
        };
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%nTFTP upload, loopback, %d MiB each, best of 3 runs, MiB/s%n%8s %12s %12s%n", size >> 20,
                "blksize", "window 1", "window 16"));
        try (TftpServer server = TftpServer.builder(discard).maxWindowBytes(64L << 20).start()) {
            for (int blockSize : new int[] {512, 1468, 8192, 65464}) {
                table.append(String.format(Locale.ROOT, "%8d", blockSize));
                for (int window : new int[] {1, 16}) {
                    double best = 0;
                    for (int run = 0; run < 3; run++) {
                        TransferResult r = TftpClient.builder().retransmitTimeout(Duration.ofSeconds(1)).build()
                                .upload(server.address(), "bench", zeros(size), size,
                                        TransferOptions.none().withBlockSize(blockSize).withWindowSize(window),
                                        ProgressListener.NONE);
                        assertThat(r.bytes()).isEqualTo(size);
                        best = Math.max(best, r.bytesPerSecond() / (1 << 20));
                    }
                    table.append(String.format(Locale.ROOT, " %12.1f", best));
                }
                table.append(System.lineSeparator());
            }
        }
        System.out.println(table);
    }

    private static InputStream zeros(long size) {
        return new InputStream() {
            private long left = size;

            @Override
            public int read() {
                if (left == 0) {
                    return -1;
                }
                left--;
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                left -= n;
                return n;
            }
        };
    }
}
