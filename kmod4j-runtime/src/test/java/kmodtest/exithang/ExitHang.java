package kmodtest.exithang;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.Printk;
import java.util.concurrent.CountDownLatch;

/** exit() waits for a gate the test opens: rmmod must time out and keep serving. */
public final class ExitHang implements Module {
    @Override
    public void init(ModuleContext ctx) {
    }

    @Override
    public void exit() {
        CountDownLatch gate = (CountDownLatch) System.getProperties().get("kmodtest.exithang.gate");
        while (true) {
            try {
                gate.await();
                break;
            } catch (InterruptedException e) {
                // keeps waiting
            }
        }
        Printk.info("exit finally returned");
    }
}
