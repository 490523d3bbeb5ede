package io.kmod4j.bench.report;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/** Renders the generated block of {@code docs/benchmarks.md}. */
final class MarkdownReport {

    private final List<JmhResult> results;
    private final List<FigureRow> figures;
    private final List<Properties> runs;
    private final List<Charts.Drawn> drawn;
    private final String linkPrefix;

    MarkdownReport(List<JmhResult> results, List<FigureRow> figures, List<Properties> runs,
                   List<Charts.Drawn> drawn, String linkPrefix) {
        this.results = results;
        this.figures = figures;
        this.runs = runs;
        this.drawn = drawn;
        this.linkPrefix = linkPrefix;
    }

    String render() {
        StringBuilder md = new StringBuilder();
        figures(md);
        charts(md);
        percentiles(md);
        runDetails(md);
        everyResult(md);
        return md.toString();
    }

    private void figures(StringBuilder md) {
        long targeted = figures.stream().filter(FigureRow::hasTarget).count();
        long met = figures.stream().filter(FigureRow::met).count();
        md.append("## Figures\n\n");
        md.append("Ratios are ours / peer of time per operation, both measured in the same run (lower is better; ")
          .append("a throughput is inverted first). Each side's score is the **median** of its measurement ")
          .append("iterations (all forks), with their range [min … max] as the spread; the ratio is the ratio of ")
          .append("the medians, ± JMH's two 99.9% half-widths combined. An *interleaved* figure (`@Interleaved`) ")
          .append("was measured by one benchmark that runs both sides in alternating blocks within every ")
          .append("iteration: each side's score is its time per operation in each iteration, and the ratio is the ")
          .append("median over iterations of ours / peer in the same iteration, with the quartiles of those ")
          .append("ratios in brackets. **").append(met).append(" of ")
          .append(targeted).append(" targets met.**\n\n");
        md.append("| figure | ours: median [min … max] | peer: median [min … max] | ratio | target | verdict |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (FigureRow f : figures) {
            JmhResult o = f.ours();
            md.append("| ").append(f.what()).append("<br>`").append(o.simpleClassName()).append('.')
              .append(o.label()).append("` vs `").append(f.peerName()).append("` | ")
              .append(score(o)).append(" | ")
              .append(f.peer().map(MarkdownReport::score).orElse("—")).append(" | ")
              .append(ratio(f)).append(" | ")
              .append(f.hasTarget() ? String.format(Locale.ROOT, "≤ %.2fx", f.target()) : "—").append(" | ")
              .append(f.verdict()).append(" |\n");
        }
        md.append('\n');
    }

    private void charts(StringBuilder md) {
        if (drawn.isEmpty()) {
            return;
        }
        md.append("## Plots\n\n");
        for (Charts.Drawn d : drawn) {
            if (d.written()) {
                md.append("- [").append(d.title()).append("](").append(linkPrefix).append(d.file()).append(") (")
                  .append(d.note()).append(")\n");
            } else {
                md.append("- ").append(d.title()).append(": not drawn, ").append(d.note()).append('\n');
            }
        }
        md.append('\n');
        for (Charts.Drawn d : drawn) {
            if (d.written()) {
                md.append("![").append(d.title()).append("](").append(linkPrefix).append(d.file()).append(")\n\n");
            }
        }
    }

    private void percentiles(StringBuilder md) {
        List<JmhResult> samples = results.stream().filter(JmhResult::isSample).filter(r -> !r.percentiles().isEmpty()).toList();
        if (samples.isEmpty()) {
            return;
        }
        md.append("## Latency percentiles (sample mode)\n\n");
        md.append("Every single operation timed (JMH `-bm sample`); unit per column as given.\n\n");
        md.append("| benchmark | samples' mean | p50 | p90 | p99 | p99.9 | p99.99 | max | unit |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (JmhResult r : samples) {
            md.append("| `").append(r.simpleClassName()).append('.').append(r.label()).append("` | ").append(fmt(r.score()));
            for (double p : new double[] {50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
                Double v = r.percentiles().get(p);
                md.append(" | ").append(v == null ? "n/a" : fmt(v));
            }
            md.append(" | ").append(r.unit()).append(" |\n");
        }
        md.append('\n');
    }

    private void runDetails(StringBuilder md) {
        Set<JmhResult.RunSettings> settings = new LinkedHashSet<>();
        results.forEach(r -> settings.add(r.run()));
        JmhResult.RunSettings first = results.getFirst().run();
        md.append(runs.size() == 1 ? "## Run\n\n" : "## Runs\n\n");
        if (runs.size() > 1) {
            md.append("These results merge ").append(runs.size()).append(" runs; each benchmark class, and so each "
                    + "figure, comes from one run.\n\n");
        }
        for (Properties run : runs) {
            md.append("- **Command:** `").append(run.getProperty("command", "(not recorded)")).append("`");
            if (run.containsKey("jmh.args")) {
                md.append(" (JMH arguments: `").append(run.getProperty("jmh.args")).append("`)");
            }
            md.append('\n');
            if (run.containsKey("date")) {
                md.append("  - **When:** ").append(run.getProperty("date"));
                if (run.containsKey("git.commit")) {
                    md.append(", source at commit `").append(run.getProperty("git.commit")).append('`');
                }
                md.append('\n');
            }
            if (run.containsKey("load.before")) {
                md.append("  - **Load average** (1, 5, 15 min) before the run: ").append(run.getProperty("load.before"))
                  .append("; after: ").append(run.getProperty("load.after", "?"))
                  .append(". The machine is shared: other builds may have run at the same time.\n");
            }
        }
        Properties run = runs.getFirst();
        md.append("- **JDK:** ").append(first.jdkVersion()).append(", ").append(first.vmName()).append(' ')
          .append(first.vmVersion()).append('\n');
        md.append("- **Machine:** ").append(run.getProperty("machine.cores")).append(" cores, CPU `")
          .append(run.getProperty("machine.cpu")).append("` (from /proc/cpuinfo), memory ")
          .append(run.getProperty("machine.memory")).append('\n');
        md.append("- **JMH ").append(first.jmhVersion()).append(" settings:**\n");
        for (JmhResult.RunSettings s : settings) {
            md.append("  - forks ").append(s.forks()).append(", threads ").append(s.threads())
              .append(", warm-up ").append(s.warmupIterations()).append(" × ").append(s.warmupTime())
              .append(", measurement ").append(s.measurementIterations()).append(" × ").append(s.measurementTime())
              .append(", JVM arguments `").append(String.join(" ", s.jvmArgs())).append("`\n");
        }
        md.append('\n');
    }

    private void everyResult(StringBuilder md) {
        md.append("## Every result\n\n");
        md.append("| benchmark | mode | median | mean | ± (99.9%) | iterations min … max | unit |\n");
        md.append("|---|---|---:|---:|---:|---|---|\n");
        for (JmhResult r : results) {
            md.append("| `").append(r.simpleClassName()).append('.').append(r.label()).append("` | ")
              .append(r.mode()).append(" | ").append(fmt(r.median())).append(" | ").append(fmt(r.score()))
              .append(" | ").append(fmt(r.error()))
              .append(" | ").append(fmt(r.min())).append(" … ").append(fmt(r.max())).append(" | ")
              .append(r.unit()).append(" |\n");
        }
        md.append('\n');
    }

    private static String score(JmhResult r) {
        return fmt(r.median()) + " [" + fmt(r.min()) + " … " + fmt(r.max()) + "] " + r.unit();
    }

    private static String ratio(FigureRow f) {
        if (f.peer().isEmpty()) {
            return "—";
        }
        if (f.interleaved()) {
            return String.format(Locale.ROOT, "%.3f [%.3f … %.3f] interleaved", f.ratio(), f.low(), f.high());
        }
        double e = f.ratioError();
        return String.format(Locale.ROOT, "%.3f", f.ratio()) + (Double.isNaN(e) ? "" : String.format(Locale.ROOT, " ± %.3f", e));
    }

    /** Three significant figures or so, without scientific notation. */
    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        String pattern = a >= 1000 ? "%,.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, v);
    }
}
