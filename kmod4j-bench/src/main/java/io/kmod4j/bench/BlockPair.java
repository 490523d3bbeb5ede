package io.kmod4j.bench;

/**
 * The timing that the interleaved benchmarks share: one block of our side and one of the peer's,
 * each timed on its own, in an order that alternates from one call to the next, so that neither
 * side always follows the other's wake-ups. See {@link Interleaved} and decision 0014.
 *
 * <p>One instance per benchmark thread (it lives in the benchmark's per-thread counters); not
 * thread-safe.
 */
final class BlockPair {

    /** A block of {@code n} operations of one side. */
    @FunctionalInterface
    interface Block {
        void run(int n) throws Exception;
    }

    private boolean oursFirst;
    private long oursNs;
    private long peerNs;

    /** Runs both blocks of {@code n} operations, ours first every other call. */
    void run(Block ours, Block peer, int n) throws Exception {
        boolean first = oursFirst = !oursFirst;
        long t0 = System.nanoTime();
        (first ? ours : peer).run(n);
        long t1 = System.nanoTime();
        (first ? peer : ours).run(n);
        long t2 = System.nanoTime();
        oursNs = first ? t1 - t0 : t2 - t1;
        peerNs = first ? t2 - t1 : t1 - t0;
    }

    /** Our block's time in the last {@link #run}, in nanoseconds. */
    long oursNs() {
        return oursNs;
    }

    /** The peer's block's time in the last {@link #run}, in nanoseconds. */
    long peerNs() {
        return peerNs;
    }
}
