/**
 * kmod4j's concurrency suites: jcstress tests of {@link io.kmod4j.sync.Completion} ({@code sync})
 * and {@link io.kmod4j.kthread.KThread} ({@code kthread}), their canaries ({@code canary}), and, in
 * the test sources, Lincheck's linearizability check of Completion. See {@code docs/stress.md} for
 * which tool covers what and why, and {@code ./build stress} to run them.
 */
package io.kmod4j.stress;
