package io.kmod4j.stress.lincheck;

/**
 * The sequential specification of a completion: a token counter with a sticky flag. This is the
 * whole of Completion's non-blocking contract, written the obvious way; Lincheck checks that every
 * concurrent history of the real Completion can be explained by some order of these calls.
 */
public final class CompletionSpec {

    private int done;
    private boolean sticky;

    public void complete() {
        if (!sticky) {
            done++;
        }
    }

    public void completeAll() {
        sticky = true;
    }

    public void reinit() {
        sticky = false;
        done = 0;
    }

    public boolean tryAwait() {
        if (sticky) {
            return true;
        }
        if (done == 0) {
            return false;
        }
        done--;
        return true;
    }

    public boolean awaitWithZeroTimeout() {
        return tryAwait();
    }

    public boolean isDone() {
        return sticky || done != 0;
    }
}
