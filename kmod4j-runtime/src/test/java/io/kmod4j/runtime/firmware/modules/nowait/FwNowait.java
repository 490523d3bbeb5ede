package io.kmod4j.runtime.firmware.modules.nowait;

import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.driver.Device;
import io.kmod4j.firmware.Firmware;
import io.kmod4j.firmware.FirmwareRequest;
import io.kmod4j.firmware.FirmwareResult;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;

/**
 * A test module that asks for firmware with request_firmware_nowait in init. It talks to the test
 * through system properties (JDK objects only): {@code kmodtest.fw.device}, {@code .name},
 * {@code .results} (a queue of strings), {@code .gate} (a latch the callback waits on, if set)
 * and {@code .exit} (what exit does: "cancel", "nowait" or nothing).
 */
public final class FwNowait implements Module {
    private static final Properties P = System.getProperties();
    private static FirmwareRequest request;

    @SuppressWarnings("unchecked")
    private static void report(String s) {
        ((Queue<String>) P.get("kmodtest.fw.results")).add(s);
    }

    @Override
    public void init(ModuleContext ctx) throws KernelException {
        Device dev = (Device) P.get("kmodtest.fw.device");
        request = Firmware.requestNowait((String) P.get("kmodtest.fw.name"), dev, FwNowait::done);
    }

    private static void done(FirmwareResult result) {
        report("callback started");
        CountDownLatch gate = (CountDownLatch) P.get("kmodtest.fw.gate");
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        switch (result) {
            case FirmwareResult.Loaded l -> {
                try (Firmware fw = l.firmware()) {
                    report("loaded " + fw.size());
                }
            }
            case FirmwareResult.Failed f -> report("failed " + f.error().errno());
        }
    }

    @Override
    public void exit() {
        String what = (String) P.get("kmodtest.fw.exit");
        if ("cancel".equals(what)) {
            report("exit cancel " + request.cancel());
        } else if ("nowait".equals(what)) {
            try {
                Firmware.requestNowait("late.bin", (Device) P.get("kmodtest.fw.device"), r -> { });
                report("exit nowait accepted");
            } catch (KernelException e) {
                report("exit nowait " + e.errno());
            }
        }
        request = null;
    }
}
