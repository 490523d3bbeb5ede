#!/usr/bin/env bash
# Coverage-guided fuzzing of kmod4j's parsers (kmod4j-fuzz, Jazzer). Run by `./build fuzz`; works
# on its own too. See docs/fuzzing.md for what each target covers.
#
#   ./build fuzz                 every target for 60 s (Maven profile fuzz), then a table
#   ./build fuzz -d 3m           every target for 3 minutes (Jazzer's syntax: 30s, 2m, 1h)
#   ./build fuzz -t tftp-server  one target (names: see the table, or kmod4j-fuzz/pom.xml)
#
# Prints, per target: executions, executions per second, seconds fuzzed, coverage (libFuzzer's
# cov/ft) and findings. Exit status 1 if any target found something. The whole Maven log is in
# kmod4j-fuzz/target/fuzz/fuzz.log; each target's Java output in kmod4j-fuzz/target/fuzz/<target>/.
# A finding is saved as crash-<sha1> in that target's inputs directory under
# kmod4j-fuzz/src/test/resources (ignored by git until it is reviewed, renamed and kept as a
# regression seed); the corpus grown while fuzzing is in kmod4j-fuzz/.cifuzz-corpus/ (ignored).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/jdk25.sh"
kmod4j_select_jdk25
cd "$root"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

duration=60s
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    -d|--duration) duration="$2"; shift ;;
    -t|--target) only="$2"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "fuzz: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

out="$root/kmod4j-fuzz/target/fuzz"
log="$out/fuzz.log"
echo "fuzz: building kmod4j-fuzz and what it tests" >&2
mvn -B -ntp -q -pl kmod4j-fuzz -am install -DskipTests
mkdir -p "$out"
touch "$out/fuzz.start"

goals=(test)
if [ -n "$only" ]; then
  goals=("surefire:test@fuzz-$only")
fi
echo "fuzz: fuzzing ${only:-every target} for $duration each; log: $log" >&2
status=0
mvn -B -ntp -Pfuzz -pl kmod4j-fuzz "${goals[@]}" -Dkmod4j.fuzz.duration="$duration" > "$log" 2>&1 || status=$?

# One block of the log per surefire execution "fuzz-<target>": libFuzzer's final lines give the
# executions and the time; a finding shows as "== Java Exception" or a failed test.
summary="$out/summary.txt"
awk '
  /maven-surefire-plugin:.*:test \(fuzz-/ {
    if (name != "") report()
    match($0, /\(fuzz-[^)]*\)/); name = substr($0, RSTART + 6, RLENGTH - 7)
    runs = "-"; secs = "-"; eps = "-"; cov = "-"; ft = "-"; findings = 0; failed = 0; next
  }
  name == "" { next }
  /^Done [0-9]+ runs in [0-9]+ second/ { runs = $2; secs = $5 }
  /DONE +cov:/ { for (i = 1; i <= NF; i++) { if ($i == "cov:") cov = $(i+1); if ($i == "ft:") ft = $(i+1); if ($i == "exec/s:") eps = $(i+1) } }
  /== Java Exception:|== libFuzzer crashing input ==|ERROR: libFuzzer: / { findings++ }
  /Tests run:.*(Failures: [1-9]|Errors: [1-9])/ { failed = 1 }
  function report() {
    if (failed && findings == 0) findings = 1
    printf "%-22s %12s %9s %7s %7s %7s %9s\n", name, runs, eps, secs, cov, ft, findings
  }
  BEGIN { printf "%-22s %12s %9s %7s %7s %7s %9s\n", "target", "executions", "exec/s", "seconds", "cov", "ft", "findings" }
  END { if (name != "") report() }
' "$log" | tee "$summary"
found=$(awk 'NR > 1 { n += $7 } END { print n + 0 }' "$summary")

crashes=$(find "$root/kmod4j-fuzz/src/test/resources" "$root/kmod4j-fuzz" -maxdepth 8 -name 'crash-*' -newer "$out/fuzz.start" 2>/dev/null | sort -u || true)
if [ -n "$crashes" ]; then
  echo "fuzz: findings saved:" >&2
  echo "$crashes" | sed 's/^/  /' >&2
fi
if [ "$status" -ne 0 ]; then
  echo "fuzz: the build failed; see $log" >&2
  exit 1
fi
if [ "$found" -gt 0 ]; then
  echo "fuzz: $found finding(s); see $log" >&2
  exit 1
fi
echo "fuzz: no findings" >&2
