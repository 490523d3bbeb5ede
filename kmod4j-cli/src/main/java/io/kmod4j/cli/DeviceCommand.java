package io.kmod4j.cli;

import io.kmod4j.KernelException;
import io.kmod4j.runtime.DeviceSpec;
import io.kmod4j.runtime.DeviceStatus;
import io.kmod4j.runtime.control.ControlClient;
import io.kmod4j.runtime.control.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kmod4j device add|remove}: hot-plugs a platform device into the daemon's kernel or takes
 * it away, as {@code device_add}/{@code device_del} do. Quiet on success, as kmod is; with
 * {@code --json} {@code add} prints the device's state right after the add and {@code remove}
 * prints {@code {"name"}}.
 */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Add a device to the daemon's platform bus, or remove one.",
        subcommands = {DeviceCommand.Add.class, DeviceCommand.Remove.class})
final class DeviceCommand {

    /**
     * {@code kmod4j device add NAME -c COMPATIBLE [-c ...] [-p key=value ...]}. A malformed
     * {@code -p} word, name or compatible string is a usage error (exit 2); a device of that name
     * already present is {@code EEXIST}.
     */
    @Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "Add a device to the daemon's platform bus (device_add): a driver that matches one of its compatible strings probes it; "
                        + "if none does, the module index is asked for one (modprobe by alias).",
                "Prints nothing on success; --json prints the device's state right after the add (an asynchronous probe may still run).",
                "Fails with EEXIST if a device of that name exists."})
    static final class Add extends Verb {

        @Parameters(index = "0", paramLabel = "NAME", description = "The device name: 1-64 of A-Z a-z 0-9 _ . : -")
        String name;

        @Option(names = {"-c", "--compatible"}, required = true, paramLabel = "COMPATIBLE",
                description = "A compatible string, most specific first, e.g. kmod4j,tftp-flash. Repeatable.")
        List<String> compatible = new ArrayList<>();

        @Option(names = {"-p", "--property"}, paramLabel = "key=value",
                description = "A device property, e.g. address=127.0.0.1. Repeatable; a later key wins.")
        List<String> properties = new ArrayList<>();

        @Override
        public Integer call() throws KernelException {
            DeviceSpec spec;
            try {
                spec = new DeviceSpec(name, compatible, properties(properties));
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            try (ControlClient client = connect()) {
                DeviceStatus s = client.addDevice(spec);
                if (options.json()) {
                    printJson(Json.encode(s));
                }
            }
            return Kmod4j.EXIT_OK;
        }

        /** {@code key=value} words in order; a later key wins. */
        static Map<String, String> properties(List<String> words) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String w : words) {
                int eq = w.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("property '" + w + "' is not key=value");
                }
                out.put(w.substring(0, eq), w.substring(eq + 1));
            }
            return out;
        }
    }

    /** {@code kmod4j device remove NAME}: {@code ENODEV} if there is no such device. */
    @Command(name = "remove", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "Remove a device from the daemon's platform bus (device_del): its driver's remove runs, then its managed resources are released.",
                "Prints nothing on success; --json prints {\"name\"}. Fails with ENODEV if there is no such device."})
    static final class Remove extends Verb {

        @Parameters(index = "0", paramLabel = "NAME", description = "The device name, as kmod4j devices shows it.")
        String name;

        @Override
        public Integer call() throws KernelException {
            try (ControlClient client = connect()) {
                client.removeDevice(name);
            }
            if (options.json()) {
                printJson(Json.ordered("name", name));
            }
            return Kmod4j.EXIT_OK;
        }
    }
}
