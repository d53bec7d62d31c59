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
             tree has no `m` blob, or whose `m` is empty or has no header block
             (first line not a `Name: value` header field); `messages` = the
             rest (duplicate deliveries of one Message-ID each count).
  subject    RFC 2047-decoded, unfolded, whitespace runs -> one space, trimmed.
  groups     the [bracketed] groups at the very start of the subject; the words
             of a group are separated by whitespace and commas.
  patch tag  a group with a word starting with PATCH, or with the word RFC and
             a word N/M (digits/digits); case-insensitive.
  pull tag   a group with the word GIT immediately followed by the word PULL.
  reply      after skipping leading groups that are not patch tags, the subject
             starts with a reply prefix (REPLY_RE: re, fwd, fw, aw, antw, sv, vs,
             wg, tr, odp, ref; optional [n]/(n) count; then ':'), so
             `[EXTERNAL] RE: ...` is a reply and `[PATCH] Re: x` is not.
  pull req.  not a reply, and one of the leading groups is a pull tag.
  patch      not a reply, not a pull request, and one of the leading groups is a
             patch tag; in the first patch tag a word N/M gives index N, total M.
             index 0 -> cover letter, else (incl. no N/M) -> patch.
  author     for a mail that is not a reply, the in-body From if the first
             text/plain part has a git-am in-body header block, else the header
             From (a reply's in-body block quotes the mail it answers). Lowercased; domain = after the
             last '@'. No address -> not counted. See inbody_from() for the
             block rules.
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
    # no '^': used with .match(subject, pos), which anchors at pos
    r"\s*(re|fwd|fw|aw|antw|sv|vs|wg|tr|odp|ref)\s*(\[[0-9]+\]|\([0-9]+\))?\s*:",
    re.IGNORECASE,
)
NM_RE = re.compile(r"^([0-9]+)/([0-9]+)$")
WORD_SPLIT_RE = re.compile(r"[\s,]+")
# a header field line: a name of printable ASCII except ':' and space, then ':'
FIELD_RE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
INBODY_RE = re.compile(r"^(from|date|subject):(.*)$", re.IGNORECASE | re.DOTALL)

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


def leading_groups(subject: str, start: int = 0) -> list[tuple[str, int]]:
    """(contents, end offset) of the bracketed groups at `start` of the subject."""
    groups = []
    i, n = start, len(subject)
    while True:
        while i < n and subject[i].isspace():
            i += 1
        if i >= n or subject[i] != "[":
            break
        j = subject.find("]", i + 1)
        if j < 0:
            break
        groups.append((subject[i + 1 : j], j + 1))
        i = j + 1
    return groups


def words(group: str) -> list[str]:
    return [w for w in WORD_SPLIT_RE.split(group) if w]


def is_pull_group(g: str) -> bool:
    toks = [t.upper() for t in words(g)]
    return any(a == "GIT" and b == "PULL" for a, b in zip(toks, toks[1:]))


def is_patch_group(g: str) -> bool:
    toks = [t.upper() for t in words(g)]
    if any(t.startswith("PATCH") for t in toks):
        return True
    return "RFC" in toks and any(NM_RE.match(t) for t in toks)


def is_reply(subject: str) -> bool:
    pos = 0
    for g, end in leading_groups(subject):
        if is_patch_group(g):
            return False
        pos = end
    return REPLY_RE.match(subject, pos) is not None


def classify(subject: str):
    """Return (kind, index, total); kind in reply|pull|cover|patch|other."""
    if is_reply(subject):
        return "reply", None, None
    groups = [g for g, _ in leading_groups(subject)]
    if any(is_pull_group(g) for g in groups):
        return "pull", None, None
    for g in groups:
        if is_patch_group(g):
            for t in words(g):
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


def decode_words(value: str) -> str:
    try:
        # the value may carry RFC 2047 encoded words
        return str(email.header.make_header(email.header.decode_header(value)))
    except Exception:
        return value


def single_address(value: str) -> str | None:
    """The address of an in-body From value that is a single address and
    nothing else, or None. The caller has checked that it contains '@'."""
    value = value.strip()
    if value.endswith(">"):
        lt = value.rfind("<")
        addr = value[lt + 1 : -1] if lt >= 0 else ""
    elif value.endswith(")"):
        # `addr (Comment)`: the address is what precedes the comment
        lp = value.find("(")
        addr = value[:lp]
    elif not any(c.isspace() for c in value):
        addr = value
    else:
        return None  # text after the address, e.g. Outlook's `<a@b> Sent: ...`
    addr = addr.strip()
    if addr.startswith("<") and addr.endswith(">"):
        addr = addr[1:-1].strip()
    if any(c.isspace() for c in addr):
        return None
    return _valid_addr(addr)


def inbody_from(msg) -> str | None:
    """git am's in-body header block, at the start of the first text/plain part:

    - optional leading blank lines (empty or whitespace-only);
    - one or more header lines `From:`, `Date:` or `Subject:` (name
      case-insensitive, immediately followed by ':'); a header continues on the
      following lines that start with space or tab (and are not blank);
    - then a blank line or the end of the body; otherwise there is no block.

    A `From:` value without '@' is ignored. A `From:` value with '@' must be a
    single address and nothing else (ends with '>' or ')', or is one
    whitespace-free token) with a valid address; if not, there is no block.
    The first valid `From:` of the block gives the author."""
    part = first_text_plain(msg)
    if part is None:
        return None
    lines = part_text(part).split("\n")
    lines = [l[:-1] if l.endswith("\r") else l for l in lines]
    i, n = 0, len(lines)
    while i < n and lines[i].strip() == "":
        i += 1
    headers = []  # (lowercase name, unfolded value)
    while i < n:
        line = lines[i]
        if line.strip() == "":
            break  # the blank line that ends the block
        if line[0] in " \t" and headers:
            name, value = headers[-1]
            headers[-1] = (name, value + " " + line.strip())
        else:
            m = INBODY_RE.match(line)
            if not m:
                return None  # not a header line, and no blank line before it
            headers.append((m.group(1).lower(), m.group(2).strip()))
        i += 1
    if not headers:
        return None
    found = None
    for name, value in headers:
        if name != "from":
            continue
        value = decode_words(value)
        if "@" not in value:
            continue
        addr = single_address(value)
        if addr is None:
            return None  # a From: with an address and more: not an in-body header
        if found is None:
            found = addr
    return found


def has_header_block(raw: bytes) -> bool:
    """False for an empty blob or one whose first line is not a header field."""
    first = raw.split(b"\n", 1)[0]
    return FIELD_RE.match(first) is not None


# -------------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--archive", required=True, help="public-inbox git repo (bare or not)")
    ap.add_argument("--range", required=True, dest="rng", help="A..B or B")
    ap.add_argument("--per-mail", metavar="FILE", help="write one TSV line per selected commit")
    args = ap.parse_args(argv)

    commits = rev_list(args.archive, args.rng)
    stats = Counter()
    domains = Counter()
    contributors = Counter()
    dump = open(args.per_mail, "w", encoding="utf-8") if args.per_mail else None

    for commit, raw in stream_blobs(args.archive, commits):
        if raw is None or not has_header_block(raw):
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
            if kind != "reply":
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
