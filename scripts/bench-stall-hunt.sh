#!/usr/bin/env bash
# Runs one JMH benchmark in many short forks and stops at the first fork that makes no progress,
# with a thread dump of it. For hunting a lost wake-up that shows only now and then (decision
# 0012, last addendum): a hung fork otherwise sits there until JMH's 10-minute iteration timeout.
#
#   scripts/bench-stall-hunt.sh JAR BENCHMARK FORKS [JMH options...]
#   scripts/bench-stall-hunt.sh kmod4j-bench/target/benchmarks.jar CompletionRoundTripVirtual.completion 60
#   scripts/bench-stall-hunt.sh JAR CompletionRoundTripVirtual.completion 100 \
#       -jvmArgsAppend "-Djmh.executor=VIRTUAL -XX:TieredStopAtLevel=1"
#
# A -jvmArgsAppend given here replaces the benchmark class's own (@Fork), so repeat what it sets:
# without -Djmh.executor=VIRTUAL a *Virtual benchmark runs on platform threads (20 us a round trip
# instead of about 1.5 us is the sign).
#
# Another JDK 25: set JAVA_HOME (scripts/fetch-debian-jdk25.sh unpacks a newer update). Two hunts at
# once (say, two jars, or two JDKs) need their own STALL_LOG each and JMH told to share its lock:
# JAVA_TOOL_OPTIONS=-Djmh.ignoreLock=true.
#
# The log goes to $STALL_LOG (default /tmp/bench-stall-hunt.log). To tie a stall to what the JIT
# did, log each fork's compilations and deoptimizations to a file named by its pid (the pid is
# printed at a stall), e.g.
#   -jvmArgsAppend "-Djmh.executor=VIRTUAL -Xlog:deoptimization=debug,jit+compilation=debug,gc:file=/tmp/hunt/d-%p.log:uptime"
#
# Each fork runs one 1 s warm-up and one 1 s measurement iteration, so most of its time is spent
# while the JIT is still compiling, where the one hang seen so far happened. A fork counts as
# stalled when the log has not grown for 40 s. Exit status: 0 if every fork finished, 1 on a stall
# (the dump is LOG.dump), 2 on bad arguments. Build the jar first (`./build bench -l`).
set -u

if [ $# -lt 3 ] || ! [ -f "$1" ] || ! [[ "$3" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 JAR BENCHMARK FORKS [JMH options...]   (JAR must exist, FORKS a number)" >&2
  exit 2
fi
jar=$1 bench=$2 forks=$3 log=${STALL_LOG:-/tmp/bench-stall-hunt.log}
shift 3

here=$(cd "$(dirname "$0")" && pwd)
. "$here/jdk25.sh"
kmod4j_select_jdk25

java -jar "$jar" "$bench" -f "$forks" -wi 1 -w 1s -i 1 -r 1s "$@" > "$log" 2>&1 &
runner=$!
status=0
while kill -0 "$runner" 2>/dev/null; do
  sleep 10
  if [ $(( $(date +%s) - $(stat -c %Y "$log") )) -gt 40 ]; then
    fork=$(pgrep -f "$(basename "$jar").*ForkedMain" | head -n 1) # this hunt's fork, not another's
    jcmd "$fork" Thread.dump_to_file -format=text "$log.dump" > /dev/null 2>&1
    # What the JIT had installed (which version of each method is live, which was thrown away)
    # and the virtual-thread scheduler's queues, for telling a lost wake-up from a starved thread.
    { jcmd "$fork" VM.uptime; jcmd "$fork" Thread.vthread_scheduler; jcmd "$fork" Compiler.codelist; } \
      > "$log.vm" 2>&1
    echo "stall-hunt: fork $(grep -c '# Fork:' "$log") (pid $fork) of $forks made no progress for 40 s;" \
      "threads in $log.dump, scheduler and compiled code in $log.vm" | tee -a "$log" >&2
    kill "$fork" "$runner" 2> /dev/null
    status=1
    break
  fi
done
wait "$runner" 2> /dev/null
[ $status = 0 ] && echo "stall-hunt: $(grep -c '# Fork:' "$log") forks of $bench, none stalled; log $log" >&2
exit $status
