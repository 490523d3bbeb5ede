package io.kmod4j.bench.report;

import io.kmod4j.bench.Figure;
import io.kmod4j.bench.Interleaved;
import java.util.List;
import java.util.Optional;

/**
 * One figure of the report: our benchmark, its peer from the same run, the ratio and the verdict.
 *
 * <p>Two kinds. A {@link Figure} pairs two benchmark methods, measured in forks of their own one
 * after the other: the ratio is the ratio of the two sides' medians and its error JMH's two 99.9%
 * half-widths combined. An {@link Interleaved} figure pairs two sides that one benchmark measured
 * in alternating blocks within each iteration: {@code iterationRatios} holds ours / peer of every
 * iteration, the ratio is their median and the spread their quartiles.
 *
 * @param what the figure's description from its annotation
 * @param ours our result (for an interleaved figure: our side's time per operation, per iteration)
 * @param peerName the peer method's name as declared (for an interleaved figure: the peer's counter)
 * @param peer the peer's result, if it was measured in the same run with the same parameters
 * @param target the largest acceptable ratio, NaN for information only
 * @param iterationRatios an interleaved figure's per-iteration ratios; empty for a {@link Figure}
 */
record FigureRow(String what, JmhResult ours, String peerName, Optional<JmhResult> peer, double target,
                 List<Double> iterationRatios) {

    FigureRow(String what, JmhResult ours, String peerName, Optional<JmhResult> peer, double target) {
        this(what, ours, peerName, peer, target, List.of());
    }

    /** Whether both sides were measured in the same iterations ({@link Interleaved}). */
    boolean interleaved() {
        return !iterationRatios.isEmpty();
    }

    /**
     * Ours over peer, of time per operation: for an interleaved figure the median of the
     * per-iteration ratios, otherwise the ratio of the two sides' medians; NaN without a peer.
     */
    double ratio() {
        if (interleaved()) {
            return JmhResult.quantile(iterationRatios, 0.5);
        }
        return peer.map(p -> ours.isThroughput() ? p.median() / ours.median() : ours.median() / p.median())
                .orElse(Double.NaN);
    }

    /**
     * For a {@link Figure}: the ratio's uncertainty, the two 99.9% half-widths combined in
     * quadrature, relative to their scores (first-order propagation for a quotient), applied to
     * the ratio of medians; NaN when either is unknown, and for an interleaved figure, whose
     * spread is {@link #low()} to {@link #high()}.
     */
    double ratioError() {
        if (peer.isEmpty() || interleaved()) {
            return Double.NaN;
        }
        JmhResult p = peer.get();
        double a = ours.error() / ours.score();
        double b = p.error() / p.score();
        return ratio() * Math.sqrt(a * a + b * b);
    }

    /** The low end of the ratio's spread: the first quartile of the per-iteration ratios, or ratio - error. */
    double low() {
        return interleaved() ? JmhResult.quantile(iterationRatios, 0.25) : ratio() - ratioError();
    }

    /** The high end of the ratio's spread: the third quartile of the per-iteration ratios, or ratio + error. */
    double high() {
        return interleaved() ? JmhResult.quantile(iterationRatios, 0.75) : ratio() + ratioError();
    }

    /** Whether a target is set. */
    boolean hasTarget() {
        return !Double.isNaN(target);
    }

    /** "met", "missed by 12%", "info", or "no peer", with "(within error)" when the spread straddles the target. */
    String verdict() {
        if (peer.isEmpty()) {
            return "no peer in this run";
        }
        if (!hasTarget()) {
            return "info";
        }
        double r = ratio();
        String close = low() <= target && target <= high() ? " (within error)" : "";
        if (r <= target) {
            return "met" + close;
        }
        return String.format(java.util.Locale.ROOT, "**missed** by %.0f%%%s", (r / target - 1) * 100, close);
    }

    /** Whether the target is set and met. */
    boolean met() {
        return hasTarget() && peer.isPresent() && ratio() <= target;
    }
}
