package kmodtest.refholder;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.ModuleRef;

/** Holds a reference on itself, like an open device file whose fops name THIS_MODULE. */
public final class RefHolder implements Module {
    private ModuleRef self;

    @Override
    public void init(ModuleContext ctx) {
        self = ctx.tryGetModule(ctx.name()).orElseThrow();
        System.getProperties().put("kmodtest.refholder.ref", self);
    }

    @Override
    public void exit() {
        self.close();
    }
}
