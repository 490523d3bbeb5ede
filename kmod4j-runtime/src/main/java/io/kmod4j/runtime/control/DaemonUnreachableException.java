package io.kmod4j.runtime.control;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import java.nio.file.Path;

/**
 * No daemon could be reached on the control socket, or the connection to it was lost: the
 * {@code kmod4j} command exits with 3 for this, not 1, because the operation never ran (or its
 * outcome is unknown). The message names the socket and says how to start a daemon.
 */
public final class DaemonUnreachableException extends KernelException {
    private static final long serialVersionUID = 1L;

    private final transient Path socket;

    /**
     * @param errno ENOENT (no socket file), ECONNREFUSED (stale socket), EACCES, ECONNRESET (lost
     *     while talking), or EIO
     */
    public DaemonUnreachableException(Errno errno, Path socket, String message, Throwable cause) {
        super(errno, message, cause);
        this.socket = socket;
    }

    /** The socket that was tried. */
    public Path socket() {
        return socket;
    }
}
