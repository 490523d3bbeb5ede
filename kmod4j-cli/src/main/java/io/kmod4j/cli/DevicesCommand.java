package io.kmod4j.cli;

import io.kmod4j.KernelException;
import io.kmod4j.runtime.DeviceStatus;
import io.kmod4j.runtime.control.ControlClient;
import io.kmod4j.runtime.control.Json;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code kmod4j devices}: every device on the daemon's platform bus, in the order added, and how
 * it is bound.
 *
 * <pre>
 * DEVICE  BUS       COMPATIBLE         STATE     DRIVER      MODULE      DETAIL
 * flash0  platform  kmod4j,tftp-flash  bound     tftp-flash  tftp_flash  -
 * eth0    platform  acme,eth           deferred  acme-eth    kernel      deferred: waiting for the PHY
 * led0    platform  acme,led           unbound   -           -           probe with driver acme-led failed with error -5
 * </pre>
 *
 * A {@link Table}: columns aligned, an empty cell is {@code -}, several compatible strings are
 * joined with {@code ;}. DETAIL says why a device is deferred (or that its deferral timed out) and
 * how its last probe failed. With {@code --json}: {@code {"devices":[device..]}}.
 */
@Command(name = "devices", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "List the devices on the daemon's platform bus and how they are bound: "
                    + "DEVICE, BUS, COMPATIBLE, STATE (unbound, probing, bound, deferred, removing), DRIVER, MODULE, DETAIL.",
            "DETAIL says why a device is deferred and how its last probe failed; an empty cell is '-'.",
            "--json prints {\"devices\":[{\"name\",\"bus\",\"compatible\",\"properties\",\"state\",\"driver\",\"module\",\"detail\"}..]}."})
final class DevicesCommand extends Verb {

    @Override
    public Integer call() throws KernelException {
        List<DeviceStatus> devices;
        try (ControlClient client = connect()) {
            devices = client.devices();
        }
        if (options.json()) {
            List<Object> out = new ArrayList<>();
            devices.forEach(d -> out.add(Json.encode(d)));
            printJson(Json.ordered("devices", out));
        } else {
            out().print(format(devices));
            out().flush();
        }
        return Kmod4j.EXIT_OK;
    }

    /** The table {@code kmod4j devices} prints. */
    static String format(List<DeviceStatus> devices) {
        Table t = new Table("DEVICE", "BUS", "COMPATIBLE", "STATE", "DRIVER", "MODULE", "DETAIL");
        for (DeviceStatus d : devices) {
            t.row(d.name(), d.bus(), String.join(";", d.compatible()), d.state(), d.driver(), d.module(), d.detail());
        }
        return t.format();
    }
}
