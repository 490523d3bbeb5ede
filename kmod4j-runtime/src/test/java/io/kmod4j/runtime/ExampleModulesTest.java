package io.kmod4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.runtime.testing.Examples;
import org.junit.jupiter.api.Test;

/** The origin question's two example modules, as Maven built them, load and unload cleanly. */
class ExampleModulesTest extends KernelTestBase {

    @Test
    void helloWithoutACompletionUnloadsWithNoLeaksAndACollectedLoader() throws Exception {
        ModInfo info = Kernel.modinfo(Examples.jar("hello"));
        assertThat(info.name()).isEqualTo("hello");
        assertThat(info.entry()).isEqualTo("io.kmod4j.examples.hello.Hello");
        kernel.insmod(Examples.jar("hello"));
        UnloadReport r = kernel.rmmod("hello");
        assertThat(r.clean()).as(r.format()).isTrue();
        assertThat(dmesg()).contains("hello: Hello World").contains("hello: Bye World");
    }

    @Test
    void helloCompletionUnloadsWithNoLeaksAndACollectedLoaderAndItsThreadRanFirst() throws Exception {
        kernel.insmod(Examples.jar("hello-completion"));
        UnloadReport r = kernel.rmmod("hello_completion");
        assertThat(r.clean()).as(r.format()).isTrue();
        assertThat(r.stopped()).as("exit() waited for the thread itself").isEmpty();
        String log = dmesg();
        assertThat(log).contains("hello_completion: In threadFn function");
        assertThat(log.indexOf("In threadFn function")).isLessThan(log.indexOf("Bye World"));
    }

    @Test
    void bothTogetherAndAgainAndAgain() throws Exception {
        for (int i = 0; i < 5; i++) {
            kernel.insmod(Examples.jar("hello"));
            kernel.insmod(Examples.jar("hello-completion"));
            assertThat(kernel.lsmod()).extracting(ModuleStatus::name).containsExactly("hello_completion", "hello");
            assertThat(kernel.rmmod("hello").clean()).isTrue();
            assertThat(kernel.rmmod("hello_completion").clean()).isTrue();
        }
    }
}
