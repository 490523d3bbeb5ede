/**
 * Firmware: loading images by name ({@link io.kmod4j.firmware.Firmware}, Linux's
 * {@code request_firmware} family) and pushing images to devices
 * ({@link io.kmod4j.firmware.FwUpload}, Linux's {@code fw_upload}). The work is done by the
 * kernel the device belongs to; these types are what a driver holds.
 */
package io.kmod4j.firmware;
