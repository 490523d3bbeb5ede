#!/usr/bin/env bash
# JMH benchmarks of kmod4j (kmod4j-bench). Run by `./build bench`; works on its own too.
#
#   ./build bench [JMH args...]        build benchmarks.jar, run JMH, JSON to kmod4j-bench/target/jmh-result.json
#   ./build bench --report [JMH args]  the same, then keep the run in kmod4j-bench/results/ and rewrite
#                                      docs/benchmarks.md and its plots (docs/*.png) from every kept run
#   ./build bench --report-only        only rewrite docs/benchmarks.md from the kept runs
#   ./build bench --no-build ...       reuse kmod4j-bench/target/benchmarks.jar as it is
#   ./build bench --report-only --merge RESULTS.json
#                                      report a run that was not kept (with RESULTS.properties beside
#                                      it, if any) on top of the kept ones, e.g. the last plain run's
#                                      kmod4j-bench/target/jmh-result.json
#   ./build bench -h | -l              JMH's own help, the list of benchmarks
#
# The report is made from kmod4j-bench/results/*.json in the order of their names (the date each
# run started), and a class measured in a later run replaces that class's earlier results as a
# whole, so each figure pairs scores of one run. Those files are committed with the report, so a
# later session can add a run without losing the figures of the others.
#
# With no JMH arguments every benchmark runs. Settings the caller does not give default to short
# ones that are still meaningful on 2 cores: -f 1 -wi 3 -w 1s -i 5 -r 1s (about 4 minutes for all).
# Example: ./build bench CompletionRoundTrip -f 1 -wi 3 -i 5
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/jdk25.sh"
kmod4j_select_jdk25
cd "$root"

bench="$root/kmod4j-bench"
jar="$bench/target/benchmarks.jar"
json="$bench/target/jmh-result.json"
runinfo="$bench/target/jmh-run.properties"
report="$root/docs/benchmarks.md"
kept_dir="$bench/results"

given="$*"
build=1 run=1 write_report=0
jmh=()
merged=()
while [ $# -gt 0 ]; do
  case "$1" in
    --report) write_report=1 ;;
    --report-only) write_report=1 run=0 ;;
    --no-build) build=0 ;;
    --merge) merged+=(--json "$2"); [ -f "${2%.json}.properties" ] && merged+=(--run "${2%.json}.properties"); shift ;;
    *) jmh+=("$1") ;;
  esac
  shift
done

if [ "$build" = 1 ] || [ ! -f "$jar" ]; then
  echo "bench: building $jar" >&2
  MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
    mvn -B -ntp -q -Pbench-jar -pl kmod4j-bench -am -DskipTests package
fi

# The report also draws docs/*.png; the soak's metaspace plot comes from the CSV that ./build soak
# writes (columns: see io.kmod4j.bench.report.Charts), kept beside the runs like them.
soak_csv="$root/kmod4j-runtime/target/soak/metaspace.csv"
kept_soak_csv="kmod4j-bench/results/soak-metaspace.csv" # relative: the report quotes it, and we are in $root
make_report() {
  local kept=() f
  for f in "$kept_dir"/*.json; do
    [ -e "$f" ] || continue
    kept+=(--json "$f")
    [ -f "${f%.json}.properties" ] && kept+=(--run "${f%.json}.properties")
  done
  if [ -f "$soak_csv" ] && { [ ! -f "$kept_soak_csv" ] || [ "$soak_csv" -nt "$kept_soak_csv" ]; }; then
    mkdir -p "$kept_dir" && cp "$soak_csv" "$kept_soak_csv"
  fi
  java -Djava.awt.headless=true -cp "$jar" io.kmod4j.bench.report.BenchReport "${kept[@]+"${kept[@]}"}" \
    "${merged[@]+"${merged[@]}"}" --figures "$root/docs" --soak-csv "$kept_soak_csv" --out "$report"
}

if [ "$run" = 0 ]; then
  make_report
  exit 0
fi

# Only the settings the caller left out get a default (JMH rejects an option given twice).
has() { local o; for o in "${jmh[@]+"${jmh[@]}"}"; do [ "$o" = "$1" ] && return 0; done; return 1; }
listing=0
for o in -h -l -lp -lrf -lprof; do has "$o" && listing=1; done
record=0 # the run's context is recorded only beside the default results file, which the report reads
if [ "$listing" = 0 ]; then
  for pair in "-f 1" "-wi 3" "-w 1s" "-i 5" "-r 1s"; do
    set -- $pair
    has "$1" || jmh+=("$1" "$2")
  done
  has -rf || jmh+=(-rf json)
  has -rff || { jmh+=(-rff "$json"); record=1; }
fi

props_escape() { local v="${1//\\/\\\\}"; printf '%s' "${v//$'\n'/ }"; }
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }

if [ "$record" = 1 ]; then
  mkdir -p "$bench/target"
  {
    echo "command=$(props_escape "./build bench${given:+ $given}")"
    echo "jmh.args=$(props_escape "${jmh[*]}")"
    echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
    echo "git.commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "machine.cores=$(nproc)"
    echo "machine.cpu=$(props_escape "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)")"
    echo "machine.memory=$(sed -n 's/^MemTotal:[[:space:]]*//p' /proc/meminfo)"
    echo "load.before=$(load)"
  } > "$runinfo"
fi

status=0
# JMH itself still uses sun.misc.Unsafe; JDK 25 warns about it on every run.
java --sun-misc-unsafe-memory-access=allow -jar "$jar" "${jmh[@]}" || status=$?

if [ "$record" = 1 ]; then
  echo "load.after=$(load)" >> "$runinfo"
  [ "$status" = 0 ] && echo "bench: results in $json" >&2
fi
if [ "$status" = 0 ] && [ "$write_report" = 1 ]; then
  if [ "$record" = 1 ]; then
    java -cp "$jar" io.kmod4j.bench.report.KeepResults --json "$json" --run "$runinfo" --into "$kept_dir"
  else
    echo "bench: results went to the file given with -rff, so this run is not kept; pass it with --merge to report it" >&2
  fi
  make_report
fi
exit "$status"
