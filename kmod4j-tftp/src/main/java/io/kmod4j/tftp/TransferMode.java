package io.kmod4j.tftp;

import java.util.Locale;
import java.util.Optional;

/**
 * The transfer modes of RFC 1350 that this package accepts on the wire.
 *
 * <p>The third mode of RFC 1350, {@code mail}, is obsolete and refused by the decoder. kmod4j only
 * ever <em>transfers</em> in {@link #OCTET} mode: the client always asks for it, and the server
 * refuses {@link #NETASCII} requests with an ERROR rather than mangle a binary image with
 * end-of-line translation.
 */
public enum TransferMode {
    /** Text with CR LF line ends (RFC 764 netascii). Decoded, never transferred. */
    NETASCII("netascii"),
    /** Raw 8-bit bytes. */
    OCTET("octet");

    private final String wireName;

    TransferMode(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The name as sent in a request.
     *
     * @return {@code "netascii"} or {@code "octet"}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * Looks up a mode by its name in a request, ignoring case as RFC 1350 asks.
     *
     * @param name the mode string from a request
     * @return the mode, or empty if the name is neither {@code netascii} nor {@code octet}
     */
    public static Optional<TransferMode> of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "netascii" -> Optional.of(NETASCII);
            case "octet" -> Optional.of(OCTET);
            default -> Optional.empty();
        };
    }
}
