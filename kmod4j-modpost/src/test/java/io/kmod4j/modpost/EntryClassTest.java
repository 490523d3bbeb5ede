package io.kmod4j.modpost;

import static io.kmod4j.modpost.Javac.compile;
import static io.kmod4j.modpost.Javac.source;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which classes may carry {@code @ModuleInfo}, and the errors for those that may not. */
class EntryClassTest {

    private static Javac.Source entry(String declaration, String body) {
        return source("e.E", """
                package e;

                import io.kmod4j.*;
                import io.kmod4j.Module;

                @ModuleInfo(name = "e", license = "GPL")
                %s {
                %s
                }
                """.formatted(declaration, body));
    }

    private static final String INIT = "    public void init(ModuleContext ctx) {}";

    private static void assertSingleError(Javac.Result r, Javac.Source s, String marker, String message) {
        assertThat(r.errorLines()).containsExactly(s.lineOf(marker) + ": " + message);
        assertThat(r.success()).isFalse();
        assertThat(r.modinfo()).isEmpty();
    }

    @Test
    void packagePrivateClassIsRefused() {
        Javac.Source s = entry("class E implements Module", INIT);
        assertSingleError(compile(s), s, "class E", "@ModuleInfo class e.E must be public: the runtime"
                + " instantiates it from outside its package");
    }

    @Test
    void abstractClassIsRefused() {
        Javac.Source s = entry("public abstract class E implements Module", INIT);
        assertSingleError(compile(s), s, "class E", "@ModuleInfo class e.E must not be abstract: the runtime"
                + " instantiates it");
    }

    @Test
    void classNotImplementingModuleIsRefused() {
        Javac.Source s = entry("public class E", INIT);
        assertSingleError(compile(s), s, "class E", "@ModuleInfo class e.E must implement io.kmod4j.Module");
    }

    @Test
    void classWithoutPublicNoArgumentConstructorIsRefused() {
        Javac.Source s = entry("public class E implements Module", INIT + "\n    public E(int x) {}\n    E() {}");
        assertSingleError(compile(s), s, "class E", "@ModuleInfo class e.E needs a public no-argument"
                + " constructor: the runtime creates the module with it");
    }

    @Test
    void interfaceIsRefused() {
        Javac.Source s = entry("public interface E extends Module", "");
        assertSingleError(compile(s), s, "interface E", "@ModuleInfo class e.E must be a class, not an"
                + " interface: the runtime instantiates it");
    }

    @Test
    void enumIsRefused() {
        Javac.Source s = entry("public enum E implements Module", "    A;\n" + INIT);
        assertSingleError(compile(s), s, "enum E", "@ModuleInfo class e.E must be a class, not an enum:"
                + " the runtime instantiates it");
    }

    @Test
    void recordWithNoComponentsIsAccepted() {
        Javac.Source s = entry("public record E() implements Module", INIT);
        Javac.Result r = compile(s);
        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.modinfo().orElseThrow()).startsWith("name=e\nentry=e.E\n");
    }

    @Test
    void innerClassIsRefused() {
        Javac.Source s = source("o.Outer", """
                package o;

                public class Outer {
                    @io.kmod4j.ModuleInfo(name = "o", license = "GPL")
                    public class Inner implements io.kmod4j.Module {
                        public void init(io.kmod4j.ModuleContext ctx) {}
                    }
                }
                """);
        assertSingleError(compile(s), s, "class Inner", "@ModuleInfo class o.Outer.Inner must be static: an"
                + " inner class cannot be created without an instance of o.Outer");
    }

    @Test
    void classNestedInNonPublicClassIsRefused() {
        Javac.Source s = source("o.Outer", """
                package o;

                public class Outer {
                    static class Middle {
                        @io.kmod4j.ModuleInfo(name = "o", license = "GPL")
                        public static class Inner implements io.kmod4j.Module {
                            public void init(io.kmod4j.ModuleContext ctx) {}
                        }
                    }
                }
                """);
        assertSingleError(compile(s), s, "class Inner", "@ModuleInfo class o.Outer.Middle.Inner is nested in"
                + " o.Outer.Middle, which is not public: the runtime cannot reach it");
    }

    @Test
    void everyShortcomingIsReported() {
        Javac.Source s = entry("abstract class E", "    E(int x) {}");
        Javac.Result r = compile(s);
        long line = s.lineOf("abstract class E");
        assertThat(r.errorLines()).containsExactly(
                line + ": @ModuleInfo class e.E must be public: the runtime instantiates it from outside its package",
                line + ": @ModuleInfo class e.E must not be abstract: the runtime instantiates it",
                line + ": @ModuleInfo class e.E must implement io.kmod4j.Module",
                line + ": @ModuleInfo class e.E needs a public no-argument constructor: the runtime creates the"
                        + " module with it");
    }

    @Test
    void twoAnnotatedClassesAreAnErrorNamingBothOnEach() {
        Javac.Source a = source("a.A", """
                package a;

                @io.kmod4j.ModuleInfo(name = "a", license = "GPL")
                public class A implements io.kmod4j.Module {
                    public void init(io.kmod4j.ModuleContext ctx) {}
                }
                """);
        Javac.Source b = source("b.B", """
                package b;

                public class B implements io.kmod4j.Module {
                    public void init(io.kmod4j.ModuleContext ctx) {}

                    @io.kmod4j.ModuleInfo(name = "b", license = "GPL")
                    public static class C implements io.kmod4j.Module {
                        public void init(io.kmod4j.ModuleContext ctx) {}
                    }
                }
                """);
        Javac.Result r = compile(a, b);

        String message = "more than one class carries @ModuleInfo (a.A, b.B.C): a module has exactly one entry class";
        assertThat(r.errors()).containsExactly(
                new Javac.Diag(javax.tools.Diagnostic.Kind.ERROR, "/a/A.java", a.lineOf("@io.kmod4j.ModuleInfo"),
                        message),
                new Javac.Diag(javax.tools.Diagnostic.Kind.ERROR, "/b/B.java", b.lineOf("@io.kmod4j.ModuleInfo"),
                        message));
        assertThat(r.modinfo()).isEmpty();
    }

    @Test
    void unresolvedSupertypeIsLeftToJavac() {
        Javac.Source s = entry("public class E implements Missing", INIT);
        Javac.Result r = compile(s);
        assertThat(r.errors()).extracting(Javac.Diag::message)
                .singleElement().asString().startsWith("cannot find symbol");
    }

    @Test
    void ambiguousModuleImportIsLeftToJavac() {
        // import io.kmod4j.* makes "Module" ambiguous with java.lang.Module: javac says so, modpost adds nothing.
        Javac.Source s = source("e.E", """
                package e;

                import io.kmod4j.*;

                @ModuleInfo(name = "e", license = "GPL")
                public class E implements Module {
                    public void init(ModuleContext ctx) {}
                }
                """);
        Javac.Result r = compile(s);
        assertThat(r.errors()).extracting(Javac.Diag::message)
                .singleElement().asString().startsWith("reference to Module is ambiguous");
    }

    @Test
    void errorsInOtherSourcesDoNotStopTheChecks() {
        Javac.Source s = entry("public class E", INIT);
        Javac.Source broken = source("x.X", "package x; public class X { int f = \"no\"; }");
        List<String> errors = compile(List.of(s, broken), List.of()).errorLines();
        assertThat(errors).contains(s.lineOf("public class E") + ": @ModuleInfo class e.E must implement"
                + " io.kmod4j.Module");
    }
}
