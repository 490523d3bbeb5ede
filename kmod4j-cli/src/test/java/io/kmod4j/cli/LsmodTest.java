package io.kmod4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import kmodtest.cli.hello.Hello;
import org.junit.jupiter.api.Test;

class LsmodTest extends CliTestBase {

    @Test
    void noModulesIsTheHeaderAlone() {
        assertThat(kmod4j("lsmod")).isEqualTo(new Run(0, "Module                  Size  Used by\n", ""));
    }

    @Test
    void listsModulesMostRecentFirstInKmodsColumnsWithHolders() throws Exception {
        Path core = fwcoreJar();
        Path user = fwuserJar();
        Path hello = jar("a_module_with_a_very_long_name", Hello.class);
        kernel.insmod(core);
        kernel.insmod(user);
        kernel.insmod(hello);
        assertThat(kmod4j("lsmod")).isEqualTo(new Run(0, String.format("""
                Module                  Size  Used by
                a_module_with_a_very_long_name %8d  0
                fwuser              %8d  0
                fwcore              %8d  1 fwuser
                """, Files.size(hello), Files.size(user), Files.size(core)), ""));
    }

    @Test
    void jsonHasModulesTaintsAndUnloadedTaintedModules() throws Exception {
        Path core = fwcoreJar();
        kernel.insmod(core);
        kernel.insmod(fwuserJar());
        String fwuserSize = Long.toString(Files.size(modules.resolve("fwuser.jar")));
        assertThat(kmod4j("lsmod", "--json")).isEqualTo(new Run(0, "{\"modules\":["
                + "{\"name\":\"fwuser\",\"size\":" + fwuserSize + ",\"refcount\":0,\"usedBy\":[],\"state\":\"Live\",\"version\":\"\","
                + "\"params\":{},\"owned\":[],\"taints\":\"\"},"
                + "{\"name\":\"fwcore\",\"size\":" + Files.size(core) + ",\"refcount\":1,\"usedBy\":[\"fwuser\"],\"state\":\"Live\","
                + "\"version\":\"\",\"params\":{},\"owned\":[],\"taints\":\"\"}],"
                + "\"taints\":\"\",\"unloadedTainted\":[]}\n", ""));
    }
}
