#!/usr/bin/env bash
# The README's main command: builds the runner jar (installing Maven dependencies and the pinned
# OpenCode on first use), seeds work/inbox with the sample tasks of examples/inbox on the first
# run, and starts the file-drop runner on a managed OpenCode server. Stop it with Ctrl-C.
# Arguments go to java before -jar, for example: ./run.sh -Dopencode.model=opencode/gpt-5-nano
set -euo pipefail
cd "$(dirname "$0")"
./mvnw -q -B package -DskipTests
inbox="${OPENCODE_INBOX:-work/inbox}"
if [ ! -e "$inbox" ]; then
  mkdir -p "$inbox"
  cp examples/inbox/* "$inbox"/
  echo "Seeded $inbox with the sample tasks of examples/inbox"
fi
exec java "$@" -jar target/camel-opencode-runner.jar
