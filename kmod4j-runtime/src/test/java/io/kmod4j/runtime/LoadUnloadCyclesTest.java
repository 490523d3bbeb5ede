package io.kmod4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.log.LogRecord;
import io.kmod4j.runtime.UnloadReport.LoaderVerdict;
import io.kmod4j.runtime.firmware.FirmwareConfig;
import io.kmod4j.runtime.testing.Shared;
import io.kmod4j.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import kmodtest.soak.SoakModule;
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

    /**
     * The soak of issue 6: 10,000 insmod/rmmod cycles of {@link SoakModule}, a module that starts
     * kthreads, a self-requeueing work, a delayed work and a timer, and binds a device whose probe
     * starts a kthread and requests firmware twice (synchronously and with
     * {@code request_firmware_nowait}). Every unload must be clean and every class loader proven
     * collected (background verification, as a busy host would run it).
     *
     * <p>Every {@value #BLOCK} cycles it records metaspace after a full GC, loaded classes, live
     * threads and the time per cycle over the block to {@code target/soak/metaspace.csv}. "Flat"
     * is judged on the last 9,000 cycles (the first {@value #WARM_UP} warm the JIT and the JDK's
     * caches) by {@link #assertFlat}; see docs/reliability.md for the figures of a run.
     *
     * <p>{@code ./build mvn -pl kmod4j-runtime test -Dtest='LoadUnloadCyclesTest#tenThousand*'
     * -Dkmod4j.test.excludedGroups=none}; {@code -Dkmod4j.soak.cycles=N} runs fewer for a trial.
     */
    @Test
    @Tag("soak")
    void tenThousandCyclesKeepMetaspaceFlat() throws Exception {
        int cycles = Integer.getInteger("kmod4j.soak.cycles", 10_000);
        Path firmware = Files.createDirectories(dir.resolve("firmware"));
        byte[] image = new byte[FIRMWARE_BYTES];
        new Random(6).nextBytes(image);
        Files.write(firmware.resolve(SoakModule.FIRMWARE), image);
        Path jar = jar("soak", SoakModule.class);
        BlockingQueue<String> callbacks = new LinkedBlockingQueue<>();
        Shared.put(SoakModule.RESULTS, callbacks);
        SoakSeries series = new SoakSeries(Path.of("target", "soak", "metaspace.csv"));
        RmmodOptions async = RmmodOptions.defaults().withVerification(RmmodOptions.Verification.ASYNC);
        long footprint;
        try (Kernel k = Kernel.boot(config().autoload(false)
                .firmware(FirmwareConfig.builder().roots(firmware).fallbackEnabled(false).build()).build())) {
            k.addDevice(DeviceSpec.of("soak0", SoakModule.COMPATIBLE, Map.of()));
            System.out.printf("soak: %d cycles; metaspace before the first insmod %d bytes%n", cycles,
                    series.metaspaceAfterGc());
            LogTally tally = new LogTally(k);
            long collectedAtOnce = 0;
            long blockStart = System.nanoTime();
            long blockCpu = SoakSeries.processCpuNanos();
            for (int cycle = 1; cycle <= cycles; cycle++) {
                k.insmod(jar);
                String fw = callbacks.poll(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS);
                assertThat(fw).as("cycle %d: the nowait firmware callback", cycle).isEqualTo("loaded " + FIRMWARE_BYTES);
                assertThat(k.device("soak0").orElseThrow().state()).as("cycle %d: device bound", cycle).isEqualTo("bound");
                // The nowait request holds the module (module_put after the callback returns).
                Await.until("the nowait request let go of the module", () -> k.status("soak").orElseThrow().refcount() == 0);
                UnloadReport r = k.rmmod("soak", async);
                assertThat(r.outcome()).as("cycle %d: %s", cycle, r.format()).isEqualTo(UnloadReport.Outcome.UNLOADED);
                assertThat(r.leaks()).as("cycle %d: %s", cycle, r.format()).isEmpty();
                assertThat(r.pins()).as("cycle %d: %s", cycle, r.format()).isEmpty();
                assertThat(r.stopped()).as("cycle %d: what exit() left to the runtime", cycle)
                        .extracting(UnloadReport.Stopped::kind).contains("kthread", "work", "delayed_work", "timer");
                assertThat(r.loader()).as("cycle %d: %s", cycle, r.format()).isNotEqualTo(LoaderVerdict.NOT_COLLECTED);
                if (r.loader() == LoaderVerdict.COLLECTED) {
                    collectedAtOnce++;
                }
                tally.read();
                if (cycle % BLOCK == 0) {
                    Await.until("every background verdict in", () -> k.pendingVerifications() == 0);
                    tally.read();
                    double millis = (System.nanoTime() - blockStart) / 1e6 / BLOCK;
                    double cpuMillis = (SoakSeries.processCpuNanos() - blockCpu) / 1e6 / BLOCK;
                    assertThat(tally.notCollected).as("loaders not collected").isEmpty();
                    assertThat(collectedAtOnce + tally.collected).as("loaders proven collected after %d cycles", cycle)
                            .isEqualTo(cycle);
                    series.record(cycle, millis, cpuMillis, collectedAtOnce + tally.collected);
                    assertThat(liveThreadsNamed("soak-")).as("cycle %d: soak threads alive", cycle).isEmpty();
                    blockStart = System.nanoTime();
                    blockCpu = SoakSeries.processCpuNanos();
                }
            }
            assertThat(k.taints()).isEmpty();
            footprint = heldModuleFootprint(k, jar, series, callbacks);
        } finally {
            Shared.remove(SoakModule.RESULTS);
        }
        assertFlat(series.samples(), footprint);
    }

    static final int BLOCK = 500;
    static final int WARM_UP = 1_000;
    static final int FIRMWARE_BYTES = 4096;

    /** Metaspace one loaded soak module takes: the unit of the metaspace bound. */
    private static long heldModuleFootprint(Kernel k, Path jar, SoakSeries series, BlockingQueue<String> callbacks)
            throws Exception {
        long without = series.metaspaceAfterGc();
        k.insmod(jar);
        assertThat(callbacks.poll(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS)).isNotNull();
        Await.until("the nowait request let go of the module", () -> k.status("soak").orElseThrow().refcount() == 0);
        long with = series.metaspaceAfterGc();
        UnloadReport r = k.rmmod("soak");
        assertThat(r.clean()).as(r.format()).isTrue();
        System.out.printf("soak: one loaded soak module holds %d bytes of metaspace (%d without, %d with)%n",
                with - without, without, with);
        return with - without;
    }

    /**
     * Flat, over the cycles after the warm-up (samples at {@value #WARM_UP} and later):
     * <ul>
     *   <li>metaspace: neither the growth from the first to the last sample nor the Theil-Sen trend
     *       extrapolated over those cycles reaches {@value #METASPACE_MODULES} loaded modules'
     *       worth (measured in the same run), nor {@value #METASPACE_FLOOR_BYTES} bytes;
     *   <li>CPU time per cycle: the median of the last three blocks is within {@value #CPU_RATIO}x
     *       of the median of the first three, and the Theil-Sen trend extrapolated over those
     *       cycles adds less than half of that first median;
     *   <li>wall time per cycle: the same within {@value #WALL_RATIO}x, the trend less than the
     *       first median (wall time also moves with whatever else the machine runs);
     *   <li>threads: the last sample has no more live threads than the first, give or take
     *       {@value #THREAD_SLACK} (the JDK's virtual-thread carriers come and go).
     * </ul>
     * docs/reliability.md says why these bounds.
     */
    static void assertFlat(List<SoakSeries.Sample> all, long footprint) {
        List<SoakSeries.Sample> s = all.stream().filter(x -> x.cycle() >= WARM_UP).toList();
        assertThat(s).as("samples after the warm-up").hasSizeGreaterThanOrEqualTo(6);
        SoakSeries.Sample first = s.get(0);
        SoakSeries.Sample last = s.get(s.size() - 1);
        double span = last.cycle() - first.cycle();
        double[] x = s.stream().mapToDouble(SoakSeries.Sample::cycle).toArray();
        double[] meta = s.stream().mapToDouble(SoakSeries.Sample::metaspaceBytes).toArray();
        // Blocks, not samples, carry time: the one ending at the first sample is still warm-up.
        List<SoakSeries.Sample> timed = s.subList(1, s.size());
        double[] tx = timed.stream().mapToDouble(SoakSeries.Sample::cycle).toArray();
        double[] ms = timed.stream().mapToDouble(SoakSeries.Sample::millisPerCycle).toArray();
        double[] cpu = timed.stream().mapToDouble(SoakSeries.Sample::cpuMillisPerCycle).toArray();

        long metaBound = Math.max(METASPACE_MODULES * footprint, METASPACE_FLOOR_BYTES);
        long metaGrowth = last.metaspaceBytes() - first.metaspaceBytes();
        double metaTrend = SoakSeries.theilSen(x, meta) * span;
        Trend wall = Trend.of(tx, ms, span);
        Trend cpuTime = Trend.of(tx, cpu, span);
        System.out.printf(Locale.ROOT, "soak: metaspace over cycles %d..%d: %+d bytes, trend %+.0f bytes (bound %d)%n",
                first.cycle(), last.cycle(), metaGrowth, metaTrend, metaBound);
        System.out.println("soak: wall ms per cycle: " + wall);
        System.out.println("soak: CPU ms per cycle: " + cpuTime);
        System.out.printf("soak: live threads %d at cycle %d, %d at cycle %d%n", first.liveThreads(), first.cycle(),
                last.liveThreads(), last.cycle());
        assertThat(metaGrowth).as("metaspace growth over the last cycles, bytes").isLessThan(metaBound);
        assertThat(metaTrend).as("metaspace trend over the last cycles, bytes").isLessThan(metaBound);
        assertThat(cpuTime.late).as("CPU ms per cycle, last blocks vs first").isLessThan(CPU_RATIO * cpuTime.early);
        assertThat(cpuTime.trend).as("CPU ms per cycle, trend over the last cycles").isLessThan(cpuTime.early / 2);
        assertThat(wall.late).as("wall ms per cycle, last blocks vs first").isLessThan(WALL_RATIO * wall.early);
        assertThat(wall.trend).as("wall ms per cycle, trend over the last cycles").isLessThan(wall.early);
        assertThat(last.liveThreads()).as("live threads").isLessThanOrEqualTo(first.liveThreads() + THREAD_SLACK);
    }

    static final long METASPACE_MODULES = 3;
    static final long METASPACE_FLOOR_BYTES = 512 * 1024;
    static final double CPU_RATIO = 1.5;
    static final double WALL_RATIO = 2.0;

    /** Time per cycle at the start and end of the judged cycles, and its trend over them. */
    private record Trend(double early, double late, double trend) {
        static Trend of(double[] x, double[] y, double span) {
            return new Trend(SoakSeries.median(Arrays.copyOfRange(y, 0, 3)),
                    SoakSeries.median(Arrays.copyOfRange(y, y.length - 3, y.length)), SoakSeries.theilSen(x, y) * span);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "median of the first three blocks %.3f, of the last three %.3f"
                    + " (ratio %.2f), Theil-Sen trend %+.3f over the judged cycles", early, late, late / early, trend);
        }
    }
    static final int THREAD_SLACK = 4;

    /** Live threads, virtual ones included, whose name starts with {@code prefix}. */
    private static List<String> liveThreadsNamed(String prefix) {
        java.util.Collection<Thread> threads = io.kmod4j.runtime.unload.ThreadScanner.allThreads()
                .<java.util.Collection<Thread>>map(all -> all).orElseGet(() -> Thread.getAllStackTraces().keySet());
        return threads.stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix)).map(Thread::getName).toList();
    }

    /** Counts the background verdicts in the kernel log as they come. */
    private static final class LogTally {
        private final Kernel kernel;
        private long seen;
        long collected;
        final List<String> notCollected = new ArrayList<>();

        LogTally(Kernel kernel) {
            this.kernel = kernel;
            this.seen = kernel.log().nextSeq() - 1;
        }

        void read() {
            List<LogRecord> fresh = kernel.log().recordsAfter(seen);
            if (!fresh.isEmpty()) {
                assertThat(fresh.get(0).seq()).as("log lines lost before they were counted").isEqualTo(seen + 1);
            }
            for (LogRecord r : fresh) {
                seen = r.seq();
                if (r.message().equals("soak: class loader collected (background verification)")) {
                    collected++;
                } else if (r.message().startsWith("soak: class loader not collected")) {
                    notCollected.add(r.format());
                }
            }
        }
    }
}
