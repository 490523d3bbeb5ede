package io.kmod4j.cli;

import io.kmod4j.runtime.firmware.UploadStatus;
import java.io.PrintWriter;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The live bar of {@code kmod4j fw upload}, drawn by the progressbar library
 * ({@code me.tongfei:progressbar}) on a writer (standard error):
 * <pre>
 * flash0  33% [=====&gt;          ]  99/293KiB (0:00:01 / 0:00:02) 98.2KiB/s transferring
 * </pre>
 * Each update is the whole line after a carriage return, so it redraws in place on a terminal and
 * stays readable (one {@code \r}-separated update after another) in a log or a pipe. On a
 * terminal the bar uses Unicode blocks and the terminal's width; elsewhere ASCII and 79 columns.
 * Sizes are counted in B below 10 KiB, KiB below 10 MiB, else MiB.
 * The bar is created at the first status (which gives the size); the library redraws it every
 * 100 ms on its own thread when the count moved, and once more when closed, then ends the line.
 *
 * <p>{@link #show} may be called from any one thread; closing it waits for the last redraw.
 */
final class UploadProgressBar implements AutoCloseable {

    private static final int UPDATE_MILLIS = 100;
    private static final int NO_TERMINAL_WIDTH = 79;

    private final PrintWriter err;
    private ProgressBar bar;
    private WriterConsumer consumer;

    UploadProgressBar(PrintWriter err) {
        this.err = err;
    }

    /**
     * Moves the bar to the status: bytes written, and after the speed its state, or once idle
     * again {@code done} or {@code failed}.
     */
    void show(UploadStatus s) {
        if (bar == null) {
            bar = build(s);
        }
        if (bar.getMax() != s.size()) {
            bar.maxHint(s.size());
        }
        bar.stepTo(s.written());
        // Short words once idle: the line after the bar gives the error in full.
        String state = s.busy() ? s.progress().text() : s.error().isEmpty() ? "done" : "failed";
        bar.setExtraMessage(" " + state);
    }

    private ProgressBar build(UploadStatus s) {
        boolean terminal = System.console() != null && System.console().isTerminal();
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(s.name())
                .setInitialMax(s.size())
                .setUpdateIntervalMillis(UPDATE_MILLIS)
                .setStyle(terminal ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII)
                .setConsumer(consumer = new WriterConsumer(err, terminal ? terminalWidth() : NO_TERMINAL_WIDTH))
                .showSpeed(new DecimalFormat("0.0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        if (s.size() >= 10L << 20) {
            b.setUnit("MiB", 1L << 20);
        } else if (s.size() >= 10L << 10) {
            b.setUnit("KiB", 1L << 10);
        } else {
            b.setUnit("B", 1);
        }
        return b.build();
    }

    /** The terminal's width less one column, as the library measures it (through JLine). */
    private static int terminalWidth() {
        return new ConsoleProgressBarConsumer(System.err).getMaxRenderedLength();
    }

    /** Draws the final state and ends the line. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            // progressbar 0.10.2 skips its consumer's close when the bar is closed before its first
            // scheduled redraw ran (an upload that fails at once); the line must end all the same.
            consumer.close();
        }
    }

    /** Draws each rendering after a carriage return on the writer, cut to the width; closing ends the line, once. */
    private static final class WriterConsumer implements ProgressBarConsumer {
        private final PrintWriter out;
        private final int width;
        private boolean closed; // guarded by this

        WriterConsumer(PrintWriter out, int width) {
            this.out = out;
            this.width = width;
        }

        @Override
        public int getMaxRenderedLength() {
            return width;
        }

        @Override
        public synchronized void accept(String rendered) {
            if (closed) {
                return;
            }
            out.print('\r' + (rendered.length() > width ? rendered.substring(0, width) : rendered));
            out.flush();
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            out.println();
            out.flush();
        }
    }
}
