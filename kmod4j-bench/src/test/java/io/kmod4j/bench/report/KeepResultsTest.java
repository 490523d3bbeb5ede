package io.kmod4j.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeepResultsTest {

    @TempDir
    Path dir;

    private static final String SAMPLE_RESULT = """
            [ {
              "benchmark" : "io.kmod4j.bench.CompletionRoundTripLatencyVirtual.completion",
              "mode" : "sample", "forks" : 1, "threads" : 1,
              "primaryMetric" : {
                "score" : 1629.0, "scoreError" : "NaN", "scoreUnit" : "ns/op",
                "scorePercentiles" : { "50.0" : 1212.0, "99.0" : 12544.0 },
                "rawDataHistogram" : [ [ [ [ 1212.0, 40 ], [ 12544.0, 1 ] ] ] ]
              },
              "secondaryMetrics" : {
                "roundTrips" : { "score" : 3.0, "scoreUnit" : "#", "rawData" : [ [ 1.0, 2.0 ] ],
                                 "rawDataHistogram" : [ [ [ [ 1.0, 1 ] ] ] ] }
              }
            } ]
            """;

    @Test
    void keepsTheRunNamedByItsDateWithoutHistogramsAndTheReportStillReadsIt() throws IOException {
        Path json = write("jmh-result.json", SAMPLE_RESULT);
        Path run = write("jmh-run.properties", "command=./build bench --report\ndate=2026-11-30T04:30Z\n");

        Path kept = KeepResults.keep(json, run, dir.resolve("results"));

        assertThat(kept).isEqualTo(dir.resolve("results/20261130T0430Z.json"));
        assertThat(dir.resolve("results/20261130T0430Z.properties")).hasSameTextualContentAs(run);
        assertThat(Files.readString(kept)).doesNotContain("rawDataHistogram").contains("\"rawData\"");
        List<JmhResult> read = BenchReport.read(kept);
        assertThat(read).singleElement().satisfies(r -> {
            assertThat(r.percentiles()).containsEntry(50.0, 1212.0).containsEntry(99.0, 12544.0);
            assertThat(r.secondary()).containsEntry("roundTrips", List.of(1.0, 2.0));
        });
    }

    @Test
    void aRunWithoutItsDateIsRefusedNamingTheFileAndTheFieldAndNothingIsWritten() throws IOException {
        Path json = write("jmh-result.json", SAMPLE_RESULT);
        Path run = write("jmh-run.properties", "command=./build bench\n");

        assertThatThrownBy(() -> KeepResults.keep(json, run, dir.resolve("results")))
                .isInstanceOf(KeepResults.Refused.class)
                .hasMessageContaining(run.toString())
                .hasMessageContaining("field 'date'");
        assertThat(dir.resolve("results")).doesNotExist();
    }

    @Test
    void jsonThatIsNotJmhResultsIsRefusedAndNothingIsWritten() throws IOException {
        Path json = write("jmh-result.json", "[ { \"benchmark\" : \"x\" } ]");
        Path run = write("jmh-run.properties", "date=2026-11-30T04:30Z\n");

        assertThatThrownBy(() -> KeepResults.keep(json, run, dir.resolve("results")))
                .isInstanceOf(KeepResults.Refused.class)
                .hasMessageContaining(json.toString())
                .hasMessageContaining("primaryMetric");
        assertThat(dir.resolve("results")).doesNotExist();
    }

    @Test
    void aMissingFileIsRefusedByName() {
        Path missing = dir.resolve("nowhere.json");

        assertThatThrownBy(() -> KeepResults.keep(missing, missing, dir))
                .isInstanceOf(KeepResults.Refused.class)
                .hasMessageContaining("nowhere.json")
                .hasMessageContaining("ENOENT");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
