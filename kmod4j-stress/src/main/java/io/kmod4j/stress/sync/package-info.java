/**
 * jcstress tests of {@link io.kmod4j.sync.Completion}: token counting under races
 * ({@code CompletionCounting}), {@code completeAll}/{@code reinit} ({@code CompletionAll}), no
 * lost wake-up ({@code CompletionWakeUp}) and timeout versus complete ({@code CompletionTimeout}).
 */
package io.kmod4j.stress.sync;
