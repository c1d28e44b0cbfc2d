#!/usr/bin/env bash
# Runs the issue-9 benchmarks (not tests): ./bench.sh [throughput|latency|scale|end-to-end|scale-out|workspace|cluster ...]; no
# argument = every row. end-to-end and scale-out start real opencode servers (the pinned install, which the build installs if
# missing); cluster starts a throw-away PostgreSQL from the machine's Debian binaries.
# Builds with the Maven wrapper like the tests do (it downloads what is missing; MAVEN_OFFLINE=-o forces offline).
set -euo pipefail
cd "$(dirname "$0")"
offline="${MAVEN_OFFLINE-}"
./mvnw -q -B $offline test-compile
./mvnw -q -B $offline dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xmx512m -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
    org.camelopencode.bench.BenchMain "$@"
