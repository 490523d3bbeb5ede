package io.kmod4j.stress.lincheck;

/**
 * The sequential specification of a kernel timer armed for one tick of a clock the test moves:
 * modify arms it to expire one tick from now and says whether it was armed; delete disarms it and
 * says whether it was; time moves a tick at a time; an expiry fires an armed timer that is due,
 * whose callback then runs once. This is KTimer's non-blocking contract.
 */
public final class TimerSpec {

    private long now;
    private boolean armed;
    private long expires;

    public boolean modify() {
        boolean was = armed;
        armed = true;
        expires = now + 1;
        return was;
    }

    public boolean delete() {
        boolean was = armed;
        armed = false;
        return was;
    }

    public boolean isPending() {
        return armed;
    }

    public void moveTime() {
        now++;
    }

    public int expire() {
        if (!armed || expires > now) {
            return 0;
        }
        armed = false;
        return 1;
    }
}
