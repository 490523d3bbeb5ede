package io.kmod4j.tftp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A handler over an in-memory map of files that records what it saw. */
class MemoryHandler implements TftpHandler {
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    final List<TransferRequest> requests = new CopyOnWriteArrayList<>();
    final List<String> completed = new CopyOnWriteArrayList<>();
    final List<IOException> aborts = new CopyOnWriteArrayList<>();

    @Override
    public ReadSource openRead(TransferRequest request) throws IOException {
        requests.add(request);
        byte[] data = files.get(request.filename());
        if (data == null) {
            throw new TftpErrorException(TftpPacket.ErrorPacket.FILE_NOT_FOUND, "no such file: " + request.filename());
        }
        return new ReadSource(new ByteArrayInputStream(data), OptionalLong.of(data.length));
    }

    @Override
    public WriteSink openWrite(TransferRequest request) throws IOException {
        requests.add(request);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return new WriteSink() {
            long expectedBlock = 1;

            @Override
            public void write(long block, ByteBuffer data) throws IOException {
                if (block != expectedBlock++) {
                    throw new IllegalStateException("block " + block + " out of order");
                }
                beforeWrite(request, block);
                byte[] b = new byte[data.remaining()];
                data.get(b);
                out.write(b);
            }

            @Override
            public void complete(long totalBytes) throws IOException {
                files.put(request.filename(), out.toByteArray());
                completed.add(request.filename());
            }

            @Override
            public void abort(IOException cause) {
                aborts.add(cause);
            }
        };
    }

    /** Hook for tests: runs before each block is stored. */
    void beforeWrite(TransferRequest request, long block) throws IOException {
    }
}
