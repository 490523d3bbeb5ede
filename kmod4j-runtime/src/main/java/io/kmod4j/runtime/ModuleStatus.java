package io.kmod4j.runtime;

import io.kmod4j.Taint;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One line of {@code lsmod} / {@code /proc/modules}.
 *
 * @param name module name
 * @param size JAR size in bytes
 * @param refcount references held: by dependent modules and by {@code ModuleRef}s
 * @param usedBy modules that depend on this one
 * @param state Loading, Live or Unloading
 * @param version module version, empty if none
 * @param params parameter values as text
 * @param owned kthreads, work items, timers and requests it owns now ("kthread 'x'", ...)
 * @param taints taint flags of this module
 */
public record ModuleStatus(String name, long size, int refcount, List<String> usedBy, ModuleState state,
                           String version, Map<String, String> params, List<String> owned, Set<Taint> taints) {

    public ModuleStatus {
        usedBy = List.copyOf(usedBy);
        params = Map.copyOf(params);
        owned = List.copyOf(owned);
        taints = Set.copyOf(taints);
    }
}
