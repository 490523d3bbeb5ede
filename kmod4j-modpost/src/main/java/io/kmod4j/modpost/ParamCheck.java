package io.kmod4j.modpost;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Reads and checks the {@code @Param} fields of the entry class ({@code module_param},
 * {@code module_param_array}, {@code MODULE_PARM_DESC}), with Linux's build-time rules: the type
 * fits the field, the default parses as {@code insmod} would parse it, the permissions pass
 * {@code VERIFY_OCTAL_PERMISSIONS}.
 */
final class ParamCheck {

    /** A parameter's Linux type, and whether it is an array of it ({@code module_param_array}). */
    private record Typed(ParamType type, boolean array) {
        /** As {@code parmtype} shows it: {@code "uint"}, {@code "array of uint"}. */
        String parmtype() {
            return (array ? ParamType.ARRAY_OF : "") + type.linuxName();
        }
    }

    /** A parameter name: a C identifier, as {@code module_param}'s name is. */
    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Elements elements;
    private final Report report;

    ParamCheck(Elements elements, Report report) {
        this.elements = elements;
        this.report = report;
    }

    /**
     * The entry class's parameters in field declaration order. Fields that fail a check are
     * reported and left out; the caller writes nothing when the error count has grown.
     */
    List<Modinfo.Parm> read(TypeElement entry) {
        List<Modinfo.Parm> out = new ArrayList<>();
        Map<String, VariableElement> byName = new HashMap<>();
        for (VariableElement field : ElementFilter.fieldsIn(entry.getEnclosedElements())) {
            AnnotationReader.find(field, ModpostProcessor.PARAM, elements)
                    .flatMap(p -> read(field, p, byName))
                    .ifPresent(out::add);
        }
        return out;
    }

    private Optional<Modinfo.Parm> read(VariableElement field, AnnotationReader p, Map<String, VariableElement> byName) {
        int before = report.errors();
        String fieldName = field.getSimpleName().toString();
        if (field.getModifiers().contains(Modifier.FINAL)) {
            report.error(Site.of(field), "@Param field " + fieldName
                    + " must not be final: the runtime sets it at load time");
        }
        String name = name(field, p, byName);
        AnnotationReader.Item description = p.item("description");
        Checks.singleLine(report, description, "parameter description");
        Optional<Carrier.FieldType> fieldType = Carrier.of(field.asType());
        if (fieldType.isEmpty()) {
            report.error(Site.of(field), "@Param field " + fieldName + " has type " + field.asType()
                    + ": a parameter is a boolean, byte, short, int, long or String,"
                    + " or a one-dimensional array of one of them");
        }
        Optional<Typed> type = fieldType.flatMap(ft -> type(ft, p, fieldName));
        AnnotationReader.Item defaultValue = p.item("defaultValue");
        if (Checks.singleLine(report, defaultValue, "default value") && type.isPresent()) {
            checkDefault(defaultValue, type.get());
        }
        int perm = p.integer("perm").orElse(0444);
        SysfsPerm.problem(perm).ifPresent(problem -> report.error(p.site("perm"), problem));
        if (report.errors() != before) {
            return Optional.empty();
        }
        return Optional.of(new Modinfo.Parm(name, description.value(), type.orElseThrow().parmtype(),
                defaultValue.value(), perm, fieldName));
    }

    private String name(VariableElement field, AnnotationReader p, Map<String, VariableElement> byName) {
        AnnotationReader.Item written = p.item("name");
        boolean fromField = written.value().isEmpty();
        String name = fromField ? field.getSimpleName().toString() : written.value();
        Site at = fromField ? Site.of(field) : written.site();
        if (!PARAM_NAME.matcher(name).matches()) {
            report.error(at, "parameter name " + Checks.quote(name) + " is not valid: use a C identifier"
                    + " ([A-Za-z_][A-Za-z0-9_]*)" + (fromField ? ", or give one with @Param(name = ...)" : ""));
        } else {
            VariableElement other = byName.putIfAbsent(name, field);
            if (other != null) {
                report.error(at, "parameter name " + Checks.quote(name) + " is already used by field "
                        + other.getSimpleName());
            }
        }
        return name;
    }

    /** The field's Linux type, or empty after reporting why it has none. */
    private Optional<Typed> type(Carrier.FieldType ft, AnnotationReader p, String fieldName) {
        AnnotationReader.Item written = p.item("type");
        String text = written.value();
        String elementText = text;
        if (text.startsWith(ParamType.ARRAY_OF)) {
            if (!ft.array()) {
                report.error(written.site(), "type " + Checks.quote(text) + " needs an array field, not the "
                        + ft.carrier().javaName() + " field " + fieldName);
                return Optional.empty();
            }
            elementText = text.substring(ParamType.ARRAY_OF.length());
        }
        ParamType type;
        if (text.isEmpty()) {
            type = ParamType.natural(ft.carrier());
        } else {
            Optional<ParamType> named = ParamType.byLinuxName(elementText);
            if (named.isEmpty()) {
                report.error(written.site(), "unknown parameter type " + Checks.quote(text) + ": use one of "
                        + ParamType.allNames());
                return Optional.empty();
            }
            type = named.get();
            if (type.carrier() != ft.carrier()) {
                report.error(written.site(), "type " + Checks.quote(text) + " does not fit the "
                        + ft.carrier().javaName() + (ft.array() ? "[]" : "") + " field " + fieldName
                        + ", which takes " + ParamType.namesFor(ft.carrier()));
                return Optional.empty();
            }
        }
        return Optional.of(new Typed(type, ft.array()));
    }

    /**
     * Parses the default as {@code param_set_<type>} (or, for arrays, {@code param_array_set}:
     * comma-separated, every element parsed) would. Empty means the type's zero.
     */
    private void checkDefault(AnnotationReader.Item defaultValue, Typed typed) {
        String text = defaultValue.value();
        if (text.isEmpty()) {
            return;
        }
        if (!typed.array()) {
            typed.type().problem(text)
                    .ifPresent(problem -> report.error(defaultValue.site(), "default value " + problem));
            return;
        }
        String[] elements = text.split(",", -1);
        for (int i = 0; i < elements.length; i++) {
            Optional<String> problem = typed.type().problem(elements[i]);
            if (problem.isPresent()) {
                report.error(defaultValue.site(), "default value " + Checks.quote(text) + ", element " + (i + 1)
                        + ": " + problem.get());
                return;
            }
        }
    }
}
