package io.kmod4j.workqueue;

import io.kmod4j.KernelException;
import io.kmod4j.internal.OwnedResource;
import io.kmod4j.internal.Owner;
import io.kmod4j.log.Level;
import java.time.Duration;
import java.util.Optional;

/**
 * One busy spell of a work item or timer as its owner sees it: adopted when the item leaves idle,
 * released when it is idle again.
 *
 * <p>A fresh object per spell, not the item itself, so that an {@code adopt} for the next spell
 * and a {@code release} for the last one, made by different threads without a common lock,
 * commute at the owner: the owner never loses a registration to a late release of an earlier one.
 * Every call is forwarded to the item.
 */
final class Registration implements OwnedResource {

    private final OwnedResource item;

    private Registration(OwnedResource item) {
        this.item = item;
    }

    /**
     * Asks {@code owner} to take a new busy spell of {@code item}. Call with no lock held.
     *
     * @param refused what to log, as a warning, if the owner refuses: {@code "work 'x' not queued"}
     * @return the registration, or null if the owner refused (it is going away, or at a limit)
     */
    static Registration adopt(Owner owner, OwnedResource item, String refused) {
        Registration r = new Registration(item);
        try {
            owner.adopt(r);
            return r;
        } catch (KernelException e) {
            owner.printk(Level.WARNING, refused + ": " + e.getMessage() + " (" + e.errno() + ")");
            return null;
        } catch (RuntimeException | Error e) {
            // The owner failed midway (a bug, or out of memory): it may have recorded r, and
            // nobody else holds r to release it. Owners ignore a release of what they do not hold.
            try {
                owner.release(r);
            } catch (RuntimeException | Error ignored) {
                e.addSuppressed(ignored);
            }
            throw e;
        }
    }

    @Override
    public String kind() {
        return item.kind();
    }

    @Override
    public String name() {
        return item.name();
    }

    @Override
    public void requestStop() {
        item.requestStop();
    }

    @Override
    public boolean awaitQuiescent(Duration timeout) throws InterruptedException {
        return item.awaitQuiescent(timeout);
    }

    @Override
    public Optional<Thread> thread() {
        return item.thread();
    }

    @Override
    public String describe() {
        return item.describe();
    }

    @Override
    public String toString() {
        return item.describe();
    }
}
