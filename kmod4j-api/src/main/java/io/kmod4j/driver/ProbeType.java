package io.kmod4j.driver;

/**
 * How a driver's probe is scheduled ({@code enum probe_type}).
 */
public enum ProbeType {
    /** Synchronous, unless the kernel or the module's {@code async_probe} parameter asks otherwise. */
    DEFAULT_STRATEGY,
    /** Probe on a worker, in parallel with other devices: for slow devices whose order does not matter. */
    PREFER_ASYNCHRONOUS,
    /** Always probe in the registering or adding thread (a deferred re-probe still runs on a worker). */
    FORCE_SYNCHRONOUS
}
