package io.kmod4j.stress.lincheck;

import io.kmod4j.sync.Completion;
import java.time.Duration;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Completion's non-blocking operations are linearizable with respect to {@link CompletionSpec}, a
 * counter with a sticky flag: Lincheck's model checker explores thread interleavings of short
 * random scenarios (two or three threads, a few operations each) and checks each result against
 * some sequential order of the same calls.
 *
 * <p>Blocking waits are left to jcstress ({@code io.kmod4j.stress.sync}): Lincheck's sequential
 * specification cannot say "blocks until a token arrives" for a plain Java method. The wait
 * routine's non-blocking path is covered here through {@code awaitUninterruptibly(Duration.ZERO)}.
 */
@Tag("stress")
public class CompletionLinearizabilityTest {

    private final Completion c = new Completion();

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

    @Test
    void modelChecking() {
        LincheckSettings.modelChecking().check(getClass());
    }
}
