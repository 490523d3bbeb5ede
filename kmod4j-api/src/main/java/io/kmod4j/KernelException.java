package io.kmod4j;

import java.util.Objects;

/**
 * An expected failure of a kernel operation, carrying the Linux {@link Errno} that the
 * kernel would have returned.
 *
 * <p>Where a Linux function returns {@code -ENOENT}, its kmod4j counterpart throws a
 * {@code KernelException} whose {@link #errno()} is {@link Errno#ENOENT}. The message is a full
 * sentence naming the object concerned (file, field, module, device); {@link #getMessage()}
 * does not repeat the errno, {@link #toString()} does.
 *
 * <p>A caller's programming mistake is not a {@code KernelException}: it fails with
 * {@link IllegalArgumentException} or {@link IllegalStateException}.
 */
public class KernelException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Errno errno;

    /** A failure with the errno's own text as its message. */
    public KernelException(Errno errno) {
        this(errno, errno.message(), null);
    }

    /** A failure with a message that says what failed and why. */
    public KernelException(Errno errno, String message) {
        this(errno, message, null);
    }

    /** A failure caused by another exception. */
    public KernelException(Errno errno, String message, Throwable cause) {
        super(message, cause);
        this.errno = Objects.requireNonNull(errno, "errno");
    }

    /** The Linux error this failure corresponds to; never null. */
    public Errno errno() {
        return errno;
    }

    /** Shorthand for {@code errno().code()}, the negative value a kernel function returns. */
    public int code() {
        return errno.code();
    }

    @Override
    public String toString() {
        return getClass().getName() + ": " + errno.name() + " (" + errno.code() + "): " + getMessage();
    }
}
