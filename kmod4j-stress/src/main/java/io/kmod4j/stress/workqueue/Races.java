package io.kmod4j.stress.workqueue;

import java.time.Duration;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The races of the workqueue tests, one class per race, each taking the {@link Impl} to race.
 * jcstress only sees the actors a test class declares itself, so every test class (real ones in
 * this package, canaries in {@code io.kmod4j.stress.canary}) declares its actors and delegates
 * here: a canary is then the very same race on a copy with a planted bug.
 *
 * <p>Two actors at most (this machine has two cores). Where a race needs a kworker, one actor
 * is it: it runs what the workqueue handed to the rig's {@link Kworker}, so the function runs
 * exactly as a kworker would run it, on a thread the test controls. Timers expire when an actor
 * moves the rig's {@link StressClock}.
 */
public final class Races {

    private Races() {}

    static int i(boolean b) {
        return b ? 1 : 0;
    }

    /** How far a timer is armed, and how far the clock moves to fire it. */
    static final Duration TICK = Duration.ofMillis(1);
    /** Far enough to fire anything still armed. */
    static final Duration LATER = Duration.ofHours(1);
    /** Executions a kworker still runs once the other actor is done: enough for a correct work, bounded for a buggy one. */
    static final int TAIL = 8;

    // ------------------------------------------------------------------ Work

    /**
     * Two {@code schedule()} calls on an idle work, nobody running it: exactly one returns true,
     * and the work runs once. r1, r2: the two results; r3: executions after the kworker ran
     * everything.
     */
    public static final class ScheduleVsSchedule {
        final Rig rig = new Rig();
        final Body body = new Body();
        final WorkSubject w;

        public ScheduleVsSchedule(Impl impl) {
            w = impl.work(rig, body);
        }

        public void first(III_Result r) {
            r.r1 = i(w.schedule());
        }

        public void second(III_Result r) {
            r.r2 = i(w.schedule());
        }

        public void arbiter(III_Result r) {
            rig.kworker.runAll();
            r.r3 = body.runs;
        }
    }

    /**
     * A pending work; one kworker runs it while the other actor queues it again and then acts as
     * a second kworker. The second instance may reach either kworker while the first still runs:
     * it must wait for the first to return. r1: the second schedule(); r2: executions; r3: 1 if
     * two executions overlapped.
     */
    public static final class RequeueWhileRunning {
        final Rig rig = new Rig();
        final Body body = new Body();
        final WorkSubject w;

        public RequeueWhileRunning(Impl impl) {
            w = impl.work(rig, body);
            w.schedule();
        }

        public void kworker() {
            rig.kworker.runAll();
        }

        public void scheduleThenServe(III_Result r) {
            r.r1 = i(w.schedule());
            rig.kworker.runAll();
        }

        public void arbiter(III_Result r) {
            rig.kworker.runAll();
            r.r2 = body.runs;
            r.r3 = body.overlap;
        }
    }

    /**
     * {@code cancelSync()} on a pending work while a kworker starts it. r1: cancelSync()'s
     * result; r2: executions as the canceller sees them when it returns (a plain read); r3:
     * executions inside the function at that moment; r4: executions in the end.
     */
    public static final class CancelSyncVsRun {
        final Rig rig = new Rig();
        final Body body = new Body();
        final WorkSubject w;

        public CancelSyncVsRun(Impl impl) {
            w = impl.work(rig, body);
            w.schedule();
        }

        public void kworker() {
            rig.kworker.runAll();
        }

        public void canceller(IIII_Result r) {
            r.r1 = i(w.cancelSync());
            r.r2 = body.runs;
            r.r3 = body.insideNow();
        }

        public void arbiter(IIII_Result r) {
            rig.kworker.runAll();
            r.r4 = body.runs;
        }
    }

    /**
     * {@code cancelSync()} on an idle work while the other actor queues it and then runs it.
     * r1: schedule(); r2: cancelSync(); r3: executions in the end. The work runs if and only if
     * it was queued and the cancel did not find it pending.
     */
    public static final class CancelSyncVsSchedule {
        final Rig rig = new Rig();
        final Body body = new Body();
        final WorkSubject w;

        public CancelSyncVsSchedule(Impl impl) {
            w = impl.work(rig, body);
        }

        public void scheduleThenServe(III_Result r) {
            r.r1 = i(w.schedule());
            rig.kworker.runAll();
        }

        public void canceller(III_Result r) {
            r.r2 = i(w.cancelSync());
        }

        public void arbiter(III_Result r) {
            rig.kworker.runAll();
            r.r3 = body.runs;
        }
    }

    /**
     * A work that queues itself again from its own function, served by a kworker, and a
     * {@code cancelSync()}: when it returns the work is idle and never runs again. r1:
     * cancelSync()'s result (either); r2: isBusy() when it returned; r3: executions after it
     * returned.
     */
    public static final class CancelSyncStopsSelfRequeue {
        final Rig rig = new Rig();
        final Body body = new Body();
        final WorkSubject w;
        volatile boolean cancelled;
        int seen;

        public CancelSyncStopsSelfRequeue(Impl impl) {
            w = impl.work(rig, body);
            body.then = w::schedule;
            w.schedule();
        }

        public void kworker() {
            rig.kworker.serveUntil(() -> cancelled, TAIL);
        }

        public void canceller(III_Result r) {
            r.r1 = i(w.cancelSync());
            seen = body.runs;
            r.r2 = i(w.isBusy());
            cancelled = true;
        }

        public void arbiter(III_Result r) {
            rig.kworker.runAtMost(TAIL);
            r.r3 = body.runs - seen;
        }
    }

    /**
     * A pending work, a kworker serving it, and an actor that queues it again and flushes: flush
     * waits for the last instance queued before it, so when it returns every execution that
     * request asked for has run. flush() may find nothing to wait for (false): the kworker can
     * have run everything between the schedule() and the flush(); the executions must be visible
     * all the same. r1: schedule(); r2: flush(); r3: executions as the flusher sees them when
     * flush returns; r4: executions in the end.
     */
    public static final class FlushAfterRequeue {
        final Rig rig = new Rig();
        final Body body = new Body();
        final WorkSubject w;
        volatile boolean flushed;

        public FlushAfterRequeue(Impl impl) {
            w = impl.work(rig, body);
            w.schedule();
        }

        public void kworker() {
            rig.kworker.serveUntil(() -> flushed, TAIL);
        }

        public void flusher(IIII_Result r) {
            r.r1 = i(w.schedule());
            r.r2 = i(w.flush());
            r.r3 = body.runs;
            flushed = true;
        }

        public void arbiter(IIII_Result r) {
            rig.kworker.runAll();
            r.r4 = body.runs;
        }
    }

    /**
     * {@code flush()} on a pending work while a kworker runs it: whatever flush returns, the
     * execution has happened, and is visible, when it returns. r1: flush(); r2: executions as
     * the flusher sees them.
     */
    public static final class FlushVsRun {
        final Rig rig = new Rig();
        final Body body = new Body();
        final WorkSubject w;

        public FlushVsRun(Impl impl) {
            w = impl.work(rig, body);
            w.schedule();
        }

        public void kworker() {
            rig.kworker.runAll();
        }

        public void flusher(II_Result r) {
            r.r1 = i(w.flush());
            r.r2 = body.runs;
        }
    }

    /**
     * A delayed work armed for one tick; one actor moves the clock (the timer queues it) and runs
     * the kworker, the other cancels it synchronously. r1: cancelSync(); r2: executions as the
     * canceller sees them; r3: executions after the clock has moved far on.
     */
    public static final class DelayedCancelSyncVsTimer {
        final Rig rig = new Rig();
        final Body body = new Body();
        final WorkSubject w;

        public DelayedCancelSyncVsTimer(Impl impl) {
            w = impl.delayedWork(rig, body);
            w.schedule(TICK);
        }

        public void clockAndKworker() {
            rig.clock.advance(TICK);
            rig.kworker.runAll();
        }

        public void canceller(III_Result r) {
            r.r1 = i(w.cancelSync());
            r.r2 = body.runs;
        }

        public void arbiter(III_Result r) {
            rig.clock.advance(LATER);
            rig.kworker.runAll();
            r.r3 = body.runs;
        }
    }

    // ------------------------------------------------------------------ KTimer

    /**
     * A timer armed for one tick; one actor moves the clock and runs the callback, the other
     * deletes it synchronously. r1: deleteSync(); r2: callbacks as the deleter sees them; r3:
     * callbacks running when it returned; r4: callbacks after the clock has moved far on.
     */
    public static final class DeleteSyncVsExpiry {
        final Rig rig = new Rig();
        final Body body = new Body();
        final TimerSubject t;

        public DeleteSyncVsExpiry(Impl impl) {
            t = impl.timer(rig, body);
            t.modify(TICK);
        }

        public void clockAndKworker() {
            rig.clock.advance(TICK);
            rig.kworker.runAll();
        }

        public void deleter(IIII_Result r) {
            r.r1 = i(t.deleteSync());
            r.r2 = body.runs;
            r.r3 = body.insideNow();
        }

        public void arbiter(IIII_Result r) {
            rig.clock.advance(LATER);
            rig.kworker.runAll();
            r.r4 = body.runs;
        }
    }

    /**
     * A timer armed for one tick, re-armed by one actor while the other moves the clock and
     * runs the callback. r1: modify()'s result (was it pending); r2: callbacks after the clock
     * has moved far on; r3: 1 if two callbacks overlapped. A re-armed timer fires once; one that
     * had already expired fires again.
     */
    public static final class ModifyVsExpiry {
        final Rig rig = new Rig();
        final Body body = new Body();
        final TimerSubject t;

        public ModifyVsExpiry(Impl impl) {
            t = impl.timer(rig, body);
            t.modify(TICK);
        }

        public void clockAndKworker() {
            rig.clock.advance(TICK);
            rig.kworker.runAll();
        }

        public void modifier(III_Result r) {
            r.r1 = i(t.modify(TICK));
        }

        public void arbiter(III_Result r) {
            rig.clock.advance(LATER);
            rig.kworker.runAll();
            r.r2 = body.runs;
            r.r3 = body.overlap;
        }
    }

    /**
     * A callback that re-arms its own timer, kept firing by one actor; the other deletes it
     * synchronously: when deleteSync() returns the timer is not pending and never fires again.
     * r1: deleteSync()'s result (either); r2: isPending() when it returned; r3: callbacks after
     * it returned.
     */
    public static final class DeleteSyncStopsSelfRearm {
        final Rig rig = new Rig();
        final Body body = new Body();
        final TimerSubject t;
        volatile boolean deleted;
        int seen;

        public DeleteSyncStopsSelfRearm(Impl impl) {
            t = impl.timer(rig, body);
            body.then = () -> t.modify(TICK);
            t.modify(TICK);
        }

        public void clockAndKworker() {
            while (!deleted) {
                rig.clock.advance(TICK);
                rig.kworker.runAll();
            }
        }

        public void deleter(III_Result r) {
            r.r1 = i(t.deleteSync());
            seen = body.runs;
            r.r2 = i(t.isPending());
            deleted = true;
        }

        public void arbiter(III_Result r) {
            rig.clock.advance(LATER);
            rig.kworker.runAtMost(TAIL);
            r.r3 = body.runs - seen;
        }
    }

    /**
     * {@code modify()} on an idle timer racing {@code deleteSync()}: one happens before the
     * other, never neither. r1: modify(); r2: deleteSync(); r3: callbacks after the clock has
     * moved far on.
     */
    public static final class ModifyVsDeleteSync {
        final Rig rig = new Rig();
        final Body body = new Body();
        final TimerSubject t;

        public ModifyVsDeleteSync(Impl impl) {
            t = impl.timer(rig, body);
        }

        public void modifier(III_Result r) {
            r.r1 = i(t.modify(TICK));
        }

        public void deleter(III_Result r) {
            r.r2 = i(t.deleteSync());
        }

        public void arbiter(III_Result r) {
            rig.clock.advance(LATER);
            rig.kworker.runAll();
            r.r3 = body.runs;
        }
    }
}
