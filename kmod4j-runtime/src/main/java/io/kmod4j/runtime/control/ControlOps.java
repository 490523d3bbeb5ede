package io.kmod4j.runtime.control;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The ops a {@link ControlServer} answers, by name: a registry, so that new groups of ops (the
 * driver core's {@code devices}, {@code bind}, the firmware loader's {@code fw.*}) are added
 * beside the core ones without touching the server, the framing or the error handling.
 *
 * <pre>{@code
 * ControlOps ops = ControlOps.standard()
 *         .register("devices", List.of(), r -> listDevices(r.kernel()));
 * ControlServer server = ControlServer.start(kernel, socket, ops);
 * }</pre>
 *
 * <p>Not thread-safe: fill it, then start a server; the server copies it, so later registrations
 * do not reach a running server.
 */
public final class ControlOps {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*([._-][a-z0-9]+)*");

    /** One registered op: its name, the argument names it accepts, and its handler. */
    record Entry(String name, Set<String> args, ControlOp op) {}

    private final Map<String, Entry> ops = new LinkedHashMap<>();

    /** An empty registry. */
    public ControlOps() {}

    /**
     * Every op the daemon answers: the module loader's ({@code ping}, {@code status},
     * {@code insmod}, {@code rmmod}, {@code lsmod}, {@code modinfo}, {@code modprobe},
     * {@code depmod}, {@code dmesg}), the driver core's ({@code devices}, {@code device.add},
     * {@code device.remove}, {@code bind}, {@code unbind}) and the firmware loader's
     * ({@code fw.path}, {@code fw.held}, {@code fw.load}, {@code fw.abort}, {@code fw.pending},
     * {@code fw.upload}, {@code fw.status}, {@code fw.cancel}). A new group registers here, one
     * line per group.
     */
    public static ControlOps standard() {
        ControlOps ops = new ControlOps();
        KernelOps.addTo(ops);
        DeviceOps.addTo(ops);
        FirmwareOps.addTo(ops);
        return ops;
    }

    /**
     * Adds an op.
     *
     * @param name lower case, words joined by {@code .}, {@code -} or {@code _}: {@code fw.load}
     * @param argNames every field its {@code args} may have; a request with any other field is
     *     refused with {@code EINVAL} before the op runs
     * @return this registry
     * @throws IllegalArgumentException if the name is malformed
     * @throws IllegalStateException if an op of that name is already registered
     */
    public ControlOps register(String name, Collection<String> argNames, ControlOp op) {
        Objects.requireNonNull(op, "op");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("malformed op name: '" + name + "' (expected e.g. 'lsmod' or 'fw.load')");
        }
        if (ops.containsKey(name)) {
            throw new IllegalStateException("op '" + name + "' is already registered");
        }
        ops.put(name, new Entry(name, Set.copyOf(argNames), op));
        return this;
    }

    /** The registered names, in registration order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(ops.keySet());
    }

    /** An immutable copy, for a server. */
    Map<String, Entry> snapshot() {
        return Map.copyOf(ops);
    }
}
