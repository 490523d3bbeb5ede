package io.kmod4j.firmware;

import io.kmod4j.KernelException;
import io.kmod4j.driver.Device;
import io.kmod4j.internal.FirmwareProvider;
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
