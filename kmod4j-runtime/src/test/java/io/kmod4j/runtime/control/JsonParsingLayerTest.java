package io.kmod4j.runtime.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import org.junit.jupiter.api.Test;

/**
 * The control protocol's parsing layer keeps its contract, a {@link KernelException} with the
 * object's errno and never an unchecked exception, on inputs found by fuzzing (kmod4j-fuzz,
 * JsonFuzzTest).
 */
class JsonParsingLayerTest {

    private static JsonObject args(String json) throws KernelException {
        return JsonObject.of(Json.parse(json, "request", Errno.EINVAL), "args", Errno.EINVAL);
    }

    private static JsonObject reply(String json) throws KernelException {
        return JsonObject.of(Json.parse(json, "reply", Errno.EPROTO), "result", Errno.EPROTO);
    }

    @Test
    void aNumberOfSecondsTooLargeForADoubleIsEinvalNamingTheField() throws Exception {
        for (String n : new String[] {"1e999", "-1e999"}) {
            KernelException e = catchThrowableOfType(KernelException.class, () -> args("{\"timeout\":" + n + "}").seconds("timeout"));
            assertThat(e.errno()).isEqualTo(Errno.EINVAL);
            assertThat(e.getMessage()).contains("args.timeout");
        }
        assertThat(args("{\"timeout\":1e-999}").seconds("timeout")).hasValue(java.time.Duration.ZERO);
    }

    @Test
    void aReplyPathWithANulIsEprotoNamingTheField() {
        KernelException e = catchThrowableOfType(KernelException.class,
                () -> Json.decodeDepmod(reply("{\"dir\":\"/m\\u0000d\",\"modules\":0,\"aliases\":0,\"warnings\":[]}")));
        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e.getMessage()).contains("result.dir");
        e = catchThrowableOfType(KernelException.class, () -> Json.decodeModInfo(reply("{\"file\":\"/a\\u0000.jar\"}")));
        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e.getMessage()).contains("result.file");
    }
}
