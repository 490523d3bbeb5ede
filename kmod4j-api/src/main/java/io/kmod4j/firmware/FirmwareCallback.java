package io.kmod4j.firmware;

/**
 * The continuation of {@link Firmware#requestNowait} ({@code cont(fw, context)}), called exactly
 * once on a worker, as the requesting module.
 */
@FunctionalInterface
public interface FirmwareCallback {

    /**
     * @param result the image (the callback owns it and must close it) or why there is none
     */
    void done(FirmwareResult result);
}
