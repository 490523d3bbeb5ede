package io.kmod4j.firmware;

import io.kmod4j.KernelException;
import io.kmod4j.driver.Device;
import io.kmod4j.internal.FirmwareProvider;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A loaded firmware image ({@code struct firmware}); {@link #close()} releases it
 * ({@code release_firmware}).
 *
 * <p>Images are looked up by name on the kernel's firmware search path: the override path, then
 * {@code updates/<release>}, {@code updates}, {@code <release>} and the base of each firmware
 * root; in each directory {@code name}, then {@code name.zst}, then {@code name.xz}. The first hit
 * wins. An image still held by someone is shared, not read again. Names are checked: empty,
 * absolute, or with a {@code ..} component is {@code EINVAL}.
 *
 * <p>The data is read-only. A {@code Firmware} must be closed once; closing it again does
 * nothing. Thread-safe.
 */
public interface Firmware extends AutoCloseable {

    /** The name it was requested by. */
    String name();

    /** Its size in bytes. */
    int size();

    /** Its bytes: a read-only buffer positioned at 0, independent for each call. */
    ByteBuffer data();

    /** The file it came from, if any (a fallback-loaded image has none). */
    Optional<Path> source();

    /** SHA-256 of the data, hex. */
    String sha256();

    /** Releases it ({@code release_firmware}); idempotent. */
    @Override
    void close();

    /**
     * {@code request_firmware}: loads an image, synchronously. May block (disk, decompression, the
     * fallback loader up to its timeout). Call from probe, a kthread or a work item.
     *
     * @param dev the device it is for; {@code null} allowed (no device)
     * @throws KernelException {@code EINVAL} bad name, {@code ENOENT} not found (logged as "Direct
     *     firmware load for NAME failed with error -2"), {@code EFBIG} beyond the size cap,
     *     {@code EAGAIN} fallback timed out or was aborted, {@code ENOSYS} no kernel to ask
     */
    static Firmware request(String name, Device dev) throws KernelException {
        return FirmwareProvider.of(dev).request(name, dev, FirmwareProvider.UEVENT);
    }

    /** {@code firmware_request_nowarn}: as {@link #request} without the warning on failure. */
    static Firmware requestNoWarn(String name, Device dev) throws KernelException {
        return FirmwareProvider.of(dev).request(name, dev, FirmwareProvider.UEVENT | FirmwareProvider.NO_WARN);
    }

    /** {@code request_firmware_direct}: the filesystem only, never the fallback loader, no warning. */
    static Firmware requestDirect(String name, Device dev) throws KernelException {
        return FirmwareProvider.of(dev).request(name, dev,
                FirmwareProvider.UEVENT | FirmwareProvider.NO_WARN | FirmwareProvider.NO_FALLBACK);
    }

    /**
     * {@code request_firmware_into_buf}: loads an image into the caller's buffer, from its
     * position, and does not share or cache it.
     *
     * @throws KernelException {@code EFBIG} if the image does not fit {@code buffer.remaining()},
     *     {@code EOPNOTSUPP} if the image is held by someone already, or as {@link #request}
     */
    static Firmware requestIntoBuffer(String name, Device dev, ByteBuffer buffer) throws KernelException {
        return FirmwareProvider.of(dev).requestIntoBuffer(name, dev, buffer);
    }

    /**
     * {@code request_firmware_nowait}: loads an image on a worker and calls {@code callback}
     * exactly once, with the image (which the callback owns and must close) or with the error.
     * While the request is pending its module cannot finish unloading; the driver cancels it in
     * {@code remove} with {@link FirmwareRequest#cancel()}.
     *
     * @throws KernelException {@code EFAULT} if the calling module is going away, {@code EINVAL}
     *     for a bad name, {@code ENOSYS} with no kernel to ask
     */
    static FirmwareRequest requestNowait(String name, Device dev, FirmwareCallback callback) throws KernelException {
        return FirmwareProvider.of(dev).requestNowait(name, dev, false, callback);
    }

    /** {@code firmware_request_nowait_nowarn}. */
    static FirmwareRequest requestNowaitNoWarn(String name, Device dev, FirmwareCallback callback) throws KernelException {
        return FirmwareProvider.of(dev).requestNowait(name, dev, true, callback);
    }
}
