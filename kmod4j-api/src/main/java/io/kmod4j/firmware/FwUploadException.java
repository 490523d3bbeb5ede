package io.kmod4j.firmware;

import java.util.Objects;

/** Thrown by {@link FwUploadOps} to fail an upload with an {@link FwUploadError}. */
public final class FwUploadException extends Exception {
    private static final long serialVersionUID = 1L;

    private final FwUploadError error;

    public FwUploadException(FwUploadError error, String message) {
        super(message);
        this.error = Objects.requireNonNull(error);
        if (error == FwUploadError.NONE) {
            throw new IllegalArgumentException("an upload cannot fail with NONE");
        }
    }

    public FwUploadException(FwUploadError error, String message, Throwable cause) {
        this(error, message);
        initCause(cause);
    }

    /** The error the upload ends with. */
    public FwUploadError error() {
        return error;
    }
}
