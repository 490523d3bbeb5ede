package io.kmod4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What happens without a daemon, and on command-line mistakes. No kernel is booted here. */
class NoDaemonAndUsageTest {

    @TempDir
    Path dir;

    private static CliTestBase.Run run(String... args) {
        return CliTestBase.run(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"insmod x.jar", "rmmod hello", "lsmod", "modinfo hello", "modprobe hello", "depmod", "dmesg",
        "devices", "device_add d0 -c x", "device_remove d0", "bind d0 drv", "unbind d0", "fw_path", "fw_held", "fw_load n f",
        "fw_abort n", "fw_pending", "fw_upload d0 f", "fw_status", "fw_cancel d0"})
    void everyVerbThatNeedsTheDaemonExits3NamingTheSocketAndHowToStartOne(String command) {
        Path socket = dir.resolve("run/control.sock");
        String[] words = command.split(" ");
        List<String> args = new java.util.ArrayList<>(List.of(words[0].split("_")));
        args.add("--socket");
        args.add(socket.toString());
        args.addAll(List.of(words).subList(1, words.length));
        CliTestBase.Run r = run(args.toArray(String[]::new));
        assertThat(r).isEqualTo(new CliTestBase.Run(3, "", words[0].replace('_', ' ') + ": ERROR: no kmod4j daemon is running: " + socket
                + " does not exist; start one with 'kmod4j daemon --socket " + socket + "' (ENOENT)\n"));
    }

    @Test
    void aStaleSocketIsConnectionRefusedAndAlsoExit3() throws Exception {
        Path socket = Files.createDirectories(dir.resolve("run")).resolve("control.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(run("lsmod", "--socket", socket.toString())).isEqualTo(new CliTestBase.Run(3, "",
                "lsmod: ERROR: no kmod4j daemon is listening on " + socket + " (connection refused); start one with 'kmod4j daemon --socket "
                        + socket + "' (ECONNREFUSED)\n"));
    }

    @Test
    void unknownOptionsVerbsAndMissingParametersAreExit2() {
        assertThat(run("lsmod", "--bogus")).isEqualTo(new CliTestBase.Run(2, "", """
                lsmod: ERROR: Unknown option: '--bogus'
                Try 'kmod4j lsmod --help' for more information.
                """));
        assertThat(run("frobnicate").code()).isEqualTo(2);
        assertThat(run("frobnicate").err()).startsWith("kmod4j: ERROR: Unmatched argument at index 0: 'frobnicate'\n");
        assertThat(run("insmod")).isEqualTo(new CliTestBase.Run(2, "", """
                insmod: ERROR: Missing required parameter: 'FILE'
                Try 'kmod4j insmod --help' for more information.
                """));
        assertThat(run("modinfo", "a", "b").code()).isEqualTo(2);
        assertThat(run("daemon", "--unload-timeout", "0").err()).startsWith("daemon: ERROR: --unload-timeout must be more than 0 seconds\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"daemon", "insmod", "rmmod", "lsmod", "modinfo", "modprobe", "depmod", "dmesg", "devices",
        "device add", "device remove", "bind", "unbind", "fw path", "fw held", "fw load", "fw abort", "fw pending", "fw upload",
        "fw status", "fw cancel"})
    void everyVerbDocumentsItsOptionsAndTheExitCodes(String verb) {
        List<String> args = new java.util.ArrayList<>(List.of(verb.split(" ")));
        args.add("--help");
        CliTestBase.Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("Usage: kmod4j " + verb + " ").contains("--socket=PATH").contains("--json")
                .contains("Exit codes:").contains("3   the daemon could not be reached (start one with 'kmod4j daemon')");
    }
}
