package kmodtest.cli.failinit;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Module;
import io.kmod4j.ModuleContext;

/** init fails with ENODEV. */
public final class FailInit implements Module {
    @Override
    public void init(ModuleContext ctx) throws KernelException {
        throw new KernelException(Errno.ENODEV, "no device found");
    }

    @Override
    public void exit() {
    }
}
