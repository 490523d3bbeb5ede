package io.kmod4j.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One benchmark result from JMH's JSON output ({@code -rf json}): the fields the report uses.
 *
 * @param className the benchmark class, fully qualified
 * @param method the benchmark method
 * @param params the {@code @Param} values, sorted by name
 * @param mode JMH's short mode name: {@code avgt}, {@code thrpt}, {@code sample}, {@code ss}
 * @param score the primary score
 * @param error half-width of JMH's 99.9% confidence interval; NaN when JMH could not compute it
 * @param unit the score's unit, e.g. {@code ns/op}
 * @param iterations every measurement iteration's score, all forks together
 * @param percentiles for {@code sample} mode: JMH's percentiles of every sampled operation, by
 *     percentile (0 to 100); empty otherwise
 * @param secondary every secondary metric's measurement iterations by the metric's name (for
 *     instance a {@code @AuxCounters} field), all forks together in the same order as
 *     {@code iterations}, so that index {@code i} of every list is the same iteration
 * @param run how the run was made: JDK, JVM arguments, JMH settings
 */
record JmhResult(String className, String method, SortedMap<String, String> params, String mode,
                 double score, double error, String unit, List<Double> iterations,
                 SortedMap<Double, Double> percentiles, SortedMap<String, List<Double>> secondary, RunSettings run) {

    /** JDK, VM and JMH settings, identical for every result of one run unless annotations differ. */
    record RunSettings(String jmhVersion, String jdkVersion, String vmName, String vmVersion,
                       List<String> jvmArgs, int forks, int threads, int warmupIterations,
                       String warmupTime, int measurementIterations, String measurementTime) {}

    /** The method's name with its parameters, e.g. {@code kthreadRunStop [kind=virtual]}. */
    String label() {
        return params.isEmpty() ? method : method + " " + params.toString().replace('{', '[').replace('}', ']')
                .replace(", ", ",");
    }

    /** The class's simple name. */
    String simpleClassName() {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** Time-per-operation view: lower is better, whatever the mode. */
    boolean isThroughput() {
        return mode.equals("thrpt");
    }

    double min() {
        return iterations.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double max() {
        return iterations.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /**
     * The median of the measurement iterations' scores (all forks together), the figure's
     * headline: one disturbed iteration on a shared machine moves the mean, not the median.
     * JMH's own score when it recorded no iterations.
     */
    double median() {
        return iterations.isEmpty() ? score : quantile(iterations, 0.5);
    }

    /**
     * The {@code q} quantile (0 to 1) of {@code values}, interpolating linearly between the two
     * nearest order statistics (so {@code 0.5} is the usual median); NaN when there are none.
     */
    static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double at = q * (sorted.length - 1);
        int below = (int) Math.floor(at);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
    }

    /** Whether this result samples single operations ({@code -bm sample}): it has percentiles. */
    boolean isSample() {
        return mode.equals("sample");
    }

    /** Builds one result from the parsed JSON object that JMH writes per benchmark. */
    @SuppressWarnings("unchecked")
    static JmhResult fromJson(Map<String, Object> json) {
        String benchmark = (String) json.get("benchmark");
        int dot = benchmark.lastIndexOf('.');
        Map<String, Object> metric = (Map<String, Object>) json.get("primaryMetric");
        SortedMap<String, String> params = new TreeMap<>();
        Object rawParams = json.get("params");
        if (rawParams instanceof Map<?, ?> m) {
            m.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
        }
        List<Double> iterations = iterations(metric);
        SortedMap<String, List<Double>> secondary = new TreeMap<>();
        if (json.get("secondaryMetrics") instanceof Map<?, ?> metrics) {
            metrics.forEach((name, m) -> secondary.put(String.valueOf(name), iterations((Map<String, Object>) m)));
        }
        SortedMap<Double, Double> percentiles = new TreeMap<>();
        if (metric.get("scorePercentiles") instanceof Map<?, ?> pm) {
            pm.forEach((k, v) -> percentiles.put(Double.parseDouble(String.valueOf(k)), number(v)));
        }
        List<String> jvmArgs = new ArrayList<>();
        if (json.get("jvmArgs") instanceof List<?> args) {
            args.forEach(a -> jvmArgs.add(String.valueOf(a)));
        }
        RunSettings run = new RunSettings(str(json, "jmhVersion"), str(json, "jdkVersion"), str(json, "vmName"),
                str(json, "vmVersion"), List.copyOf(jvmArgs), integer(json, "forks"), integer(json, "threads"),
                integer(json, "warmupIterations"), str(json, "warmupTime"), integer(json, "measurementIterations"),
                str(json, "measurementTime"));
        return new JmhResult(benchmark.substring(0, dot), benchmark.substring(dot + 1), params,
                (String) json.get("mode"), number(metric.get("score")), number(metric.get("scoreError")),
                (String) metric.get("scoreUnit"), iterations, percentiles, secondary, run);
    }

    /** A metric's measurement iterations from its {@code rawData}, fork after fork. */
    private static List<Double> iterations(Map<String, Object> metric) {
        List<Double> iterations = new ArrayList<>();
        if (metric.get("rawData") instanceof List<?> forks) {
            for (Object fork : forks) {
                for (Object it : (List<?>) fork) {
                    iterations.add(number(it));
                }
            }
        }
        return List.copyOf(iterations);
    }

    private static String str(Map<String, Object> json, String key) {
        Object v = json.get(key);
        return v == null ? "?" : String.valueOf(v);
    }

    private static int integer(Map<String, Object> json, String key) {
        Object v = json.get(key);
        return v instanceof Number n ? n.intValue() : -1;
    }

    /** JMH writes NaN and infinities as strings. */
    private static double number(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
