package io.kmod4j.runtime.control;

/**
 * One operation of the control protocol: what the daemon does for {@code {"op": NAME, "args": {..}}}.
 * Registered under its name in {@link ControlOps}.
 *
 * <p>Called on the connection's own virtual thread, never under a server lock; it may block (an
 * {@code rmmod} waits for a module to stop) and other connections are served meanwhile. The
 * arguments have already been checked against the names the op was registered with.
 */
@FunctionalInterface
public interface ControlOp {

    /**
     * Performs the operation.
     *
     * @param request the op's name, its arguments and the kernel it acts on
     * @return the reply's {@code result}: {@code null}, a {@code Boolean}, {@code Number},
     *     {@code String}, or {@code List}s and {@code Map}s of these; or a {@link Streamed} to
     *     reply and then stream
     * @throws io.kmod4j.KernelException an expected failure: the reply carries its errno and
     *     message; use {@link JsonObject}'s accessors for argument errors ({@code EINVAL})
     * @throws InterruptedException if the server is closing (the reply says {@code EINTR})
     * @throws Exception anything else is a bug or a module's fault: the reply says {@code EIO}
     *     and names the exception, the kernel log gets its stack, and the daemon keeps serving
     */
    Object perform(Request request) throws Exception;
}
