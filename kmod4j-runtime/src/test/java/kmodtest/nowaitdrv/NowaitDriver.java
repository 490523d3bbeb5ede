package kmodtest.nowaitdrv;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.Printk;
import io.kmod4j.driver.Device;
import io.kmod4j.driver.DeviceId;
import io.kmod4j.driver.Driver;
import io.kmod4j.firmware.Firmware;
import io.kmod4j.firmware.FirmwareRequest;
import io.kmod4j.firmware.FirmwareResult;
import java.util.List;

/**
 * A driver whose probe asks for firmware asynchronously and whose remove cancels the request
 * (request_firmware_nowait + request_firmware_nowait_cancel, the 2026 fix for drivers whose
 * callback ran after remove).
 */
public final class NowaitDriver implements Module {
    @Override
    public void init(ModuleContext ctx) throws Exception {
        ctx.registerDriver(new Driver() {
            @Override
            public String name() {
                return "nowait-drv";
            }

            @Override
            public List<DeviceId> idTable() {
                return List.of(DeviceId.of("kmodtest,nowait"));
            }

            @Override
            public void probe(Device dev) throws Exception {
                FirmwareRequest request = Firmware.requestNowait("nowait.bin", dev, result -> {
                    if (result instanceof FirmwareResult.Loaded loaded) {
                        dev.info("callback: loaded %d bytes", loaded.firmware().size());
                        loaded.firmware().close();
                    } else if (result instanceof FirmwareResult.Failed failed) {
                        dev.info("callback: failed %s", failed.error().errno());
                    }
                });
                dev.setDriverData(request);
            }

            @Override
            public void remove(Device dev) {
                FirmwareRequest request = (FirmwareRequest) dev.driverData();
                dev.info("remove: cancel prevented the callback: %b", request.cancel());
            }
        });
        Printk.info("nowait driver registered");
    }

    @Override
    public void exit() {
    }
}
