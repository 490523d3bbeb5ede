/**
 * TFTP for kmod4j: the wire protocol a driver uses to push firmware to a device.
 *
 * <p>What lives here:
 * <ul>
 *   <li>{@link io.kmod4j.tftp.TftpPacket}: the packets of RFC 1350 and RFC 2347, a strict decoder
 *       for hostile input ({@link io.kmod4j.tftp.MalformedPacketException} names the field) and an
 *       encoder.
 *   <li>{@link io.kmod4j.tftp.TftpClient}: uploads and downloads with option negotiation
 *       ({@code blksize}, {@code timeout}, {@code tsize}, {@code windowsize}), windows, bounded
 *       retransmission and cancellation, on the caller's thread and no other.
 *   <li>{@link io.kmod4j.tftp.TftpServer} and its SPI {@link io.kmod4j.tftp.TftpHandler}: one port
 *       for requests, one port and thread per transfer.
 *   <li>{@link io.kmod4j.tftp.DatagramTransport}: the seam where tests and the device simulator
 *       inject lost, duplicated, delayed or corrupted datagrams.
 * </ul>
 *
 * <p>Errors: a failed transfer throws a {@link io.kmod4j.tftp.TftpException} subclass that says
 * why ({@link io.kmod4j.tftp.TftpErrorException} keeps the peer's error code and message).
 * Block numbers wrap from 65535 to 0, as tftp-hpa and curl do, so transfers of any length work
 * with any block size.
 *
 * <p>JDK only, no dependencies: a kmod4j module bundles this package inside its own JAR.
 */
package io.kmod4j.tftp;
