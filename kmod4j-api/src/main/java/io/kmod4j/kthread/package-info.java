/**
 * Kernel threads: {@link io.kmod4j.kthread.KThread}, Linux's {@code kthread_*} API on Java
 * threads, with handles that never dangle.
 */
package io.kmod4j.kthread;
