package io.kmod4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.runtime.control.Json;
import io.kmod4j.runtime.control.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The control protocol's parsing layer on its own: {@link Json#parse} and every typed accessor of
 * {@link JsonObject} (what each op uses to read its {@code args}), and every {@code Json.decode*}
 * (what {@code kmod4j} uses to read the daemon's replies).
 *
 * <p>Invariants, as {@link JsonObject} documents them: every accessor returns a value of its type
 * or throws a {@link KernelException} with the errno the object was wrapped with, never an
 * unchecked exception; every decoder fails with {@code EPROTO}, nothing else.
 */
class JsonFuzzTest {

    /** Accessors and decoders, each applied to one object and one field name. */
    private interface Probe {
        void run(JsonObject o, String field) throws KernelException;
    }

    private static final List<Probe> ACCESSORS = List.of(
            JsonObject::string, JsonObject::optionalString, JsonObject::bool, (o, f) -> o.bool(f, true),
            JsonObject::integer, (o, f) -> o.integer(f, 7), JsonObject::seconds, JsonObject::stringMap,
            JsonObject::stringList, JsonObject::object, JsonObject::objects, JsonObject::absolutePath,
            JsonObject::optionalAbsolutePath, (o, f) -> o.onlyFields(List.of(f)));

    private static final List<Probe> DECODERS = List.of(
            (o, f) -> Json.decodeModuleStatus(o), (o, f) -> Json.decodeLsmod(o), (o, f) -> Json.decodeUnloadReport(o),
            (o, f) -> Json.decodeModInfo(o), (o, f) -> Json.decodeLogRecord(o), (o, f) -> Json.decodeDepmod(o),
            (o, f) -> Json.decodeDeviceStatus(o), (o, f) -> Json.decodeUploadStatus(o),
            (o, f) -> Json.decodePendingFallback(o), (o, f) -> Json.decodeHeldImage(o),
            (o, f) -> Json.decodeUploadResult(o));

    @FuzzTest
    @DictionaryEntries({"{\"", "\":", "\"name\":", "\"size\":", "\"state\":\"Live\"", "\"taints\":", "\"params\":",
            "\"stopped\":[", "\"leaks\":[", "\"pins\":[", "\"outcome\":\"UNLOADED\"", "\"loader\":", "\"file\":",
            "\"perm\":\"0444\"", "\"raw\":[[", "\"level\":\"err\"", "\"dir\":", "\"progress\":\"idle\"", "\"upload\":{",
            "\"errno\":\"EIO\"", "\"timeout\":", "1e999", "-1", "9223372036854775808", "null", "true", "\"\\u0000\"",
            "\\u0000", "\\ud800", "\\n", "\\\"", "/", "..", "0.5", "-0", "[]", "{}"})
    void accessorsAndDecoders(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Object value;
        try {
            value = Json.parse(text, "reply", Errno.EPROTO);
        } catch (KernelException e) {
            assertThat(e.errno()).isEqualTo(Errno.EPROTO);
            return;
        }
        JsonObject o;
        try {
            o = JsonObject.of(value, "result", Errno.EPROTO);
        } catch (KernelException e) {
            assertThat(value instanceof Map).as("refused a JSON object").isFalse();
            assertThat(e.errno()).isEqualTo(Errno.EPROTO);
            return;
        }
        probe(o, 0);
        for (Probe d : DECODERS) {
            expectOnlyKernelException(d, o, "");
        }
    }

    /** Every accessor on every field (and one missing field), then the same one level down. */
    private static void probe(JsonObject o, int depth) {
        Set<String> fields = new LinkedHashSet<>(o.names());
        fields.add("missing");
        for (String f : fields) {
            for (Probe a : ACCESSORS) {
                expectOnlyKernelException(a, o, f);
            }
            if (depth < 2) {
                try {
                    probe(o.object(f), depth + 1);
                } catch (KernelException notAnObject) {
                    // covered above
                }
            }
        }
    }

    private static void expectOnlyKernelException(Probe p, JsonObject o, String field) {
        try {
            p.run(o, field);
        } catch (KernelException e) {
            assertThat(e.errno()).as(e.getMessage()).isEqualTo(Errno.EPROTO);
            assertThat(e.getMessage()).isNotNull();
        }
    }
}
