/**
 * jcstress tests of {@link io.kmod4j.kthread.KThread}: stop versus first run and stop versus exit
 * ({@code KThreadStop}), park versus stop ({@code KThreadPark}).
 */
package io.kmod4j.stress.kthread;
