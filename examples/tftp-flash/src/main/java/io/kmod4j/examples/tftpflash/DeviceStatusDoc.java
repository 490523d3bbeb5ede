package io.kmod4j.examples.tftpflash;

import io.kmod4j.tftp.ProgressListener;
import io.kmod4j.tftp.TftpClient;
import io.kmod4j.tftp.TransferOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The device's {@code status} file: {@code key: value} lines, read with a TFTP read request. */
final class DeviceStatusDoc {

    private final Map<String, String> values;

    private DeviceStatusDoc(Map<String, String> values) {
        this.values = values;
    }

    /** Reads it now; each read uses a client of its own (a cancelled client stays cancelled). */
    static DeviceStatusDoc read(InetSocketAddress device, TftpFlash.Settings settings)
            throws IOException, InterruptedException {
        TftpClient client = TftpClient.builder().retransmitTimeout(settings.retransmit()).maxRetries(3).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client.download(device, "status", out, TransferOptions.none(), ProgressListener.NONE);
        return parse(out.toString(StandardCharsets.UTF_8));
    }

    static DeviceStatusDoc parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            int i = line.indexOf(": ");
            if (i > 0) {
                m.put(line.substring(0, i).trim(), line.substring(i + 2).trim());
            }
        }
        return new DeviceStatusDoc(m);
    }

    /** A value, or {@code "unknown"}. */
    String get(String key) {
        return values.getOrDefault(key, "unknown");
    }
}
