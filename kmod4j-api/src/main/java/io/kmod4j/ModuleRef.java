package io.kmod4j;

/**
 * A counted reference on a module: while it is open the module's refcount is above zero and
 * {@code rmmod} refuses to unload it with {@code EWOULDBLOCK} unless forced
 * ({@code try_module_get} / {@code module_put}).
 *
 * <p>{@link #close()} drops the reference; closing twice drops it once. Thread-safe.
 */
public interface ModuleRef extends AutoCloseable {

    /** The name of the module referenced. */
    String name();

    /** Drops the reference ({@code module_put}). Idempotent; never throws. */
    @Override
    void close();
}
