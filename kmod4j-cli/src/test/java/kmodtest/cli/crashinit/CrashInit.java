package kmodtest.cli.crashinit;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;

/** init throws an unchecked exception: an oops. */
public final class CrashInit implements Module {
    @Override
    public void init(ModuleContext ctx) {
        throw new IllegalStateException("wires crossed");
    }

    @Override
    public void exit() {
    }
}
