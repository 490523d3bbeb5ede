package io.kmod4j.runtime.firmware;

import java.time.Duration;

/**
 * A request waiting for the fallback loader ({@code /sys/class/firmware/NAME/}): what
 * {@code kmod4j fw pending} lists and {@code kmod4j fw load NAME FILE} answers.
 *
 * @param name the firmware name asked for
 * @param device the device of the request that started the wait, or {@code ""} for none
 * @param waiters how many requests wait for this name
 * @param waited how long the first has waited so far
 * @param timeout how long it waits in all; {@link Duration#ZERO} for no limit
 */
public record PendingFallback(String name, String device, int waiters, Duration waited, Duration timeout) {}
