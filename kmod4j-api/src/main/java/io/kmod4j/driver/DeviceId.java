package io.kmod4j.driver;

import java.util.Objects;

/**
 * One entry of a driver's match table ({@code struct of_device_id}): a {@code compatible}
 * string such as {@code "kmod4j,tftp-flash"} and optional driver data handed to probe through
 * {@link Device#matchData()}.
 *
 * @param compatible the compatible string a device must list
 * @param data driver data for devices matched by this entry ({@code .data}); may be null
 */
public record DeviceId(String compatible, Object data) {

    public DeviceId {
        Objects.requireNonNull(compatible, "compatible");
        if (compatible.isBlank() || compatible.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a compatible string is one word, was '" + compatible + "'");
        }
    }

    /** An entry without driver data. */
    public static DeviceId of(String compatible) {
        return new DeviceId(compatible, null);
    }

    /** The module alias {@code depmod} indexes for it: {@code of:<compatible>}. */
    public String alias() {
        return "of:" + compatible;
    }
}
