package io.kmod4j.examples.tftpflash;

import io.kmod4j.Module;
import io.kmod4j.ModuleContext;
import io.kmod4j.ModuleInfo;
import io.kmod4j.Param;
import io.kmod4j.Printk;
import io.kmod4j.driver.DriverRegistration;
import java.time.Duration;

/**
 * The firmware-download driver of the origin question, made real: for each kmod4j flash device
 * its probe starts one kernel thread that requests the device's firmware, pushes it over TFTP
 * through the fw_upload ops, waits for the device to confirm the new image, and ends with
 * {@code completeAndExit}. Its remove cancels a running upload and waits for that thread.
 */
@ModuleInfo(
        name = "tftp_flash",
        license = "GPL",
        version = "1.0",
        author = "kmod4j team",
        description = "Pushes firmware to kmod4j flash devices over TFTP (fw_upload)",
        aliases = {"of:kmod4j,tftp-flash"})
public final class TftpFlash implements Module {

    @Param(description = "firmware file to push (empty: the device's 'firmware' property)")
    String firmware;

    @Param(description = "TFTP block size to ask for (RFC 2348)", defaultValue = "1468")
    int blksize;

    @Param(description = "TFTP window size to ask for (RFC 7440)", defaultValue = "16")
    int windowsize;

    @Param(description = "milliseconds before an unanswered TFTP packet is sent again", defaultValue = "500")
    int retransmit_ms;

    @Param(description = "seconds to wait for the device to confirm the new image", defaultValue = "30")
    int confirm_timeout;

    private DriverRegistration registration;

    @Override
    public void init(ModuleContext ctx) throws Exception {
        Settings settings = new Settings(firmware, blksize, windowsize, Duration.ofMillis(retransmit_ms),
                Duration.ofSeconds(confirm_timeout));
        registration = ctx.registerDriver(new TftpFlashDriver(settings));
        Printk.info("tftp-flash driver registered (blksize %d, windowsize %d)", blksize, windowsize);
    }

    @Override
    public void exit() {
        registration.close();
    }

    /** The module's parameters, as the driver uses them. */
    record Settings(String firmware, int blockSize, int windowSize, Duration retransmit, Duration confirmTimeout) {}
}
