package io.kmod4j.runtime;

import io.kmod4j.runtime.unload.ThreadScanner;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The figures of a load/unload soak, one row per block of cycles, written as CSV as they come (so
 * a soak that fails half-way still leaves its figures) and printed.
 *
 * <p>The first three columns, {@code cycle,metaspace_bytes,millis_per_cycle}, are a contract: a
 * plot reads them. Further columns may be added after them, never before.
 */
final class SoakSeries {

    /** The header; the first three names are fixed. */
    static final String HEADER = "cycle,metaspace_bytes,millis_per_cycle,loaded_classes,live_threads,"
            + "platform_threads,virtual_threads,loaders_collected,cpu_millis_per_cycle,load_average";

    /**
     * One block's figures.
     *
     * @param cycle cycles done when it was taken
     * @param metaspaceBytes metaspace in use after a full GC
     * @param millisPerCycle wall time per cycle over the block, verdicts of its unloads included
     * @param loadedClasses classes loaded now
     * @param platformThreads live platform threads
     * @param virtualThreads live virtual threads (-1 if the JDK's registry could not be read)
     * @param loadersCollected loaders proven collected so far, in total
     * @param cpuMillisPerCycle CPU time of this JVM (all its threads, GC and JIT included) per cycle
     *     over the block: unlike wall time, hardly moved by other processes on a shared machine
     * @param loadAverage the system's one-minute load average when it was taken
     */
    record Sample(int cycle, long metaspaceBytes, double millisPerCycle, int loadedClasses, int platformThreads,
                  int virtualThreads, long loadersCollected, double cpuMillisPerCycle, double loadAverage) {

        int liveThreads() {
            return platformThreads + Math.max(0, virtualThreads);
        }

        String csv() {
            return String.format(Locale.ROOT, "%d,%d,%.3f,%d,%d,%d,%d,%d,%.3f,%.2f", cycle, metaspaceBytes,
                    millisPerCycle, loadedClasses, liveThreads(), platformThreads, virtualThreads, loadersCollected,
                    cpuMillisPerCycle, loadAverage);
        }
    }

    private final Path csv;
    private final List<Sample> samples = new ArrayList<>();
    private final MemoryPoolMXBean metaspace = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getName().equals("Metaspace")).findFirst().orElseThrow();

    SoakSeries(Path csv) throws IOException {
        this.csv = csv;
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, HEADER + "\n");
        System.out.println("soak: " + HEADER + "  (" + csv.toAbsolutePath() + ")");
    }

    /** Metaspace in use after a full collection (class unloading included). */
    long metaspaceAfterGc() {
        System.gc();
        return metaspace.getUsage().getUsed();
    }

    /** CPU time used by this JVM so far, in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Takes a sample: collects, reads the pools and thread counts, appends it to the file.
     * The times per cycle are the caller's, measured before this call's collection.
     */
    Sample record(int cycle, double millisPerCycle, double cpuMillisPerCycle, long loadersCollected)
            throws IOException {
        long meta = metaspaceAfterGc();
        Sample s = new Sample(cycle, meta, millisPerCycle,
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount(),
                ManagementFactory.getThreadMXBean().getThreadCount(), virtualThreads(), loadersCollected,
                cpuMillisPerCycle, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        samples.add(s);
        Files.writeString(csv, s.csv() + "\n", java.nio.file.StandardOpenOption.APPEND);
        System.out.println("soak: " + s.csv());
        return s;
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    // ------------------------------------------------------------------ statistics

    /** The median of {@code values}. */
    static double median(double... values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /**
     * The Theil-Sen slope of {@code y} over {@code x}: the median of the slopes between every pair
     * of points. Unlike least squares it ignores up to ~29% of wild points, such as a block slowed
     * down by another process on a shared machine.
     */
    static double theilSen(double[] x, double[] y) {
        List<Double> slopes = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            for (int j = i + 1; j < x.length; j++) {
                if (x[j] != x[i]) {
                    slopes.add((y[j] - y[i]) / (x[j] - x[i]));
                }
            }
        }
        return median(slopes.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Live virtual threads, or -1 if the JDK's registry cannot be read. */
    static int virtualThreads() {
        return ThreadScanner.allThreads()
                .map(all -> (int) all.stream().filter(t -> t.isVirtual() && t.isAlive()).count())
                .orElse(-1);
    }
}
