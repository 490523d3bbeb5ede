package io.kmod4j.stress.workqueue;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * A kworker the test drives: an {@link Executor} that only collects what the workqueue hands it,
 * so that a jcstress actor decides when (and on which thread) a work function or timer callback
 * runs. Two actors that both drain it act as two kworkers of one pool. Thread-safe.
 */
public final class Kworker implements Executor {

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
        tasks.addLast(task);
    }

    /** Runs the oldest task, if any, on the calling thread; {@code true} if one ran. */
    public boolean runOne() {
        Runnable next;
        synchronized (this) {
            next = tasks.pollFirst();
        }
        if (next == null) {
            return false;
        }
        next.run();
        return true;
    }

    /** Runs tasks until none is left, those added meanwhile included; returns how many ran. */
    public int runAll() {
        int ran = 0;
        while (runOne()) {
            ran++;
        }
        return ran;
    }

    /**
     * Runs at most {@code max} tasks: for a work or timer that keeps queueing itself, where
     * {@link #runAll()} would never end. Returns how many ran.
     */
    public int runAtMost(int max) {
        int ran = 0;
        while (ran < max && runOne()) {
            ran++;
        }
        return ran;
    }

    /**
     * Runs tasks as they come until {@code done} says the other actor has finished, then whatever
     * is left (at most {@code max} more). The loop is what a kworker does while another thread
     * cancels or flushes what it runs.
     */
    public void serveUntil(java.util.function.BooleanSupplier done, int max) {
        while (!done.getAsBoolean()) {
            if (!runOne()) {
                Thread.onSpinWait();
            }
        }
        runAtMost(max);
    }
}
