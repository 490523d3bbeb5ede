package kmodtest.cli.fwcore.api;

/** fwcore's exported API. */
public final class Firmwares {
    private Firmwares() {}

    public static String greet(String who) {
        return "fwcore greets " + who;
    }
}
