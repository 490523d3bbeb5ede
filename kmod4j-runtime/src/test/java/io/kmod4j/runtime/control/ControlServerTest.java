package io.kmod4j.runtime.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.KernelConfig;
import io.kmod4j.runtime.testing.TestJars;
import io.kmod4j.testing.Await;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import kmodtest.crashinit.CrashInit;
import kmodtest.failinit.FailInit;
import kmodtest.hello.Hello;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {

    @TempDir
    Path dir;

    Kernel kernel;
    ControlServer server;
    Path socket;

    @BeforeEach
    void start() throws Exception {
        kernel = Kernel.boot(KernelConfig.builder().moduleDir(dir).unloadTimeout(Duration.ofSeconds(20)).build());
        socket = dir.resolve("run/control.sock");
        server = ControlServer.start(kernel, socket);
    }

    @AfterEach
    void stop() {
        server.close();
        kernel.close();
    }

    private Path helloJar() throws Exception {
        return TestJars.module("hello", Hello.class).writeTo(dir, "hello.jar");
    }

    private static void assertError(Map<String, Object> reply, Errno errno, String message) {
        assertThat(reply).as("reply").containsEntry("ok", false).containsEntry("errno", errno.name())
                .containsEntry("code", errno.code()).containsEntry("message", message);
    }

    /** The server answers a ping on a fresh connection. */
    private void assertStillServing() throws Exception {
        try (RawClient c = new RawClient(socket)) {
            assertThat(c.askJson("{\"op\":\"ping\"}")).containsEntry("ok", true);
        }
    }

    @Nested
    class Socket {
        @Test
        void theSocketIsOwnerOnlyInsideAPrivateDirectory() throws Exception {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
            assertThat(server.socket()).isEqualTo(socket.toAbsolutePath());
        }

        @Test
        void aSecondServerOnTheSamePathIsEaddrinuseAndTheFirstKeepsServing() {
            assertThatThrownBy(() -> ControlServer.start(kernel, socket))
                    .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EADDRINUSE))
                    .hasMessage("a kmod4j daemon is already listening on " + socket);
            try {
                assertStillServing();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Test
        void aStaleSocketFileIsReplaced() throws Exception {
            Path stale = dir.resolve("stale/control.sock");
            Files.createDirectories(stale.getParent(), PosixFilePermissions.asFileAttribute(ControlSocket.OWNER_ONLY_DIR));
            try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                dead.bind(UnixDomainSocketAddress.of(stale)); // closing leaves the file behind, like a crash
            }
            assertThat(stale).exists();
            try (ControlServer second = ControlServer.start(kernel, stale); RawClient c = new RawClient(second.socket())) {
                assertThat(c.askJson("{\"op\":\"ping\"}")).containsEntry("ok", true);
            }
            assertThat(stale).doesNotExist();
        }

        @Test
        void aFileThatIsNotASocketIsNeverReplaced() throws Exception {
            Path file = dir.resolve("run/notes.txt");
            Files.writeString(file, "mine");
            assertThatThrownBy(() -> ControlServer.start(kernel, file))
                    .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST))
                    .hasMessage(file + " exists and is not a socket; refusing to replace it");
            assertThat(file).hasContent("mine");
        }

        @Test
        void aDirectoryOthersCanWriteIsRefused() throws Exception {
            Path shared = Files.createDirectory(dir.resolve("shared"));
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
            assertThatThrownBy(() -> ControlServer.start(kernel, shared.resolve("control.sock")))
                    .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EACCES))
                    .hasMessageContaining("is writable by others (rwxrwxrwx)");
        }

        @Test
        void aPathTooLongForSockaddrUnIsEnametoolong() {
            Path deep = dir.resolve("x".repeat(120)).resolve("control.sock");
            assertThatThrownBy(() -> ControlServer.start(kernel, deep))
                    .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENAMETOOLONG));
            assertThat(deep.getParent()).doesNotExist();
        }

        @Test
        void closeStopsEveryThreadEndsStreamsAndRemovesTheSocket() throws Exception {
            RawClient follower = new RawClient(socket);
            assertThat(follower.askJson("{\"op\":\"dmesg\",\"args\":{\"follow\":true}}")).containsEntry("ok", true);
            RawClient idle = new RawClient(socket);
            Await.until("two connections", () -> server.connectionCount() == 2);
            server.close();
            assertThat(follower.readLine()).as("the stream ends").isNull();
            assertThat(idle.readLine()).isNull();
            assertThat(socket).doesNotExist();
            assertThat(server.connectionCount()).isZero();
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("kmod4j-control"));
            follower.close();
            idle.close();
            server.close(); // idempotent
        }

        @Test
        void theDefaultPathFollowsKmod4jSocketThenXdgRuntimeDirThenTmp() {
            assertThat(ControlSocket.defaultPath(Map.of("KMOD4J_SOCKET", "/srv/k.sock", "XDG_RUNTIME_DIR", "/run/user/1"), "ann"))
                    .isEqualTo(Path.of("/srv/k.sock"));
            assertThat(ControlSocket.defaultPath(Map.of("XDG_RUNTIME_DIR", "/run/user/1"), "ann"))
                    .isEqualTo(Path.of("/run/user/1/kmod4j/control.sock"));
            assertThat(ControlSocket.defaultPath(Map.of("KMOD4J_SOCKET", ""), "ann"))
                    .isEqualTo(Path.of("/tmp/kmod4j-ann/control.sock"));
            assertThat(ControlSocket.defaultPath(Map.of(), "../evil"))
                    .isEqualTo(Path.of("/tmp/kmod4j-.._evil/control.sock"));
        }
    }

    @Nested
    class HostileRequests {
        @Test
        void aLineLongerThanOneMiBIsEinvalUnreadAndTheConnectionGoesOn() throws Exception {
            kernel.insmod(helloJar());
            try (RawClient c = new RawClient(socket)) {
                byte[] huge = new byte[ControlServer.MAX_REQUEST_BYTES + 100];
                java.util.Arrays.fill(huge, (byte) ' ');
                byte[] rmmod = "{\"op\":\"rmmod\",\"args\":{\"name\":\"hello\"}}".getBytes();
                System.arraycopy(rmmod, 0, huge, 0, rmmod.length);
                huge[huge.length - 1] = '\n';
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        c.sendRaw(huge);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                assertError(c.readJson(), Errno.EINVAL, "request line longer than 1048576 bytes; it was not read");
                writer.join();
                assertThat(kernel.status("hello")).as("the oversize rmmod did nothing").isPresent();
                assertThat(c.askJson("{\"op\":\"ping\"}")).containsEntry("ok", true);
            }
        }

        @Test
        void aLineOfExactlyOneMiBIsRead() throws Exception {
            try (RawClient c = new RawClient(socket)) {
                String ping = "{\"op\":\"ping\"}";
                String line = ping + " ".repeat(ControlServer.MAX_REQUEST_BYTES - ping.length());
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        c.send(line + "\n");
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                assertThat(c.readJson()).containsEntry("ok", true);
                writer.join();
            }
        }

        @Test
        void malformedJsonNonObjectsAndBadBytesAreEinvalAndTheConnectionGoesOn() throws Exception {
            try (RawClient c = new RawClient(socket)) {
                assertThat((String) c.askJson("{\"op\":\"lsmod\"").get("message"))
                        .startsWith("request is not valid JSON at column 14: Unexpected end-of-input");
                assertThat((String) c.askJson("{op:lsmod}").get("message")).startsWith("request is not valid JSON at column 2: Unexpected character ('o'");
                assertError(c.askJson("{\"op\":\"lsmod\"} {\"op\":\"rmmod\"}"), Errno.EINVAL,
                        "request is not valid JSON: unexpected data after the value at column 16");
                assertError(c.askJson("{\"op\":\"lsmod\",\"op\":\"rmmod\"}"), Errno.EINVAL,
                        "request is not valid JSON at column 20: Duplicate key (key 'op')");
                assertError(c.askJson("[\"lsmod\"]"), Errno.EINVAL,
                        "a request must be a JSON object such as {\"op\":\"lsmod\"}, not an array");
                assertError(c.askJson("null"), Errno.EINVAL, "a request must be a JSON object such as {\"op\":\"lsmod\"}, not null");
                assertError(c.askJson("[".repeat(5000)), Errno.EINVAL,
                        "request is not valid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)");
                c.sendRaw(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
                assertError(RawClient.parse(c.readLine()), Errno.EINVAL, "request line is not valid UTF-8");
                c.send("\n  \n");
                assertThat(c.askJson("{\"op\":\"ping\"}")).as("blank lines are skipped, not answered").containsEntry("ok", true);
            }
        }

        @Test
        void unknownOpsAndFieldsAndWrongTypesAreEinvalNamingTheFieldAndChangeNothing() throws Exception {
            kernel.insmod(helloJar());
            try (RawClient c = new RawClient(socket)) {
                assertError(c.askJson("{\"op\":\"frobnicate\"}"), Errno.EINVAL,
                        "unknown op 'frobnicate' (known: bind, depmod, device.add, device.remove, devices, dmesg, fw.abort, fw.cancel, "
                                + "fw.held, fw.load, fw.path, fw.pending, fw.status, fw.upload, insmod, lsmod, modinfo, modprobe, ping, "
                                + "rmmod, status, unbind)");
                assertError(c.askJson("{\"args\":{}}"), Errno.EINVAL, "field 'op' is missing; it must be a string");
                assertError(c.askJson("{\"op\":7}"), Errno.EINVAL, "field 'op' must be a string, not a number");
                assertError(c.askJson("{\"op\":\"lsmod\",\"id\":1}"), Errno.EINVAL, "unknown field 'id' (known: args, op)");
                assertError(c.askJson("{\"op\":\"rmmod\",\"args\":[\"hello\"]}"), Errno.EINVAL, "field 'args' must be an object, not an array");
                assertError(c.askJson("{\"op\":\"rmmod\"}"), Errno.EINVAL, "field 'args.name' is missing; it must be a string");
                assertError(c.askJson("{\"op\":\"rmmod\",\"args\":{\"name\":5}}"), Errno.EINVAL, "field 'args.name' must be a string, not a number");
                assertError(c.askJson("{\"op\":\"rmmod\",\"args\":{\"name\":null}}"), Errno.EINVAL, "field 'args.name' must be a string, not null");
                assertError(c.askJson("{\"op\":\"rmmod\",\"args\":{\"name\":\"hello\",\"force\":\"yes\"}}"), Errno.EINVAL,
                        "field 'args.force' must be a boolean (true or false), not a string");
                assertError(c.askJson("{\"op\":\"rmmod\",\"args\":{\"name\":\"hello\",\"forse\":true}}"), Errno.EINVAL,
                        "unknown field 'args.forse' (known: force, name, timeout)");
                assertError(c.askJson("{\"op\":\"rmmod\",\"args\":{\"name\":\"hello\",\"timeout\":-1}}"), Errno.EINVAL,
                        "field 'args.timeout' must not be negative: -1");
                assertError(c.askJson("{\"op\":\"rmmod\",\"args\":{\"name\":\"hello\",\"timeout\":\"5\"}}"), Errno.EINVAL,
                        "field 'args.timeout' must be a number of seconds, not a string");
                assertError(c.askJson("{\"op\":\"rmmod\",\"args\":{\"name\":\"../hello\"}}"), Errno.EINVAL,
                        "field 'args.name' must be a module name, not '../hello'");
                assertError(c.askJson("{\"op\":\"insmod\",\"args\":{\"path\":\"hello.jar\"}}"), Errno.EINVAL,
                        "field 'args.path' must be an absolute path, not 'hello.jar'");
                assertError(c.askJson("{\"op\":\"insmod\",\"args\":{\"path\":\"/x.jar\",\"params\":{\"count\":3}}}"), Errno.EINVAL,
                        "field 'args.params.count' must be a string or null, not a number");
                assertError(c.askJson("{\"op\":\"dmesg\",\"args\":{\"levels\":[\"loud\"]}}"), Errno.EINVAL,
                        "field 'args.levels' has an unknown log level 'loud' (expected emerg, alert, crit, err, warn, notice, info, debug or 0-7)");
                assertError(c.askJson("{\"op\":\"dmesg\",\"args\":{\"since\":1.5}}"), Errno.EINVAL,
                        "field 'args.since' must be an integer, not a number");
                assertError(c.askJson("{\"op\":\"modinfo\",\"args\":{}}"), Errno.EINVAL,
                        "modinfo takes exactly one of the fields 'args.name' (a module name) and 'args.path' (an absolute JAR path)");
                assertError(c.askJson("{\"op\":\"modprobe\",\"args\":{\"name\":\"hello\",\"remove\":true,\"params\":{\"a\":\"1\"}}}"),
                        Errno.EINVAL, "field 'args.params' must be empty when 'args.remove' is true");
            }
            assertThat(kernel.status("hello")).as("nothing was unloaded").isPresent();
            assertThat(kernel.lsmod()).hasSize(1);
        }

        @Test
        void aClientThatHangsUpMidRequestChangesNothing() throws Exception {
            Path jar = helloJar();
            try (RawClient c = new RawClient(socket)) {
                c.send("{\"op\":\"insmod\",\"args\":{\"path\":\"" + jar + "\"}}"); // no newline: never complete
                Await.until("connected", () -> server.connectionCount() == 1);
            }
            Await.until("the server noticed", () -> server.connectionCount() == 0);
            assertThat(kernel.lsmod()).isEmpty();
            assertStillServing();
        }

        @Test
        void aClientThatHangsUpBeforeTheReplyDoesNotHurtTheServer() throws Exception {
            Path jar = helloJar();
            try (RawClient c = new RawClient(socket)) {
                c.send("{\"op\":\"insmod\",\"args\":{\"path\":\"" + jar + "\"}}\n");
            }
            // A complete request is carried out, like a syscall. (Waiting for the connection count
            // to drop alone raced with the accept: it is 0 before the server has seen the client.)
            Await.until("the module is loaded although the client is gone", () -> kernel.status("hello").isPresent());
            Await.until("the request ran to its end", () -> server.connectionCount() == 0);
            assertStillServing();
        }
    }

    @Nested
    class FailingModulesAndOps {
        @Test
        void aModuleWhoseInitThrowsGetsAnErrorReplyAndTheServerGoesOn() throws Exception {
            Path crash = TestJars.module("crashinit", CrashInit.class).writeTo(dir, "crashinit.jar");
            Path fail = TestJars.module("failinit", FailInit.class).writeTo(dir, "failinit.jar");
            try (RawClient c = new RawClient(socket)) {
                Map<String, Object> r = c.askJson("{\"op\":\"insmod\",\"args\":{\"path\":\"" + crash + "\"}}");
                assertThat(r).containsEntry("ok", false).containsEntry("errno", "EFAULT");
                assertThat((String) r.get("message")).startsWith("crashinit: init crashed: java.lang.NullPointerException");
                r = c.askJson("{\"op\":\"insmod\",\"args\":{\"path\":\"" + fail + "\"}}");
                assertThat(r).containsEntry("ok", false).containsEntry("errno", "ENODEV").containsEntry("code", -19);
                assertThat(c.askJson("{\"op\":\"ping\"}")).containsEntry("ok", true);
            }
            assertThat(kernel.lsmod()).isEmpty();
        }

        @Test
        void anOpThatThrowsAnythingIsEioOrEinvalAndTheServerGoesOn() throws Exception {
            ControlOps ops = ControlOps.standard()
                    .register("boom", List.of(), r -> {
                        throw new AssertionError("module code went wrong");
                    })
                    .register("bad", List.of(), r -> {
                        throw new IllegalArgumentException("no such thing");
                    })
                    .register("odd", List.of(), r -> new Object());
            Path other = dir.resolve("ops/control.sock");
            try (ControlServer s = ControlServer.start(kernel, other, ops); RawClient c = new RawClient(s.socket())) {
                assertError(c.askJson("{\"op\":\"boom\"}"), Errno.EIO, "boom failed: java.lang.AssertionError: module code went wrong");
                assertError(c.askJson("{\"op\":\"bad\"}"), Errno.EINVAL, "no such thing");
                assertThat(c.askJson("{\"op\":\"odd\"}")).containsEntry("ok", false).containsEntry("errno", "EIO");
                assertThat((String) c.askJson("{\"op\":\"odd\"}").get("message")).startsWith("odd failed: java.lang.IllegalStateException: its result cannot be written as JSON: ");
                assertThat(c.askJson("{\"op\":\"ping\"}")).containsEntry("ok", true);
            }
            assertThat(kernel.dmesg()).anyMatch(r -> r.owner().equals("control") && r.message().startsWith("boom failed unexpectedly"));
        }

        @Test
        void aSlowOpDelaysNoOtherClient() throws Exception {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch entered = new CountDownLatch(1);
            ControlOps ops = ControlOps.standard().register("slow", List.of(), r -> {
                entered.countDown();
                release.await();
                return "done";
            });
            Path other = dir.resolve("slow/control.sock");
            try (ControlServer s = ControlServer.start(kernel, other, ops); RawClient slow = new RawClient(s.socket());
                 RawClient quick = new RawClient(s.socket())) {
                slow.send("{\"op\":\"slow\"}\n");
                assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(quick.askJson("{\"op\":\"lsmod\"}")).containsEntry("ok", true);
                release.countDown();
                assertThat(slow.readLine()).isEqualTo("{\"ok\":true,\"result\":\"done\"}");
            }
        }

        @Test
        void registeringAnOpTwiceOrWithABadNameFails() {
            ControlOps ops = ControlOps.standard();
            assertThatThrownBy(() -> ops.register("lsmod", List.of(), r -> null)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> ops.register("Bad Name", List.of(), r -> null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ops.register("fw.load", List.of(), r -> null)).isInstanceOf(IllegalStateException.class);
            ops.register("fw.flash", List.of("device"), r -> null).register("gpio-set", List.of(), r -> null);
            assertThat(ops.names()).contains("fw.flash", "gpio-set", "insmod", "devices", "fw.upload");
        }
    }

    @Nested
    class Dmesg {
        @Test
        void followStreamsNewLinesUntilTheClientHangsUp() throws Exception {
            try (RawClient c = new RawClient(socket)) {
                Map<String, Object> first = c.askJson("{\"op\":\"dmesg\",\"args\":{\"follow\":true,\"levels\":[\"warn\"]}}");
                assertThat(first).containsEntry("ok", true);
                kernel.log().log(io.kmod4j.log.Level.INFO, "test", "not wanted");
                kernel.log().log(io.kmod4j.log.Level.WARNING, "test", "wanted");
                Map<String, Object> rec = RawClient.parse(c.readLine());
                assertThat(rec).containsEntry("level", "warn").containsEntry("owner", "test").containsEntry("message", "wanted");
            }
            Await.until("the stream noticed the hang-up without another line", () -> server.connectionCount() == 0);
            assertStillServing();
        }

        @Test
        void clearHidesEarlierLines() throws Exception {
            try (RawClient c = new RawClient(socket)) {
                Map<String, Object> r = c.askJson("{\"op\":\"dmesg\",\"args\":{\"clear\":true}}");
                assertThat(r).containsEntry("ok", true);
                assertThat(kernel.dmesg()).isEmpty();
            }
        }
    }
}
