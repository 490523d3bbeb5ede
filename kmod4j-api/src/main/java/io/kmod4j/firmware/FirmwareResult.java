package io.kmod4j.firmware;

import io.kmod4j.KernelException;

/** What an asynchronous firmware request produced: an image, or the reason there is none. */
public sealed interface FirmwareResult {

    /** The image was loaded; the receiver must close it. */
    record Loaded(Firmware firmware) implements FirmwareResult {}

    /** Loading failed (Linux calls back with {@code fw == NULL}); {@code error} says why. */
    record Failed(KernelException error) implements FirmwareResult {}
}
