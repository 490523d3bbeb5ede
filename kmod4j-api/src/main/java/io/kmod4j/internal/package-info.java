/**
 * The seam between the API's primitives and whoever owns what they create. <b>Not API.</b>
 *
 * <p>{@code KThread}, work items, timers and firmware requests each belong to an {@link
 * io.kmod4j.internal.Owner}: the module whose code asked for them, or the kernel itself. The
 * primitives find the owner through {@link io.kmod4j.internal.Ownership} and hand it an {@link
 * io.kmod4j.internal.OwnedResource} so that the owner can stop and join it later (at
 * {@code rmmod}). The runtime implements {@code Owner} for modules; {@link
 * io.kmod4j.internal.KernelOwner} is the owner used outside any module.
 *
 * <p>Module class loaders never show this package to module code, so a module cannot claim to be
 * someone else.
 */
package io.kmod4j.internal;
