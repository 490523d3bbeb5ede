package io.kmod4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.ModuleRef;
import io.kmod4j.Taint;
import io.kmod4j.runtime.ModuleState;
import java.util.concurrent.CountDownLatch;
import kmodtest.cli.hello.Hello;
import kmodtest.cli.permanent.Permanent;
import kmodtest.cli.stubborn.Stubborn;
import org.junit.jupiter.api.Test;

class RmmodTest extends CliTestBase {

    @Test
    void printsTheUnloadReport() throws Exception {
        kernel.insmod(jar("hello", Hello.class));
        Run r = kmod4j("rmmod", "hello");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.outWithoutTimes()).isEqualTo(cleanReport("hello"));
        assertThat(kernel.lsmod()).isEmpty();
    }

    @Test
    void quietPrintsNothingAndSeveralNamesGoInTurn() throws Exception {
        kernel.insmod(jar("hello", Hello.class));
        kernel.insmod(fwcoreJar());
        assertThat(kmod4j("rmmod", "-q", "hello", "fwcore")).isEqualTo(new Run(0, "", ""));
        assertThat(kernel.lsmod()).isEmpty();
    }

    @Test
    void jsonPrintsOneReportPerLine() throws Exception {
        kernel.insmod(jar("hello", Hello.class));
        Run r = kmod4j("rmmod", "--json", "hello");
        assertThat(r.code()).isZero();
        assertThat(r.out().replaceAll("\"(\\w+)Nanos\":\\d+", "\"$1Nanos\":N")).isEqualTo(
                "{\"module\":\"hello\",\"version\":\"\",\"outcome\":\"UNLOADED\",\"exitNanos\":N,\"stopNanos\":N,\"scanNanos\":N,"
                        + "\"verifyNanos\":N,\"totalNanos\":N,\"stopped\":[],\"leaks\":[],\"pins\":[],\"loader\":\"COLLECTED\","
                        + "\"jarReleased\":true,\"taints\":\"\",\"clean\":true}\n");
    }

    @Test
    void aModuleNotLoadedIsEnoentAndTheOthersAreStillRemoved() throws Exception {
        kernel.insmod(jar("hello", Hello.class));
        Run r = kmod4j("rmmod", "ghost", "hello");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("rmmod: ERROR: Module ghost is not currently loaded (ENOENT)\n");
        assertThat(r.outWithoutTimes()).isEqualTo(cleanReport("hello"));
    }

    @Test
    void aModuleInUseByAnotherIsEwouldblockInKmodsWordsEvenWhenForced() throws Exception {
        kernel.insmod(fwcoreJar());
        kernel.insmod(fwuserJar());
        assertThat(kmod4j("rmmod", "fwcore"))
                .isEqualTo(new Run(1, "", "rmmod: ERROR: Module fwcore is in use by: fwuser (EWOULDBLOCK)\n"));
        assertThat(kmod4j("rmmod", "-f", "fwcore"))
                .isEqualTo(new Run(1, "", "rmmod: ERROR: Module fwcore is in use by: fwuser (EWOULDBLOCK)\n"));
        assertThat(kernel.lsmod()).hasSize(2);
    }

    @Test
    void aReferencedModuleIsEwouldblockUntilTheReferenceIsDropped() throws Exception {
        kernel.insmod(jar("hello", Hello.class));
        ModuleRef ref = kernel.tryGetModule("hello").orElseThrow();
        assertThat(kmod4j("rmmod", "hello"))
                .isEqualTo(new Run(1, "", "rmmod: ERROR: Module hello is in use (refcount 1) (EWOULDBLOCK)\n"));
        ref.close();
        assertThat(kmod4j("rmmod", "-q", "hello").code()).isZero();
    }

    @Test
    void aPermanentModuleIsEbusyUnlessForced() throws Exception {
        kernel.insmod(jar("permanent", Permanent.class));
        Run r = kmod4j("rmmod", "permanent");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("rmmod: ERROR: Module permanent ").contains("permanent").endsWith(" (EBUSY)\n");
        Run forced = kmod4j("rmmod", "--force", "permanent");
        assertThat(forced.code()).isZero();
        assertThat(forced.out()).startsWith("rmmod permanent: forced out in ").contains("  taints: R\n");
        assertThat(kernel.taints()).contains(Taint.FORCED_RMMOD);
    }

    @Test
    void aThreadIgnoringStopIsEtimedoutTheModuleStaysUnloadingAndForceTaints() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        System.getProperties().put("kmodtest.cli.stubborn.gate", gate);
        System.getProperties().put("kmodtest.cli.stubborn.started", started);
        try {
            kernel.insmod(jar("stubborn", Stubborn.class));
            // A stop that came before the function's first run would win (-EINTR) and rmmod succeed.
            started.await();
            Run r = kmod4j("rmmod", "--wait", "0.2", "stubborn");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).startsWith("rmmod: ERROR: could not remove module stubborn: ")
                    .contains("stubborn-thread").contains("still running after 200 ms").endsWith(" (ETIMEDOUT)\n");
            assertThat(kernel.status("stubborn").orElseThrow().state()).isEqualTo(ModuleState.GOING);
            assertThat(kmod4j("lsmod").out()).contains("\nstubborn ").contains(" [Unloading]\n");

            Run forced = kmod4j("rmmod", "-f", "-w", "0.1", "stubborn");
            assertThat(forced.code()).isZero();
            assertThat(forced.out()).startsWith("rmmod stubborn: forced out in ")
                    .contains("class loader: NOT collected: module code is still reachable; tainted Z");
            // Z: code may still run. (The runtime adds R only when the force came before the timeout.)
            assertThat(kmod4j("lsmod").out()).matches("(?s)Module {18}Size  Used by\nUnloaded tainted modules: stubborn\\(R?Z\\):1\n");
        } finally {
            gate.countDown();
            System.getProperties().remove("kmodtest.cli.stubborn.gate");
            System.getProperties().remove("kmodtest.cli.stubborn.started");
        }
    }

    @Test
    void aPathInsteadOfANameAndANegativeWaitAreUsageErrors() {
        assertThat(kmod4j("rmmod", "/x/hello.jar")).isEqualTo(new Run(2, "", """
                rmmod: ERROR: '/x/hello.jar' is a path; rmmod takes module names, as lsmod shows them
                Try 'kmod4j rmmod --help' for more information.
                """));
        Run r = kmod4j("rmmod", "--wait", "-1", "hello");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("rmmod: ERROR: Invalid value for option '--wait': '-1' is negative\n");
        assertThat(kmod4j("rmmod", "--wait", "soon", "hello").err())
                .startsWith("rmmod: ERROR: Invalid value for option '--wait': 'soon' is not a number of seconds\n");
        assertThat(kmod4j("rmmod").err()).startsWith("rmmod: ERROR: Missing required parameter: 'NAME'\n");
    }
}
