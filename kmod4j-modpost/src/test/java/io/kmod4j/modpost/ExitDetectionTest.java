package io.kmod4j.modpost;

import static io.kmod4j.modpost.Javac.compile;
import static io.kmod4j.modpost.Javac.source;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code exit=}: whether the entry class, or something it inherits other than Module, implements exit(). */
class ExitDetectionTest {

    private static String exitLine(String entryBody, String... extraSources) {
        List<Javac.Source> sources = new ArrayList<>();
        sources.add(source("m.M", """
                package m;

                import io.kmod4j.Module;
                import io.kmod4j.ModuleContext;

                @io.kmod4j.ModuleInfo(name = "m", license = "GPL")
                %s
                """.formatted(entryBody)));
        for (int i = 0; i < extraSources.length; i += 2) {
            sources.add(source(extraSources[i], extraSources[i + 1]));
        }
        Javac.Result r = compile(sources, List.of());
        assertThat(r.diagnostics()).isEmpty();
        return r.modinfo().orElseThrow().lines().filter(l -> l.startsWith("exit=")).findFirst().orElseThrow();
    }

    @Test
    void noOverrideIsAPermanentModule() {
        assertThat(exitLine("public class M implements Module { public void init(ModuleContext c) {} }"))
                .isEqualTo("exit=false");
    }

    @Test
    void ownOverrideCounts() {
        assertThat(exitLine("""
                public class M implements Module {
                    public void init(ModuleContext c) {}
                    public void exit() {}
                }"""))
                .isEqualTo("exit=true");
    }

    @Test
    void overloadNamedExitDoesNotCount() {
        assertThat(exitLine("""
                public class M implements Module {
                    public void init(ModuleContext c) {}
                    public void exit(int code) {}
                    public static void exit(String why) {}
                }"""))
                .isEqualTo("exit=false");
    }

    @Test
    void overrideInASuperclassCounts() {
        assertThat(exitLine("public class M extends m.Base { public void init(ModuleContext c) {} }",
                "m.Base", """
                        package m;
                        public abstract class Base implements io.kmod4j.Module {
                            @Override public void exit() {}
                        }
                        """))
                .isEqualTo("exit=true");
    }

    @Test
    void exitInASuperclassThatDoesNotItselfImplementModuleCounts() {
        assertThat(exitLine("public class M extends m.Stoppable implements Module { public void init(ModuleContext c) {} }",
                "m.Stoppable", """
                        package m;
                        public class Stoppable {
                            public void exit() {}
                        }
                        """))
                .isEqualTo("exit=true");
    }

    @Test
    void superclassWithoutOverrideDoesNotCount() {
        assertThat(exitLine("public class M extends m.Base { public void init(ModuleContext c) {} }",
                "m.Base", """
                        package m;
                        public abstract class Base implements io.kmod4j.Module {
                            public void helper() {}
                        }
                        """))
                .isEqualTo("exit=false");
    }

    @Test
    void defaultMethodInASubInterfaceOfModuleCounts() {
        assertThat(exitLine("public class M implements m.Stoppable { public void init(ModuleContext c) {} }",
                "m.Stoppable", """
                        package m;
                        public interface Stoppable extends io.kmod4j.Module {
                            @Override default void exit() {}
                        }
                        """))
                .isEqualTo("exit=true");
    }

    @Test
    void reabstractedExitImplementedByTheEntryCounts() {
        assertThat(exitLine("""
                public class M implements m.MustExit {
                    public void init(ModuleContext c) {}
                    public void exit() {}
                }""",
                "m.MustExit", """
                        package m;
                        public interface MustExit extends io.kmod4j.Module {
                            @Override void exit();
                        }
                        """))
                .isEqualTo("exit=true");
    }
}
