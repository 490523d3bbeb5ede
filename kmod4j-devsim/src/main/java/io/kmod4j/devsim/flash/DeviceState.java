package io.kmod4j.devsim.flash;

import java.util.Locale;

/**
 * What the emulated flash device is doing, as {@code state:} in its status document.
 *
 * <pre>
 *  IDLE/CONFIRMED/REVERTED/FAILED ──WRQ firmware──▶ RECEIVING ──last block──▶ VERIFYING
 *      ▲                                                 │ error/abort           │ ok
 *      │                                                 ▼                       ▼
 *      └──────────────────────────────────────────── FAILED ◀──invalid──── SWITCHING
 *                                                                               │
 *   CONFIRMED ◀──self-test passes── BOOTING (trial) ◀──boot record flipped──────┘
 *   REVERTED  ◀──self-test fails──┘
 *   any ──powerCut()──▶ OFF ──restart()──▶ IDLE
 * </pre>
 *
 * A new upload is accepted only in the resting states {@link #isAtRest()}; otherwise it gets
 * {@code device-busy}. {@link #SWITCHING} is the critical section during which a driver must
 * refuse to cancel ({@code EBUSY}).
 */
public enum DeviceState {
    /** Running its active image; no upload since power-on. */
    IDLE,
    /** Receiving an image into the inactive slot. */
    RECEIVING,
    /** Reading the received image back and checking size, hash and signature. */
    VERIFYING,
    /** Writing the boot record that makes the new slot active (critical section). */
    SWITCHING,
    /** Booting the new image on trial; a self-test will confirm or revert it. */
    BOOTING,
    /** The last upload booted and was confirmed. */
    CONFIRMED,
    /** The last upload failed its self-test; the previous image is active again. */
    REVERTED,
    /** The last upload failed; see the last error. The active image is unchanged. */
    FAILED,
    /** Power is off. */
    OFF;

    /** @return true if a new upload may start in this state */
    public boolean isAtRest() {
        return switch (this) {
            case IDLE, CONFIRMED, REVERTED, FAILED -> true;
            case RECEIVING, VERIFYING, SWITCHING, BOOTING, OFF -> false;
        };
    }

    /** @return the name in the status document, lower case */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
