package io.kmod4j.runtime.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte channel into UTF-8 lines ending in {@code \n} (a {@code \r} before it is
 * dropped), with a bound on the length of a line so that a client cannot make the daemon buffer
 * without limit. Not thread-safe: one reader per channel.
 */
final class LineReader {

    /** What {@link #next()} found. */
    sealed interface Line permits Text, Invalid, End {}

    /** A complete line, without its terminator. */
    record Text(String text) implements Line {}

    /**
     * A line that cannot be used: longer than the limit (reported as soon as the limit is passed;
     * the rest of it, through the next newline, is skipped) or not UTF-8.
     */
    record Invalid(String reason) implements Line {}

    /** The peer closed its end; an unterminated last line is dropped. */
    record End() implements Line {}

    private final ReadableByteChannel channel;
    private final int limit;
    private final ByteBuffer buffer = ByteBuffer.allocate(16 * 1024).flip();
    private byte[] line = new byte[256];
    private int length;
    private boolean skipping;

    /**
     * @param limit the longest line accepted, in bytes, not counting the newline
     */
    LineReader(ReadableByteChannel channel, int limit) {
        this.channel = channel;
        this.limit = limit;
    }

    /** Reads the next line; blocks until one is complete, the limit is passed, or the peer closes. */
    Line next() throws IOException {
        while (true) {
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    if (skipping) {
                        skipping = false;
                        continue;
                    }
                    return take();
                }
                if (skipping) {
                    continue;
                }
                if (length == limit) {
                    skipping = true;
                    length = 0;
                    return new Invalid("line longer than " + limit + " bytes");
                }
                if (length == line.length) {
                    line = Arrays.copyOf(line, Math.min(limit, line.length * 2));
                }
                line[length++] = b;
            }
            buffer.clear();
            int n = channel.read(buffer);
            buffer.flip();
            if (n < 0) {
                return new End();
            }
        }
    }

    private Line take() {
        int n = length;
        length = 0;
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line, 0, n));
            return new Text(chars.toString());
        } catch (CharacterCodingException e) {
            return new Invalid("line is not valid UTF-8");
        }
    }
}
