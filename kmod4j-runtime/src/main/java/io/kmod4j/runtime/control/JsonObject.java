package io.kmod4j.runtime.control;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, read-only access to one decoded JSON object: the {@code args} of a request on the
 * server, or a result in a reply on the client.
 *
 * <p>Every accessor either returns a value of the promised Java type or throws a
 * {@link KernelException} whose errno was chosen when the object was wrapped ({@code EINVAL} for
 * a request, {@code EPROTO} for a reply) and whose message is a sentence naming the field by its
 * path, e.g. {@code "field 'args.timeout' must be a number of seconds, not a string"}. A JSON
 * {@code null} counts as absent for optional fields. Nothing is converted silently: a number
 * where a string is expected is an error, not a string.
 *
 * <p>Immutable and thread-safe if the wrapped map is not modified afterwards.
 */
public final class JsonObject {

    private final Map<String, Object> fields;
    private final String path;
    private final Errno errno;

    private JsonObject(Map<String, Object> fields, String path, Errno errno) {
        this.fields = Collections.unmodifiableMap(fields);
        this.path = path;
        this.errno = errno;
    }

    /**
     * Wraps a decoded JSON value that must be an object.
     *
     * @param value what {@link Json#parse} returned
     * @param path the object's name in messages ({@code "args"}, {@code "result"}); empty for the
     *     top level
     * @param errno the errno of every failure
     * @throws KernelException with {@code errno} if {@code value} is not a JSON object
     */
    @SuppressWarnings("unchecked")
    public static JsonObject of(Object value, String path, Errno errno) throws KernelException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new KernelException(errno, (path.isEmpty() ? "the message" : "field '" + path + "'")
                    + " must be a JSON object, not " + typeOf(value));
        }
        return new JsonObject((Map<String, Object>) m, path, errno);
    }

    /** An empty object with the given path, for an absent {@code args}. */
    public static JsonObject empty(String path, Errno errno) {
        return new JsonObject(Map.of(), path, errno);
    }

    /** The field names present, in document order. */
    public Set<String> names() {
        return fields.keySet();
    }

    /** Whether the field is present and not {@code null}. */
    public boolean has(String name) {
        return fields.get(name) != null;
    }

    /** The underlying map, unmodifiable. */
    public Map<String, Object> asMap() {
        return fields;
    }

    /**
     * Fails unless every field present is one of {@code allowed}, so that a misspelt optional
     * argument ({@code "forse": true}) is an error instead of being ignored.
     */
    public void onlyFields(Collection<String> allowed) throws KernelException {
        for (String name : fields.keySet()) {
            if (!allowed.contains(name)) {
                throw fail("unknown field '" + at(name) + "'"
                        + (allowed.isEmpty() ? " (this takes no fields)" : " (known: " + String.join(", ", new TreeSet<>(allowed)) + ")"));
            }
        }
    }

    /** A required string. */
    public String string(String name) throws KernelException {
        Object v = fields.get(name);
        if (v == null) {
            throw missing(name, "a string");
        }
        if (!(v instanceof String s)) {
            throw wrongType(name, "a string", v);
        }
        return s;
    }

    /** An optional string. */
    public Optional<String> optionalString(String name) throws KernelException {
        return has(name) ? Optional.of(string(name)) : Optional.empty();
    }

    /** An optional boolean, {@code dflt} when absent. */
    public boolean bool(String name, boolean dflt) throws KernelException {
        Object v = fields.get(name);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            throw wrongType(name, "a boolean (true or false)", v);
        }
        return b;
    }

    /** A required boolean. */
    public boolean bool(String name) throws KernelException {
        if (!has(name)) {
            throw missing(name, "a boolean");
        }
        return bool(name, false);
    }

    /** A required integer in the range of {@code long}. */
    public long integer(String name) throws KernelException {
        Object v = fields.get(name);
        if (v == null) {
            throw missing(name, "an integer");
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger big) {
            if (big.bitLength() < 64) {
                return big.longValue();
            }
            throw fail("field '" + at(name) + "' is out of range: " + big);
        }
        throw wrongType(name, "an integer", v);
    }

    /** An optional integer, {@code dflt} when absent. */
    public long integer(String name, long dflt) throws KernelException {
        return has(name) ? integer(name) : dflt;
    }

    /** An optional non-negative number of seconds, fractions allowed, at most {@code 10^9}. */
    public Optional<Duration> seconds(String name) throws KernelException {
        Object v = fields.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Number n)) {
            throw wrongType(name, "a number of seconds", v);
        }
        // JSON has no infinity, but a number too large for a double (1e999) parses as one, and
        // BigDecimal cannot take it. Found by kmod4j-fuzz (JsonFuzzTest): it escaped as an
        // unchecked NumberFormatException.
        if (n instanceof Double d && !Double.isFinite(d) || n instanceof Float f && !Float.isFinite(f)) {
            throw fail("field '" + at(name) + "' must be a number of seconds from 0 to 10^9, not " + n);
        }
        BigDecimal s = n instanceof BigDecimal bd ? bd : new BigDecimal(n.toString());
        if (s.signum() < 0) {
            throw fail("field '" + at(name) + "' must not be negative: " + s.toPlainString());
        }
        if (s.compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0) {
            throw fail("field '" + at(name) + "' is more than 10^9 seconds: " + s.toPlainString());
        }
        return Optional.of(Duration.ofNanos(s.movePointRight(9).longValue()));
    }

    /** An optional object whose values are strings or {@code null}; empty when absent. Order kept. */
    public Map<String, String> stringMap(String name) throws KernelException {
        if (!has(name)) {
            return Map.of();
        }
        JsonObject o = object(name);
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : o.fields.entrySet()) {
            if (e.getKey().isEmpty()) {
                throw fail("field '" + at(name) + "' has an empty name");
            }
            Object v = e.getValue();
            if (v != null && !(v instanceof String)) {
                throw fail("field '" + o.at(e.getKey()) + "' must be a string or null, not " + typeOf(v));
            }
            out.put(e.getKey(), (String) v);
        }
        return out;
    }

    /** An optional array of strings; empty when absent. */
    public List<String> stringList(String name) throws KernelException {
        List<Object> items = list(name);
        List<String> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof String s)) {
                throw fail("field '" + at(name) + "[" + i + "]' must be a string, not " + typeOf(items.get(i)));
            }
            out.add(s);
        }
        return out;
    }

    /** A required nested object. */
    public JsonObject object(String name) throws KernelException {
        Object v = fields.get(name);
        if (v == null) {
            throw missing(name, "an object");
        }
        if (!(v instanceof Map)) {
            throw wrongType(name, "an object", v);
        }
        return of(v, at(name), errno);
    }

    /** An optional array of objects; empty when absent. */
    public List<JsonObject> objects(String name) throws KernelException {
        List<Object> items = list(name);
        List<JsonObject> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(of(items.get(i), at(name) + "[" + i + "]", errno));
        }
        return out;
    }

    /**
     * A required absolute file-system path. Relative paths are refused: the daemon's working
     * directory is not the client's, so the client resolves them.
     */
    public Path absolutePath(String name) throws KernelException {
        String s = string(name);
        Path p;
        try {
            p = Path.of(s);
        } catch (InvalidPathException e) {
            throw fail("field '" + at(name) + "' is not a valid path: " + e.getMessage());
        }
        if (s.isEmpty() || !p.isAbsolute()) {
            throw fail("field '" + at(name) + "' must be an absolute path, not '" + s + "'");
        }
        return p.normalize();
    }

    /** An optional absolute path. */
    public Optional<Path> optionalAbsolutePath(String name) throws KernelException {
        return has(name) ? Optional.of(absolutePath(name)) : Optional.empty();
    }

    /** A failure with this object's errno, for checks the accessors cannot express. */
    public KernelException fail(String sentence) {
        return new KernelException(errno, sentence);
    }

    /** The field's full path in messages: {@code args.name}. */
    public String at(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private List<Object> list(String name) throws KernelException {
        Object v = fields.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw wrongType(name, "an array", v);
        }
        @SuppressWarnings("unchecked")
        List<Object> items = (List<Object>) l;
        return items;
    }

    private KernelException missing(String name, String what) {
        return fields.containsKey(name)
                ? fail("field '" + at(name) + "' must be " + what + ", not null")
                : fail("field '" + at(name) + "' is missing; it must be " + what);
    }

    private KernelException wrongType(String name, String what, Object v) {
        return fail("field '" + at(name) + "' must be " + what + ", not " + typeOf(v));
    }

    /** The JSON type of a decoded value, with an article: "a string", "an array", "null". */
    static String typeOf(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof List) {
            return "an array";
        }
        if (v instanceof Map) {
            return "an object";
        }
        return "a " + v.getClass().getSimpleName();
    }
}
