package io.kmod4j.firmware;

import io.kmod4j.KernelException;
import java.nio.ByteBuffer;

/**
 * What a driver does for a firmware upload ({@code struct fw_upload_ops}). The upload worker
 * calls {@link #prepare}, then {@link #write} until the whole image is written, then
 * {@link #pollComplete}, then {@link #cleanup} (only if prepare succeeded). {@link #cancel} comes
 * from another thread at any time and must be safe against all of them.
 */
public interface FwUploadOps {

    /** Checks the image and readies the device ({@code prepare}). */
    void prepare(FwUpload upload, ByteBuffer image) throws FwUploadException;

    /**
     * Writes part of the image ({@code write}): from {@code offset}, at most {@code size} bytes.
     *
     * @return how many bytes were written, at least 1 (0 fails the upload with read-write-error)
     */
    int write(FwUpload upload, ByteBuffer image, int offset, int size) throws FwUploadException;

    /** Waits for the device to finish programming ({@code poll_complete}). */
    void pollComplete(FwUpload upload) throws FwUploadException;

    /**
     * Asks the transfer to stop ({@code cancel}); called from another thread. The running op
     * should then fail with {@link FwUploadError#CANCELED}.
     *
     * @throws KernelException {@code EBUSY} to refuse: the device is in a critical section (e.g.
     *     switching boot slots) that must not be interrupted
     */
    void cancel(FwUpload upload) throws KernelException;

    /** Releases what prepare acquired ({@code cleanup}); runs only if prepare succeeded. */
    default void cleanup(FwUpload upload) {
    }
}
