package io.kmod4j.devsim;

/**
 * {@code java -cp ... io.kmod4j.devsim.DevsimMain --state DIR [options]}: the device simulator as
 * its own process. Runs until killed; SIGTERM powers the device off through a shutdown hook (the
 * state directory is safe either way: a SIGKILL is the same as a power cut).
 */
public final class DevsimMain {

    private DevsimMain() {
    }

    /**
     * @param args see {@link Devsim#usage()}
     */
    public static void main(String[] args) {
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            main.interrupt();
            try {
                main.join(5000);
            } catch (InterruptedException ignored) {
                // The JVM is going down anyway.
            }
        }, "devsim-shutdown"));
        int code = Devsim.run(args, System.out);
        System.out.flush();
        if (code != Devsim.EXIT_OK) {
            System.exit(code);
        }
    }
}
