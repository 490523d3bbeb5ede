package io.kmod4j.runtime.firmware;

import io.kmod4j.firmware.Firmware;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one successful request returns: a reference to a {@link LoadedImage}. Closing it gives the
 * reference back ({@code release_firmware}) exactly once; reading it after that is the caller's
 * mistake and fails at once. Thread-safe.
 */
final class FirmwareHandle implements Firmware {

    private final LoadedImage image;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @param release run once, by the first {@link #close()} */
    FirmwareHandle(LoadedImage image, Runnable release) {
        this.image = image;
        this.release = release;
    }

    @Override
    public String name() {
        return image.name();
    }

    @Override
    public int size() {
        return image.size();
    }

    /**
     * @throws IllegalStateException if this handle was closed
     */
    @Override
    public ByteBuffer data() {
        if (closed.get()) {
            throw new IllegalStateException("firmware " + image.name() + " was released (closed); its data is gone");
        }
        return image.data();
    }

    @Override
    public Optional<Path> source() {
        return image.source();
    }

    @Override
    public String sha256() {
        return image.sha256();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "firmware " + image.name() + " (" + image.size() + " bytes" + (closed.get() ? ", released" : "") + ")";
    }
}
