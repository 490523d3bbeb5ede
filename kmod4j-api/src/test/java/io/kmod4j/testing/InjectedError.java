package io.kmod4j.testing;

/**
 * What a test makes the machinery throw: an {@link Error}, not a refusal. Stands for what a real
 * executor, clock or owner may throw at any step: {@code OutOfMemoryError} ("unable to create
 * native thread"), {@code StackOverflowError}, or a bug of its own.
 */
public final class InjectedError extends Error {
    private static final long serialVersionUID = 1L;

    public InjectedError(String message) {
        super(message);
    }
}
