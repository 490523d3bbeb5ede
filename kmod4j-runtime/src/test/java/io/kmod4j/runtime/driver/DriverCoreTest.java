package io.kmod4j.runtime.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Taint;
import io.kmod4j.driver.Device;
import io.kmod4j.driver.DeviceId;
import io.kmod4j.driver.Driver;
import io.kmod4j.driver.DriverRegistration;
import io.kmod4j.driver.ProbeType;
import io.kmod4j.log.LogRecord;
import io.kmod4j.runtime.DeviceSpec;
import io.kmod4j.runtime.DeviceStatus;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.KernelConfig;
import io.kmod4j.runtime.UnloadReport;
import io.kmod4j.runtime.testing.TestJars;
import io.kmod4j.testing.Await;
import io.kmod4j.testing.ManualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import kmodtest.autoload.AutoModule;
import kmodtest.driver.DriverModule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverCoreTest {

    @TempDir
    Path dir;

    ManualScheduler clock = new ManualScheduler();
    Kernel kernel;

    @BeforeEach
    void boot() throws KernelException {
        kernel = Kernel.boot(KernelConfig.builder().scheduler(clock).moduleDir(dir)
                .unloadTimeout(Duration.ofSeconds(20)).build());
    }

    @AfterEach
    void shutdown() {
        kernel.close();
    }

    /** A host driver whose probe and remove are given per test. */
    static class TestDriver implements Driver {
        final String name;
        final List<DeviceId> ids;
        final ProbeBody probe;
        final ProbeType type;
        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        interface ProbeBody {
            void probe(Device dev) throws Exception;
        }

        TestDriver(String name, String compatible, ProbeBody probe) {
            this(name, compatible, ProbeType.DEFAULT_STRATEGY, probe);
        }

        TestDriver(String name, String compatible, ProbeType type, ProbeBody probe) {
            this.name = name;
            this.ids = List.of(DeviceId.of(compatible));
            this.probe = probe;
            this.type = type;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<DeviceId> idTable() {
            return ids;
        }

        @Override
        public ProbeType probeType() {
            return type;
        }

        @Override
        public void probe(Device dev) throws Exception {
            events.add("probe " + dev.name());
            probe.probe(dev);
        }

        @Override
        public void remove(Device dev) {
            events.add("remove " + dev.name());
        }
    }

    private DeviceStatus status(String dev) {
        return kernel.device(dev).orElseThrow();
    }

    private String dmesg() {
        return kernel.dmesg().stream().map(LogRecord::format).collect(Collectors.joining("\n"));
    }

    private static DeviceSpec dev(String name, String compatible) {
        return DeviceSpec.of(name, compatible, Map.of("port", "69"));
    }

    @Nested
    class Matching {
        @Test
        void aDriverRegisteredAfterTheDeviceBindsIt() throws Exception {
            kernel.addDevice(dev("d0", "acme,widget"));
            assertThat(status("d0").state()).isEqualTo("unbound");
            TestDriver drv = new TestDriver("widget", "acme,widget", d -> d.info("hello"));
            kernel.registerDriver(drv);
            assertThat(status("d0").state()).isEqualTo("bound");
            assertThat(status("d0").driver()).isEqualTo("widget");
            assertThat(dmesg()).contains("widget d0: hello");
        }

        @Test
        void aDeviceAddedAfterTheDriverIsBoundAtOnceAndOthersAreLeftAlone() throws Exception {
            TestDriver drv = new TestDriver("widget", "acme,widget", d -> { });
            kernel.registerDriver(drv);
            kernel.addDevice(dev("d0", "acme,widget"));
            kernel.addDevice(dev("other", "acme,gadget"));
            assertThat(status("d0").state()).isEqualTo("bound");
            assertThat(status("other").state()).isEqualTo("unbound");
            assertThat(drv.events).containsExactly("probe d0");
        }

        @Test
        void enodevLetsTheNextDriverTry() throws Exception {
            kernel.registerDriver(new TestDriver("picky", "acme,widget", d -> {
                throw new KernelException(Errno.ENODEV, "not my revision");
            }));
            kernel.registerDriver(new TestDriver("generic", "acme,widget", d -> { }));
            kernel.addDevice(dev("d0", "acme,widget"));
            assertThat(status("d0").driver()).isEqualTo("generic");
            assertThat(dmesg()).contains("picky d0: probe with driver picky rejects match -19");
        }

        @Test
        void anotherFailureIsLoggedAndNotRetriedByLaterBinds() throws Exception {
            AtomicInteger tries = new AtomicInteger();
            kernel.registerDriver(new TestDriver("broken", "acme,widget", d -> {
                tries.incrementAndGet();
                throw new KernelException(Errno.EIO, "bus error");
            }));
            kernel.addDevice(dev("d0", "acme,widget"));
            assertThat(status("d0").state()).isEqualTo("unbound");
            assertThat(status("d0").detail()).isEqualTo("probe with driver broken failed with error -5");
            assertThat(dmesg()).contains("broken d0: probe with driver broken failed with error -5 (bus error)");
            kernel.registerDriver(new TestDriver("other", "acme,gadget", d -> { }));
            kernel.addDevice(dev("g0", "acme,gadget"));
            assertThat(kernel.waitForDeviceProbe(Await.PATIENCE)).isTrue();
            assertThat(tries).hasValue(1);
        }

        @Test
        void anOopsInProbeTaintsAndLeavesTheDeviceUnbound() throws Exception {
            kernel.registerDriver(new TestDriver("crashy", "acme,widget", d -> {
                throw new IllegalStateException("boom");
            }));
            kernel.addDevice(dev("d0", "acme,widget"));
            assertThat(status("d0").state()).isEqualTo("unbound");
            assertThat(kernel.taints()).contains(Taint.DIE);
            assertThat(dmesg()).contains("Oops: unhandled java.lang.IllegalStateException in probe of d0 by driver crashy");
        }

        @Test
        void aDuplicateDriverNameIsEbusyAndAnEmptyIdTableIsEinval() throws Exception {
            kernel.registerDriver(new TestDriver("widget", "acme,widget", d -> { }));
            KernelException e = (KernelException) catchThrowable(() ->
                    kernel.registerDriver(new TestDriver("widget", "acme,other", d -> { })));
            assertThat(e.errno()).isEqualTo(Errno.EBUSY);
            Driver empty = new Driver() {
                @Override
                public String name() {
                    return "empty";
                }

                @Override
                public List<DeviceId> idTable() {
                    return List.of();
                }

                @Override
                public void probe(Device dev) {
                }
            };
            assertThat(((KernelException) catchThrowable(() -> kernel.registerDriver(empty))).errno()).isEqualTo(Errno.EINVAL);
        }
    }

    @Nested
    class Deferral {
        @Test
        void aDeferredDeviceIsRetriedAfterTheNextSuccessfulBind() throws Exception {
            kernel.registerDriver(new TestDriver("consumer", "acme,consumer", d -> {
                if (!"bound".equals(kernel.device("supplier").map(DeviceStatus::state).orElse(""))) {
                    throw d.errProbe(Errno.EPROBE_DEFER, "waiting for supplier");
                }
            }));
            kernel.registerDriver(new TestDriver("supplier-drv", "acme,supplier", d -> { }));
            kernel.addDevice(dev("c0", "acme,consumer"));
            assertThat(status("c0").state()).isEqualTo("deferred");
            assertThat(status("c0").detail()).isEqualTo("deferred: waiting for supplier");
            kernel.addDevice(dev("supplier", "acme,supplier"));
            assertThat(kernel.waitForDeviceProbe(Await.PATIENCE)).isTrue();
            assertThat(status("c0").state()).isEqualTo("bound");
        }

        @Test
        void aDeviceStillDeferredAtTheTimeoutIsReported() throws Exception {
            kernel.registerDriver(new TestDriver("consumer", "acme,consumer", d -> {
                throw d.errProbe(Errno.EPROBE_DEFER, "regulator vdd not ready");
            }));
            kernel.addDevice(dev("c0", "acme,consumer"));
            clock.advance(Duration.ofSeconds(9));
            assertThat(dmesg()).doesNotContain("deferred probe pending");
            clock.advance(Duration.ofSeconds(1));
            assertThat(dmesg()).contains("platform c0: deferred probe pending: regulator vdd not ready");
            assertThat(status("c0").detail()).isEqualTo("deferred probe timed out: regulator vdd not ready");
        }

        @Test
        void aBindDuringADeferringProbeTriggersAnotherRetry() throws Exception {
            CountDownLatch probing = new CountDownLatch(1);
            CountDownLatch supplierBound = new CountDownLatch(1);
            AtomicInteger attempts = new AtomicInteger();
            kernel.registerDriver(new TestDriver("consumer", "acme,consumer", ProbeType.PREFER_ASYNCHRONOUS, d -> {
                if (attempts.incrementAndGet() == 1) {
                    probing.countDown();
                    supplierBound.await(); // the supplier binds while we are deciding to defer
                    throw d.errProbe(Errno.EPROBE_DEFER, "supplier not ready when I looked");
                }
            }));
            kernel.registerDriver(new TestDriver("supplier-drv", "acme,supplier", d -> { }));
            kernel.addDevice(dev("c0", "acme,consumer"));
            probing.await();
            kernel.addDevice(dev("s0", "acme,supplier"));
            supplierBound.countDown();
            Await.until("c0 bound by the re-trigger", () -> "bound".equals(status("c0").state()));
            assertThat(attempts).hasValue(2);
        }
    }

    @Nested
    class ManagedResources {
        @Test
        void releasedNewestFirstAfterRemoveWhichStillSeesThem() throws Exception {
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            TestDriver drv = new TestDriver("devres", "acme,widget", d -> {
                for (String r : List.of("clock", "irq", "dma")) {
                    d.manage(() -> order.add("close " + r));
                }
            }) {
                @Override
                public void remove(Device dev) {
                    order.add("remove");
                }
            };
            kernel.registerDriver(drv);
            kernel.addDevice(dev("d0", "acme,widget"));
            kernel.removeDevice("d0");
            assertThat(order).containsExactly("remove", "close dma", "close irq", "close clock");
            assertThat(kernel.device("d0")).isEmpty();
        }

        @Test
        void aFailedProbeReleasesWhatItManagedNewestFirst() throws Exception {
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            kernel.registerDriver(new TestDriver("half", "acme,widget", d -> {
                d.manage(() -> order.add("close a"));
                d.manage(() -> order.add("close b"));
                d.setDriverData("state");
                throw new KernelException(Errno.EIO, "gave up half way");
            }));
            kernel.addDevice(dev("d0", "acme,widget"));
            assertThat(order).containsExactly("close b", "close a");
            assertThat(kernel.deviceHandle("d0").orElseThrow().driverData()).isNull();
        }

        @Test
        void managingOutsideProbeOrBindingIsEnodevAndClosesTheResourceAtOnce() throws Exception {
            kernel.addDevice(dev("d0", "acme,widget"));
            Device d = kernel.deviceHandle("d0").orElseThrow();
            AtomicInteger closed = new AtomicInteger();
            assertThatThrownBy(() -> d.manage(closed::incrementAndGet))
                    .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
            assertThat(closed).hasValue(1);
        }
    }

    @Nested
    class BindingByHand {
        @Test
        void unbindThenBindAgainAndTheErrnos() throws Exception {
            TestDriver drv = new TestDriver("widget", "acme,widget", d -> { });
            kernel.registerDriver(drv);
            kernel.registerDriver(new TestDriver("gadget", "acme,gadget", d -> { }));
            kernel.addDevice(dev("d0", "acme,widget"));
            kernel.unbind("d0");
            assertThat(status("d0").state()).isEqualTo("unbound");
            assertThat(((KernelException) catchThrowable(() -> kernel.unbind("d0"))).errno()).isEqualTo(Errno.ENODEV);
            assertThat(((KernelException) catchThrowable(() -> kernel.bind("d0", "gadget"))).errno()).isEqualTo(Errno.ENODEV);
            kernel.bind("d0", "widget");
            assertThat(status("d0").state()).isEqualTo("bound");
            assertThat(((KernelException) catchThrowable(() -> kernel.bind("d0", "widget"))).errno()).isEqualTo(Errno.EBUSY);
            assertThat(drv.events).containsExactly("probe d0", "remove d0", "probe d0");
        }

        @Test
        void unregisteringADriverUnbindsItsDevices() throws Exception {
            TestDriver drv = new TestDriver("widget", "acme,widget", d -> { });
            DriverRegistration reg = kernel.registerDriver(drv);
            kernel.addDevice(dev("d0", "acme,widget"));
            kernel.addDevice(dev("d1", "acme,widget"));
            reg.close();
            reg.close();
            assertThat(drv.events).containsExactlyInAnyOrder("probe d0", "probe d1", "remove d0", "remove d1");
            assertThat(kernel.devices()).extracting(DeviceStatus::state).containsOnly("unbound");
        }
    }

    @Test
    void asynchronousProbesRunInParallelAndWaitForDeviceProbeWaitsForThem() throws Exception {
        int n = 64;
        CountDownLatch allIn = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        kernel.registerDriver(new TestDriver("slow", "acme,slow", ProbeType.PREFER_ASYNCHRONOUS, d -> {
            allIn.countDown();
            release.await();
        }));
        for (int i = 0; i < n; i++) {
            kernel.addDevice(dev("s" + i, "acme,slow"));
        }
        assertThat(allIn.await(Await.PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                .as("all %d probes were in flight together", n).isTrue();
        assertThat(kernel.waitForDeviceProbe(Duration.ZERO)).isFalse();
        release.countDown();
        assertThat(kernel.waitForDeviceProbe(Await.PATIENCE)).isTrue();
        assertThat(kernel.devices()).extracting(DeviceStatus::state).containsOnly("bound");
    }

    @Test
    void aModulesDriverIsUnboundAtRmmodAndItsDevresAndThreadsGo() throws Exception {
        kernel.addDevice(dev("d0", "kmodtest,dev"));
        kernel.addDevice(dev("d1", "kmodtest,dev"));
        kernel.insmod(TestJars.module("drvmod", DriverModule.class).writeTo(dir, "drvmod.jar"));
        assertThat(kernel.devices()).extracting(DeviceStatus::module).containsOnly("drvmod");
        assertThat(kernel.status("drvmod").orElseThrow().owned()).hasSize(2);
        UnloadReport r = kernel.rmmod("drvmod");
        assertThat(r.clean()).as(r.format()).isTrue();
        assertThat(r.stopped()).as("devres stopped the pollers before exit").isEmpty();
        assertThat(kernel.devices()).extracting(DeviceStatus::state).containsOnly("unbound");
        String log = dmesg();
        assertThat(log).contains("drvmod: kmodtest-drv d0: probed, port 69").contains("kmodtest-drv d1: removed")
                .contains("unregistering driver 'kmodtest-drv' (2 devices bound) before exit()");
        assertThat(log.indexOf("kmodtest-drv d1: removed")).isLessThan(log.indexOf("exit after the runtime unbound"));
    }

    @Test
    void aDeviceNobodyDrivesAutoloadsItsModuleByAlias() throws Exception {
        Path modules = Files.createDirectories(dir.resolve("modules"));
        TestJars.module("automod", AutoModule.class).alias("of:kmodtest,auto").writeTo(modules, "automod.jar");
        Kernel.depmod(modules);
        kernel.close();
        kernel = Kernel.boot(KernelConfig.builder().moduleDir(modules).build());
        kernel.addDevice(dev("a0", "kmodtest,auto"));
        Await.until("autoloaded and bound", () -> "bound".equals(status("a0").state()));
        assertThat(kernel.status("automod")).isPresent();
        assertThat(dmesg()).contains("autoload: modprobe of:kmodtest,auto").contains("auto-drv a0: autoloaded and probed");
    }

    @Test
    void theModuleAsyncProbeParameterMakesItsDriversProbeAsynchronously() throws Exception {
        kernel.addDevice(dev("d0", "kmodtest,dev"));
        kernel.insmod(TestJars.module("drvmod", DriverModule.class).writeTo(dir, "drvmod.jar"), Map.of("async_probe", "1"));
        assertThat(kernel.waitForDeviceProbe(Await.PATIENCE)).isTrue();
        assertThat(status("d0").state()).isEqualTo("bound");
        assertThat(dmesg()).doesNotContain("unknown parameter 'async_probe'");
    }

    @Nested
    class DevicesFiles {
        @Test
        void theKernelBootsWithTheDevicesOfItsFile() throws Exception {
            Path f = dir.resolve("devices.json");
            Files.writeString(f, """
                    {"devices": [
                      {"name": "flash0", "compatible": ["kmod4j,tftp-flash", "kmod4j,flash"],
                       "properties": {"address": "127.0.0.1", "port": 6969, "trial": true}},
                      {"name": "led0", "compatible": "acme,led"}
                    ]}""");
            kernel.close();
            kernel = Kernel.boot(KernelConfig.builder().devicesFile(f).build());
            assertThat(kernel.devices()).extracting(DeviceStatus::name).containsExactly("flash0", "led0");
            assertThat(status("flash0").properties()).containsEntry("port", "6969").containsEntry("trial", "true");
            assertThat(status("flash0").compatible()).containsExactly("kmod4j,tftp-flash", "kmod4j,flash");
        }

        @Test
        void everyMistakeNamesTheFileAndTheField() {
            assertError("[]", "must be a JSON object");
            assertError("{\"devices\": {}}", "devices: must be a list");
            assertError("{\"devices\": [{\"compatible\": \"a,b\"}]}", "devices[0].name: missing");
            assertError("{\"devices\": [{\"name\": \"x\"}]}", "devices[0].compatible: missing");
            assertError("{\"devices\": [{\"name\": \"x\", \"compatible\": [1]}]}", "devices[0].compatible[0]: must be a string");
            assertError("{\"devices\": [{\"name\": \"x\", \"compatible\": \"a\", \"properties\": {\"p\": [1]}}]}",
                    "devices[0].properties.p: must be a string, number or boolean");
            assertError("{\"devices\": [{\"name\": \"x\", \"compatible\": \"a\", \"colour\": \"red\"}]}",
                    "devices[0].colour: unknown field");
            assertError("{\"devices\": [{\"name\": \"bad name\", \"compatible\": \"a\"}]}", "devices[0]: device name");
            assertError("{not json", "devices.json: not valid JSON");
        }

        private void assertError(String json, String expected) {
            assertThatThrownBy(() -> DevicesFile.parse("devices.json", json))
                    .isInstanceOfSatisfying(KernelException.class, e -> {
                        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                        assertThat(e.getMessage()).startsWith("devices.json: ").contains(expected);
                    });
        }

        @Test
        void aMissingDevicesFileFailsTheBootWithEnoent() {
            assertThatThrownBy(() -> Kernel.boot(KernelConfig.builder().devicesFile(dir.resolve("none.json")).build()))
                    .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
        }
    }
}
