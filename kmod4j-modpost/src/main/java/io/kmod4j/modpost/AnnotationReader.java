package io.kmod4j.modpost;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * Reads one annotation on one element through its mirror, with the annotation type's defaults
 * filled in, and knows where each value was written so errors can point at it.
 *
 * <p>Reading through mirrors rather than {@code Element.getAnnotation(Class)} uses the annotation
 * type on the module's own class path, whatever kmod4j-api version the processor path carries.
 * A value javac could not evaluate (it has already reported why) reads as empty.
 */
final class AnnotationReader {

    /** A string value with the place it was written. */
    record Item(String value, Site site) {}

    private final Element element;
    private final AnnotationMirror mirror;
    private final Map<String, AnnotationValue> values = new HashMap<>();
    private final Map<String, AnnotationValue> written = new HashMap<>();

    private AnnotationReader(Element element, AnnotationMirror mirror, Elements elements) {
        this.element = element;
        this.mirror = mirror;
        elements.getElementValuesWithDefaults(mirror).forEach((k, v) -> values.put(name(k), v));
        mirror.getElementValues().forEach((k, v) -> written.put(name(k), v));
    }

    /**
     * The annotation of type {@code annotationName} (a canonical name) on {@code element}.
     *
     * @return the reader, or empty when the element does not carry that annotation
     */
    static Optional<AnnotationReader> find(Element element, String annotationName, Elements elements) {
        for (AnnotationMirror m : element.getAnnotationMirrors()) {
            Element type = m.getAnnotationType().asElement();
            if (type instanceof TypeElement te && te.getQualifiedName().contentEquals(annotationName)) {
                return Optional.of(new AnnotationReader(element, m, elements));
            }
        }
        return Optional.empty();
    }

    /** Points at the annotation as a whole. */
    Site site() {
        return new Site(element, mirror, null);
    }

    /** Points at {@code member}'s value if it was written, else at the annotation. */
    Site site(String member) {
        return new Site(element, mirror, written.get(member));
    }

    /** A {@code String} member's value; empty when javac could not evaluate it. */
    String string(String member) {
        AnnotationValue v = values.get(member);
        return v != null && v.getValue() instanceof String s ? s : "";
    }

    /** A {@code String} member as an {@link Item}. */
    Item item(String member) {
        return new Item(string(member), site(member));
    }

    /** An {@code int} member's value, or empty when javac could not evaluate it. */
    Optional<Integer> integer(String member) {
        AnnotationValue v = values.get(member);
        return v != null && v.getValue() instanceof Integer i ? Optional.of(i) : Optional.empty();
    }

    /**
     * A {@code String[]} member's elements in source order, each pointing at its own array
     * element when written ({@code {"a", "b"}} or the single-element shorthand {@code "a"}).
     */
    List<Item> strings(String member) {
        List<Item> items = new ArrayList<>();
        AnnotationValue v = values.get(member);
        if (v == null || !(v.getValue() instanceof List<?> list)) {
            return items;
        }
        boolean wasWritten = written.containsKey(member);
        for (Object o : list) {
            if (o instanceof AnnotationValue av && av.getValue() instanceof String s) {
                Site at = wasWritten ? new Site(element, mirror, av) : site(member);
                items.add(new Item(s, at));
            }
        }
        return items;
    }

    private static String name(ExecutableElement member) {
        return member.getSimpleName().toString();
    }
}
