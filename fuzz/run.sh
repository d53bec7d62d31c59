#!/usr/bin/env bash
# Fuzzes one target with overflow checks on (-a), starting from the
# committed corpus, and prints how coverage grew minute by minute, which is
# what tells a plateau from a run stopped too early.
#
#   fuzz/run.sh TARGET SECONDS [libFuzzer flags…]
#
# New inputs and crashers go to $FUZZ_WORK/TARGET (default
# /tmp/lore-digest-fuzz); fold the new inputs into corpus/TARGET with
# fuzz/merge.sh, and copy crashers to regressions/TARGET.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?target}
seconds=${2:?seconds}
shift 2
work=${FUZZ_WORK:-/tmp/lore-digest-fuzz}/$target
mkdir -p "$work/found" "$work/artifacts"
log=$work/log.txt
# Built first, so that the minutes below count fuzzing only.
cargo +nightly fuzz build -O -a "$target"
start=$(printf '%(%s)T' -1)
status=0
cargo +nightly fuzz run -O -a "$target" "$work/found" "corpus/$target" -- \
  -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@" 2>&1 |
  while IFS= read -r line; do
    printf '%d %s\n' "$(($(printf '%(%s)T' -1) - start))" "$line"
  done >"$log" || status=$?

# The last coverage line of each minute: elapsed, runs, edges, features.
awk '$2 ~ /^#[0-9]+$/ && $0 ~ / cov: / {
       minute = int($1 / 60)
       for (i = 3; i <= NF; i++) { if ($i == "cov:") cov = $(i+1); if ($i == "ft:") ft = $(i+1) }
       runs[minute] = substr($2, 2); edges[minute] = cov; features[minute] = ft
       if (minute > last) last = minute
     }
     END {
       printf "%6s %12s %8s %9s\n", "minute", "runs", "edges", "features"
       for (m = 0; m <= last; m++) if (m in runs)
         printf "%6d %12d %8d %9d\n", m, runs[m], edges[m], features[m]
     }' "$log"
grep -E 'stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs' "$log" | cut -d' ' -f2- || true
ls "$work/artifacts" | sed 's/^/artifact: /'
exit "$status"
