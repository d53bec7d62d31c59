#!/usr/bin/env bash
# Benchmark the upstream-tree index (lore_digest::upstream) on a synthetic
# tree: build the index of COMMITS commits, then match the patch ids of
# WANTED posted patches (git format-patch mails of commits spread over the
# history) and as many altered copies of half of them against it.
#
#   bench/tree_index.sh [COMMITS] [WANTED]
#
# COMMITS defaults to 100000, WANTED to 1000. The tree has 10,000 small
# files in 20 × 50 directories (sub*/dir*/file*.c); each commit changes one
# line in one to three files and has a kernel-like message with a Link:
# trailer. It is written by one `git fast-import` into a temporary
# directory, removed at the end (KEEP=1 keeps it and prints where).
# Environment knobs:
#   NO_BUILD=1    use the existing release example binary without building
#   GIT_BASELINE=1  also time `git log --format=%B` (the floor for reading
#                 every commit message) and `git log -p | git patch-id
#                 --stable` (patch ids of every commit, git's way)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COMMITS=${1:-100000}
WANTED=${2:-1000}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET_DIR/release/examples/tree_index

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lore-digest-tree.XXXXXX")
if [[ ${KEEP:-0} == 1 ]]; then
    echo "keeping $WORK" >&2
else
    trap 'rm -rf "$WORK"' EXIT
fi
say() { printf '%s\n' "$*" >&2; }
seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.2f", b - a }'; }

if [[ ${NO_BUILD:-0} != 1 ]]; then
    say "building the example (release)…"
    (cd "$ROOT" && nice cargo build --quiet --release -p lore-digest --example tree_index)
fi

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
TREE=$WORK/tree.git
git init --quiet --bare --initial-branch=master "$TREE"

say "writing $COMMITS commits with git fast-import…"
start=$(seconds)
python3 - "$COMMITS" <<'PY' | git -C "$TREE" fast-import --quiet --done --date-format=raw
import random, sys

commits = int(sys.argv[1])
rng = random.Random(13)
out = sys.stdout.buffer
files = {}
for s in range(20):
    for d in range(50):
        for f in range(10):
            path = f"sub{s}/dir{d}/file{f}.c"
            files[path] = [f"int {path.replace('/', '_')[:-2]}_{i} = {i};\n" for i in range(12)]
paths = list(files)

def data(text):
    raw = text.encode()
    out.write(b"data %d\n" % len(raw))
    out.write(raw)
    out.write(b"\n")

t = 1_600_000_000
out.write(b"commit refs/heads/master\n")
out.write(b"author Dev 0 <dev0@example.org> %d +0000\n" % t)
out.write(b"committer Maint Ainer <maint@kernel.example> %d +0000\n" % t)
data("tree: import\n")
for path in paths:
    out.write(f"M 100644 inline {path}\n".encode())
    data("".join(files[path]))
for n in range(1, commits):
    t += 60
    dev = rng.randrange(100)
    changed = rng.sample(paths, rng.choice((1, 1, 1, 2, 3)))
    sub = changed[0].rsplit("/", 1)[0]
    message = (
        f"{sub}: change {n}\n\n"
        f"Explain change {n} in a few words, as a commit message does,\n"
        f"over two lines.\n\n"
        f"Signed-off-by: Dev {dev} <dev{dev}@example.org>\n"
        f"Link: https://lore.kernel.org/r/{t}.{n}-1-dev{dev}@example.org\n"
    )
    out.write(b"commit refs/heads/master\n")
    out.write(b"author Dev %d <dev%d@example.org> %d +0000\n" % (dev, dev, t - 3600))
    out.write(b"committer Maint Ainer <maint@kernel.example> %d +0000\n" % t)
    data(message)
    for path in changed:
        lines = files[path]
        lines[rng.randrange(len(lines))] = f"int changed_{n} = {rng.randrange(10**6)};\n"
        out.write(f"M 100644 inline {path}\n".encode())
        data("".join(lines))
out.write(b"done\n")
PY
say "  $(elapsed "$start") s"
start=$(seconds)
git -C "$TREE" repack -adq
say "  repacked in $(elapsed "$start") s"
say "  packed: $(du -sh "$TREE" | cut -f1)"

say "writing $WANTED mails of commits spread over the history…"
STEP=$(( COMMITS / WANTED ))
(( STEP >= 1 )) || STEP=1
git -C "$TREE" rev-list master | awk -v step="$STEP" -v n="$WANTED" 'NR % step == 1 && c++ < n' >"$WORK/wanted.txt"
# shellcheck disable=SC2046
git -C "$TREE" format-patch --stdout --no-walk $(cat "$WORK/wanted.txt") >"$WORK/wanted.mbox"
say "  $(grep -c '^From [0-9a-f]\{40\} ' "$WORK/wanted.mbox") mails"

echo "== lore-digest upstream index: $COMMITS commits, $WANTED wanted patches"
"$BIN" "$TREE" "$WORK/wanted.mbox"

if [[ ${GIT_BASELINE:-0} == 1 ]]; then
    echo "== git baselines"
    start=$(seconds)
    git -C "$TREE" log --format=%B master >/dev/null
    echo "git log --format=%B                     $(elapsed "$start") s"
    start=$(seconds)
    git -C "$TREE" log -p --format='commit %H' master | git patch-id --stable >/dev/null
    echo "git log -p | git patch-id --stable      $(elapsed "$start") s"
fi
