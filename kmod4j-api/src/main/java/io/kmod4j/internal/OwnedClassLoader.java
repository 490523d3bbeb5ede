package io.kmod4j.internal;

/**
 * Implemented by the class loader of a module: code defined by it belongs to {@link #owner()}.
 * <b>Not API.</b>
 */
public interface OwnedClassLoader {

    /** The owner of every class this loader defines. */
    Owner owner();
}
