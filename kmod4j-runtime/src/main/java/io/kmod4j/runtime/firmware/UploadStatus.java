package io.kmod4j.runtime.firmware;

import io.kmod4j.firmware.FwUploadProgress;

/**
 * One firmware upload as {@code kmod4j fw status} shows it: the sysfs files of
 * {@code /sys/class/firmware/NAME/} in one immutable snapshot.
 *
 * @param name the upload's name
 * @param device the name of the device it pushes to
 * @param progress where it is ({@code status})
 * @param size the size of the current or last image, 0 if none ran
 * @param remainingSize bytes not yet written ({@code remaining_size}); left as it was when the
 *     last upload ended: 0 after a success, the rest after a failure
 * @param error {@code "<progress-at-failure>:<error>"} of the current or last upload, e.g.
 *     {@code "transferring:hw-error"}; empty if none. Unlike the {@code error} file this is shown
 *     while an upload runs (it is empty then unless the running upload already failed)
 */
public record UploadStatus(String name, String device, FwUploadProgress progress, long size, long remainingSize,
                           String error) {

    /** Bytes written so far: {@code size - remainingSize}. */
    public long written() {
        return size - remainingSize;
    }

    /** Whether an upload runs ({@code progress != idle}). */
    public boolean busy() {
        return progress != FwUploadProgress.IDLE;
    }
}
