package io.kmod4j.runtime.firmware;

import io.kmod4j.driver.Device;
import io.kmod4j.log.Level;
import io.kmod4j.log.LogRing;

/**
 * Where the firmware loader's messages go: through the device ({@code dev_warn}, with its driver
 * and device prefix) when there is one, else to the kernel log as {@code firmware_class}.
 */
final class FwLog {

    /** The owner name of lines logged without a device, as Linux's {@code KBUILD_MODNAME}. */
    static final String NAME = "firmware_class";

    private final LogRing ring;

    FwLog(LogRing ring) {
        this.ring = ring;
    }

    void warn(Device dev, String message) {
        if (dev != null) {
            dev.warn("%s", message);
        } else {
            ring.log(Level.WARNING, NAME, message);
        }
    }

    void info(Device dev, String message) {
        if (dev != null) {
            dev.info("%s", message);
        } else {
            ring.log(Level.INFO, NAME, message);
        }
    }

    void err(Device dev, String message) {
        if (dev != null) {
            dev.err("%s", message);
        } else {
            ring.log(Level.ERR, NAME, message);
        }
    }
}
