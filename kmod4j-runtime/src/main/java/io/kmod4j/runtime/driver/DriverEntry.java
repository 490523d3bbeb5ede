package io.kmod4j.runtime.driver;

import io.kmod4j.driver.DeviceId;
import io.kmod4j.driver.Driver;
import io.kmod4j.driver.ProbeType;
import io.kmod4j.internal.Owner;
import java.util.List;
import java.util.Optional;

/** A registered driver, its owner and how it probes. */
final class DriverEntry {
    final Driver driver;
    final String name;
    final List<DeviceId> ids;
    final Owner owner;
    final boolean async;
    final boolean virtualThreads;
    volatile boolean unregistering;

    DriverEntry(Driver driver, Owner owner, boolean moduleAsync) {
        this.driver = driver;
        this.name = driver.name();
        this.ids = List.copyOf(driver.idTable());
        this.owner = owner;
        ProbeType t = driver.probeType();
        this.async = t == ProbeType.PREFER_ASYNCHRONOUS || (t == ProbeType.DEFAULT_STRATEGY && moduleAsync);
        this.virtualThreads = driver.virtualThreadsAllowed();
    }

    /** The first id that matches one of the device's compatible strings, in the device's order. */
    Optional<DeviceId> match(List<String> compatible) {
        for (String c : compatible) {
            for (DeviceId id : ids) {
                if (id.compatible().equals(c)) {
                    return Optional.of(id);
                }
            }
        }
        return Optional.empty();
    }
}
