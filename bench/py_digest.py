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
             of a group are separated by whitespace, commas and colons
             (`[stable:PATCH]`).
  patch tag  a group with a word starting with PATCH, or with the word RFC and
             a word N/M (digits/digits); case-insensitive. Mercurial's `N of M`
             numbers like N/M.
  pull tag   a group with the word PULL (`[GIT PULL]`, `[PULL v2]`), or the
             group `[GIT]` alone.
  reply      after skipping leading groups that are not patch tags and spam
             markers (`***SPAM***`), the subject starts with a reply prefix
             (REPLY_RE: re, fwd, fw, aw, antw, sv, vs, wg, tr, odp, ref, and the
             Chinese 回复, 答复, 回覆, 转发; optional [n]/(n) count; then ':' or a
             full-width '：'), so `[kbuild] Re: ...` is a reply and
             `[PATCH] Re: x` is not.
  pull req.  not a reply, and one of the leading groups is a pull tag; or a
             mail that is none of the others whose body is `git request-pull`
             output ("The following changes since commit" ... "are available
             in the Git repository at").
  patch      not a reply, not a pull request, and one of the leading groups is a
             patch tag; in the first patch tag a word N/M gives index N, total M.
             index 0 -> cover letter, else (incl. no N/M) -> patch.
             A patch that answers a mail (In-Reply-To) and carries no diff (in
             the body or an attached .patch/.diff/x-patch part) is a reply.
             A numbered tag without PATCH (`[net,v2,1/2]`) is a patch when the
             mail carries a diff; its 0/N is a cover letter when a patch of the
             same total answers it.
  author     for a mail that is not a reply, the in-body From if the first
             text/plain part has a git-am in-body header block, else the
             X-Original-From of a relayed mail, else the header From (a reply's
             in-body block quotes the mail it answers). Lowercased; domain =
             after the last '@'. No address -> not counted. See inbody_from()
             for the block rules.
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
    r"\s*(re|fwd|fw|aw|antw|sv|vs|wg|tr|odp|ref|回复|答复|回覆|转发)\s*(\[[0-9]+\]|\([0-9]+\))?\s*[:：]",
    re.IGNORECASE,
)
# `***SPAM***`: a filter's marker before the subject
MARKER_RE = re.compile(r"\s*\*\*\*([^\n]{1,30}?)\*\*\*")
NM_RE = re.compile(r"^([0-9]+)/([0-9]+)$")
WORD_SPLIT_RE = re.compile(r"[\s,:]+")
DIFF_RE = re.compile(r"^diff --git |^--- .*\n\+\+\+ ", re.MULTILINE)
SEPARATOR_RE = re.compile(r"^>?From ([0-9a-f]{40}|[0-9a-f]{64}) Mon Sep 17 00:00:00 2001$")
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
    if g.strip().upper() == "GIT":
        return True
    return any(t.upper() == "PULL" for t in g.split())


def is_patch_group(g: str) -> bool:
    toks = [t.upper() for t in words(g)]
    if any(t.startswith("PATCH") for t in toks):
        return True
    return "RFC" in toks and any(NM_RE.match(t) for t in toks)


def after_reply_prefix_at(subject: str, pos: int) -> bool:
    return REPLY_RE.match(subject, pos) is not None


def is_reply(subject: str) -> bool:
    groups = leading_groups(subject)
    if any(is_patch_group(g) for g, _ in groups):
        return False
    # skip non-patch groups and spam markers, in any order
    pos = 0
    while True:
        while pos < len(subject) and subject[pos].isspace():
            pos += 1
        if subject.startswith("[", pos):
            end = subject.find("]", pos + 1)
            if end < 0 or is_patch_group(subject[pos + 1 : end]) or is_pull_group(subject[pos + 1 : end]):
                break
            pos = end + 1
            continue
        m = MARKER_RE.match(subject, pos)
        if m and subject.startswith("***", pos):
            pos = m.end()
            continue
        break
    if after_reply_prefix_at(subject, pos):
        return True
    # after every leading group, pull tags included
    end = groups[-1][1] if groups else 0
    return after_reply_prefix_at(subject, end)


def index_of(toks: list[str]):
    """(index, total) of a tag's words: N/M, or Mercurial's N of M."""
    for i, t in enumerate(toks):
        m = NM_RE.match(t)
        if m:
            return int(m.group(1)), int(m.group(2))
        if (
            t.isdigit()
            and i + 2 < len(toks)
            and toks[i + 1].lower() == "of"
            and toks[i + 2].isdigit()
        ):
            return int(t), int(toks[i + 2])
    return None


def classify(subject: str):
    """Return (kind, index, total); kind in reply|pull|cover|patch|bare|other.
    `bare` is a numbered tag without PATCH: a patch only if it carries a diff."""
    if is_reply(subject):
        return "reply", None, None
    groups = [g for g, _ in leading_groups(subject)]
    for g in groups:
        if is_patch_group(g):
            found = index_of(words(g))
            if found:
                idx, tot = found
                return ("cover" if idx == 0 else "patch"), idx, tot
            return "patch", None, None
    if any(is_pull_group(g) for g in groups):
        return "pull", None, None
    for g in groups:
        for t in words(g):
            m = NM_RE.match(t)
            if m:
                return "bare", int(m.group(1)), int(m.group(2))
    return "other", None, None


def carries_diff(msg) -> bool:
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = (part.get_filename() or "").lower()
        if name.endswith(".patch") or name.endswith(".diff"):
            return True
        if part.get_content_type() in ("text/x-patch", "text/x-diff"):
            return True
        if part.get_content_maintype() == "text" and DIFF_RE.search(part_text(part)):
            return True
    return False


def is_request_pull(msg) -> bool:
    part = first_text_plain(msg)
    if part is None:
        return False
    text = part_text(part)
    return "The following changes since commit " in text and (
        "are available in the Git repository at" in text
        or "are available in the git repository at" in text
    )


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


def original_from(msg, header: str | None) -> str | None:
    """X-Original-From: the person a relay sent the mail for."""
    try:
        h = msg["x-original-from"]
        if h is None:
            return None
        # not an address header to the email package: parse its text
        for _, addr in email.utils.getaddresses([str(h)]):
            v = _valid_addr(addr)
            if v and v != header:
                return v
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

    - optional leading blank lines (empty or whitespace-only), then optionally
      the separator line of a pasted `git format-patch` output (`From <sha>
      Mon Sep 17 00:00:00 2001`, or `>From ...`);
    - one or more header lines `From:`, `Date:` or `Subject:` in any order
      (name case-insensitive, immediately followed by ':'); a header
      continues on the following lines that start with space or tab (and are
      not blank);
    - the block ends at the first other line; no blank line is needed. But if
      that line starts with `Sent:`, `To:` or `Cc:` (Outlook's quotation),
      there is no block; nor if it is not blank and the block has a `From:`
      without '@' (prose that opens with "From: the datasheet ...").

    A `From:` value with '@' must be a single address and nothing else (ends
    with '>' or ')', or is one whitespace-free token) with a valid address; if
    not, there is no block. The last valid `From:` of the block gives the
    author."""
    part = first_text_plain(msg)
    if part is None:
        return None
    lines = part_text(part).split("\n")
    lines = [l[:-1] if l.endswith("\r") else l for l in lines]
    i, n = 0, len(lines)
    while i < n and lines[i].strip() == "":
        i += 1
    if i < n and SEPARATOR_RE.match(lines[i]):
        i += 1
    headers = []  # (lowercase name, unfolded value)
    while i < n:
        line = lines[i]
        if line and line[0] in " \t" and headers and line.strip() != "":
            name, value = headers[-1]
            headers[-1] = (name, value + " " + line.strip())
        else:
            m = INBODY_RE.match(line)
            if not m:
                break
            headers.append((m.group(1).lower(), m.group(2).strip()))
        i += 1
    if not headers:
        return None
    ending = lines[i] if i < n else ""
    if re.match(r"(?i)(sent|to|cc):", ending):
        return None
    found = None
    addressless = False
    for name, value in headers:
        if name != "from":
            continue
        value = decode_words(value)
        if "@" not in value:
            addressless = True
            continue
        addr = single_address(value)
        if addr is None:
            return None  # a From: with an address and more: not an in-body header
        found = addr
    if addressless and ending.strip() != "":
        return None
    return found


def message_ids(msg, name: str) -> list[str]:
    """The <ids> of a Message-ID or In-Reply-To header, without brackets."""
    try:
        raw = None
        for n, value in msg._headers:
            if n.lower() == name:
                raw = str(value)
                break
        if raw is None:
            return []
        return [i.strip() for i in re.findall(r"<([^>]*)>", raw.replace("\n", "").replace("\r", "")) if i.strip()]
    except Exception:
        return []


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

    # One pass reads and classifies; kinds that need other mails (the 0/N of
    # a series numbered without PATCH) are settled after it.
    rows = []  # [commit, kind, idx, tot, author, src, hdr, subject, msgid, irt]
    for commit, raw in stream_blobs(args.archive, commits):
        if raw is None or not has_header_block(raw):
            stats["missing"] += 1
            rows.append([commit, "missing", None, None, None, None, None, "", None, None])
            continue
        stats["messages"] += 1
        try:
            msg = email.message_from_bytes(raw, policy=POLICY)
            subject = decode_subject(msg)
            kind, idx, tot = classify(subject)
            irt = message_ids(msg, "in-reply-to")
            if kind in ("patch", "bare", "other"):
                diff = carries_diff(msg)
                if kind == "patch" and irt and not diff:
                    kind, idx, tot = "reply", None, None
                elif kind == "bare":
                    kind = ("cover" if idx == 0 else "patch") if diff else "bare"
                if kind in ("other", "bare") and is_request_pull(msg):
                    kind, idx, tot = "pull", None, None
            hdr = header_from(msg)
            body = None
            if kind != "reply":
                try:
                    body = inbody_from(msg)
                except Exception:
                    body = None
            relayed = original_from(msg, hdr)
            author = body or relayed or hdr
            src = "body" if body else ("relay" if relayed else ("header" if hdr else "none"))
            ids = message_ids(msg, "message-id")
            rows.append([commit, kind, idx, tot, author, src, hdr, subject, ids[0] if ids else None, irt[0] if irt else None])
        except Exception as e:  # never crash on one broken mail
            stats["errors"] += 1
            print(f"warning: {commit}: {type(e).__name__}: {e}", file=sys.stderr)
            rows.append([commit, "error", None, None, None, None, None, type(e).__name__, None, None])

    answered = {(r[9], r[3]) for r in rows if r[1] in ("patch", "cover") and r[9]}
    for r in rows:
        if r[1] == "bare" and r[2] == 0 and r[8] and (r[8], r[3]) in answered:
            r[1] = "cover"
    for commit, kind, idx, tot, author, src, hdr, subject, _, _ in rows:
        if kind == "reply":
            stats["replies"] += 1
        elif kind == "pull":
            stats["pull_requests"] += 1
        elif kind == "cover":
            stats["cover_letters"] += 1
        elif kind == "patch":
            stats["patches"] += 1
        if author:
            contributors[author] += 1
            domains[author.rsplit("@", 1)[1]] += 1
        if dump:
            shown = "other" if kind == "bare" else kind
            if kind in ("missing", "error"):
                dump.write(f"{commit}\t{kind}\t\t\t\t\t\t{subject}\n")
            else:
                dump.write(
                    f"{commit}\t{shown}\t{'' if idx is None else idx}\t"
                    f"{'' if tot is None else tot}\t{author or ''}\t{src}\t"
                    f"{hdr or ''}\t{subject}\n"
                )

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
