package io.kmod4j.bench;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a benchmark method is one of kmod4j's figures: its score is reported as a ratio
 * against a JDK peer, another benchmark method of the same class measured in the same run with the
 * same {@code @Param} values.
 *
 * <p>This is the only place where a benchmark is paired with its peer and given a target;
 * {@link io.kmod4j.bench.report.BenchReport} reads these annotations, so a new figure needs no
 * change to the report. A method may carry several (one per peer).
 *
 * <p>Ratios are "ours / peer" of time per operation (lower is better), so a target of 1.05 means
 * "at most 5% slower than the peer". For a throughput benchmark the report inverts the scores so
 * that the ratio keeps this meaning.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(Figure.List.class)
public @interface Figure {

    /** Sentinel for {@link #target()}: the ratio is reported for information only. */
    double NO_TARGET = Double.NaN;

    /** The name of the peer's benchmark method in the same class. */
    String peer();

    /** The largest acceptable ratio ours/peer of time per operation; {@link #NO_TARGET} for none. */
    double target() default NO_TARGET;

    /** One line for the report: what this figure compares, in words. */
    String what();

    /** Holder for several figures on one method. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface List {
        Figure[] value();
    }
}
