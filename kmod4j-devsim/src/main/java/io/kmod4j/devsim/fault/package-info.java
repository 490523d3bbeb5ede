/**
 * Fault injection for the emulated devices: {@link io.kmod4j.devsim.fault.FaultPlan} describes
 * lost, duplicated and delayed datagrams, held-back ACKs, corrupted blocks, power cuts, busy
 * devices, refusals with each {@code fw_upload} error and failing self-tests, deterministically
 * (by index, or by probability from a fixed seed), from tests or from {@code --fault} flags.
 */
package io.kmod4j.devsim.fault;
