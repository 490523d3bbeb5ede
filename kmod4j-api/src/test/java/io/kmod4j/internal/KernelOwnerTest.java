package io.kmod4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.kthread.KThread;
import io.kmod4j.sync.Completion;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel owner counts the kthreads that host code creates, against a limit: one more than the
 * limit is refused with {@code EAGAIN}, and every kthread gives its place back when it ends.
 * Counts are taken relative to the start, since other tests' kthreads may still be ending.
 */
class KernelOwnerTest {

    private final KernelOwner kernel = KernelOwner.INSTANCE;

    @AfterEach
    void unlimited() {
        kernel.setThreadLimit(Integer.MAX_VALUE);
    }

    @Test
    void aKThreadBeyondTheLimitIsRefusedAndItsPlaceComesBackWhenOneEnds() throws Exception {
        Completion running = new Completion();
        Completion go = new Completion();
        KThread first = KThread.run("first", () -> {
            running.complete();
            go.awaitUninterruptibly();
            return 1;
        });
        // Past its first run: a stop that raced with it would rightly return -EINTR instead of 1.
        running.awaitUninterruptibly();
        int live = kernel.threadCount();
        assertThat(live).isPositive();
        kernel.setThreadLimit(live);

        assertThatThrownBy(() -> KThread.create("one-too-many", () -> 0))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EAGAIN))
                .hasMessageContaining("one-too-many")
                .hasMessageContaining("limit reached (" + live);
        assertThat(kernel.threadCount()).as("a refused kthread takes no place").isEqualTo(live);

        go.complete();
        assertThat(first.stop()).isEqualTo(1);
        assertThat(kernel.threadCount()).as("an ended kthread gives its place back").isEqualTo(live - 1);
        KThread second = KThread.run("second", () -> 2);
        assertThat(second.stop()).isIn(2, Errno.EINTR.code());
        assertThat(kernel.threadCount()).isEqualTo(live - 1);
    }

    @Test
    void onlyKThreadsAreCounted() throws Exception {
        int before = kernel.threadCount();
        OwnedResource work = new Named("work");
        kernel.adopt(work);
        kernel.release(work);
        kernel.adopt(work);
        assertThat(kernel.threadCount()).isEqualTo(before);

        OwnedResource thread = new Named("kthread");
        kernel.adopt(thread);
        assertThat(kernel.threadCount()).isEqualTo(before + 1);
        kernel.release(thread);
        assertThat(kernel.threadCount()).isEqualTo(before);
    }

    @Test
    void aNegativeLimitIsRefused() {
        assertThatThrownBy(() -> kernel.setThreadLimit(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    /** A resource of the given kind that does nothing. */
    private record Named(String kind) implements OwnedResource {
        @Override
        public String name() {
            return "test " + kind;
        }

        @Override
        public void requestStop() {
        }

        @Override
        public boolean awaitQuiescent(Duration timeout) {
            return true;
        }

        @Override
        public Optional<Thread> thread() {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return name();
        }
    }
}
