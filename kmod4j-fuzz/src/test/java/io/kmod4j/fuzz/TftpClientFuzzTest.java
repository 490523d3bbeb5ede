package io.kmod4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmod4j.fuzz.ScriptedNetwork.Datagram;
import io.kmod4j.tftp.MalformedPacketException;
import io.kmod4j.tftp.ProgressListener;
import io.kmod4j.tftp.TftpClient;
import io.kmod4j.tftp.TftpException;
import io.kmod4j.tftp.TftpPacket;
import io.kmod4j.tftp.TransferOptions;
import io.kmod4j.tftp.TransferResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The driver side of TFTP: a {@link TftpClient} uploading (as the tftp-flash driver pushes
 * firmware) or downloading against a hostile server. The server is a script of fuzzed datagrams
 * played through {@link ScriptedNetwork} with virtual time.
 *
 * <p>Input: record 0 configures the transfer (byte 0: bit 0 upload, bit 1 size known, bits 2-4
 * which options to ask for; bytes 1-2: upload size); every further record is one datagram the
 * client receives, its byte 0 choosing the sender (the server's transfer port, another port of
 * the server, the request port, another host) and the rest its bytes.
 *
 * <p>Invariants: the transfer ends, in bounded (virtual) time, either normally (an upload sent
 * exactly its bytes; a download received no more than the script carried) or with a
 * {@link TftpException}, never an unchecked exception or another kind of failure; progress
 * never goes backwards; and everything the client sends is a well-formed TFTP datagram.
 */
class TftpClientFuzzTest {

    private static final InetSocketAddress SERVER = new InetSocketAddress(ScriptedNetwork.HOST, 69);
    private static final InetSocketAddress SERVER_TID = new InetSocketAddress(ScriptedNetwork.HOST, 40000);
    private static final InetSocketAddress OTHER_TID = new InetSocketAddress(ScriptedNetwork.HOST, 40001);
    private static final InetSocketAddress OTHER_HOST;
    private static final InetSocketAddress LOCAL = new InetSocketAddress(ScriptedNetwork.HOST, 50000);
    private static final int MAX_UPLOAD = 4096;

    static {
        try {
            OTHER_HOST = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), 40000);
        } catch (java.net.UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final TransferOptions[] OPTIONS = {
        TransferOptions.none(),
        TransferOptions.recommended(),
        TransferOptions.none().withBlockSize(8),
        TransferOptions.none().withBlockSize(8).withWindowSize(4),
        TransferOptions.none().withTimeout(Duration.ofSeconds(3)).withTransferSize(true),
        TransferOptions.none().withBlockSize(TftpPacket.MAX_BLOCK_SIZE).withWindowSize(2),
        TransferOptions.none().withWindowSize(300),
        TransferOptions.none().withBlockSize(512).withTimeout(Duration.ofSeconds(1)).withWindowSize(8)
                .withTransferSize(true),
    };

    static InetSocketAddress sender(int selector) {
        return switch (selector & 3) {
            case 0 -> SERVER_TID;
            case 1 -> OTHER_TID;
            case 2 -> SERVER;
            default -> OTHER_HOST;
        };
    }

    static List<Datagram> script(List<byte[]> records) {
        List<Datagram> script = new ArrayList<>();
        for (byte[] r : records) {
            byte[] bytes = r.length == 0 ? r : java.util.Arrays.copyOfRange(r, 1, r.length);
            script.add(new Datagram(sender(Frames.u8(r, 0)), bytes));
        }
        return script;
    }

    @FuzzTest
    void transfer(byte[] input) throws Exception {
        List<byte[]> records = Frames.split(input);
        if (records.isEmpty()) {
            return;
        }
        byte[] config = records.get(0);
        boolean upload = (Frames.u8(config, 0) & 1) != 0;
        boolean sizeKnown = (Frames.u8(config, 0) & 2) != 0;
        TransferOptions options = OPTIONS[(Frames.u8(config, 0) >> 2) & 7];
        int size = ((Frames.u8(config, 1) << 8) | Frames.u8(config, 2)) % (MAX_UPLOAD + 1);
        List<Datagram> script = script(records.subList(1, records.size()));

        AtomicReference<ScriptedNetwork.Transport> opened = new AtomicReference<>();
        TftpClient client = TftpClient.builder()
                .retransmitTimeout(Duration.ofSeconds(1))
                .maxRetries(2)
                .transports(local -> {
                    ScriptedNetwork.Transport t = new ScriptedNetwork.Transport(LOCAL, script);
                    assertThat(opened.compareAndSet(null, t)).as("one transport per transfer").isTrue();
                    return t;
                })
                .build();
        Progress progress = new Progress();
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        TransferResult result = null;
        try {
            result = upload
                    ? client.upload(SERVER, "fw.bin", new ByteArrayInputStream(data), sizeKnown ? size : -1, options,
                            progress)
                    : client.download(SERVER, "fw.bin", sink, options, progress);
        } catch (TftpException expected) {
            // the server misbehaved and the client said so
        } catch (IOException e) {
            ScriptedNetwork.Transport t = opened.get();
            throw new AssertionError(t != null && t.stuck() != null ? "client stuck: " + t.stuck()
                    : "a failure that is not a TftpException", e);
        }
        ScriptedNetwork.Transport t = opened.get();
        if (t != null) {
            assertThat(t.isClosed()).as("the transfer's socket is closed on every way out").isTrue();
            for (byte[] sent : t.sent()) {
                assertWellFormed(sent);
            }
        }
        if (result != null) {
            if (upload) {
                assertThat(result.bytes()).isEqualTo(size);
            } else {
                int carried = script.stream().mapToInt(d -> d.bytes().length).sum();
                assertThat(result.bytes()).isEqualTo(sink.size()).isLessThanOrEqualTo(carried);
            }
        }
    }

    static void assertWellFormed(byte[] datagram) {
        assertThat(datagram.length).isLessThanOrEqualTo(TftpPacket.MAX_DATAGRAM);
        try {
            TftpPacket.decode(ByteBuffer.wrap(datagram));
        } catch (MalformedPacketException e) {
            throw new AssertionError("sent a malformed datagram", e);
        }
    }

    /** Progress must only move forward. */
    private static final class Progress implements ProgressListener {
        private long last;

        @Override
        public void progress(long bytesTransferred, OptionalLong totalBytes) {
            assertThat(bytesTransferred).as("progress").isGreaterThanOrEqualTo(last);
            last = bytesTransferred;
        }
    }
}
