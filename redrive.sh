#!/usr/bin/env bash
# Re-drives dead letters (README "Re-driving dead letters"): moves <dead-letter>/<name>.error.json back into
# the inbox, where the running runner reads it as its original task, runs it again and keeps its attempts.
#   ./redrive.sh            every dead letter that can run again (those with an "original" task)
#   ./redrive.sh fix-bug    only these task names
# Folders: OPENCODE_DEAD_LETTER (work/dead-letter) and OPENCODE_INBOX (work/inbox), as for the runner.
set -euo pipefail
cd "$(dirname "$0")"
dead_letter="${OPENCODE_DEAD_LETTER:-work/dead-letter}"
inbox="${OPENCODE_INBOX:-work/inbox}"
mkdir -p "$inbox"
if [ "$#" -eq 0 ]; then
  set -- $(find "$dead_letter" -maxdepth 1 -name '*.error.json' -exec basename {} .error.json \; 2>/dev/null | sort)
fi
moved=0
for name in "$@"; do
  record="$dead_letter/$name.error.json"
  if [ ! -f "$record" ]; then
    echo "no dead letter $record" >&2
    continue
  fi
  if ! grep -q '"original"' "$record"; then
    echo "skipped $name: its task file was invalid (fix it and drop the original file into $inbox)" >&2
    continue
  fi
  mv "$record" "$inbox/"
  echo "re-driven $name"
  moved=$((moved + 1))
done
echo "$moved dead letter(s) moved to $inbox"
