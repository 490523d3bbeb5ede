package io.kmod4j.runtime.log;

import io.kmod4j.log.LogRecord;
import io.kmod4j.log.LogRing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies every kernel log line to SLF4J, one logger per owner ({@code kmod4j.<owner>}), for
 * hosts that collect logs that way. EMERG..ERR map to error, WARNING to warn, NOTICE and INFO to
 * info, DEBUG to debug. SLF4J is an optional dependency: without it on the class path
 * {@link #attach} does nothing.
 */
public final class Slf4jBridge {

    private Slf4jBridge() {}

    /**
     * Subscribes to {@code ring}.
     *
     * @return closing it stops the copying
     */
    public static AutoCloseable attach(LogRing ring) {
        try {
            Class.forName("org.slf4j.LoggerFactory", false, Slf4jBridge.class.getClassLoader());
        } catch (ClassNotFoundException absent) {
            ring.log(io.kmod4j.log.Level.NOTICE, "kernel", "SLF4J bridge requested but SLF4J is not on the class path");
            return () -> { };
        }
        return ring.subscribe(Slf4jBridge::forward);
    }

    static void forward(LogRecord r) {
        Logger logger = LoggerFactory.getLogger("kmod4j." + r.owner());
        switch (r.level()) {
            case EMERG, ALERT, CRIT, ERR -> logger.error("[{}] {}", r.timestamp().strip(), r.message());
            case WARNING -> logger.warn("[{}] {}", r.timestamp().strip(), r.message());
            case NOTICE, INFO -> logger.info("[{}] {}", r.timestamp().strip(), r.message());
            case DEBUG -> logger.debug("[{}] {}", r.timestamp().strip(), r.message());
        }
    }
}
