package io.kmod4j.runtime.module;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The kernel's list of modules and the lock that serialises changes to it ({@code modules} and
 * {@code module_mutex}). Module code never runs while the lock is held.
 */
public final class ModuleTable {

    private final ReentrantLock mutex = new ReentrantLock();
    private final Map<String, LoadedModule> modules = new LinkedHashMap<>(); // guarded by mutex
    private int loads;                                                         // guarded by mutex

    /** Runs {@code action} holding the module mutex. */
    public <T> T locked(Supplier<T> action) {
        mutex.lock();
        try {
            return action.get();
        } finally {
            mutex.unlock();
        }
    }

    /** Like {@link #locked(Supplier)} for actions that may fail with a checked exception. */
    public <T, E extends Exception> T lockedChecked(CheckedSupplier<T, E> action) throws E {
        mutex.lock();
        try {
            return action.get();
        } finally {
            mutex.unlock();
        }
    }

    /** A supplier that may throw. */
    @FunctionalInterface
    public interface CheckedSupplier<T, E extends Exception> {
        T get() throws E;
    }

    /** Requires the mutex. */
    public Optional<LoadedModule> get(String name) {
        assert mutex.isHeldByCurrentThread();
        return Optional.ofNullable(modules.get(name));
    }

    /** Requires the mutex. */
    public void put(LoadedModule m) {
        assert mutex.isHeldByCurrentThread();
        modules.put(m.name(), m);
    }

    /** Requires the mutex; removes only that very load of the module. */
    public void remove(LoadedModule m) {
        assert mutex.isHeldByCurrentThread();
        modules.remove(m.name(), m);
    }

    /** Requires the mutex. */
    public int nextLoadNumber() {
        assert mutex.isHeldByCurrentThread();
        return ++loads;
    }

    /** A snapshot, most recently loaded first (as lsmod lists). */
    public List<LoadedModule> snapshot() {
        return locked(() -> {
            List<LoadedModule> out = new ArrayList<>(modules.values());
            java.util.Collections.reverse(out);
            return out;
        });
    }

    /** Looks a module up, taking the mutex briefly. */
    public Optional<LoadedModule> find(String name) {
        return locked(() -> Optional.ofNullable(modules.get(name)));
    }
}
