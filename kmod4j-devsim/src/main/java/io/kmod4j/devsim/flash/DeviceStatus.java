package io.kmod4j.devsim.flash;

import io.kmod4j.devsim.image.Version;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One immutable snapshot of the device, as served by a TFTP read of {@code status}: a text
 * document of {@code key: value} lines, in this order:
 *
 * <pre>
 * device: kmod4j-devsim flash
 * state: receiving                  (see {@link DeviceState})
 * active-slot: a                    (a, b or none)
 * active-version: 1.0.0             (or none)
 * slot-a-version: 1.0.0             (or none)
 * slot-a-valid: yes                 (yes or no)
 * slot-a-detail: verified           (or why not)
 * slot-b-version: none
 * slot-b-valid: no
 * slot-b-detail: empty
 * trial: none                       (none, pending, confirmed or reverted)
 * bytes-received: 4096
 * bytes-expected: 1048704           (or unknown)
 * last-error: none                  (or an fw_upload error name, colon, explanation)
 * boot-count: 1
 * </pre>
 *
 * @param state what the device is doing
 * @param activeSlot the slot it boots, if any
 * @param slotA what slot A holds
 * @param slotB what slot B holds
 * @param trial the state of the last switch
 * @param bytesReceived bytes of the current or last upload
 * @param bytesExpected the size announced by tsize, if any
 * @param lastError the last error, starting with an {@link FwUploadError} name
 * @param bootCount power-ons of this process's device object
 */
public record DeviceStatus(DeviceState state, Optional<Slot> activeSlot, SlotInfo slotA, SlotInfo slotB, Trial trial,
                           long bytesReceived, OptionalLong bytesExpected, Optional<String> lastError,
                           int bootCount) {

    /** Where the last switch of slots stands. */
    public enum Trial {
        /** No switch since power-on. */
        NONE,
        /** The new slot is booting on trial; a reset now reverts it. */
        PENDING,
        /** The new slot passed its self-test and is permanent. */
        CONFIRMED,
        /** The new slot failed its self-test or was not confirmed before a reset; reverted. */
        REVERTED
    }

    /**
     * What one slot holds.
     *
     * @param version the image version in its header, if the header parses
     * @param valid true if the whole image verifies (size, hash, signature)
     * @param detail {@code verified}, {@code empty}, {@code receiving}, or why it does not verify
     */
    public record SlotInfo(Optional<Version> version, boolean valid, String detail) {
        /** Checks that no component is null. */
        public SlotInfo {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(detail, "detail");
        }

        /** @return an empty slot */
        public static SlotInfo empty() {
            return new SlotInfo(Optional.empty(), false, "empty");
        }
    }

    /** Checks that no component is null. */
    public DeviceStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(activeSlot, "activeSlot");
        Objects.requireNonNull(slotA, "slotA");
        Objects.requireNonNull(slotB, "slotB");
        Objects.requireNonNull(trial, "trial");
        Objects.requireNonNull(bytesExpected, "bytesExpected");
        Objects.requireNonNull(lastError, "lastError");
    }

    /**

     * @param slot A or B

     * @return what it holds

     */
    public SlotInfo slot(Slot slot) {
        return switch (slot) {
            case A -> slotA;
            case B -> slotB;
        };
    }

    /** @return the version of the active slot, if any */
    public Optional<Version> activeVersion() {
        return activeSlot.flatMap(s -> slot(s).version());
    }

    DeviceStatus withState(DeviceState s) {
        return new DeviceStatus(s, activeSlot, slotA, slotB, trial, bytesReceived, bytesExpected, lastError, bootCount);
    }

    DeviceStatus withSlot(Slot slot, SlotInfo info) {
        return new DeviceStatus(state, activeSlot, slot == Slot.A ? info : slotA, slot == Slot.B ? info : slotB,
                trial, bytesReceived, bytesExpected, lastError, bootCount);
    }

    DeviceStatus withBytes(long received, OptionalLong expected) {
        return new DeviceStatus(state, activeSlot, slotA, slotB, trial, received, expected, lastError, bootCount);
    }

    DeviceStatus withError(FwUploadError error, String detail) {
        return new DeviceStatus(state, activeSlot, slotA, slotB, trial, bytesReceived, bytesExpected,
                Optional.of(error.wireName() + ": " + detail), bootCount);
    }

    DeviceStatus withActive(Optional<Slot> active, Trial t) {
        return new DeviceStatus(state, active, slotA, slotB, t, bytesReceived, bytesExpected, lastError, bootCount);
    }

    /** @return the status document, one {@code key: value} line each, LF line ends */
    public String toDocument() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : toMap().entrySet()) {
            b.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        return b.toString();
    }

    /** @return the document's keys and values, in order */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("device", "kmod4j-devsim flash");
        m.put("state", state.wireName());
        m.put("active-slot", activeSlot.map(s -> s.name().toLowerCase(Locale.ROOT)).orElse("none"));
        m.put("active-version", activeVersion().map(Version::toString).orElse("none"));
        for (Slot s : Slot.values()) {
            String k = "slot-" + s.name().toLowerCase(Locale.ROOT);
            SlotInfo info = slot(s);
            m.put(k + "-version", info.version().map(Version::toString).orElse("none"));
            m.put(k + "-valid", info.valid() ? "yes" : "no");
            m.put(k + "-detail", info.detail().replaceAll("[\\r\\n]+", " "));
        }
        m.put("trial", trial.name().toLowerCase(Locale.ROOT));
        m.put("bytes-received", Long.toString(bytesReceived));
        m.put("bytes-expected", bytesExpected.isPresent() ? Long.toString(bytesExpected.getAsLong()) : "unknown");
        m.put("last-error", lastError.map(e -> e.replaceAll("[\\r\\n]+", " ")).orElse("none"));
        m.put("boot-count", Integer.toString(bootCount));
        return m;
    }

    /**
     * Parses a status document into its keys and values, for drivers and tests. Lines without
     * {@code ": "} are ignored.
     *
     * @param document the text read from {@code status}
     * @return keys to values, in document order
     */
    public static Map<String, String> parseDocument(String document) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : document.split("\r?\n")) {
            int i = line.indexOf(": ");
            if (i > 0) {
                m.put(line.substring(0, i).trim(), line.substring(i + 2).trim());
            }
        }
        return m;
    }
}
