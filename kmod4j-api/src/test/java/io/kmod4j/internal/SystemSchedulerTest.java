package io.kmod4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.log.Level;
import io.kmod4j.log.LogRecord;
import io.kmod4j.log.LogRing;
import io.kmod4j.sync.Completion;
import io.kmod4j.testing.Await;
import io.kmod4j.testing.InjectedError;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The system clock's one thread fires every delayed work and timer of a kernel. What a task
 * throws there is the machinery failing (an executor or owner Error at expiry), and the executor
 * under the scheduler would keep it in a future nobody reads.
 */
class SystemSchedulerTest {

    private final LogRing log = new LogRing();
    private final SystemScheduler scheduler = new SystemScheduler("test-ktimer", log);

    @AfterEach
    void stopTheClock() {
        scheduler.shutdown();
    }

    @Test
    void whatATaskThrowsIsReportedWithItsStackAndTheThreadServesTheNextTask() {
        InjectedError error = new InjectedError("no memory to queue the expired work");
        AtomicReference<Thread> failedOn = new AtomicReference<>();
        AtomicReference<Thread> nextRanOn = new AtomicReference<>();
        Completion nextRan = new Completion();
        scheduler.schedule(() -> {
            failedOn.set(Thread.currentThread());
            throw error;
        }, Duration.ZERO);
        scheduler.schedule(() -> { // due no earlier: runs after the failing one, on the same thread
            nextRanOn.set(Thread.currentThread());
            nextRan.complete();
        }, Duration.ZERO);

        Await.until("the task after the failing one ran", nextRan::isDone);
        assertThat(nextRanOn.get()).as("the same thread goes on serving").isSameAs(failedOn.get());
        assertThat(log.records()).as("reported, at ERR").isNotEmpty()
                .allSatisfy(r -> assertThat(r.level()).isEqualTo(Level.ERR));
        String report = log.records().stream().map(LogRecord::message).collect(Collectors.joining("\n"));
        assertThat(report)
                .contains("scheduler 'test-ktimer'")
                .contains(Oops.printable(error))
                .as("the Error's own stack trace, which starts in this test")
                .contains("at " + SystemSchedulerTest.class.getName()
                        + ".whatATaskThrowsIsReportedWithItsStackAndTheThreadServesTheNextTask(");
    }
}
