/**
 * The daemon's control socket: a {@link io.kmod4j.runtime.control.ControlServer} serves one
 * {@link io.kmod4j.runtime.Kernel} on a Unix-domain socket that only its owner can open, and a
 * {@link io.kmod4j.runtime.control.ControlClient} is what the {@code kmod4j} commands use to talk
 * to it.
 *
 * <p>The protocol is line-delimited JSON: a request {@code {"op":"insmod","args":{..}}}, a reply
 * {@code {"ok":true,"result":..}} or {@code {"ok":false,"errno":"EEXIST","code":-17,"message":".."}}.
 * Ops are looked up by name in a {@link io.kmod4j.runtime.control.ControlOps} registry, so new
 * subsystems add ops without touching the server; {@link io.kmod4j.runtime.control.Json} holds the
 * JSON shape of every runtime value, and {@link io.kmod4j.runtime.control.JsonObject} turns a
 * malformed argument into an {@code EINVAL} that names the field. The why of each choice is in
 * {@code docs/decisions/0400-control-protocol.md}.
 */
package io.kmod4j.runtime.control;
