package kmodtest.driver;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.Printk;
import io.kmod4j.driver.Device;
import io.kmod4j.driver.DeviceId;
import io.kmod4j.driver.Driver;
import io.kmod4j.driver.DriverRegistration;
import io.kmod4j.kthread.KThread;
import java.time.Duration;
import java.util.List;

/** A module with a driver whose probe starts a kthread per device, stopped through devres. */
public final class DriverModule implements Module {
    private DriverRegistration registration;

    @Override
    public void init(ModuleContext ctx) throws Exception {
        registration = ctx.registerDriver(new Driver() {
            @Override
            public String name() {
                return "kmodtest-drv";
            }

            @Override
            public List<DeviceId> idTable() {
                return List.of(DeviceId.of("kmodtest,dev"));
            }

            @Override
            public void probe(Device dev) throws Exception {
                KThread poller = KThread.run("poll-" + dev.name(), () -> {
                    while (!KThread.shouldStop()) {
                        KThread.scheduleTimeout(Duration.ofMinutes(1));
                    }
                    return 0;
                });
                dev.manage("stop poller of " + dev.name(), poller::stop);
                dev.info("probed, port %s", dev.property("port").orElse("?"));
            }

            @Override
            public void remove(Device dev) {
                dev.info("removed");
            }
        });
        Printk.info("driver registered");
    }

    @Override
    public void exit() {
        registration.close(); // already unregistered by rmmod: a no-op
        Printk.info("exit after the runtime unbound my devices");
    }
}
