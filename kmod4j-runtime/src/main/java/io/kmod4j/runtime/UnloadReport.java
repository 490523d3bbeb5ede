package io.kmod4j.runtime;

import io.kmod4j.Taint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code rmmod} did and proved: how long each step took, what was still running and was
 * stopped, what was found running behind the runtime's back, what pins the class loader, and
 * whether the loader was garbage-collected.
 *
 * <p>It holds only names and text, never module objects, so keeping a report does not keep the
 * module's classes alive.
 *
 * @param module module name
 * @param version module version, empty if none
 * @param outcome how the unload ended
 * @param exitDuration time spent in the module's {@code exit()}
 * @param stopDuration time spent stopping and joining what the module still owned (step 3)
 * @param scanDuration time spent looking for threads and pins (step 4)
 * @param verifyDuration time spent proving the loader collected (step 5)
 * @param total wall time of the whole unload
 * @param stopped what the module still owned after {@code exit()} and the runtime stopped
 * @param leaks threads running module code that the runtime did not start
 * @param pins other things known to keep the module's classes reachable
 * @param loader the verdict on the class loader
 * @param jarReleased whether the JAR's file is free (always true: kmod4j holds no handle on it)
 * @param taints taint flags the module carried when it went
 */
public record UnloadReport(
        String module,
        String version,
        Outcome outcome,
        Duration exitDuration,
        Duration stopDuration,
        Duration scanDuration,
        Duration verifyDuration,
        Duration total,
        List<Stopped> stopped,
        List<ThreadLeak> leaks,
        List<Pin> pins,
        LoaderVerdict loader,
        boolean jarReleased,
        Set<Taint> taints) {

    public UnloadReport {
        stopped = List.copyOf(stopped);
        leaks = List.copyOf(leaks);
        pins = List.copyOf(pins);
        taints = Set.copyOf(taints);
    }

    /** How the unload ended. */
    public enum Outcome {
        /** Everything stopped in time; the module is gone. */
        UNLOADED,
        /** {@code rmmod -f} dropped the module although something of it may still run. */
        FORCED
    }

    /** What is known about the module's class loader after the unload. */
    public enum LoaderVerdict {
        /** Garbage-collected: no class of the module can run again. */
        COLLECTED,
        /** Still reachable after a bounded effort; see the pins and leaks. The module is tainted 'Z'. */
        NOT_COLLECTED,
        /** Verification runs in the background (asynchronous rmmod); the kernel reports the result later. */
        PENDING
    }

    /**
     * Something the module owned that the runtime stopped.
     *
     * @param kind kthread, work, timer, ...
     * @param name its name
     * @param detail its result or state, e.g. {@code "stopped, result -4"}
     * @param took time from the stop request until it was quiescent
     */
    public record Stopped(String kind, String name, String detail, Duration took) {}

    /**
     * A thread running code of the module (or holding its class loader) that the runtime did not
     * start: a raw {@code Thread}, an executor's worker, a {@code Timer}, a library's pool.
     *
     * @param thread the thread's name
     * @param virtual whether it is a virtual thread
     * @param state its state when found
     * @param reason why it counts: module frames on its stack, the module's context class loader, ...
     * @param stack its stack, innermost first (cut at 24 frames)
     */
    public record ThreadLeak(String thread, boolean virtual, String state, String reason, List<String> stack) {
        public ThreadLeak {
            stack = List.copyOf(stack);
        }
    }

    /**
     * Something else known to keep module classes reachable.
     *
     * @param kind thread-local, shutdown-hook, mbean, log-handler, security-provider, ...
     * @param description what and where
     */
    public record Pin(String kind, String description) {}

    /** Whether nothing was stopped late, nothing leaked and the loader is gone. */
    public boolean clean() {
        return outcome == Outcome.UNLOADED && leaks.isEmpty() && pins.isEmpty() && loader == LoaderVerdict.COLLECTED;
    }

    /** Human-readable report, as {@code kmod4j rmmod} prints it. */
    public String format() {
        List<String> out = new ArrayList<>();
        out.add("rmmod " + module + (version.isEmpty() ? "" : " " + version) + ": "
                + (outcome == Outcome.FORCED ? "forced out" : "unloaded") + " in " + ms(total));
        out.add(String.format(Locale.ROOT, "  exit() %s, stop %s, scan %s, verify %s",
                ms(exitDuration), ms(stopDuration), ms(scanDuration), ms(verifyDuration)));
        if (stopped.isEmpty()) {
            out.add("  stopped by the runtime: nothing (exit() left nothing running)");
        } else {
            out.add("  stopped by the runtime after exit():");
            for (Stopped s : stopped) {
                out.add("    " + s.kind + " '" + s.name + "': " + s.detail + " (" + ms(s.took) + ")");
            }
        }
        if (leaks.isEmpty()) {
            out.add("  threads started behind the runtime's back: none");
        } else {
            out.add("  threads started behind the runtime's back: " + leaks.size());
            for (ThreadLeak l : leaks) {
                out.add("    " + (l.virtual ? "virtual " : "") + "thread '" + l.thread + "' (" + l.state + "): " + l.reason);
                for (String frame : l.stack.subList(0, Math.min(6, l.stack.size()))) {
                    out.add("        at " + frame);
                }
            }
        }
        for (Pin p : pins) {
            out.add("  pin: " + p.kind + ": " + p.description);
        }
        out.add("  class loader: " + switch (loader) {
            case COLLECTED -> "collected (proven by garbage collection)";
            case NOT_COLLECTED -> "NOT collected: module code is still reachable; tainted Z";
            case PENDING -> "verification pending";
        });
        out.add("  JAR file: " + (jarReleased ? "released (kmod4j holds no handle on it)" : "still open"));
        if (!taints.isEmpty()) {
            out.add("  taints: " + Taint.letters(taints));
        }
        return String.join("\n", out) + "\n";
    }

    private static String ms(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }
}
