package io.kmod4j.runtime.firmware;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.driver.Device;
import io.kmod4j.firmware.FirmwareCallback;
import io.kmod4j.firmware.FirmwareRequest;
import io.kmod4j.firmware.FirmwareResult;
import io.kmod4j.internal.Oops;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Owner;
import io.kmod4j.internal.Uninterruptibly;
import io.kmod4j.log.Level;
import io.kmod4j.runtime.module.InModule;
import io.kmod4j.runtime.module.LoadedModule;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One {@code request_firmware_nowait}: a work item on the owner's kworkers that looks the image up
 * and calls the callback once, as the owner.
 *
 * <p>Lifecycle, forward only: {@code QUEUED ─▶ RUNNING ─▶ DONE}, or {@code QUEUED ─▶ CANCELLED}
 * ({@link #cancel()} or the owner's unload). Entering DONE or CANCELLED gives back what the request
 * holds, in Linux's order: the owner forgets it, then the module reference is put, then waiters
 * are released.
 *
 * <p>Memory consistency effects: everything the callback did happens-before {@link #cancel()},
 * {@link #awaitQuiescent} or {@link #isDone()} returning after the callback.
 */
final class NowaitRequest implements FirmwareRequest, OwnedResource, Runnable {

    /** Where the request is. */
    enum State { QUEUED, RUNNING, DONE, CANCELLED }

    /** The lookup it runs: the loader's {@code request} with the request's flags. */
    @FunctionalInterface
    interface Lookup {
        io.kmod4j.firmware.Firmware load() throws KernelException;
    }

    private final String name;
    private final Device dev;
    private volatile Lookup lookup;             // dropped at the end: a queued task must not pin module code
    private volatile FirmwareCallback callback; // likewise
    private final Owner owner;
    private final LoadedModule module; // pinned while pending; null for other owners
    private final CountDownLatch finished = new CountDownLatch(1);
    private State state = State.QUEUED; // guarded by this
    private Thread runner;              // guarded by this

    NowaitRequest(String name, Device dev, Lookup lookup, FirmwareCallback callback, Owner owner, LoadedModule module) {
        this.name = name;
        this.dev = dev;
        this.lookup = lookup;
        this.callback = callback;
        this.owner = owner;
        this.module = module;
    }

    @Override
    public String name() {
        return name;
    }

    /** The work function ({@code request_firmware_work_func}). */
    @Override
    public void run() {
        synchronized (this) {
            if (state != State.QUEUED) {
                return; // cancelled before it started
            }
            state = State.RUNNING;
            runner = Thread.currentThread();
        }
        FirmwareCallback cb = callback;
        try {
            FirmwareResult result;
            try {
                result = new FirmwareResult.Loaded(lookup.load());
            } catch (KernelException e) {
                result = new FirmwareResult.Failed(e);
            } catch (RuntimeException e) {
                result = new FirmwareResult.Failed(new KernelException(Errno.EIO, "loading firmware " + name + " failed: " + e, e));
            }
            FirmwareResult r = result;
            try {
                InModule.run(owner, () -> cb.done(r));
            } catch (Throwable t) {
                owner.printk(Level.ERR, "firmware " + name + ": the request_firmware_nowait callback threw "
                        + Oops.printable(t) + "\n" + Oops.trace(t));
                if (t instanceof VirtualMachineError e) {
                    throw e;
                }
            }
        } finally {
            end(State.DONE);
        }
    }

    private void end(State last) {
        synchronized (this) {
            state = last;
            runner = null;
        }
        lookup = null;
        callback = null;
        owner.release(this);
        if (module != null) {
            module.put();
        }
        finished.countDown();
    }

    /** Moves QUEUED to CANCELLED; true if this call did. Never blocks. */
    private boolean cancelIfQueued() {
        synchronized (this) {
            if (state != State.QUEUED) {
                return false;
            }
            state = State.CANCELLED;
        }
        end(State.CANCELLED);
        return true;
    }

    /**
     * {@code request_firmware_nowait_cancel}. May block while the request runs (its lookup may
     * wait for the fallback loader); an interrupt does not end that wait, it is kept for the
     * caller.
     *
     * @throws IllegalStateException if called from this request's own callback
     */
    @Override
    public boolean cancel() {
        synchronized (this) {
            if (runner == Thread.currentThread()) {
                throw new IllegalStateException("firmware request " + name
                        + ": cancel() called from its own callback would wait for itself");
            }
        }
        if (cancelIfQueued()) {
            return true;
        }
        Uninterruptibly.run(finished::await);
        return false;
    }

    @Override
    public synchronized boolean isDone() {
        return state == State.DONE || state == State.CANCELLED;
    }

    synchronized State state() {
        return state;
    }

    // ------------------------------------------------------------------ OwnedResource

    @Override
    public String kind() {
        return "firmware request";
    }

    /** Cancels the request if it has not started; a running one is left to finish. */
    @Override
    public void requestStop() {
        cancelIfQueued();
    }

    @Override
    public boolean awaitQuiescent(Duration timeout) throws InterruptedException {
        return finished.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized Optional<Thread> thread() {
        return Optional.ofNullable(runner);
    }

    @Override
    public synchronized String describe() {
        return "request_firmware_nowait " + name + " for " + FirmwareSearch.deviceName(dev) + ": "
                + state.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return describe();
    }
}
