package kmodtest.soak;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.driver.Device;
import io.kmod4j.driver.DeviceId;
import io.kmod4j.driver.Driver;
import io.kmod4j.driver.DriverRegistration;
import io.kmod4j.firmware.Firmware;
import io.kmod4j.firmware.FirmwareResult;
import io.kmod4j.kthread.KThread;
import io.kmod4j.workqueue.DelayedWork;
import io.kmod4j.workqueue.KTimer;
import io.kmod4j.workqueue.Work;
import java.time.Duration;
import java.util.List;
import java.util.Queue;

/**
 * The module of the 10,000-cycle soak: everything a driver module owns, in one. Its init starts
 * two long-lived kthreads and a one-shot one, a work item that queues itself again forever, a
 * delayed work armed for an hour and a timer armed for an hour, and registers a driver; the
 * driver's probe starts a kthread per device (stopped through devres), requests the device's
 * firmware synchronously and again with {@code request_firmware_nowait}. Its exit leaves all of
 * it to the runtime except the driver registration.
 *
 * <p>It tells the test what the firmware callback got through {@code kmodtest.soak.firmware}, a
 * {@code Queue<String>} in the system properties (a JDK object: it cannot pin this module).
 */
public final class SoakModule implements Module {

    /** What the driver matches; the test adds a device with this compatible. */
    public static final String COMPATIBLE = "kmodtest,soak";
    /** The firmware the probe asks for. */
    public static final String FIRMWARE = "soak.bin";
    /** The system property holding the test's queue of firmware callback outcomes. */
    public static final String RESULTS = "kmodtest.soak.firmware";

    private DriverRegistration registration;

    @Override
    public void init(ModuleContext ctx) throws Exception {
        for (int i = 0; i < 2; i++) {
            KThread.run("soak-" + i, SoakModule::sleepUntilStopped);
        }
        KThread.run("soak-oneshot", () -> 0);
        Work[] poll = new Work[1];
        poll[0] = new Work("soak-poll", () -> poll[0].schedule()); // requeues itself forever
        poll[0].schedule();
        new DelayedWork("soak-later", () -> { }).schedule(Duration.ofHours(1));
        new KTimer("soak-watchdog", () -> { }).modify(Duration.ofHours(1));
        registration = ctx.registerDriver(new SoakDriver());
    }

    @Override
    public void exit() {
        registration.close(); // already unregistered by rmmod: a no-op
    }

    private static int sleepUntilStopped() {
        while (!KThread.shouldStop()) {
            KThread.scheduleTimeout(Duration.ofMinutes(1));
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static void report(String outcome) {
        ((Queue<String>) System.getProperties().get(RESULTS)).add(outcome);
    }

    private static final class SoakDriver implements Driver {
        @Override
        public String name() {
            return "kmodtest-soak";
        }

        @Override
        public List<DeviceId> idTable() {
            return List.of(DeviceId.of(COMPATIBLE));
        }

        @Override
        public void probe(Device dev) throws Exception {
            KThread poller = KThread.run("soak-poll-" + dev.name(), SoakModule::sleepUntilStopped);
            dev.manage("stop poller of " + dev.name(), poller::stop);
            try (Firmware fw = Firmware.request(FIRMWARE, dev)) {
                dev.info("firmware %s: %d bytes", fw.name(), fw.size());
            }
            Firmware.requestNowait(FIRMWARE, dev, SoakDriver::loaded);
        }

        private static void loaded(FirmwareResult result) {
            switch (result) {
                case FirmwareResult.Loaded l -> {
                    try (Firmware fw = l.firmware()) {
                        report("loaded " + fw.size());
                    }
                }
                case FirmwareResult.Failed f -> report("failed " + f.error().errno());
            }
        }

        @Override
        public void remove(Device dev) {
            // the poller is stopped by devres; nothing else is held per device
        }
    }
}
