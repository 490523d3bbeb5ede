package io.kmod4j.runtime.control;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.internal.Oops;
import io.kmod4j.log.Level;
import io.kmod4j.runtime.Kernel;
import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Serves one {@link Kernel} on a Unix-domain control socket: what {@code kmod4j daemon} runs and
 * every {@code kmod4j} command talks to.
 *
 * <p>The protocol is one JSON object per line, UTF-8, in both directions. A request is
 * {@code {"op":"insmod","args":{..}}}; its reply is {@code {"ok":true,"result":..}} or
 * {@code {"ok":false,"errno":"EEXIST","code":-17,"message":".."}}. A connection may carry any
 * number of requests, answered in order. The ops are those of the {@link ControlOps} given at
 * start; {@code docs/decisions/0400-control-protocol.md} lists them.
 *
 * <p>Only the owner may talk to it: the socket's directory is private (mode 0700 when created
 * here; an existing one must be the owner's and not writable by others), the socket file is made
 * mode 0600 right after it is bound, and a peer whose credentials ({@code SO_PEERCRED}) name
 * another user is refused with {@code EACCES}.
 *
 * <p>Nothing a client sends can hurt the daemon: a line longer than
 * {@link #MAX_REQUEST_BYTES}, bytes that are not UTF-8 or not JSON, a value that is not an
 * object, an unknown op, an unknown, missing or wrongly typed argument each get an {@code EINVAL}
 * reply naming the problem, and no op runs. Whatever an op throws (a {@code KernelException}, or
 * anything a module throws) becomes an error reply; the daemon keeps serving.
 *
 * <p>Threads: one platform thread accepts; every connection runs on its own virtual thread, so a
 * slow op (an {@code rmmod} waiting for a module) delays no other client. No server lock is held
 * while an op runs. {@link #close()} stops them all and removes the socket file.
 */
public final class ControlServer implements AutoCloseable {

    /** The longest request line accepted, in bytes (1 MiB), not counting the newline. */
    public static final int MAX_REQUEST_BYTES = 1 << 20;

    /** How long {@link #close()} waits for ops in progress after interrupting them. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

    private static final String LOG_OWNER = "control";

    private final Kernel kernel;
    private final Path socket;
    private final Map<String, ControlOps.Entry> ops;
    private final ServerSocketChannel listener;
    private final UserPrincipal owner;
    private final Object socketFileKey;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionIds = new AtomicLong();
    private final Thread acceptor;
    private final Object closeLock = new Object();
    private volatile boolean closed;

    private ControlServer(Kernel kernel, Path socket, Map<String, ControlOps.Entry> ops, ServerSocketChannel listener,
                          UserPrincipal owner, Object socketFileKey) {
        this.kernel = kernel;
        this.socket = socket;
        this.ops = ops;
        this.listener = listener;
        this.owner = owner;
        this.socketFileKey = socketFileKey;
        this.acceptor = Thread.ofPlatform().name("kmod4j-control-accept").daemon(true).unstarted(this::acceptLoop);
    }

    /** {@link #start(Kernel, Path, ControlOps)} with {@link ControlOps#standard()}. */
    public static ControlServer start(Kernel kernel, Path socket) throws KernelException {
        return start(kernel, socket, ControlOps.standard());
    }

    /**
     * Binds the socket and starts serving. Returns once clients can connect.
     *
     * @param kernel the kernel the ops act on; the server does not close it
     * @param socket where to listen; its directory is created (mode 0700) if missing
     * @param ops the ops to answer; copied, so later registrations are not seen
     * @return the running server
     * @throws KernelException EADDRINUSE if a live daemon already answers on {@code socket} (a
     *     socket file nobody answers on is stale and replaced); EEXIST if a file that is not a
     *     socket is in the way; EACCES if the directory is another user's or writable by others;
     *     ENAMETOOLONG if the path does not fit a Unix socket address; EIO otherwise
     */
    public static ControlServer start(Kernel kernel, Path socket, ControlOps ops) throws KernelException {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(ops, "ops");
        Path path = socket.toAbsolutePath().normalize();
        ControlSocket.checkLength(path);
        ControlSocket.prepareDirectory(path.getParent());
        ControlSocket.clearStale(path);
        ServerSocketChannel listener = null;
        try {
            listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(path), 64);
            // Owner only, before the first accept; the directory already keeps others out meanwhile.
            Files.setPosixFilePermissions(path, ControlSocket.OWNER_ONLY_FILE);
            UserPrincipal owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            ControlServer server = new ControlServer(kernel, path, ops.snapshot(), listener, owner, key);
            server.acceptor.start();
            kernel.log().log(Level.INFO, LOG_OWNER, "listening on " + path);
            return server;
        } catch (BindException e) {
            closeQuietly(listener);
            throw new KernelException(Errno.EADDRINUSE, "cannot listen on " + path + ": " + e.getMessage()
                    + " (another daemon started at the same moment?)", e);
        } catch (IOException e) {
            closeQuietly(listener);
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // nothing more to undo
            }
            throw new KernelException(Errno.EIO, "cannot listen on " + path + ": " + e, e);
        }
    }

    /** The socket's absolute path. */
    public Path socket() {
        return socket;
    }

    /** The kernel served. */
    public Kernel kernel() {
        return kernel;
    }

    /** Connections open now (for tests and status displays). */
    public int connectionCount() {
        return connections.size();
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops serving: closes the listening socket and every connection, interrupts ops in progress
     * and waits up to {@link #CLOSE_GRACE} for their threads to end (a thread still running then
     * is named in the kernel log), then removes the socket file if it is still the one this
     * server bound. Does not close the kernel. Idempotent; may be called from any thread. If the
     * calling thread is interrupted it stops waiting and keeps its interrupt status.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeQuietly(listener);
        List<Connection> open = new ArrayList<>(connections);
        for (Connection c : open) {
            c.abort();
        }
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        boolean interrupted = !join(acceptor, deadline);
        List<String> stuck = new ArrayList<>();
        for (Connection c : open) {
            if (interrupted || !join(c.thread, deadline)) {
                interrupted |= Thread.currentThread().isInterrupted();
                stuck.add(c.thread.getName());
            }
        }
        if (!stuck.isEmpty()) {
            kernel.log().log(Level.WARNING, LOG_OWNER, "closing: ops still running on " + String.join(", ", stuck));
        }
        removeSocketFile();
        kernel.log().log(Level.INFO, LOG_OWNER, "stopped listening on " + socket);
    }

    private void removeSocketFile() {
        try {
            BasicFileAttributes a = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (Objects.equals(a.fileKey(), socketFileKey)) {
                Files.deleteIfExists(socket);
            }
        } catch (IOException gone) {
            // already removed, or replaced by someone who owns it now
        }
    }

    /** Joins until the deadline; false if the thread still runs or the caller was interrupted. */
    private static boolean join(Thread t, long deadline) {
        try {
            long left = deadline - System.nanoTime();
            return left > 0 ? t.join(Duration.ofNanos(left)) : !t.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !t.isAlive();
        }
    }

    // ------------------------------------------------------------------ accepting

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (ClosedChannelException stop) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // e.g. EMFILE: report, let a connection end, try again
                kernel.log().log(Level.WARNING, LOG_OWNER, "accept failed: " + e);
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                continue;
            }
            Connection c = new Connection(ch, "kmod4j-control-" + connectionIds.incrementAndGet());
            connections.add(c);
            // Registered before the check, so close() either sees this connection or we see closed.
            if (closed) {
                connections.remove(c);
                closeQuietly(ch);
                return;
            }
            c.thread.start();
        }
    }

    // ------------------------------------------------------------------ one connection

    private final class Connection implements Runnable {
        private final SocketChannel channel;
        private final Thread thread;

        Connection(SocketChannel channel, String name) {
            this.channel = channel;
            this.thread = Thread.ofVirtual().name(name).unstarted(this);
        }

        void abort() {
            closeQuietly(channel);
            thread.interrupt();
        }

        @Override
        public void run() {
            try {
                if (!peerIsOwner()) {
                    write(error(Errno.EACCES, "permission denied: this daemon serves its owner only"));
                    return;
                }
                LineReader reader = new LineReader(channel, MAX_REQUEST_BYTES);
                while (!closed) {
                    LineReader.Line line = reader.next();
                    switch (line) {
                        case LineReader.End end -> {
                            return;
                        }
                        case LineReader.Invalid bad -> write(error(Errno.EINVAL, "request " + bad.reason()
                                + (bad.reason().startsWith("line longer") ? "; it was not read" : "")));
                        case LineReader.Text text -> {
                            if (text.text().isBlank()) {
                                continue;
                            }
                            Object outcome = dispatch(text.text());
                            if (!closed) {
                                Thread.interrupted(); // an interrupt a module left behind must not cut the reply
                            }
                            if (outcome instanceof StreamStart s) {
                                write(s.reply);
                                stream(s.feed);
                                return;
                            }
                            write((String) outcome);
                        }
                    }
                }
            } catch (IOException | RuntimeException ended) {
                // The client went away, or the server closed the channel: nothing left to answer.
            } finally {
                closeQuietly(channel);
                connections.remove(this);
            }
        }

        private boolean peerIsOwner() {
            try {
                UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
                return peer == null || peer.user().equals(owner);
            } catch (IOException | UnsupportedOperationException unknown) {
                return true; // the socket file's mode still keeps others out
            }
        }

        /** Runs a feed until it ends, the client closes its end, or the server closes. */
        private void stream(Streamed.Feed feed) {
            Thread feeder = Thread.currentThread();
            AtomicBoolean done = new AtomicBoolean();
            Thread watcher = Thread.ofVirtual().name(thread.getName() + "-eof").start(() -> {
                ByteBuffer sink = ByteBuffer.allocate(4096);
                try {
                    while (channel.read(sink.clear()) >= 0) {
                        // the client has nothing more to say in a stream; discard
                    }
                } catch (IOException closedOrGone) {
                    // fall through
                }
                if (!done.get()) {
                    feeder.interrupt();
                }
            });
            try {
                feed.run(value -> write(Json.write(value)));
            } catch (InterruptedException | IOException ended) {
                // the client closed, or the server is closing
            } catch (Throwable t) {
                try {
                    write(failure(t, "stream"));
                } catch (IOException gone) {
                    // nobody left to tell
                }
            } finally {
                done.set(true);
                closeQuietly(channel); // ends the watcher
            }
        }

        private void write(String json) throws IOException {
            ByteBuffer bytes = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    /** The start of a stream: the reply line, then the feed. */
    private record StreamStart(String reply, Streamed.Feed feed) {}

    /**
     * Parses, checks and performs one request. Never throws.
     *
     * @return the reply line, or a {@link StreamStart}
     */
    Object dispatch(String line) {
        String op = "request";
        try {
            Object parsed = Json.parse(line, "request", Errno.EINVAL);
            if (!(parsed instanceof Map)) {
                throw new KernelException(Errno.EINVAL, "a request must be a JSON object such as {\"op\":\"lsmod\"}, not "
                        + JsonObject.typeOf(parsed));
            }
            JsonObject request = JsonObject.of(parsed, "", Errno.EINVAL);
            request.onlyFields(List.of("op", "args"));
            op = request.string("op");
            ControlOps.Entry entry = ops.get(op);
            if (entry == null) {
                throw new KernelException(Errno.EINVAL, "unknown op '" + op + "' (known: "
                        + String.join(", ", new TreeSet<>(ops.keySet())) + ")");
            }
            JsonObject args = request.has("args") ? request.object("args") : JsonObject.empty("args", Errno.EINVAL);
            args.onlyFields(entry.args());
            Object result = entry.op().perform(new Request(op, args, kernel, socket));
            try {
                return result instanceof Streamed s ? new StreamStart(ok(s.result()), s.feed()) : ok(result);
            } catch (IllegalArgumentException notJson) {
                // the op's bug, not the client's: EIO, and the kernel log says which op
                return failure(new IllegalStateException("its result cannot be written as JSON: " + notJson.getMessage(), notJson), op);
            }
        } catch (Throwable t) {
            return failure(t, op);
        }
    }

    private String failure(Throwable t, String op) {
        return switch (t) {
            case KernelException ke -> error(ke.errno(), ke.getMessage());
            case IllegalArgumentException iae -> error(Errno.EINVAL, iae.getMessage());
            case InterruptedException ie -> {
                Thread.currentThread().interrupt();
                yield error(Errno.EINTR, op + " was interrupted: the daemon is shutting down");
            }
            default -> {
                kernel.log().log(Level.WARNING, LOG_OWNER, op + " failed unexpectedly: " + Oops.trace(t));
                yield error(Errno.EIO, op + " failed: " + Oops.printable(t));
            }
        };
    }

    private static String ok(Object result) {
        return Json.write(Json.ordered("ok", true, "result", result));
    }

    static String error(Errno errno, String message) {
        return Json.write(Json.ordered("ok", false, "errno", errno.name(), "code", errno.code(),
                "message", message == null ? errno.message() : message));
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is best effort
        }
    }
}
