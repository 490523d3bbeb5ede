package kmodtest.unprintable;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;

/** exit() throws an exception that cannot print itself: rmmod must still finish and prove the unload. */
public final class UnprintableExit implements Module {
    @Override
    public void init(ModuleContext ctx) {
    }

    @Override
    public void exit() {
        throw new IllegalStateException() {
            @Override
            public String getMessage() {
                throw new UnsupportedOperationException("module bug in getMessage");
            }

            @Override
            public String toString() {
                throw new UnsupportedOperationException("module bug in toString");
            }
        };
    }
}
