package io.kmod4j.testing;

import io.kmod4j.KernelException;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Owner;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An owner that stands for another one ({@link TestOwner} or {@link ExecutorOwner}), except that
 * {@link #contextClassLoader()}, {@link #workExecutor()} or {@link #release} throws, once, an
 * Error the test arms: the runtime failing (out of memory) in the middle of a work item's or
 * timer's bookkeeping. It can also run a call of the test's just before the next
 * {@link #adopt}, standing for another thread that wins a race with the adopting one.
 * Its resources, log and clock are the base owner's.
 */
public final class FaultyOwner extends ForwardingOwner {
    private final AtomicReference<Error> contextClassLoaderFails = new AtomicReference<>();
    private final AtomicReference<Error> workExecutorFails = new AtomicReference<>();
    private final AtomicReference<Error> releaseFails = new AtomicReference<>();
    private final AtomicReference<Runnable> beforeAdopt = new AtomicReference<>();

    public FaultyOwner(Owner base) {
        super(base);
    }

    /** The next {@link #contextClassLoader()} throws {@code e}. */
    public void failNextContextClassLoader(Error e) {
        contextClassLoaderFails.set(e);
    }

    /** The next {@link #workExecutor()} throws {@code e}. */
    public void failNextWorkExecutor(Error e) {
        workExecutorFails.set(e);
    }

    /**
     * The next {@link #release} forgets the resource, then throws {@code e} (as an owner that
     * runs out of memory after updating its books would).
     */
    public void failNextRelease(Error e) {
        releaseFails.set(e);
    }

    /**
     * The next {@link #adopt} first runs {@code race} on the adopting thread, with no lock of the
     * caller held: what another thread does while this one asks the owner for a registration.
     */
    public void beforeNextAdopt(Runnable race) {
        beforeAdopt.set(race);
    }

    @Override
    public ClassLoader contextClassLoader() {
        throwIfArmed(contextClassLoaderFails);
        return super.contextClassLoader();
    }

    @Override
    public Executor workExecutor() {
        throwIfArmed(workExecutorFails);
        return super.workExecutor();
    }

    @Override
    public void adopt(OwnedResource resource) throws KernelException {
        Runnable race = beforeAdopt.getAndSet(null);
        if (race != null) {
            race.run();
        }
        super.adopt(resource);
    }

    @Override
    public void release(OwnedResource resource) {
        super.release(resource);
        throwIfArmed(releaseFails);
    }

    private static void throwIfArmed(AtomicReference<Error> armed) {
        Error e = armed.getAndSet(null);
        if (e != null) {
            throw e;
        }
    }
}
