package io.kmod4j.tftp;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A request as a {@link TftpHandler} sees it.
 *
 * @param write true for a write request (WRQ), false for a read request (RRQ)
 * @param filename the file name as sent
 * @param mode the transfer mode (always {@link TransferMode#OCTET}: the server refuses netascii
 *     before asking the handler)
 * @param client the client's address and port (its TID)
 * @param transferSize for a write, the size the client announced with {@code tsize}; lets the
 *     handler refuse an oversize file before a single block is written. Empty if not announced.
 * @param options all options of the request, names in lower case, including ones the server does
 *     not negotiate
 */
public record TransferRequest(boolean write, String filename, TransferMode mode, InetSocketAddress client,
                              OptionalLong transferSize, Map<String, String> options) {
    /** Checks that no component is null; copies the options. */
    public TransferRequest {
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(transferSize, "transferSize");
        options = Map.copyOf(options);
    }
}
