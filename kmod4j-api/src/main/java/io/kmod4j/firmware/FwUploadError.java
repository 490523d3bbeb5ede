package io.kmod4j.firmware;

import java.util.Optional;

/** Why a firmware upload failed ({@code enum fw_upload_err}), with the strings Linux prints. */
public enum FwUploadError {
    NONE("none"), HW_ERROR("hw-error"), TIMEOUT("timeout"), CANCELED("user-abort"), BUSY("device-busy"),
    INVALID_SIZE("invalid-file-size"), RW_ERROR("read-write-error"), WEAROUT("flash-wearout"),
    FW_INVALID("firmware-invalid");

    private final String text;

    FwUploadError(String text) {
        this.text = text;
    }

    /** The word the {@code error} file shows, e.g. {@code "hw-error"}. */
    public String text() {
        return text;
    }

    /** The error with that text, if any. */
    public static Optional<FwUploadError> ofText(String text) {
        for (FwUploadError e : values()) {
            if (e.text.equals(text)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
