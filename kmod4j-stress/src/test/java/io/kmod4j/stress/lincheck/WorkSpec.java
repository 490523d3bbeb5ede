package io.kmod4j.stress.lincheck;

/**
 * The sequential specification of a work item served by one kworker: queueing makes it pending
 * unless it is pending already or disabled; cancel and disable take the pending instance back
 * (it will not run for that queueing); disables nest; the kworker runs the function exactly once
 * for a pending instance, and never for one that was taken back. This is Work's non-blocking
 * contract, written the obvious way.
 */
public final class WorkSpec {

    private boolean pending;
    private int disabled;

    public boolean schedule() {
        if (disabled > 0 || pending) {
            return false;
        }
        pending = true;
        return true;
    }

    public boolean cancel() {
        boolean was = pending;
        pending = false;
        return was;
    }

    public boolean disable() {
        disabled++;
        return cancel();
    }

    public boolean enable() {
        if (disabled == 0) {
            throw new IllegalStateException("not disabled");
        }
        return --disabled == 0;
    }

    public boolean isPending() {
        return pending;
    }

    public int runNext() {
        if (!pending) {
            return 0;
        }
        pending = false;
        return 1;
    }
}
