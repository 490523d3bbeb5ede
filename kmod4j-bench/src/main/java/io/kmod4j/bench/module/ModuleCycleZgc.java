package io.kmod4j.bench.module;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link ModuleCycle} with both sides on ZGC, the collector the {@code kmod4j} launcher uses: a
 * proof is a concurrent collection. The figure of record; see {@link ModuleCycle} for what is
 * measured, the peer and the target.
 *
 * <p><b>Reproduce:</b> {@code ./build bench ModuleCycleZgc -f 2 -wi 3 -w 2s -i 5 -r 2s}
 */
@Fork(jvmArgsAppend = {"-XX:+UseZGC", "-Xms1g", "-Xmx1g",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED"})
public class ModuleCycleZgc extends ModuleCycle {
}
