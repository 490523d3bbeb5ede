package io.kmod4j.internal;

/**
 * Implemented by the class loader of a module: code defined by it belongs to {@link #owner()}.
 * <b>Not API.</b>
 *
 * <p>An implementation must call {@link Ownership#ownedLoaderCreated()} in its constructor: until
 * some loader has, {@link Ownership#current()} takes every unbound caller for host code without
 * looking at the stack.
 */
public interface OwnedClassLoader {

    /** The owner of every class this loader defines. */
    Owner owner();
}
