#!/usr/bin/env bash
# Benchmark lore-digest against the floor (git cat-file reading the same blobs)
# and a plain-Python reference (bench/py_digest.py), side by side.
#
#   bench/run.sh [ARCHIVE]
#
# ARCHIVE defaults to ../shared/corpus/linux-hyperv.git relative to the repo root.
# Environment knobs:
#   RUNS=5        timed runs per command (median reported)
#   RANGE=master  revision range given to all three commands
#   SKIP_RUST=1   do not build/time lore-digest (e.g. before it exists)
#   NO_BUILD=1    time the existing $CARGO_TARGET_DIR/release/lore-digest without building
#   SKIP_PY=1     do not time the Python reference (it takes ~45 s a run)
#   NO_HYPERFINE=1  use the bash timing loop even if hyperfine is installed
#   SKIP_WINDOWS=1  leave out the table of windows (newest 100, 1,000, 10,000, all)
#   SKIP_LISTS=1  leave out the report of the archive read as two lists
#   SKIP_READERS=1  time only the default reader, not also LORE_DIGEST_READER=commit and =pack
#
# Timing uses hyperfine when installed, otherwise a bash loop around
# `date +%s.%N`. Peak RSS comes from GNU `/usr/bin/time -v` (package `time`);
# without it the RSS column says n/a. Exit status: 0 when everything asked for
# ran, 3 when lore-digest could not be built or failed (the rest still runs).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ARCHIVE=${1:-$ROOT/../shared/corpus/linux-hyperv.git}
if [[ ! -d $ARCHIVE ]]; then
    echo "error: archive not found: $ARCHIVE" >&2
    exit 1
fi
ARCHIVE=$(cd "$ARCHIVE" && pwd)
RUNS=${RUNS:-5}
RANGE=${RANGE:-master}
SKIP_RUST=${SKIP_RUST:-0}
SKIP_PY=${SKIP_PY:-0}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET_DIR/release/lore-digest

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lore-digest-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

status=0
say() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools
HAVE_TIME=0
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
    HAVE_TIME=1
else
    say "note: GNU /usr/bin/time not found: peak RSS will be n/a (apt-get install -y time)"
fi
HAVE_HYPERFINE=0
if [[ ${NO_HYPERFINE:-0} != 1 ]] && command -v hyperfine >/dev/null 2>&1; then
    HAVE_HYPERFINE=1
fi

# ---------------------------------------------------------------- build
if [[ $SKIP_RUST != 1 && ${NO_BUILD:-0} == 1 && ! -x $BIN ]]; then
    say "warning: NO_BUILD=1 but $BIN does not exist: lore-digest will be skipped"
    SKIP_RUST=1
    status=3
elif [[ $SKIP_RUST != 1 && ${NO_BUILD:-0} != 1 ]]; then
    say "== cargo build --release -p lore-digest-cli"
    if ! (cd "$ROOT" && cargo build --release -p lore-digest-cli); then
        say "warning: build failed: lore-digest will be skipped"
        SKIP_RUST=1
        status=3
    elif [[ ! -x $BIN ]]; then
        say "warning: $BIN not found after build: lore-digest will be skipped"
        SKIP_RUST=1
        status=3
    fi
fi

# ---------------------------------------------------------------- blob list (untimed)
say "== listing m blobs of $RANGE in $ARCHIVE"
IDS=$WORK/blob-ids
git --git-dir="$ARCHIVE" rev-list "$RANGE" -- \
    | sed 's/$/:m/' \
    | git --git-dir="$ARCHIVE" cat-file --batch-check \
    | awk '$2 == "blob" { print $1 }' >"$IDS"
NBLOBS=$(wc -l <"$IDS")
NCOMMITS=$(git --git-dir="$ARCHIVE" rev-list --count "$RANGE" --)
say "   $NCOMMITS commits, $NBLOBS m blobs"
# warm the page cache so the first timed command is not penalised
git --git-dir="$ARCHIVE" cat-file --batch <"$IDS" >/dev/null

# ---------------------------------------------------------------- commands
# name | shell command (run with bash -c; stdout of each goes to /dev/null)
q() { printf '%q' "$1"; }
NAMES=()
CMDS=()
if [[ $SKIP_RUST != 1 ]]; then
    NAMES+=("lore-digest report")
    CMDS+=("$(q "$BIN") report --archive $(q "$ARCHIVE") --range $(q "$RANGE") --format json")
    # Both readers forced (README, "Speed"): commit by commit, and in pack order.
    if [[ ${SKIP_READERS:-0} != 1 ]]; then
        for reader in commit pack; do
            NAMES+=("report, $reader order")
            CMDS+=("env LORE_DIGEST_READER=$reader $(q "$BIN") report --archive $(q "$ARCHIVE") --range $(q "$RANGE") --format json")
        done
    fi
    # Two lists vs one (README, "Many lists in one report"): the archive read
    # as two lists that both got every mail, the worst case (all of it
    # twice, all of it cross-posted); a window, since a range names one
    # archive's commits. SKIP_LISTS=1 leaves it out.
    if [[ ${SKIP_LISTS:-0} != 1 ]]; then
        NAMES+=("report, two lists")
        CMDS+=("$(q "$BIN") report --archive a=$(q "$ARCHIVE") --archive b=$(q "$ARCHIVE") --since 1970-01-01 --compare none --format json")
    fi
fi
NAMES+=("git cat-file --batch")
CMDS+=("git --git-dir=$(q "$ARCHIVE") cat-file --batch < $(q "$IDS")")
# The decompression floor: every object of the packs in pack order, each
# delta base inflated once (commits and trees too, which the report also reads).
NAMES+=("cat-file --unordered")
CMDS+=("git --git-dir=$(q "$ARCHIVE") cat-file --batch-all-objects --unordered --batch")
if [[ $SKIP_PY != 1 ]]; then
    NAMES+=("python3 py_digest.py")
    CMDS+=("python3 $(q "$ROOT/bench/py_digest.py") --archive $(q "$ARCHIVE") --range $(q "$RANGE")")
fi

# one untimed check run each: must succeed, output kept for comparison
for i in "${!CMDS[@]}"; do
    if ! bash -c "${CMDS[$i]}" >"$WORK/out.$i" 2>"$WORK/err.$i"; then
        say "warning: '${NAMES[$i]}' failed:"
        sed 's/^/   /' "$WORK/err.$i" | tail -n 20 >&2
        if [[ ${NAMES[$i]} == "lore-digest report" ]]; then
            status=3
            NAMES[i]=""
        else
            exit 1
        fi
    fi
done
# drop failed commands
N2=() C2=() O2=()
for i in "${!CMDS[@]}"; do
    if [[ -n ${NAMES[$i]} ]]; then N2+=("${NAMES[$i]}"); C2+=("${CMDS[$i]}"); O2+=("$WORK/out.$i"); fi
done
NAMES=("${N2[@]}") CMDS=("${C2[@]}") OUTS=("${O2[@]}")

# ---------------------------------------------------------------- timing
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
    if (NR % 2) printf "%.3f\n", a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

declare -A MED RSS ANON
for i in "${!CMDS[@]}"; do
    name=${NAMES[$i]} cmd=${CMDS[$i]}
    say "== timing: $name ($RUNS runs)"
    if [[ $HAVE_HYPERFINE == 1 ]]; then
        hyperfine --runs "$RUNS" --warmup 0 --shell bash --style basic \
            --export-json "$WORK/hf.$i.json" "$cmd > /dev/null" >&2
        MED[$name]=$(python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$WORK/hf.$i.json")
    else
        : >"$WORK/times.$i"
        for ((r = 1; r <= RUNS; r++)); do
            t0=$(date +%s.%N)
            bash -c "$cmd" >/dev/null
            t1=$(date +%s.%N)
            t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
            say "   run $r: ${t}s"
            echo "$t" >>"$WORK/times.$i"
        done
        MED[$name]=$(median <"$WORK/times.$i")
    fi
    # peak RSS: one more run under GNU time (max RSS of the biggest single
    # process in the tree that was waited for, not a sum)
    if [[ $HAVE_TIME == 1 ]]; then
        /usr/bin/time -v -o "$WORK/time.$i" bash -c "exec $cmd" >/dev/null
        kb=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$WORK/time.$i")
        RSS[$name]=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
    else
        RSS[$name]="n/a"
    fi
    # peak RssAnon (heap, stacks; not the mapped packs), sampled from /proc
    # by bench/peak_memory.py
    kib=$(python3 "$ROOT/bench/peak_memory.py" -- bash -c "exec $cmd" 2>/dev/null \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["rss_anon_peak_kib"])' 2>/dev/null || echo "")
    ANON[$name]=$(awk -v k="$kib" 'BEGIN { if (k == "") print "n/a"; else printf "%.1f", k / 1024 }')
done

# ---------------------------------------------------------------- table
base=${MED["git cat-file --batch"]}
echo
echo "archive: $ARCHIVE   range: $RANGE   commits: $NCOMMITS   m blobs: $NBLOBS   runs: $RUNS   timer: $([[ $HAVE_HYPERFINE == 1 ]] && echo hyperfine || echo bash-loop)"
printf '%-24s %12s %14s %14s %14s\n' "command" "median s" "x cat-file" "peak RSS MiB" "RssAnon MiB"
printf '%-24s %12s %14s %14s %14s\n' "------------------------" "--------" "----------" "------------" "-----------"
for i in "${!CMDS[@]}"; do
    name=${NAMES[$i]}
    ratio=$(awk -v a="${MED[$name]}" -v b="$base" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    printf '%-24s %12s %14s %14s %14s\n' "$name" "${MED[$name]}" "$ratio" "${RSS[$name]}" "${ANON[$name]}"
done
echo "(peak RSS = largest single process of the command's tree, e.g. py_digest.py's git cat-file child)"
rust=${MED["lore-digest report"]:-}
py=${MED["python3 py_digest.py"]:-}
if [[ -n $rust && -n $base ]]; then
    awk -v r="$rust" -v b="$base" 'BEGIN { if (b > 0) printf "lore-digest / git cat-file: %.2f (issue 5 target: at most 0.5)\n", r / b }'
fi
if [[ -n $rust && -n $py ]]; then
    awk -v r="$rust" -v p="$py" 'BEGIN { if (r > 0) printf "Python / lore-digest: %.1fx faster (issue 5 target: at least 50x)\n", p / r }'
fi

# ---------------------------------------------------------------- windows
# The newest N commits, each as a range report, with --lookback none and all
# (the lookback index is cached after the first run): cost should grow with N,
# not with the archive.
if [[ $SKIP_RUST != 1 && ${SKIP_WINDOWS:-0} != 1 && -x $BIN ]]; then
    echo
    echo "windows of the newest N commits (median of $RUNS, bash loop; peak RSS from /usr/bin/time -v)"
    printf '%-10s %-16s %-8s %12s %14s
' "N" "lookback" "reader" "median s" "peak RSS MiB"
    combos=("none auto" "all auto")
    if [[ ${SKIP_READERS:-0} != 1 ]]; then combos+=("none commit" "none pack"); fi
    for n in 100 1000 10000 all; do
        if [[ $n == all ]]; then range=$RANGE; else
            (( n < NCOMMITS )) || continue
            range="HEAD~$n..HEAD"
        fi
        for combo in "${combos[@]}"; do
            read -r lookback reader <<<"$combo"
            times=()
            for _ in $(seq "$RUNS"); do
                t0=$(date +%s.%N)
                LORE_DIGEST_READER=$reader "$BIN" report --archive "$ARCHIVE" --range "$range" --format json --lookback "$lookback" >/dev/null 2>&1 || status=3
                t1=$(date +%s.%N)
                times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
            done
            med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
            rss=n/a
            if [[ $HAVE_TIME == 1 ]]; then
                kb=$( { LORE_DIGEST_READER=$reader /usr/bin/time -v "$BIN" report --archive "$ARCHIVE" --range "$range" --format json --lookback "$lookback" >/dev/null; } 2>&1 | awk -F: '/Maximum resident/ { gsub(/ /, "", $2); print $2 }')
                rss=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
            fi
            printf '%-10s %-16s %-8s %12s %14s\n' "$n" "$lookback" "$reader" "$med" "$rss"
        done
    done
fi

# ---------------------------------------------------------------- agreement (best effort)
rust_out="" py_out=""
for i in "${!CMDS[@]}"; do
    case ${NAMES[$i]} in
    "lore-digest report") rust_out=${OUTS[$i]} ;;
    "python3 py_digest.py") py_out=${OUTS[$i]} ;;
    esac
done
if [[ -n $rust_out && -n $py_out ]]; then
    echo
    python3 - "$rust_out" "$py_out" <<'EOF' || true
import json, sys
keys = ["messages", "missing", "replies", "patches", "cover_letters", "pull_requests"]
def find(o, k):
    if isinstance(o, dict):
        if k in o and not isinstance(o[k], (dict, list)):
            return o[k]
        for v in o.values():
            r = find(v, k)
            if r is not None:
                return r
    elif isinstance(o, list):
        for v in o:
            r = find(v, k)
            if r is not None:
                return r
    return None
try:
    rust = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"agreement: lore-digest output is not JSON ({e})"); sys.exit(0)
py = json.load(open(sys.argv[2]))
rows = [(k, find(rust, k), py[k]) for k in keys]
bad = [r for r in rows if r[1] is not None and r[1] != r[2]]
print("agreement with py_digest.py: " + ", ".join(
    f"{k} {'?' if r is None else r}/{p}" for k, r, p in rows) + ("  MISMATCH" if bad else "  ok"))
EOF
fi
exit "$status"
