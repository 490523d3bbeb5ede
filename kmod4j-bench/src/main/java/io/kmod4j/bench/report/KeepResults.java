package io.kmod4j.bench.report;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Keeps one JMH run in {@code kmod4j-bench/results/}, where {@code docs/benchmarks.md} is made
 * from: the results as {@code <date>.json} and the run's context as {@code <date>.properties},
 * named by the run's start ({@code date=2026-11-30T04:30Z} gives {@code 20261130T0430Z}), so that
 * the names sort in the order the runs were made and a later run of a class replaces an earlier
 * one in the report ({@link BenchReport#merge}).
 *
 * <p>Sample-mode results lose their {@code rawDataHistogram}: megabytes per benchmark that the
 * report never reads (it reads JMH's percentiles). Everything else is kept as JMH wrote it.
 *
 * <p>Usage: {@code KeepResults --json jmh-result.json --run jmh-run.properties --into DIR};
 * normally run by {@code ./build bench --report}. Prints the path of the kept JSON. Exit status 0
 * when kept, 2 on bad usage or unreadable input (the message names the file and what is wrong).
 */
public final class KeepResults {

    private KeepResults() {}

    public static void main(String[] args) throws IOException {
        Path json = null;
        Path run = null;
        Path into = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--json" -> json = Path.of(args[i + 1]);
                case "--run" -> run = Path.of(args[i + 1]);
                case "--into" -> into = Path.of(args[i + 1]);
                default -> fail("unknown argument: " + args[i]);
            }
        }
        if (args.length % 2 != 0 || json == null || run == null || into == null) {
            fail("usage: KeepResults --json JMH_RESULT.json --run RUN.properties --into DIR");
        }
        try {
            System.out.println(keep(json, run, into));
        } catch (Refused e) {
            fail(e.getMessage());
        }
    }

    /** Bad input: the message names the file and what is wrong with it. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * Writes the two files into {@code into} and returns the JSON's path.
     *
     * @throws Refused if an input cannot be read or is not what it should be; nothing is written then
     */
    static Path keep(Path json, Path run, Path into) throws IOException {
        Properties props = new Properties();
        try (Reader r = readable(run)) {
            props.load(r);
        }
        String date = props.getProperty("date");
        if (date == null || !date.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ")) {
            throw new Refused(run + ": field 'date' must look like 2026-11-30T04:30Z, got " + (date == null ? "nothing" : "'" + date + "'"));
        }
        List<Object> results;
        try {
            results = JSON.std.listFrom(Files.readString(readablePath(json)));
        } catch (IOException e) {
            throw new Refused(json + ": not JMH's JSON results: " + e.getMessage());
        }
        for (Object r : results) {
            if (!(r instanceof Map<?, ?> m) || !(m.get("primaryMetric") instanceof Map<?, ?> primary)) {
                throw new Refused(json + ": a result without 'primaryMetric': not JMH's JSON results");
            }
            primary.remove("rawDataHistogram");
            if (m.get("secondaryMetrics") instanceof Map<?, ?> secondary) {
                for (Object metric : secondary.values()) {
                    if (metric instanceof Map<?, ?> sm) {
                        sm.remove("rawDataHistogram");
                    }
                }
            }
        }
        String name = date.replace("-", "").replace(":", "");
        Files.createDirectories(into);
        Path keptJson = into.resolve(name + ".json");
        Files.writeString(keptJson, JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(results) + "\n");
        Files.copy(run, into.resolve(name + ".properties"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return keptJson;
    }

    private static Reader readable(Path p) throws IOException {
        return Files.newBufferedReader(readablePath(p));
    }

    private static Path readablePath(Path p) {
        if (!Files.isReadable(p)) {
            throw new Refused(p + ": cannot read it (ENOENT or EACCES)");
        }
        return p;
    }

    private static void fail(String message) {
        System.err.println("KeepResults: " + message);
        System.exit(2);
    }
}
