package io.kmod4j.bench.module;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link ModuleCycle} with both sides on G1, the JVM's default: a proof is a stop-the-world full
 * collection. For reference; see {@link ModuleCycle} for what is measured and
 * {@link ModuleCycleZgc} for the figure of record.
 *
 * <p><b>Reproduce:</b> {@code ./build bench ModuleCycleG1 -f 2 -wi 3 -w 2s -i 5 -r 2s}
 */
@Fork(jvmArgsAppend = {"-XX:+UseG1GC", "-Xms1g", "-Xmx1g",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED"})
public class ModuleCycleG1 extends ModuleCycle {
}
