package io.kmod4j.runtime.control;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import java.util.Set;

/**
 * Where the control socket lives and how its place is made safe: a directory of its own that only
 * the owner can enter, a socket file only the owner can open, and no second daemon on one path.
 */
public final class ControlSocket {

    /** Longest socket path Linux accepts ({@code sizeof(sun_path) - 1}). */
    public static final int MAX_PATH_BYTES = 107;

    static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private ControlSocket() {}

    /**
     * The default socket: {@code $KMOD4J_SOCKET} if set, else
     * {@code $XDG_RUNTIME_DIR/kmod4j/control.sock}, else {@code /tmp/kmod4j-<user>/control.sock}.
     * The daemon and every command agree on it without being told.
     */
    public static Path defaultPath() {
        return defaultPath(System.getenv(), System.getProperty("user.name", "unknown"));
    }

    /** {@link #defaultPath()} for a given environment and user name. */
    static Path defaultPath(Map<String, String> env, String user) {
        String explicit = env.get("KMOD4J_SOCKET");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        String runtimeDir = env.get("XDG_RUNTIME_DIR");
        if (runtimeDir != null && !runtimeDir.isBlank() && Path.of(runtimeDir).isAbsolute()) {
            return Path.of(runtimeDir, "kmod4j", "control.sock");
        }
        return Path.of("/tmp", "kmod4j-" + user.replaceAll("[^A-Za-z0-9._-]", "_"), "control.sock");
    }

    /**
     * Makes {@code dir} ready to hold the socket: creates it with mode 0700 (and its missing
     * parents with the default mode); accepts an existing one only if it belongs to the current
     * user and neither group nor others may write to it, since whoever can write there can
     * replace the socket.
     *
     * @throws KernelException ENOTDIR, EACCES (someone else's, or writable by others), EIO
     */
    static void prepareDirectory(Path dir) throws KernelException {
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                if (dir.getParent() != null) {
                    Files.createDirectories(dir.getParent());
                }
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                    Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR); // whatever the umask said
                    return;
                } catch (FileAlreadyExistsException raced) {
                    // created meanwhile by someone: check it like any existing directory
                }
            }
            if (!Files.isDirectory(dir)) {
                throw new KernelException(Errno.ENOTDIR, dir + " is not a directory; the control socket needs a directory of its own");
            }
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
            UserPrincipal me = currentUser();
            if (me != null && !a.owner().equals(me)) {
                throw new KernelException(Errno.EACCES, "directory " + dir + " belongs to " + a.owner().getName() + ", not to "
                        + me.getName() + "; refusing to put the control socket there");
            }
            if (a.permissions().contains(PosixFilePermission.GROUP_WRITE) || a.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new KernelException(Errno.EACCES, "directory " + dir + " is writable by others ("
                        + PosixFilePermissions.toString(a.permissions()) + "); the control socket needs a private directory (mode 0700)");
            }
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, "cannot prepare the directory " + dir + " for the control socket: " + e, e);
        }
    }

    /**
     * Makes way for a new socket at {@code socket}: nothing there is fine; a socket that nobody
     * answers on is a stale leftover of a daemon that died, and is removed; a socket that answers
     * belongs to a live daemon and is left alone.
     *
     * @throws KernelException EADDRINUSE (a live daemon answers), EEXIST (not a socket), EIO
     */
    static void clearStale(Path socket) throws KernelException {
        try {
            if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            BasicFileAttributes a = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isOther()) {
                throw new KernelException(Errno.EEXIST, socket + " exists and is not a socket; refusing to replace it");
            }
            SocketChannel probe;
            try {
                probe = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            } catch (ConnectException refused) {
                Files.deleteIfExists(socket); // nobody answers: a daemon died without cleaning up
                return;
            }
            probe.close();
            throw new KernelException(Errno.EADDRINUSE, "a kmod4j daemon is already listening on " + socket);
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, "cannot check the existing socket " + socket + ": " + e, e);
        }
    }

    /** Fails with ENAMETOOLONG unless {@code socket} fits a {@code sockaddr_un}. */
    static void checkLength(Path socket) throws KernelException {
        int bytes = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PATH_BYTES) {
            throw new KernelException(Errno.ENAMETOOLONG, "socket path " + socket + " is " + bytes
                    + " bytes long; Unix-domain sockets allow at most " + MAX_PATH_BYTES);
        }
    }

    /** The user this process runs as, or null if it cannot be told. */
    static UserPrincipal currentUser() {
        try {
            return Files.getOwner(Path.of("/proc/self")); // owned by the effective uid on Linux
        } catch (IOException | UnsupportedOperationException e) {
            try {
                return Path.of("/").getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName(System.getProperty("user.name"));
            } catch (IOException | UnsupportedOperationException again) {
                return null;
            }
        }
    }
}
