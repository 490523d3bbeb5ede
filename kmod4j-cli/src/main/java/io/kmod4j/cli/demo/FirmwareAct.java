package io.kmod4j.cli.demo;

import io.kmod4j.devsim.flash.DeviceConfig;
import io.kmod4j.devsim.flash.DeviceState;
import io.kmod4j.devsim.flash.FlashDevice;
import io.kmod4j.devsim.image.ImagePacker;
import io.kmod4j.devsim.image.Version;
import io.kmod4j.firmware.FwUploadProgress;
import io.kmod4j.runtime.DeviceSpec;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.UnloadReport;
import io.kmod4j.runtime.firmware.UploadStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Act 2: the question made real. An emulated A/B flash device listens for TFTP on loopback; the
 * tftp-flash driver's probe starts one kthread that requests the firmware, pushes it through the
 * fw_upload ops, and waits for the device to confirm the image. Then the module is unloaded in
 * the middle of a second push, and the device still boots a verified image.
 */
final class FirmwareAct {

    private final Narrator n;
    private final Kernel kernel;
    private final Path driverJar;
    private final Path firmwareDir;
    private final Path stateDir;

    FirmwareAct(Narrator n, Kernel kernel, Path driverJar, Path firmwareDir, Path stateDir) {
        this.n = n;
        this.kernel = kernel;
        this.driverJar = driverJar;
        this.firmwareDir = firmwareDir;
        this.stateDir = stateDir;
    }

    /** @return whether the push was confirmed and every unload was clean */
    boolean run() throws Exception {
        n.title("Act 2: firmware to a real device, and an unload that cannot hurt it");
        try (FlashDevice device = FlashDevice.start(DeviceConfig.of(stateDir).withSelfTestDelay(Duration.ofMillis(300)))) {
            int port = device.address().getPort();
            n.command("kmod4j devsim --state " + stateDir.getFileName() + " --port " + port,
                    "an emulated A/B flash device behind TFTP");
            n.indented("flash device listening on tftp://127.0.0.1:" + port + "  (active image: "
                    + device.status().activeVersion().map(Version::toString).orElse("none") + ")");

            byte[] v1 = image("1.1.0", 3 << 20);
            Files.write(firmwareDir.resolve("flash0.img"), v1);
            n.command("kmod4j fw pack --version 1.1.0 payload.bin firmware/flash0.img", "");
            n.indented("firmware/flash0.img: " + v1.length + " bytes (header, SHA-256, payload)");

            n.command("kmod4j insmod " + driverJar.getFileName() + " blksize=512 windowsize=2",
                    "small TFTP blocks, so the push is slow enough to watch");
            kernel.insmod(driverJar, Map.of("blksize", "512", "windowsize", "2"));
            n.dmesg();
            n.command("kmod4j device add flash0 -c kmod4j,tftp-flash -p address=127.0.0.1 -p port=" + port
                    + " -p firmware=flash0.img", "the driver binds it: probe runs");
            kernel.addDevice(DeviceSpec.of("flash0", "kmod4j,tftp-flash",
                    Map.of("address", "127.0.0.1", "port", Integer.toString(port), "firmware", "flash0.img")));
            boolean confirmed = follow(() -> n.logContains("new image 1.1.0 confirmed")
                    || n.logContains("upload failed") || n.logContains("did not"));
            n.command("curl -s tftp://127.0.0.1:" + port + "/status", "the device's own status file, read over TFTP");
            n.indented(device.status().toDocument().lines().filter(l -> l.startsWith("state") || l.startsWith("active")
                    || l.startsWith("trial")).reduce((a, b) -> a + "\n" + b).orElse(""));
            confirmed &= device.status().state() == DeviceState.CONFIRMED;

            n.say("");
            n.say("Now push a bigger image, slowly, and unload the driver while it is on the wire.");
            byte[] v2 = image("2.0.0", 12 << 20);
            Path v2file = firmwareDir.resolve("flash0-2.0.0.img");
            Files.write(v2file, v2);
            n.command("kmod4j fw upload flash0 firmware/" + v2file.getFileName() + " --no-wait", "");
            kernel.firmware().upload("flash0", v2file);
            ProgressBar.until(n, kernel, "flash0", u -> u.written() >= v2.length / 5 || !u.busy());
            n.command("kmod4j rmmod tftp_flash", "remove() cancels the upload and waits for its kthread");
            UnloadReport r = kernel.rmmod("tftp_flash");
            n.dmesg();
            n.indented(r.format().stripTrailing());
            awaitDeviceSettled(device);
            Optional<Version> active = device.status().activeVersion();
            n.indented("device still boots " + active.map(Version::toString).orElse("nothing")
                    + ", a verified image; the half-sent 2.0.0 never became active");
            return confirmed && r.clean() && active.equals(Optional.of(Version.parse("1.1.0")));
        }
    }

    /** Shows the kernel log and the upload's progress until {@code done}, at most 60 s. */
    private boolean follow(BooleanSupplier done) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        ProgressBar bar = new ProgressBar(n.out());
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            n.dmesgAbove(bar);
            kernel.firmware().uploads().stream().filter(u -> u.name().equals("flash0")).findFirst().ifPresent(bar::show);
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
        bar.finish();
        n.dmesg();
        return n.logContains("confirmed by the device");
    }

    private static void awaitDeviceSettled(FlashDevice device) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (device.status().state() == DeviceState.RECEIVING && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
    }

    private static byte[] image(String version, int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        new Random(42).nextBytes(payload);
        return ImagePacker.pack(payload, Version.parse(version), Optional.empty());
    }

    /**
     * An upload's progress: a bar redrawn in place on a terminal; on anything else (a log, a
     * pipe) one line per state change and per quarter, so the output stays readable.
     */
    static final class ProgressBar {
        private static final boolean TERMINAL = System.console() != null && System.console().isTerminal();
        private final java.io.PrintWriter out;
        private String last = "";
        private boolean drawn;
        private FwUploadProgress lastState;
        private long lastQuarter = -1;

        ProgressBar(java.io.PrintWriter out) {
            this.out = out;
        }

        void show(UploadStatus u) {
            if (u.progress() == FwUploadProgress.IDLE && !drawn) {
                return;
            }
            long size = Math.max(1, u.size());
            long percent = 100 * u.written() / size;
            if (!TERMINAL) {
                long quarter = percent / 25;
                if (u.progress() != lastState || (u.progress() == FwUploadProgress.TRANSFERRING && quarter != lastQuarter)) {
                    out.printf(java.util.Locale.ROOT, "  fw upload %s: %s, %d%% (%d of %d bytes)%n", u.name(),
                            u.progress().text(), percent, u.written(), u.size());
                    out.flush();
                    lastState = u.progress();
                    lastQuarter = quarter;
                    drawn = true;
                }
                return;
            }
            int width = 30;
            int filled = (int) (width * u.written() / size);
            String line = String.format(java.util.Locale.ROOT, "  fw upload %s [%s%s] %3d%% %s", u.name(),
                    "#".repeat(filled), ".".repeat(width - filled), percent, u.progress().text());
            if (!line.equals(last)) {
                out.print("\r" + line);
                out.flush();
                last = line;
                drawn = true;
            }
        }

        /** Makes room for log lines: wipes the bar on a terminal. */
        void clear() {
            if (drawn && TERMINAL) {
                out.print("\r" + " ".repeat(last.length()) + "\r");
                out.flush();
            }
        }

        void finish() {
            if (drawn && TERMINAL) {
                out.println();
            }
            drawn = false;
        }

        static void until(Narrator n, Kernel kernel, String upload, java.util.function.Predicate<UploadStatus> stop) {
            ProgressBar bar = new ProgressBar(n.out());
            long deadline = System.nanoTime() + 30_000_000_000L;
            UploadStatus last = null;
            while (System.nanoTime() < deadline) {
                Optional<UploadStatus> s = kernel.firmware().uploads().stream().filter(u -> u.name().equals(upload)).findFirst();
                if (s.isEmpty()) {
                    break;
                }
                last = s.get();
                bar.show(last);
                if (stop.test(last)) {
                    break;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
            }
            bar.finish();
            if (!TERMINAL && last != null) {
                n.out().printf(java.util.Locale.ROOT, "  fw upload %s: %s, %d%% (%d of %d bytes) when we stop%n", last.name(),
                        last.progress().text(), 100 * last.written() / Math.max(1, last.size()), last.written(), last.size());
            }
        }
    }
}
