#!/usr/bin/env python3
"""Survey of maintainer notices in a public-inbox archive, for checking
lore_digest::status (crates/lore-digest/tests/status_corpus.rs).

A separate implementation of the forms docs/status-evidence.md describes, on
Python's standard email package and regular expressions, written from the
forms' templates and the mails, not from the Rust code. It reads every mail
of the archive with `git cat-file --batch`, skips patches and cover letters
(a leading [..PATCH..] tag on a subject that is not a reply), and prints the
pieces of evidence per rule and the mails holding them; with --found FILE it
writes one line per piece (rule, Message-ID, sender, line) to read by hand.

    python3 bench/status_survey.py ../shared/corpus/linux-hyperv.git \
        [--tip b22dfe3300dfffcf3c3db5b05e2fefae4595e467] [--found /tmp/found.tsv]

The free-text hits and the rejected look-alikes were read one by one; the
figures the Rust test asserts are where this script and the recogniser
agree (they do on every mail of the linux-hyperv archive).
"""
import argparse, collections, email, email.policy, json, re, subprocess, sys

VERBS = r'(?:applied|queued|pushed|picked|taken|merged|pulled)'
NUM = r'#?\d[\d/\-]*'
NUMS = NUM + r'(?:\s+(?:and|&)\s+' + NUM + r')*'
MOD = r'(?:the|this|these|those|that|both|all|whole|entire|first|last|other|fixed|updated|new|remaining|two|three|four|five|six|seven|eight|nine|ten|of)\b'
NOUN = r'(?:patch|patches|series|patchset|set|version|one|ones|fix|fixes|commit|commits|change|changes|two|three|four|five|six|seven|eight|nine|ten|both|all)\b'
BASE = r'(?:the rest|patch(?:es)? ' + NUMS + '|' + NUMS + r'|(?:' + MOD + r'\s+){0,3}' + NOUN + r'|(?:it|this|them|these|those|they|both|all)\b)'
OBJ = r'(?:' + BASE + r'(?:\s+(?:but|except)\s+' + BASE + r'|\s+and\s+patch(?:es)? ' + NUMS + r')?)'
SUBJ = r"(?:(?:i|we)(?:'ve| have)?(?:\s+(?:now|just|also|already|finally))?|now|" + BASE + r"(?:\s+(?:is|are|has been|have been)(?:\s+(?:now|just|also|already|finally))?)?)"
CLAUSE = re.compile(r'(?:(?P<subj>' + SUBJ + r')\s+)?(?P<verb>' + VERBS + r')(?P<after>(?:\s+(?:up|out))?(?:\s+' + OBJ + r')?(?:\s+up)?)(?P<rest>.*)$', re.I | re.S)
FOLLOW = re.compile(r"^(?:$|[.,!:;)(]|\s+\(|\s+(?:to|into|onto|in|for|through|via|up|out|now|already|too|also|and|with|thanks|thank|here|there|but|as|as-is|-|--|—)(?:\s|$|[.,!:;]))", re.I)
CONDS = {'if','when','once','unless','until','since','as','after','before','because','whether','while'}
REJ = set('not never if once unless until when without whether test tests tested testing boot boots booted booting build builds built compile compiles compiled compiling verify verified check checked confirm confirmed reproduce reproduced works worked locally cleanly fail fails failed failing conflict conflicts wrong broke breaks broken regression introduced caused causes recently previously earlier ago'.split())
MODALS = set('will would should could must need needs can may might shall'.split())
STOPS = set('thanks thank with for as and before after now so because but since which where if once when until please at i we it this too also already except'.split())

def is_quoted(l): return l.lstrip().startswith('>')
def blank(l): return not l.strip()

def par_start(lines, i):
    if i == 0: return True
    p = lines[i-1]
    if blank(p) or is_quoted(p): return True
    p = p.strip()
    return len(p) <= 40 and len(p.split()) <= 3 and p[-1:] in ',.!'

def core(w): return w.strip('(\"\'`[<*_“‘').rstrip('.,!?;:)\"\'`]>*_”’').lower().replace('’', "'") or w

def free_text(lines, i, subject=''):
    line = lines[i]
    if not line or not line[0].isalpha() or not par_start(lines, i): return None
    parts = [line[:300]]
    for j in (i+1, i+2):
        if re.search(r'[.!?:](\s|$)', ' '.join(parts)): break
        if j >= len(lines) or blank(lines[j]) or is_quoted(lines[j]): break
        parts.append(lines[j][:300])
    first = parts[0]
    text = ' '.join(parts)
    starts = [0]
    # one lead: up to the first , . ! ; or dash within ten words, no condition, ending on this line
    lm = re.match(r'^((?:\S+\s+){0,9}?\S*?(?:[,.!;]|\s--|\s-|\s—))\s+', text)
    if lm and len(lm.group(1)) < len(first) and not (set(core(w) for w in lm.group(1).split()) & CONDS):
        starts.append(lm.end())
    for st in starts:
        m = CLAUSE.match(text[st:])
        if not m: continue
        if st > 0 and starts[1] is None: continue
        subj = (m.group('subj') or '').lower()
        verb = m.group('verb').lower()
        if subj and not re.match(r"^(?:i|we)\b|^i've|^we've|^now$", subj) and verb not in ('applied', 'queued', 'pushed'): continue
        if re.fullmatch(r'(?:it|this|they|these|those|them)', subj): continue
        after = m.group('after') or ''
        if verb == 'picked' and not re.search(r'\bup\b', after, re.I): continue
        if verb == 'pulled' and re.match(r'\s+in\b', after + m.group('rest'), re.I): continue
        if not FOLLOW.match(m.group('rest')): continue
        sent = re.split(r'(?<=[.!?:])\s', verb + after + m.group('rest'))[0]
        # target words (spared): after the first preposition on the first line
        tgt = set()
        tm = re.search(r'\b(?:to|into|onto|in|through|via)\s+((?:\S+\s*){1,5})', m.group('rest'))
        if tm:
            for w in tm.group(1).split():
                c = core(w)
                if c in STOPS or c in MODALS or c in REJ: break
                tgt.add(w)
                if w != w.rstrip('.,!?;:'): break
        if '?' in sent: continue
        words = sent.split()
        if any(w not in tgt and (core(w) in REJ or "n't" in core(w)) for w in words): continue
        head = re.split(r'[,;]|\s--?\s', sent)[0]
        if any(w not in tgt and core(w) in MODALS for w in head.split()): continue
        return first
    return None

B4_PATCH = re.compile(r'^\[([^\]]*)\] \S')
B4_COMMIT = re.compile(r'^\s+(commit: \S+|https?://\S+|\(no commit info\))\s*$')

def survey(m):
    body = m['body']; lines = body.split('\n'); subj = m['subject']
    found = []
    used = set()
    # b4 ty: a summary block; heading is the nearest unquoted paragraph above
    i = 0
    while i < len(lines) - 1:
        if B4_PATCH.match(lines[i]) and B4_COMMIT.match(lines[i+1]):
            start = i; n = 0
            while i < len(lines) - 1 and B4_PATCH.match(lines[i]) and B4_COMMIT.match(lines[i+1]):
                used.update((i, i+1)); i += 2; n += 1
            h = start - 1
            while h >= 0 and (blank(lines[h]) or re.match(r'^\s+(Branch|Tree):', lines[h])): h -= 1
            # heading paragraph: walk to its first line
            while h > 0 and not blank(lines[h-1]) and not is_quoted(lines[h-1]): h -= 1
            if h >= 0 and not is_quoted(lines[h]) and re.search(r'\b(applied|merged|queued|pushed|picked|taken)\b', ' '.join(lines[h:start]), re.I):
                found.append(('b4-ty', lines[h], n)); used.update(range(h, start))
            continue
        i += 1
    for i, l in enumerate(lines):
        if re.match(r'^Merged, thanks!$', l) and any(re.match(r'^merge commit: ', x) for x in lines[i+1:i+4]):
            found.append(('b4-ty', l, 0)); used.add(i)
        if re.match(r'^This (patch|series) was applied to \S+ \(', l):
            found.append(('patchwork-bot', l, 0)); used.add(i)
        if re.match(r'^The following commit has been merged into the \S+ branch of \S+:$', l) or (i == 0 and re.match(r'^Commit-ID: +[0-9a-f]{40}$', l)):
            found.append(('tip-bot', l, 0)); used.add(i)
        if re.match(r"^This is a note to let you know that I've just added the patch titled$", l):
            found.append(('gregkh-bot', l, 0)); used.add(i)
        if re.match(r'^The (quilt )?patch titled$', l):
            found.append(('akpm-bot', l, 0)); used.add(i)
        if re.match(r'^has been merged into \S+:$', l) and i >= 2 and re.match(r'^The pull request you sent on ', '\n'.join(lines[max(0,i-4):i])):
            found.append(('pr-tracker-bot', l, 0)); used.add(i)
        if l.startswith('pw-bot:'):
            cmd = l[7:].strip().lower()
            known = cmd in 'cr changes-requested accepted accept rejected reject deferred defer superseded awaiting-upstream au under-review ur not-applicable nap needs-ack need-ack nac new'.split() or cmd in ('under review', 'needs ack')
            found.append(('pw-bot' if known else 'pw-bot-unknown', l, 0)); used.add(i)
        if re.match(r'^(NAK|NACK|Nack|Nak|Nacked|NACKed|NAKed)(?:$|[.,!:;]|\s+(?:to|for|on|from)\b)', l):
            found.append(('nak', l, 0)); used.add(i)
        if re.match(r'^\s*nacked-by:.*<\S+@\S+>', l, re.I):
            found.append(('nacked-by', l, 0)); used.add(i)
    for i, l in enumerate(lines):
        if i in used: continue
        t = free_text(lines, i)
        if t: found.append(('free-text', t[:120], 0))
    return found


VERB_EARLY = re.compile(r'^\W*(?:\S+\s+){0,12}?(applied|queued|pushed|picked|taken|merged|pulled)\b', re.I)


def lookalikes(lines, why):
    """Lines with a notice verb in their first words that free-text turns away."""
    for i, line in enumerate(lines):
        if is_quoted(line):
            if free_text([re.sub(r'^(\s*>)+\s?', '', line)], 0):
                why['quoted notice'] += 1
            continue
        if not VERB_EARLY.match(line) or free_text(lines, i):
            continue
        if line[:1].isspace():
            why['indented'] += 1
        elif not line[:1].isalpha():
            why['not a letter first (list item, bracket)'] += 1
        elif not par_start(lines, i):
            why['inside a paragraph (wrapped prose)'] += 1
        else:
            why['opens a paragraph, no notice clause or vetoed'] += 1


def mails(archive, tip):
    git = ['git', '--git-dir', archive]
    commits = subprocess.run(git + ['rev-list', tip], capture_output=True, text=True, check=True).stdout.split()
    cat = subprocess.Popen(git + ['cat-file', '--batch'], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    for c in commits:
        cat.stdin.write(f'{c}:m\n'.encode()); cat.stdin.flush()
        head = cat.stdout.readline().split()
        if head[1] == b'missing':
            continue
        raw = cat.stdout.read(int(head[2])); cat.stdout.read(1)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        try:
            part = msg.get_body(preferencelist=('plain',))
            text = part.get_content() if part is not None else ''
        except Exception:
            text = ''
        def h(name):
            try:
                return ' '.join(str(msg.get(name, '') or '').split())
            except Exception:
                return ''
        yield {'mid': h('Message-ID').strip('<> '), 'from': h('From'), 'subject': h('Subject'),
               'body': text.replace('\r\n', '\n')}


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('archive')
    ap.add_argument('--tip', default='master')
    ap.add_argument('--found')
    ap.add_argument('--lookalikes', action='store_true',
                    help='also count the lines with a notice verb that free-text turns away, by why')
    args = ap.parse_args()
    why = collections.Counter()
    counts = collections.Counter(); holding = collections.Counter()
    out = open(args.found, 'w') if args.found else None
    for m in mails(args.archive, args.tip):
        s = m['subject']
        if not re.match(r'^(re|aw|fwd?|sv|wg|antw)\s*(\[\d+\])?:', s, re.I) and re.match(r'^\s*(\[[^\]]*\]\s*)*\[[^\]]*\bpatch', s, re.I):
            continue
        found = survey(m)
        if args.lookalikes:
            lookalikes(m['body'].split('\n'), why)
        for rule, text, _ in found:
            counts[rule] += 1
            if out:
                out.write(f"{rule}\t{m['mid']}\t{m['from'][:40]}\t{text}\n")
        for rule in set(r for r, _, _ in found):
            holding[rule] += 1
    for rule, n in sorted(counts.items()):
        print(f'{rule}\t{n}\tmails: {holding[rule]}')
    for reason, n in why.most_common():
        print(f'look-alike\t{n}\t{reason}')
