/**
 * The emulated A/B flash device: {@link io.kmod4j.devsim.flash.FlashDevice} behind TFTP, its
 * state directory (two slots, a redundant boot record), its {@link
 * io.kmod4j.devsim.flash.DeviceState lifecycle} and {@link io.kmod4j.devsim.flash.DeviceStatus
 * status document}.
 *
 * <h2>Talking to the device (what a driver does)</h2>
 * <ol>
 *   <li>Upload: TFTP write request for {@code firmware}, octet mode, ideally with {@code tsize}
 *       (an oversize image is then refused before a byte is written) and {@code blksize} /
 *       {@code windowsize} for speed. The final ACK comes only after the image was verified and
 *       the boot record flipped; the device is then {@code booting} (trial).
 *   <li>Poll: TFTP read request for {@code status}; {@code state: confirmed} means the new image
 *       passed its self-test, {@code state: reverted} that it failed and the previous image runs
 *       again. {@code state: switching} is the critical section: refuse cancel with
 *       {@code EBUSY} while it is reported.
 * </ol>
 *
 * <h2>Errors on the wire: mapping to Linux {@code fw_upload} errors</h2>
 * Every refusal is a TFTP ERROR packet whose message starts with the {@code fw_upload} error name
 * followed by {@code ": "} and an explanation. The code is 3 ("disk full or allocation exceeded")
 * for {@code invalid-file-size} and 0 for everything else. A driver takes the text before the
 * first colon; if it is not one of the names below it falls back on the code (3:
 * {@code invalid-file-size}, anything else: {@code hw-error}). {@link
 * io.kmod4j.devsim.flash.FwUploadError#fromTftpError} implements exactly this rule.
 * <table>
 *   <caption>When the device sends which error</caption>
 *   <tr><th>message starts with</th><th>code</th><th>sent when</th></tr>
 *   <tr><td>{@code device-busy:}</td><td>0</td><td>a write request arrives while an upload or
 *       trial boot runs</td></tr>
 *   <tr><td>{@code invalid-file-size:}</td><td>3</td><td>{@code tsize} exceeds the slot or is
 *       smaller than a header; more data than announced; header and size disagree; truncated
 *       image</td></tr>
 *   <tr><td>{@code firmware-invalid:}</td><td>0</td><td>bad header, hash or signature (sent in
 *       place of the final ACK, or as soon as the header has arrived)</td></tr>
 *   <tr><td>{@code read-write-error:}</td><td>0</td><td>the flash could not be written</td></tr>
 *   <tr><td>{@code hw-error:}, {@code flash-wearout:}, {@code timeout:},
 *       {@code user-abort:}</td><td>0</td><td>injected by a {@link
 *       io.kmod4j.devsim.fault.FaultPlan}; {@code timeout} and {@code user-abort} also appear as
 *       {@code last-error} when the client stopped sending or sent ERROR</td></tr>
 * </table>
 * Errors that do not come as a TFTP ERROR are the driver's own: no answer at all is
 * {@code timeout}; a cancelled client is {@code user-abort}.
 */
package io.kmod4j.devsim.flash;
