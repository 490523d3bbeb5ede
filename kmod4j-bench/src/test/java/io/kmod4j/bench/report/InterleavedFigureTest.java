package io.kmod4j.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * How the report turns an {@code @Interleaved} benchmark's counters into a figure: per-iteration
 * time per operation on each side, and the median of per-iteration ratios rather than the ratio of
 * medians. The results are built as JMH's JSON would parse, for the real benchmark class, so that
 * its annotation is the one read.
 */
class InterleavedFigureTest {

    private static final String CLASS = "io.kmod4j.bench.CompletionRoundTripInterleavedOneCarrier";

    /**
     * Two forks of two iterations each. Per iteration ours/peer is 1.00, 1.02, 1.04, 1.50; the
     * sides' medians alone (762 and 600 ns) would give 1.27, so the test tells the two apart.
     */
    private static Map<String, Object> fourIterations() {
        Map<String, Object> secondary = new LinkedHashMap<>();
        secondary.put("completionNs", metric(List.of(List.of(500_000.0, 1_020_000.0), List.of(624_000.0, 900_000.0))));
        secondary.put("parkUnparkNs", metric(List.of(List.of(500_000.0, 1_000_000.0), List.of(600_000.0, 600_000.0))));
        secondary.put("roundTrips", metric(List.of(List.of(1000.0, 1000.0), List.of(1000.0, 1000.0))));
        return result(secondary);
    }

    @Test
    void eachSideIsItsTimePerOperationInEveryIteration() {
        FigureRow row = onlyRow(fourIterations());

        assertThat(row.ours().iterations()).containsExactly(500.0, 1020.0, 624.0, 900.0);
        assertThat(row.ours().unit()).isEqualTo("ns/op");
        assertThat(row.ours().label()).isEqualTo("interleaved:completionNs");
        assertThat(row.peer()).hasValueSatisfying(p -> {
            assertThat(p.iterations()).hasSize(4);
            assertThat(p.median()).isEqualTo(600.0);
        });
        assertThat(row.peerName()).isEqualTo("parkUnparkNs");
    }

    @Test
    void theRatioIsTheMedianOfPerIterationRatiosWithTheirQuartiles() {
        FigureRow row = onlyRow(fourIterations());

        assertThat(row.interleaved()).isTrue();
        assertThat(row.ratio()).isCloseTo(1.03, within(1e-6));      // (1.02 + 1.04) / 2
        assertThat(row.low()).isCloseTo(1.015, within(1e-6));       // 1.00 + 0.75 * 0.02
        assertThat(row.high()).isCloseTo(1.155, within(1e-6));      // 1.04 + 0.25 * 0.46
        assertThat(row.ours().median() / row.peer().orElseThrow().median()).isCloseTo(1.27, within(1e-9));
        assertThat(row.target()).isEqualTo(1.05);
        assertThat(row.verdict()).isEqualTo("met (within error)");
        assertThat(row.met()).isTrue();
    }

    @Test
    void aRatioAboveTheTargetIsMissed() {
        Map<String, Object> secondary = new LinkedHashMap<>();
        secondary.put("completionNs", metric(List.of(List.of(1_200_000.0, 1_300_000.0, 1_250_000.0))));
        secondary.put("parkUnparkNs", metric(List.of(List.of(1_000_000.0, 1_000_000.0, 1_000_000.0))));
        secondary.put("roundTrips", metric(List.of(List.of(1000.0, 1000.0, 1000.0))));

        FigureRow row = onlyRow(result(secondary));

        assertThat(row.ratio()).isCloseTo(1.25, within(1e-9));
        assertThat(row.verdict()).isEqualTo("**missed** by 19%");
        assertThat(row.met()).isFalse();
    }

    @Test
    void withoutItsCountersTheFigureHasNoPeerAndIsNotMet() {
        Map<String, Object> secondary = new LinkedHashMap<>();
        secondary.put("completionNs", metric(List.of(List.of(1.0))));

        FigureRow row = onlyRow(result(secondary));

        assertThat(row.peer()).isEmpty();
        assertThat(row.verdict()).isEqualTo("no peer in this run");
        assertThat(row.met()).isFalse();
    }

    @Test
    void theReportShowsTheQuartilesAndSaysTheFigureIsInterleaved() {
        JmhResult r = JmhResult.fromJson(fourIterations());
        List<FigureRow> rows = BenchReport.figures(List.of(r));

        String md = new MarkdownReport(List.of(r), rows, List.of(new Properties()), List.of(), "").render();

        assertThat(md).contains("`CompletionRoundTripInterleavedOneCarrier.interleaved:completionNs` vs `parkUnparkNs`")
                .contains("| 1.030 [1.015 … 1.155] interleaved |")
                .contains("| ≤ 1.05x | met (within error) |");
    }

    @Test
    void quantilesInterpolateBetweenOrderStatistics() {
        assertThat(JmhResult.quantile(List.of(3.0, 1.0, 2.0, 4.0), 0.5)).isEqualTo(2.5);
        assertThat(JmhResult.quantile(List.of(5.0), 0.25)).isEqualTo(5.0);
        assertThat(JmhResult.quantile(List.of(1.0, 2.0, 3.0, 4.0, 5.0), 0.25)).isEqualTo(2.0);
        assertThat(JmhResult.quantile(List.of(), 0.5)).isNaN();
    }

    private static FigureRow onlyRow(Map<String, Object> json) {
        List<FigureRow> rows = BenchReport.figures(List.of(JmhResult.fromJson(json)));
        assertThat(rows).hasSize(1);
        return rows.getFirst();
    }

    private static Map<String, Object> metric(List<List<Double>> rawData) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("score", rawData.stream().flatMap(List::stream).mapToDouble(Double::doubleValue).sum());
        m.put("scoreError", "NaN");
        m.put("scoreUnit", "#");
        m.put("rawData", rawData);
        return m;
    }

    private static Map<String, Object> result(Map<String, Object> secondary) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("jmhVersion", "1.37");
        json.put("benchmark", CLASS + ".interleaved");
        json.put("mode", "avgt");
        json.put("forks", 2);
        json.put("threads", 1);
        json.put("jvmArgs", new ArrayList<>(List.of("-Djmh.executor=VIRTUAL")));
        json.put("primaryMetric", metric(List.of(List.of(1000.0, 1100.0), List.of(1150.0, 1500.0))));
        json.put("secondaryMetrics", secondary);
        return json;
    }
}
