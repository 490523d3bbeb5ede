package io.kmod4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.ModuleRef;
import io.kmod4j.Taint;
import io.kmod4j.runtime.UnloadReport.LoaderVerdict;
import io.kmod4j.runtime.testing.Shared;
import io.kmod4j.runtime.testing.TestJars;
import io.kmod4j.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import kmodtest.completion.HelloCompletion;
import kmodtest.crashinit.CrashInit;
import kmodtest.exithang.ExitHang;
import kmodtest.failinit.FailInit;
import kmodtest.fwcore.FwCore;
import kmodtest.fwuser.FwUser;
import kmodtest.hello.Hello;
import kmodtest.isolation.Isolation;
import kmodtest.params.Params;
import kmodtest.permanent.Permanent;
import kmodtest.refholder.RefHolder;
import kmodtest.stubborn.Stubborn;
import kmodtest.worker.Worker;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ModuleLifecycleTest extends KernelTestBase {

    private static KernelException errno(Errno expected, Throwable t) {
        assertThat(t).isInstanceOf(KernelException.class);
        KernelException e = (KernelException) t;
        assertThat(e.errno()).as(e.getMessage()).isEqualTo(expected);
        return e;
    }

    @Nested
    class TheOriginQuestion {
        @Test
        void theNaiveHelloModuleWithNoCompletionUnloadsCleanly() throws Exception {
            ModuleStatus s = kernel.insmod(jar("hello", Hello.class));
            assertThat(s.state()).isEqualTo(ModuleState.LIVE);
            UnloadReport r = kernel.rmmod("hello");
            assertThat(r.loader()).isEqualTo(LoaderVerdict.COLLECTED);
            assertThat(r.leaks()).isEmpty();
            assertThat(r.pins()).isEmpty();
            assertThat(r.clean()).as(r.format()).isTrue();
            assertThat(dmesg()).contains("hello: Hello World").contains("hello: Bye World");
            assertThat(kernel.lsmod()).isEmpty();
            assertThat(kernel.taints()).isEmpty();
        }

        @Test
        void theCompletionAnswerUnloadsCleanlyAndItsThreadRanBeforeExitReturned() throws Exception {
            kernel.insmod(jar("hello_completion", HelloCompletion.class));
            UnloadReport r = kernel.rmmod("hello_completion");
            assertThat(r.clean()).as(r.format()).isTrue();
            assertThat(r.stopped()).as("exit() waited for its own thread").isEmpty();
            String log = dmesg();
            assertThat(log).contains("hello_completion: In threadFn function");
            assertThat(log.indexOf("In threadFn function")).isLessThan(log.indexOf("Bye World"));
        }
    }

    @Nested
    class Insmod {
        @Test
        void aDuplicateNameIsEexist() throws Exception {
            Path j = jar("hello", Hello.class);
            kernel.insmod(j);
            errno(Errno.EEXIST, catchThrowable(() -> kernel.insmod(j)));
            assertThat(kernel.lsmod()).hasSize(1);
        }

        @Test
        void aMissingFileIsEnoentAndNotAModuleIsEnoexec() throws Exception {
            errno(Errno.ENOENT, catchThrowable(() -> kernel.insmod(dir.resolve("nope.jar"))));
            Path junk = dir.resolve("junk.jar");
            Files.writeString(junk, "not a zip");
            assertThat(errno(Errno.ENOEXEC, catchThrowable(() -> kernel.insmod(junk))).getMessage()).contains("junk.jar");
            Path plain = dir.resolve("plain.jar");
            try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(plain))) {
                out.putNextEntry(new java.util.jar.JarEntry("a.txt"));
                out.write(1);
            }
            assertThat(errno(Errno.ENOEXEC, catchThrowable(() -> kernel.insmod(plain))).getMessage())
                    .contains("META-INF/kmod4j/modinfo");
        }

        @Test
        void aModuleBuiltForAnotherApiIsEnoexec() throws Exception {
            Path j = TestJars.module("hello", Hello.class).vermagic("kmod4j-api 9.9").writeTo(dir, "old.jar");
            assertThat(errno(Errno.ENOEXEC, catchThrowable(() -> kernel.insmod(j))).getMessage())
                    .contains("disagrees about version");
        }

        @Test
        void paramsOfEveryKindReachFieldsAndContext() throws Exception {
            Path j = TestJars.module("params", Params.class)
                    .param("count", "int", "3", 0444, "count")
                    .param("greeting", "charp", "hi", 0644, "greeting")
                    .param("verbose", "bool", "n", 0444, "verbose")
                    .param("big", "ulong", "0", 0444, "big")
                    .param("small", "short", "-7", 0444, "small")
                    .param("tiny", "byte", "0x10", 0444, "tiny")
                    .param("ports", "array of int", "69,6969", 0444, "ports")
                    .param("mask", "hexint", "0", 0444, "mask")
                    .writeTo(dir, "params.jar");
            Map<String, String> given = new LinkedHashMap<>();
            given.put("count", "010");
            given.put("verbose", null);
            given.put("mask", "0xff");
            given.put("bogus", "1");
            ModuleStatus s = kernel.insmod(j, given);
            assertThat(dmesg())
                    .contains("params: count=8 greeting=hi verbose=true big=0 small=-7 tiny=16 ports=[69, 6969] mask=255")
                    .contains("params: ctx count=8 greeting=hi verbose=true ports=[69, 6969] mask=0xff")
                    .contains("params: unknown parameter 'bogus' ignored");
            assertThat(s.params()).containsEntry("verbose", "Y").containsEntry("ports", "69,6969");
        }

        @Test
        void anInvalidParamValueIsEinvalNamingTheParam() throws Exception {
            Path j = TestJars.module("params", Params.class)
                    .param("count", "int", "3", 0444, "count")
                    .writeTo(dir, "params.jar");
            KernelException e = errno(Errno.EINVAL, catchThrowable(() -> kernel.insmod(j, Map.of("count", "three"))));
            assertThat(e.getMessage()).contains("count").contains("three");
            errno(Errno.EINVAL, catchThrowable(() -> kernel.insmod(j, Map.of("count", "99999999999"))));
            assertThat(kernel.lsmod()).isEmpty();
            kernel.insmod(j, Map.of("count", "-5"));
        }

        @Test
        void aFailedInitFailsWithItsErrnoNeverCallsExitAndLeavesNothingBehind() throws Exception {
            KernelException e = errno(Errno.ENODEV, catchThrowable(() -> kernel.insmod(jar("failinit", FailInit.class))));
            assertThat(e.getMessage()).contains("no device found");
            assertThat(kernel.lsmod()).isEmpty();
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("failinit-"));
            assertThat(dmesg()).doesNotContain("exit must never run").contains("init failed");
            kernel.insmod(jar("hello", Hello.class));
            assertThat(kernel.status("hello")).isPresent();
        }

        @Test
        void aCrashingInitIsEfaultAndAnOops() throws Exception {
            errno(Errno.EFAULT, catchThrowable(() -> kernel.insmod(jar("crashinit", CrashInit.class))));
            assertThat(dmesg()).contains("Oops: unhandled java.lang.NullPointerException in init of module crashinit");
            assertThat(kernel.taints()).contains(Taint.DIE);
            assertThat(kernel.lsmod()).isEmpty();
        }

        @Test
        void anExitThatThrowsAnUnprintableExceptionIsAnOopsAndTheUnloadStillCompletes() throws Exception {
            kernel.insmod(jar("unprintable", kmodtest.unprintable.UnprintableExit.class));
            UnloadReport r = kernel.rmmod("unprintable");
            assertThat(r.loader()).isEqualTo(LoaderVerdict.COLLECTED);
            assertThat(kernel.lsmod()).isEmpty();
            assertThat(kernel.taints()).contains(Taint.DIE);
            assertThat(dmesg()).contains("in exit of module unprintable")
                    .contains("its toString() threw java.lang.UnsupportedOperationException");
        }

        @Test
        void aProprietaryLicenceTaintsP() throws Exception {
            kernel.insmod(TestJars.module("hello", Hello.class).license("Proprietary").writeTo(dir, "p.jar"));
            assertThat(kernel.taints()).contains(Taint.PROPRIETARY_MODULE);
            assertThat(dmesg()).contains("module license 'Proprietary' taints kernel");
        }
    }

    @Nested
    class Isolation {
        @Test
        void aModuleSeesTheJdkTheApiAndItsOwnJarOnly() throws Exception {
            Path j = TestJars.module("isolation", kmodtest.isolation.Isolation.class)
                    .bundle("kmodtest.bundled.lib").writeTo(dir, "isolation.jar");
            kernel.insmod(j);
            assertThat(dmesg())
                    .contains("hidden io.kmod4j.runtime.Kernel")
                    .contains("hidden io.kmod4j.internal.Ownership")
                    .contains("hidden io.kmod4j.runtime.testing.Shared")
                    .contains("hidden org.junit.jupiter.api.Test")
                    .contains("visible java.sql.Connection")
                    .contains("visible io.kmod4j.kthread.KThread (loader app)")
                    .contains("visible kmodtest.bundled.lib.Library (loader kmod4j:isolation#")
                    .contains("context loader is mine: true")
                    .contains("resource: true");
            assertThat(kernel.rmmod("isolation").clean()).isTrue();
        }

        @Test
        void exportedPackagesReachDependentsAndPrivateOnesDoNot() throws Exception {
            kernel.insmod(TestJars.module("fwcore", FwCore.class).export("kmodtest.fwcore.api").writeTo(dir, "fwcore.jar"));
            kernel.insmod(TestJars.module("fwuser", FwUser.class).depends("fwcore").writeTo(dir, "fwuser.jar"));
            assertThat(dmesg()).contains("fwuser: fwcore greets fwuser").contains("fwcore's private classes are hidden");
        }
    }

    @Nested
    class RefcountsAndDependencies {
        @Test
        void aDependencyMustBeLoadedFirst() throws Exception {
            Path user = TestJars.module("fwuser", FwUser.class).depends("fwcore").writeTo(dir, "fwuser.jar");
            KernelException e = errno(Errno.ENOENT, catchThrowable(() -> kernel.insmod(user)));
            assertThat(e.getMessage()).contains("Unknown symbol").contains("fwcore");
        }

        @Test
        void rmmodOfAModuleInUseIsEwouldblockWithKmodsWordingEvenWhenForced() throws Exception {
            kernel.insmod(TestJars.module("fwcore", FwCore.class).export("kmodtest.fwcore.api").writeTo(dir, "fwcore.jar"));
            kernel.insmod(TestJars.module("fwuser", FwUser.class).depends("fwcore").writeTo(dir, "fwuser.jar"));
            ModuleStatus core = kernel.status("fwcore").orElseThrow();
            assertThat(core.usedBy()).containsExactly("fwuser");
            assertThat(core.refcount()).isEqualTo(1);
            KernelException e = errno(Errno.EWOULDBLOCK, catchThrowable(() -> kernel.rmmod("fwcore")));
            assertThat(e.getMessage()).isEqualTo("Module fwcore is in use by: fwuser");
            errno(Errno.EWOULDBLOCK, catchThrowable(() -> kernel.rmmod("fwcore", RmmodOptions.defaults().withForce(true))));
            assertThat(kernel.rmmod("fwuser").clean()).isTrue();
            assertThat(kernel.status("fwcore").orElseThrow().refcount()).isZero();
            assertThat(kernel.rmmod("fwcore").clean()).isTrue();
        }

        @Test
        void aHeldReferenceBlocksRmmodUntilDroppedOrForced() throws Exception {
            kernel.insmod(jar("hello", Hello.class));
            ModuleRef ref = kernel.tryGetModule("hello").orElseThrow();
            assertThat(kernel.status("hello").orElseThrow().refcount()).isEqualTo(1);
            KernelException e = errno(Errno.EWOULDBLOCK, catchThrowable(() -> kernel.rmmod("hello")));
            assertThat(e.getMessage()).contains("Module hello is in use");
            ref.close();
            ref.close(); // twice drops once
            assertThat(kernel.status("hello").orElseThrow().refcount()).isZero();
            assertThat(kernel.rmmod("hello").clean()).isTrue();
            assertThat(kernel.tryGetModule("hello")).isEmpty();
        }

        @Test
        void aModuleHoldingItsOwnReferenceCanOnlyBeForcedOut() throws Exception {
            kernel.insmod(jar("refholder", RefHolder.class));
            errno(Errno.EWOULDBLOCK, catchThrowable(() -> kernel.rmmod("refholder")));
            UnloadReport r = kernel.rmmod("refholder", RmmodOptions.defaults().withForce(true));
            assertThat(r.outcome()).isEqualTo(UnloadReport.Outcome.FORCED);
            assertThat(kernel.taints()).contains(Taint.FORCED_RMMOD);
            Shared.remove("kmodtest.refholder.ref");
        }

        @Test
        void aPermanentModuleIsEbusyUnlessForced() throws Exception {
            kernel.insmod(jar("permanent", Permanent.class));
            KernelException e = errno(Errno.EBUSY, catchThrowable(() -> kernel.rmmod("permanent")));
            assertThat(e.getMessage()).contains("permanent");
            UnloadReport r = kernel.rmmod("permanent", RmmodOptions.defaults().withForce(true));
            assertThat(r.loader()).isEqualTo(LoaderVerdict.COLLECTED);
        }

        @Test
        void rmmodOfAnUnknownModuleIsEnoent() {
            KernelException e = errno(Errno.ENOENT, catchThrowable(() -> kernel.rmmod("ghost")));
            assertThat(e.getMessage()).isEqualTo("Module ghost is not currently loaded");
        }
    }

    @Nested
    class UnloadDeadlines {
        @Override
        public String toString() {
            return "deadlines";
        }

        @Test
        void aKThreadIgnoringStopGivesAHungTaskReportAndEtimedoutThenUnloadsOnceItEnds() throws Exception {
            CountDownLatch gate = new CountDownLatch(1);
            Shared.put("kmodtest.stubborn.gate", gate);
            CountDownLatch started = new CountDownLatch(1);
            Shared.put("kmodtest.stubborn.started", started);
            try {
                kernel.insmod(jar("stubborn", Stubborn.class));
                started.await(); // a stop before the first run would just cancel the thread
                RmmodOptions quick = RmmodOptions.defaults().withTimeout(Duration.ofMillis(300));
                KernelException e = errno(Errno.ETIMEDOUT, catchThrowable(() -> kernel.rmmod("stubborn", quick)));
                assertThat(e.getMessage()).contains("stubborn-thread");
                assertThat(dmesg()).contains("INFO: task stubborn-thread").contains("blocked rmmod")
                        .contains("Call Trace:").contains("kmodtest.stubborn.Stubborn");
                assertThat(kernel.status("stubborn").orElseThrow().state()).isEqualTo(ModuleState.GOING);
                errno(Errno.ETIMEDOUT, catchThrowable(() -> kernel.rmmod("stubborn", quick)));

                gate.countDown();
                UnloadReport r = kernel.rmmod("stubborn");
                // The thread may end on its own before the resumed rmmod looks: either way it is joined.
                assertThat(r.stopped()).extracting(UnloadReport.Stopped::name).isSubsetOf("stubborn-thread");
                assertThat(r.loader()).isEqualTo(LoaderVerdict.COLLECTED);
                assertThat(kernel.lsmod()).isEmpty();
            } finally {
                gate.countDown();
                Shared.remove("kmodtest.stubborn.gate");
                Shared.remove("kmodtest.stubborn.started");
            }
        }

        @Test
        void forceDropsAStragglerAndTaintsRAndZ() throws Exception {
            CountDownLatch gate = new CountDownLatch(1);
            Shared.put("kmodtest.stubborn.gate", gate);
            CountDownLatch started = new CountDownLatch(1);
            Shared.put("kmodtest.stubborn.started", started);
            try {
                kernel.insmod(jar("stubborn", Stubborn.class));
                started.await(); // a stop before the first run would just cancel the thread
                UnloadReport r = kernel.rmmod("stubborn", new RmmodOptions(true, Duration.ofMillis(200),
                        RmmodOptions.Verification.SYNC));
                assertThat(r.outcome()).isEqualTo(UnloadReport.Outcome.FORCED);
                assertThat(r.leaks()).extracting(UnloadReport.ThreadLeak::thread).contains("stubborn-thread");
                assertThat(r.loader()).isEqualTo(LoaderVerdict.NOT_COLLECTED);
                assertThat(kernel.taints()).contains(Taint.FORCED_RMMOD, Taint.LEAKED);
                assertThat(kernel.unloadedTaintedModules()).anyMatch(s -> s.startsWith("stubborn(") && s.endsWith(":1"));
                assertThat(kernel.lsmod()).isEmpty();
            } finally {
                gate.countDown();
                Shared.remove("kmodtest.stubborn.gate");
                Shared.remove("kmodtest.stubborn.started");
            }
        }

        @Test
        void anExitThatHangsTimesOutWhileTheKernelKeepsServingAndALaterRmmodFinishes() throws Exception {
            CountDownLatch gate = new CountDownLatch(1);
            Shared.put("kmodtest.exithang.gate", gate);
            try {
                kernel.insmod(jar("exithang", ExitHang.class));
                RmmodOptions quick = RmmodOptions.defaults().withTimeout(Duration.ofMillis(200));
                errno(Errno.ETIMEDOUT, catchThrowable(() -> kernel.rmmod("exithang", quick)));
                assertThat(dmesg()).contains("exit() of module exithang");
                kernel.insmod(jar("hello", Hello.class));
                assertThat(kernel.rmmod("hello").clean()).isTrue();
                gate.countDown();
                UnloadReport r = kernel.rmmod("exithang");
                assertThat(r.loader()).isEqualTo(LoaderVerdict.COLLECTED);
                assertThat(dmesg()).contains("exit finally returned");
            } finally {
                gate.countDown();
                Shared.remove("kmodtest.exithang.gate");
            }
        }
    }

    @Test
    void whatExitLeavesRunningIsStoppedJoinedAndReported() throws Exception {
        kernel.insmod(jar("worker", Worker.class));
        Await.until("threads running", () -> kernel.status("worker").orElseThrow().owned().size() >= 2);
        UnloadReport r = kernel.rmmod("worker");
        assertThat(r.stopped()).extracting(UnloadReport.Stopped::name).contains("worker-0", "worker-1");
        assertThat(r.clean()).as(r.format()).isTrue();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("worker-"));
    }

    @Test
    void theJarCanBeDeletedAndReplacedWhileLoadedAndAfterRmmod() throws Exception {
        Path j = jar("hello", Hello.class);
        kernel.insmod(j);
        Files.delete(j);
        assertThat(kernel.rmmod("hello").jarReleased()).isTrue();
        Path again = jar("hello", Hello.class);
        kernel.insmod(again);
        Files.delete(again);
        assertThat(again).doesNotExist();
    }

    @Test
    void lsmodListsMostRecentFirstWithSizeStateAndOwnedThreads() throws Exception {
        kernel.insmod(jar("hello", Hello.class));
        kernel.insmod(jar("worker", Worker.class));
        assertThat(kernel.lsmod()).extracting(ModuleStatus::name).containsExactly("worker", "hello");
        ModuleStatus w = kernel.lsmod().get(0);
        assertThat(w.size()).isPositive();
        assertThat(w.state()).isEqualTo(ModuleState.LIVE);
    }

    @Test
    void closeUnloadsEverythingDependentsFirst() throws Exception {
        kernel.insmod(TestJars.module("fwcore", FwCore.class).export("kmodtest.fwcore.api").writeTo(dir, "fwcore.jar"));
        kernel.insmod(TestJars.module("fwuser", FwUser.class).depends("fwcore").writeTo(dir, "fwuser.jar"));
        kernel.insmod(jar("worker", Worker.class));
        kernel.close();
        assertThat(kernel.lsmod()).isEmpty();
        assertThatThrownBy(() -> kernel.insmod(dir.resolve("fwcore.jar"))).isInstanceOf(IllegalStateException.class);
        String log = dmesg();
        assertThat(log.indexOf("rmmod fwuser")).isLessThan(log.indexOf("rmmod fwcore"));
    }

    @Test
    void modinfoReadsAJarWithoutRunningIt() throws Exception {
        Path j = TestJars.module("params", Params.class).version("2.1").alias("of:kmod4j,test")
                .param("count", "int", "3", 0444, "count").writeTo(dir, "params.jar");
        ModInfo info = Kernel.modinfo(j);
        assertThat(info.name()).isEqualTo("params");
        assertThat(info.format()).contains("version:        2.1").contains("alias:          of:kmod4j,test")
                .contains("parm:           count:test parameter count (int) [default: 3, perm: 0444]")
                .contains("filename:       " + j.toAbsolutePath());
        assertThat(dmesg()).doesNotContain("count=");
    }

    private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable c) {
        return org.assertj.core.api.Assertions.catchThrowable(c);
    }
}
