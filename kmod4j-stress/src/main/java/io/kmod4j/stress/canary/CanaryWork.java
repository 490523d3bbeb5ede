package io.kmod4j.stress.canary;

import io.kmod4j.internal.Scheduler;
import io.kmod4j.stress.workqueue.Body;
import io.kmod4j.stress.workqueue.WorkSubject;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A copy of {@link io.kmod4j.workqueue.Work}'s execution protocol (pending and running state,
 * the hand-over of an instance queued while the work runs, stale entries, generations for
 * flush, the cancel routine, the delayed work's timer token) with one planted bug, chosen per
 * instance, for the canary tests. Ownership, logging, oopses and the workqueue's slot accounting
 * are left out: they play no part in the races under test. Each instance is handed straight to
 * the kworker, as the real system workqueue does while it has free slots. With {@link Bug#NONE}
 * it follows the real algorithm.
 *
 * <p>Never used outside the canary tests; never run by the default stress suite.
 */
public final class CanaryWork implements WorkSubject {

    /** The planted bugs. */
    public enum Bug {
        /** None: the real algorithm. */
        NONE,
        /** schedule() checks pending without the lock, then queues under it without checking again. */
        SCHEDULE_CHECK_THEN_ACT,
        /** A kworker runs an instance it took even while the work runs on another kworker. */
        NO_HANDOFF,
        /** A kworker runs an instance that was cancelled after it was handed to the kworker. */
        STALE_ENTRY_RUNS,
        /** cancelSync() cancels a pending instance but does not wait for a running one. */
        CANCEL_SYNC_DOES_NOT_WAIT,
        /** cancelSync() waits for the running function but lets it queue itself again meanwhile. */
        CANCEL_SYNC_ALLOWS_REQUEUE,
        /** flush() waits only for a running execution, not for the instance pending behind it. */
        FLUSH_WAITS_FOR_RUNNING_ONLY,
        /** The delayed work's timer queues the work although it was cancelled (or re-armed) meanwhile. */
        TIMER_IGNORES_TOKEN
    }

    /** One queued instance; identity matters. */
    private static final class Entry {}

    private final Bug bug;
    private final Body body;
    private final Executor kworker;
    private final Scheduler clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    private volatile boolean pending;
    private volatile Thread runner;
    private Entry queued;
    private Entry handoff;
    private Scheduler.Scheduled timer;
    private Object timerToken;
    private long queuedGen;
    private long runGen;
    private long doneGen;
    private long discardedGen;
    private int cancelling;
    private int disabled;

    public CanaryWork(Bug bug, Body body, Executor kworker, Scheduler clock) {
        this.bug = bug;
        this.body = body;
        this.kworker = kworker;
        this.clock = clock;
    }

    // ---------------------------------------------------------------- queueing

    @Override
    public boolean schedule() {
        return enqueue(0);
    }

    @Override
    public boolean schedule(Duration delay) {
        return enqueue(delay.toNanos());
    }

    private boolean enqueue(long delayNanos) {
        Entry e;
        if (bug == Bug.SCHEDULE_CHECK_THEN_ACT && pending) {
            return false; // the planted bug: the check ...
        }
        lock.lock();
        try {
            if (refusedLocked() || (pending && bug != Bug.SCHEDULE_CHECK_THEN_ACT)) { // ... not repeated here
                return false;
            }
            e = commitLocked(delayNanos);
        } finally {
            lock.unlock();
        }
        if (e != null) {
            dispatch(e);
        }
        return true;
    }

    private boolean refusedLocked() {
        return disabled > 0 || cancelling > 0;
    }

    /** Makes the work pending; returns the entry to hand to the kworker, or null if a timer was armed. */
    private Entry commitLocked(long delayNanos) {
        Entry e = null;
        if (delayNanos <= 0) {
            e = new Entry();
            queued = e;
        } else {
            Object token = new Object();
            timer = clock.schedule(() -> timerFired(token), Duration.ofNanos(delayNanos));
            timerToken = token;
        }
        pending = true;
        queuedGen++;
        changed.signalAll();
        return e;
    }

    private void dispatch(Entry e) {
        kworker.execute(() -> execute(e));
    }

    private boolean discardLocked() {
        if (!pending) {
            return false;
        }
        if (timer != null) {
            timer.cancel();
            timer = null;
            timerToken = null;
        }
        queued = null; // an entry already with the kworker is stale now
        pending = false;
        discardedGen = queuedGen;
        changed.signalAll();
        return true;
    }

    private void timerFired(Object token) {
        Entry e;
        lock.lock();
        try {
            if (timerToken != token && bug != Bug.TIMER_IGNORES_TOKEN) {
                return; // cancelled, re-armed or flushed meanwhile
            }
            timer = null;
            timerToken = null;
            e = new Entry();
            queued = e;
        } finally {
            lock.unlock();
        }
        dispatch(e);
    }

    // ---------------------------------------------------------------- execution (kworker side)

    private void execute(Entry e) {
        boolean run = false;
        lock.lock();
        try {
            if (queued != e && bug != Bug.STALE_ENTRY_RUNS) {
                return; // cancelled after the kworker got it
            }
            if (runner != null && bug != Bug.NO_HANDOFF) {
                handoff = e; // running elsewhere: that kworker runs it next
            } else {
                beginLocked();
                run = true;
            }
        } finally {
            lock.unlock();
        }
        if (run) {
            runFrom();
        }
    }

    private void beginLocked() {
        pending = false;
        queued = null;
        runner = Thread.currentThread();
        runGen = queuedGen;
        changed.signalAll();
    }

    private void runFrom() {
        boolean again = true;
        while (again) {
            body.run();
            lock.lock();
            try {
                runner = null;
                doneGen = runGen;
                again = handoff != null && handoff == queued;
                handoff = null;
                if (again) {
                    beginLocked();
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    // ---------------------------------------------------------------- waiting and cancelling

    @Override
    public boolean flush() {
        Entry e = null;
        long gen;
        lock.lock();
        try {
            if (timerToken != null) {
                timer.cancel();
                timer = null;
                timerToken = null;
                e = new Entry();
                queued = e;
            }
            gen = lastInstanceLocked();
        } finally {
            lock.unlock();
        }
        if (e != null) {
            dispatch(e);
        }
        if (gen < 0) {
            return false;
        }
        lock.lock();
        try {
            while (!flushedLocked(gen)) {
                changed.awaitUninterruptibly();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private long lastInstanceLocked() {
        if (bug == Bug.FLUSH_WAITS_FOR_RUNNING_ONLY) {
            return runner != null ? runGen : -1;
        }
        if (pending) {
            return queuedGen;
        }
        return runner != null ? runGen : -1;
    }

    private boolean flushedLocked(long gen) {
        return doneGen >= gen || (discardedGen >= gen && (runner == null || runGen >= gen));
    }

    @Override
    public boolean cancel() {
        return grab(false, false);
    }

    @Override
    public boolean cancelSync() {
        return grab(false, true);
    }

    @Override
    public boolean disable() {
        return grab(true, false);
    }

    @Override
    public boolean enable() {
        lock.lock();
        try {
            if (disabled == 0) {
                throw new IllegalStateException("work is not disabled");
            }
            return --disabled == 0;
        } finally {
            lock.unlock();
        }
    }

    private boolean grab(boolean disable, boolean sync) {
        boolean was;
        lock.lock();
        try {
            if (disable) {
                disabled++;
            }
            was = discardLocked();
            if (sync) {
                boolean refuse = bug != Bug.CANCEL_SYNC_ALLOWS_REQUEUE;
                if (refuse) {
                    cancelling++;
                }
                try {
                    while (runner != null && bug != Bug.CANCEL_SYNC_DOES_NOT_WAIT) {
                        changed.awaitUninterruptibly();
                    }
                } finally {
                    if (refuse) {
                        cancelling--;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        return was;
    }

    // ---------------------------------------------------------------- queries

    @Override
    public boolean isPending() {
        return pending;
    }

    @Override
    public boolean isBusy() {
        return pending || runner != null;
    }
}
