package io.kmod4j.runtime.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Taint;
import io.kmod4j.fuzz.Sandbox;
import io.kmod4j.log.Level;
import io.kmod4j.log.LogRecord;
import io.kmod4j.runtime.DeviceStatus;
import io.kmod4j.runtime.Kernel;
import io.kmod4j.runtime.KernelConfig;
import io.kmod4j.runtime.ModuleStatus;
import io.kmod4j.runtime.firmware.FirmwareConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Control-socket requests: the bytes a client writes to {@code kmod4j daemon}'s socket, split
 * into lines ({@link LineReader}) and answered by {@link ControlServer#dispatch} against a real
 * {@link Kernel} booted once per fuzzing JVM, with no modules. In the same package as the server
 * because both entry points are package-private.
 *
 * <p>{@link #request} drives the reader and the dispatcher in process; {@link #overTheSocket}
 * writes the same bytes to the real socket, through the server's connection loop.
 *
 * <p>Invariants: every request line gets exactly one reply, a JSON object with {@code "ok"}; an
 * error reply carries a valid errno name, its code and a message; a line that is not a JSON
 * object naming a known op with known fields is {@code ok:false EINVAL}; no request makes an op
 * fail with an unexpected exception (the server would log it and reply {@code EIO}); the loaded
 * modules and the taints never change; and the daemon keeps serving.
 *
 * <p>The harness jails paths: an absolute {@code path} or {@code dir} argument outside this
 * JVM's sandbox is refused with {@code EACCES} before the op runs, so that a fuzzed
 * {@code depmod /} cannot walk or write the machine. Every other argument reaches the real op.
 */
class ControlRequestFuzzTest {

    private static final Path SANDBOX = Sandbox.create("kmod4j-fuzz-control-");
    private static final Kernel KERNEL;
    private static final ControlServer SERVER;
    private static final Set<String> PATH_FIELDS = Set.of("path", "dir");

    static {
        try {
            Files.createDirectories(SANDBOX.resolve("modules"));
            Files.createDirectories(SANDBOX.resolve("firmware"));
            KERNEL = Kernel.boot(KernelConfig.builder().moduleDir(SANDBOX.resolve("modules")).autoload(false)
                    .firmware(FirmwareConfig.builder().roots(SANDBOX.resolve("firmware")).fallbackEnabled(false).build())
                    .build());
            SERVER = ControlServer.start(KERNEL, SANDBOX.resolve("run/control.sock"), jailed(ControlOps.standard()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (KernelException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The standard ops, each behind the path jail described in the class comment. */
    private static ControlOps jailed(ControlOps standard) {
        ControlOps ops = new ControlOps();
        for (ControlOps.Entry e : standard.snapshot().values()) {
            ControlOp real = e.op();
            ops.register(e.name(), e.args(), r -> {
                for (String field : PATH_FIELDS) {
                    if (r.args().asMap().get(field) instanceof String s && s.startsWith("/")) {
                        try {
                            if (!Path.of(s).normalize().startsWith(SANDBOX)) {
                                throw new KernelException(Errno.EACCES, "fuzz harness: " + s + " is outside the sandbox");
                            }
                        } catch (InvalidPathException invalid) {
                            // the real op reports it
                        }
                    }
                }
                return real.perform(r);
            });
        }
        return ops;
    }

    // No line breaks among the entries: Jazzer writes them unescaped into libFuzzer's dictionary,
    // which then fails to parse.
    @FuzzTest
    @DictionaryEntries({"{\"op\":\"", "\",\"args\":{", "}}", "\"name\":", "\"path\":", "\"params\":", "\"force\":true",
            "\"timeout\":", "\"since\":", "\"follow\":", "\"levels\":[", "\"clear\":", "\"dir\":", "\"remove\":",
            "\"compatible\":", "\"properties\":", "\"device\":", "\"driver\":", "\"wait\":", "ping", "status", "insmod",
            "rmmod", "lsmod", "modinfo", "modprobe", "depmod", "dmesg", "devices", "device.add", "device.remove",
            "bind", "unbind", "fw.path", "fw.held", "fw.load", "fw.abort", "fw.pending", "fw.upload", "fw.status",
            "fw.cancel", "null", "1e999", "-0.5", "\"\\u0000\"", "\\u0000", "\\ud800", "/", "..", "[]", "{}"})
    void request(byte[] input) throws Exception {
        State before = State.now();
        long seq = KERNEL.log().nextSeq();
        LineReader reader = new LineReader(Channels.newChannel(new ByteArrayInputStream(input)),
                ControlServer.MAX_REQUEST_BYTES);
        try {
            while (true) {
                LineReader.Line line = reader.next();
                if (line instanceof LineReader.End) {
                    break;
                }
                if (line instanceof LineReader.Invalid bad) {
                    checkReply(ControlServer.error(Errno.EINVAL, "request " + bad.reason()), null);
                } else if (line instanceof LineReader.Text text && !text.text().isBlank()) {
                    checkReply(reply(SERVER.dispatch(text.text())), text.text());
                }
            }
            assertNothingFailedUnexpectedly(seq);
            assertThat(State.now()).as("modules and taints").isEqualTo(before);
        } finally {
            reset();
        }
    }

    /** The same bytes written to the daemon's socket; every request line must be answered. */
    @FuzzTest
    void overTheSocket(byte[] input) throws Exception {
        State before = State.now();
        long seq = KERNEL.log().nextSeq();
        try {
            List<String> replies = exchange(input, Duration.ofSeconds(20));
            for (String r : replies) {
                checkReply(r, null);
            }
            int expected = expectedReplies(input);
            String text = new String(input, StandardCharsets.ISO_8859_1);
            if (text.contains("follow") || text.contains("wait")) {
                // a stream may have started: it ends the connection early or adds lines
                assertThat(replies.size()).as("replies").isGreaterThanOrEqualTo(Math.min(1, expected));
            } else {
                assertThat(replies).as("one reply per request line").hasSize(expected);
            }
            List<String> ping = exchange("{\"op\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(20));
            assertThat(ping).as("the daemon keeps serving").hasSize(1);
            assertThat(ping.get(0)).startsWith("{\"ok\":true");
            assertNothingFailedUnexpectedly(seq);
            assertThat(State.now()).as("modules and taints").isEqualTo(before);
        } finally {
            reset();
        }
    }

    /** Lines the server must answer: non-blank lines terminated by a newline, including over-long ones. */
    private static int expectedReplies(byte[] input) throws IOException {
        LineReader reader = new LineReader(Channels.newChannel(new ByteArrayInputStream(input)),
                ControlServer.MAX_REQUEST_BYTES);
        int n = 0;
        for (LineReader.Line l = reader.next(); !(l instanceof LineReader.End); l = reader.next()) {
            if (!(l instanceof LineReader.Text t) || !t.text().isBlank()) {
                n++;
            }
        }
        return n;
    }

    /** Connects, writes, half-closes, and reads reply lines until the server closes. */
    private static List<String> exchange(byte[] bytes, Duration bound) throws Exception {
        FutureTask<List<String>> task = new FutureTask<>(() -> {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(SERVER.socket()));
                ByteBuffer out = ByteBuffer.wrap(bytes);
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                ch.shutdownOutput();
                byte[] all = Channels.newInputStream(ch).readAllBytes();
                String text = new String(all, StandardCharsets.UTF_8);
                List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
                assertThat(lines.removeLast()).as("every reply ends with a newline").isEmpty();
                return lines;
            }
        });
        Thread t = Thread.ofVirtual().start(task);
        try {
            return task.get(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            throw new AssertionError("no end of replies within " + bound, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** The reply line of a dispatch: a string, or the reply that starts a stream. */
    private static String reply(Object outcome) throws ReflectiveOperationException {
        if (outcome instanceof String s) {
            return s;
        }
        for (RecordComponent c : outcome.getClass().getRecordComponents()) {
            if (c.getName().equals("reply")) {
                java.lang.reflect.Method m = c.getAccessor();
                m.setAccessible(true);
                return (String) m.invoke(outcome);
            }
        }
        throw new AssertionError("dispatch returned " + outcome);
    }

    /**
     * Checks one reply; with the request line, also that a malformed request was refused with
     * EINVAL.
     */
    private static void checkReply(String reply, String request) throws KernelException {
        assertThat(reply).doesNotContain("\n");
        Object parsed = Json.parse(reply, "reply", Errno.EPROTO);
        assertThat(parsed).as(reply).isInstanceOf(Map.class);
        JsonObject o = JsonObject.of(parsed, "", Errno.EPROTO);
        boolean ok = o.bool("ok");
        if (ok) {
            assertThat(o.names()).contains("result");
        } else {
            Errno errno = Errno.valueOf(o.string("errno"));
            assertThat(o.integer("code")).isEqualTo(errno.code());
            o.string("message");
        }
        if (request != null && malformed(request)) {
            assertThat(ok).as("reply to the malformed request %s: %s", request, reply).isFalse();
            assertThat(o.string("errno")).as(reply).isEqualTo("EINVAL");
        }
    }

    /** Whether a line is not a JSON object with a known op and only the fields op and args. */
    private static boolean malformed(String line) {
        Object v;
        try {
            v = Json.parse(line, "request", Errno.EINVAL);
        } catch (KernelException e) {
            return true;
        }
        if (!(v instanceof Map<?, ?> m) || !(m.get("op") instanceof String op)) {
            return true;
        }
        if (!Set.of("op", "args").containsAll(m.keySet())) {
            return true;
        }
        return !ControlOps.standard().names().contains(op) || (m.get("args") != null && !(m.get("args") instanceof Map));
    }

    /** An op that threw something other than a KernelException or IAE leaves this line. */
    private static void assertNothingFailedUnexpectedly(long seq) {
        List<LogRecord> bad = KERNEL.log().recordsAfter(seq - 1).stream()
                .filter(r -> r.level() == Level.WARNING && r.message().contains("failed unexpectedly")).toList();
        assertThat(bad).as("ops that failed with an unexpected exception").isEmpty();
    }

    /** What must never change: the loaded modules and the taints. */
    private record State(List<ModuleStatus> modules, Set<Taint> taints) {
        static State now() {
            return new State(KERNEL.lsmod(), KERNEL.taints());
        }
    }

    /** Undoes what well-formed requests may do (devices, the override path), so runs stay independent. */
    private static void reset() throws KernelException {
        for (DeviceStatus d : KERNEL.devices()) {
            KERNEL.removeDevice(d.name());
        }
        KERNEL.firmware().setOverridePath("");
    }
}
