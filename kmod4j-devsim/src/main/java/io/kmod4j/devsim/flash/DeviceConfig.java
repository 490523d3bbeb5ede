package io.kmod4j.devsim.flash;

import io.kmod4j.devsim.fault.FaultPlan;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to build a {@link FlashDevice}. Immutable; the {@code with...} methods return copies.
 *
 * @param stateDir where the slots and the boot record live; created if missing
 * @param bindAddress where the device listens for TFTP; port 0 for an ephemeral port
 * @param trustedKey the Ed25519 key images must be signed with, or empty to accept unsigned ones
 * @param slotCapacity the largest image (header and payload) a slot holds, in bytes
 * @param selfTestDelay how long a trial boot takes before its self-test confirms or reverts it
 * @param retransmitTimeout the device's TFTP retransmission timeout
 * @param faults the faults to inject
 * @param initialImage an image to install into slot A when the state directory holds no boot
 *     record yet (a factory-fresh device)
 */
public record DeviceConfig(Path stateDir, InetSocketAddress bindAddress, Optional<PublicKey> trustedKey,
                           long slotCapacity, Duration selfTestDelay, Duration retransmitTimeout, FaultPlan faults,
                           Optional<Path> initialImage) {

    /** The default capacity of a slot: 64 MiB. */
    public static final long DEFAULT_SLOT_CAPACITY = 64L << 20;

    /** Checks the values. */
    public DeviceConfig {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(trustedKey, "trustedKey");
        Objects.requireNonNull(selfTestDelay, "selfTestDelay");
        Objects.requireNonNull(retransmitTimeout, "retransmitTimeout");
        Objects.requireNonNull(faults, "faults");
        Objects.requireNonNull(initialImage, "initialImage");
        if (slotCapacity < 128) {
            throw new IllegalArgumentException("slot capacity " + slotCapacity + " cannot hold an image header");
        }
        if (selfTestDelay.isNegative() || retransmitTimeout.isNegative() || retransmitTimeout.isZero()) {
            throw new IllegalArgumentException("negative delay or non-positive timeout");
        }
    }

    /**
     * @param stateDir the state directory
     * @return loopback, ephemeral port, no trusted key, 64 MiB slots, 200 ms self-test, 1 s
     *     timeout, no faults, no initial image
     */
    public static DeviceConfig of(Path stateDir) {
        return new DeviceConfig(stateDir, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Optional.empty(),
                DEFAULT_SLOT_CAPACITY, Duration.ofMillis(200), Duration.ofSeconds(1), FaultPlan.none(),
                Optional.empty());
    }

    /**

     * @param a the bind address

     * @return a copy

     */
    public DeviceConfig withBindAddress(InetSocketAddress a) {
        return new DeviceConfig(stateDir, a, trustedKey, slotCapacity, selfTestDelay, retransmitTimeout, faults,
                initialImage);
    }

    /**

     * @param key the trusted key

     * @return a copy

     */
    public DeviceConfig withTrustedKey(Optional<PublicKey> key) {
        return new DeviceConfig(stateDir, bindAddress, key, slotCapacity, selfTestDelay, retransmitTimeout, faults,
                initialImage);
    }

    /**

     * @param bytes slot capacity

     * @return a copy

     */
    public DeviceConfig withSlotCapacity(long bytes) {
        return new DeviceConfig(stateDir, bindAddress, trustedKey, bytes, selfTestDelay, retransmitTimeout, faults,
                initialImage);
    }

    /**

     * @param delay self-test delay

     * @return a copy

     */
    public DeviceConfig withSelfTestDelay(Duration delay) {
        return new DeviceConfig(stateDir, bindAddress, trustedKey, slotCapacity, delay, retransmitTimeout, faults,
                initialImage);
    }

    /**

     * @param timeout TFTP retransmission timeout

     * @return a copy

     */
    public DeviceConfig withRetransmitTimeout(Duration timeout) {
        return new DeviceConfig(stateDir, bindAddress, trustedKey, slotCapacity, selfTestDelay, timeout, faults,
                initialImage);
    }

    /**

     * @param plan faults

     * @return a copy

     */
    public DeviceConfig withFaults(FaultPlan plan) {
        return new DeviceConfig(stateDir, bindAddress, trustedKey, slotCapacity, selfTestDelay, retransmitTimeout, plan,
                initialImage);
    }

    /**

     * @param image initial image

     * @return a copy

     */
    public DeviceConfig withInitialImage(Optional<Path> image) {
        return new DeviceConfig(stateDir, bindAddress, trustedKey, slotCapacity, selfTestDelay, retransmitTimeout,
                faults, image);
    }
}
