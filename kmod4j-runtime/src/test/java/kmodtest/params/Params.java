package kmodtest.params;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.Printk;
import java.util.Arrays;

/** Parameters of every kind, printed at init. */
public final class Params implements Module {
    int count;
    static String greeting;
    boolean verbose;
    long big;
    short small;
    byte tiny;
    int[] ports;
    int mask;

    @Override
    public void init(ModuleContext ctx) {
        Printk.info("count=%d greeting=%s verbose=%b big=%d small=%d tiny=%d ports=%s mask=%d",
                count, greeting, verbose, big, small, tiny, Arrays.toString(ports), mask);
        if (ctx.params().names().size() == 8) {
            Printk.info("ctx count=%d greeting=%s verbose=%b ports=%s mask=%s",
                    ctx.params().getInt("count"), ctx.params().getString("greeting"),
                    ctx.params().getBool("verbose"), ctx.params().getArray("ports"), ctx.params().get("mask"));
        }
    }

    @Override
    public void exit() {
    }
}
