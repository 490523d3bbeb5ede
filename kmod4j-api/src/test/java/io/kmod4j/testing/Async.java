package io.kmod4j.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A call made on a thread of its own, so that a test can watch it block ({@link Await#blocked})
 * and then collect its result. The thread is a daemon: a test that fails never hangs the JVM.
 */
public final class Async<T> {
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final Thread thread;

    private Async(String name, Callable<T> body) {
        thread = Thread.ofPlatform().name(name).daemon(true).unstarted(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
    }

    /** Starts {@code body} on a new thread named {@code name}. */
    public static <T> Async<T> start(String name, Callable<T> body) {
        Async<T> a = new Async<>(name, body);
        a.thread.start();
        return a;
    }

    /** The thread making the call. */
    public Thread thread() {
        return thread;
    }

    /** Whether the call has returned or thrown. */
    public boolean isDone() {
        return result.isDone();
    }

    /** Waits, at most {@link Await#PATIENCE}, for the call's result; rethrows what it threw. */
    public T get() throws Exception {
        try {
            return result.get(Await.PATIENCE.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError(thread.getName() + " did not return within " + Await.PATIENCE
                    + Await.dumpThreads(), e);
        }
    }
}
