/**
 * The firmware loader and the firmware-upload engine of a kernel
 * ({@code drivers/base/firmware_loader}): what {@link io.kmod4j.firmware.Firmware} and
 * {@link io.kmod4j.firmware.FwUpload} do behind {@link io.kmod4j.internal.FirmwareProvider}.
 *
 * <p>{@link io.kmod4j.runtime.firmware.FirmwareLoader} is the one entry point: the kernel builds
 * it from a {@link io.kmod4j.runtime.firmware.FirmwareConfig}, its log ring and its scheduler,
 * hands it to devices as their provider, and calls its operations for {@code kmod4j fw ...}
 * (override path, fallback loading, uploads and their status). Everything else here is
 * package-private: the search ({@code FirmwareSearch}), reading and decompressing one file
 * ({@code ImageReader}, with zstd-jni and XZ for Java), the cache of held images, the fallback
 * loader, asynchronous requests and uploads (both {@link io.kmod4j.internal.OwnedResource}s of
 * the module that made them, so {@code rmmod} cancels and waits for them).
 *
 * <p>Choices where Linux left room, and why: docs/decisions/0500-firmware-loader.md.
 */
package io.kmod4j.runtime.firmware;
