#!/usr/bin/env bash
# Conformance across OpenCode 1.x versions (issue 17): ./conformance.sh VERSION...   e.g. ./conformance.sh 1.1.65 1.18.34
#
# For each VERSION: installs the standalone platform binary opencode-linux-x64@VERSION with npm into
# opencode/versions/VERSION/ (ignored by git; skipped when already there), runs the real-server integration tests below
# against it (-Dopencode.binary=...), prints one line per test class, keeps the reports in target/conformance/VERSION/
# and, at the end, prints a Markdown table of versions against features (the README's "OpenCode versions" table).
# Not part of ./mvnw verify. Versions run one after another (each run starts its own opencode serve).
#
# Environment: MAVEN_OFFLINE=-o builds offline (as bench.sh); CONFORMANCE_CLASSES="A B" runs only those classes;
# CONFORMANCE_RERUN=0 does not re-run a failing class (by default it runs once more, alone, and both results are shown).
# Exit status: 0 when every selected test of every version passed, 1 otherwise, 2 on bad usage.
set -uo pipefail
cd "$(dirname "$0")"

# Test classes by base name: the file may be <name>IntegrationTest.java or <name>IT.java (the lanes may move).
# Each run as -Dtest=..., which overrides the surefire includes and excludes of the pom.
CLASSES=(${CONFORMANCE_CLASSES:-FileDropRunner PlaybookDispatch Dispatcher ApprovalsRunner EventsConsumerRestart AgentEvents CliTransport ProtocolRecording})

# Feature -> the tests measuring it, as "Class" (every method) or "Class#regex" (methods whose name matches), and
# "!Class#regex" to leave methods out. A feature passes when every test it names ran and passed.
declare -A FEATURES=(
  ["server transport"]="FileDropRunner !FileDropRunner#[Qq]uestion PlaybookDispatch Dispatcher !Dispatcher#Schema ApprovalsRunner !ApprovalsRunner#[Qq]uestion ProtocolRecording#Server"
  ["CLI transport"]="CliTransport !CliTransport#Skill AgentEvents ProtocolRecording#Cli"
  ["skills"]="CliTransport#Skill"
  ["questions"]="FileDropRunner#[Qq]uestion ApprovalsRunner#[Qq]uestion ProtocolRecording#Question"
  ["structured output"]="Dispatcher#Schema"
  ["events consumer"]="EventsConsumerRestart"
)
FEATURE_ORDER=("server transport" "CLI transport" "questions" "structured output" "events consumer" "skills")

if [ $# -eq 0 ]; then
  echo "usage: $0 VERSION...   (e.g. $0 1.1.65 1.3.2 1.14.48 1.15.13 1.17.19 1.18.34)" >&2
  exit 2
fi
for version in "$@"; do
  if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
    echo "not a version: '$version' (expected MAJOR.MINOR.PATCH such as 1.18.34)" >&2
    exit 2
  fi
done
command -v npm >/dev/null || { echo "npm is needed to install opencode-linux-x64" >&2; exit 2; }

offline="${MAVEN_OFFLINE-}"
results=target/conformance
mkdir -p "$results"

resolve_class() { # base name -> simple class name of the existing test file
  local base=$1 file
  for file in src/test/java/org/camelopencode/it/"$base"IntegrationTest.java src/test/java/org/camelopencode/it/"$base"IT.java; do
    if [ -f "$file" ]; then basename "$file" .java; return 0; fi
  done
  return 1
}

install_version() { # version -> path of its binary on stdout
  local version=$1 folder="opencode/versions/$1"
  local binary="$folder/node_modules/opencode-linux-x64/bin/opencode"
  if [ ! -x "$binary" ]; then
    mkdir -p "$folder"
    [ -f "$folder/package.json" ] || echo '{"private": true, "description": "conformance.sh install, not part of the build"}' > "$folder/package.json"
    if ! (cd "$folder" && npm install --no-save --no-audit --no-fund "opencode-linux-x64@$version") > "$results/install-$version.log" 2>&1; then
      echo "npm install opencode-linux-x64@$version failed: see $results/install-$version.log" >&2
      return 1
    fi
  fi
  echo "$(pwd)/$binary"
}

# testcase lines of the surefire XML reports of one version: "Class<TAB>method<TAB>pass|fail|skip<TAB>seconds"
testcases() {
  local folder=$1 report
  for report in "$folder"/TEST-*.xml; do
    [ -f "$report" ] || continue
    awk '
      function attribute(line, name,   start, rest) {
        start = index(line, " " name "=\"")
        if (start == 0) return ""
        rest = substr(line, start + length(name) + 3)
        return substr(rest, 1, index(rest, "\"") - 1)
      }
      function flush() { if (open) { print class "\t" method "\t" outcome "\t" seconds; open = 0 } }
      /<testcase / {
        flush()
        method = attribute($0, "name"); class = attribute($0, "classname"); seconds = attribute($0, "time")
        sub(/\(.*$/, "", method); sub(/^.*\./, "", class)
        outcome = "pass"; open = 1
        if ($0 ~ /\/>[[:space:]]*$/) flush()
        next
      }
      open && /<(failure|error)[ >]/ { outcome = "fail" }
      open && /<skipped/ { if (outcome == "pass") outcome = "skip" }
      /<\/testcase>/ { flush() }
      END { flush() }
    ' "$report"
  done
}

# pass / FAIL (n of m) / not run for one feature of one version
feature_cell() {
  local cases=$1 spec=$2 term class pattern negate total=0 failed=0
  while IFS=$'\t' read -r c m outcome _; do
    [ -n "$c" ] || continue
    local keep=0
    for term in $spec; do
      negate=0; [ "${term:0:1}" = "!" ] && { negate=1; term=${term:1}; }
      class=${term%%#*}; pattern=""; [ "$term" != "$class" ] && pattern=${term#*#}
      [[ "$c" == "$class"IntegrationTest || "$c" == "$class"IT ]] || continue
      if [ -n "$pattern" ] && ! [[ "$m" =~ $pattern ]]; then continue; fi
      if [ $negate -eq 1 ]; then keep=0; break; fi
      keep=1
    done
    if [ $keep -eq 1 ] && [ "$outcome" != "skip" ]; then
      total=$((total + 1)); [ "$outcome" = "fail" ] && failed=$((failed + 1))
    fi
  done <<< "$cases"
  if [ $total -eq 0 ]; then echo "not run"; elif [ $failed -eq 0 ]; then echo "pass"; else echo "FAIL ($failed of $total)"; fi
}

selected=()
for base in "${CLASSES[@]}"; do
  if name=$(resolve_class "$base"); then selected+=("$name"); else echo "no test class for '$base': skipped" >&2; fi
done
test_list=$(IFS=,; echo "${selected[*]}")

echo "building the tests once ..."
if ! ./mvnw -q -B $offline test-compile > "$results/build.log" 2>&1; then
  echo "test-compile failed: see $results/build.log" >&2
  exit 1
fi

# runs the test classes against one binary; the surefire reports and the Maven output end up in the folder
run_tests() {
  local binary=$1 folder=$2 classes=$3
  rm -rf target/surefire-reports
  mkdir -p "$folder"
  ./mvnw -B $offline surefire:test -Dtest="$classes" -Dsurefire.failIfNoSpecifiedTests=false \
      -Dopencode.binary="$binary" -Dconformance.recordings="$(pwd)/$results/$version/recordings" > "$folder/maven.log" 2>&1
  cp target/surefire-reports/* "$folder"/ 2>/dev/null
}

# "pass 15/15 (failed 0, skipped 0) in 12 s" for one class of the testcase lines
class_line() {
  awk -F'\t' -v class="$2" '
    $1 == class { total++; seconds += $4; if ($3 == "pass") passed++; else if ($3 == "fail") failed++; else skipped++ }
    END {
      if (total == 0) { print "not run (see maven.log)"; exit }
      printf "%s %d/%d (failed %d, skipped %d) in %.0f s\n", (failed ? "FAIL" : "pass"), passed, total, failed, skipped, seconds
    }' <<< "$1"
}

rerun=${CONFORMANCE_RERUN:-1}
status=0
declare -A CELLS=()
declare -A SERVED=()
for version in "$@"; do
  started=$(date +%s)
  if ! binary=$(install_version "$version"); then
    status=1
    for feature in "${FEATURE_ORDER[@]}"; do CELLS["$version|$feature"]="not installed"; done
    continue
  fi
  SERVED[$version]=$(HOME="$results/home" XDG_CONFIG_HOME="$results/home/config" XDG_DATA_HOME="$results/home/data" \
      XDG_CACHE_HOME="$results/home/cache" XDG_STATE_HOME="$results/home/state" OPENCODE_DISABLE_MODELS_FETCH=1 \
      OPENCODE_DISABLE_AUTOUPDATE=1 "$binary" --version 2>/dev/null | tail -n 1)
  folder="$results/$version"
  rm -rf "$folder"
  echo "OpenCode $version (reports itself as ${SERVED[$version]:-?}): running ${#selected[@]} test classes ..."
  run_tests "$binary" "$folder" "$test_list"
  cases=$(testcases "$folder")
  for name in "${selected[@]}"; do
    line=$(class_line "$cases" "$name")
    if [[ "$line" != pass* ]] && [ "$rerun" = 1 ]; then
      # A loaded machine slows real-server tests down: a failing class runs once more, alone; both results are shown.
      run_tests "$binary" "$folder/rerun-$name" "$name"
      again=$(testcases "$folder/rerun-$name")
      cases=$(grep -v "^$name"$'\t' <<< "$cases"; echo "$again")
      line="$(class_line "$cases" "$name") on a re-run; first run: $line"
    fi
    printf '%-9s %-40s %s\n' "$version" "$name" "$line"
    [[ "$line" == pass* ]] || status=1
    awk -F'\t' -v class="$name" '$1 == class && $3 == "fail" { print "          failed: " $2 }' <<< "$cases"
  done
  for feature in "${FEATURE_ORDER[@]}"; do CELLS["$version|$feature"]=$(feature_cell "$cases" "${FEATURES[$feature]}"); done
  echo "$version: done in $(( $(date +%s) - started )) s; reports in $folder"
done

echo
echo "OpenCode versions against features, measured $(date -u +%Y-%m-%d) by ./conformance.sh:"
echo
header="| version |"; rule="| --- |"
for feature in "${FEATURE_ORDER[@]}"; do header+=" $feature |"; rule+=" --- |"; done
echo "$header"; echo "$rule"
for version in "$@"; do
  row="| $version |"
  for feature in "${FEATURE_ORDER[@]}"; do row+=" ${CELLS["$version|$feature"]} |"; done
  echo "$row"
done
exit $status
