package io.kmod4j.tftp;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A transfer as it starts: direction, names, both TIDs, and the negotiated options.
 *
 * @param upload true if data flows from this side to the peer
 * @param filename the remote file name in the request
 * @param local this side's address and port (its TID)
 * @param peer the peer's address and port (its TID)
 * @param options what the transfer runs with
 */
public record TransferInfo(boolean upload, String filename, InetSocketAddress local, InetSocketAddress peer,
                           NegotiatedOptions options) {
    /** Checks that no component is null. */
    public TransferInfo {
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(options, "options");
    }
}
