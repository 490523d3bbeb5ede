package io.kmod4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.runtime.DeviceSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kmod4j devices, device add/remove, bind and unbind, against host drivers registered here. */
class DevicesTest extends CliTestBase {

    @Test
    void devicesShowsBoundUnboundDeferredAndFailedDevicesInAnAlignedTable() throws Exception {
        kernel.registerDriver(TestDrivers.binds());
        kernel.registerDriver(TestDrivers.defers());
        kernel.registerDriver(TestDrivers.fails());
        kernel.addDevice(new DeviceSpec("ok0", List.of("acme,ok-v2", "test,ok"), Map.of("port", "69")));
        kernel.addDevice(DeviceSpec.of("eth0", "test,defer", Map.of()));
        kernel.addDevice(DeviceSpec.of("led0", "test,fail", Map.of()));
        kernel.addDevice(DeviceSpec.of("gpio7", "acme,gpio", Map.of()));
        assertThat(kmod4j("devices")).isEqualTo(new Run(0, """
                DEVICE  BUS       COMPATIBLE          STATE     DRIVER   MODULE  DETAIL
                ok0     platform  acme,ok-v2;test,ok  bound     test-ok  kernel  -
                eth0    platform  test,defer          deferred  -        -       deferred: waiting for the PHY
                led0    platform  test,fail           unbound   -        -       probe with driver test-fail failed with error -5
                gpio7   platform  acme,gpio           unbound   -        -       -
                """, ""));
        assertThat(kmod4j("devices", "--json")).isEqualTo(new Run(0, "{\"devices\":["
                + "{\"name\":\"ok0\",\"bus\":\"platform\",\"compatible\":[\"acme,ok-v2\",\"test,ok\"],\"properties\":{\"port\":\"69\"},"
                + "\"state\":\"bound\",\"driver\":\"test-ok\",\"module\":\"kernel\",\"detail\":\"\"},"
                + "{\"name\":\"eth0\",\"bus\":\"platform\",\"compatible\":[\"test,defer\"],\"properties\":{},"
                + "\"state\":\"deferred\",\"driver\":\"\",\"module\":\"\",\"detail\":\"deferred: waiting for the PHY\"},"
                + "{\"name\":\"led0\",\"bus\":\"platform\",\"compatible\":[\"test,fail\"],\"properties\":{},"
                + "\"state\":\"unbound\",\"driver\":\"\",\"module\":\"\",\"detail\":\"probe with driver test-fail failed with error -5\"},"
                + "{\"name\":\"gpio7\",\"bus\":\"platform\",\"compatible\":[\"acme,gpio\"],\"properties\":{},"
                + "\"state\":\"unbound\",\"driver\":\"\",\"module\":\"\",\"detail\":\"\"}]}\n", ""));
    }

    @Test
    void noDevicesIsTheHeaderAlone() {
        assertThat(kmod4j("devices")).isEqualTo(new Run(0, "DEVICE  BUS  COMPATIBLE  STATE  DRIVER  MODULE  DETAIL\n", ""));
    }

    @Test
    void deviceAddIsQuietAndProbesThenRemoveTakesItAway() throws Exception {
        kernel.registerDriver(TestDrivers.binds());
        assertThat(kmod4j("device add", "ok0", "-c", "acme,ok-v2", "--compatible", "test,ok", "-p", "address=127.0.0.1",
                "--property", "port=69", "-p", "port=70", "-p", "empty=")).isEqualTo(new Run(0, "", ""));
        assertThat(kernel.device("ok0").orElseThrow().properties()).isEqualTo(Map.of("address", "127.0.0.1", "port", "70", "empty", ""));
        assertThat(kernel.device("ok0").orElseThrow().state()).isEqualTo("bound");
        assertThat(kmod4j("device add", "--json", "gpio7", "-c", "acme,gpio", "-p", "pin=7")).isEqualTo(new Run(0,
                "{\"name\":\"gpio7\",\"bus\":\"platform\",\"compatible\":[\"acme,gpio\"],\"properties\":{\"pin\":\"7\"},"
                        + "\"state\":\"unbound\",\"driver\":\"\",\"module\":\"\",\"detail\":\"\"}\n", ""));

        assertThat(kmod4j("device remove", "ok0")).isEqualTo(new Run(0, "", ""));
        assertThat(kmod4j("device remove", "--json", "gpio7")).isEqualTo(new Run(0, "{\"name\":\"gpio7\"}\n", ""));
        assertThat(kernel.devices()).isEmpty();
        assertThat(kernel.dmesg()).anyMatch(r -> r.message().equals("platform ok0: removed"));
    }

    @Test
    void deviceAddAndRemoveErrors() throws Exception {
        kernel.addDevice(DeviceSpec.of("gpio7", "acme,gpio", Map.of()));
        assertThat(kmod4j("device add", "gpio7", "-c", "acme,gpio"))
                .isEqualTo(new Run(1, "", "device add: ERROR: device gpio7 already exists (EEXIST)\n"));
        assertThat(kmod4j("device remove", "ghost"))
                .isEqualTo(new Run(1, "", "device remove: ERROR: no device ghost (ENODEV)\n"));
        assertThat(kmod4j("device add", "led0", "-c", "acme,led", "-p", "colour")).isEqualTo(new Run(2, "", """
                device add: ERROR: property 'colour' is not key=value
                Try 'kmod4j device add --help' for more information.
                """));
        assertThat(kmod4j("device add", "led0", "-c", "acme,led", "-p", "=red").err())
                .startsWith("device add: ERROR: property '=red' is not key=value\n");
        assertThat(kmod4j("device add", "led 0", "-c", "acme,led")).isEqualTo(new Run(2, "", """
                device add: ERROR: device name 'led 0' must be 1-64 of [A-Za-z0-9_.:-]
                Try 'kmod4j device add --help' for more information.
                """));
        assertThat(kmod4j("device add", "led0", "-c", "acme led").err())
                .startsWith("device add: ERROR: device led0: compatible 'acme led' must be one word\n");
        assertThat(kmod4j("device add", "led0").err())
                .startsWith("device add: ERROR: Missing required option: '--compatible=COMPATIBLE'\n");
        assertThat(run("device")).isEqualTo(new Run(2, "", """
                device: ERROR: Missing required subcommand
                Try 'kmod4j device --help' for more information.
                """));
        assertThat(kernel.devices()).hasSize(1);
    }

    @Test
    void bindAndUnbindByHandWithEachErrno() throws Exception {
        kernel.addDevice(DeviceSpec.of("ok0", "test,ok", Map.of()));
        kernel.addDevice(DeviceSpec.of("eth0", "test,defer", Map.of()));
        kernel.addDevice(DeviceSpec.of("led0", "test,fail", Map.of()));
        kernel.registerDriver(TestDrivers.binds()); // binds ok0 at once
        kernel.registerDriver(TestDrivers.defers());
        kernel.registerDriver(TestDrivers.fails());

        assertThat(kmod4j("unbind", "ok0")).isEqualTo(new Run(0, "", ""));
        assertThat(kmod4j("unbind", "ok0"))
                .isEqualTo(new Run(1, "", "unbind: ERROR: device ok0 is not bound to a driver (ENODEV)\n"));
        assertThat(kmod4j("bind", "--json", "ok0", "test-ok")).isEqualTo(new Run(0,
                "{\"name\":\"ok0\",\"bus\":\"platform\",\"compatible\":[\"test,ok\"],\"properties\":{},"
                        + "\"state\":\"bound\",\"driver\":\"test-ok\",\"module\":\"kernel\",\"detail\":\"\"}\n", ""));
        assertThat(kmod4j("bind", "ok0", "test-ok"))
                .isEqualTo(new Run(1, "", "bind: ERROR: device ok0 is bound to test-ok (EBUSY)\n"));
        assertThat(kmod4j("bind", "ok0", "test-fail"))
                .isEqualTo(new Run(1, "", "bind: ERROR: driver test-fail does not match device ok0 (ENODEV)\n"));
        assertThat(kmod4j("bind", "ok0", "nodriver")).isEqualTo(new Run(1, "", "bind: ERROR: no driver nodriver (ENODEV)\n"));
        assertThat(kmod4j("bind", "ghost", "test-ok")).isEqualTo(new Run(1, "", "bind: ERROR: no device ghost (ENODEV)\n"));
        assertThat(kmod4j("bind", "eth0", "test-defer"))
                .isEqualTo(new Run(1, "", "bind: ERROR: eth0: waiting for the PHY (EPROBE_DEFER)\n"));
        assertThat(kmod4j("bind", "led0", "test-fail"))
                .isEqualTo(new Run(1, "", "bind: ERROR: the device does not answer (EIO)\n"));
        assertThat(kmod4j("unbind", "--json", "ok0")).isEqualTo(new Run(0,
                "{\"name\":\"ok0\",\"bus\":\"platform\",\"compatible\":[\"test,ok\"],\"properties\":{},"
                        + "\"state\":\"unbound\",\"driver\":\"\",\"module\":\"\",\"detail\":\"\"}\n", ""));
        assertThat(kmod4j("bind", "ok0").err()).startsWith("bind: ERROR: Missing required parameter: 'DRIVER'\n");
    }
}
