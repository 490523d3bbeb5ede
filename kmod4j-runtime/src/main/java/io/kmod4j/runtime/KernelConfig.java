package io.kmod4j.runtime;

import io.kmod4j.internal.Scheduler;
import io.kmod4j.log.LogRing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * How to boot a {@link Kernel}. Immutable; build one with {@link #builder()}.
 *
 * @param log the ring printk and dmesg use; {@code null} for a new one
 * @param scheduler clock and timer for delayed work and timers; {@code null} for the system clock
 * @param workers where work items run; {@code null} for one virtual thread per item
 * @param unloadTimeout default deadline for a module's exit and what it owns to stop
 * @param threadLimitPerModule most live kthreads one module may own (creation beyond: EAGAIN)
 * @param moduleDir where {@code modprobe} looks for modules and {@code depmod}'s index
 * @param verification how rmmod proves a class loader collected, unless told otherwise
 * @param maxCollections garbage collections tried before a loader is declared leaked
 * @param verifyBatchWindow the longest an asynchronously verified unload waits for others to share
 *     its collection (a batch is collected earlier, 10 ms after the last unload of a burst)
 * @param slf4j whether to copy every log line to SLF4J (if SLF4J is on the class path)
 * @param devicesFile platform devices to add at boot; {@code null} for none
 * @param asyncProbeParallelism how many asynchronous probes may run at once
 * @param deferredProbeTimeout how long a device may stay deferred before it is reported
 * @param autoload whether a device nobody drives makes the kernel modprobe its aliases
 * @param firmware where firmware is looked up and how ({@code null}: the defaults, roots
 *     {@code ./firmware} and {@code /lib/firmware})
 */
public record KernelConfig(
        LogRing log,
        Scheduler scheduler,
        Executor workers,
        Duration unloadTimeout,
        int threadLimitPerModule,
        Path moduleDir,
        RmmodOptions.Verification verification,
        int maxCollections,
        Duration verifyBatchWindow,
        boolean slf4j,
        Path devicesFile,
        int asyncProbeParallelism,
        Duration deferredProbeTimeout,
        boolean autoload,
        io.kmod4j.runtime.firmware.FirmwareConfig firmware) {

    public KernelConfig {
        Objects.requireNonNull(unloadTimeout, "unloadTimeout");
        Objects.requireNonNull(moduleDir, "moduleDir");
        Objects.requireNonNull(verification, "verification");
        Objects.requireNonNull(verifyBatchWindow, "verifyBatchWindow");
        if (verifyBatchWindow.isNegative()) {
            throw new IllegalArgumentException("verifyBatchWindow must not be negative, was " + verifyBatchWindow);
        }
        if (threadLimitPerModule < 1) {
            throw new IllegalArgumentException("threadLimitPerModule must be at least 1");
        }
        if (maxCollections < 1) {
            throw new IllegalArgumentException("maxCollections must be at least 1");
        }
        if (asyncProbeParallelism < 1) {
            throw new IllegalArgumentException("asyncProbeParallelism must be at least 1");
        }
        Objects.requireNonNull(deferredProbeTimeout, "deferredProbeTimeout");
    }

    /**
     * The defaults: 10 s unload deadline, 1024 kthreads per module, ./modules, synchronous proof,
     * 250 ms verification batch window, no devices file, 256 parallel async probes, 10 s deferred-probe timeout, autoload on.
     */
    public static KernelConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link KernelConfig}. */
    public static final class Builder {
        private LogRing log;
        private Scheduler scheduler;
        private Executor workers;
        private Duration unloadTimeout = Duration.ofSeconds(10);
        private int threadLimitPerModule = 1024;
        private Path moduleDir = Path.of("modules");
        private RmmodOptions.Verification verification = RmmodOptions.Verification.SYNC;
        private int maxCollections = io.kmod4j.runtime.unload.LoaderVerifier.DEFAULT_MAX_COLLECTIONS;
        private Duration verifyBatchWindow = Duration.ofMillis(250);
        private boolean slf4j;
        private Path devicesFile;
        private int asyncProbeParallelism = 256;
        private Duration deferredProbeTimeout = Duration.ofSeconds(10);
        private boolean autoload = true;
        private io.kmod4j.runtime.firmware.FirmwareConfig firmware;

        public Builder log(LogRing log) {
            this.log = log;
            return this;
        }

        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        public Builder workers(Executor workers) {
            this.workers = workers;
            return this;
        }

        public Builder unloadTimeout(Duration d) {
            this.unloadTimeout = d;
            return this;
        }

        public Builder threadLimitPerModule(int n) {
            this.threadLimitPerModule = n;
            return this;
        }

        public Builder moduleDir(Path dir) {
            this.moduleDir = dir;
            return this;
        }

        public Builder verification(RmmodOptions.Verification v) {
            this.verification = v;
            return this;
        }

        public Builder maxCollections(int n) {
            this.maxCollections = n;
            return this;
        }

        public Builder verifyBatchWindow(Duration d) {
            this.verifyBatchWindow = d;
            return this;
        }

        public Builder slf4j(boolean on) {
            this.slf4j = on;
            return this;
        }

        public Builder devicesFile(Path file) {
            this.devicesFile = file;
            return this;
        }

        public Builder asyncProbeParallelism(int n) {
            this.asyncProbeParallelism = n;
            return this;
        }

        public Builder deferredProbeTimeout(Duration d) {
            this.deferredProbeTimeout = d;
            return this;
        }

        public Builder autoload(boolean on) {
            this.autoload = on;
            return this;
        }

        public Builder firmware(io.kmod4j.runtime.firmware.FirmwareConfig config) {
            this.firmware = config;
            return this;
        }

        public KernelConfig build() {
            return new KernelConfig(log, scheduler, workers, unloadTimeout, threadLimitPerModule, moduleDir,
                    verification, maxCollections, verifyBatchWindow, slf4j, devicesFile, asyncProbeParallelism,
                    deferredProbeTimeout, autoload, firmware);
        }
    }
}
