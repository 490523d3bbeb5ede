package io.kmod4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrnoTest {

    @Test
    void numbersAreLinuxsAndCodesAreNegative() {
        assertThat(Errno.EPERM.number()).isEqualTo(1);
        assertThat(Errno.ENOENT.code()).isEqualTo(-2);
        assertThat(Errno.EINTR.code()).isEqualTo(-4);
        assertThat(Errno.EBUSY.number()).isEqualTo(16);
        assertThat(Errno.EEXIST.number()).isEqualTo(17);
        assertThat(Errno.ENODEV.number()).isEqualTo(19);
        assertThat(Errno.EINVAL.number()).isEqualTo(22);
        assertThat(Errno.ENOSYS.number()).isEqualTo(38);
        assertThat(Errno.ETIMEDOUT.number()).isEqualTo(110);
        assertThat(Errno.ERESTARTSYS.number()).isEqualTo(512);
        assertThat(Errno.EPROBE_DEFER.code()).isEqualTo(-517);
        assertThat(Errno.EWOULDBLOCK.number()).isEqualTo(Errno.EAGAIN.number()).isEqualTo(11);
    }

    @Test
    void lookupWorksWithEitherSignAndPrefersEagainForEleven() {
        assertThat(Errno.of(-517)).contains(Errno.EPROBE_DEFER);
        assertThat(Errno.of(2)).contains(Errno.ENOENT);
        assertThat(Errno.of(11)).contains(Errno.EAGAIN);
        assertThat(Errno.of(0)).isEmpty();
        assertThat(Errno.of(9999)).isEmpty();
        assertThat(Errno.of(Integer.MIN_VALUE + 1)).isEmpty();
    }

    @Test
    void everyErrnoHasAMessageAndDescribesItself() {
        for (Errno e : Errno.values()) {
            assertThat(e.message()).isNotBlank();
            assertThat(e.number()).isPositive();
        }
        assertThat(Errno.EBUSY.describe()).isEqualTo("EBUSY (-16): Device or resource busy");
    }

    @Test
    void aKernelExceptionCarriesItsErrno() {
        KernelException e = new KernelException(Errno.ENOENT, "firmware 'x.bin' not found");
        assertThat(e.errno()).isEqualTo(Errno.ENOENT);
        assertThat(e.code()).isEqualTo(-2);
        assertThat(e.getMessage()).isEqualTo("firmware 'x.bin' not found");
        assertThat(e.toString()).contains("ENOENT (-2)");
        assertThat(new KernelException(Errno.EIO).getMessage()).isEqualTo("Input/output error");
    }
}
