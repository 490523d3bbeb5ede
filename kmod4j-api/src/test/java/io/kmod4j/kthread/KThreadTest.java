package io.kmod4j.kthread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kmod4j.Errno;
import io.kmod4j.KernelException;
import io.kmod4j.Taint;
import io.kmod4j.internal.Ownership;
import io.kmod4j.log.Level;
import io.kmod4j.log.LogRecord;
import io.kmod4j.sync.Completion;
import io.kmod4j.testing.Await;
import io.kmod4j.testing.TestOwner;
import io.kmod4j.testing.UnprintableException;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KThreadTest {

    private final TestOwner owner = new TestOwner("testmod");

    /** Creates or runs a kthread owned by {@link #owner}. */
    private KThread create(String name, KThreadFn fn) throws Exception {
        return owner.call(() -> KThread.create(name, fn));
    }

    private KThread run(String name, KThreadFn fn) throws Exception {
        return owner.call(() -> KThread.run(name, fn));
    }

    /**
     * Lets a one-shot thread end on its own, then stops it. Stopping at once could win the race
     * with the first run and give -EINTR without running the function, as in Linux.
     */
    private static int endThenStop(KThread k) {
        Await.until(k.name() + " ended on its own", () -> !k.isAlive());
        return k.stop();
    }

    @Nested
    class Creation {
        @Test
        void createdThreadDoesNotRunUntilWokenUp() throws Exception {
            AtomicBoolean ran = new AtomicBoolean();
            Completion done = new Completion();
            KThread k = create("lazy", () -> {
                ran.set(true);
                done.complete();
                return 7;
            });
            assertThat(k.state()).isEqualTo(KThread.State.NEW);
            assertThat(k.isAlive()).isTrue();
            assertThat(k.result()).isEmpty();
            assertThat(done.awaitUninterruptibly(Duration.ofMillis(20))).as("not run before wakeUp").isFalse();
            assertThat(ran).isFalse();

            k.wakeUp();
            done.awaitUninterruptibly();
            assertThat(k.stop()).isEqualTo(7);
            assertThat(ran).isTrue();
        }

        @Test
        void runIsCreateAndWakeUp() throws Exception {
            KThread k = run("eager", () -> 42);
            assertThat(endThenStop(k)).isEqualTo(42);
            assertThat(k.state()).isEqualTo(KThread.State.EXITED);
            assertThat(k.result()).hasValue(42);
            assertThat(k.owner()).isEqualTo("testmod");
        }

        @Test
        void namesAreKeptWhole() throws Exception {
            String name = "a-kernel-thread-name-much-longer-than-fifteen-characters";
            AtomicReference<String> seen = new AtomicReference<>();
            KThread k = run(name, () -> {
                seen.set(Thread.currentThread().getName());
                return 0;
            });
            endThenStop(k);
            assertThat(k.name()).isEqualTo(name);
            assertThat(seen.get()).isEqualTo(name);
        }

        @Test
        void aBlankNameIsACallerMistake() {
            assertThatThrownBy(() -> KThread.create(" ", () -> 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> KThread.create(null, () -> 0)).isInstanceOf(NullPointerException.class);
        }

        @Test
        void thePerOwnerThreadLimitGivesEagainAndLeavesNothingBehind() throws Exception {
            TestOwner limited = new TestOwner("limited", 2, null);
            Completion release = new Completion();
            KThread a = limited.call(() -> KThread.run("a", () -> {
                release.awaitUninterruptibly();
                return 1;
            }));
            KThread b = limited.call(() -> KThread.run("b", () -> {
                release.awaitUninterruptibly();
                return 2;
            }));
            assertThatThrownBy(() -> limited.call(() -> KThread.run("c", () -> 3)))
                    .isInstanceOfSatisfying(KernelException.class,
                            e -> assertThat(e.errno()).isEqualTo(Errno.EAGAIN));
            assertThat(limited.resourceCount()).isEqualTo(2);

            release.completeAll();
            assertThat(endThenStop(a)).isEqualTo(1);
            assertThat(endThenStop(b)).isEqualTo(2);
            assertThat(limited.resourceCount()).isZero();
            KThread c = limited.call(() -> KThread.run("c", () -> 3));
            assertThat(endThenStop(c)).isEqualTo(3);
        }

        @Test
        void aThreadTheJvmRefusesGivesEnomemAndLeavesNothingBehind() {
            AtomicBoolean ran = new AtomicBoolean();
            assertThatThrownBy(() -> owner.call(() -> KThread.builder("refused")
                    .threadFactory(r -> new Thread(r) {
                        @Override
                        public void start() {
                            throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
                        }
                    })
                    .run(() -> {
                        ran.set(true);
                        return 0;
                    })))
                    .isInstanceOfSatisfying(KernelException.class, e -> {
                        assertThat(e.errno()).isEqualTo(Errno.ENOMEM);
                        assertThat(e.getMessage()).contains("refused");
                    });
            assertThat(owner.resourceCount()).isZero();
            assertThat(ran).isFalse();
        }

        @Test
        void anErrorFromTheThreadSourceIsPassedOnAndLeavesNothingBehind() {
            AtomicBoolean ran = new AtomicBoolean();
            assertThatThrownBy(() -> owner.call(() -> KThread.builder("broken-source")
                    .threadFactory(r -> {
                        throw new InternalError("thread source broken");
                    })
                    .run(() -> {
                        ran.set(true);
                        return 0;
                    })))
                    .isInstanceOf(InternalError.class).hasMessage("thread source broken");
            assertThat(owner.resourceCount()).as("the owner counts no thread that never ran").isZero();
            assertThat(ran).isFalse();
        }

        @Test
        void aVirtualKThreadBehavesLikeAPlatformOne() throws Exception {
            AtomicBoolean virtual = new AtomicBoolean();
            Completion started = new Completion();
            KThread k = owner.call(() -> KThread.builder("vt").virtual(true).run(() -> {
                virtual.set(Thread.currentThread().isVirtual());
                started.complete();
                while (!KThread.shouldStop()) {
                    KThread.scheduleTimeout(Duration.ofMinutes(1));
                }
                return 5;
            }));
            assertThat(k.isVirtual()).isTrue();
            started.awaitUninterruptibly();
            assertThat(k.stop()).isEqualTo(5);
            assertThat(virtual).isTrue();
        }

        @Test
        void platformKThreadsAreDaemonsUnlessAskedOtherwise() throws Exception {
            AtomicBoolean daemon = new AtomicBoolean();
            endThenStop(run("d", () -> {
                daemon.set(Thread.currentThread().isDaemon());
                return 0;
            }));
            assertThat(daemon).isTrue();
            endThenStop(owner.call(() -> KThread.builder("nd").daemon(false).run(() -> {
                daemon.set(Thread.currentThread().isDaemon());
                return 0;
            })));
            assertThat(daemon).isFalse();
        }

        @Test
        void theFunctionRunsOnBehalfOfItsOwnerWithItsContextClassLoader() throws Exception {
            ClassLoader moduleLoader = new URLClassLoader(new URL[0], null);
            TestOwner mod = new TestOwner("mod", 10, moduleLoader);
            AtomicReference<Object> seenOwner = new AtomicReference<>();
            AtomicReference<ClassLoader> seenLoader = new AtomicReference<>();
            AtomicReference<Thread> thread = new AtomicReference<>();
            KThread k = mod.call(() -> KThread.run("ctx", () -> {
                seenOwner.set(Ownership.current());
                seenLoader.set(Thread.currentThread().getContextClassLoader());
                thread.set(Thread.currentThread());
                KThread nested = KThread.run("nested", () -> 0);
                nested.stop();
                return nested.owner().equals("mod") ? 0 : -1;
            }));
            assertThat(endThenStop(k)).as("a kthread started by a kthread has the same owner").isZero();
            assertThat(seenOwner.get()).isSameAs(mod);
            assertThat(seenLoader.get()).isSameAs(moduleLoader);
            assertThat(thread.get().getContextClassLoader()).as("cleared at exit").isNull();
        }

        @Test
        void codeOutsideAnyModuleCreatesThreadsOwnedByTheKernel() throws KernelException {
            KThread k = KThread.run("host", () -> 0);
            k.stop();
            assertThat(k.owner()).isEqualTo("kernel");
        }
    }

    @Nested
    class Stop {
        @Test
        void stopBeforeWakeUpMeansTheFunctionNeverRunsAndTheResultIsEintr() throws Exception {
            AtomicBoolean ran = new AtomicBoolean();
            KThread k = create("never", () -> {
                ran.set(true);
                return 0;
            });
            assertThat(k.stop()).isEqualTo(-4).isEqualTo(Errno.EINTR.code());
            assertThat(ran).isFalse();
            k.wakeUp();
            assertThat(ran).as("a wake-up after stop does nothing").isFalse();
        }

        @Test
        void stopRacingTheFirstWakeUpEitherRunsTheFunctionOrGivesEintr() throws Exception {
            int ranCount = 0;
            int eintrCount = 0;
            for (int i = 0; i < 300; i++) {
                AtomicBoolean ran = new AtomicBoolean();
                KThread k = create("race-" + i, () -> {
                    ran.set(true);
                    return 11;
                });
                CyclicBarrier go = new CyclicBarrier(2);
                Thread waker = Thread.ofPlatform().start(() -> {
                    await(go);
                    k.wakeUp();
                });
                await(go);
                int result = k.stop();
                waker.join();
                if (result == Errno.EINTR.code()) {
                    assertThat(ran).as("round %d: -EINTR means the function never ran", i).isFalse();
                    eintrCount++;
                } else {
                    assertThat(result).isEqualTo(11);
                    assertThat(ran).isTrue();
                    ranCount++;
                }
            }
            assertThat(ranCount + eintrCount).isEqualTo(300);
        }

        @Test
        void stopOnAThreadThatAlreadyEndedReturnsItsResultAsOftenAsAsked() throws Exception {
            Completion returned = new Completion();
            AtomicReference<Thread> thread = new AtomicReference<>();
            KThread k = run("one-shot", () -> {
                thread.set(Thread.currentThread());
                returned.complete();
                return 3;
            });
            returned.awaitUninterruptibly();
            thread.get().join(); // gone and "reaped": Linux's task_struct pointer would dangle now
            for (int i = 0; i < 5; i++) {
                assertThat(k.stop()).isEqualTo(3);
            }
        }

        @Test
        void stopFromTheThreadItselfFailsFastInsteadOfDeadlocking() throws Exception {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            KThread k = run("selfish", () -> {
                try {
                    KThread.current().stop();
                } catch (IllegalStateException e) {
                    thrown.set(e);
                }
                return 1;
            });
            assertThat(endThenStop(k)).isEqualTo(1);
            assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("selfish");
        }

        @Test
        void stopEndsInterruptibleWaitsAndAnEscapingInterruptIsNotAnOops() throws Exception {
            Completion never = new Completion();
            Completion started = new Completion();
            KThread k = run("interruptible", () -> {
                started.complete();
                never.await();
                return 0;
            });
            started.awaitUninterruptibly();
            assertThat(k.stop()).isEqualTo(Errno.EINTR.code());
            assertThat(owner.taints()).isEmpty();
            assertThat(owner.dmesg()).contains("ended by stop").doesNotContain("Oops");
        }

        @Test
        void aFunctionThatHandlesTheInterruptReturnsItsOwnResult() throws Exception {
            Completion started = new Completion();
            KThread k = run("polite", () -> {
                started.complete();
                try {
                    new Completion().await(Duration.ofMinutes(5));
                } catch (InterruptedException e) {
                    return KThread.shouldStop() ? 9 : -1;
                }
                return -2;
            });
            started.awaitUninterruptibly();
            assertThat(k.stop()).isEqualTo(9);
        }

        @Test
        void stopDoesNotEndAnUninterruptibleWait() throws Exception {
            Completion gate = new Completion();
            Completion started = new Completion();
            AtomicBoolean interruptedAfter = new AtomicBoolean();
            KThread k = run("stubborn", () -> {
                started.complete();
                gate.awaitUninterruptibly();
                interruptedAfter.set(Thread.currentThread().isInterrupted());
                return KThread.shouldStop() ? 1 : 0;
            });
            started.awaitUninterruptibly();
            assertThat(k.stop(Duration.ofMillis(50))).as("still waiting").isEmpty();
            assertThat(k.isAlive()).isTrue();
            gate.complete();
            assertThat(k.stop()).isEqualTo(1);
            assertThat(interruptedAfter).as("the stop's interrupt is still pending").isTrue();
        }

        @Test
        void aLoopThatPollsShouldStopEndsPromptly() throws Exception {
            AtomicInteger loops = new AtomicInteger();
            KThread k = run("loop", () -> {
                while (!KThread.shouldStop()) {
                    loops.incrementAndGet();
                    KThread.scheduleTimeout(Duration.ofMinutes(10));
                }
                return 0;
            });
            Await.until("looped once", () -> loops.get() > 0);
            assertThat(k.stop()).isZero();
        }

        @Test
        void whenStopReturnsTheJavaThreadHasTerminatedAndTheOwnerReleasedIt() throws Exception {
            AtomicReference<Thread> thread = new AtomicReference<>();
            KThread k = run("joined", () -> {
                thread.set(Thread.currentThread());
                return 0;
            });
            endThenStop(k);
            k.stop();
            assertThat(thread.get().isAlive()).isFalse();
            assertThat(owner.resourceCount()).isZero();
        }

        @Test
        void writesOfTheFunctionAreVisibleWhenStopReturns() throws Exception {
            int[] box = new int[1];
            for (int i = 1; i <= 200; i++) {
                int v = i;
                KThread k = run("writer", () -> {
                    box[0] = v;
                    return 0;
                });
                endThenStop(k);
                assertThat(box[0]).isEqualTo(v);
            }
        }

        @Test
        void shouldStopOutsideAKThreadIsACallerMistake() {
            assertThatThrownBy(KThread::shouldStop).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not a kthread");
            assertThatThrownBy(KThread::current).isInstanceOf(IllegalStateException.class);
            assertThat(KThread.isKThread()).isFalse();
        }
    }

    @Nested
    class Park {
        private KThread parkingLoop(AtomicInteger loops) throws Exception {
            return run("parker", () -> {
                while (!KThread.shouldStop()) {
                    if (KThread.shouldPark()) {
                        KThread.parkMe();
                    }
                    loops.incrementAndGet();
                    KThread.scheduleTimeout(Duration.ofMinutes(10));
                }
                return 0;
            });
        }

        @Test
        void parkWaitsUntilTheThreadHasParkedAndUnparkLetsItGoOn() throws Exception {
            AtomicInteger loops = new AtomicInteger();
            KThread k = parkingLoop(loops);
            Await.until("running", () -> loops.get() > 0);
            assertThat(k.park()).isZero();
            assertThat(k.state()).isEqualTo(KThread.State.PARKED);
            int parkedAt = loops.get();
            k.wakeUp(); // a wake-up does not unpark
            assertThat(k.state()).isEqualTo(KThread.State.PARKED);
            k.unpark();
            Await.until("looping again", () -> loops.get() > parkedAt);
            assertThat(k.stop()).isZero();
        }

        @Test
        void aSecondParkWhilePendingOrParkedIsEbusyAndParkOnAnExitedThreadIsEnosys() throws Exception {
            AtomicInteger loops = new AtomicInteger();
            KThread k = parkingLoop(loops);
            assertThat(k.park()).isZero();
            assertThat(k.park()).isEqualTo(Errno.EBUSY.code());
            k.unpark();
            k.unpark(); // no-op when not parked
            assertThat(k.stop()).isZero();
            assertThat(k.park()).isEqualTo(Errno.ENOSYS.code());
        }

        @Test
        void stopUnparksAParkedThread() throws Exception {
            AtomicInteger loops = new AtomicInteger();
            KThread k = parkingLoop(loops);
            assertThat(k.park()).isZero();
            assertThat(k.stop()).isZero();
        }

        @Test
        void aParkBeforeTheFirstWakeUpParksTheThreadBeforeItsFunctionRuns() throws Exception {
            AtomicBoolean ran = new AtomicBoolean();
            KThread k = create("parked-early", () -> {
                ran.set(true);
                return 4;
            });
            assertThat(k.park()).isZero();
            assertThat(k.state()).isEqualTo(KThread.State.PARKED);
            assertThat(ran).isFalse();
            k.unpark();
            Await.until("ran after unpark", ran::get);
            assertThat(k.stop()).isEqualTo(4);
        }

        @Test
        void stopDuringAnEarlyParkRunsTheFunctionWithShouldStopSetAsLinuxDoes() throws Exception {
            AtomicBoolean sawStop = new AtomicBoolean();
            KThread k = create("parked-then-stopped", () -> {
                sawStop.set(KThread.shouldStop());
                return 6;
            });
            assertThat(k.park()).isZero();
            assertThat(k.stop()).isEqualTo(6);
            assertThat(sawStop).isTrue();
        }

        @Test
        void aThreadParkingItselfOnlySetsTheRequest() throws Exception {
            KThread k = run("self-park", () -> {
                int r = KThread.current().park();
                boolean should = KThread.shouldPark();
                KThread.current().unpark();
                return r == 0 && should && !KThread.shouldPark() ? 0 : -1;
            });
            assertThat(endThenStop(k)).isZero();
        }

        @Test
        void aParkAfterAStopIsEnosysAndNeverParksTheThread() throws Exception {
            Completion gate = new Completion();
            Completion started = new Completion();
            KThread k = run("stopping", () -> {
                started.complete();
                gate.awaitUninterruptibly(); // slow to notice the stop
                if (KThread.shouldPark()) {
                    KThread.parkMe(); // would sleep forever if a park could outrun the stop
                }
                return 7;
            });
            started.awaitUninterruptibly();
            assertThat(k.stop(Duration.ofMillis(1))).isEmpty(); // stop requested, not done yet
            assertThat(k.park()).isEqualTo(Errno.ENOSYS.code());
            gate.complete();
            assertThat(k.stop()).isEqualTo(7);
        }

        @Test
        void parkOnAThreadThatExitsInsteadOfParkingIsEnosys() throws Exception {
            Completion inFunction = new Completion();
            Completion go = new Completion();
            KThread k = run("quitter", () -> {
                inFunction.complete();
                go.awaitUninterruptibly();
                return 0; // never looks at shouldPark
            });
            // Park only once the function runs: a park that came before the first run would park
            // the thread before its function, and this test is about one that never parks.
            inFunction.awaitUninterruptibly();
            AtomicInteger parkResult = new AtomicInteger(1);
            Thread parker = Thread.ofPlatform().start(() -> parkResult.set(k.park()));
            Await.until("park requested", () -> k.state() == KThread.State.RUNNING && parker.getState() == Thread.State.WAITING);
            go.complete();
            parker.join();
            assertThat(parkResult.get()).isEqualTo(Errno.ENOSYS.code());
        }
    }

    @Nested
    class Exit {
        @Test
        void exitEndsTheThreadWithTheCodeAndRunsNothingAfterIt() throws Exception {
            AtomicBoolean after = new AtomicBoolean();
            KThread k = run("exiter", () -> {
                KThread.exit(42);
                after.set(true);
                return 0;
            });
            assertThat(endThenStop(k)).isEqualTo(42);
            assertThat(after).isFalse();
            assertThat(owner.taints()).isEmpty();
        }

        @Test
        void completeAndExitSignalsOnlyAfterTheThreadIsMarkedExitedWithItsCode() throws Exception {
            for (int i = 0; i < 100; i++) {
                Completion done = new Completion();
                AtomicReference<Thread> thread = new AtomicReference<>();
                KThread k = run("fw-download", () -> {
                    thread.set(Thread.currentThread());
                    KThread.completeAndExit(done, 3);
                    return 0;
                });
                done.awaitUninterruptibly();
                // Woken: the kthread must be past its function already.
                assertThat(k.state()).isEqualTo(KThread.State.EXITED);
                assertThat(k.result()).hasValue(3);
                StackTraceElement[] stack = thread.get().getStackTrace();
                assertThat(Arrays.stream(stack).map(StackTraceElement::getClassName))
                        .as("no frame of the function is left").noneMatch(c -> c.contains("KThreadTest"));
                assertThat(k.stop()).isEqualTo(3);
            }
        }

        @Test
        void completeAndExitWithNullBehavesLikeExit() throws Exception {
            KThread k = run("null-completion", () -> {
                KThread.completeAndExit(null, 8);
                return 0;
            });
            assertThat(endThenStop(k)).isEqualTo(8);
        }

        @Test
        void aFunctionThatSwallowsTheUnwindingStillEndsExitedWithTheRecordedCode() throws Exception {
            Completion done = new Completion();
            AtomicBoolean returnedBeforeSignal = new AtomicBoolean();
            AtomicBoolean returning = new AtomicBoolean();
            KThread k = run("swallower", () -> {
                try {
                    KThread.completeAndExit(done, 12);
                } catch (Throwable t) {
                    // bad practice: carries on after its exit
                }
                returnedBeforeSignal.set(!done.isDone());
                returning.set(true);
                return 99;
            });
            done.awaitUninterruptibly();
            assertThat(returning).as("the completion waited for the function to return").isTrue();
            assertThat(returnedBeforeSignal).isTrue();
            assertThat(k.stop()).isEqualTo(12);
            assertThat(owner.dmesg()).contains("swallower").contains("caught its own exit");
        }

        @Test
        void exitOutsideAKThreadIsACallerMistakeAndCompletesNothing() {
            Completion done = new Completion();
            assertThatThrownBy(() -> KThread.exit(0)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> KThread.completeAndExit(done, 0)).isInstanceOf(IllegalStateException.class);
            assertThat(done.isDone()).isFalse();
        }
    }

    @Nested
    class Oops {
        @Test
        void anExceptionThatCannotPrintItselfStillGivesEfaultAndAnOops() throws Exception {
            KThread k = run("unprintable", () -> {
                throw new UnprintableException();
            });
            assertThat(endThenStop(k)).as("the function ran and failed: not -EINTR").isEqualTo(Errno.EFAULT.code());
            assertThat(owner.taints()).containsExactly(Taint.DIE);
            assertThat(owner.dmesg()).contains("Oops: unhandled").contains("in kthread 'unprintable'")
                    .contains("its toString() threw java.lang.UnsupportedOperationException");
        }

        @Test
        void anEscapingExceptionIsLoggedLikeAnOopsTaintsAndGivesEfault() throws Exception {
            KThread k = run("crasher", () -> {
                throw new IllegalStateException("boom");
            });
            assertThat(endThenStop(k)).isEqualTo(Errno.EFAULT.code());
            assertThat(owner.taints()).containsExactly(Taint.DIE);
            String dmesg = owner.dmesg();
            assertThat(dmesg).contains("Oops: unhandled java.lang.IllegalStateException in kthread 'crasher'")
                    .contains("Tainted: D").contains("boom").contains("KThreadTest");
            assertThat(owner.log.records()).extracting(LogRecord::level).contains(Level.ALERT);
        }

        @ParameterizedTest
        @ValueSource(strings = {"EIO", "ENODEV", "ETIMEDOUT"})
        void anEscapingKernelExceptionGivesItsErrno(String name) throws Exception {
            Errno errno = Errno.valueOf(name);
            KThread k = run("kex", () -> {
                throw new KernelException(errno, "device went away");
            });
            assertThat(endThenStop(k)).isEqualTo(errno.code());
            assertThat(owner.taints()).contains(Taint.DIE);
        }

        @Test
        void anOopsInOneThreadDoesNotDisturbAnother() throws Exception {
            Completion started = new Completion();
            KThread good = run("good", () -> {
                started.complete();
                while (!KThread.shouldStop()) {
                    KThread.scheduleTimeout(Duration.ofMinutes(1));
                }
                return 0;
            });
            KThread bad = run("bad", () -> {
                throw new Error("worse");
            });
            assertThat(endThenStop(bad)).isEqualTo(Errno.EFAULT.code());
            started.awaitUninterruptibly();
            assertThat(good.isAlive()).isTrue();
            assertThat(good.stop()).isZero();
        }
    }

    @Test
    void wakeUpCutsAScheduleTimeoutShort() throws Exception {
        AtomicInteger loops = new AtomicInteger();
        KThread k = run("kicked", () -> {
            while (!KThread.shouldStop()) {
                loops.incrementAndGet();
                Duration left = KThread.scheduleTimeout(Duration.ofMinutes(10));
                if (left.isZero()) {
                    return -1; // ten minutes passed: the kick was lost
                }
            }
            return 0;
        });
        for (int i = 1; i <= 5; i++) {
            int expected = i;
            Await.until("loop " + i, () -> loops.get() >= expected);
            k.wakeUp();
        }
        Await.until("kicked five times", () -> loops.get() >= 6);
        assertThat(k.stop()).isZero();
    }

    @Test
    void stopWithATimeoutReturnsTheResultWhenTheThreadEndsInTime() throws Exception {
        KThread k = run("quick", () -> 2);
        Await.until("ended", () -> !k.isAlive());
        OptionalInt r = k.stop(Duration.ofMinutes(1));
        assertThat(r).hasValue(2);
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
