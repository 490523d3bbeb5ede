package io.kmod4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void aStallLeavesADumpOfEveryThreadVirtualOnesIncluded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread parked = Thread.ofVirtual().name("await-test-parked-virtual").start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            Await.blocked(parked);
            Path file = Await.writeThreadDump();
            assertThat(Files.readString(file))
                    .contains("await-test-parked-virtual")
                    .contains("CountDownLatch.await")
                    .contains("AwaitTest.aStallLeavesADumpOfEveryThreadVirtualOnesIncluded");
        } finally {
            release.countDown();
            parked.join();
        }
    }
}
