package io.kmod4j.testing;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * An {@link Executor} that only collects tasks; the test runs them, on its own thread, when it
 * chooses ({@link #runAll()}). Lets a test stop work between "handed to a kworker" and "started".
 * Thread-safe.
 */
public final class ManualExecutor implements Executor {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
        tasks.addLast(task);
    }

    /** Tasks handed over and not yet run. */
    public synchronized int pending() {
        return tasks.size();
    }

    /** Runs tasks in order until none is left, those added meanwhile included; returns how many ran. */
    public int runAll() {
        int ran = 0;
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.pollFirst();
            }
            if (next == null) {
                return ran;
            }
            next.run();
            ran++;
        }
    }
}
