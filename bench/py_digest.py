#!/usr/bin/env python3
"""Reference implementation of lore-digest's report statistics (stdlib only).

Usage:
    python3 bench/py_digest.py --archive PATH --range A..B
    python3 bench/py_digest.py --archive PATH --range B          # all history up to B
    python3 bench/py_digest.py ... --per-mail FILE                # also write one TSV line per commit

It runs `git rev-list` once and `git cat-file --batch` once (fed `<commit>:m`
for every selected commit) and parses each mail with the `email` package.
Prints one JSON object (see RULES below) on stdout.

RULES (the same ones the Rust tool follows):
  selection  commits of `git rev-list RANGE`; `missing` = selected commits whose
             tree has no `m` entry; `messages` = the rest (mails read).
  subject    RFC 2047-decoded, unfolded, whitespace runs -> one space, trimmed.
  reply      subject matches REPLY_RE (case-insensitive).
  pull req.  not a reply, and one of the leading [bracketed] groups contains the
             tokens GIT PULL.
  patch      not a reply, not a pull request, and one of the leading bracketed
             groups has a whitespace token starting with PATCH (case-insensitive);
             in the first such group a token N/M gives index N, total M.
             index 0 -> cover letter, else (incl. no N/M) -> patch.
  author     in-body `From:` line at the start of the first text/plain part
             (after optional blank lines) if it has an address, else header From.
             Lowercased; domain = after the last '@'. No address -> not counted.
"""

from __future__ import annotations

import argparse
import email
import email.header
import email.policy
import email.utils
import json
import re
import subprocess
import sys
import threading
from collections import Counter

REPLY_RE = re.compile(
    r"^\s*(re|fwd|fw|aw|antw|sv|vs|wg|tr|odp|ref)\s*(\[\d+\]|\(\d+\))?\s*:",
    re.IGNORECASE,
)
NM_RE = re.compile(r"^(\d+)/(\d+)$")

POLICY = email.policy.default


# --------------------------------------------------------------------------- git


def rev_list(archive: str, rng: str) -> list[str]:
    out = subprocess.run(
        ["git", "--git-dir", archive, "rev-list", rng, "--"],
        check=True,
        stdout=subprocess.PIPE,
    ).stdout
    return out.decode("ascii").split()


def stream_blobs(archive: str, commits: list[str]):
    """Yield (commit, bytes-or-None) for each commit, in order, using ONE
    `git cat-file --batch` process fed `<commit>:m`.  None means no `m` entry."""
    proc = subprocess.Popen(
        ["git", "--git-dir", archive, "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        bufsize=1 << 20,
    )

    def feed():
        try:
            for c in commits:
                proc.stdin.write(f"{c}:m\n".encode("ascii"))
            proc.stdin.close()
        except BrokenPipeError:
            pass

    t = threading.Thread(target=feed, daemon=True)
    t.start()
    out = proc.stdout
    for c in commits:
        header = out.readline()
        if not header:
            raise RuntimeError("git cat-file --batch ended early")
        parts = header.split()
        if len(parts) == 2 and parts[1] == b"missing":
            yield c, None
            continue
        if len(parts) != 3:
            raise RuntimeError(f"unexpected cat-file header: {header!r}")
        size = int(parts[2])
        data = out.read(size)
        out.read(1)  # trailing LF
        if parts[1] != b"blob":
            # `m` exists but is not a blob: treat as missing mail
            yield c, None
            continue
        yield c, data
    t.join()
    proc.stdout.close()
    if proc.wait() != 0:
        raise RuntimeError("git cat-file --batch failed")


# ----------------------------------------------------------------- classification


def normalize_ws(s: str) -> str:
    # str.split() with no argument splits on runs of Unicode whitespace and
    # drops leading/trailing whitespace.
    return " ".join(s.split())


def decode_subject(msg) -> str:
    try:
        v = msg["subject"]
        if v is None:
            return ""
        return normalize_ws(str(v))
    except Exception:
        # fall back to the legacy decoder
        raw = None
        for name, value in msg._headers:  # raw stored (name, value) pairs
            if name.lower() == "subject":
                raw = str(value)
                break
        if raw is None:
            return ""
        try:
            h = email.header.make_header(email.header.decode_header(raw))
            return normalize_ws(str(h))
        except Exception:
            return normalize_ws(str(raw))


def leading_groups(subject: str) -> list[str]:
    """Contents of the bracketed groups at the very start of the subject."""
    groups = []
    i, n = 0, len(subject)
    while True:
        while i < n and subject[i].isspace():
            i += 1
        if i >= n or subject[i] != "[":
            break
        j = subject.find("]", i + 1)
        if j < 0:
            break
        groups.append(subject[i + 1 : j])
        i = j + 1
    return groups


def is_pull_group(g: str) -> bool:
    toks = [t.upper() for t in g.split()]
    return any(a == "GIT" and b == "PULL" for a, b in zip(toks, toks[1:]))


def classify(subject: str):
    """Return (kind, index, total); kind in reply|pull|cover|patch|other."""
    if REPLY_RE.match(subject):
        return "reply", None, None
    groups = leading_groups(subject)
    if any(is_pull_group(g) for g in groups):
        return "pull", None, None
    for g in groups:
        toks = g.split()
        if any(t.upper().startswith("PATCH") for t in toks):
            for t in toks:
                m = NM_RE.match(t)
                if m:
                    idx, tot = int(m.group(1)), int(m.group(2))
                    return ("cover" if idx == 0 else "patch"), idx, tot
            return "patch", None, None
    return "other", None, None


# ------------------------------------------------------------------------ author


def _valid_addr(addr: str | None) -> str | None:
    if not addr:
        return None
    addr = addr.strip().lower()
    local, at, domain = addr.rpartition("@")
    if not at or not local or not domain:
        return None
    return addr


def header_from(msg) -> str | None:
    try:
        h = msg["from"]
        if h is not None:
            addrs = getattr(h, "addresses", ())
            for a in addrs:
                v = _valid_addr(a.addr_spec)
                if v:
                    return v
    except Exception:
        pass
    # lenient fallback on the raw header text
    try:
        raws = msg._headers  # list of (name, value) as stored
        for name, value in raws:
            if name.lower() == "from":
                _, addr = email.utils.parseaddr(str(value))
                return _valid_addr(addr)
    except Exception:
        pass
    return None


def first_text_plain(msg):
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_content_type() == "text/plain":
            return part
    return None


def part_text(part) -> str:
    payload = part.get_payload(decode=True)  # undoes QP / base64
    if payload is None:
        return ""
    if isinstance(payload, str):
        return payload
    cs = (part.get_content_charset() or "utf-8").lower()
    if cs in ("us-ascii", "ascii", "unknown-8bit", "x-unknown"):
        cs = "utf-8"
    try:
        return payload.decode(cs, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def inbody_from(msg) -> str | None:
    part = first_text_plain(msg)
    if part is None:
        return None
    text = part_text(part)
    for line in text.splitlines():
        if line.strip() == "":
            continue  # optional leading blank lines
        if line[:5].lower() == "from:":
            value = line[5:].strip()
            try:
                # the value may itself carry RFC 2047 encoded words
                value = str(email.header.make_header(email.header.decode_header(value)))
            except Exception:
                pass
            _, addr = email.utils.parseaddr(value)
            return _valid_addr(addr)
        return None
    return None


# -------------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--archive", required=True, help="public-inbox git repo (bare or not)")
    ap.add_argument("--range", required=True, dest="rng", help="A..B or B")
    ap.add_argument("--per-mail", metavar="FILE", help="write one TSV line per selected commit")
    ap.add_argument(
        "--inbody-from",
        choices=("always", "non-replies"),
        default="always",
        help="apply the in-body From rule to every mail (the rule, default) or only to "
        "non-replies (experiment: Outlook-style replies quote 'From: X <addr> Sent: ...')",
    )
    args = ap.parse_args(argv)

    commits = rev_list(args.archive, args.rng)
    stats = Counter()
    domains = Counter()
    contributors = Counter()
    dump = open(args.per_mail, "w", encoding="utf-8") if args.per_mail else None

    for commit, raw in stream_blobs(args.archive, commits):
        if raw is None:
            stats["missing"] += 1
            if dump:
                dump.write(f"{commit}\tmissing\t\t\t\t\t\n")
            continue
        stats["messages"] += 1
        try:
            msg = email.message_from_bytes(raw, policy=POLICY)
            subject = decode_subject(msg)
            kind, idx, tot = classify(subject)
            if kind == "reply":
                stats["replies"] += 1
            elif kind == "pull":
                stats["pull_requests"] += 1
            elif kind == "cover":
                stats["cover_letters"] += 1
            elif kind == "patch":
                stats["patches"] += 1
            hdr = header_from(msg)
            body = None
            if args.inbody_from == "always" or kind != "reply":
                try:
                    body = inbody_from(msg)
                except Exception:
                    body = None
            author = body or hdr
            if author:
                contributors[author] += 1
                domains[author.rsplit("@", 1)[1]] += 1
            if dump:
                src = "body" if body else ("header" if hdr else "none")
                dump.write(
                    f"{commit}\t{kind}\t{'' if idx is None else idx}\t"
                    f"{'' if tot is None else tot}\t{author or ''}\t{src}\t"
                    f"{hdr or ''}\t{subject}\n"
                )
        except Exception as e:  # never crash on one broken mail
            stats["errors"] += 1
            print(f"warning: {commit}: {type(e).__name__}: {e}", file=sys.stderr)
            if dump:
                dump.write(f"{commit}\terror\t\t\t\t\t\t{type(e).__name__}\n")

    if dump:
        dump.close()

    def ranked(counter, key):
        items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        return [{key: k, "count": v} for k, v in items]

    result = {
        "messages": stats["messages"],
        "missing": stats["missing"],
        "replies": stats["replies"],
        "patches": stats["patches"],
        "cover_letters": stats["cover_letters"],
        "pull_requests": stats["pull_requests"],
        "domains": ranked(domains, "domain"),
        "contributors": ranked(contributors, "email"),
        "errors": stats["errors"],
    }
    json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
