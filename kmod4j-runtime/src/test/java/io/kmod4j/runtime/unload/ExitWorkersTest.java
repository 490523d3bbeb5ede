package io.kmod4j.runtime.unload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.kmod4j.testing.Await;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exit workers: a worker back from a clean {@code exit()} runs the next one; one that a module
 * could have left something on (a thread local) ends instead, and so does every worker when the
 * runtime cannot see thread locals. Waits are on conditions, never on time.
 */
class ExitWorkersTest {

    /** A minute from this test's start (JUnit makes one instance per test): long enough to mean never. */
    private final long forever = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);

    @BeforeEach
    void needsOpenJavaLang() {
        assumeThat(ExitWorkers.reuseSupported())
                .as("reuse needs --add-opens java.base/java.lang=ALL-UNNAMED, which kmod4j-runtime's tests pass")
                .isTrue();
    }

    @Test
    void aCleanWorkerRunsTheNextExitUnderItsName() throws Exception {
        ExitWorkers workers = new ExitWorkers();
        AtomicReference<Thread> firstThread = new AtomicReference<>();
        AtomicReference<String> nameInside = new AtomicReference<>();
        ExitWorkers.Call first = workers.run("rmmod one", () -> {
            firstThread.set(Thread.currentThread());
            nameInside.set(Thread.currentThread().getName());
            Thread.currentThread().setContextClassLoader(new ClassLoader("module's", null) {});
            Thread.currentThread().setPriority(Thread.MAX_PRIORITY);
            Thread.currentThread().interrupt();
        });
        assertThat(first.await(forever)).isTrue();
        awaitIdle(workers, 1);

        Thread worker = firstThread.get();
        assertThat(nameInside.get()).isEqualTo("rmmod one");
        assertThat(worker.getName()).as("back to its idle name").startsWith("kmod4j-exit-");
        assertThat(worker.getContextClassLoader()).isNull();
        assertThat(worker.getPriority()).isEqualTo(Thread.NORM_PRIORITY);

        AtomicReference<Thread> secondThread = new AtomicReference<>();
        AtomicReference<Boolean> interruptedInside = new AtomicReference<>();
        ExitWorkers.Call second = workers.run("rmmod two", () -> {
            secondThread.set(Thread.currentThread());
            interruptedInside.set(Thread.currentThread().isInterrupted());
        });
        assertThat(second.await(forever)).isTrue();
        assertThat(secondThread.get()).as("the same worker, reused").isSameAs(worker);
        assertThat(interruptedInside.get()).as("the first exit's interrupt does not reach the second").isFalse();
        assertThat(second.thread()).isSameAs(worker);
    }

    @Test
    void aWorkerThatGotAThreadLocalEndsInsteadOfBeingReused() throws Exception {
        ExitWorkers workers = new ExitWorkers();
        ThreadLocal<Object> moduleLocal = new ThreadLocal<>();
        AtomicReference<Thread> firstThread = new AtomicReference<>();
        ExitWorkers.Call first = workers.run("rmmod leaky", () -> {
            firstThread.set(Thread.currentThread());
            moduleLocal.set(new Object()); // stands for a value of a module class
        });
        assertThat(first.await(forever)).isTrue();
        assertThat(firstThread.get().join(Duration.ofMinutes(1))).as("the worker ended").isTrue();
        assertThat(workers.idleCount()).isZero();

        AtomicReference<Thread> secondThread = new AtomicReference<>();
        AtomicReference<Object> seen = new AtomicReference<>("unset");
        assertThat(workers.run("rmmod next", () -> {
            secondThread.set(Thread.currentThread());
            seen.set(moduleLocal.get());
        }).await(forever)).isTrue();
        assertThat(secondThread.get()).isNotSameAs(firstThread.get());
        assertThat(seen.get()).as("a fresh thread has no trace of the last exit").isNull();
    }

    @Test
    void anExitThatNeverReturnsKeepsItsWorkerAndTheNextGetsAnother() throws Exception {
        ExitWorkers workers = new ExitWorkers();
        CountDownLatch release = new CountDownLatch(1);
        ExitWorkers.Call hung = workers.run("rmmod hung", () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(hung.await(System.nanoTime())).as("not done at a deadline already past").isFalse();
        awaitStarted(hung);
        assertThat(hung.thread().getName()).isEqualTo("rmmod hung");

        AtomicReference<Thread> other = new AtomicReference<>();
        assertThat(workers.run("rmmod other", () -> other.set(Thread.currentThread())).await(forever)).isTrue();
        assertThat(other.get()).isNotSameAs(hung.thread());

        release.countDown();
        assertThat(hung.await(forever)).isTrue();
        awaitIdle(workers, 2);
    }

    @Test
    void anExitThatThrowsEndsItsWorker() throws Exception {
        ExitWorkers workers = new ExitWorkers();
        AtomicReference<Thread> thread = new AtomicReference<>();
        ExitWorkers.Call call = workers.run("rmmod oops", () -> {
            thread.set(Thread.currentThread());
            throw new IllegalStateException("oops in exit");
        });
        assertThat(call.await(forever)).as("done, though it threw").isTrue();
        assertThat(thread.get().join(Duration.ofMinutes(1))).isTrue();
        assertThat(workers.idleCount()).isZero();
    }

    @Test
    void anIdleWorkerEndsAfterItsKeepAlive() throws Exception {
        ExitWorkers workers = new ExitWorkers(Duration.ofMillis(1));
        AtomicReference<Thread> thread = new AtomicReference<>();
        assertThat(workers.run("rmmod brief", () -> thread.set(Thread.currentThread())).await(forever)).isTrue();
        assertThat(thread.get().join(Duration.ofMinutes(1))).isTrue();
        assertThat(workers.idleCount()).isZero();
    }

    @Test
    void closeEndsTheIdleWorkersAndLaterExitsStillRun() throws Exception {
        ExitWorkers workers = new ExitWorkers();
        AtomicReference<Thread> thread = new AtomicReference<>();
        assertThat(workers.run("rmmod before", () -> thread.set(Thread.currentThread())).await(forever)).isTrue();
        awaitIdle(workers, 1);

        workers.close();
        assertThat(thread.get().join(Duration.ofMinutes(1))).as("the idle worker ended at close").isTrue();
        assertThat(workers.idleCount()).isZero();

        AtomicReference<Thread> late = new AtomicReference<>();
        assertThat(workers.run("rmmod after", () -> late.set(Thread.currentThread())).await(forever)).isTrue();
        assertThat(late.get().join(Duration.ofMinutes(1))).as("a worker started after close does not stay").isTrue();
        assertThat(workers.idleCount()).isZero();
    }

    private static void awaitIdle(ExitWorkers workers, int n) {
        Await.until(n + " idle workers", () -> workers.idleCount() >= n);
    }

    private static void awaitStarted(ExitWorkers.Call call) {
        Await.until("the hung exit started", () -> call.thread() != null && call.thread().getName().equals("rmmod hung"));
    }
}
