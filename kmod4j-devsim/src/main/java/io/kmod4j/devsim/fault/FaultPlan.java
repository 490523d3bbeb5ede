package io.kmod4j.devsim.fault;

import io.kmod4j.devsim.flash.FwUploadError;
import io.kmod4j.tftp.DatagramTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deterministic, scriptable faults for the emulated flash device, from the test API ({@link
 * #builder()}) or from command-line specs ({@link #parse}).
 *
 * <h2>Datagram faults</h2>
 * Apply to every transfer the device serves (uploads and status reads), counting datagrams per
 * transfer and per direction from 0 ({@code in}: received by the device, {@code out}: sent by
 * it; the request itself arrives on the listening port and is not counted). Each matches either
 * one index or, with a probability, any datagram; probabilities draw from a {@link
 * java.util.Random} seeded with the plan's seed and the transfer's number, so a run repeats
 * exactly.
 *
 * <h2>Device faults</h2>
 * Each fires once, the first time its condition is met, and stays spent across {@code restart()}
 * (the plan belongs to whoever drives the device, not to the device's memory).
 *
 * <h2>Spec syntax ({@code --fault SPEC}, repeatable)</h2>
 * <pre>
 * drop:in|out:N            drop the N-th datagram        drop:out:p=0.05   each with probability
 * dup:in|out:N             send or deliver it twice      dup:in:p=0.1
 * delay:in|out:N:DURATION  hold it back, e.g. 300ms, 2s  delay:out:p=0.1:50ms
 * hold-ack:K:DURATION      hold back the device's first ACK of block number K
 * corrupt-block:K          flip a byte of data block K as it is written to flash
 * power-cut-at-block:N     cut power when data block N arrives, before it is written
 * power-cut-in-switch      cut power halfway through writing the boot record
 * slow-switch:DURATION     stay in the switching state that long before writing the boot record
 * busy[:COUNT]             refuse the next COUNT (default 1) uploads with device-busy
 * refuse:ERROR[@block=N]   refuse the next upload with an fw_upload error, at the request or at block N
 * self-test-fail           the next trial boot fails its self-test and reverts
 * </pre>
 * Thread-safe: the device consults it from its transfer threads.
 */
public final class FaultPlan {

    /** Which way a datagram goes, seen from the device. */
    public enum Direction {
        /** Received by the device. */
        IN,
        /** Sent by the device. */
        OUT
    }

    /** What happens to a matched datagram. */
    public enum Action {
        /** It is lost. */
        DROP,
        /** It goes twice. */
        DUPLICATE,
        /** It goes late. */
        DELAY
    }

    /**
     * One datagram fault.
     *
     * @param direction in or out
     * @param action drop, duplicate or delay
     * @param index the datagram's 0-based index in its transfer and direction, or -1 to use
     *     {@code probability}
     * @param probability chance per datagram, 0..1, when index is -1
     * @param delay how long to hold back, for {@link Action#DELAY}
     */
    public record DatagramRule(Direction direction, Action action, long index, double probability, Duration delay) {
        /** Checks the values. */
        public DatagramRule {
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(delay, "delay");
            if (index < -1 || (index == -1 && !(probability >= 0 && probability <= 1))) {
                throw new IllegalArgumentException("index " + index + ", probability " + probability);
            }
        }
    }

    private final List<DatagramRule> rules;
    private final int holdAckBlock;
    private final Duration holdAckDelay;
    private final long seed;
    private final long corruptBlock;
    private final long powerCutAtBlock;
    private final AtomicBoolean powerCutInSwitch;
    private final Duration slowSwitch;
    private final AtomicInteger busy;
    private final AtomicBoolean corruptPending;
    private final AtomicBoolean powerCutPending;
    private final AtomicBoolean selfTestFail;
    private final AtomicLong transfers = new AtomicLong();
    private final Optional<FwUploadError> refuse;
    private final long refuseAtBlock;
    private final AtomicBoolean refusePending;
    private final List<String> specs;

    private FaultPlan(Builder b) {
        this.rules = List.copyOf(b.rules);
        this.holdAckBlock = b.holdAckBlock;
        this.holdAckDelay = b.holdAckDelay;
        this.seed = b.seed;
        this.corruptBlock = b.corruptBlock;
        this.powerCutAtBlock = b.powerCutAtBlock;
        this.powerCutInSwitch = new AtomicBoolean(b.powerCutInSwitch);
        this.slowSwitch = b.slowSwitch;
        this.busy = new AtomicInteger(b.busy);
        this.corruptPending = new AtomicBoolean(b.corruptBlock > 0);
        this.powerCutPending = new AtomicBoolean(b.powerCutAtBlock > 0);
        this.selfTestFail = new AtomicBoolean(b.selfTestFail);
        this.refuse = b.refuse;
        this.refuseAtBlock = b.refuseAtBlock;
        this.refusePending = new AtomicBoolean(b.refuse.isPresent());
        this.specs = List.copyOf(b.specs);
    }

    /** @return a plan without faults */
    public static FaultPlan none() {
        return builder().build();
    }

    /** @return an empty builder, seed 0 */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses command-line fault specs (see the class comment).
     *
     * @param specs one spec per {@code --fault}
     * @param seed the seed for probabilistic faults
     * @return the plan
     * @throws IllegalArgumentException naming the spec that does not parse
     */
    public static FaultPlan parse(List<String> specs, long seed) {
        Builder b = builder().seed(seed);
        for (String spec : specs) {
            try {
                b.spec(spec);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad --fault '" + spec + "': " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /** @return the specs this plan was built from, for logs */
    public List<String> describe() {
        return specs;
    }

    /**
     * Wraps a transport factory so that every transport it opens suffers this plan's datagram
     * faults. The first transport opened (the listening port) is left alone.
     *
     * @param inner the real factory
     * @return the faulting factory
     */
    public DatagramTransport.Factory wrap(DatagramTransport.Factory inner) {
        if (rules.isEmpty() && holdAckBlock < 0) {
            return inner;
        }
        AtomicBoolean first = new AtomicBoolean(true);
        return local -> {
            DatagramTransport t = inner.open(local);
            if (first.getAndSet(false)) {
                return t;
            }
            return new FaultingTransport(t, rules, holdAckBlock, holdAckDelay,
                    new java.util.Random(seed * 1_000_003L + transfers.getAndIncrement()));
        };
    }

    // ---------------------------------------------------------------------------------------
    // Device faults: each take... call consumes the fault if it fires.

    /** @return true if this upload is to be refused with device-busy */
    public boolean takeBusy() {
        return busy.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    /** @return the error to refuse this upload's request with, if any */
    public Optional<FwUploadError> takeRefusalAtRequest() {
        if (refuseAtBlock <= 0 && refusePending.compareAndSet(true, false)) {
            return refuse;
        }
        return Optional.empty();
    }

    /**

     * @param block absolute data block number

     * @return the error to stop at this block with, if any

     */
    public Optional<FwUploadError> takeRefusalAtBlock(long block) {
        if (refuseAtBlock > 0 && block == refuseAtBlock && refusePending.compareAndSet(true, false)) {
            return refuse;
        }
        return Optional.empty();
    }

    /**

     * @param block absolute data block number

     * @return true if this block is to be corrupted

     */
    public boolean takeCorruption(long block) {
        return block == corruptBlock && corruptPending.compareAndSet(true, false);
    }

    /**

     * @param block absolute data block number

     * @return true if power is to be cut now

     */
    public boolean takePowerCutAtBlock(long block) {
        return block == powerCutAtBlock && powerCutPending.compareAndSet(true, false);
    }

    /** @return true if power is to be cut in the middle of writing the boot record */
    public boolean takePowerCutInSwitch() {
        return powerCutInSwitch.compareAndSet(true, false);
    }

    /**
     * @return how long every switch lingers in the {@code switching} state (zero unless {@code
     *     slow-switch} was given): lets a driver's test see the critical section and its EBUSY
     */
    public Duration switchDelay() {
        return slowSwitch;
    }

    /** @return true if this self-test is to fail */
    public boolean takeSelfTestFailure() {
        return selfTestFail.compareAndSet(true, false);
    }

    /** Builds a {@link FaultPlan}. Not thread-safe. */
    public static final class Builder {
        private final List<DatagramRule> rules = new ArrayList<>();
        private final List<String> specs = new ArrayList<>();
        private int holdAckBlock = -1;
        private Duration holdAckDelay = Duration.ZERO;
        private long seed;
        private long corruptBlock = -1;
        private long powerCutAtBlock = -1;
        private boolean powerCutInSwitch;
        private Duration slowSwitch = Duration.ZERO;
        private int busy;
        private boolean selfTestFail;
        private Optional<FwUploadError> refuse = Optional.empty();
        private long refuseAtBlock = -1;

        private Builder() {
        }

        /**

         * @param seed for probabilistic faults

         * @return this

         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**

         * @param rule a datagram fault

         * @return this

         */
        public Builder datagram(DatagramRule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            specs.add(rule.toString());
            return this;
        }

        /**

         * @param block the wire block number K

         * @param delay how long

         * @return this

         */
        public Builder holdAck(int block, Duration delay) {
            this.holdAckBlock = block;
            this.holdAckDelay = delay;
            specs.add("hold-ack:" + block + ":" + delay);
            return this;
        }

        /**

         * @param block absolute data block, 1-based

         * @return this

         */
        public Builder corruptBlock(long block) {
            this.corruptBlock = positive(block);
            specs.add("corrupt-block:" + block);
            return this;
        }

        /**

         * @param block absolute data block, 1-based

         * @return this

         */
        public Builder powerCutAtBlock(long block) {
            this.powerCutAtBlock = positive(block);
            specs.add("power-cut-at-block:" + block);
            return this;
        }

        /** @return this, with a power cut halfway through the next boot-record write of a switch */
        public Builder powerCutInSwitch() {
            this.powerCutInSwitch = true;
            specs.add("power-cut-in-switch");
            return this;
        }

        /**

         * @param delay how long each switch stays in the switching state

         * @return this

         */
        public Builder slowSwitch(Duration delay) {
            this.slowSwitch = delay;
            specs.add("slow-switch:" + delay);
            return this;
        }

        /**

         * @param count uploads to refuse with device-busy

         * @return this

         */
        public Builder busy(int count) {
            this.busy = count;
            specs.add("busy:" + count);
            return this;
        }

        /**

         * @param error refuse the next upload's request with it

         * @return this

         */
        public Builder refuse(FwUploadError error) {
            this.refuse = Optional.of(error);
            this.refuseAtBlock = -1;
            specs.add("refuse:" + error.wireName());
            return this;
        }

        /**

         * @param error stop the next upload with it

         * @param block at this data block

         * @return this

         */
        public Builder refuseAtBlock(FwUploadError error, long block) {
            this.refuse = Optional.of(error);
            this.refuseAtBlock = positive(block);
            specs.add("refuse:" + error.wireName() + "@block=" + block);
            return this;
        }

        /** @return this, with the next self-test failing */
        public Builder failSelfTest() {
            this.selfTestFail = true;
            specs.add("self-test-fail");
            return this;
        }

        /**

         * @param spec one spec in the syntax of the class comment

         * @return this

         */
        public Builder spec(String spec) {
            String[] p = spec.trim().toLowerCase(Locale.ROOT).split(":");
            switch (p[0]) {
                case "drop", "dup", "delay" -> {
                    Action action = switch (p[0]) {
                        case "drop" -> Action.DROP;
                        case "dup" -> Action.DUPLICATE;
                        default -> Action.DELAY;
                    };
                    int expected = action == Action.DELAY ? 4 : 3;
                    if (p.length != expected) {
                        throw new IllegalArgumentException("expected " + (expected - 1) + " fields after '" + p[0] + "'");
                    }
                    Direction d = switch (p[1]) {
                        case "in" -> Direction.IN;
                        case "out" -> Direction.OUT;
                        default -> throw new IllegalArgumentException("direction must be in or out, not " + p[1]);
                    };
                    Duration delay = action == Action.DELAY ? duration(p[3]) : Duration.ZERO;
                    if (p[2].startsWith("p=")) {
                        rules.add(new DatagramRule(d, action, -1, Double.parseDouble(p[2].substring(2)), delay));
                    } else {
                        rules.add(new DatagramRule(d, action, Long.parseLong(p[2]), 0, delay));
                    }
                }
                case "hold-ack" -> {
                    need(p, 3);
                    holdAckBlock = Integer.parseInt(p[1]);
                    holdAckDelay = duration(p[2]);
                }
                case "corrupt-block" -> {
                    need(p, 2);
                    corruptBlock = positive(Long.parseLong(p[1]));
                }
                case "power-cut-at-block" -> {
                    need(p, 2);
                    powerCutAtBlock = positive(Long.parseLong(p[1]));
                }
                case "power-cut-in-switch" -> {
                    need(p, 1);
                    powerCutInSwitch = true;
                }
                case "slow-switch" -> {
                    need(p, 2);
                    slowSwitch = duration(p[1]);
                }
                case "busy" -> busy = p.length == 1 ? 1 : Integer.parseInt(p[1]);
                case "self-test-fail" -> {
                    need(p, 1);
                    selfTestFail = true;
                }
                case "refuse" -> {
                    need(p, 2);
                    String[] at = p[1].split("@block=");
                    refuse = Optional.of(FwUploadError.byName(at[0]).orElseThrow(() -> new IllegalArgumentException(
                            "unknown fw_upload error '" + at[0] + "'")));
                    refuseAtBlock = at.length == 2 ? positive(Long.parseLong(at[1])) : -1;
                }
                default -> throw new IllegalArgumentException("unknown fault '" + p[0] + "'");
            }
            specs.add(spec.trim());
            return this;
        }

        /** @return the plan */
        public FaultPlan build() {
            return new FaultPlan(this);
        }

        private static void need(String[] p, int n) {
            if (p.length != n) {
                throw new IllegalArgumentException("expected " + (n - 1) + " field(s) after '" + p[0] + "'");
            }
        }

        private static long positive(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("block numbers start at 1, not " + n);
            }
            return n;
        }
    }

    /**
     * Parses {@code 250ms}, {@code 2s}, {@code 1m}, {@code 1h} or an ISO-8601 duration.
     *
     * @param text the duration
     * @return it
     * @throws IllegalArgumentException if it does not parse or is negative
     */
    public static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Duration d;
        if (t.endsWith("ms")) {
            d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        } else if (t.endsWith("s")) {
            d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        } else if (t.endsWith("m") && !t.startsWith("p")) {
            d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
        } else if (t.endsWith("h") && !t.startsWith("p")) {
            d = Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
        } else {
            d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration " + text);
        }
        return d;
    }
}
