package io.kmod4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.runtime.UnloadReport.LoaderVerdict;
import io.kmod4j.testing.Await;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kmodtest.worker.Worker;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Many insmod/rmmod cycles of a module that leaves threads running: every loader collected. */
class LoadUnloadCyclesTest extends KernelTestBase {

    @Test
    void fiftyCyclesWithSynchronousProofCollectEveryLoader() throws Exception {
        Path jar = jar("worker", Worker.class);
        for (int i = 0; i < 50; i++) {
            kernel.insmod(jar);
            UnloadReport r = kernel.rmmod("worker");
            assertThat(r.loader()).as("cycle %d: %s", i, r.format()).isEqualTo(LoaderVerdict.COLLECTED);
            assertThat(r.leaks()).isEmpty();
        }
        assertThat(kernel.taints()).isEmpty();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("worker-"));
    }

    @Test
    void twoHundredCyclesWithBatchedBackgroundProofCollectEveryLoader() throws Exception {
        Path jar = jar("worker", Worker.class);
        List<UnloadReport> reports = new ArrayList<>();
        RmmodOptions async = RmmodOptions.defaults().withVerification(RmmodOptions.Verification.ASYNC);
        long insmodNanos = 0;
        for (int i = 0; i < 200; i++) {
            long t0 = System.nanoTime();
            kernel.insmod(jar);
            insmodNanos += System.nanoTime() - t0;
            reports.add(kernel.rmmod("worker", async));
        }
        System.out.printf("cycles: insmod avg %.2f ms, rmmod avg %.2f ms (exit %.2f, stop %.2f, scan %.2f, verify %.2f)%n",
                insmodNanos / 200 / 1e6,
                reports.stream().mapToLong(r -> r.total().toNanos()).average().orElse(0) / 1e6,
                reports.stream().mapToLong(r -> r.exitDuration().toNanos()).average().orElse(0) / 1e6,
                reports.stream().mapToLong(r -> r.stopDuration().toNanos()).average().orElse(0) / 1e6,
                reports.stream().mapToLong(r -> r.scanDuration().toNanos()).average().orElse(0) / 1e6,
                reports.stream().mapToLong(r -> r.verifyDuration().toNanos()).average().orElse(0) / 1e6);
        Await.until("every background verdict in", () -> kernel.pendingVerifications() == 0);
        long pending = reports.stream().filter(r -> r.loader() == LoaderVerdict.PENDING).count();
        long collectedLines = kernel.dmesg().stream()
                .filter(l -> l.message().equals("worker: class loader collected (background verification)")).count();
        long collectedAtOnce = reports.stream().filter(r -> r.loader() == LoaderVerdict.COLLECTED).count();
        assertThat(collectedLines + collectedAtOnce).isEqualTo(200);
        assertThat(collectedLines).isEqualTo(pending);
        assertThat(kernel.taints()).isEmpty();
    }

    @Test
    @Tag("soak")
    void tenThousandCyclesKeepMetaspaceFlat() throws Exception {
        Path jar = jar("worker", Worker.class);
        java.lang.management.MemoryPoolMXBean metaspace = java.lang.management.ManagementFactory.getMemoryPoolMXBeans()
                .stream().filter(p -> p.getName().equals("Metaspace")).findFirst().orElseThrow();
        RmmodOptions async = RmmodOptions.defaults().withVerification(RmmodOptions.Verification.ASYNC);
        long after1000 = 0;
        for (int i = 0; i < 10_000; i++) {
            kernel.insmod(jar);
            kernel.rmmod("worker", async);
            if (i == 999) {
                Await.until("verdicts", () -> kernel.pendingVerifications() == 0);
                System.gc();
                after1000 = metaspace.getUsage().getUsed();
            }
        }
        Await.until("verdicts", () -> kernel.pendingVerifications() == 0);
        System.gc();
        long end = metaspace.getUsage().getUsed();
        assertThat(kernel.taints()).isEmpty();
        // Flat: the last 9,000 cycles may not grow metaspace by more than a few loaded modules' worth.
        assertThat(end - after1000).as("metaspace growth over 9,000 cycles, bytes").isLessThan(4L * 1024 * 1024);
    }
}
