package io.kmod4j.stress.lincheck;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kmod4j.stress.canary.CanaryCompletion;
import io.kmod4j.stress.canary.CanaryCompletion.Bug;
import java.time.Duration;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Lincheck canaries: the same operations and settings as {@link CompletionLinearizabilityTest},
 * on {@link CanaryCompletion}s with a planted bug. Each test passes only if Lincheck reports the
 * bug, and prints what Lincheck said. Run by {@code ./build stress --canaries}, not by the default
 * stress run.
 */
@Tag("stress")
class CanaryLinearizabilityTest {

    /** complete() as a read then a write. */
    public static class NonAtomicComplete extends Operations {
        public NonAtomicComplete() {
            super(Bug.NON_ATOMIC_COMPLETE);
        }
    }

    /** tryAwait() as a read then a write. */
    public static class NonAtomicTake extends Operations {
        public NonAtomicTake() {
            super(Bug.NON_ATOMIC_TAKE);
        }
    }

    /** complete() after completeAll() counts from one. */
    public static class CompleteResetsSticky extends Operations {
        public CompleteResetsSticky() {
            super(Bug.COMPLETE_RESETS_STICKY);
        }
    }

    @Test
    void nonAtomicCompleteIsCaught() {
        expectCaught(NonAtomicComplete.class);
    }

    @Test
    void nonAtomicTakeIsCaught() {
        expectCaught(NonAtomicTake.class);
    }

    @Test
    void completeResettingStickyIsCaught() {
        expectCaught(CompleteResetsSticky.class);
    }

    private static void expectCaught(Class<?> canary) {
        AssertionError caught = assertThrows(AssertionError.class,
                () -> LincheckSettings.modelChecking().check(canary),
                "Lincheck did not catch the bug planted in " + canary.getSimpleName());
        System.out.println("CANARY CAUGHT " + canary.getSimpleName() + ": Lincheck reported\n" + caught.getMessage());
    }

    /** The operations of CompletionLinearizabilityTest, on a canary. */
    public abstract static class Operations {
        private final CanaryCompletion c;

        Operations(Bug bug) {
            c = new CanaryCompletion(bug);
        }

        @Operation
        public void complete() {
            c.complete();
        }

        @Operation
        public void completeAll() {
            c.completeAll();
        }

        @Operation
        public void reinit() {
            c.reinit();
        }

        @Operation
        public boolean tryAwait() {
            return c.tryAwait();
        }

        @Operation
        public boolean awaitWithZeroTimeout() {
            return c.awaitUninterruptibly(Duration.ZERO);
        }

        @Operation
        public boolean isDone() {
            return c.isDone();
        }
    }
}
