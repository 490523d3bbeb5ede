/**
 * Synchronisation primitives with Linux semantics: {@link io.kmod4j.sync.Completion}.
 */
package io.kmod4j.sync;
