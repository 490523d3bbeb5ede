package io.kmod4j.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The figures of {@code docs/benchmarks.md}, drawn with XChart as PNG files: what people would
 * rather look at than read. (PNG rather than SVG: XChart's SVG draws every glyph as a path, half a
 * megabyte per chart.)
 *
 * <ul>
 *   <li>{@value #RATIOS}: for every figure with a target, ours / peer (ratio of medians, time per
 *       operation, lower is better) beside its target, on a logarithmic axis.
 *   <li>{@value #LATENCY}: percentiles of single Completion round trips and their peers, from the
 *       {@code sample}-mode results ({@code CompletionRoundTripLatency*}).
 *   <li>{@value #METASPACE}: metaspace and time per cycle over the 10,000-cycle soak, from the CSV
 *       the soak test writes.
 * </ul>
 *
 * <h2>The soak CSV</h2>
 * {@code kmod4j-runtime/target/soak/metaspace.csv}, written by the soak test
 * ({@code ./build soak}): a header line {@code cycle,metaspace_bytes,millis_per_cycle}, then one
 * line per sample, in cycle order: {@code cycle} the number of insmod/rmmod cycles done (integer,
 * from 0 or 1), {@code metaspace_bytes} the JVM's metaspace in use after that cycle (integer,
 * {@code MemoryPoolMXBean "Metaspace"} {@code getUsage().getUsed()}), {@code millis_per_cycle}
 * the wall time of the cycles since the previous sample divided by their number (decimal, '.'
 * separator). Further columns may follow and are ignored here (the soak writes loaded classes,
 * threads, loaders collected, CPU time and load). Samples may be every cycle or every k cycles. Lines starting with {@code #} and
 * blank lines are ignored. When the file is absent the plot is skipped with a message and the
 * report says so; a malformed line fails the report naming the line.
 *
 * <p>Rendering needs no display ({@code java.awt.headless=true} is set) but does need a font,
 * which Debian's {@code fonts-dejavu-core} provides.
 */
final class Charts {

    static final String RATIOS = "bench-ratios.png";
    static final String LATENCY = "bench-completion-latency.png";
    static final String METASPACE = "soak-metaspace.png";

    /** Percentiles drawn, as JMH names them. */
    static final double[] PERCENTILES = {50.0, 90.0, 99.0, 99.9, 99.99};

    private Charts() {}

    /** One chart written, or why it was not. */
    record Drawn(String file, String title, boolean written, String note) {}

    static List<Drawn> drawAll(List<FigureRow> figures, List<JmhResult> results, Path dir, Path soakCsv)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        List<Drawn> drawn = new ArrayList<>();
        drawn.add(ratios(figures, dir.resolve(RATIOS)));
        drawn.add(latency(results, dir.resolve(LATENCY)));
        drawn.add(metaspace(soakCsv, dir.resolve(METASPACE)));
        return drawn;
    }

    static Drawn ratios(List<FigureRow> figures, Path out) throws IOException {
        String title = "Ours / peer against the target (time per operation, medians, same run)";
        List<FigureRow> targeted = figures.stream().filter(f -> f.hasTarget() && f.peer().isPresent()).toList();
        if (targeted.isEmpty()) {
            return new Drawn(out.getFileName().toString(), title, false, "no figure with a target and a peer in these results");
        }
        List<String> labels = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> targets = new ArrayList<>();
        for (FigureRow f : targeted) {
            labels.add(label(f));
            ratios.add(f.ratio());
            targets.add(f.target());
        }
        CategoryChart chart = new CategoryChartBuilder().width(1400).height(900).title(title)
                .xAxisTitle("").yAxisTitle("ours / peer (log scale; lower is better)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        logBounds(chart, ratios, targets);
        chart.getStyler().setXAxisLabelRotation(90);
        // One label per bar: XChart leaves out category labels closer than its spacing hint
        // (74 px by default), and at a slant it misplaces them by a tick and drops the last;
        // upright labels under a wider chart show all 16 figures, each under its own bar.
        chart.getStyler().setXAxisTickMarkSpacingHint(20);
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setDecimalPattern("0.##");
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        CategorySeries r = chart.addSeries("ours / peer (median)", labels, ratios);
        r.setFillColor(new java.awt.Color(0x4C72B0));
        CategorySeries t = chart.addSeries("target (at most)", labels, targets);
        t.setChartCategorySeriesRenderStyle(org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle.Scatter);
        t.setMarker(SeriesMarkers.DIAMOND);
        t.setMarkerColor(new java.awt.Color(0xC44E52));
        save(chart, out);
        return new Drawn(out.getFileName().toString(), title, true, targeted.size() + " figures");
    }

    static Drawn latency(List<JmhResult> results, Path out) throws IOException {
        String title = "Completion round trip: latency percentiles of single operations (JMH sample mode)";
        List<JmhResult> samples = results.stream().filter(JmhResult::isSample).filter(r -> !r.percentiles().isEmpty()).toList();
        if (samples.isEmpty()) {
            return new Drawn(out.getFileName().toString(), title, false,
                    "no sample-mode results in this run (run CompletionRoundTripLatency)");
        }
        List<String> xs = new ArrayList<>();
        for (double p : PERCENTILES) {
            xs.add("p" + (p == Math.rint(p) ? Integer.toString((int) p) : Double.toString(p)));
        }
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(600).title(title)
                .xAxisTitle("percentile").yAxisTitle("round trip, " + samples.getFirst().unit().replace("/op", "") + " (log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        List<Double> all = new ArrayList<>();
        List<List<Double>> series = new ArrayList<>();
        for (JmhResult r : samples) {
            List<Double> ys = new ArrayList<>();
            for (double p : PERCENTILES) {
                ys.add(nearest(r.percentiles(), p));
            }
            all.addAll(ys);
            series.add(ys);
        }
        logBounds(chart, all, List.of());
        for (int i = 0; i < samples.size(); i++) {
            JmhResult r = samples.get(i);
            List<Double> ys = series.get(i);
            chart.addSeries(r.simpleClassName().replace("CompletionRoundTripLatency", "") + " " + r.label(), xs, ys);
        }
        save(chart, out);
        return new Drawn(out.getFileName().toString(), title, true, samples.size() + " series");
    }

    /**
     * XChart's logarithmic axis refuses a bar chart unless its bounds are given (bars start at
     * zero otherwise): whole decades around the data.
     */
    private static void logBounds(CategoryChart chart, List<Double> a, List<Double> b) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (List<Double> l : List.of(a, b)) {
            for (double v : l) {
                if (v > 0 && Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (hi == 0) {
            lo = 0.1;
            hi = 10;
        }
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(lo * 0.9))));
        chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(hi * 1.1))));
    }

    private static double nearest(Map<Double, Double> percentiles, double p) {
        Double v = percentiles.get(p);
        if (v != null) {
            return v;
        }
        return percentiles.entrySet().stream().min((a, b) -> Double.compare(Math.abs(a.getKey() - p), Math.abs(b.getKey() - p)))
                .map(Map.Entry::getValue).orElse(Double.NaN);
    }

    static Drawn metaspace(Path csv, Path out) throws IOException {
        String title = "Soak: metaspace and time per cycle over insmod/rmmod cycles";
        if (csv == null || !Files.isReadable(csv)) {
            String note = "skipped: no soak CSV at " + csv + " (written by ./build soak; see Charts' javadoc for its columns)";
            System.out.println("BenchReport: " + note);
            return new Drawn(out.getFileName().toString(), title, false, note);
        }
        List<Double> cycles = new ArrayList<>();
        List<Double> mib = new ArrayList<>();
        List<Double> millis = new ArrayList<>();
        List<String> lines = Files.readAllLines(csv);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("cycle")) {
                continue;
            }
            String[] f = line.split(",");
            try {
                if (f.length < 3) {
                    throw new NumberFormatException("at least 3 columns expected");
                }
                cycles.add(Double.parseDouble(f[0].strip()));
                mib.add(Long.parseLong(f[1].strip()) / 1048576.0);
                millis.add(Double.parseDouble(f[2].strip()));
            } catch (NumberFormatException e) {
                throw new IOException(csv + ":" + (i + 1) + ": not 'cycle,metaspace_bytes,millis_per_cycle': " + line, e);
            }
        }
        if (cycles.isEmpty()) {
            String note = "skipped: " + csv + " has no samples";
            System.out.println("BenchReport: " + note);
            return new Drawn(out.getFileName().toString(), title, false, note);
        }
        XYChart chart = new XYChartBuilder().width(1000).height(600).title(title)
                .xAxisTitle("cycle").yAxisTitle("metaspace used, MiB").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisMin(0, 0.0);
        chart.getStyler().setYAxisMin(1, 0.0);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.getStyler().setYAxisGroupTitleColor(1, new java.awt.Color(0xC44E52));
        chart.setYAxisGroupTitle(1, "ms per cycle");
        XYSeries m = chart.addSeries("metaspace (MiB, left)", cycles, mib);
        m.setMarker(SeriesMarkers.NONE);
        XYSeries t = chart.addSeries("time per cycle (ms, right)", cycles, millis);
        t.setMarker(SeriesMarkers.NONE);
        t.setYAxisGroup(1);
        t.setLineColor(new java.awt.Color(0xC44E52));
        save(chart, out);
        return new Drawn(out.getFileName().toString(), title, true, cycles.size() + " samples from " + csv);
    }

    /** A short label for a figure: class.method [params] / peer. */
    static String label(FigureRow f) {
        return f.ours().simpleClassName() + "." + f.ours().label() + " / " + f.peerName();
    }

    private static void save(Chart<?, ?> chart, Path out) throws IOException {
        String file = out.toString();
        String base = file.toLowerCase(Locale.ROOT).endsWith(".png") ? file.substring(0, file.length() - 4) : file;
        BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
    }
}
