package io.kmod4j.stress.workqueue;

import io.kmod4j.workqueue.DelayedWork;
import io.kmod4j.workqueue.KTimer;
import io.kmod4j.workqueue.Work;
import java.time.Duration;

/**
 * Makes the work items and timers a test races: {@link #REAL} makes kmod4j's own, owned by the
 * rig's owner; the canaries make copies with a planted bug. Every scenario in {@link Races} takes
 * one, so a canary test is the real test with one argument changed.
 */
public interface Impl {

    /** A work item running {@code body}. */
    WorkSubject work(Rig rig, Body body);

    /** A delayed work item running {@code body}. */
    WorkSubject delayedWork(Rig rig, Body body);

    /** A timer running {@code body} when it expires. */
    TimerSubject timer(Rig rig, Body body);

    /** kmod4j's {@link Work}, {@link DelayedWork} and {@link KTimer}. */
    Impl REAL = new Impl() {
        @Override
        public WorkSubject work(Rig rig, Body body) {
            return new Real(rig.owner.own(() -> new Work("stress", body::run)));
        }

        @Override
        public WorkSubject delayedWork(Rig rig, Body body) {
            return new Real(rig.owner.own(() -> new DelayedWork("stress", body::run)));
        }

        @Override
        public TimerSubject timer(Rig rig, Body body) {
            KTimer t = rig.owner.own(() -> new KTimer("stress", body::run));
            return new TimerSubject() {
                @Override
                public boolean modify(Duration expires) {
                    return t.modify(expires);
                }

                @Override
                public boolean delete() {
                    return t.delete();
                }

                @Override
                public boolean deleteSync() {
                    return t.deleteSync();
                }

                @Override
                public boolean isPending() {
                    return t.isPending();
                }
            };
        }
    };

    /** A {@link Work} behind the subject interface. */
    final class Real implements WorkSubject {
        private final Work w;

        Real(Work w) {
            this.w = w;
        }

        @Override
        public boolean schedule() {
            return w.schedule();
        }

        @Override
        public boolean schedule(Duration delay) {
            return ((DelayedWork) w).schedule(delay);
        }

        @Override
        public boolean cancel() {
            return w.cancel();
        }

        @Override
        public boolean cancelSync() {
            return w.cancelSync();
        }

        @Override
        public boolean disable() {
            return w.disable();
        }

        @Override
        public boolean enable() {
            return w.enable();
        }

        @Override
        public boolean flush() {
            return w.flush();
        }

        @Override
        public boolean isPending() {
            return w.isPending();
        }

        @Override
        public boolean isBusy() {
            return w.isBusy();
        }
    }
}
