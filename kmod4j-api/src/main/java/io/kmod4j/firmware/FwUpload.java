package io.kmod4j.firmware;

import io.kmod4j.KernelException;
import io.kmod4j.driver.Device;
import io.kmod4j.internal.FirmwareProvider;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * A device's firmware-upload endpoint ({@code struct fw_upload}): registered by its driver,
 * driven from outside ({@code kmod4j fw upload DEVICE FILE}), progress visible to all.
 * {@link #close()} unregisters it ({@code firmware_upload_unregister}): an upload in progress is
 * cancelled and its worker joined before it returns.
 */
public interface FwUpload extends AutoCloseable {

    /** The upload's name, unique in the kernel (the sysfs directory name). */
    String name();

    /** The device it pushes firmware to. */
    Device device();

    /** Where an upload is now. */
    FwUploadProgress progress();

    /** Bytes not yet written; left as it was when the last upload ended. */
    long remainingSize();

    /**
     * The last error as {@code "<progress-at-failure>:<error>"}, e.g. {@code "transferring:hw-error"};
     * empty if the last upload succeeded or none ran.
     *
     * @throws KernelException {@code EBUSY} while an upload runs, as reading {@code error} does
     */
    Optional<String> error() throws KernelException;

    /**
     * Starts pushing {@code image} to the device, as writing the image to the upload's
     * {@code loading}/{@code data} files does: the upload worker runs the driver's ops. Returns at
     * once; follow it with {@link #progress()} or {@link #awaitIdle}. A driver uses this to push
     * the firmware it requested itself; {@code kmod4j fw upload} does the same from outside.
     *
     * @param image the bytes from position to limit; not to be changed until the upload ends
     * @throws KernelException {@code EBUSY} if an upload runs, {@code ENODEV} if unregistering;
     *     an empty image only resets the state, as in Linux
     */
    void start(ByteBuffer image) throws KernelException;

    /**
     * Waits until no upload runs.
     *
     * @return {@code true} when idle, {@code false} if the timeout passed first
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitIdle(Duration timeout) throws InterruptedException;

    /** Unregisters; cancels and joins a running upload first. Idempotent. */
    @Override
    void close();

    /**
     * {@code firmware_upload_register}: registers an upload for {@code parent}. Holds a
     * reference on the calling module until closed.
     *
     * @throws KernelException {@code EINVAL} empty name or missing ops, {@code EEXIST} name taken,
     *     {@code EFAULT} the module is going away
     */
    static FwUpload register(Device parent, String name, FwUploadOps ops) throws KernelException {
        return FirmwareProvider.of(parent).registerUpload(parent, name, ops);
    }
}
