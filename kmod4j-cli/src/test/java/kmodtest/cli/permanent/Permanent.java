package kmodtest.cli.permanent;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;

/** init but no exit: a permanent module. */
public final class Permanent implements Module {
    @Override
    public void init(ModuleContext ctx) {
    }
}
