package io.kmod4j.cli;

import io.kmod4j.KernelException;
import io.kmod4j.runtime.DeviceStatus;
import io.kmod4j.runtime.control.ControlClient;
import io.kmod4j.runtime.control.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kmod4j bind} and {@code kmod4j unbind}: the driver core's sysfs {@code bind}/{@code unbind} files. */
final class BindCommands {

    private BindCommands() {}

    /**
     * {@code kmod4j bind DEVICE DRIVER} ({@code echo DEVICE > /sys/bus/platform/drivers/DRIVER/bind}).
     * Quiet on success; {@code --json} prints the device's state after the probe.
     */
    @Command(name = "bind", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "Bind a device to a driver by hand (echo DEVICE > .../drivers/DRIVER/bind): the driver probes it now.",
                "Prints nothing on success; --json prints the device's state after the probe.",
                "Fails with ENODEV (no such device or driver, or they do not match), EBUSY (already bound), "
                        + "or the probe's own errno (EPROBE_DEFER if it deferred)."})
    static final class Bind extends Verb {

        @Parameters(index = "0", paramLabel = "DEVICE", description = "The device name, as kmod4j devices shows it.")
        String device;

        @Parameters(index = "1", paramLabel = "DRIVER", description = "The driver name, as kmod4j devices shows it.")
        String driver;

        @Override
        public Integer call() throws KernelException {
            DeviceStatus s;
            try (ControlClient client = connect()) {
                s = client.bind(device, driver);
            }
            if (options.json()) {
                printJson(Json.encode(s));
            }
            return Kmod4j.EXIT_OK;
        }
    }

    /**
     * {@code kmod4j unbind DEVICE} ({@code echo DEVICE > .../drivers/DRIVER/unbind}). Quiet on
     * success; {@code --json} prints the device's state after {@code remove}.
     */
    @Command(name = "unbind", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "Unbind a device from its driver by hand (echo DEVICE > .../drivers/DRIVER/unbind): the driver's remove runs, "
                        + "then the device's managed resources are released. The device stays on the bus, unbound.",
                "Prints nothing on success; --json prints the device's state after.",
                "Fails with ENODEV if there is no such device or it is not bound."})
    static final class Unbind extends Verb {

        @Parameters(index = "0", paramLabel = "DEVICE", description = "The device name, as kmod4j devices shows it.")
        String device;

        @Override
        public Integer call() throws KernelException {
            DeviceStatus s;
            try (ControlClient client = connect()) {
                s = client.unbind(device);
            }
            if (options.json()) {
                printJson(Json.encode(s));
            }
            return Kmod4j.EXIT_OK;
        }
    }
}
