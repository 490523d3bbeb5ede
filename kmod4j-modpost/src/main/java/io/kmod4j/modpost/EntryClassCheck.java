package io.kmod4j.modpost;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks that the {@code @ModuleInfo} class is one the runtime can instantiate as a module, and
 * tells whether it overrides {@code Module.exit()} ({@code module_exit}).
 */
final class EntryClassCheck {

    private final Elements elements;
    private final Types types;
    private final Report report;
    private final TypeElement module;

    /**
     * @param module {@code io.kmod4j.Module} as this compilation sees it
     */
    EntryClassCheck(Elements elements, Types types, Report report, TypeElement module) {
        this.elements = elements;
        this.types = types;
        this.report = report;
        this.module = module;
    }

    /**
     * Reports every way {@code entry} falls short of a module class: not a class, not public,
     * an inner (non-static) class, nested in a non-public class, abstract, not implementing
     * {@code io.kmod4j.Module}, no public no-argument constructor. Errors point at the class.
     *
     * @return whether it passed
     */
    boolean check(TypeElement entry) {
        int before = report.errors();
        Site at = Site.of(entry);
        String what = "@ModuleInfo class " + entry.getQualifiedName();
        if (entry.getKind() != ElementKind.CLASS && entry.getKind() != ElementKind.RECORD) {
            report.error(at, what + " must be a class, not " + kindName(entry.getKind())
                    + ": the runtime instantiates it");
            return false;
        }
        if (!entry.getModifiers().contains(Modifier.PUBLIC)) {
            report.error(at, what + " must be public: the runtime instantiates it from outside its package");
        }
        checkNesting(entry, at, what);
        if (entry.getModifiers().contains(Modifier.ABSTRACT)) {
            report.error(at, what + " must not be abstract: the runtime instantiates it");
        }
        if (!implementsModule(entry)) {
            report.error(at, what + " must implement io.kmod4j.Module");
        }
        // The implicit constructor of a non-public class is not public either; making the class
        // public, already reported, fixes both.
        boolean publicNoArg = ElementFilter.constructorsIn(entry.getEnclosedElements()).stream()
                .anyMatch(c -> c.getParameters().isEmpty() && (c.getModifiers().contains(Modifier.PUBLIC)
                        || elements.getOrigin(c) == Elements.Origin.MANDATED));
        if (!publicNoArg) {
            report.error(at, what + " needs a public no-argument constructor: the runtime creates the module with it");
        }
        return report.errors() == before;
    }

    /**
     * Whether {@code entry}, or a class or interface it inherits from other than
     * {@code io.kmod4j.Module}, implements {@code Module.exit()}: a module without it is
     * permanent. Call only on a class that passed {@link #check}.
     */
    boolean overridesExit(TypeElement entry) {
        Optional<ExecutableElement> moduleExit = ElementFilter.methodsIn(module.getEnclosedElements()).stream()
                .filter(EntryClassCheck::isExit).findFirst();
        if (moduleExit.isEmpty()) {
            return false;
        }
        Deque<TypeMirror> todo = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        todo.add(entry.asType());
        while (!todo.isEmpty()) {
            TypeMirror t = todo.removeFirst();
            if (!(types.asElement(t) instanceof TypeElement type)
                    || type.getQualifiedName().contentEquals(module.getQualifiedName())
                    || !seen.add(type.getQualifiedName().toString())) {
                continue;
            }
            for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
                if (isExit(m) && !m.getModifiers().contains(Modifier.ABSTRACT)
                        && !m.getModifiers().contains(Modifier.STATIC)
                        && elements.overrides(m, moduleExit.get(), entry)) {
                    return true;
                }
            }
            todo.addAll(types.directSupertypes(t));
        }
        return false;
    }

    private void checkNesting(TypeElement entry, Site at, String what) {
        Element enclosing = entry.getEnclosingElement();
        if (enclosing instanceof TypeElement && !entry.getModifiers().contains(Modifier.STATIC)) {
            report.error(at, what + " must be static: an inner class cannot be created without an"
                    + " instance of " + ((TypeElement) enclosing).getQualifiedName());
        }
        for (Element e = enclosing; e instanceof TypeElement outer; e = outer.getEnclosingElement()) {
            if (!outer.getModifiers().contains(Modifier.PUBLIC)) {
                report.error(at, what + " is nested in " + outer.getQualifiedName()
                        + ", which is not public: the runtime cannot reach it");
            }
        }
    }

    private boolean implementsModule(TypeElement entry) {
        if (types.isAssignable(types.erasure(entry.asType()), types.erasure(module.asType()))) {
            return true;
        }
        // A supertype javac could not resolve is reported by javac itself; do not add noise.
        return hasErroneousSupertype(entry.asType(), new HashSet<>());
    }

    private boolean hasErroneousSupertype(TypeMirror t, Set<String> seen) {
        if (!(types.asElement(t) instanceof TypeElement type) || !seen.add(type.getQualifiedName().toString())) {
            return false;
        }
        List<TypeMirror> supertypes = new ArrayList<>(type.getInterfaces());
        supertypes.add(type.getSuperclass());
        for (TypeMirror s : supertypes) {
            if (s.getKind() == TypeKind.ERROR || hasErroneousSupertype(s, seen)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isExit(ExecutableElement m) {
        return m.getSimpleName().contentEquals("exit") && m.getParameters().isEmpty();
    }

    private static String kindName(ElementKind kind) {
        return switch (kind) {
            case ANNOTATION_TYPE -> "an annotation type";
            case INTERFACE -> "an interface";
            case ENUM -> "an enum";
            default -> kind.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
