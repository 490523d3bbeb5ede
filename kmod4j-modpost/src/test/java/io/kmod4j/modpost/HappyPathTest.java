package io.kmod4j.modpost;

import static io.kmod4j.modpost.Javac.compile;
import static io.kmod4j.modpost.Javac.source;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Modules that pass every check, and the exact modinfo written for them. */
class HappyPathTest {

    private static final String VERMAGIC = "vermagic=kmod4j-api " + OwnVersion.majorMinor().orElseThrow() + "\n";

    @Test
    void fullModuleWithEveryKeyAndEveryParameterType() {
        Javac.Result r = compile(source("io.example.hello.Hello", """
                package io.example.hello;

                import io.kmod4j.Module;
                import io.kmod4j.ModuleContext;
                import io.kmod4j.ModuleInfo;
                import io.kmod4j.Param;

                @ModuleInfo(
                    name = "hello-world_2",
                    license = "GPL",
                    version = "1.0",
                    description = "The classic sample: a one-shot kthread, no completion",
                    author = {"kmod4j team", "Ada <ada@example.org>"},
                    depends = {"base", "util_x"},
                    exports = {"io.example.hello.api", "io.example.hello"},
                    firmware = {"hello/fw-1.bin", "hello.bin"},
                    aliases = {"of:kmod4j,hello", "hello-alias"})
                public class Hello implements Module {
                    @Param(description = "how many greetings", defaultValue = "1")
                    int count;
                    @Param(name = "verbose", description = "say more: a=b, c:d", defaultValue = "on", perm = 0644)
                    static boolean loud;
                    @Param(type = "invbool", defaultValue = "n")
                    boolean quiet;
                    @Param(defaultValue = "255") byte level;
                    @Param(defaultValue = "-32768") short offset;
                    @Param(type = "ushort", defaultValue = "65535") short port;
                    @Param(defaultValue = "+2147483647") int most;
                    @Param(type = "uint", defaultValue = "4294967295") int mask;
                    @Param(type = "hexint", defaultValue = "0xdeadBEEF", perm = 0600) int flags;
                    @Param(defaultValue = "-9223372036854775808") long big;
                    @Param(type = "ulong", defaultValue = "18446744073709551615") long huge;
                    @Param(description = "who to greet", defaultValue = "world, and all") String who;
                    @Param(defaultValue = "1,0x2,010") int[] ids;
                    @Param(type = "uint") int[] masks;
                    @Param(type = "array of ulong", defaultValue = "0") long[] sizes;
                    @Param(defaultValue = "y,n,on") boolean[] switches;
                    @Param(defaultValue = "a,,b") String[] names;
                    @Param(perm = 0) short[] hidden;
                    @Param(defaultValue = "7") byte[] bytes;
                    int notAParameter;

                    public Hello() {}

                    @Override
                    public void init(ModuleContext ctx) {}

                    @Override
                    public void exit() {}
                }
                """), source("io.example.hello.api.Api", """
                package io.example.hello.api;

                public interface Api {}
                """));

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.success()).isTrue();
        assertThat(r.modinfo()).hasValue("""
                name=hello-world_2
                entry=io.example.hello.Hello
                license=GPL
                version=1.0
                description=The classic sample: a one-shot kthread, no completion
                author=kmod4j team
                author=Ada <ada@example.org>
                depends=base,util_x
                export=io.example.hello.api
                export=io.example.hello
                firmware=hello/fw-1.bin
                firmware=hello.bin
                alias=of:kmod4j,hello
                alias=hello-alias
                parm=count:how many greetings
                parmtype=count:int
                parmdefault=count:1
                parmperm=count:0444
                parmfield=count:count
                parm=verbose:say more: a=b, c:d
                parmtype=verbose:bool
                parmdefault=verbose:on
                parmperm=verbose:0644
                parmfield=verbose:loud
                parm=quiet:
                parmtype=quiet:invbool
                parmdefault=quiet:n
                parmperm=quiet:0444
                parmfield=quiet:quiet
                parm=level:
                parmtype=level:byte
                parmdefault=level:255
                parmperm=level:0444
                parmfield=level:level
                parm=offset:
                parmtype=offset:short
                parmdefault=offset:-32768
                parmperm=offset:0444
                parmfield=offset:offset
                parm=port:
                parmtype=port:ushort
                parmdefault=port:65535
                parmperm=port:0444
                parmfield=port:port
                parm=most:
                parmtype=most:int
                parmdefault=most:+2147483647
                parmperm=most:0444
                parmfield=most:most
                parm=mask:
                parmtype=mask:uint
                parmdefault=mask:4294967295
                parmperm=mask:0444
                parmfield=mask:mask
                parm=flags:
                parmtype=flags:hexint
                parmdefault=flags:0xdeadBEEF
                parmperm=flags:0600
                parmfield=flags:flags
                parm=big:
                parmtype=big:long
                parmdefault=big:-9223372036854775808
                parmperm=big:0444
                parmfield=big:big
                parm=huge:
                parmtype=huge:ulong
                parmdefault=huge:18446744073709551615
                parmperm=huge:0444
                parmfield=huge:huge
                parm=who:who to greet
                parmtype=who:charp
                parmdefault=who:world, and all
                parmperm=who:0444
                parmfield=who:who
                parm=ids:
                parmtype=ids:array of int
                parmdefault=ids:1,0x2,010
                parmperm=ids:0444
                parmfield=ids:ids
                parm=masks:
                parmtype=masks:array of uint
                parmdefault=masks:
                parmperm=masks:0444
                parmfield=masks:masks
                parm=sizes:
                parmtype=sizes:array of ulong
                parmdefault=sizes:0
                parmperm=sizes:0444
                parmfield=sizes:sizes
                parm=switches:
                parmtype=switches:array of bool
                parmdefault=switches:y,n,on
                parmperm=switches:0444
                parmfield=switches:switches
                parm=names:
                parmtype=names:array of charp
                parmdefault=names:a,,b
                parmperm=names:0444
                parmfield=names:names
                parm=hidden:
                parmtype=hidden:array of short
                parmdefault=hidden:
                parmperm=hidden:0000
                parmfield=hidden:hidden
                parm=bytes:
                parmtype=bytes:array of byte
                parmdefault=bytes:7
                parmperm=bytes:0444
                parmfield=bytes:bytes
                exit=true
                """ + VERMAGIC);
    }

    @Test
    void minimalModuleHasEmptyDependsAndNoOptionalKeys() {
        Javac.Result r = compile(source("hello.Hello", """
                package hello;

                @io.kmod4j.ModuleInfo(name = "hello", license = "GPL")
                public class Hello implements io.kmod4j.Module {
                    public void init(io.kmod4j.ModuleContext ctx) {}
                }
                """));

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.modinfo()).hasValue("""
                name=hello
                entry=hello.Hello
                license=GPL
                depends=
                exit=false
                """ + VERMAGIC);
    }

    @Test
    void theDocumentedExampleIsReproducedExactly() {
        Javac.Result r = compile(source("io.kmod4j.examples.hello.Hello", """
                package io.kmod4j.examples.hello;

                import io.kmod4j.Module;
                import io.kmod4j.ModuleContext;
                import io.kmod4j.ModuleInfo;
                import io.kmod4j.Param;

                @ModuleInfo(name = "hello", license = "GPL", version = "1.0",
                        description = "The classic sample: a one-shot kthread, no completion",
                        author = "kmod4j team")
                public final class Hello implements Module {
                    @Param(description = "how many greetings", defaultValue = "1")
                    private int count;

                    @Override
                    public void init(ModuleContext ctx) {}

                    @Override
                    public void exit() {}
                }
                """));

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.modinfo()).hasValue("""
                name=hello
                entry=io.kmod4j.examples.hello.Hello
                license=GPL
                version=1.0
                description=The classic sample: a one-shot kthread, no completion
                author=kmod4j team
                depends=
                parm=count:how many greetings
                parmtype=count:int
                parmdefault=count:1
                parmperm=count:0444
                parmfield=count:count
                exit=true
                vermagic=kmod4j-api 0.1
                """.replace("vermagic=kmod4j-api 0.1\n", VERMAGIC));
    }

    @Test
    void publicStaticNestedEntryIsNamedByItsBinaryName() {
        Javac.Result r = compile(source("outer.Outer", """
                package outer;

                public class Outer {
                    @io.kmod4j.ModuleInfo(name = "nested", license = "MIT")
                    public static class Inner implements io.kmod4j.Module {
                        public void init(io.kmod4j.ModuleContext ctx) {}
                    }
                }
                """));

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.modinfo().orElseThrow()).contains("entry=outer.Outer$Inner\n");
    }

    @Test
    void unicodeValuesAreWrittenAsUtf8() {
        Javac.Result r = compile(source("m.M", """
                package m;

                @io.kmod4j.ModuleInfo(name = "m", license = "GPL", description = "Grüße, 世界",
                        author = "Zoë")
                public class M implements io.kmod4j.Module {
                    public void init(io.kmod4j.ModuleContext ctx) {}
                }
                """));

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.modinfo().orElseThrow()).contains("description=Grüße, 世界\nauthor=Zoë\n");
    }

    @Test
    void compilationWithoutEitherAnnotationWritesNothing() {
        Javac.Result r = compile(source("lib.Util", """
                package lib;

                public class Util implements io.kmod4j.Module {
                    public void init(io.kmod4j.ModuleContext ctx) {}
                }
                """));

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.success()).isTrue();
        assertThat(r.modinfo()).isEmpty();
    }
}
