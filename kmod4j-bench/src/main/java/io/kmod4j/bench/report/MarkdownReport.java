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

    MarkdownReport(List<JmhResult> results, List<FigureRow> figures, List<Properties> runs) {
        this.results = results;
        this.figures = figures;
        this.runs = runs;
    }

    String render() {
        StringBuilder md = new StringBuilder();
        figures(md);
        runDetails(md);
        everyResult(md);
        return md.toString();
    }

    private void figures(StringBuilder md) {
        long targeted = figures.stream().filter(FigureRow::hasTarget).count();
        long met = figures.stream().filter(FigureRow::met).count();
        md.append("## Figures\n\n");
        md.append("Ratios are ours / peer of time per operation, both measured in the same run (lower is better). ")
          .append("Scores are JMH's mean with its 99.9% confidence half-width; the ratio's error combines both ")
          .append("half-widths. **").append(met).append(" of ").append(targeted).append(" targets met.**\n\n");
        md.append("| figure | ours | peer | ratio | target | verdict |\n");
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
        md.append("| benchmark | mode | score | ± (99.9%) | iterations min … max | unit |\n");
        md.append("|---|---|---:|---:|---|---|\n");
        for (JmhResult r : results) {
            md.append("| `").append(r.simpleClassName()).append('.').append(r.label()).append("` | ")
              .append(r.mode()).append(" | ").append(fmt(r.score())).append(" | ").append(fmt(r.error()))
              .append(" | ").append(fmt(r.min())).append(" … ").append(fmt(r.max())).append(" | ")
              .append(r.unit()).append(" |\n");
        }
        md.append('\n');
    }

    private static String score(JmhResult r) {
        return fmt(r.score()) + " ± " + fmt(r.error()) + " " + r.unit();
    }

    private static String ratio(FigureRow f) {
        if (f.peer().isEmpty()) {
            return "—";
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
