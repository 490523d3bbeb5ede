package io.kmod4j.devsim.flash;

/** The two firmware slots of the A/B flash. */
public enum Slot {
    /** Slot A, file {@code slot-a.img}. */
    A,
    /** Slot B, file {@code slot-b.img}. */
    B;

    /** @return the other slot */
    public Slot other() {
        return switch (this) {
            case A -> B;
            case B -> A;
        };
    }

    /** @return the slot's file name in the state directory */
    String fileName() {
        return "slot-" + name().toLowerCase(java.util.Locale.ROOT) + ".img";
    }
}
