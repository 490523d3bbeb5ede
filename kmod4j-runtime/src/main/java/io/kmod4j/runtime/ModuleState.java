package io.kmod4j.runtime;

/**
 * The life of a loaded module ({@code enum module_state}). Transitions only move forward:
 * <pre>
 *   UNFORMED ─▶ COMING ─▶ LIVE ─▶ GOING ─▶ (gone)
 *                  └──────(init failed)──▶ GOING
 * </pre>
 */
public enum ModuleState {
    /** The JAR is being read and laid out; not visible to {@code lsmod}. */
    UNFORMED,
    /** {@code init} is running. */
    COMING,
    /** Loaded and initialised. */
    LIVE,
    /** Being unloaded (or its init failed); what it owns is being stopped. */
    GOING;

    /** The word {@code /proc/modules} uses: Loading, Live, Unloading. */
    public String procName() {
        return switch (this) {
            case UNFORMED, COMING -> "Loading";
            case LIVE -> "Live";
            case GOING -> "Unloading";
        };
    }

    /** Whether {@code next} is a legal next state. */
    public boolean canMoveTo(ModuleState next) {
        return switch (this) {
            case UNFORMED -> next == COMING || next == GOING;
            case COMING -> next == LIVE || next == GOING;
            case LIVE -> next == GOING;
            case GOING -> false;
        };
    }
}
