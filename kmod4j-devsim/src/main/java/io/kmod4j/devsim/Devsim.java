package io.kmod4j.devsim;

import io.kmod4j.devsim.fault.FaultPlan;
import io.kmod4j.devsim.flash.DeviceConfig;
import io.kmod4j.devsim.flash.FlashDevice;
import io.kmod4j.devsim.image.ImageKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The device simulator's command line: runs an emulated flash device as its own process (or inside
 * another command, such as {@code kmod4j devsim ...}, which passes its arguments through).
 *
 * <p>On start it prints one line that scripts parse:
 * <pre>devsim: flash device listening on tftp://127.0.0.1:PORT state=DIR</pre>
 * then serves until the process is killed or the calling thread is interrupted. See {@link
 * #usage()} for the options. The parser is self-contained (no library).
 */
public final class Devsim {

    /** Exit code: success, or {@code --help}. */
    public static final int EXIT_OK = 0;
    /** Exit code: the device failed to start. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code: the arguments are wrong. */
    public static final int EXIT_USAGE = 2;

    private Devsim() {
    }

    /**
     * @return the help text
     */
    public static String usage() {
        return """
                usage: devsim --state DIR [options]
                Runs an emulated A/B flash device behind TFTP (write 'firmware', read 'status').

                  --state DIR             state directory: slots and boot record (created if missing)
                  --address HOST          address to listen on (default 127.0.0.1)
                  --port N                UDP port, 0 for an ephemeral one (default 0)
                  --trusted-key FILE      Ed25519 public key (PEM or DER); only images it signed are accepted
                  --image FILE            image to install in slot A when the state directory is new
                  --slot-size SIZE        capacity of each slot, e.g. 64M (default 64M)
                  --self-test-delay DUR   trial boot time before the self-test, e.g. 200ms (default 200ms)
                  --timeout DUR           TFTP retransmission timeout (default 1s)
                  --fault SPEC            inject a fault; repeatable:
                                            drop|dup:in|out:N or :p=P      delay:in|out:N|p=P:DUR
                                            hold-ack:K:DUR                 corrupt-block:K
                                            power-cut-at-block:N           power-cut-in-switch
                                            slow-switch:DUR
                                            busy[:COUNT]                   refuse:ERROR[@block=N]
                                            self-test-fail
                                          ERROR is an fw_upload error: hw-error, timeout, user-abort,
                                          device-busy, invalid-file-size, read-write-error,
                                          flash-wearout, firmware-invalid
                  --seed N                seed for probabilistic faults (default 0)
                  -h, --help              print this help
                """;
    }

    /**
     * Parses the arguments, starts the device, prints its address line, and serves until the
     * calling thread is interrupted (then powers the device off and returns {@link #EXIT_OK}).
     *
     * @param args the command line, without the program name
     * @param out where the address line, help and errors go
     * @return an exit code: {@link #EXIT_OK}, {@link #EXIT_USAGE} or {@link #EXIT_FAILURE}
     */
    public static int run(String[] args, PrintStream out) {
        Running running;
        try {
            Optional<Running> r = start(args, out);
            if (r.isEmpty()) {
                return EXIT_OK; // --help
            }
            running = r.get();
        } catch (IllegalArgumentException e) {
            out.println("devsim: error: " + e.getMessage());
            out.println("try 'devsim --help'");
            return EXIT_USAGE;
        } catch (IOException e) {
            out.println("devsim: error: " + e.getMessage());
            return EXIT_FAILURE;
        }
        try (running) {
            running.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return EXIT_OK;
    }

    /**
     * A device started from a command line; closing it powers the device off.
     */
    public static final class Running implements AutoCloseable {
        private final FlashDevice device;
        private final CountDownLatch stopped = new CountDownLatch(1);

        private Running(FlashDevice device) {
            this.device = device;
        }

        /** @return the device */
        public FlashDevice device() {
            return device;
        }

        /**
         * Blocks until {@link #close()} is called from another thread.
         *
         * @throws InterruptedException if the waiting thread is interrupted
         */
        public void awaitStop() throws InterruptedException {
            stopped.await();
        }

        /** Powers the device off and releases its port. Idempotent. */
        @Override
        public void close() {
            device.close();
            stopped.countDown();
        }
    }

    /**
     * Parses the arguments and starts the device without blocking.
     *
     * @param args the command line
     * @param out where the address line and help go
     * @return the running device, or empty if {@code --help} was asked for (help printed)
     * @throws IllegalArgumentException if the arguments are wrong (the message says which)
     * @throws IOException if the device cannot start
     */
    public static Optional<Running> start(String[] args, PrintStream out) throws IOException {
        Path state = null;
        String host = "127.0.0.1";
        int port = 0;
        Optional<Path> trustedKey = Optional.empty();
        Optional<Path> image = Optional.empty();
        long slotSize = DeviceConfig.DEFAULT_SLOT_CAPACITY;
        Duration selfTest = Duration.ofMillis(200);
        Duration timeout = Duration.ofSeconds(1);
        List<String> faults = new ArrayList<>();
        long seed = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "-h", "--help" -> {
                    out.print(usage());
                    return Optional.empty();
                }
                case "--state" -> state = Path.of(value != null ? value : next(args, ++i, a));
                case "--address" -> host = value != null ? value : next(args, ++i, a);
                case "--port" -> port = parsePort(value != null ? value : next(args, ++i, a));
                case "--trusted-key" -> trustedKey = Optional.of(Path.of(value != null ? value : next(args, ++i, a)));
                case "--image" -> image = Optional.of(Path.of(value != null ? value : next(args, ++i, a)));
                case "--slot-size" -> slotSize = parseSize(value != null ? value : next(args, ++i, a));
                case "--self-test-delay" -> selfTest = parseDuration(a, value != null ? value : next(args, ++i, a));
                case "--timeout" -> timeout = parseDuration(a, value != null ? value : next(args, ++i, a));
                case "--fault" -> faults.add(value != null ? value : next(args, ++i, a));
                case "--seed" -> seed = parseLong(a, value != null ? value : next(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        if (state == null) {
            throw new IllegalArgumentException("--state DIR is required");
        }
        if (timeout.isZero()) {
            throw new IllegalArgumentException("--timeout must be positive");
        }
        FaultPlan plan = FaultPlan.parse(faults, seed);
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--address: unknown host '" + host + "'");
        }
        DeviceConfig config = DeviceConfig.of(state)
                .withBindAddress(new InetSocketAddress(address, port))
                .withTrustedKey(trustedKey.isPresent() ? Optional.of(ImageKeys.readPublicKey(trustedKey.get()))
                        : Optional.empty())
                .withSlotCapacity(slotSize)
                .withSelfTestDelay(selfTest)
                .withRetransmitTimeout(timeout)
                .withFaults(plan)
                .withInitialImage(image);
        FlashDevice device = FlashDevice.start(config);
        InetSocketAddress bound = device.address();
        out.println("devsim: flash device listening on tftp://" + bound.getAddress().getHostAddress() + ":"
                + bound.getPort() + " state=" + state.toAbsolutePath());
        out.println("devsim: active slot " + device.status().activeSlot().map(Enum::name).orElse("none")
                + ", version " + device.status().activeVersion().map(Object::toString).orElse("none")
                + (plan.describe().isEmpty() ? "" : ", faults " + String.join(" ", plan.describe())));
        out.flush();
        return Optional.of(new Running(device));
    }

    private static String next(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int parsePort(String s) {
        long p = parseLong("--port", s);
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("--port " + s + " is not 0..65535");
        }
        return (int) p;
    }

    private static long parseLong(String option, String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + s + "' is not a number");
        }
    }

    private static Duration parseDuration(String option, String s) {
        try {
            return FaultPlan.duration(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + ": '" + s + "' is not a duration like 200ms or 2s");
        }
    }

    static long parseSize(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G")) {
            unit = switch (t.charAt(t.length() - 1)) {
                case 'K' -> 1L << 10;
                case 'M' -> 1L << 20;
                default -> 1L << 30;
            };
            t = t.substring(0, t.length() - 1);
        }
        long n = parseLong("--slot-size", t);
        if (n <= 0) {
            throw new IllegalArgumentException("--slot-size must be positive");
        }
        return n * unit;
    }
}
