package io.kmod4j.examples.tftpflash;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.driver.Device;
import io.kmod4j.driver.DeviceId;
import io.kmod4j.driver.Driver;
import io.kmod4j.firmware.Firmware;
import io.kmod4j.firmware.FwUpload;
import io.kmod4j.kthread.KThread;
import io.kmod4j.sync.Completion;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The driver: binds to {@code kmod4j,tftp-flash} devices, whose {@code address} and {@code port}
 * properties say where the device's TFTP server listens and whose {@code firmware} property names
 * the image to push.
 */
final class TftpFlashDriver implements Driver {

    private final TftpFlash.Settings settings;

    TftpFlashDriver(TftpFlash.Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "tftp-flash";
    }

    @Override
    public List<DeviceId> idTable() {
        return List.of(DeviceId.of("kmod4j,tftp-flash"));
    }

    @Override
    public void probe(Device dev) throws Exception {
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(dev.property("address").orElse("127.0.0.1"), (int) dev.intProperty("port"));
        } catch (KernelException e) {
            throw dev.errProbe(Errno.EINVAL, "%s", e.getMessage());
        }
        String name = settings.firmware() != null && !settings.firmware().isEmpty() ? settings.firmware()
                : dev.property("firmware").orElseThrow(() -> dev.errProbe(Errno.EINVAL,
                        "no firmware to push: set the device's 'firmware' property or the module's firmware parameter"));
        FlashDevice flash = new FlashDevice(dev, address, name, settings);
        dev.setDriverData(flash);
        // Unregistered when the device is unbound: an upload still running is cancelled and joined.
        flash.upload = dev.manage(FwUpload.register(dev, dev.name(), new TftpFlashOps(flash)));
        try {
            flash.thread = KThread.run("tftp-flash/" + dev.name(), () -> download(flash));
        } catch (KernelException e) {
            flash.done.complete(); // nothing else will ever complete it
            throw e;
        }
        dev.info("pushing firmware %s to %s:%d", name, address.getHostString(), address.getPort());
    }

    /** The one-shot kthread: request, push, wait for confirmation, then completeAndExit. */
    private static int download(FlashDevice flash) {
        Device dev = flash.dev;
        int code;
        try (Firmware fw = Firmware.request(flash.firmwareName, dev)) {
            dev.info("firmware %s: %d bytes, sha256 %s", fw.name(), fw.size(), fw.sha256().substring(0, 16));
            flash.upload.start(fw.data());
            while (!flash.upload.awaitIdle(Duration.ofMillis(200))) {
                if (KThread.shouldStop() || flash.removing) {
                    flash.cancelTransfer();
                }
            }
            Optional<String> error = flash.upload.error();
            if (error.isPresent()) {
                dev.err("upload failed: %s", error.get());
                code = Errno.EIO.code();
            } else {
                code = flash.awaitConfirmation();
            }
        } catch (KernelException e) {
            dev.err("firmware %s: %s", flash.firmwareName, e.getMessage());
            code = e.code();
        } catch (InterruptedException e) {
            code = Errno.EINTR.code();
        }
        KThread.completeAndExit(flash.done, code);
        return code; // not reached
    }

    @Override
    public void remove(Device dev) {
        FlashDevice flash = (FlashDevice) dev.driverData();
        flash.removing = true;
        flash.cancelTransfer();     // refused in the device's critical section: then it finishes first
        flash.thread.wakeUp();      // cut a status poll's sleep short
        flash.done.awaitUninterruptibly(); // wait_for_completion: no code of ours runs on it any more
        dev.info("removed (download thread ended with %d)", flash.thread.result().orElse(0));
    }

    /** Per-device state, the driver data. */
    static final class FlashDevice {
        final Device dev;
        final InetSocketAddress address;
        final String firmwareName;
        final TftpFlash.Settings settings;
        final Completion done = new Completion();
        volatile FwUpload upload;
        volatile KThread thread;
        volatile boolean removing;
        volatile TftpFlashOps ops;

        FlashDevice(Device dev, InetSocketAddress address, String firmwareName, TftpFlash.Settings settings) {
            this.dev = dev;
            this.address = address;
            this.firmwareName = firmwareName;
            this.settings = settings;
        }

        void cancelTransfer() {
            TftpFlashOps o = ops;
            if (o != null) {
                try {
                    o.cancel(upload);
                } catch (KernelException busy) {
                    dev.info("cancel refused: %s", busy.getMessage());
                }
            }
        }

        /** Polls the device's status until it confirms (0) or rejects the new image, or time runs out. */
        int awaitConfirmation() throws InterruptedException {
            long deadline = System.nanoTime() + settings.confirmTimeout().toNanos();
            String last = "";
            while (System.nanoTime() < deadline && !removing && !KThread.shouldStop()) {
                DeviceStatusDoc status;
                try {
                    status = DeviceStatusDoc.read(address, settings);
                } catch (java.io.IOException e) {
                    dev.warn("status: %s", e.getMessage());
                    KThread.scheduleTimeout(Duration.ofMillis(200));
                    continue;
                }
                String state = status.get("state");
                if (!state.equals(last)) {
                    dev.info("device state: %s (active slot %s, version %s)", state, status.get("active-slot"),
                            status.get("active-version"));
                    last = state;
                }
                switch (state) {
                    case "confirmed" -> {
                        dev.info("new image %s confirmed by the device", status.get("active-version"));
                        return 0;
                    }
                    case "reverted", "failed" -> {
                        dev.err("device did not keep the new image: %s", status.get("last-error"));
                        return Errno.EIO.code();
                    }
                    default -> KThread.scheduleTimeout(Duration.ofMillis(100));
                }
            }
            if (removing || KThread.shouldStop()) {
                return Errno.EINTR.code();
            }
            dev.err("device did not confirm the new image within %d s", settings.confirmTimeout().toSeconds());
            return Errno.ETIMEDOUT.code();
        }
    }
}
