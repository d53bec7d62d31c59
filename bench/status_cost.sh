#!/usr/bin/env bash
# What the status of every series costs the whole-history report: the same
# JSON report by a binary built without status (BASE, e.g. a release build
# of a commit before `Message.evidence`) and by this tree's release build,
# side by side in one hyperfine run, plus callgrind's instruction counts
# (stable on a loaded machine, where wall times are not).
#
#     BASE=/tmp/ld-before bench/status_cost.sh [ARCHIVE]
set -euo pipefail
cd "$(dirname "$0")/.."
ARCHIVE=${1:-../shared/corpus/linux-hyperv.git}
BASE=${BASE:?set BASE to a lore-digest binary built without status}
NEW=${NEW:-target/release/lore-digest}
[ -x "$NEW" ] || cargo build --release --workspace
RUNS=${RUNS:-5}
args=(report --archive "$ARCHIVE" --range master --format json --no-cache -o /dev/null)
hyperfine --runs "$RUNS" --warmup 1 -N \
  -n without-status "$BASE ${args[*]}" \
  -n with-status "$NEW ${args[*]}"
if command -v valgrind >/dev/null && [ -z "${SKIP_CALLGRIND:-}" ]; then
  for bin in "$BASE" "$NEW"; do
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" "${args[@]}" 2>&1 |
      grep -E "Collected" | sed "s|^|$bin: |"
    rm -f "$out"
  done
fi
