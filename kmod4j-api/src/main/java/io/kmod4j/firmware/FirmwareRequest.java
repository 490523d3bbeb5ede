package io.kmod4j.firmware;

/** A pending {@link Firmware#requestNowait} request. Thread-safe. */
public interface FirmwareRequest {

    /** The firmware name requested. */
    String name();

    /**
     * {@code request_firmware_nowait_cancel}: if the request has not started, it never will and
     * its callback is never called; if the callback is running, waits for it to return. Does
     * nothing once the callback has run. Must not be called from the callback itself.
     *
     * @return {@code true} if this call prevented the callback
     */
    boolean cancel();

    /** Whether the callback has run (or the request was cancelled). */
    boolean isDone();
}
