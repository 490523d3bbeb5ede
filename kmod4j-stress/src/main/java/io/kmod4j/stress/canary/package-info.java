/**
 * Canaries: copies of Completion and KThread with planted bugs, and jcstress tests that mirror
 * the real ones against them. Every canary test must fail; {@code ./build stress --canaries}
 * checks that each does, which shows that the real tests can see the bugs they are there for.
 * Never part of the default stress run.
 */
package io.kmod4j.stress.canary;
