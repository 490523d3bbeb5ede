package io.kmod4j.internal;

import java.util.Optional;

/**
 * Finds who owns what the current code creates. <b>Not API.</b>
 *
 * <p>The rule (architecture.md): the module being initialised, probed or run on the current
 * thread, which the runtime binds in {@link #CURRENT} around every call into module code and
 * which a kthread binds for its own function; else the module whose class loader defined the
 * calling class; else the kernel.
 */
public final class Ownership {

    /** The owner on whose behalf the current thread runs code, when the runtime knows it. */
    public static final ScopedValue<Owner> CURRENT = ScopedValue.newInstance();

    // The caller is usually within a few frames: a small first batch keeps the walk cheap.
    private static final StackWalker WALKER =
            StackWalker.getInstance(java.util.Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE), 6);
    private static final ClassLoader API_LOADER = Ownership.class.getClassLoader();

    /** Packages of kmod4j-api: frames in them are skipped when looking for the caller. */
    public static final java.util.Set<String> API_PACKAGES = java.util.Set.of(
            "io.kmod4j", "io.kmod4j.sync", "io.kmod4j.kthread", "io.kmod4j.log",
            "io.kmod4j.internal", "io.kmod4j.workqueue", "io.kmod4j.driver", "io.kmod4j.firmware");
    // A new API package must be added here, or its classes would be taken for the caller.

    // Set once the first OwnedClassLoader exists. Until then no caller can be module code, and
    // programs that use the primitives as a library skip the stack walk (about 2 us a kthread).
    private static volatile boolean ownedLoaders;

    private Ownership() {}

    /**
     * Tells ownership that a class loader of module code now exists: every
     * {@link OwnedClassLoader} calls it from its constructor, before it can define a class.
     */
    public static void ownedLoaderCreated() {
        ownedLoaders = true;
    }

    /** The owner of what the calling code creates now; never null. */
    public static Owner current() {
        if (CURRENT.isBound()) {
            return CURRENT.get();
        }
        if (!ownedLoaders) {
            return KernelOwner.INSTANCE;
        }
        return callerOwner().orElse(KernelOwner.INSTANCE);
    }

    /** The owner bound to this thread by the runtime or a kthread, if any. */
    public static Optional<Owner> bound() {
        return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
    }

    /**
     * The owner of the class that called into the API: the first frame that is not kmod4j API
     * code. Only that one frame counts: a module's code called from host code does not make the
     * host's calls the module's.
     */
    private static Optional<Owner> callerOwner() {
        return WALKER.walk(frames -> frames
                .map(StackWalker.StackFrame::getDeclaringClass)
                .filter(c -> !isApiClass(c))
                .findFirst()
                .map(Class::getClassLoader)
                .filter(l -> l instanceof OwnedClassLoader)
                .map(l -> ((OwnedClassLoader) l).owner()));
    }

    private static boolean isApiClass(Class<?> c) {
        return c.getClassLoader() == API_LOADER && API_PACKAGES.contains(c.getPackageName());
    }
}
