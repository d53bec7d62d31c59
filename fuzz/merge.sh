#!/usr/bin/env bash
# Folds what fuzz/run.sh found into the committed corpus of a target: a
# libFuzzer set-cover merge of the committed corpus and the new inputs, by
# edges alone (-use_counters=0 -use_value_profile=0), so the corpus keeps
# every edge any input reached with 300 to 1,700 small files
# instead of thousands (a merge by libFuzzer's finer features keeps about
# four times as many). The seeds written by hand (every file whose name is
# not a 40-digit hash) stay as they are and are not copied again.
#
#   fuzz/merge.sh TARGET
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?target}
found=${FUZZ_WORK:-/tmp/lore-digest-fuzz}/$target/found
mkdir -p "$found"
cover=$(mktemp -d)
trap 'rm -rf "$cover" "$cover.log"' EXIT
cargo +nightly fuzz build -O -a "$target"
host=$(rustc +nightly -vV | sed -n 's/^host: //p')
binary=target/$host/release/$target
flags=(-max_len=65536 -timeout=10 -rss_limit_mb=2048)
is_hash='^[0-9a-f]{40}$'
# The seeds go in first: the merge keeps what is in its first directory and
# adds only inputs that reach edges the seeds do not.
for file in "corpus/$target"/*; do
  if ! [[ $(basename "$file") =~ $is_hash ]]; then cp "$file" "$cover/"; fi
done
seeds=$(ls "$cover" | wc -l)
"$binary" -merge=1 -use_counters=0 -use_value_profile=0 "${flags[@]}" \
  "$cover" "corpus/$target" "$found" >"$cover.log" 2>&1 ||
  { tail -n 20 "$cover.log"; echo "merge failed: corpus/$target left as it was" >&2; exit 1; }
grep -E '^MERGE-OUTER: [0-9]+ new files' "$cover.log" || true
rm -f "$cover.log"
if (($(ls "$cover" | wc -l) <= seeds)); then
  echo "the merge kept nothing beyond the seeds: corpus/$target left as it was" >&2
  exit 1
fi
# Only now is the old cover replaced.
find "corpus/$target" -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -delete
for file in "$cover"/*; do
  if [[ $(basename "$file") =~ $is_hash ]]; then cp "$file" "corpus/$target/"; fi
done
"$binary" -runs=0 "${flags[@]}" "corpus/$target" 2>&1 | grep -E 'INITED' || true
echo "$target: $(ls "corpus/$target" | wc -l) files, $(du -sb "corpus/$target" | cut -f1) bytes"
