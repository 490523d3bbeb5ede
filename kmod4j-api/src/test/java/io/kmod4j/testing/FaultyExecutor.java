package io.kmod4j.testing;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link Executor} that hands tasks to another one, except once when a test arms it: then it
 * throws an Error, either instead of taking the task or after handing it over (as a
 * ThreadPoolExecutor does when it has queued the task and then cannot start a thread for it).
 * Thread-safe.
 */
public final class FaultyExecutor implements Executor {
    private final Executor delegate;
    private final AtomicReference<Error> instead = new AtomicReference<>();
    private final AtomicReference<Error> after = new AtomicReference<>();

    public FaultyExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    /** The next {@link #execute} throws {@code e} without taking its task. */
    public void failNext(Error e) {
        instead.set(e);
    }

    /** The next {@link #execute} hands its task over, then throws {@code e}. */
    public void failNextAfterHandingOver(Error e) {
        after.set(e);
    }

    @Override
    public void execute(Runnable task) {
        Error e = instead.getAndSet(null);
        if (e != null) {
            throw e;
        }
        delegate.execute(task);
        e = after.getAndSet(null);
        if (e != null) {
            throw e;
        }
    }
}
