package kmodtest.leakytimer;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import java.util.Timer;
import java.util.TimerTask;

/** Schedules a java.util.Timer task and never cancels the Timer. */
public final class LeakyTimer implements Module {
    @Override
    public void init(ModuleContext ctx) {
        Timer timer = new Timer("leaky-timer", true);
        timer.schedule(new TimerTask() {
            @Override
            public void run() {
            }
        }, 3_600_000L);
        System.getProperties().put("kmodtest.leak.timer", timer);
    }

    @Override
    public void exit() {
    }
}
