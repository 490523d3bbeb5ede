package io.kmod4j.examples.tftpflash;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands the image from the fw_upload worker (which calls {@code write} chunk by chunk) to the
 * TFTP session (which reads a stream). A write returns once the session has taken its chunk,
 * which it does block by block as its window lets it send: so {@code remainingSize} follows the
 * transfer within one TFTP window. (Waiting for the device's acknowledgement instead would
 * deadlock: the session cannot send a block the next chunk has not filled yet.)
 */
final class ChunkPipe {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final byte[] ring;
    private long written;      // bytes put in, guarded by lock
    private long read;         // bytes taken out by the session
    private boolean eof;
    private boolean finished;
    private Throwable failure;

    ChunkPipe(int capacity) {
        this.ring = new byte[capacity];
    }

    /**
     * Puts {@code len} bytes of {@code src} from {@code offset} in, then waits until the session
     * has taken them.
     *
     * @throws IOException why the transfer failed, if it did
     */
    void write(ByteBuffer src, int offset, int len) throws IOException {
        ByteBuffer view = src.duplicate();
        view.position(offset).limit(offset + len);
        lock.lock();
        try {
            while (view.hasRemaining()) {
                failIfBroken();
                long free = ring.length - (written - read);
                if (free == 0) {
                    changed.awaitUninterruptibly();
                    continue;
                }
                int at = (int) (written % ring.length);
                int n = (int) Math.min(Math.min(free, view.remaining()), ring.length - at);
                view.get(ring, at, n);
                written += n;
                changed.signalAll();
            }
            long target = written;
            while (read < target) {
                failIfBroken();
                if (finished) {
                    break;
                }
                changed.awaitUninterruptibly();
            }
            failIfBroken();
        } finally {
            lock.unlock();
        }
    }

    /** No more data: the session sees end of stream after what was written. */
    void close() {
        lock.lock();
        try {
            eof = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The session ended (null: successfully). Wakes every waiter. */
    void finished(Throwable t) {
        lock.lock();
        try {
            finished = true;
            if (failure == null) {
                failure = t;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the session to end and reports its failure, if any. */
    void awaitFinished() throws IOException {
        lock.lock();
        try {
            while (!finished) {
                changed.awaitUninterruptibly();
            }
            failIfBroken();
        } finally {
            lock.unlock();
        }
    }

    private void failIfBroken() throws IOException {
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure != null) {
            throw new IOException(failure);
        }
    }

    /** The session's side: reads what was written, blocking until data or end. */
    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                lock.lock();
                try {
                    while (written == read) {
                        if (eof || failure != null) {
                            return -1;
                        }
                        changed.awaitUninterruptibly();
                    }
                    int at = (int) (read % ring.length);
                    int n = (int) Math.min(Math.min(len, written - read), ring.length - at);
                    System.arraycopy(ring, at, b, off, n);
                    read += n;
                    changed.signalAll();
                    return n;
                } finally {
                    lock.unlock();
                }
            }
        };
    }
}
