package io.kmod4j.runtime.control;

import java.io.IOException;

/**
 * What an op returns to reply and then keep sending: {@code dmesg --follow}. The server writes the
 * ordinary reply {@code {"ok":true,"result":result}}, then runs the feed, which sends one JSON
 * value per line, until the feed returns, the client closes its end, or the server closes. Then
 * the connection is closed.
 *
 * <p>The client's closing is noticed at once, not at the next send: the server interrupts the
 * feed's thread. A feed that fails with anything but {@link InterruptedException} or
 * {@link IOException} ends the stream with one error line, {@code {"ok":false,..}}; streamed values
 * therefore must not be objects with a top-level {@code "ok"} field.
 *
 * @param result the reply's result, as for {@link ControlOp#perform}
 * @param feed what to send after it
 */
public record Streamed(Object result, Feed feed) {

    /** The body of a stream; runs on the connection's thread. */
    @FunctionalInterface
    public interface Feed {
        /**
         * Sends values until done.
         *
         * @throws InterruptedException when the client closed or the server is closing; let it
         *     propagate
         * @throws IOException when a send failed (the client is gone)
         */
        void run(Sink sink) throws Exception;
    }

    /** Where a feed sends its values. */
    @FunctionalInterface
    public interface Sink {
        /**
         * Writes one value as one line; blocks while the client does not read.
         *
         * @throws IOException if the client is gone
         */
        void send(Object value) throws IOException;
    }
}
