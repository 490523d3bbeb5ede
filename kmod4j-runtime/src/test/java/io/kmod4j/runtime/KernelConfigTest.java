package io.kmod4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A configuration that cannot work is refused when it is built, naming the setting. */
class KernelConfigTest {

    @Test
    void aNegativeVerifyBatchWindowIsRefusedByName() {
        assertThatThrownBy(() -> KernelConfig.builder().verifyBatchWindow(Duration.ofMillis(-1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("verifyBatchWindow must not be negative, was PT-0.001S");
    }

    @Test
    void aZeroWindowBootsAKernelAndTheDefaultIs250Ms() throws Exception {
        try (Kernel k = Kernel.boot(KernelConfig.builder().verifyBatchWindow(Duration.ZERO).build())) {
            assertThat(k.pendingVerifications()).isZero();
        }
        assertThat(KernelConfig.defaults().verifyBatchWindow()).isEqualTo(Duration.ofMillis(250));
    }
}
