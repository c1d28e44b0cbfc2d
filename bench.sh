#!/usr/bin/env bash
# Runs the issue-9 benchmarks (not tests): ./bench.sh [throughput|latency|scale|end-to-end|scale-out|workspace|cluster ...]; no
# argument = every row. end-to-end and scale-out start real opencode servers (the pinned install, which the build installs if
# missing); cluster starts a throw-away PostgreSQL from the machine's Debian binaries.
# Builds with the Maven wrapper like the tests do (it downloads what is missing; MAVEN_OFFLINE=-o forces offline).
set -euo pipefail
cd "$(dirname "$0")"
offline="${MAVEN_OFFLINE-}"
./mvnw -q -B $offline test-compile
# The full coordinates: a bare "dependency:" prefix needs plugin-group metadata that an offline run may not have.
dependency_plugin="org.apache.maven.plugins:maven-dependency-plugin:$(sed -n 's|.*<maven-dependency-plugin.version>\(.*\)</maven-dependency-plugin.version>.*|\1|p' pom.xml | head -1)"
./mvnw -q -B $offline "$dependency_plugin:build-classpath" -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xmx512m -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" \
    org.camelopencode.bench.BenchMain "$@"
