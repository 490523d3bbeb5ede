package io.kmod4j.runtime.unload;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.runtime.UnloadReport.ThreadLeak;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The thread scan's registry path, and its fallback when the registry lists fewer threads than live. */
class ThreadScannerTest {

    @Test
    void theRegistryListsEveryThreadThatGetAllStackTracesDoes() {
        // Dump first, list second: a thread that started in between is only in the list, one that
        // ended in between is no longer alive when checked.
        Set<Thread> dumped = Thread.getAllStackTraces().keySet();
        List<Thread> registry = ThreadScanner.allThreads().orElseThrow(
                () -> new AssertionError("kmod4j-runtime's tests pass --add-exports java.base/jdk.internal.vm=ALL-UNNAMED"));
        assertThat(registry.stream().filter(t -> !t.isVirtual()).toList())
                .as("the registry's platform threads, against getAllStackTraces()")
                .containsAll(dumped.stream().filter(Thread::isAlive).toList());
    }

    @Test
    void aPlatformThreadMissingFromTheRegistryIsStillFound() throws Exception {
        ClassLoader module = new ClassLoader("kmod4j:scanned#1", null) {};
        CountDownLatch release = new CountDownLatch(1);
        Thread hidden = Thread.ofPlatform().name("not-in-the-registry").daemon(true).unstarted(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        hidden.setContextClassLoader(module);
        hidden.start();
        try {
            // A registry that lost a thread, as one attached from native code would be lost.
            List<Thread> registry = ThreadScanner.allThreads().orElseThrow().stream().filter(t -> t != hidden).toList();
            assertThat(registry.stream().filter(t -> !t.isVirtual()).count())
                    .isLessThan(ManagementFactory.getThreadMXBean().getThreadCount());

            List<ThreadLeak> leaks = ThreadScanner.scan(registry, module, module.getName(), Set.of());
            assertThat(leaks).extracting(ThreadLeak::thread).contains("not-in-the-registry");
            assertThat(leaks).filteredOn(l -> l.thread().equals("not-in-the-registry"))
                    .extracting(ThreadLeak::reason).containsExactly("its context class loader is the module's");
        } finally {
            release.countDown();
            hidden.join(Duration.ofMinutes(1));
        }
    }
}
