package io.kmod4j.runtime.module;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.ModuleParams;
import io.kmod4j.runtime.ModInfo;
import io.kmod4j.runtime.ModInfo.ParamInfo;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A module's parameter values: what was given at load time, else the declared default, parsed
 * by type ({@code parse_args}). Immutable and thread-safe once built.
 */
public final class ParamValues implements ModuleParams {

    private record Value(ParamInfo info, ParamType.Spec spec, Object typed, String text) {}

    private final Map<String, Value> values;

    private ParamValues(Map<String, Value> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Resolves the values for a load.
     *
     * @param info the module's metadata
     * @param given {@code name -> value}; a {@code null} value is a bare {@code name}
     * @param warn receives Linux's warning for each unknown parameter, which is then ignored
     * @throws KernelException {@code EINVAL} naming the parameter and the bad value
     */
    public static ParamValues resolve(ModInfo info, Map<String, String> given, Consumer<String> warn)
            throws KernelException {
        for (String key : given.keySet()) {
            if (info.param(key).isEmpty()) {
                warn.accept(info.name() + ": unknown parameter '" + key + "' ignored");
            }
        }
        Map<String, Value> out = new LinkedHashMap<>();
        for (ParamInfo p : info.params()) {
            boolean isGiven = given.containsKey(p.name());
            String text = isGiven ? given.get(p.name()) : p.defaultValue();
            ParamType.Spec spec = ParamType.parseTypeName(p.type());
            try {
                out.put(p.name(), parse(p, spec, text, !isGiven));
            } catch (IllegalArgumentException e) {
                throw new KernelException(Errno.EINVAL, info.name() + ": `" + text + "' invalid for parameter `"
                        + p.name() + "' (" + p.type() + "): " + e.getMessage());
            }
        }
        return new ParamValues(out);
    }

    private static Value parse(ParamInfo p, ParamType.Spec spec, String text, boolean isDefault) {
        if (spec.array()) {
            List<Object> elements = new ArrayList<>();
            List<String> shown = new ArrayList<>();
            if (text != null && !text.isEmpty()) {
                String[] parts = text.split(",", -1);
                if (parts.length > ParamType.MAX_ARRAY) {
                    throw new IllegalArgumentException("more than " + ParamType.MAX_ARRAY + " elements");
                }
                for (String part : parts) {
                    Object v = spec.type().parse(part);
                    elements.add(v);
                    shown.add(spec.type().show(v));
                }
            }
            return new Value(p, spec, List.copyOf(elements), String.join(",", shown));
        }
        Object v;
        if (isDefault && (text == null || text.isEmpty())) {
            v = switch (spec.type()) {
                case BOOL -> false;
                case INVBOOL -> true;
                case CHARP -> "";
                default -> 0L;
            };
        } else {
            v = spec.type().parse(text);
        }
        return new Value(p, spec, v, spec.type().show(v));
    }

    /**
     * Sets the entry class's {@code @Param} fields: static fields on the class, others on
     * {@code instance}.
     *
     * @throws KernelException {@code ENOEXEC} if a field named in the metadata is missing, final,
     *     or of a type that cannot hold the value (the JAR disagrees with its own metadata)
     */
    public void inject(Class<?> entry, Object instance) throws KernelException {
        for (Value v : values.values()) {
            Field f;
            try {
                f = entry.getDeclaredField(v.info.field());
            } catch (NoSuchFieldException e) {
                throw new KernelException(Errno.ENOEXEC, "parameter '" + v.info.name() + "': no field '"
                        + v.info.field() + "' in " + entry.getName());
            }
            if (Modifier.isFinal(f.getModifiers())) {
                throw new KernelException(Errno.ENOEXEC, "parameter '" + v.info.name() + "': field "
                        + entry.getName() + "." + f.getName() + " is final");
            }
            try {
                f.setAccessible(true);
                f.set(Modifier.isStatic(f.getModifiers()) ? null : instance, convert(v.typed, f.getType()));
            } catch (IllegalArgumentException | IllegalAccessException | ClassCastException e) {
                throw new KernelException(Errno.ENOEXEC, "parameter '" + v.info.name() + "' (" + v.info.type()
                        + ") does not fit field " + entry.getName() + "." + f.getName() + " of type "
                        + f.getType().getTypeName(), e);
            }
        }
    }

    private static Object convert(Object typed, Class<?> target) {
        if (typed instanceof List<?> list) {
            Class<?> component = target.getComponentType();
            if (component == null) {
                throw new IllegalArgumentException("not an array field");
            }
            Object array = Array.newInstance(component, list.size());
            for (int i = 0; i < list.size(); i++) {
                Array.set(array, i, convert(list.get(i), component));
            }
            return array;
        }
        if (typed instanceof Long l) {
            if (target == long.class || target == Long.class) {
                return l;
            }
            if (target == int.class || target == Integer.class) {
                return l.intValue();
            }
            if (target == short.class || target == Short.class) {
                return l.shortValue();
            }
            if (target == byte.class || target == Byte.class) {
                return l.byteValue();
            }
        }
        if (typed instanceof Boolean b && (target == boolean.class || target == Boolean.class)) {
            return b;
        }
        if (typed instanceof String s && target == String.class) {
            return s;
        }
        throw new IllegalArgumentException(typed.getClass().getSimpleName() + " into " + target.getName());
    }

    @Override
    public Set<String> names() {
        return values.keySet();
    }

    @Override
    public String get(String name) {
        return value(name).text;
    }

    @Override
    public int getInt(String name) {
        long v = getLong(name);
        if (v < Integer.MIN_VALUE || v > 0xFFFF_FFFFL) {
            throw new IllegalStateException("parameter '" + name + "' is a " + value(name).info.type()
                    + " and does not fit an int");
        }
        return (int) v;
    }

    @Override
    public long getLong(String name) {
        Value v = value(name);
        if (v.spec.array() || !(v.typed instanceof Long l)) {
            throw new IllegalStateException("parameter '" + name + "' is a " + v.info.type() + ", not an integer");
        }
        return l;
    }

    @Override
    public boolean getBool(String name) {
        Value v = value(name);
        if (v.spec.array() || !(v.typed instanceof Boolean b)) {
            throw new IllegalStateException("parameter '" + name + "' is a " + v.info.type() + ", not a bool");
        }
        return b;
    }

    @Override
    public String getString(String name) {
        Value v = value(name);
        if (v.spec.array() || !(v.typed instanceof String s)) {
            throw new IllegalStateException("parameter '" + name + "' is a " + v.info.type() + ", not a charp");
        }
        return s;
    }

    @Override
    public List<String> getArray(String name) {
        Value v = value(name);
        if (!v.spec.array()) {
            throw new IllegalStateException("parameter '" + name + "' is a " + v.info.type() + ", not an array");
        }
        return v.text.isEmpty() ? List.of() : List.of(v.text.split(","));
    }

    /** {@code name -> value text}, for lsmod/sysfs views. */
    public Map<String, String> asText() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v.text));
        return out;
    }

    private Value value(String name) {
        Value v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' (declared: " + values.keySet() + ")");
        }
        return v;
    }
}
