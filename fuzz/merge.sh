#!/usr/bin/env bash
# Folds what fuzz/run.sh found into the committed corpus of a target: a
# libFuzzer set-cover merge of the committed corpus and the new inputs, by
# edges alone (-use_counters=0 -use_value_profile=0), so the corpus keeps
# every edge any input reached with a few hundred small files instead of
# thousands (a merge by libFuzzer's finer features keeps about four times
# as many). The seeds written by hand (every file whose name is not a
# 40-digit hash) stay as they are.
#
#   fuzz/merge.sh TARGET
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?target}
found=${FUZZ_WORK:-/tmp/lore-digest-fuzz}/$target/found
mkdir -p "$found"
cover=$(mktemp -d)
trap 'rm -rf "$cover"' EXIT
cargo +nightly fuzz build -O -a "$target"
binary=target/x86_64-unknown-linux-gnu/release/$target
flags=(-max_len=65536 -timeout=10 -rss_limit_mb=2048)
"$binary" -merge=1 -use_counters=0 -use_value_profile=0 "${flags[@]}" \
  "$cover" "corpus/$target" "$found" 2>&1 | grep -E '^MERGE-OUTER: [0-9]+ new files' || true
find "corpus/$target" -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -delete
cp "$cover"/* "corpus/$target/"
"$binary" -runs=0 "${flags[@]}" "corpus/$target" 2>&1 | grep -E 'INITED' || true
echo "$target: $(ls "corpus/$target" | wc -l) files, $(du -sb "corpus/$target" | cut -f1) bytes"
