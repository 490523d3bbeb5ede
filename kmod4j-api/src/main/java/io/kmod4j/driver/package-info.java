/**
 * The driver model: {@link io.kmod4j.driver.Driver}s bind to {@link io.kmod4j.driver.Device}s on
 * a bus by matching {@link io.kmod4j.driver.DeviceId}s ({@code drivers/base}). Drivers are
 * registered from a module's init through {@code ModuleContext.registerDriver}.
 */
package io.kmod4j.driver;
