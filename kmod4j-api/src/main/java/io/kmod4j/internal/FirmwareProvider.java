package io.kmod4j.internal;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.driver.Device;
import io.kmod4j.firmware.Firmware;
import io.kmod4j.firmware.FirmwareCallback;
import io.kmod4j.firmware.FirmwareRequest;
import io.kmod4j.firmware.FwUpload;
import io.kmod4j.firmware.FwUploadOps;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The kernel's firmware loader and upload registry as the API reaches them. <b>Not API.</b>
 * Implemented by the runtime; found through the device (its kernel) or, without a device,
 * through the current owner.
 */
public interface FirmwareProvider {

    /** The request takes part in caching and uevents (every sync variant). */
    int UEVENT = 1;
    /** No "Direct firmware load ... failed" warning. */
    int NO_WARN = 2;
    /** Never ask the fallback loader. */
    int NO_FALLBACK = 4;

    Firmware request(String name, Device dev, int flags) throws KernelException;

    Firmware requestIntoBuffer(String name, Device dev, ByteBuffer buffer) throws KernelException;

    FirmwareRequest requestNowait(String name, Device dev, boolean noWarn, FirmwareCallback callback)
            throws KernelException;

    FwUpload registerUpload(Device parent, String name, FwUploadOps ops) throws KernelException;

    /** Implemented by runtime objects that know their kernel's provider (devices, owners). */
    interface Host {
        FirmwareProvider firmwareProvider();
    }

    /**
     * The provider for a request: the device's kernel, else the current owner's.
     *
     * @throws KernelException {@code ENOSYS} when there is none (the API used without a kernel)
     */
    static FirmwareProvider of(Device dev) throws KernelException {
        if (dev instanceof Host h && h.firmwareProvider() != null) {
            return h.firmwareProvider();
        }
        Owner owner = Ownership.current();
        if (owner instanceof Host h && h.firmwareProvider() != null) {
            return h.firmwareProvider();
        }
        throw new KernelException(Errno.ENOSYS, "no kernel to load firmware: "
                + (dev == null ? "no device given and the caller is not a module" : "device " + dev.name()
                + " does not belong to a kmod4j kernel"));
    }

    /** For messages. */
    static Optional<String> nameOf(Device dev) {
        return dev == null ? Optional.empty() : Optional.of(dev.name());
    }
}
