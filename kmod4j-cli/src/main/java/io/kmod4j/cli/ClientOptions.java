package io.kmod4j.cli;

import io.kmod4j.runtime.control.ControlSocket;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The options every verb has: where the daemon is, and whether to print JSON. */
@Command(exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the operation failed; the message names the errno",
            "2:the command line was wrong",
            "3:the daemon could not be reached (start one with 'kmod4j daemon')"})
public final class ClientOptions {

    @Option(names = "--socket", paramLabel = "PATH",
            description = "The daemon's control socket. Default: $KMOD4J_SOCKET, else "
                    + "$XDG_RUNTIME_DIR/kmod4j/control.sock, else /tmp/kmod4j-$USER/control.sock.")
    Path socket;

    @Option(names = "--json",
            description = "Print the result as JSON (the control protocol's shapes, one document per line) instead of text.")
    boolean json;

    /** The socket given, else the default one. */
    public Path socket() {
        return socket != null ? socket.toAbsolutePath().normalize() : ControlSocket.defaultPath();
    }

    /** Whether {@code --json} was given. */
    public boolean json() {
        return json;
    }
}
