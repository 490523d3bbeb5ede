package io.kmod4j.modpost;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.PackageElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Reads and checks {@code @ModuleInfo} ({@code MODULE_LICENSE}, {@code MODULE_AUTHOR},
 * {@code MODULE_FIRMWARE}, {@code MODULE_ALIAS}...). Every error points at the value that
 * causes it; all values are checked, not just the first bad one.
 */
final class ModuleInfoCheck {

    /** {@code @ModuleInfo}'s values, as they go into {@code modinfo}. */
    record Header(
            String name,
            String license,
            String version,
            String description,
            List<String> authors,
            List<String> depends,
            List<String> exports,
            List<String> firmware,
            List<String> aliases) {}

    private final Elements elements;
    private final Report report;

    ModuleInfoCheck(Elements elements, Report report) {
        this.elements = elements;
        this.report = report;
    }

    /**
     * Checks each value: the name matches {@code [A-Za-z0-9_-]{1,56}}; the license is not blank;
     * no value holds a line break or NUL; no author is empty; each {@code depends} entry is a
     * module name, not this module's, listed once; each export is a package name, listed once,
     * of a package that has classes in this compilation; each alias is non-empty without
     * whitespace, listed once; each firmware name is non-empty, relative, without a {@code ..}
     * component, listed once. The values are meaningful only if no error was reported.
     */
    Header read(AnnotationReader info) {
        AnnotationReader.Item name = info.item("name");
        if (Checks.singleLine(report, name, "name") && !Checks.MODULE_NAME.matcher(name.value()).matches()) {
            report.error(name.site(), "module name " + Checks.quote(name.value()) + " is not valid: use "
                    + Checks.MODULE_NAME_RULE);
        }
        AnnotationReader.Item license = info.item("license");
        if (Checks.singleLine(report, license, "license") && license.value().isBlank()) {
            report.error(license.site(), "license must not be empty (MODULE_LICENSE): it decides whether"
                    + " loading the module taints the kernel");
        }
        AnnotationReader.Item version = info.item("version");
        Checks.singleLine(report, version, "version");
        AnnotationReader.Item description = info.item("description");
        Checks.singleLine(report, description, "description");
        List<String> authors = authors(info.strings("author"));
        List<String> depends = depends(info.strings("depends"), name.value());
        List<String> exports = exports(info.strings("exports"));
        List<String> firmware = firmware(info.strings("firmware"));
        List<String> aliases = aliases(info.strings("aliases"));
        return new Header(name.value(), license.value(), version.value(),
                description.value(), authors, depends, exports, firmware, aliases);
    }

    private List<String> authors(List<AnnotationReader.Item> items) {
        List<String> out = new ArrayList<>();
        for (AnnotationReader.Item a : items) {
            if (Checks.singleLine(report, a, "author") && a.value().isBlank()) {
                report.error(a.site(), "author must not be empty");
            }
            out.add(a.value());
        }
        return out;
    }

    private List<String> depends(List<AnnotationReader.Item> items, String self) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (AnnotationReader.Item d : items) {
            String v = d.value();
            if (!Checks.singleLine(report, d, "depends entry")) {
                continue;
            }
            if (!Checks.MODULE_NAME.matcher(v).matches()) {
                report.error(d.site(), "depends entry " + Checks.quote(v) + " is not a valid module name: use "
                        + Checks.MODULE_NAME_RULE);
            } else if (v.equals(self)) {
                report.error(d.site(), "module " + Checks.quote(v) + " cannot depend on itself");
            } else if (!seen.add(v)) {
                report.error(d.site(), "depends lists " + Checks.quote(v) + " twice");
            }
            out.add(v);
        }
        return out;
    }

    private List<String> exports(List<AnnotationReader.Item> items) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (AnnotationReader.Item e : items) {
            String v = e.value();
            if (!Checks.singleLine(report, e, "export")) {
                continue;
            }
            if (!SourceVersion.isName(v)) {
                report.error(e.site(), "export " + Checks.quote(v) + " is not a valid package name");
            } else if (!hasTypes(v)) {
                report.error(e.site(), "export " + Checks.quote(v) + " names no package with classes in this"
                        + " compilation");
            } else if (!seen.add(v)) {
                report.error(e.site(), "exports list " + Checks.quote(v) + " twice");
            }
            out.add(v);
        }
        return out;
    }

    private boolean hasTypes(String packageName) {
        PackageElement p = elements.getPackageElement(packageName);
        return p != null && !ElementFilter.typesIn(p.getEnclosedElements()).isEmpty();
    }

    private List<String> firmware(List<AnnotationReader.Item> items) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (AnnotationReader.Item f : items) {
            String v = f.value();
            if (!Checks.singleLine(report, f, "firmware name")) {
                continue;
            }
            if (v.isEmpty()) {
                report.error(f.site(), "firmware name must not be empty");
            } else if (v.startsWith("/")) {
                report.error(f.site(), "firmware name " + Checks.quote(v)
                        + " must be relative: it is looked up under the firmware search path");
            } else if (List.of(v.split("/", -1)).contains("..")) {
                report.error(f.site(), "firmware name " + Checks.quote(v)
                        + " must not contain a '..' component: it would leave the firmware search path");
            } else if (!seen.add(v)) {
                report.error(f.site(), "firmware lists " + Checks.quote(v) + " twice");
            }
            out.add(v);
        }
        return out;
    }

    private List<String> aliases(List<AnnotationReader.Item> items) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (AnnotationReader.Item a : items) {
            String v = a.value();
            if (!Checks.singleLine(report, a, "alias")) {
                continue;
            }
            if (v.isEmpty()) {
                report.error(a.site(), "alias must not be empty");
            } else if (v.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
                report.error(a.site(), "alias " + Checks.quote(v) + " must not contain whitespace");
            } else if (!seen.add(v)) {
                report.error(a.site(), "aliases list " + Checks.quote(v) + " twice");
            }
            out.add(v);
        }
        return out;
    }
}
