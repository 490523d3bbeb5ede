package io.kmod4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.kmod4j.runtime.UnloadReport.LoaderVerdict;
import io.kmod4j.runtime.testing.Shared;
import java.lang.invoke.MethodHandles;
import kmodtest.exitthread.ExitLocal;
import kmodtest.exitthread.ExitRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * exit() runs on a thread of its own, named {@code rmmod <module>}; a worker back from a clean
 * exit() runs the next one, and one that a module left a thread local on ends before rmmod
 * proves the loader collected (decision 0006).
 */
class ExitThreadTest extends KernelTestBase {

    private static final String KEY = "kmodtest.exitthread.thread";

    @BeforeEach
    void needsOpenJavaLang() {
        boolean open;
        try {
            MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            open = true;
        } catch (IllegalAccessException e) {
            open = false;
        }
        assumeThat(open).as("worker reuse needs --add-opens java.base/java.lang=ALL-UNNAMED (kmod4j-runtime's tests pass it)")
                .isTrue();
    }

    @AfterEach
    void forget() {
        Shared.remove(KEY);
    }

    private Thread exitThreadOf(String name, Class<?> entry) throws Exception {
        Shared.remove(KEY);
        kernel.insmod(jar(name, entry));
        UnloadReport r = kernel.rmmod(name);
        assertThat(r.clean()).as(r.format()).isTrue();
        assertThat(r.loader()).isEqualTo(LoaderVerdict.COLLECTED);
        assertThat(r.pins()).isEmpty();
        Thread t = Shared.get(KEY);
        assertThat(t).as("exit() ran").isNotNull();
        return t;
    }

    @Test
    void aCleanExitLeavesItsThreadForTheNextOne() throws Exception {
        Thread first = exitThreadOf("recorder", ExitRecorder.class);
        assertThat(dmesg()).contains("exit on rmmod recorder");
        Thread second = exitThreadOf("recorder", ExitRecorder.class);
        assertThat(second).as("the worker back from the first exit()").isSameAs(first);
        assertThat(second.getName()).startsWith("kmod4j-exit-");
        assertThat(second.getContextClassLoader()).isNull();

        kernel.close();
        assertThat(second.join(java.time.Duration.ofMinutes(1))).as("close() ends the idle exit worker").isTrue();
    }

    @Test
    void aThreadLocalLeftByExitEndsItsThreadBeforeTheProof() throws Exception {
        Thread before = exitThreadOf("recorder", ExitRecorder.class);

        // exitThreadOf asserts the loader COLLECTED with no pins: the thread local did not
        // survive, because its thread ended before rmmod returned.
        Thread dirty = exitThreadOf("exitlocal", ExitLocal.class);
        assertThat(dirty).as("the same worker ran it").isSameAs(before);
        assertThat(dirty.isAlive()).as("the worker a module left a thread local on has ended").isFalse();

        Thread after = exitThreadOf("recorder", ExitRecorder.class);
        assertThat(after).isNotSameAs(dirty);
    }
}
