package io.kmod4j.firmware;

/**
 * Where a firmware upload is ({@code enum fw_upload_prog}). Moves forward through one upload and
 * back to {@link #IDLE}:
 * <pre>IDLE ─▶ RECEIVING ─▶ PREPARING ─▶ TRANSFERRING ─▶ PROGRAMMING ─▶ IDLE</pre>
 * (an error at any step goes straight back to IDLE).
 */
public enum FwUploadProgress {
    IDLE("idle"), RECEIVING("receiving"), PREPARING("preparing"), TRANSFERRING("transferring"),
    PROGRAMMING("programming");

    private final String text;

    FwUploadProgress(String text) {
        this.text = text;
    }

    /** The word the {@code status} file shows. */
    public String text() {
        return text;
    }
}
