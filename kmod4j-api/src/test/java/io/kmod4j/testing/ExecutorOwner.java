package io.kmod4j.testing;

import java.util.concurrent.Executor;

/**
 * A {@link TestOwner} whose work items and timer callbacks run on an executor the test chooses:
 * a single known kworker thread, or one that refuses work. Everything else is the TestOwner's.
 */
public final class ExecutorOwner extends ForwardingOwner {
    private final TestOwner base;
    private final Executor executor;

    public ExecutorOwner(TestOwner base, Executor executor) {
        super(base);
        this.base = base;
        this.executor = executor;
    }

    /** The owner this one stands for: its log, taints, resources and clock. */
    public TestOwner base() {
        return base;
    }

    @Override
    public Executor workExecutor() {
        return executor;
    }
}
