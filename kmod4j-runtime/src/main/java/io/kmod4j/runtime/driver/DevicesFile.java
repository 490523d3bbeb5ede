package io.kmod4j.runtime.driver;

import com.fasterxml.jackson.jr.ob.JSON;
import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.runtime.DeviceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a devices file: the platform devices a kernel starts with.
 *
 * <pre>{@code
 * {"devices": [
 *   {"name": "flash0", "compatible": ["kmod4j,tftp-flash"],
 *    "properties": {"address": "127.0.0.1", "port": "6969", "firmware": "flash0.img"}}
 * ]}
 * }</pre>
 * {@code compatible} may be one string or a list; property values may be strings, numbers or
 * booleans (kept as text). Every error names the file and the field, e.g.
 * {@code devices.json: devices[1].name: missing}.
 */
public final class DevicesFile {

    private DevicesFile() {}

    /**
     * @throws KernelException ENOENT if the file is missing, EINVAL naming file and field for
     *     anything malformed, EIO if it cannot be read
     */
    public static List<DeviceSpec> read(Path file) throws KernelException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new KernelException(Errno.ENOENT, file + ": no such devices file");
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(file.toString(), text);
    }

    /** Parses devices-file text; {@code source} names it in errors. */
    public static List<DeviceSpec> parse(String source, String text) throws KernelException {
        Object root;
        try {
            root = JSON.std.anyFrom(text);
        } catch (IOException | RuntimeException e) {
            throw bad(source, "", "not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw bad(source, "", "must be a JSON object with a \"devices\" list");
        }
        Object list = top.get("devices");
        if (!(list instanceof List<?> entries)) {
            throw bad(source, "devices", "must be a list");
        }
        List<DeviceSpec> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String at = "devices[" + i + "]";
            if (!(entries.get(i) instanceof Map<?, ?> e)) {
                throw bad(source, at, "must be an object");
            }
            out.add(spec(source, at, e));
        }
        return out;
    }

    /** One device object (also the control socket's {@code device add} argument). */
    public static DeviceSpec spec(String source, String at, Map<?, ?> e) throws KernelException {
        Object name = e.get("name");
        if (!(name instanceof String n) || n.isBlank()) {
            throw bad(source, at + ".name", name == null ? "missing" : "must be a non-empty string");
        }
        List<String> compatible = new ArrayList<>();
        Object c = e.get("compatible");
        if (c instanceof String s) {
            compatible.add(s);
        } else if (c instanceof List<?> l && !l.isEmpty()) {
            for (int j = 0; j < l.size(); j++) {
                if (!(l.get(j) instanceof String s)) {
                    throw bad(source, at + ".compatible[" + j + "]", "must be a string");
                }
                compatible.add(s);
            }
        } else {
            throw bad(source, at + ".compatible", c == null ? "missing" : "must be a string or a non-empty list of strings");
        }
        Map<String, String> props = new LinkedHashMap<>();
        Object p = e.get("properties");
        if (p != null) {
            if (!(p instanceof Map<?, ?> pm)) {
                throw bad(source, at + ".properties", "must be an object");
            }
            for (Map.Entry<?, ?> pe : pm.entrySet()) {
                Object v = pe.getValue();
                if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                    throw bad(source, at + ".properties." + pe.getKey(), "must be a string, number or boolean");
                }
                props.put(String.valueOf(pe.getKey()), String.valueOf(v));
            }
        }
        for (Object key : e.keySet()) {
            if (!List.of("name", "compatible", "properties").contains(String.valueOf(key))) {
                throw bad(source, at + "." + key, "unknown field (expected name, compatible, properties)");
            }
        }
        try {
            return new DeviceSpec(n, compatible, props);
        } catch (IllegalArgumentException ex) {
            throw bad(source, at, ex.getMessage());
        }
    }

    private static KernelException bad(String source, String field, String why) {
        return new KernelException(Errno.EINVAL, source + ": " + (field.isEmpty() ? "" : field + ": ") + why);
    }
}
