/**
 * Device emulators that speak real protocols, for tests, CI and hands-on runs: the command line
 * ({@link io.kmod4j.devsim.Devsim}, {@link io.kmod4j.devsim.DevsimMain}). The emulated flash
 * device lives in {@code io.kmod4j.devsim.flash}, its image format in {@code
 * io.kmod4j.devsim.image}, fault injection in {@code io.kmod4j.devsim.fault}.
 */
package io.kmod4j.devsim;
