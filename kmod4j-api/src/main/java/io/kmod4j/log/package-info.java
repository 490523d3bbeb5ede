/**
 * The kernel log: the ring buffer behind {@link io.kmod4j.Printk} and {@code dmesg}.
 */
package io.kmod4j.log;
