package io.kmod4j.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link KThreadLifecycleInterleavedVirtual} with every virtual thread on one carrier
 * ({@code -Djdk.virtualThreadScheduler.parallelism=1}): the starter and the thread it starts then
 * take turns on one core, so the ratio is what each life costs in CPU, without the hand-offs
 * between two carriers that the default scheduler adds to both sides.
 *
 * <p><b>Reproduce:</b> {@code ./build bench KThreadLifecycleInterleavedOneCarrier -f 5 -wi 3 -w 1s -i 8 -r 1s}
 */
@Fork(jvmArgsAppend = {"-Djmh.executor=VIRTUAL", "-Djdk.virtualThreadScheduler.parallelism=1"})
public class KThreadLifecycleInterleavedOneCarrier extends KThreadLifecycleInterleavedVirtual {
}
