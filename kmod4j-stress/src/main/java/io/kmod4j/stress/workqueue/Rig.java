package io.kmod4j.stress.workqueue;

/**
 * What one test state runs on: its own kworker (driven by the actors), its own clock (moved by
 * the actors) and its own owner. Nothing is shared between states.
 */
public final class Rig {
    public final Kworker kworker = new Kworker();
    public final StressClock clock;
    public final StressOwner owner;

    /** A rig whose clock moves as a real one does (see {@link StressClock}). */
    public Rig() {
        this(new StressClock());
    }

    /** A rig on {@code clock}. */
    public Rig(StressClock clock) {
        this.clock = clock;
        this.owner = new StressOwner(kworker, clock);
    }
}
