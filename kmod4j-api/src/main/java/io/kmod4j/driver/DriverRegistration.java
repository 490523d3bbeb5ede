package io.kmod4j.driver;

/**
 * A registered driver ({@code driver_register}); closing it unregisters the driver
 * ({@code driver_unregister}), which first unbinds it from every device (remove, then managed
 * resources). A module's drivers are unregistered at {@code rmmod} if it left them registered.
 * Idempotent; blocks while probes and removes of this driver finish.
 */
public interface DriverRegistration extends AutoCloseable {

    /** The driver's name. */
    String name();

    @Override
    void close();
}
