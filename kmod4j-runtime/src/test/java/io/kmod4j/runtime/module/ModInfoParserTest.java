package io.kmod4j.runtime.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.runtime.ModInfo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModInfoParserTest {

    private static final Path JAR = Path.of("m.jar");
    private static final String MINIMAL = "name=m\nentry=a.B\nlicense=GPL\nvermagic=kmod4j-api 0.1\n";

    @Test
    void aFullFileParsesWithParamsCombinedByName() throws Exception {
        ModInfo i = ModInfoParser.parse(JAR, MINIMAL + """
                # a comment
                version=1.2
                author=A
                author=B
                depends=x,y
                export=a.api
                firmware=m.bin
                alias=of:acme,m
                parm=count:how many
                parmtype=count:array of int
                parmdefault=count:1,2
                parmperm=count:0644
                parmfield=count:counts
                exit=false
                future=kept
                """);
        assertThat(i.authors()).containsExactly("A", "B");
        assertThat(i.depends()).containsExactly("x", "y");
        assertThat(i.hasExit()).isFalse();
        assertThat(i.params()).singleElement().satisfies(p -> {
            assertThat(p.type()).isEqualTo("array of int");
            assertThat(p.defaultValue()).isEqualTo("1,2");
            assertThat(p.perm()).isEqualTo(0644);
            assertThat(p.field()).isEqualTo("counts");
            assertThat(p.writable()).isTrue();
        });
        assertThat(i.raw()).anyMatch(e -> e.getKey().equals("future"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "name=m\\nentry=a.B\\nlicense=GPL\\n|required key 'vermagic' is missing",
            "name=bad name\\nentry=a.B\\nlicense=GPL\\nvermagic=v\\n|line 1: name 'bad name'",
            "name=m\\nentry=1x\\nlicense=GPL\\nvermagic=v\\n|line 2: entry '1x' is not a class name",
            "name=m\\nname=n\\nentry=a.B\\nlicense=GPL\\nvermagic=v\\n|key 'name' appears more than once",
            "no equals sign|line 1: expected key=value",
            "name=m\\nentry=a.B\\nlicense=GPL\\nvermagic=v\\ndepends=a,,b\\n|line 5: depends entry ''",
            "name=m\\nentry=a.B\\nlicense=GPL\\nvermagic=v\\nparm=p:desc\\n|parameter 'p' has no parmtype",
            "name=m\\nentry=a.B\\nlicense=GPL\\nvermagic=v\\nparmtype=p:float\\n|unknown parameter type 'float'",
            "name=m\\nentry=a.B\\nlicense=GPL\\nvermagic=v\\nparmtype=p:int\\nparmperm=p:9z\\n|perm '9z' is not octal",
            "name=m\\nentry=a.B\\nlicense=GPL\\nvermagic=v\\nexit=maybe\\n|exit must be true or false",
    })
    void everyMistakeIsEnoexecNamingFileLineAndKey(String text, String expected) {
        assertThatThrownBy(() -> ModInfoParser.parse(JAR, text.replace("\\n", "\n")))
                .isInstanceOfSatisfying(KernelException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENOEXEC);
                    assertThat(e.getMessage()).startsWith("m.jar: META-INF/kmod4j/modinfo").contains(expected);
                });
    }
}
