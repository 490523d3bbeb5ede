/**
 * The driver core ({@code drivers/base}): the platform bus, matching, probe and remove with
 * Linux's outcomes, deferred and asynchronous probing, managed resources (devres) and autoload.
 * {@link io.kmod4j.runtime.driver.DriverCore} is the entry point; the {@code Kernel} wires it.
 */
package io.kmod4j.runtime.driver;
