package io.kmod4j.it;

import io.kmod4j.devsim.flash.DeviceStatus;
import io.kmod4j.devsim.image.Version;
import io.kmod4j.runtime.UnloadReport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each round of {@link RandomFaultsTest} came to, one CSV row per round, written as the
 * rounds end (a run that fails half-way leaves the rounds before), and counted by fault kind at
 * the end. Columns:
 *
 * <pre>
 * round, fault (the kind drawn), spec (with its block number), new_version (the image pushed),
 * driver_outcome (confirmed, upload-failed, not-kept, confirm-timeout, request-failed,
 *   removed-mid-upload), upload_error (the fw_upload error or message the driver logged),
 * device_state (before the power cycle), device_error (its last-error),
 * rmmod_clean, loader (the unload's verdict on the driver's class loader), leaks,
 * boot_state, active_version, trial (after the power cycle, no faults),
 * verdict (updated, kept-previous, no-image-yet, BRICKED)
 * </pre>
 */
final class FaultRounds {

    static final String HEADER = "round,fault,spec,new_version,driver_outcome,upload_error,device_state,device_error,"
            + "rmmod_clean,loader,leaks,boot_state,active_version,trial,verdict";

    private static final Pattern UPLOAD_FAILED = Pattern.compile("upload failed: (.*)");
    private static final Pattern NOT_KEPT = Pattern.compile("device did not keep the new image: (.*)");
    private static final Pattern REQUEST_FAILED = Pattern.compile("firmware [^ ]+: (.*)");

    /** One round, filled in as it goes. */
    static final class Round {
        final int round;
        final String fault;
        final String spec;
        final Version version;
        String outcome = "?";
        String error = "";
        String deviceState = "";
        String deviceError = "";
        boolean clean;
        String loader = "";
        int leaks;
        String bootState = "";
        String activeVersion = "";
        String trial = "";
        String verdict = "";

        Round(int round, String fault, String spec, Version version) {
            this.round = round;
            this.fault = fault;
            this.spec = spec;
            this.version = version;
        }

        /** After rmmod: what the driver logged this round, the report, the device as the round left it. */
        void unloaded(UnloadReport r, String driverLog, DeviceStatus device) {
            clean = r.clean();
            loader = r.loader().name().toLowerCase(java.util.Locale.ROOT);
            leaks = r.leaks().size() + r.pins().size();
            deviceState = device.state().wireName();
            deviceError = device.lastError().orElse("none");
            Matcher m;
            if (driverLog.contains("confirmed by the device")) {
                outcome = "confirmed";
            } else if ((m = UPLOAD_FAILED.matcher(driverLog)).find()) {
                outcome = "upload-failed";
                error = m.group(1);
            } else if ((m = NOT_KEPT.matcher(driverLog)).find()) {
                outcome = "not-kept";
                error = m.group(1);
            } else if (driverLog.contains("did not confirm the new image")) {
                outcome = "confirm-timeout";
            } else if ((m = REQUEST_FAILED.matcher(driverLog)).find() && driverLog.contains("error")) {
                outcome = "request-failed";
                error = m.group(1);
            } else if (driverLog.contains("download thread ended with -4")) {
                outcome = "removed-mid-upload";
            }
        }

        /** After the fault-free power-on: what it boots, judged against the last image it confirmed. */
        void poweredOn(DeviceStatus s, Optional<Version> lastConfirmed) {
            bootState = s.state().wireName();
            activeVersion = s.activeVersion().map(Version::toString).orElse("none");
            trial = s.trial().name().toLowerCase(java.util.Locale.ROOT);
            if (s.activeVersion().isEmpty()) {
                verdict = lastConfirmed.isEmpty() ? "no-image-yet" : "BRICKED";
            } else if (!s.slot(s.activeSlot().orElseThrow()).valid()
                    || lastConfirmed.isPresent() && s.activeVersion().get().compareTo(lastConfirmed.get()) < 0) {
                verdict = "BRICKED";
            } else {
                verdict = s.activeVersion().get().equals(version) ? "updated" : "kept-previous";
            }
        }

        String csv() {
            return String.join(",", Integer.toString(round), fault, spec, version.toString(), outcome, quote(error),
                    deviceState, quote(deviceError), Boolean.toString(clean), loader, Integer.toString(leaks), bootState,
                    activeVersion, trial, verdict);
        }

        private static String quote(String s) {
            return s.isEmpty() ? "" : '"' + s.replace("\"", "\"\"").replace('\n', ' ') + '"';
        }
    }

    private final Path csv; // null: record nothing to disk
    private final List<Round> rounds = new ArrayList<>();

    FaultRounds(Path csv) throws IOException {
        this.csv = csv;
        if (csv != null) {
            Files.createDirectories(csv.getParent());
            Files.writeString(csv, HEADER + "\n");
        }
    }

    Round start(int round, String fault, String spec, Version version) {
        return new Round(round, fault, spec, version);
    }

    void finish(Round r) throws IOException {
        rounds.add(r);
        if (csv != null) {
            Files.writeString(csv, r.csv() + "\n", StandardOpenOption.APPEND);
        }
        System.out.println("faults: " + r.csv());
    }

    /** Prints the rounds counted by fault kind and outcome, and the totals. */
    void summary(java.util.Set<String> threadsBefore) {
        Map<String, Map<String, Integer>> byFault = new TreeMap<>();
        Map<String, Integer> verdicts = new TreeMap<>();
        for (Round r : rounds) {
            byFault.computeIfAbsent(r.fault, k -> new TreeMap<>())
                    .merge(r.outcome + (r.error.isEmpty() ? "" : " (" + r.error.replaceAll(":.*", "") + ")") + " -> "
                            + r.verdict, 1, Integer::sum);
            verdicts.merge(r.verdict, 1, Integer::sum);
        }
        System.out.println("faults: " + rounds.size() + " rounds by fault kind:");
        byFault.forEach((fault, outcomes) -> System.out.println("faults:   " + fault + " "
                + outcomes.values().stream().mapToInt(Integer::intValue).sum() + ": " + outcomes));
        System.out.println("faults: verdicts " + verdicts + "; bricked "
                + rounds.stream().filter(r -> r.verdict.equals("BRICKED")).count()
                + "; unclean unloads " + rounds.stream().filter(r -> !r.clean).count()
                + "; leaks " + rounds.stream().mapToInt(r -> r.leaks).sum()
                + "; live threads " + threadsBefore.size() + " before the kernel booted, " + liveThreads() + " after it closed");
        java.util.Set<String> added = new java.util.TreeSet<>(liveThreadNames());
        added.removeAll(threadsBefore);
        System.out.println("faults: threads alive now that were not before the kernel booted: " + added);
    }

    /** Live platform threads of this JVM. */
    static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Names of the live platform threads of this JVM. */
    static java.util.Set<String> liveThreadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(java.util.stream.Collectors.toSet());
    }

    /** Live platform threads whose name starts with {@code prefix}. */
    static List<String> liveThreadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .map(Thread::getName).toList();
    }
}
