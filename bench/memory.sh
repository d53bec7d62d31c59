#!/usr/bin/env bash
# Peak memory of lore-digest at scale: the whole-history report (JSON and
# text) and export of the shared archive and of a synthetic inbox several
# times its size, and a 7-day window on the big inbox.
#
#   bench/memory.sh [SYNTHETIC_INBOX]
#
# SYNTHETIC_INBOX defaults to /tmp/lore-digest-synthetic-250k; when it does
# not exist it is written first by bench/synthetic_inbox.py (250,000 mails
# over 3 epochs, seed 1: ~25 minutes on 2 busy cores, 834 MiB on disk). It is
# never put in the repository.
#
# Each command runs under bench/peak_memory.py, which samples RssAnon in
# /proc/PID/status every 5 ms (the kernel keeps no peak of anonymous memory
# alone) and reads VmHWM / ru_maxrss, the peak of all resident memory,
# mapped packs included. The table gives peak RssAnon, RssFile at that
# moment, peak RSS and wall time, each the median of RUNS runs.
#
# Environment knobs:
#   RUNS=3          runs per command (median reported)
#   HYPERV=PATH     the shared archive (default ../shared/corpus/linux-hyperv.git)
#   NO_BUILD=1      measure the existing release binary without building
#   LORE_DIGEST=PATH  measure that binary instead (implies NO_BUILD=1), e.g.
#                   a copy of an older build to compare against
#   WEEK_SINCE=2025-03-03 WEEK_UNTIL=2025-03-09   the 7-day window (inclusive days)
#   MAILS=250000    mails of the synthetic inbox, when it is written
# Exit status: 0 when every command succeeded, 1 otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SYNTH=${1:-/tmp/lore-digest-synthetic-250k}
HYPERV=${HYPERV:-$ROOT/../shared/corpus/linux-hyperv.git}
RUNS=${RUNS:-3}
WEEK_SINCE=${WEEK_SINCE:-2025-03-03}
WEEK_UNTIL=${WEEK_UNTIL:-2025-03-09}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=${LORE_DIGEST:-$TARGET_DIR/release/lore-digest}
say() { printf '%s\n' "$*" >&2; }

if [[ ${NO_BUILD:-0} != 1 && -z ${LORE_DIGEST:-} ]]; then
    say "== cargo build --release --workspace"
    (cd "$ROOT" && cargo build --release --workspace)
fi
[[ -x $BIN ]] || { say "error: $BIN not found"; exit 1; }
if [[ ! -d $SYNTH ]]; then
    say "== writing the synthetic inbox $SYNTH (${MAILS:-250000} mails)"
    python3 "$ROOT/bench/synthetic_inbox.py" "$SYNTH" --mails "${MAILS:-250000}" >&2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lore-digest-memory.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# The lookback cache of the window runs lives here, so "cold" is cold.
export XDG_CACHE_HOME=$WORK/cache

mails() { git --git-dir="$1" rev-list --count master; }
count_inbox() {
    local n=0 e
    for e in "$1"/git/*.git; do n=$((n + $(mails "$e"))); done
    echo "$n"
}
say "== archives"
NH=$(mails "$HYPERV")
NS=$(count_inbox "$SYNTH")
say "   $HYPERV: $NH commits"
say "   $SYNTH: $NS commits in $(ls -d "$SYNTH"/git/*.git | wc -l) epochs"

# name | archive label | command (an array in a string, eval'd)
ROWS=()
add() { ROWS+=("$1"$'\t'"$2"$'\t'"$3"); }
q() { printf '%q' "$1"; }
H=$(q "$HYPERV") S=$(q "$SYNTH") B=$(q "$BIN")
add "report --range master --format json" "linux-hyperv ($NH)" "$B report --archive $H --range master --format json"
add "report --range master --format text" "linux-hyperv ($NH)" "$B report --archive $H --range master --format text"
add "export --range master" "linux-hyperv ($NH)" "$B export --archive $H --range master"
add "report --range master --format json" "synthetic ($NS)" "$B report --archive $S --range master --format json"
add "report --range master --format text" "synthetic ($NS)" "$B report --archive $S --range master --format text"
add "export --range master" "synthetic ($NS)" "$B export --archive $S --range master"
add "7 days, --lookback none, json" "synthetic ($NS)" "$B report --archive $S --since $WEEK_SINCE --until $WEEK_UNTIL --lookback none --format json"
add "7 days, first run (writes the lookback cache), json" "synthetic ($NS)" "rm -rf $(q "$XDG_CACHE_HOME"); $B report --archive $S --since $WEEK_SINCE --until $WEEK_UNTIL --format json"
add "7 days, lookback cached, json" "synthetic ($NS)" "$B report --archive $S --since $WEEK_SINCE --until $WEEK_UNTIL --format json"
add "7 days, lookback cached, text" "synthetic ($NS)" "$B report --archive $S --since $WEEK_SINCE --until $WEEK_UNTIL --format text"

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
status=0
printf '| command | archive (mails) | selected mails | peak RssAnon | RssFile then | peak RSS (VmHWM) | wall |\n'
printf '|---|---|---:|---:|---:|---:|---:|\n'
for row in "${ROWS[@]}"; do
    IFS=$'\t' read -r name archive cmd <<<"$row"
    say "== $name on $archive"
    : >"$WORK/runs"
    selected=${last_selected:-?}
    for ((r = 1; r <= RUNS; r++)); do
        # The cache removal of the cold row is part of the command; only the
        # lore-digest process is measured.
        pre=${cmd%%; *}
        run=$cmd
        if [[ $pre != "$cmd" ]]; then
            eval "$pre"
            run=${cmd#*; }
        fi
        if ! eval "python3 $(q "$ROOT/bench/peak_memory.py") --stdout $(q "$WORK/out") -- $run" \
            >"$WORK/one" 2>"$WORK/err"; then
            say "   failed: $(tail -n 3 "$WORK/err")"
            status=1
            continue
        fi
        cat "$WORK/one" >>"$WORK/runs"
        say "   run $r: $(cat "$WORK/one")"
        if [[ $name == report*json* || $name == 7\ days*json* ]]; then
            selected=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["stats"]; print(s["messages"] + s["missing"])' "$WORK/out")
        elif [[ $name == export* ]]; then
            selected=$(wc -l <"$WORK/out")
        fi
    done
    last_selected=$selected
    [[ -s $WORK/runs ]] || continue
    field() { python3 -c 'import json,sys; [print(json.loads(l)[sys.argv[1]]) for l in open(sys.argv[2])]' "$1" "$WORK/runs" | median; }
    mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }
    printf '| `%s` | %s | %s | %s | %s | %s | %.2f s |\n' "$name" "$archive" "$selected" \
        "$(mib "$(field rss_anon_peak_kib)")" "$(mib "$(field rss_file_at_anon_peak_kib)")" \
        "$(mib "$(field vm_hwm_kib)")" "$(field seconds)"
done
exit $status
