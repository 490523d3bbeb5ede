package io.kmod4j.stress.lincheck;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kmod4j.stress.canary.CanaryKTimer;
import io.kmod4j.stress.canary.CanaryWork;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Lincheck canaries of {@link WorkqueueLinearizabilityTest}: the same operations and settings
 * on a {@link CanaryWork} or {@link CanaryKTimer} with a planted bug. Each test passes only if
 * Lincheck reports the bug, and prints what Lincheck said. Run by {@code ./build stress
 * --canaries}, not by the default stress run.
 */
@Tag("stress")
class WorkqueueCanaryLinearizabilityTest {

    /** schedule() checks pending without the lock, then queues under it without checking again. */
    public static class ScheduleCheckThenAct extends WorkqueueOperations.OnWork {
        public ScheduleCheckThenAct() {
            super((rig, body) -> new CanaryWork(CanaryWork.Bug.SCHEDULE_CHECK_THEN_ACT, body, rig.kworker, rig.clock));
        }
    }

    /** A kworker runs an instance that was cancelled after it was handed over. */
    public static class StaleEntryRuns extends WorkqueueOperations.OnWork {
        public StaleEntryRuns() {
            super((rig, body) -> new CanaryWork(CanaryWork.Bug.STALE_ENTRY_RUNS, body, rig.kworker, rig.clock));
        }
    }

    /** An expiry runs the callback although the timer was deleted or re-armed meanwhile. */
    public static class ExpiryIgnoresToken extends WorkqueueOperations.OnTimer {
        public ExpiryIgnoresToken() {
            super((rig, body) -> new CanaryKTimer(CanaryKTimer.Bug.EXPIRY_IGNORES_TOKEN, body, rig.kworker, rig.clock));
        }
    }

    /** delete reads whether the timer is pending before it takes the lock (deleteSync's bug, in delete). */
    public static class DeleteReadsArmedUnlocked extends WorkqueueOperations.OnTimer {
        public DeleteReadsArmedUnlocked() {
            super((rig, body) -> new CanaryKTimer(CanaryKTimer.Bug.DELETE_READS_ARMED_UNLOCKED, body, rig.kworker,
                    rig.clock));
        }
    }

    @Test
    void scheduleCheckThenActIsCaught() {
        expectCaught(ScheduleCheckThenAct.class, work());
    }

    @Test
    void staleEntryRunningIsCaught() {
        expectCaught(StaleEntryRuns.class, work());
    }

    @Test
    void expiryIgnoringItsTokenIsCaught() {
        expectCaught(ExpiryIgnoresToken.class, timer());
    }

    @Test
    void deleteReadingArmedUnlockedIsCaught() {
        expectCaught(DeleteReadsArmedUnlocked.class, timer());
    }

    private static ModelCheckingOptions work() {
        return LincheckSettings.modelChecking().sequentialSpecification(WorkSpec.class);
    }

    private static ModelCheckingOptions timer() {
        return LincheckSettings.modelChecking().sequentialSpecification(TimerSpec.class);
    }

    private static void expectCaught(Class<?> canary, ModelCheckingOptions options) {
        AssertionError caught = assertThrows(AssertionError.class, () -> options.check(canary),
                "Lincheck did not catch the bug planted in " + canary.getSimpleName());
        System.out.println("CANARY CAUGHT " + canary.getSimpleName() + ": Lincheck reported\n" + caught.getMessage());
    }
}
