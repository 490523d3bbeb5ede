package io.kmod4j.runtime.driver;

/**
 * Where a device is in binding to a driver.
 * <pre>
 *   UNBOUND ─▶ PROBING ─▶ BOUND ─▶ REMOVING ─▶ UNBOUND
 *                 ├──▶ DEFERRED ─▶ PROBING (retried)
 *                 └──▶ UNBOUND (rejected or failed)
 *   any ─▶ GONE (device removed)
 * </pre>
 * PROBING and REMOVING are exclusive: no other probe or remove of the device starts until they
 * end, which is how calls for one device never overlap without a lock held over driver code.
 */
public enum BindingState {
    UNBOUND, PROBING, BOUND, DEFERRED, REMOVING, GONE;

    /** Lower-case for listings. */
    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
