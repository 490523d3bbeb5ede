package io.kmod4j.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which runs a report made from several kept runs still draws on, and which results win. */
class MergedRunsTest {

    @Test
    void aLaterRunOfAClassReplacesThatClassWhole() {
        List<JmhResult> first = List.of(result("A", "x", 1), result("A", "y", 2), result("B", "x", 3));
        List<JmhResult> second = List.of(result("A", "x", 10));

        List<JmhResult> merged = BenchReport.merge(first, second);

        assertThat(merged).extracting(r -> r.simpleClassName() + "." + r.method() + "=" + r.score())
                .containsExactly("B.x=3.0", "A.x=10.0");
    }

    @Test
    void aRunWhoseEveryClassWasMeasuredAgainLaterContributesNothing() {
        List<JmhResult> old = List.of(result("A", "x", 1), result("B", "x", 1));
        List<JmhResult> a = List.of(result("A", "x", 2));
        List<JmhResult> b = List.of(result("B", "x", 3));
        List<JmhResult> c = List.of(result("C", "x", 4));

        assertThat(BenchReport.contributing(List.of(old, a, b, c))).containsExactly(1, 2, 3);
        assertThat(BenchReport.contributing(List.of(old, a, c))).containsExactly(0, 1, 2);
        assertThat(BenchReport.contributing(List.of(a, a))).containsExactly(1);
        assertThat(BenchReport.contributing(List.of(List.of(), a))).containsExactly(1);
    }

    private static JmhResult result(String className, String method, double score) {
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("score", score);
        metric.put("scoreError", "NaN");
        metric.put("scoreUnit", "ns/op");
        metric.put("rawData", List.of(List.of(score)));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "io.kmod4j.bench." + className + "." + method);
        json.put("mode", "avgt");
        json.put("jvmArgs", new ArrayList<>());
        json.put("primaryMetric", metric);
        return JmhResult.fromJson(json);
    }
}
