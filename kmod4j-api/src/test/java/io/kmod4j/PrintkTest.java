package io.kmod4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.kmod4j.log.Level;
import io.kmod4j.log.LogRecord;
import io.kmod4j.log.LogRing;
import io.kmod4j.testing.TestOwner;
import org.junit.jupiter.api.Test;

class PrintkTest {

    @Test
    void eachLevelReachesTheCurrentOwnersLogStampedWithItsName() throws Exception {
        TestOwner owner = new TestOwner("hello");
        owner.call(() -> {
            Printk.emerg("e");
            Printk.alert("a");
            Printk.crit("c");
            Printk.err("r");
            Printk.warn("w");
            Printk.notice("n");
            Printk.info("In %s function", "threadFn");
            Printk.debug("d %d", 7);
            return null;
        });
        assertThat(owner.log.records()).extracting(LogRecord::level).containsExactly(Level.values());
        assertThat(owner.log.records()).extracting(LogRecord::owner).containsOnly("hello");
        assertThat(owner.log.records().get(6).message()).isEqualTo("In threadFn function");
        assertThat(owner.log.records().get(7).message()).isEqualTo("d 7");
    }

    @Test
    void outsideAnyModuleLinesGoToTheGlobalRingAsKernel() {
        long before = LogRing.global().nextSeq();
        Printk.info("host says %s", "hi");
        assertThat(LogRing.global().recordsAfter(before - 1))
                .anySatisfy(r -> {
                    assertThat(r.owner()).isEqualTo("kernel");
                    assertThat(r.message()).isEqualTo("host says hi");
                });
    }

    @Test
    void aBadFormatNeverThrowsAndLosesNothing() {
        assertThat(Printk.format("%d apples", "three")).contains("%d apples").contains("bad format")
                .contains("three");
        assertThat(Printk.format("100%")).contains("100%");
        assertThat(Printk.format("plain")).isEqualTo("plain");
        assertThat(Printk.format("50%% done")).isEqualTo("50% done");
        assertThat(Printk.format(null)).isEqualTo("(null)");
        assertThat(Printk.format("%.2f", 1.5)).as("root locale").isEqualTo("1.50");
    }
}
