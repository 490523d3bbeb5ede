package io.kmod4j.cli;

import io.kmod4j.devsim.Devsim;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code kmod4j devsim ARGS...}: runs the emulated A/B flash device (kmod4j-devsim) in this
 * process. Every argument goes to {@link Devsim#run} unparsed, so {@code kmod4j devsim --help}
 * prints the emulator's own help; its exit code is returned. It serves until SIGINT/SIGTERM (a
 * shutdown hook interrupts it, and it powers the device off) or, in-process, until this thread is
 * interrupted.
 *
 * <p>The emulator writes to this command's standard output (a {@link PrintStream} over it, so
 * that in-process runs can capture it as for every verb).
 */
@Command(name = "devsim",
        description = {
            "Run the emulated A/B flash device behind TFTP (kmod4j-devsim) until interrupted. "
                    + "Every argument is passed to the emulator as it is: 'kmod4j devsim --help' shows its options.",
            "Prints 'devsim: flash device listening on tftp://HOST:PORT state=DIR' once it serves."},
        customSynopsis = "kmod4j devsim ARGS...")
final class DevsimCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Every argument, in order: this command declares no option or parameter of its own. */
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Thread caller = Thread.currentThread();
        Thread hook = new Thread(() -> {
            caller.interrupt();
            try {
                caller.join(5_000);
            } catch (InterruptedException ignored) {
                // the JVM is going down anyway
            }
        }, "kmod4j-devsim-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (PrintStream ps = new PrintStream(new WriterStream(out), true, StandardCharsets.UTF_8)) {
            return Devsim.run(args.toArray(String[]::new), ps);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // stopped by a signal: the hook is running and waits for us
            }
        }
    }

    /** UTF-8 bytes to a writer, decoded as they come; flushing flushes the writer. Not closed with the stream. */
    private static final class WriterStream extends OutputStream {
        private final PrintWriter out;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final ByteBuffer in = ByteBuffer.allocate(8192);
        private final CharBuffer chars = CharBuffer.allocate(8192);

        WriterStream(PrintWriter out) {
            this.out = out;
        }

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            while (len > 0) {
                int n = Math.min(len, in.remaining());
                in.put(b, off, n);
                off += n;
                len -= n;
                drain();
            }
        }

        private void drain() {
            in.flip();
            while (true) {
                chars.clear();
                boolean more = decoder.decode(in, chars, false).isOverflow();
                chars.flip();
                out.append(chars);
                if (!more) {
                    break;
                }
            }
            in.compact(); // keeps an incomplete sequence for the next write
        }

        @Override
        public synchronized void flush() {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
