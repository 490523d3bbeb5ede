package io.kmod4j.modpost;

import static io.kmod4j.modpost.Javac.compile;
import static io.kmod4j.modpost.Javac.source;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import org.junit.jupiter.api.Test;

/** Classes generated in later rounds by other processors, and writing exactly once. */
class RoundsTest {

    /** Generates one source file per round, in rounds 1, 2, ..., then nothing. */
    private static final class Generator extends AbstractProcessor {
        private final List<String[]> files;
        private int round;

        /** {@code files}: class name, source text, one pair per round. */
        Generator(List<String[]> files) {
            this.files = files;
        }

        @Override
        public Set<String> getSupportedAnnotationTypes() {
            return Set.of("*");
        }

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return SourceVersion.latestSupported();
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment env) {
            if (env.processingOver() || round >= files.size()) {
                return false;
            }
            String[] file = files.get(round++);
            try (Writer w = processingEnv.getFiler().createSourceFile(file[0]).openWriter()) {
                w.write(file[1]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return false;
        }
    }

    private static final Javac.Source TRIGGER = source("t.Trigger", "package t; public class Trigger {}");

    @Test
    void entryClassGeneratedInALaterRoundIsFoundAndWrittenOnce() {
        Generator gen = new Generator(List.of(
                new String[] {"g.Filler", "package g; public class Filler {}"},
                new String[] {"g.Gen", """
                        package g;

                        @io.kmod4j.ModuleInfo(name = "gen", license = "GPL", exports = "g.api")
                        public class Gen implements io.kmod4j.Module {
                            @io.kmod4j.Param(defaultValue = "3") int n;
                            public void init(io.kmod4j.ModuleContext ctx) {}
                        }
                        """},
                new String[] {"g.api.Late", "package g.api; public interface Late {}"}));
        Javac.Result r = compile(List.of(TRIGGER), List.of(gen));

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.modinfo().orElseThrow())
                .startsWith("name=gen\nentry=g.Gen\nlicense=GPL\ndepends=\nexport=g.api\nparm=n:\n")
                .contains("parmdefault=n:3\n", "exit=false\n");
    }

    @Test
    void entryClassInTheFirstRoundAndAnotherInALaterRoundAreTwo() {
        Javac.Source first = source("a.A", """
                package a;

                @io.kmod4j.ModuleInfo(name = "a", license = "GPL")
                public class A implements io.kmod4j.Module {
                    public void init(io.kmod4j.ModuleContext ctx) {}
                }
                """);
        Generator gen = new Generator(List.<String[]>of(new String[] {"g.B", """
                package g;

                @io.kmod4j.ModuleInfo(name = "b", license = "GPL")
                public class B implements io.kmod4j.Module {
                    public void init(io.kmod4j.ModuleContext ctx) {}
                }
                """}));
        Javac.Result r = compile(List.of(first), List.of(gen));

        assertThat(r.errors()).extracting(Javac.Diag::message).containsExactly(
                "more than one class carries @ModuleInfo (a.A, g.B): a module has exactly one entry class",
                "more than one class carries @ModuleInfo (a.A, g.B): a module has exactly one entry class");
        assertThat(r.modinfo()).isEmpty();
    }

    @Test
    void manyRoundsAfterTheEntryStillWriteOnce() {
        Javac.Source entry = source("m.M", """
                package m;

                @io.kmod4j.ModuleInfo(name = "m", license = "GPL")
                public class M implements io.kmod4j.Module {
                    public void init(io.kmod4j.ModuleContext ctx) {}
                }
                """);
        Generator gen = new Generator(List.of(
                new String[] {"g.One", "package g; public class One {}"},
                new String[] {"g.Two", "package g; public class Two {}"},
                new String[] {"g.Three", "package g; public class Three {}"}));
        Javac.Result r = compile(List.of(entry), List.of(gen));

        // javac refuses a second createResource for the same file with a FilerException, which
        // modpost would report: no diagnostics means one write.
        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.modinfo().orElseThrow()).startsWith("name=m\n");
    }
}
