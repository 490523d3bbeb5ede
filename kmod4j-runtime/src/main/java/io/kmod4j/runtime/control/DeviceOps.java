package io.kmod4j.runtime.control;

import static io.kmod4j.runtime.control.Json.ordered;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.runtime.DeviceSpec;
import io.kmod4j.runtime.DeviceStatus;
import io.kmod4j.runtime.Kernel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver core's ops: {@code devices}, {@code device.add}, {@code device.remove}, {@code bind},
 * {@code unbind}. Thin adapters from {@link JsonObject} arguments to {@link Kernel} calls, as
 * {@link KernelOps} is for modules; the kernel's {@code KernelException}s pass through with their
 * errno ({@code EEXIST}, {@code ENODEV}, {@code EBUSY}, a probe's own).
 *
 * <table>
 *   <caption>ops</caption>
 *   <tr><th>op</th><th>args</th><th>result</th></tr>
 *   <tr><td>devices</td><td>none</td><td>{@code {"devices":[device..]}}</td></tr>
 *   <tr><td>device.add</td><td>{@code name}, {@code compatible} (a string or a non-empty array of
 *       strings), {@code properties} ({@code {key: string}}, optional)</td><td>device, right after
 *       the add (an asynchronous probe may still run)</td></tr>
 *   <tr><td>device.remove</td><td>{@code name}</td><td>{@code {"name"}}</td></tr>
 *   <tr><td>bind</td><td>{@code device}, {@code driver}</td><td>device, after the probe</td></tr>
 *   <tr><td>unbind</td><td>{@code device}</td><td>device, after {@code remove}</td></tr>
 * </table>
 * The device shape is {@link Json#encode(DeviceStatus)}'s.
 */
final class DeviceOps {

    private DeviceOps() {}

    static void addTo(ControlOps ops) {
        ops.register("devices", List.of(), DeviceOps::devices)
                .register("device.add", List.of("name", "compatible", "properties"), DeviceOps::add)
                .register("device.remove", List.of("name"), DeviceOps::remove)
                .register("bind", List.of("device", "driver"), DeviceOps::bind)
                .register("unbind", List.of("device"), DeviceOps::unbind);
    }

    private static Object devices(Request r) {
        List<Object> out = new ArrayList<>();
        for (DeviceStatus d : r.kernel().devices()) {
            out.add(Json.encode(d));
        }
        return ordered("devices", out);
    }

    private static Object add(Request r) throws Exception {
        DeviceSpec spec = spec(r.args());
        r.kernel().addDevice(spec);
        return state(r.kernel(), spec.name());
    }

    private static Object remove(Request r) throws Exception {
        String name = word(r.args(), "name", "device");
        r.kernel().removeDevice(name);
        return ordered("name", name);
    }

    private static Object bind(Request r) throws Exception {
        String device = word(r.args(), "device", "device");
        String driver = word(r.args(), "driver", "driver");
        r.kernel().bind(device, driver);
        return state(r.kernel(), device);
    }

    private static Object unbind(Request r) throws Exception {
        String device = word(r.args(), "device", "device");
        r.kernel().unbind(device);
        return state(r.kernel(), device);
    }

    /** The device's state now; a device removed meanwhile by another client is ENODEV. */
    private static Object state(Kernel k, String name) throws KernelException {
        return Json.encode(k.device(name).orElseThrow(() ->
                new KernelException(Errno.ENODEV, "device " + name + " was removed by someone else meanwhile")));
    }

    /**
     * {@code device.add}'s arguments as a {@link DeviceSpec}. Stricter than a devices file: the
     * protocol converts nothing, so property values must be strings.
     */
    static DeviceSpec spec(JsonObject a) throws KernelException {
        String name = a.string("name");
        List<String> compatible;
        Object c = a.asMap().get("compatible");
        if (c instanceof String one) {
            compatible = List.of(one);
        } else if (c instanceof List) {
            compatible = a.stringList("compatible");
            if (compatible.isEmpty()) {
                throw a.fail("field '" + a.at("compatible") + "' must not be an empty array");
            }
        } else if (!a.asMap().containsKey("compatible")) {
            throw a.fail("field '" + a.at("compatible") + "' is missing; it must be a string or a non-empty array of strings");
        } else {
            throw a.fail("field '" + a.at("compatible") + "' must be a string or a non-empty array of strings, not "
                    + JsonObject.typeOf(c));
        }
        Map<String, String> properties = new LinkedHashMap<>();
        if (a.has("properties")) {
            JsonObject p = a.object("properties");
            for (String key : p.names()) {
                if (key.isEmpty()) {
                    throw a.fail("field '" + a.at("properties") + "' has an empty name");
                }
                properties.put(key, p.string(key));
            }
        }
        try {
            return new DeviceSpec(name, compatible, properties);
        } catch (IllegalArgumentException e) {
            throw a.fail("field '" + a.at(e.getMessage().startsWith("device name") ? "name" : "compatible") + "': "
                    + e.getMessage());
        }
    }

    /** A device or driver name: a non-empty string without '/' or NUL. */
    private static String word(JsonObject a, String field, String what) throws KernelException {
        String s = a.string(field);
        if (s.isEmpty() || s.contains("/") || s.indexOf('\0') >= 0) {
            throw a.fail("field '" + a.at(field) + "' must be a " + what + " name, not '" + s.replace("\0", "\\0") + "'");
        }
        return s;
    }
}
