package io.kmod4j.bench.report;

import io.kmod4j.bench.Figure;
import java.util.Optional;

/**
 * One figure of the report: our benchmark, its peer from the same run, the ratio and the verdict.
 *
 * @param what the figure's description from its {@link Figure}
 * @param ours our result
 * @param peerName the peer method's name as declared
 * @param peer the peer's result, if it was measured in the same run with the same parameters
 * @param target the largest acceptable ratio, NaN for information only
 */
record FigureRow(String what, JmhResult ours, String peerName, Optional<JmhResult> peer, double target) {

    /**
     * Ours over peer, of time per operation, from the two medians of the measurement iterations;
     * NaN without a peer.
     */
    double ratio() {
        return peer.map(p -> ours.isThroughput() ? p.median() / ours.median() : ours.median() / p.median())
                .orElse(Double.NaN);
    }

    /**
     * The ratio's uncertainty: the two 99.9% half-widths combined in quadrature, relative to
     * their scores (first-order propagation for a quotient), applied to the ratio of medians.
     * NaN when either is unknown.
     */
    double ratioError() {
        if (peer.isEmpty()) {
            return Double.NaN;
        }
        JmhResult p = peer.get();
        double a = ours.error() / ours.score();
        double b = p.error() / p.score();
        return ratio() * Math.sqrt(a * a + b * b);
    }

    /** Whether a target is set. */
    boolean hasTarget() {
        return !Double.isNaN(target);
    }

    /** "met", "missed by 12%", "info", or "no peer", with "(within error)" when the interval straddles the target. */
    String verdict() {
        if (peer.isEmpty()) {
            return "no peer in this run";
        }
        if (!hasTarget()) {
            return "info";
        }
        double r = ratio();
        double e = ratioError();
        String close = !Double.isNaN(e) && r - e <= target && target <= r + e ? " (within error)" : "";
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
