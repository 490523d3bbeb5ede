package io.kmod4j.testing;

/**
 * What a buggy module may throw: an exception whose own {@code toString()} and {@code getMessage()}
 * throw, so that whoever prints it runs into module code that fails. The runtime's bookkeeping
 * around an oops must go on regardless (decision 0013).
 */
public final class UnprintableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    @Override
    public String getMessage() {
        throw new UnsupportedOperationException("module bug in getMessage");
    }

    @Override
    public String toString() {
        throw new UnsupportedOperationException("module bug in toString");
    }
}
