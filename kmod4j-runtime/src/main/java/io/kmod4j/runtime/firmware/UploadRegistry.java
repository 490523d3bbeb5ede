package io.kmod4j.runtime.firmware;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.driver.Device;
import io.kmod4j.firmware.FwUpload;
import io.kmod4j.firmware.FwUploadOps;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Ownership;
import io.kmod4j.runtime.module.LoadedModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The kernel's firmware uploads by name ({@code /sys/class/firmware/} for {@code fw_upload}
 * devices), and who watches them.
 *
 * <p>Thread-safe: one lock guards the map; registration does no user work under it. Listeners are
 * called on the thread that changed the upload (a kworker, or the caller of start), outside
 * every lock, in the order of the changes for one upload.
 */
final class UploadRegistry {

    private final Map<String, UploadImpl> uploads = new LinkedHashMap<>(); // guarded by this
    private final List<Consumer<UploadStatus>> listeners = new CopyOnWriteArrayList<>();
    private final FwLog log;

    UploadRegistry(FwLog log) {
        this.log = log;
    }

    /**
     * {@code firmware_upload_register}, for the current owner.
     *
     * @throws KernelException {@code EINVAL} no device, empty name, a '/' in it, or no ops;
     *     {@code EEXIST} the name is taken; {@code EFAULT} the owning module is going away;
     *     {@code ENODEV} the owner takes nothing new (it is being unloaded)
     */
    FwUpload register(Device parent, String name, FwUploadOps ops) throws KernelException {
        if (name == null || name.isEmpty()) {
            throw new KernelException(Errno.EINVAL, "fw_upload: the name is empty");
        }
        if (name.contains("/")) {
            throw new KernelException(Errno.EINVAL, "fw_upload: the name '" + name + "' contains '/'");
        }
        if (ops == null) {
            throw new KernelException(Errno.EINVAL, "fw_upload " + name + ": no ops");
        }
        if (parent == null) {
            throw new KernelException(Errno.EINVAL, "fw_upload " + name + ": no parent device");
        }
        Owner owner = Ownership.current();
        LoadedModule module = owner instanceof LoadedModule m ? m : null;
        UploadImpl u;
        synchronized (this) {
            UploadImpl other = uploads.get(name);
            if (other != null) {
                throw new KernelException(Errno.EEXIST, "fw_upload " + name + " is already registered (device "
                        + other.device().name() + ")");
            }
            if (module != null && !module.tryGet()) {
                throw new KernelException(Errno.EFAULT, "module " + module.name()
                        + " is going away; cannot register fw_upload " + name);
            }
            // Linux keeps this module reference until unregister, so a driver whose device is
            // still bound cannot be rmmod'ed. kmod4j's rmmod unbinds devices (which unregisters
            // their uploads) before anything else, and the upload is owned by the module, so the
            // pin is dropped at once: only the liveness check above remains (decision 0009).
            if (module != null) {
                module.put();
            }
            u = new UploadImpl(this, name, parent, ops, owner, null, log);
            owner.adopt(u);
            uploads.put(name, u);
        }
        log.info(parent, "fw_upload " + name + " registered");
        return u;
    }

    /**
     * The upload called {@code nameOrDevice}, else the only upload of the device of that name.
     *
     * @throws KernelException {@code ENOENT} none; {@code EINVAL} the device has several (names them)
     */
    UploadImpl find(String nameOrDevice) throws KernelException {
        List<UploadImpl> ofDevice = new ArrayList<>();
        synchronized (this) {
            UploadImpl u = uploads.get(nameOrDevice);
            if (u != null) {
                return u;
            }
            for (UploadImpl x : uploads.values()) {
                if (x.device().name().equals(nameOrDevice)) {
                    ofDevice.add(x);
                }
            }
        }
        if (ofDevice.size() == 1) {
            return ofDevice.getFirst();
        }
        if (ofDevice.isEmpty()) {
            throw new KernelException(Errno.ENOENT, "no firmware upload called " + nameOrDevice
                    + " and no device of that name has one");
        }
        throw new KernelException(Errno.EINVAL, "device " + nameOrDevice + " has several firmware uploads: "
                + String.join(", ", ofDevice.stream().map(UploadImpl::name).toList()) + "; name one");
    }

    synchronized void remove(UploadImpl u) {
        uploads.remove(u.name(), u);
    }

    synchronized List<UploadStatus> list() {
        return uploads.values().stream().map(UploadImpl::status).toList();
    }

    AutoCloseable watch(Consumer<UploadStatus> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void changed(UploadStatus s) {
        for (Consumer<UploadStatus> l : listeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                log.warn(null, "fw_upload " + s.name() + ": a progress listener threw " + e);
            }
        }
    }
}
