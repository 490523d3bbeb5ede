package io.kmod4j.modpost;

import java.util.Optional;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;

/**
 * The Java field types that can hold a module parameter, and the element type of an array
 * parameter ({@code module_param_array}).
 */
enum Carrier {
    BOOLEAN("boolean"),
    BYTE("byte"),
    SHORT("short"),
    INT("int"),
    LONG("long"),
    STRING("String");

    /** A field's type as a parameter sees it: its carrier, and whether it is an array of it. */
    record FieldType(Carrier carrier, boolean array) {}

    private final String javaName;

    Carrier(String javaName) {
        this.javaName = javaName;
    }

    /** The type as a Java source would spell it. */
    String javaName() {
        return javaName;
    }

    /**
     * Classifies a field type.
     *
     * @return the carrier and array-ness, or empty for any other type (boxed, {@code char},
     *     {@code float}, {@code double}, other classes, arrays of arrays)
     */
    static Optional<FieldType> of(TypeMirror type) {
        if (type instanceof ArrayType at) {
            return scalar(at.getComponentType()).map(c -> new FieldType(c, true));
        }
        return scalar(type).map(c -> new FieldType(c, false));
    }

    private static Optional<Carrier> scalar(TypeMirror type) {
        return switch (type.getKind()) {
            case BOOLEAN -> Optional.of(BOOLEAN);
            case BYTE -> Optional.of(BYTE);
            case SHORT -> Optional.of(SHORT);
            case INT -> Optional.of(INT);
            case LONG -> Optional.of(LONG);
            case DECLARED -> ((DeclaredType) type).asElement() instanceof TypeElement te
                    && te.getQualifiedName().contentEquals("java.lang.String")
                    ? Optional.of(STRING) : Optional.empty();
            default -> Optional.empty();
        };
    }
}
