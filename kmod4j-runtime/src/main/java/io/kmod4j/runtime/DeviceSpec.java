package io.kmod4j.runtime;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A device to add to the platform bus: what a devices file entry, {@code kmod4j device add} or
 * the embedding API describes.
 *
 * @param name unique device name, e.g. {@code flash0}
 * @param compatible compatible strings, most specific first, e.g. {@code kmod4j,tftp-flash}
 * @param properties properties such as {@code address}, {@code port}, {@code firmware}
 */
public record DeviceSpec(String name, List<String> compatible, Map<String, String> properties) {

    public DeviceSpec {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9_.:-]{1,64}")) {
            throw new IllegalArgumentException("device name '" + name + "' must be 1-64 of [A-Za-z0-9_.:-]");
        }
        compatible = List.copyOf(compatible);
        if (compatible.isEmpty()) {
            throw new IllegalArgumentException("device " + name + " needs at least one compatible string");
        }
        for (String c : compatible) {
            if (c.isBlank() || c.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("device " + name + ": compatible '" + c + "' must be one word");
            }
        }
        properties = Map.copyOf(properties);
    }

    /** A device with one compatible string. */
    public static DeviceSpec of(String name, String compatible, Map<String, String> properties) {
        return new DeviceSpec(name, List.of(compatible), properties);
    }
}
