package io.kmod4j.runtime.unload;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Proves that a module's class loader is gone: step 5 of the unload protocol.
 *
 * <p>The proof is a weak reference that the garbage collector clears: once it is cleared no
 * strong path leads to the loader, so none of its classes can run again. Getting there needs a
 * collection, which costs (a full collection on a small heap is milliseconds to a few hundred
 * of them). Two ways to pay:
 * <ul>
 *   <li>{@link #verifyNow}: collect up to {@code maxCollections} times, waiting after each for the
 *       reference to be cleared; for {@code rmmod} that must answer before it returns.
 *   <li>{@link #watch}: queue the loader and let the background verifier prove many unloads with
 *       one collection per batch; the future completes with the verdict.
 * </ul>
 *
 * <p>Thread-safe. The background thread is a daemon, owns no module code and is started on first
 * use; {@link #close()} stops it and completes pending futures with {@code false}.
 */
public final class LoaderVerifier implements AutoCloseable {

    /**
     * Collections tried before a loader is declared not collected. With the backoff between them
     * (50 ms doubling, see {@link #backoff}) a loader gets about 6.4 s: six (1.6 s) gave false
     * "not collected" verdicts on a loaded two-core machine, 2 in 500 soak unloads, whose loaders
     * were collected seconds later (decision 0005).
     */
    public static final int DEFAULT_MAX_COLLECTIONS = 8;

    /** The quiet period when none is given: a burst of unloads has ended after this long without one. */
    public static final Duration DEFAULT_QUIET = Duration.ofMillis(10);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final List<Pending> pending = new ArrayList<>(); // guarded by lock
    private final int maxCollections;
    private final long windowNanos;
    private final long quietNanos;
    private final Runnable collector;
    private long lastArrival;                                 // guarded by lock
    private long collections;                                 // guarded by lock
    private long lastCollectionEnd;                           // guarded by lock (nanoTime)
    private long lastCollectionNanos;                         // guarded by lock; 0 before the first
    private Thread worker;                                    // guarded by lock
    private boolean closed;                                   // guarded by lock

    /** A loader queued for background proof. */
    static final class Pending {
        final WeakReference<Object> ref;
        final CompletableFuture<Boolean> verdict = new CompletableFuture<>();
        final long arrivedAt;
        int collectionsSeen;   // collections that counted against it
        long nextCountAt;      // nanoTime before which a collection does not count (its backoff)

        Pending(Object referent, long arrivedAt) {
            this.ref = new WeakReference<>(referent);
            this.arrivedAt = arrivedAt;
        }
    }

    /**
     * @param maxCollections collections to try before giving up on a loader
     * @param batchWindow the longest a queued loader waits for others to share its collection
     */
    public LoaderVerifier(int maxCollections, Duration batchWindow) {
        this(maxCollections, batchWindow, DEFAULT_QUIET.compareTo(batchWindow) < 0 ? DEFAULT_QUIET : batchWindow, System::gc);
    }

    /**
     * @param maxCollections collections to try before giving up on a loader
     * @param batchWindow the longest a queued loader waits for others to share its collection
     * @param quiet how long without a new loader ends a burst: the batch is collected then, before
     *     its window is over (at most {@code batchWindow})
     * @param collector what asks for a collection ({@code System::gc}; tests count calls)
     */
    public LoaderVerifier(int maxCollections, Duration batchWindow, Duration quiet, Runnable collector) {
        if (maxCollections < 1) {
            throw new IllegalArgumentException("maxCollections must be at least 1");
        }
        if (batchWindow.isNegative() || quiet.isNegative() || quiet.compareTo(batchWindow) > 0) {
            throw new IllegalArgumentException("need 0 <= quiet (" + quiet + ") <= batchWindow (" + batchWindow + ")");
        }
        this.maxCollections = maxCollections;
        this.windowNanos = batchWindow.toNanos();
        this.quietNanos = quiet.toNanos();
        this.collector = Objects.requireNonNull(collector);
        this.lastCollectionEnd = System.nanoTime(); // with lastCollectionNanos 0: no wait before the first
    }

    /**
     * Proves now, on the calling thread, that {@code ref}'s referent is collected.
     *
     * @return {@code true} once the reference is cleared, {@code false} if it survived
     *     {@code maxCollections} collections
     */
    public boolean verifyNow(WeakReference<?> ref) {
        return verifyNow(ref, maxCollections);
    }

    /**
     * As {@link #verifyNow(WeakReference)}, with at most {@code collections} collections (at
     * least one): for a loader that cannot be collected yet, such as one whose code a thread the
     * runtime could not stop still runs, where patience would only delay the report.
     */
    public boolean verifyNow(WeakReference<?> ref, int collections) {
        int maxCollections = Math.max(1, Math.min(collections, this.maxCollections));
        for (int i = 0; i < maxCollections; i++) {
            if (ref.refersTo(null)) {
                return true;
            }
            collector.run();
            // The collector clears weak references during the collection itself.
            if (ref.refersTo(null)) {
                return true;
            }
            if (i + 1 < maxCollections) {
                pause(backoff(i));
            }
        }
        return ref.refersTo(null);
    }

    /**
     * Time to let threads that just signalled "done" finish returning before the next
     * collection: a worker that ran module code still holds it in its frame (and a terminated
     * thread's task) for a moment after it says it is done, longer on a loaded machine.
     */
    static Duration backoff(int attempt) {
        return Duration.ofMillis(50L << Math.min(attempt, 6));
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Queues a loader for background proof. The caller must drop its own strong references.
     *
     * @return completes with {@code true} when collected, {@code false} when it survived
     *     {@code maxCollections} collections or the verifier was closed
     */
    public CompletableFuture<Boolean> watch(Object loader) {
        lock.lock();
        try {
            long now = System.nanoTime();
            Pending p = new Pending(loader, now);
            if (closed) {
                p.verdict.complete(false);
                return p.verdict;
            }
            pending.add(p);
            lastArrival = now;
            if (worker == null) {
                worker = Thread.ofPlatform().daemon(true).name("kmod4j-unload-verifier").unstarted(this::loop);
                worker.setContextClassLoader(null);
                worker.start();
            }
            work.signalAll();
            return p.verdict;
        } finally {
            lock.unlock();
        }
    }

    /** Loaders waiting for their verdict. */
    public int pendingCount() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /** Collections the background verifier has asked for so far. */
    public long collections() {
        lock.lock();
        try {
            return collections;
        } finally {
            lock.unlock();
        }
    }

    /**
     * When the background verifier should collect next, given what is queued: a loader that has
     * not been through a collection yet is due when the burst it came in has ended ({@code quiet}
     * after the last arrival) or when it has waited the whole window, whichever is first; one that
     * survived a collection is due when its backoff is over, since an earlier collection would not
     * count for it. Never before {@code notBefore}: as long after the end of the last collection
     * as that collection took, so that the verifier collects half of the time at most however
     * the unloads arrive (a stream of unloads slower than the quiet period would otherwise get
     * a collection each, and a collection slows every cycle running beside it).
     *
     * @return the {@link System#nanoTime} at which to collect; {@code Long.MAX_VALUE} if nothing
     *     is queued
     */
    static long dueAt(List<Pending> queued, long lastArrival, long quietNanos, long windowNanos, long notBefore) {
        if (queued.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long due = Long.MAX_VALUE;
        for (Pending q : queued) {
            long at = q.collectionsSeen == 0
                    ? Math.min(lastArrival + quietNanos, q.arrivedAt + windowNanos)
                    : q.nextCountAt;
            due = Math.min(due, at);
        }
        return Math.max(due, notBefore);
    }

    private void loop() {
        while (true) {
            List<Pending> batch;
            lock.lock();
            try {
                // Wait until the queue is due: a new arrival extends the burst, so re-evaluate
                // after every signal. One collection then proves the whole batch.
                while (!closed) {
                    long due = dueAt(pending, lastArrival, quietNanos, windowNanos,
                            lastCollectionEnd + lastCollectionNanos);
                    long left = due == Long.MAX_VALUE ? Long.MAX_VALUE : due - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    if (left == Long.MAX_VALUE) {
                        work.awaitUninterruptibly();
                    } else {
                        try {
                            work.awaitNanos(left);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                if (closed) {
                    return;
                }
                batch = new ArrayList<>(pending);
                collections++;
            } finally {
                lock.unlock();
            }
            long started = System.nanoTime();
            collector.run();
            long now = System.nanoTime();
            lock.lock();
            try {
                lastCollectionEnd = now;
                lastCollectionNanos = now - started;
            } finally {
                lock.unlock();
            }
            List<Pending> settled = new ArrayList<>();
            for (Pending p : batch) {
                if (p.ref.refersTo(null)) {
                    settled.add(p);
                    p.verdict.complete(true);
                } else if (now - p.nextCountAt >= 0) {
                    // A miss counts only once its backoff has passed, however often newer unloads
                    // make the verifier collect: each loader gets time as well as collections.
                    p.collectionsSeen++;
                    p.nextCountAt = now + backoff(p.collectionsSeen - 1).toNanos();
                    if (p.collectionsSeen >= maxCollections) {
                        settled.add(p);
                        p.verdict.complete(false);
                    }
                }
            }
            lock.lock();
            try {
                pending.removeAll(settled);
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void close() {
        List<Pending> left;
        lock.lock();
        try {
            closed = true;
            left = new ArrayList<>(pending);
            pending.clear();
            work.signalAll();
        } finally {
            lock.unlock();
        }
        left.forEach(p -> p.verdict.complete(p.ref.refersTo(null)));
    }
}
