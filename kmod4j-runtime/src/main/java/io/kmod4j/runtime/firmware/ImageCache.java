package io.kmod4j.runtime.firmware;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Images held by someone, by name, with reference counts: Linux's {@code fw_cache.head} list of
 * {@code fw_priv} and their krefs. A request for a name that has an entry joins it (waiting if it
 * is still loading) instead of reading the disk again; the last release removes the entry and
 * drops the image.
 *
 * <p>Thread-safe: one lock guards the map and the counts; nobody waits or reads files under it.
 */
final class ImageCache {

    /** One name's image, loading or loaded, and how many handles (or joiners) hold it. */
    static final class Entry {
        final String name;
        final CompletableFuture<LoadedImage> image = new CompletableFuture<>();
        int refs; // guarded by the cache

        Entry(String name) {
            this.name = name;
        }
    }

    /** The entry joined, and whether this caller created it and so must load it. */
    record Join(Entry entry, boolean created) {}

    /** A held image, for status output. */
    record Held(String name, int size, int holders, String source) {}

    private final Map<String, Entry> entries = new HashMap<>(); // guarded by this

    /** Takes a reference on the entry for {@code name}, creating it if there is none. */
    synchronized Join join(String name) {
        Entry e = entries.get(name);
        boolean created = e == null;
        if (created) {
            e = new Entry(name);
            entries.put(name, e);
        }
        e.refs++;
        return new Join(e, created);
    }

    /** Whether an entry for {@code name} exists (held or loading). */
    synchronized boolean holds(String name) {
        return entries.containsKey(name);
    }

    /** Gives back one reference; the last one removes the entry. */
    synchronized void release(Entry e) {
        if (--e.refs == 0 && entries.get(e.name) == e) {
            entries.remove(e.name);
        }
    }

    /** Removes an entry whose load failed; its joiners get the failure. */
    synchronized void forget(Entry e) {
        entries.remove(e.name, e);
    }

    synchronized List<Held> held() {
        List<Held> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            LoadedImage img = e.image.getNow(null);
            if (img != null) {
                out.add(new Held(e.name, img.size(), e.refs, img.source().map(Object::toString).orElse("(fallback)")));
            }
        }
        out.sort(java.util.Comparator.comparing(Held::name));
        return out;
    }

    /**
     * Waits for a joined entry's image.
     *
     * @throws KernelException the loader's failure (a copy, so each waiter has its own trace),
     *     or {@code EINTR} if interrupted (interrupt status kept)
     */
    static LoadedImage await(Entry e) throws KernelException {
        try {
            return e.image.get();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new KernelException(Errno.EINTR, "interrupted while waiting for firmware " + e.name
                    + " being loaded by another request", ie);
        } catch (ExecutionException ee) {
            if (ee.getCause() instanceof KernelException k) {
                throw new KernelException(k.errno(), k.getMessage(), k);
            }
            throw new KernelException(Errno.EIO, "loading firmware " + e.name + " failed: " + ee.getCause(), ee.getCause());
        }
    }
}
