#!/usr/bin/env bash
# Concurrency suites of kmod4j (kmod4j-stress). Run by `./build stress`; works on its own too.
#
#   ./build stress                 jcstress suite (-m quick) and Lincheck model checking
#   ./build stress --canaries      prove the suites have teeth: every canary must be caught
#   ./build stress --all           both of the above
#   ./build stress --jcstress      only jcstress;  --lincheck  only Lincheck
#   ./build stress -t REGEXP       only the jcstress tests whose name matches (within the chosen set)
#   ./build stress -m sanity ...   other arguments go to jcstress (-m MODE, -v, ...)
#
# Exit status: 0 when every real test passed (and, with --canaries, every canary was caught);
# 1 on any forbidden outcome, failed check or uncaught canary. Logs and jcstress's HTML report are
# under kmod4j-stress/target/jcstress*/. See docs/stress.md for what covers what.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/jdk25.sh"
kmod4j_select_jdk25
cd "$root"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

module="$root/kmod4j-stress"
jar="$module/target/stress.jar"
real_tests='^io\.kmod4j\.stress\.(sync|kthread|workqueue)\.'
canary_tests='^io\.kmod4j\.stress\.canary\.'

suite=1 canaries=0 jcstress=1 lincheck=1
jcargs=()
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    -t) only="$2"; shift ;; # narrows the selection below (jcstress takes one -t only)
    --canaries) suite=0 canaries=1 ;;
    --all) suite=1 canaries=1 ;;
    --jcstress) lincheck=0 ;;
    --lincheck) jcstress=0 ;;
    -h|--help) sed -n "2,14p" "$0"; exit 0 ;;
    *) jcargs+=("$1") ;;
  esac
  shift
done
if [ -n "$only" ]; then
  real_tests="${real_tests}.*${only}"
  canary_tests="${canary_tests}.*${only}"
fi
has_mode=0
for a in "${jcargs[@]+"${jcargs[@]}"}"; do [ "$a" = "-m" ] && has_mode=1; done
[ "$has_mode" = 1 ] || jcargs+=(-m quick)

failures=()

if [ "$jcstress" = 1 ]; then
  echo "stress: building $jar" >&2
  # -Dmaven.test.skip: the jar needs no test classes, and kmod4j-api's are not ours to compile here.
  mvn -B -ntp -q -Pstress-jar -pl kmod4j-stress -am -Dmaven.test.skip=true package
fi

# Runs jcstress on the tests matching $2 in directory $1; its output goes to $1/jcstress.log.
# Prints each test's verdict as it comes and the summary at the end. Returns jcstress's status.
run_jcstress() {
  local dir="$1" tests="$2"
  shift 2
  rm -rf "$dir" && mkdir -p "$dir"
  local status=0
  ( cd "$dir" && java --sun-misc-unsafe-memory-access=allow -jar "$jar" \
      -jvmArgsPrepend "--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow" \
      -t "$tests" -r "$dir/results" "$@" ) > "$dir/jcstress.log" 2>&1 || status=$?
  sed -n '/RUN RESULTS/,$p' "$dir/jcstress.log" | grep -v -E '^\s*WARNING|^\s*$' | sed -n '1,400p'
  return "$status"
}

# The test names jcstress would run for a selection.
list_tests() {
  java -jar "$jar" -l -t "$1" 2>/dev/null | grep -E '^io\.kmod4j\.stress\.' | sort -u
}

# The tests that did run: jcstress writes one page per test it ran. It skips, without failing, a
# test with more actors than the machine has CPUs; such a test must not count as passed.
ran_tests() {
  ls "$1/results" 2>/dev/null | grep -E '^io\.kmod4j\.stress\..*\.html$' | sed 's/\.html$//' | sort -u
}

if [ "$suite" = 1 ] && [ "$jcstress" = 1 ]; then
  echo "stress: jcstress ${jcargs[*]} on $real_tests" >&2
  dir="$module/target/jcstress"
  if run_jcstress "$dir" "$real_tests" "${jcargs[@]}"; then
    notrun=$(comm -23 <(list_tests "$real_tests") <(ran_tests "$dir"))
    if [ -n "$notrun" ]; then
      echo "stress: jcstress: $(ran_tests "$dir" | wc -l) passed, but these did not run (more actors than CPUs?):" >&2
      echo "$notrun" | sed 's/^/  /' >&2
      failures+=("jcstress (tests not run)")
    else
      echo "stress: jcstress: $(ran_tests "$dir" | wc -l) passed, 0 failed"
    fi
  else
    failed=$(grep -E '^\.\.\.\.\.\. \[(FAILED|ERROR)\]' "$dir/jcstress.log" | awk '{print $3}' | sort -u)
    echo "stress: jcstress FAILED ($(echo "$failed" | grep -c . || true) tests); log: $dir/jcstress.log" >&2
    echo "$failed" | sed 's/^/  /' >&2
    failures+=("jcstress")
  fi
fi

if [ "$canaries" = 1 ] && [ "$jcstress" = 1 ]; then
  echo "stress: jcstress canaries ${jcargs[*]}: every one must FAIL" >&2
  dir="$module/target/jcstress-canaries"
  run_jcstress "$dir" "$canary_tests" "${jcargs[@]}" || true
  missed=0
  while read -r t; do
    if grep -q -E "^\.\.\.\.\.\. \[(FAILED|ERROR)\] $t\$" "$dir/jcstress.log"; then
      echo "  caught:  $t"
    else
      echo "  MISSED:  $t (the test did not notice the planted bug)"
      missed=$((missed + 1))
    fi
  done < <(list_tests "$canary_tests")
  if [ "$missed" -gt 0 ]; then
    failures+=("jcstress canaries ($missed missed)")
  fi
fi

if [ "$lincheck" = 1 ]; then
  selected=()
  [ "$suite" = 1 ] && selected+=("CompletionLinearizabilityTest" "WorkqueueLinearizabilityTest")
  [ "$canaries" = 1 ] && selected+=("CanaryLinearizabilityTest" "WorkqueueCanaryLinearizabilityTest")
  tests=$(IFS=,; echo "${selected[*]}")
  echo "stress: Lincheck ($tests)" >&2
  # kmod4j-api is built from the reactor (-am) but runs none of its tests: -Dtest selects ours only.
  if ! mvn -B -ntp -Plincheck -pl kmod4j-stress -am verify -Dtest="$tests" \
      -Dsurefire.failIfNoSpecifiedTests=false > "$module/target/lincheck.log" 2>&1; then
    failures+=("Lincheck")
  fi
  grep -E 'Tests run:|CANARY CAUGHT|FAIL|ERROR\]' "$module/target/lincheck.log" | grep -v -E '^\[INFO\] Tests run: 0' || true
  echo "stress: Lincheck log: $module/target/lincheck.log" >&2
fi

if [ "${#failures[@]}" -gt 0 ]; then
  echo "stress: FAILED: ${failures[*]}" >&2
  exit 1
fi
echo "stress: all passed" >&2
