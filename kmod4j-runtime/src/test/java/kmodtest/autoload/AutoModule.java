package kmodtest.autoload;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.driver.Device;
import io.kmod4j.driver.DeviceId;
import io.kmod4j.driver.Driver;
import java.util.List;

/** Loaded by alias when a device with compatible kmodtest,auto appears. */
public final class AutoModule implements Module {
    @Override
    public void init(ModuleContext ctx) throws Exception {
        ctx.registerDriver(new Driver() {
            @Override
            public String name() {
                return "auto-drv";
            }

            @Override
            public List<DeviceId> idTable() {
                return List.of(DeviceId.of("kmodtest,auto"));
            }

            @Override
            public void probe(Device dev) {
                dev.info("autoloaded and probed");
            }
        });
    }

    @Override
    public void exit() {
    }
}
