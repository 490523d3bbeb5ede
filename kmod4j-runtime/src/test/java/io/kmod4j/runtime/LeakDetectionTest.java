package io.kmod4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.Taint;
import io.kmod4j.runtime.UnloadReport.LoaderVerdict;
import io.kmod4j.runtime.UnloadReport.Pin;
import io.kmod4j.runtime.UnloadReport.ThreadLeak;
import io.kmod4j.runtime.testing.Shared;
import java.time.Duration;
import java.util.Timer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import kmodtest.leakyexecutor.LeakyExecutor;
import kmodtest.leakyhook.LeakyHook;
import kmodtest.leakythread.LeakyThread;
import kmodtest.leakythreadlocal.LeakyThreadLocal;
import kmodtest.leakytimer.LeakyTimer;
import kmodtest.leakyvirtual.LeakyVirtual;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Modules that start things behind the runtime's back: each is reported by name and stack (or
 * as a pin), the loader is reported not collected, and the kernel is tainted 'Z'. Each test then
 * cleans up what the module leaked, as an operator would have to.
 */
class LeakDetectionTest extends KernelTestBase {

    private final CountDownLatch gate = new CountDownLatch(1);

    @Override
    KernelConfig.Builder config() {
        return super.config().maxCollections(2);
    }

    @AfterEach
    void release() {
        gate.countDown();
        for (String k : new String[] {"kmodtest.leak.gate", "kmodtest.leak.timer", "kmodtest.leak.executor",
                "kmodtest.leak.threadlocal", "kmodtest.leak.hook"}) {
            Shared.remove(k);
        }
    }

    private UnloadReport loadAndUnload(String name, Class<?> entry) throws Exception {
        Shared.put("kmodtest.leak.gate", gate);
        kernel.insmod(jar(name, entry));
        UnloadReport r = kernel.rmmod(name);
        assertThat(r.loader()).as(r.format()).isEqualTo(LoaderVerdict.NOT_COLLECTED);
        assertThat(r.taints()).contains(Taint.LEAKED);
        assertThat(kernel.taints()).contains(Taint.LEAKED);
        assertThat(kernel.unloadedTaintedModules()).contains(name + "(Z):1");
        assertThat(r.format()).contains("NOT collected");
        return r;
    }

    @Test
    void aRawThreadIsReportedByNameAndStack() throws Exception {
        UnloadReport r = loadAndUnload("leakythread", LeakyThread.class);
        ThreadLeak leak = r.leaks().stream().filter(l -> l.thread().equals("leaky-raw-thread")).findFirst().orElseThrow();
        assertThat(leak.virtual()).isFalse();
        assertThat(leak.reason()).contains("runs module code");
        assertThat(leak.stack()).anyMatch(f -> f.contains("kmodtest.leakythread.LeakyThread"));
        assertThat(dmesg()).contains("thread 'leaky-raw-thread' (platform, WAITING) was started behind the runtime's back");
    }

    @Test
    void aVirtualThreadIsFoundInTheThreadDump() throws Exception {
        UnloadReport r = loadAndUnload("leakyvirtual", LeakyVirtual.class);
        ThreadLeak leak = r.leaks().stream().filter(l -> l.thread().equals("leaky-virtual")).findFirst().orElseThrow();
        assertThat(leak.virtual()).isTrue();
        assertThat(leak.stack()).anyMatch(f -> f.contains("kmodtest.leakyvirtual.LeakyVirtual"));
    }

    @Test
    void aTimerThreadIsReportedByItsContextClassLoader() throws Exception {
        UnloadReport r = loadAndUnload("leakytimer", LeakyTimer.class);
        assertThat(r.leaks()).anySatisfy(l -> {
            assertThat(l.thread()).isEqualTo("leaky-timer");
            assertThat(l.reason()).contains("context class loader");
        });
        ((Timer) Shared.get("kmodtest.leak.timer")).cancel();
    }

    @Test
    void anExecutorsIdleWorkersAreReported() throws Exception {
        UnloadReport r = loadAndUnload("leakyexecutor", LeakyExecutor.class);
        assertThat(r.leaks()).filteredOn(l -> l.thread().equals("leaky-pool-worker")).hasSize(1);
        ExecutorService pool = Shared.get("kmodtest.leak.executor");
        pool.shutdownNow();
        assertThat(pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
    }

    @Test
    void aThreadLocalOnALiveThreadIsAPin() throws Exception {
        UnloadReport r = loadAndUnload("leakythreadlocal", LeakyThreadLocal.class);
        assertThat(r.leaks()).isEmpty();
        assertThat(r.pins()).extracting(Pin::kind).contains("thread-local");
        assertThat(r.pins()).anySatisfy(p -> assertThat(p.description())
                .contains("thread '" + Thread.currentThread().getName() + "'"));
        ThreadLocal<?> tl = Shared.get("kmodtest.leak.threadlocal");
        tl.remove();
    }

    @Test
    void aShutdownHookIsAPin() throws Exception {
        UnloadReport r = loadAndUnload("leakyhook", LeakyHook.class);
        assertThat(r.pins()).anySatisfy(p -> {
            assertThat(p.kind()).isEqualTo("shutdown-hook");
            assertThat(p.description()).contains("leaky-shutdown-hook");
        });
        Runtime.getRuntime().removeShutdownHook(Shared.get("kmodtest.leak.hook"));
    }

    @Test
    void onceTheLeakIsGoneTheNextLoadUnloadsCleanly() throws Exception {
        loadAndUnload("leakythread", LeakyThread.class);
        gate.countDown();
        Shared.put("kmodtest.leak.gate", new CountDownLatch(0)); // the next load's thread ends at once
        kernel.insmod(jar("leakythread", LeakyThread.class));
        kmodtest.leakythread.LeakyThread.class.getName(); // (the test's own copy, unrelated to the module's)
        io.kmod4j.testing.Await.until("raw thread of the second load ended",
                () -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("leaky-raw-thread")));
        UnloadReport r = kernel.rmmod("leakythread", RmmodOptions.defaults().withTimeout(Duration.ofSeconds(5)));
        assertThat(r.clean()).as(r.format()).isTrue();
    }
}
