package io.kmod4j.modpost;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * Where a diagnostic points: an element, optionally one of its annotations, and optionally one
 * value inside that annotation (an array element counts as a value of its own). javac turns the
 * most specific of the three into a source line.
 *
 * @param element the element; never null
 * @param annotation the annotation on it, or null to point at the element
 * @param value a value in {@code annotation} as written in the source, or null to point at the
 *     annotation (a value taken from the annotation type's default has no source position)
 */
record Site(Element element, AnnotationMirror annotation, AnnotationValue value) {

    /** Points at the element itself. */
    static Site of(Element element) {
        return new Site(element, null, null);
    }
}
