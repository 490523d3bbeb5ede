package io.kmod4j.stress.sync;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.kmod4j.sync.Completion;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * Completion's counting rule under races: N {@code complete()} calls let exactly N waits through,
 * whichever threads make them and however they interleave. A miscounted token (a lost update in
 * {@code complete()}, a token taken twice, a wait that succeeds without taking) shows up as a
 * token count that does not add up.
 *
 * <p>Each test ends with an arbiter that drains what is left with {@code tryAwait()}, so that
 * "tokens taken + tokens left" can be checked against "tokens given".
 */
public final class CompletionCounting {

    private CompletionCounting() {}

    /** Takes every token left; the arbiter's count. */
    static int drain(Completion c) {
        int n = 0;
        while (n < 100 && c.tryAwait()) {
            n++;
        }
        return n;
    }

    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "both tokens counted")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "a complete() was lost: not atomic")
    @Outcome(expect = FORBIDDEN, desc = "miscounted")
    @State
    public static class CompleteVsComplete {
        final Completion c = new Completion();

        @Actor
        public void completer1() {
            c.complete();
        }

        @Actor
        public void completer2() {
            c.complete();
        }

        @Arbiter
        public void left(I_Result r) {
            r.r1 = drain(c);
        }
    }

    @JCStressTest
    @Outcome(id = {"1, 0, 0", "0, 1, 0"}, expect = ACCEPTABLE, desc = "exactly one took the only token")
    @Outcome(id = "1, 1, 0", expect = FORBIDDEN, desc = "one token taken twice")
    @Outcome(id = "0, 0, 1", expect = FORBIDDEN, desc = "both failed although a token was there")
    @Outcome(expect = FORBIDDEN, desc = "miscounted")
    @State
    public static class TryAwaitVsTryAwait {
        final Completion c = new Completion();

        public TryAwaitVsTryAwait() {
            c.complete();
        }

        @Actor
        public void taker1(III_Result r) {
            r.r1 = c.tryAwait() ? 1 : 0;
        }

        @Actor
        public void taker2(III_Result r) {
            r.r2 = c.tryAwait() ? 1 : 0;
        }

        @Arbiter
        public void left(III_Result r) {
            r.r3 = drain(c);
        }
    }

    /** r1, r2: the two tryAwait() results; r3: tokens left. They must add up to the 2 given. */
    @JCStressTest
    @Outcome(id = {"0, 0, 2", "1, 0, 1", "0, 1, 1", "1, 1, 0"}, expect = ACCEPTABLE,
            desc = "taken + left = 2 given")
    @Outcome(expect = FORBIDDEN, desc = "a token lost or double-counted")
    @State
    public static class CompleteVsTryAwait {
        final Completion c = new Completion();

        @Actor
        public void completer() {
            c.complete();
            c.complete();
        }

        @Actor
        public void taker(III_Result r) {
            r.r1 = c.tryAwait() ? 1 : 0;
            r.r2 = c.tryAwait() ? 1 : 0;
        }

        @Arbiter
        public void left(III_Result r) {
            r.r3 = drain(c);
        }
    }

    /**
     * A blocking waiter takes exactly one token: r1 is the waiter's follow-up tryAwait(), r2 the
     * tokens left. One of the two remaining tokens must be somewhere.
     */
    @JCStressTest
    @Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "the wait took one of two tokens")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "the wait took two tokens, or one was lost")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "the wait returned without taking a token")
    @Outcome(expect = FORBIDDEN, desc = "miscounted")
    @State
    public static class CompleteVsAwait {
        final Completion c = new Completion();

        @Actor
        public void completer() {
            c.complete();
            c.complete();
        }

        @Actor
        public void waiter(II_Result r) {
            c.awaitUninterruptibly();
            r.r1 = c.tryAwait() ? 1 : 0;
        }

        @Arbiter
        public void left(II_Result r) {
            r.r2 = drain(c);
        }
    }

    /**
     * Two threads each give a token and then wait for one (one interruptibly): both must get
     * through, and nothing may be left. A lost wake-up here hangs the test.
     */
    @JCStressTest
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "two given, two taken")
    @Outcome(expect = FORBIDDEN, desc = "a token left over: a wait succeeded without taking one")
    @State
    public static class CrossedWaiters {
        final Completion c = new Completion();

        @Actor
        public void first() {
            c.complete();
            c.awaitUninterruptibly();
        }

        @Actor
        public void second() {
            c.complete();
            try {
                c.await();
            } catch (InterruptedException e) {
                throw new AssertionError("nobody interrupts this actor", e);
            }
        }

        @Arbiter
        public void left(I_Result r) {
            r.r1 = drain(c);
        }
    }
}
