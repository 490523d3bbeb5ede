package io.kmod4j.runtime.firmware;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStream;
import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.XZInputStream;

/**
 * Reads one firmware file into memory: as it is, or through the zstd or xz decoder
 * ({@code kernel_read_file} plus {@code fw_decompress_zstd}/{@code fw_decompress_xz}).
 *
 * <p>Every way of reading is capped: a plain file larger than the {@link Sink}'s limit is refused
 * from its size before anything is allocated; a compressed file is decoded in bounded chunks and
 * refused as soon as its output passes the limit (a zstd frame that declares a larger size is
 * refused from its header), and the xz decoder refuses a stream that needs more memory than
 * configured. So a hostile archive costs at most the limit, never an {@link OutOfMemoryError};
 * an allocation the JVM cannot satisfy within the limit is {@code ENOMEM}.
 *
 * <p>Plain files are read with one {@link FileChannel} straight into a buffer of exactly their
 * size. Stateless and thread-safe.
 */
final class ImageReader {

    /** How a file on the search path is encoded, in the order Linux tries the suffixes. */
    enum Format {
        PLAIN(""), ZSTD(".zst"), XZ(".xz");

        final String suffix;

        Format(String suffix) {
            this.suffix = suffix;
        }
    }

    /** Where an image goes, and how large it may be. */
    interface Sink {
        /** Largest image accepted, in bytes. */
        long limit();

        /** Words for the limit in messages, e.g. "the 512 MiB image limit". */
        String describeLimit();

        /**
         * A writable buffer of exactly {@code size} bytes (position 0, limit {@code size}).
         *
         * @throws KernelException {@code ENOMEM} if it cannot be had
         */
        ByteBuffer allocate(int size, Path file) throws KernelException;
    }

    private static final int CHUNK = 1 << 20;
    private static final int ZSTD_HEADER_MAX = 18;

    private final int xzMemoryLimitKiB;
    private final int zstdWindowLogMax;

    ImageReader(int xzMemoryLimitKiB, int zstdWindowLogMax) {
        this.xzMemoryLimitKiB = xzMemoryLimitKiB;
        this.zstdWindowLogMax = zstdWindowLogMax;
    }

    /**
     * Reads {@code file} (a real path: no symbolic link is followed in its last component).
     *
     * @return the image, position 0, limit its size
     * @throws KernelException {@code ENOENT} gone, {@code EACCES} unreadable, {@code EINVAL}
     *     empty, not decodable or corrupt, {@code EFBIG} beyond the sink's limit or the decoder's
     *     memory limit, {@code ENOMEM}, {@code EIO}, {@code EINTR} (interrupt status kept);
     *     every message names the file
     */
    ByteBuffer read(Path file, Format format, Sink sink) throws KernelException {
        try {
            return switch (format) {
                case PLAIN -> readPlain(file, sink);
                case ZSTD, XZ -> decompress(file, format, sink);
            };
        } catch (ClosedByInterruptException e) {
            throw new KernelException(Errno.EINTR, "reading " + file + " was interrupted", e);
        } catch (NoSuchFileException e) {
            throw new KernelException(Errno.ENOENT, file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new KernelException(Errno.EACCES, file + ": permission denied", e);
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, "reading " + file + " failed: " + e, e);
        }
    }

    private static ByteBuffer readPlain(Path file, Sink sink) throws IOException, KernelException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            if (size <= 0) {
                throw new KernelException(Errno.EINVAL, file + " is empty");
            }
            if (size > sink.limit()) {
                throw new KernelException(Errno.EFBIG, file + " is " + size + " bytes, more than " + sink.describeLimit());
            }
            ByteBuffer buf = sink.allocate((int) size, file);
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    throw new KernelException(Errno.EIO, file + " shrank from " + size + " to " + buf.position()
                            + " bytes while it was read");
                }
            }
            return buf.flip();
        }
    }

    private ByteBuffer decompress(Path file, Format format, Sink sink) throws IOException, KernelException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
             InputStream raw = new BufferedInputStream(java.nio.channels.Channels.newInputStream(ch), 1 << 16)) {
            if (ch.size() <= 0) {
                throw new KernelException(Errno.EINVAL, file + " is empty");
            }
            if (format == Format.ZSTD) {
                refuseDeclaredOversize(file, raw, sink);
            }
            try (InputStream in = decoder(format, raw)) {
                return drain(file, in, sink);
            } catch (MemoryLimitException e) {
                throw new KernelException(Errno.EFBIG, "decompressing " + file + " needs " + e.getMemoryNeeded()
                        + " KiB of memory, more than the xz limit of " + e.getMemoryLimit() + " KiB", e);
            } catch (ClosedByInterruptException e) {
                throw e;
            } catch (IOException e) {
                throw new KernelException(Errno.EINVAL, "decompressing " + file + " failed: " + e.getMessage(), e);
            } catch (OutOfMemoryError e) {
                throw new KernelException(Errno.ENOMEM, "out of memory decompressing " + file, e);
            }
        }
    }

    private InputStream decoder(Format format, InputStream raw) throws IOException {
        return switch (format) {
            case XZ -> new XZInputStream(raw, xzMemoryLimitKiB);
            case ZSTD -> new ZstdInputStream(raw).setLongMax(zstdWindowLogMax);
            case PLAIN -> throw new IllegalArgumentException("not compressed");
        };
    }

    /** A zstd frame may declare its size in its header: refuse a huge one before decoding anything. */
    private static void refuseDeclaredOversize(Path file, InputStream raw, Sink sink) throws IOException, KernelException {
        raw.mark(ZSTD_HEADER_MAX);
        byte[] header = raw.readNBytes(ZSTD_HEADER_MAX);
        raw.reset();
        long declared = Zstd.getFrameContentSize(header, 0, header.length);
        if (declared > sink.limit()) {
            throw new KernelException(Errno.EFBIG, file + " declares " + declared + " bytes of content, more than "
                    + sink.describeLimit());
        }
    }

    /** Decodes in chunks no larger than what is still allowed, so the limit bounds the memory. */
    private static ByteBuffer drain(Path file, InputStream in, Sink sink) throws IOException, KernelException {
        long limit = sink.limit();
        List<byte[]> chunks = new ArrayList<>();
        long total = 0;
        int last = 0; // bytes used in the last chunk
        while (true) {
            long allowed = limit - total + 1; // one byte more than the limit tells "too big"
            if (chunks.isEmpty() || last == chunks.getLast().length) {
                chunks.add(new byte[(int) Math.min(CHUNK, allowed)]);
                last = 0;
            }
            byte[] c = chunks.getLast();
            int n = in.read(c, last, (int) Math.min(c.length - last, allowed));
            if (n < 0) {
                break;
            }
            last += n;
            total += n;
            if (total > limit) {
                throw new KernelException(Errno.EFBIG, "decompressing " + file + " gives more than "
                        + sink.describeLimit());
            }
        }
        if (total == 0) {
            throw new KernelException(Errno.EINVAL, file + " decompresses to nothing");
        }
        ByteBuffer out = sink.allocate((int) total, file);
        for (int i = 0; i < chunks.size(); i++) {
            out.put(chunks.get(i), 0, i == chunks.size() - 1 ? last : chunks.get(i).length);
        }
        return out.flip();
    }
}
