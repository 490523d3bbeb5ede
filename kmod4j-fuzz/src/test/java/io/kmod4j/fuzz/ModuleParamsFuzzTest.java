package io.kmod4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.runtime.ModInfo;
import io.kmod4j.runtime.module.ModInfoParser;
import io.kmod4j.runtime.module.ParamType;
import io.kmod4j.runtime.module.ParamValues;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Module parameters: the types a module declares and the values {@code insmod NAME=VALUE} or a
 * control-socket client gives ({@link ParamValues#resolve}, {@link ParamType}).
 *
 * <p>Invariants: a bad value is {@code EINVAL} from {@code resolve} and
 * {@link IllegalArgumentException} from {@link ParamType#parse}, nothing else; a value that was
 * accepted stays in its C type's range, and what {@code /sys/module/X/parameters/P} would show
 * ({@link ParamValues#get}) reads back to the same value, so a parameter can be copied from one
 * load to the next.
 */
class ModuleParamsFuzzTest {

    private static final Path FILE = Path.of("/fuzz/params.jar");
    private static final String HEADER = "name=fuzz\nentry=fuzz.Fuzz\nlicense=GPL\nvermagic=kmod4j-api 0.1\n";

    /**
     * Record 0: the module's parameter declarations ({@code parm*} lines of its modinfo); each
     * further record: one {@code NAME=VALUE} (or a bare {@code NAME}) from the command line.
     */
    @FuzzTest
    @DictionaryEntries({"parmtype=", "parmdefault=", "parm=", "array of ", "int", "uint", "ulong", "long", "hexint",
            "short", "ushort", "byte", "bool", "invbool", "charp", "0x", "-", "18446744073709551615",
            "9223372036854775808"})
    void resolve(byte[] input) throws Exception {
        List<byte[]> records = Frames.split(input);
        if (records.isEmpty()) {
            return;
        }
        ModInfo info;
        try {
            info = ModInfoParser.parse(FILE, HEADER + new String(records.get(0), StandardCharsets.UTF_8));
        } catch (KernelException e) {
            return; // declarations the parser refuses never reach resolve
        }
        Map<String, String> given = new LinkedHashMap<>();
        for (byte[] r : records.subList(1, records.size())) {
            String arg = new String(r, StandardCharsets.UTF_8);
            int eq = arg.indexOf('=');
            given.put(eq < 0 ? arg : arg.substring(0, eq), eq < 0 ? null : arg.substring(eq + 1));
        }
        List<String> warnings = new ArrayList<>();
        ParamValues values;
        try {
            values = ParamValues.resolve(info, given, warnings::add);
        } catch (KernelException e) {
            assertThat(e.errno()).as(e.getMessage()).isEqualTo(Errno.EINVAL);
            return;
        }
        long unknown = given.keySet().stream().filter(k -> info.param(k).isEmpty()).count();
        assertThat(warnings).hasSize((int) unknown);
        for (ModInfo.ParamInfo p : info.params()) {
            checkValue(values, p);
        }
    }

    /** Byte 0 picks the type (bit 7: a bare name, i.e. no value); the rest is the value text. */
    @FuzzTest
    void parseValue(byte[] input) {
        if (input.length == 0) {
            return;
        }
        ParamType type = ParamType.values()[(input[0] & 0x7F) % ParamType.values().length];
        String text = (input[0] & 0x80) != 0 ? null : new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        Object value;
        try {
            value = type.parse(text);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(type.parse(type.show(value))).as("%s %s shown as '%s'", type, value, type.show(value))
                .isEqualTo(value);
    }

    /** A type name: known ones parse and print back to themselves. */
    @FuzzTest
    void parseTypeName(byte[] input) {
        String name = new String(input, StandardCharsets.UTF_8);
        ParamType.Spec spec;
        try {
            spec = ParamType.parseTypeName(name);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(ParamType.parseTypeName(spec.linuxName())).isEqualTo(spec);
    }

    private static void checkValue(ParamValues values, ModInfo.ParamInfo p) {
        ParamType.Spec spec = ParamType.parseTypeName(p.type());
        ParamType t = spec.type();
        String shown = values.get(p.name());
        if (spec.array()) {
            List<String> elements = values.getArray(p.name());
            assertThat(elements.size()).isLessThanOrEqualTo(ParamType.MAX_ARRAY);
            for (String e : elements) {
                assertThat(t.show(t.parse(e))).as("array element '%s' of %s", e, p.name()).isEqualTo(e);
            }
            return;
        }
        switch (t) {
            case BOOL, INVBOOL -> assertThat(t.parse(shown)).isEqualTo(values.getBool(p.name()));
            case CHARP -> {
                assertThat(values.getString(p.name())).isEqualTo(shown).hasSizeLessThanOrEqualTo(ParamType.MAX_STRING);
            }
            default -> {
                long v = values.getLong(p.name());
                assertThat(t.parse(shown)).as("%s %s shown as '%s'", t, p.name(), shown).isEqualTo(v);
            }
        }
    }
}
