package io.kmod4j.cli;

import io.kmod4j.KernelException;
import io.kmod4j.runtime.control.ControlClient;
import io.kmod4j.runtime.control.Json;
import io.kmod4j.runtime.firmware.UploadStatus;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kmod4j fw upload DEVICE FILE [--no-wait]}: pushes an image through the device's firmware
 * upload ({@code fw_upload}) and follows it to the end.
 *
 * <p>While it runs a progress bar is drawn on standard error ({@link UploadProgressBar}), then one
 * line says how it ended:
 * <pre>
 * fw upload: flash0: done, 300128 bytes in 0.8 s                 (standard output, exit 0)
 * fw upload: ERROR: flash0: transferring:hw-error (EIO)          (standard error, exit 1)
 * </pre>
 * With {@code --json} there is no bar: every status the daemon reports is printed, one per line,
 * then the outcome {@code {"outcome","upload","elapsedNanos","errno"}} (a failure also prints the
 * error line and exits 1). With {@code --no-wait} it starts the upload and prints
 * {@code fw upload: flash0: started, 300128 bytes} (or the status, with {@code --json}).
 */
@Command(name = "upload", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Push FILE to DEVICE through its firmware upload (fw_upload), with a progress bar on standard error, "
                    + "and wait for the device to finish programming.",
            "Ends with 'fw upload: DEVICE: done, N bytes in S s' (exit 0) or "
                    + "'fw upload: ERROR: DEVICE: <state>:<error> (<ERRNO>)' (exit 1).",
            "--json prints each status as the daemon reports it, one per line, then {\"outcome\",\"upload\",\"elapsedNanos\",\"errno\"}.",
            "Fails at once with ENOENT (DEVICE has no upload), EBUSY (an upload runs), ENODEV (being unregistered)."})
final class FwUploadCommand extends Verb {

    @Parameters(index = "0", paramLabel = "DEVICE", description = "The device (or upload) name, as fw status shows it.")
    String device;

    @Parameters(index = "1", paramLabel = "FILE",
            description = "The image, sent as it is; relative to the current directory. See fw pack.")
    String file;

    @Option(names = "--no-wait", description = "Start the upload and return; follow it with fw status.")
    boolean noWait;

    @Override
    public Integer call() throws KernelException {
        Path image = FwCommand.absolute(this, "FILE", file);
        ControlClient.UploadResult result;
        try (ControlClient client = connect()) {
            if (noWait) {
                UploadStatus s = client.fwUploadStart(device, image);
                if (options.json()) {
                    printJson(Json.encode(s));
                } else {
                    out().println(verb() + ": " + s.name() + ": started, " + s.size() + " bytes");
                    out().flush();
                }
                return Kmod4j.EXIT_OK;
            }
            if (options.json()) {
                result = client.fwUpload(device, image, s -> printJson(Json.encode(s)));
                printJson(Json.encode(result));
            } else {
                try (UploadProgressBar bar = new UploadProgressBar(err())) {
                    result = client.fwUpload(device, image, bar::show);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted; the upload goes on in the daemon (see kmod4j fw status " + device + ")",
                    Kmod4j.EXIT_FAILURE);
        }
        UploadStatus s = result.upload();
        if (!result.done()) {
            throw new KernelException(result.errno(), s.name() + ": " + s.error());
        }
        if (!options.json()) {
            out().println(String.format(Locale.ROOT, "%s: %s: done, %d bytes in %.1f s", verb(), s.name(), s.size(),
                    result.elapsed().toNanos() / 1e9));
            out().flush();
        }
        return Kmod4j.EXIT_OK;
    }
}
