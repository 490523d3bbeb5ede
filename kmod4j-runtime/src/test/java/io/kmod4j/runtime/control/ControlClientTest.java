package io.kmod4j.runtime.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.log.Level;
import io.kmod4j.log.LogRecord;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.KernelConfig;
import io.kmod4j.runtime.ModuleState;
import io.kmod4j.runtime.ModuleStatus;
import io.kmod4j.runtime.UnloadReport;
import io.kmod4j.runtime.testing.TestJars;
import io.kmod4j.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import kmodtest.fwcore.FwCore;
import kmodtest.fwuser.FwUser;
import kmodtest.hello.Hello;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlClientTest {

    @TempDir
    Path dir;

    Kernel kernel;
    ControlServer server;
    ControlClient client;

    @BeforeEach
    void start() throws Exception {
        kernel = Kernel.boot(KernelConfig.builder().moduleDir(dir).unloadTimeout(Duration.ofSeconds(20)).build());
        server = ControlServer.start(kernel, dir.resolve("run/control.sock"));
        client = ControlClient.connect(server.socket());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        kernel.close();
    }

    @Test
    void everyCoreOpHasATypedMethod() throws Exception {
        ControlClient.Status status = client.status();
        assertThat(status.version()).isEqualTo(Kernel.version());
        assertThat(status.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(status.socket()).isEqualTo(server.socket());
        assertThat(status.moduleDir()).isEqualTo(dir);

        Path core = TestJars.module("fwcore", FwCore.class).export("kmodtest.fwcore.api").alias("fw-*").writeTo(dir, "fwcore.jar");
        TestJars.module("fwuser", FwUser.class).depends("fwcore").writeTo(dir, "fwuser.jar");
        assertThat(client.depmod(null).modules()).isEqualTo(2);
        assertThat(client.modprobe("fwuser", Map.of())).extracting(ModuleStatus::name).containsExactly("fwcore", "fwuser");
        ControlClient.Lsmod l = client.lsmod();
        assertThat(l.modules()).extracting(ModuleStatus::name).containsExactly("fwuser", "fwcore");
        assertThat(l.modules().get(1).usedBy()).containsExactly("fwuser");
        assertThat(client.modinfo("fwcore").aliases()).containsExactly("fw-*");
        assertThat(client.modinfo(core).name()).isEqualTo("fwcore");
        List<UnloadReport> removed = client.modprobeRemove("fwuser");
        assertThat(removed).extracting(UnloadReport::module).containsExactly("fwuser", "fwcore");
        assertThat(removed).allMatch(UnloadReport::clean);

        ModuleStatus hello = client.insmod(TestJars.module("hello", Hello.class).writeTo(dir, "hello.jar"), Map.of());
        assertThat(hello.state()).isEqualTo(ModuleState.LIVE);
        assertThat(client.rmmod("hello", false, Duration.ofSeconds(10)).module()).isEqualTo("hello");
        ControlClient.Dmesg d = client.dmesg(new ControlClient.DmesgQuery(-1, Set.of(Level.INFO), false));
        assertThat(d.records()).extracting(LogRecord::message).contains("Hello World", "Bye World");
        assertThat(d.nextSeq()).isEqualTo(kernel.log().nextSeq());
    }

    @Test
    void theDaemonsErrnoAndMessageArriveUnchanged() {
        assertThatThrownBy(() -> client.rmmod("ghost", false, null))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
                .hasMessage("Module ghost is not currently loaded");
        assertThatThrownBy(() -> client.call("lsmod", Map.of("x", 1)))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
                .hasMessage("unknown field 'args.x' (this takes no fields)");
    }

    @Test
    void followDeliversOldThenNewLinesAndEndsWhenTheServerCloses() throws Exception {
        kernel.log().clear();
        kernel.log().log(Level.ERR, "t", "old");
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread follower = Thread.ofVirtual().start(() -> {
            try {
                client.dmesgFollow(new ControlClient.DmesgQuery(-1, Set.of(Level.ERR), false), r -> seen.add(r.message()));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        Await.until("old line", () -> seen.equals(List.of("old")));
        kernel.log().log(Level.INFO, "t", "filtered out");
        kernel.log().log(Level.ERR, "t", "new");
        Await.until("new line", () -> seen.equals(List.of("old", "new")));
        server.close();
        follower.join();
        assertThat(failure.get()).isNull();
    }

    @Test
    void interruptingAFollowerEndsItWithInterruptedException() throws Exception {
        CountDownLatch following = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread follower = Thread.ofVirtual().start(() -> {
            try {
                client.stream("dmesg", Map.of("follow", true), first -> following.countDown(), value -> { });
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        following.await();
        follower.interrupt();
        follower.join();
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        Await.until("the server let the connection go", () -> server.connectionCount() == 0);
    }

    @Test
    void noSocketIsEnoentAStaleOneEconnrefusedAndALostDaemonEconnreset() throws Exception {
        Path none = dir.resolve("none/control.sock");
        assertThatThrownBy(() -> ControlClient.connect(none))
                .isInstanceOfSatisfying(DaemonUnreachableException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENOENT);
                    assertThat(e.socket()).isEqualTo(none);
                })
                .hasMessage("no kmod4j daemon is running: " + none + " does not exist; start one with 'kmod4j daemon --socket " + none + "'");
        server.close();
        assertThatThrownBy(() -> client.lsmod())
                .isInstanceOfSatisfying(DaemonUnreachableException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ECONNRESET));
    }
}
