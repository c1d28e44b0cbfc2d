#!/usr/bin/env bash
# Runs the issue-9 benchmarks (not tests): ./bench.sh [throughput|latency|scale ...]; no argument = every row.
# Uses the Maven wrapper offline when the dependencies are already in ~/.m2 (pass MAVEN_OFFLINE= to go online).
set -euo pipefail
cd "$(dirname "$0")"
offline="${MAVEN_OFFLINE--o}"
./mvnw -q -B $offline test-compile
./mvnw -q -B $offline dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xmx512m -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
    org.camelopencode.bench.BenchMain "$@"
