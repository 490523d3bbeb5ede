package io.kmod4j.stress.workqueue;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The function under test, run as a work function or a timer callback: it counts its executions
 * and notices if two of them are ever inside at once. Then it runs {@link #then}, if set (a work
 * that queues itself again, a timer that re-arms itself).
 *
 * <p>{@link #runs} is a plain field on purpose: a test that reads it after {@code flush()},
 * {@code cancelSync()} or {@code deleteSync()} returned relies on that call's memory-consistency
 * effect, as a driver reading its work's results would.
 */
public final class Body {

    private final AtomicInteger inside = new AtomicInteger();
    /** Executions so far. Plain: publication is the API's job. */
    public int runs;
    /** 1 once two executions overlapped. */
    public int overlap;
    /** Runs after each execution's count, while still inside; null for none. */
    public Runnable then;

    /** One execution. */
    public void run() {
        if (inside.incrementAndGet() != 1) {
            overlap = 1;
        }
        runs++;
        Runnable next = then;
        if (next != null) {
            next.run();
        }
        inside.decrementAndGet();
    }

    /** Executions inside the function right now. */
    public int insideNow() {
        return inside.get();
    }
}
