package io.kmod4j.cli;

import io.kmod4j.KernelException;
import io.kmod4j.log.Level;
import io.kmod4j.log.LogRecord;
import io.kmod4j.runtime.control.ControlClient;
import io.kmod4j.runtime.control.Json;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kmod4j dmesg [-w] [-r] [--level LIST] [-C]}: the daemon's kernel log, one
 * {@code [    0.123456] owner: message} line per record ({@link LogRecord#format()}); with
 * {@code -r}, prefixed by the level as {@code <6>}; with {@code --json}, one JSON record per line.
 */
@Command(name = "dmesg", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Print the daemon's kernel log (dmesg): [seconds since boot] owner: message.",
            "--json prints one JSON record per line: {\"seq\",\"level\",\"priority\",\"nanos\",\"time\",\"owner\",\"message\"}."})
final class DmesgCommand extends Verb {

    @Option(names = {"-w", "--follow"},
            description = "After the existing lines, wait for new ones and print them as they come, until interrupted or the daemon stops.")
    boolean follow;

    @Option(names = {"-r", "--raw"}, description = "Prefix each line with its level number, <0> (emerg) to <7> (debug).")
    boolean raw;

    @Option(names = {"-l", "--level"}, paramLabel = "LIST", split = ",",
            description = "Only these levels, comma-separated: emerg, alert, crit, err, warn, notice, info, debug (or 0-7).")
    List<String> levels = new ArrayList<>();

    @Option(names = {"-C", "--clear"}, description = "Clear the log; print nothing (unless with --follow: then the new lines).")
    boolean clear;

    @Override
    public Integer call() throws KernelException {
        Set<Level> wanted = EnumSet.noneOf(Level.class);
        for (String l : levels) {
            try {
                wanted.add(Level.parse(l));
            } catch (IllegalArgumentException e) {
                throw usage("--level: " + e.getMessage());
            }
        }
        ControlClient.DmesgQuery q = new ControlClient.DmesgQuery(-1, wanted, clear);
        Consumer<LogRecord> print = r -> {
            out().println(options.json() ? Json.write(Json.encode(r)) : raw ? r.formatRaw() : r.format());
            out().flush();
        };
        try (ControlClient client = connect()) {
            if (follow) {
                client.dmesgFollow(q, print);
            } else {
                client.dmesg(q).records().forEach(print);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Kmod4j.EXIT_OK;
    }
}
