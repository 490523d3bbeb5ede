package io.kmod4j.runtime.firmware.modules.upload;

import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.driver.Device;
import io.kmod4j.firmware.FwUpload;
import io.kmod4j.firmware.FwUploadError;
import io.kmod4j.firmware.FwUploadException;
import io.kmod4j.firmware.FwUploadOps;
import java.nio.ByteBuffer;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A test module that registers a firmware upload in init. Its writes wait for permits of the
 * semaphore {@code kmodtest.fw.permits} (or a cancel). {@code kmodtest.fw.exit}: "unregister"
 * closes the upload in exit, "register" tries to register another one there; anything else
 * forgets it.
 */
public final class FwUploader implements Module {
    private static final Properties P = System.getProperties();
    private static FwUpload upload;

    @SuppressWarnings("unchecked")
    private static void report(String s) {
        ((Queue<String>) P.get("kmodtest.fw.results")).add(s);
    }

    static final class Ops implements FwUploadOps {
        private volatile boolean cancelled;

        @Override
        public void prepare(FwUpload u, ByteBuffer image) {
            cancelled = false;
        }

        @Override
        public int write(FwUpload u, ByteBuffer image, int offset, int size) throws FwUploadException {
            report("write " + offset);
            Semaphore permits = (Semaphore) P.get("kmodtest.fw.permits");
            try {
                while (!cancelled && !permits.tryAcquire(5, TimeUnit.MILLISECONDS)) {
                    // wait for a permit or a cancel
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (cancelled) {
                throw new FwUploadException(FwUploadError.CANCELED, "cancelled");
            }
            return 1;
        }

        @Override
        public void pollComplete(FwUpload u) {
        }

        @Override
        public void cancel(FwUpload u) throws KernelException {
            report("cancel");
            cancelled = true;
        }

        @Override
        public void cleanup(FwUpload u) {
            report("cleanup");
        }
    }

    @Override
    public void init(ModuleContext ctx) throws KernelException {
        upload = FwUpload.register((Device) P.get("kmodtest.fw.device"), "kmodtest-flash", new Ops());
    }

    @Override
    public void exit() {
        String what = (String) P.get("kmodtest.fw.exit");
        if ("unregister".equals(what)) {
            upload.close();
            report("unregistered in exit");
        } else if ("register".equals(what)) {
            try {
                FwUpload.register((Device) P.get("kmodtest.fw.device"), "another", new Ops()).close();
                report("exit register accepted");
            } catch (KernelException e) {
                report("exit register " + e.errno());
            }
        }
        upload = null;
    }

}
