package io.kmod4j.runtime;

import java.util.List;
import java.util.Map;

/**
 * One device as {@code kmod4j devices} shows it.
 *
 * @param name device name
 * @param bus its bus
 * @param compatible compatible strings
 * @param properties properties
 * @param state binding state: unbound, probing, bound, deferred, removing
 * @param driver the driver bound (or probing), empty if none
 * @param module the module of that driver ("kernel" for a host driver), empty if none
 * @param detail why it is deferred, how its last probe failed, or empty
 */
public record DeviceStatus(String name, String bus, List<String> compatible, Map<String, String> properties,
                           String state, String driver, String module, String detail) {

    public DeviceStatus {
        compatible = List.copyOf(compatible);
        properties = Map.copyOf(properties);
    }
}
