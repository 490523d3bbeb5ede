package io.kmod4j.bench;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link KThreadLifecycleInterleaved} with virtual threads on both ends: JMH's benchmark thread,
 * which starts and stops them, runs virtual too ({@code -Djmh.executor=VIRTUAL}). A platform
 * starter sleeps in the kernel between lives, and its wake-ups land differently against each
 * virtual thread's end; a virtual one hands off through the scheduler like the threads it starts.
 *
 * <p><b>Reproduce:</b> {@code ./build bench KThreadLifecycleInterleavedVirtual -f 3 -wi 3 -w 1s -i 8 -r 1s}
 */
@Fork(jvmArgsAppend = "-Djmh.executor=VIRTUAL")
@State(Scope.Thread)
public class KThreadLifecycleInterleavedVirtual extends KThreadLifecycleInterleaved {

    @Param({"virtual"})
    public String kind;

    @Override
    String kind() {
        return kind;
    }
}
