package io.kmod4j.bench;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a figure measured by one benchmark method that runs both sides itself, in alternating
 * blocks within each operation, and reports each side's time through JMH
 * {@link org.openjdk.jmh.annotations.AuxCounters} of type {@code EVENTS}: {@link #ours()} and
 * {@link #peer()} name the counters holding each side's nanoseconds in an iteration, and
 * {@link #count()} the counter holding how many operations each side made in it.
 *
 * <p>{@link Figure} pairs two benchmark methods, which JMH measures in different forks one after
 * the other; this pairs two sides measured within the same second of the same fork, which is what
 * a few-percent target needs on a noisy machine. {@link io.kmod4j.bench.report.BenchReport} reports
 * each side's median time per operation over all iterations and, as the ratio, the median over
 * iterations of ours / peer in that iteration, with the quartiles of those ratios as its spread.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Interleaved {

    /** The counter with our side's nanoseconds per iteration. */
    String ours();

    /** The counter with the peer's nanoseconds per iteration. */
    String peer();

    /** The counter with how many operations each side made per iteration (the same for both). */
    String count();

    /** The largest acceptable ratio ours/peer; {@link Figure#NO_TARGET} for none. */
    double target() default Figure.NO_TARGET;

    /** One line for the report: what this figure compares, in words. */
    String what();
}
