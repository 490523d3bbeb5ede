package io.kmod4j.stress.canary;

import io.kmod4j.internal.Scheduler;
import io.kmod4j.stress.workqueue.Body;
import io.kmod4j.stress.workqueue.TimerSubject;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A copy of {@link io.kmod4j.workqueue.KTimer}'s protocol (arming token, expiry handed to a
 * kworker, an expiry during the callback deferred until it returns, deleteSync refusing re-arms
 * while it waits) with one planted bug, chosen per instance, for the canary tests. Ownership,
 * logging and oopses are left out: they play no part in the races under test. With
 * {@link Bug#NONE} it follows the real algorithm.
 *
 * <p>Never used outside the canary tests; never run by the default stress suite.
 */
public final class CanaryKTimer implements TimerSubject {

    /** The planted bugs. */
    public enum Bug {
        /** None: the real algorithm. */
        NONE,
        /** deleteSync() disarms but does not wait for a callback that is due or running. */
        DELETE_SYNC_DOES_NOT_WAIT,
        /** An expiry runs the callback although the timer was deleted or re-armed meanwhile. */
        EXPIRY_IGNORES_TOKEN,
        /** modify() re-arms the timer while a deleteSync() waits for its callback. */
        MODIFY_IGNORES_DELETING,
        /** delete() and deleteSync() read whether the timer is pending before they take the lock. */
        DELETE_READS_ARMED_UNLOCKED
    }

    private final Bug bug;
    private final Body body;
    private final Executor kworker;
    private final Scheduler clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    private volatile boolean armed;
    private Scheduler.Scheduled timer;
    private Object token;
    private boolean due;
    private boolean active;
    private int deleting;

    public CanaryKTimer(Bug bug, Body body, Executor kworker, Scheduler clock) {
        this.bug = bug;
        this.body = body;
        this.kworker = kworker;
        this.clock = clock;
    }

    @Override
    public boolean modify(Duration expires) {
        lock.lock();
        try {
            if (deleting > 0 && bug != Bug.MODIFY_IGNORES_DELETING) {
                return false;
            }
            boolean was = disarmLocked();
            Object t = new Object();
            timer = clock.schedule(() -> expire(t), expires);
            token = t;
            armed = true;
            return was;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean delete() {
        boolean early = armed; // only the DELETE_READS_ARMED_UNLOCKED bug uses this
        lock.lock();
        try {
            boolean was = disarmLocked();
            return bug == Bug.DELETE_READS_ARMED_UNLOCKED ? early : was;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean deleteSync() {
        boolean early = armed; // only the DELETE_READS_ARMED_UNLOCKED bug uses this
        lock.lock();
        try {
            deleting++;
            try {
                boolean was = disarmLocked();
                while (active && bug != Bug.DELETE_SYNC_DOES_NOT_WAIT) {
                    changed.awaitUninterruptibly();
                }
                return bug == Bug.DELETE_READS_ARMED_UNLOCKED ? early : was;
            } finally {
                deleting--;
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean disarmLocked() {
        if (!armed) {
            return false;
        }
        if (timer != null) {
            timer.cancel();
        }
        timer = null;
        token = null;
        armed = false;
        due = false;
        changed.signalAll();
        return true;
    }

    private void expire(Object t) {
        lock.lock();
        try {
            if (token != t && bug != Bug.EXPIRY_IGNORES_TOKEN) {
                return;
            }
            if (active) {
                due = true;
                return;
            }
            timer = null;
            token = null;
            armed = false;
            active = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        kworker.execute(this::runCallback);
    }

    private void runCallback() {
        boolean again = true;
        while (again) {
            body.run();
            lock.lock();
            try {
                again = due;
                if (again) {
                    due = false;
                    timer = null;
                    token = null;
                    armed = false;
                } else {
                    active = false;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public boolean isPending() {
        return armed;
    }
}
