/**
 * The firmware image format of the emulated flash device: a fixed header (see {@link
 * io.kmod4j.devsim.image.ImageHeader}) followed by the payload; building images ({@link
 * io.kmod4j.devsim.image.ImagePacker}, the API behind {@code kmod4j fw pack}), Ed25519 keys
 * ({@link io.kmod4j.devsim.image.ImageKeys}) and complete verification of size, hash and
 * signature ({@link io.kmod4j.devsim.image.ImageVerifier}). Every refusal is an {@link
 * io.kmod4j.devsim.image.ImageException} that names the field. JDK only.
 */
package io.kmod4j.devsim.image;
