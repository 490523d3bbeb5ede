package kmodtest.fwcore.api;

/** A class fwcore exports to the modules that depend on it. */
public final class Firmwares {
    private Firmwares() {}

    public static String greet(String who) {
        return "fwcore greets " + who;
    }
}
