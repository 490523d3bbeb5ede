package io.kmod4j.devsim.flash;

import io.kmod4j.tftp.TftpErrorException;
import io.kmod4j.tftp.TftpPacket.ErrorPacket;
import java.util.Locale;
import java.util.Optional;

/**
 * The errors of Linux's {@code fw_upload} ({@code enum fw_upload_err}), as the emulated device
 * reports them in TFTP ERROR packets, and the rule a driver uses to read them back.
 *
 * <h2>Wire mapping</h2>
 * The message always starts with the error's name, a colon and a space, then a human
 * explanation: {@code "firmware-invalid: payload-sha256 does not match"}. The code is
 * {@link ErrorPacket#DISK_FULL 3} ("disk full or allocation exceeded") for {@link
 * #INVALID_FILE_SIZE} and {@link ErrorPacket#NOT_DEFINED 0} for all others. Parse with {@link
 * #fromTftpError}: the name before the first colon wins; a message without a known name is
 * {@link #INVALID_FILE_SIZE} for code 3 and {@link #HW_ERROR} otherwise.
 */
public enum FwUploadError {
    /** {@code FW_UPLOAD_ERR_HW_ERROR}: the device failed. */
    HW_ERROR("hw-error"),
    /** {@code FW_UPLOAD_ERR_TIMEOUT}: a step took too long. */
    TIMEOUT("timeout"),
    /** {@code FW_UPLOAD_ERR_CANCELED}: the upload was cancelled. */
    USER_ABORT("user-abort"),
    /** {@code FW_UPLOAD_ERR_BUSY}: an upload or trial boot is in progress. */
    DEVICE_BUSY("device-busy"),
    /** {@code FW_UPLOAD_ERR_INVALID_SIZE}: the image does not fit, or its size is inconsistent. */
    INVALID_FILE_SIZE("invalid-file-size"),
    /** {@code FW_UPLOAD_ERR_RW_ERROR}: reading or writing the flash failed. */
    READ_WRITE_ERROR("read-write-error"),
    /** {@code FW_UPLOAD_ERR_WEAROUT}: the flash is worn out. */
    FLASH_WEAROUT("flash-wearout"),
    /** {@code FW_UPLOAD_ERR_FW_INVALID}: the image failed verification (format, hash, signature). */
    FIRMWARE_INVALID("firmware-invalid");

    private final String wireName;

    FwUploadError(String wireName) {
        this.wireName = wireName;
    }

    /** @return the name as Linux's {@code fw_upload} prints it, e.g. {@code "hw-error"} */
    public String wireName() {
        return wireName;
    }

    /** @return the TFTP error code used for this error: 3 for invalid-file-size, else 0 */
    public int tftpCode() {
        return this == INVALID_FILE_SIZE ? ErrorPacket.DISK_FULL : ErrorPacket.NOT_DEFINED;
    }

    /**
     * @param detail what happened, for people
     * @return the ERROR packet to send, as an exception to throw from a TFTP handler
     */
    public TftpErrorException toTftp(String detail) {
        return new TftpErrorException(tftpCode(), wireName + ": " + detail);
    }

    /**
     * @param name a wire name such as {@code "flash-wearout"}, any case
     * @return the error, or empty if the name is not one of the eight
     */
    public static Optional<FwUploadError> byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (FwUploadError e : values()) {
            if (e.wireName.equals(n)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * Maps a TFTP ERROR from the device to the {@code fw_upload} error a driver reports.
     *
     * @param code the TFTP error code
     * @param message the TFTP error message
     * @return the named error if the message starts with one; else {@link #INVALID_FILE_SIZE}
     *     for code 3 and {@link #HW_ERROR} for anything else
     */
    public static FwUploadError fromTftpError(int code, String message) {
        int colon = message.indexOf(':');
        if (colon > 0) {
            Optional<FwUploadError> named = byName(message.substring(0, colon));
            if (named.isPresent()) {
                return named.get();
            }
        }
        return code == ErrorPacket.DISK_FULL ? INVALID_FILE_SIZE : HW_ERROR;
    }

    /**
     * @param e an ERROR received from the device
     * @return the {@code fw_upload} error it stands for
     */
    public static FwUploadError fromTftpError(TftpErrorException e) {
        return fromTftpError(e.errorCode(), e.errorMessage());
    }
}
