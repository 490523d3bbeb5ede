package io.kmod4j.examples.tftpflash;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.firmware.FwUpload;
import io.kmod4j.firmware.FwUploadError;
import io.kmod4j.firmware.FwUploadException;
import io.kmod4j.firmware.FwUploadOps;
import io.kmod4j.kthread.KThread;
import io.kmod4j.tftp.ProgressListener;
import io.kmod4j.tftp.TftpCancelledException;
import io.kmod4j.tftp.TftpClient;
import io.kmod4j.tftp.TftpErrorException;
import io.kmod4j.tftp.TftpTimeoutException;
import io.kmod4j.tftp.TransferOptions;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The fw_upload ops over TFTP. prepare checks the device is free and starts the TFTP session on a
 * kthread of its own; each write hands a chunk to the session and returns once the session has
 * taken it; pollComplete waits for the final acknowledgement, which the device sends only
 * after it has verified the image and switched slots; cancel aborts the session, except while the
 * device is switching slots.
 */
final class TftpFlashOps implements FwUploadOps {

    /** Bytes per write call: the granularity of remainingSize. */
    static final int CHUNK = 256 * 1024;

    private final TftpFlashDriver.FlashDevice flash;
    private volatile TftpClient client;
    private volatile ChunkPipe pipe;
    private volatile KThread session;

    TftpFlashOps(TftpFlashDriver.FlashDevice flash) {
        this.flash = flash;
        flash.ops = this;
    }

    @Override
    public void prepare(FwUpload upload, ByteBuffer image) throws FwUploadException {
        int size = image.remaining();
        if (size < 128) {
            throw new FwUploadException(FwUploadError.INVALID_SIZE, "image of " + size + " bytes is shorter than its header");
        }
        DeviceStatusDoc status;
        try {
            status = DeviceStatusDoc.read(flash.address, flash.settings);
        } catch (IOException | InterruptedException e) {
            throw map(e, "reading the device status");
        }
        String state = status.get("state");
        if (state.equals("receiving") || state.equals("verifying") || state.equals("switching")) {
            throw new FwUploadException(FwUploadError.BUSY, "device is " + state);
        }
        TftpClient c = TftpClient.builder().retransmitTimeout(flash.settings.retransmit()).build();
        ChunkPipe p = new ChunkPipe(4 * CHUNK);
        TransferOptions options = TransferOptions.recommended()
                .withBlockSize(flash.settings.blockSize())
                .withWindowSize(flash.settings.windowSize());
        client = c;
        pipe = p;
        try {
            session = KThread.run("tftp-flash/" + flash.dev.name() + "/tx", () -> {
                try {
                    var result = c.upload(flash.address, "firmware", p.input(), size, options, ProgressListener.NONE);
                    flash.dev.info("pushed %d bytes in %d ms (blksize %d, windowsize %d)", result.bytes(),
                            result.elapsed().toMillis(), result.options().blockSize(), result.options().windowSize());
                    p.finished(null);
                } catch (Exception e) {
                    p.finished(e);
                }
                return 0;
            });
        } catch (KernelException e) {
            throw new FwUploadException(FwUploadError.HW_ERROR, "cannot start the TFTP session: " + e.getMessage(), e);
        }
    }

    @Override
    public int write(FwUpload upload, ByteBuffer image, int offset, int size) throws FwUploadException {
        int n = Math.min(size, CHUNK);
        try {
            pipe.write(image, offset, n);
        } catch (IOException e) {
            throw map(e, "sending the image");
        }
        return n;
    }

    @Override
    public void pollComplete(FwUpload upload) throws FwUploadException {
        ChunkPipe p = pipe;
        p.close();
        try {
            p.awaitFinished();
        } catch (IOException e) {
            throw map(e, "finishing the transfer");
        }
    }

    @Override
    public void cancel(FwUpload upload) throws KernelException {
        TftpClient c = client;
        if (c == null) {
            return;
        }
        try {
            if (DeviceStatusDoc.read(flash.address, flash.settings).get("state").equals("switching")) {
                throw new KernelException(Errno.EBUSY, flash.dev.name() + " is switching boot slots; the upload cannot be cancelled now");
            }
        } catch (IOException | InterruptedException unreadable) {
            // cannot tell: cancelling is the safe side, the device never bricks
        }
        c.cancel();
        ChunkPipe p = pipe;
        if (p != null) {
            p.finished(new TftpCancelledException("cancelled"));
        }
    }

    @Override
    public void cleanup(FwUpload upload) {
        ChunkPipe p = pipe;
        if (p != null) {
            p.close();
        }
        KThread s = session;
        if (s != null) {
            s.stop(); // joins the session thread: nothing of the transfer outlives the upload
        }
        client = null;
        pipe = null;
        session = null;
    }

    /** Maps a transfer failure to the fw_upload error the device or the network caused. */
    static FwUploadException map(Throwable e, String what) {
        Throwable cause = e instanceof IOException && e.getCause() instanceof IOException io ? io : e;
        FwUploadError error;
        if (cause instanceof TftpErrorException te) {
            String msg = te.errorMessage();
            int colon = msg.indexOf(':');
            error = colon > 0 ? FwUploadError.ofText(msg.substring(0, colon)).orElse(null) : null;
            if (error == null || error == FwUploadError.NONE) {
                error = te.errorCode() == 3 ? FwUploadError.INVALID_SIZE : FwUploadError.HW_ERROR;
            }
        } else if (cause instanceof TftpTimeoutException) {
            error = FwUploadError.TIMEOUT;
        } else if (cause instanceof TftpCancelledException) {
            error = FwUploadError.CANCELED;
        } else if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            error = FwUploadError.CANCELED;
        } else {
            error = FwUploadError.RW_ERROR;
        }
        return new FwUploadException(error, what + ": " + cause.getMessage(), cause);
    }
}
