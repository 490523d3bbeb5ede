package io.kmod4j.devsim.image;

/**
 * A firmware image is malformed or does not verify. Names the header field (or {@code payload},
 * {@code signature}) at fault and why, for example {@code "firmware image: field 'payload-sha256':
 * does not match the payload"}.
 */
public class ImageException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    /**
     * @param field the field at fault
     * @param reason why
     */
    public ImageException(String field, String reason) {
        super("firmware image: field '" + field + "': " + reason);
        this.field = field;
        this.reason = reason;
    }

    /** @return the field at fault: magic, header-version, header-length, flags, payload-length,
     *     header-crc32, payload-sha256, signature or payload */
    public String field() {
        return field;
    }

    /** @return why the field was refused */
    public String reason() {
        return reason;
    }
}
