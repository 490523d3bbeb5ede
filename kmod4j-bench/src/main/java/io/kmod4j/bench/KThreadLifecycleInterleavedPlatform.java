package io.kmod4j.bench;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link KThreadLifecycleInterleaved} driven from a platform benchmark thread, as in
 * {@link KThreadLifecycle}, for platform and for virtual kthreads.
 *
 * <p><b>Reproduce:</b> {@code ./build bench KThreadLifecycleInterleavedPlatform -f 3 -wi 3 -w 1s -i 8 -r 1s}
 */
@Fork(jvmArgsAppend = "-Djmh.executor=PLATFORM")
@State(Scope.Thread)
public class KThreadLifecycleInterleavedPlatform extends KThreadLifecycleInterleaved {

    @Param({"platform", "virtual"})
    public String kind;

    @Override
    String kind() {
        return kind;
    }
}
