package io.kmod4j.runtime.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** A client that speaks the wire protocol by hand, to send what a well-behaved client would not. */
final class RawClient implements AutoCloseable {
    final SocketChannel channel;
    private final BufferedReader in;

    RawClient(Path socket) throws IOException {
        channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    }

    void sendRaw(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    void send(String text) throws IOException {
        sendRaw(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one line and returns the reply line. */
    String ask(String line) throws IOException {
        send(line + "\n");
        return readLine();
    }

    String readLine() throws IOException {
        return in.readLine();
    }

    /** Sends one line and returns the reply decoded. */
    Map<String, Object> askJson(String line) throws Exception {
        return parse(ask(line));
    }

    /** Reads the next line, decoded. */
    Map<String, Object> readJson() throws Exception {
        return parse(readLine());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String line) throws Exception {
        if (line == null) {
            throw new AssertionError("the server closed the connection");
        }
        return (Map<String, Object>) Json.parse(line, "reply", io.kmod4j.Errno.EPROTO);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
