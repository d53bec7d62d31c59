#!/usr/bin/env bash
# What trends and --compare cost, side by side in one hyperfine run each:
# `trends --by month` over the whole archive against the whole-history JSON
# report, and 7- and 30-day window reports with the default --compare
# (previous) against --compare none; then callgrind's instruction counts of
# the window reports (stable on a loaded machine, where wall times are not).
#
#     bench/trends_cost.sh [ARCHIVE]
set -euo pipefail
cd "$(dirname "$0")/.."
ARCHIVE=${1:-../shared/corpus/linux-hyperv.git}
BIN=${BIN:-target/release/lore-digest}
[ -x "$BIN" ] || cargo build --release --workspace
RUNS=${RUNS:-5}
hyperfine --runs "$RUNS" --warmup 1 -N \
  -n report-whole-history "$BIN report --archive $ARCHIVE --range master --format json -o /dev/null" \
  -n trends-by-month "$BIN trends --archive $ARCHIVE --by month --format json -o /dev/null"
# The shared archive's mail arrived in batches: the 7 days to 2026-07-15
# hold 181 mails, the 7 before 358; the 30 days to 2026-07-15 hold 539,
# the 30 before 2,252.
for window in "--since 2026-07-09 --until 2026-07-15" "--since 2026-06-16 --until 2026-07-15"; do
  hyperfine --runs "$RUNS" --warmup 1 -N \
    -n "compare-none $window" "$BIN report --archive $ARCHIVE $window --compare none --format json -o /dev/null" \
    -n "compare-previous $window" "$BIN report --archive $ARCHIVE $window --format json -o /dev/null"
done
if command -v valgrind >/dev/null && [ -z "${SKIP_CALLGRIND:-}" ]; then
  for window in "--since 2026-07-09 --until 2026-07-15" "--since 2026-06-16 --until 2026-07-15"; do
    for compare in none previous; do
      out=$(mktemp)
      # shellcheck disable=SC2086
      valgrind --tool=callgrind --callgrind-out-file="$out" "$BIN" report --archive "$ARCHIVE" \
        $window --compare "$compare" --format json -o /dev/null 2>&1 |
        grep -E "Collected" | sed "s|^|$window --compare $compare: |"
      rm -f "$out"
    done
  done
fi
