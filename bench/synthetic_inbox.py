#!/usr/bin/env python3
"""Write a synthetic public-inbox v2 inbox, for measuring lore-digest at scale.

    python3 bench/synthetic_inbox.py OUT [--mails 250000] [--epochs 3]
        [--seed 1] [--start 2019-01-01] [--years 7] [--no-repack]

OUT becomes a v2 inbox: OUT/git/0.git, OUT/git/1.git, ..., each a bare
repository written by one `git fast-import`, where each commit adds one raw
mail as blob `m`, as public-inbox writes them: the commit author is the
mail's From, the commit message its subject, the author time its Date and
the committer time its arrival. The mails are split over the epochs in
arrival order, the same number in each. Each epoch is then repacked
(`git repack -adf --window=10 --depth=50`, as `git gc` would), so its delta
chains are as short as a served archive's; `--no-repack` keeps
fast-import's pack (each blob a delta on the one before, chains 50 deep).

What the list looks like (all drawn from one seeded random generator, so
the same arguments give the same inbox, byte for byte):

- about 4,000 people in 55 domains (and the robots'), three maintainers
  per subsystem who review, ack and apply; posting volume per person falls
  off as Zipf's law;
- git format-patch series of 1 to 30 patches, with a cover letter from 2
  patches on, threaded shallow (patches answer the cover letter) or deep;
  some RFC, RESEND, net-next/net trees, b4-sent ones with a change-id and
  b4 Message-IDs; each patch has a commit message, trailers (Signed-off-by,
  Fixes, Cc: stable, Link, and the reviews a previous version got), a
  diffstat and a diff of 1 to 6 files that adds up to it;
- rerolls: a series may come back as v2, v3, v4 days to weeks later, with a
  changelog in its cover letter and sometimes in reply to the previous one;
- replies, nested, quoting what they answer (`> `, Outlook's header block),
  some giving Reviewed-by / Acked-by / Tested-by, some asking for changes;
- robots: kernel test robot build reports, patchwork-bot "This series was
  applied to netdev/net-next.git", b4's "Applied to hyperv-next, thanks!"
  with commit ids, tip-bot2 merges, syzbot reports, pr-tracker-bot;
- pull requests ([GIT PULL]), bug reports, plain discussions;
- encodings: RFC 2047 names and subjects (UTF-8 base64 and Q, latin-1),
  quoted-printable, base64 bodies, latin-1 8-bit bodies, multipart/alternative
  with an HTML part, and b4 relay mail with X-Original-From; the usual
  Received/DKIM/ARC headers of list mail, so a mail is 6-8 KB (lore's
  linux-hyperv mails average 12 KB).

Times run from --start over about --years (the defaults give 2019-01-01 to
2025-06-05), fewer mails on weekends; replies arrive minutes to weeks after
what they answer. With the defaults, writing takes ~25 minutes on a busy
2-core machine (most of it the repacks) and 834 MiB of disk, for 1.6 GiB
of raw mail. Python 3 standard library
and `git` only. Progress goes to stderr; the inbox's figures (mails per
epoch, first and last arrival) are printed at the end.
"""
import argparse
import base64
import datetime
import heapq
import os
import quopri
import random
import subprocess
import sys
import time

COMMITTER = b"synthetic.lists.example.org.0 <synthetic@lists.example.org>"
LIST_ADDR = "linux-synth@vger.kernel.org"
LIST_ID = "<linux-synth.vger.kernel.org>"

FIRST = ("Alice Bob Carol David Erin Frank Grace Heidi Ivan Judy Mallory Niaj Olivia Peggy "
         "Rupert Sybil Trent Victor Walter Xavier Yolanda Zach Wei Li Jun Hao Ming Yan Rahul "
         "Priya Ankit Deepak Sanjay Vikram Anna Marek Tomasz Piotr Jakub Pavel Dmitry Sergey "
         "Igor Olga Hans Klaus Stefan Jens Lars Mikael Pierre Julien Thomas Paolo Marco Luca "
         "Giovanni Carlos Miguel Pedro Kenji Takashi Yuki Haiyang Long Dexuan Saurabh Tianyu "
         "Michael Sean Paolo Vitaly Maxim Sebastian Greg Andrew Linus Arnd Christoph Jason "
         "Leon Simon Eric Ingo Borislav Dave Tony Kees Nathan Nick Masahiro Randy Matthew").split()
LAST = ("Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Moore Martin "
        "Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott "
        "Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner "
        "Zhang Wang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Kumar Sharma Singh "
        "Gupta Patel Reddy Iyer Nowak Kowalski Novak Ivanov Petrov Smirnov Mueller Schmidt "
        "Schneider Fischer Weber Meyer Wagner Becker Hansen Larsen Nielsen Dubois Moreau "
        "Laurent Rossi Russo Ferrari Esposito Garcia Martinez Lopez Gonzalez Tanaka Suzuki "
        "Sato Watanabe Kelley Hemminger Kuznetsov Christopherson Bonzini Kicinski").split()
# Names that need RFC 2047 in a From header.
FANCY = ["José Álvarez", "Jürgen Groß", "Søren Højgaard", "Łukasz Wiśniewski", "François Dupré",
         "Zoë Müller", "Ilpo Järvinen", "Uwe Kleine-König", "Thomas Weißschuh", "Björn Töpel",
         "Ondřej Jirman", "Radim Krčmář", "Niklas Söderlund", "王伟", "李娜", "张敏", "刘洋",
         "Jérôme Glisse", "Michał Mirosław", "Andrés Ñúñez", "Gaël Portay", "Sakari Ailus",
         "Toke Høiland-Jørgensen", "Mickaël Salaün", "Håkon Bugge", "Nícolas Prado"]
COMPANY = [("intel.com", 9), ("redhat.com", 8), ("google.com", 7), ("microsoft.com", 8),
           ("linux.microsoft.com", 6), ("amd.com", 5), ("arm.com", 4), ("huawei.com", 5),
           ("linaro.org", 4), ("suse.com", 3), ("suse.de", 2), ("oracle.com", 3),
           ("nvidia.com", 4), ("meta.com", 2), ("fb.com", 1), ("ibm.com", 3),
           ("linux.ibm.com", 3), ("bytedance.com", 2), ("alibaba.com", 1),
           ("linux.alibaba.com", 2), ("samsung.com", 2), ("kernel.org", 4),
           ("canonical.com", 1), ("collabora.com", 1), ("bootlin.com", 1),
           ("linutronix.de", 1), ("infradead.org", 1), ("amazon.com", 2), ("amazon.de", 1),
           ("vmware.com", 1), ("broadcom.com", 1), ("qualcomm.com", 1), ("quicinc.com", 2),
           ("mediatek.com", 1), ("loongson.cn", 1), ("kylinos.cn", 1), ("zte.com.cn", 1),
           ("hisilicon.com", 1), ("linux.dev", 2), ("rivosinc.com", 1), ("sifive.com", 1)]
FREEMAIL = [("gmail.com", 12), ("outlook.com", 2), ("hotmail.com", 1), ("163.com", 2),
            ("qq.com", 1), ("yahoo.com", 1), ("gmx.de", 1), ("protonmail.com", 1),
            ("zohomail.com", 1), ("posteo.net", 1), ("web.de", 1), ("126.com", 1),
            ("mailbox.org", 1), ("fastmail.com", 1)]
TZ = ["-0800", "-0700", "-0500", "-0400", "+0000", "+0100", "+0200", "+0300", "+0530",
      "+0800", "+0900", "+1000"]

SUBSYS = [
    ("KVM: x86", "arch/x86/kvm", "kvm-x86 next"),
    ("KVM: x86/mmu", "arch/x86/kvm/mmu", "kvm-x86 mmu"),
    ("KVM: arm64", "arch/arm64/kvm", "kvmarm-6.x"),
    ("KVM: selftests", "tools/testing/selftests/kvm", "kvm-x86 selftests"),
    ("net: mana", "drivers/net/ethernet/microsoft/mana", "net-next"),
    ("hv_netvsc", "drivers/net/hyperv", "net"),
    ("Drivers: hv: vmbus", "drivers/hv", "hyperv-next"),
    ("Drivers: hv", "drivers/hv", "hyperv-fixes"),
    ("x86/hyperv", "arch/x86/hyperv", "hyperv-next"),
    ("mshv", "drivers/hv", "hyperv-next"),
    ("PCI: hv", "drivers/pci/controller", "pci/controller/hv"),
    ("scsi: storvsc", "drivers/scsi", "6.x/scsi-queue"),
    ("drm/hyperv", "drivers/gpu/drm/hyperv", "drm-misc-next"),
    ("iommu/hyperv", "drivers/iommu", "iommu/next"),
    ("clocksource: hyper-v", "drivers/clocksource", "timers/core"),
    ("RDMA/mana_ib", "drivers/infiniband/hw/mana", "rdma-next"),
    ("hv_balloon", "drivers/hv", "hyperv-next"),
    ("arm64: hyperv", "arch/arm64/hyperv", "for-next/core"),
    ("vfio/pci", "drivers/vfio/pci", "vfio next"),
    ("virtio_net", "drivers/net", "net-next"),
    ("net/mlx5", "drivers/net/ethernet/mellanox/mlx5/core", "net-next"),
    ("mm/page_alloc", "mm", "mm-unstable"),
    ("sched/fair", "kernel/sched", "sched/core"),
    ("x86/sev", "arch/x86/coco/sev", "x86/sev"),
    ("x86/tdx", "arch/x86/coco/tdx", "x86/tdx"),
    ("Documentation: hyperv", "Documentation/virt/hyperv", "docs-next"),
    ("uio_hv_generic", "drivers/uio", "char-misc-next"),
    ("hid: hyperv", "drivers/hid", "for-next"),
    ("Input: hyperv-keyboard", "drivers/input/serio", "next"),
    ("fbdev: hyperv_fb", "drivers/video/fbdev", "for-next"),
]
NET = {"net: mana", "hv_netvsc", "virtio_net", "net/mlx5"}
VERBS = ["Add", "Fix", "Remove", "Use", "Introduce", "Convert", "Refactor", "Drop", "Support",
         "Rework", "Avoid", "Handle", "Export", "Move", "Simplify", "Clean up", "Initialize",
         "Allow", "Disable", "Enable", "Check", "Document", "Rename", "Split", "Harden"]
OBJS = ["a missing NULL check in", "support for", "an unused variable in", "a race in",
        "a memory leak in", "the error path of", "the locking in", "a helper for",
        "a sysfs attribute for", "tracepoints for", "dynamic queue depth in",
        "a use-after-free in", "an off-by-one in", "a refcount leak in", "sparse warnings in",
        "the teardown of", "the reinit path of", "debugfs entries for", "the stats of",
        "a deadlock in", "the fast path of", "lockdep annotations for"]
NOUNS = ["vmbus channels", "the ring buffer", "hypercall input pages", "the VP assist page",
         "synic interrupts", "interrupt remapping", "GPA mappings", "the balloon driver",
         "netvsc RSS", "HWC queues", "EQ handling", "TLB flushes", "MSR filtering",
         "nested VMX", "SEV-SNP guests", "the page tables", "IRQ affinity", "DMA mapping",
         "the TSC page", "stimer0", "hv_pci_probe()", "the shadow MMU", "the root partition",
         "vPCI devices", "XDP redirect", "the doorbell page", "the RX path", "GSO packets",
         "crash dumps", "kexec", "the framebuffer", "CPU hotplug", "the VTL2 boot path"]
SENT = ["The current code does not take the lock before walking the list, so a concurrent "
        "removal can free an entry under us.",
        "This was found by code inspection and confirmed with a stress test.",
        "No functional change intended.",
        "Without this, the guest hangs on boot when more than 64 vCPUs are configured.",
        "Move the allocation out of the atomic section and use GFP_KERNEL instead.",
        "The hypervisor may return HV_STATUS_INSUFFICIENT_MEMORY; deposit more pages and retry.",
        "Split the function in two so that the error path can unwind in the right order.",
        "This matches what the TLFS says about the layout of the structure.",
        "The value is only written once, at init time, so READ_ONCE() is not needed.",
        "Also drop a stale comment that no longer describes what the code does.",
        "Rather than open-coding the loop, use the existing helper.",
        "The old code worked by chance because the field happened to be zeroed.",
        "Report the error to the caller instead of silently ignoring it.",
        "This reduces the time to bring up the device from 800 ms to 40 ms.",
        "Keep the behaviour of older hosts, which do not advertise the feature.",
        "syzbot reported a KASAN splat in this path; the reproducer no longer triggers it.",
        "Tested on Azure with a 96 vCPU guest under iperf3 load.",
        "The queue depth is now negotiated with the hardware at reinit time."]
REPLY = ["Thanks for the patch.", "Looks good to me.", "This makes sense.",
         "I think this needs a Fixes tag.", "Can you split this into two patches?",
         "Why is the lock needed here? The caller already holds it.",
         "Please run checkpatch.pl --strict on this.", "Nit: the comment is out of date.",
         "I tested this on my setup and it works.", "Does this also apply to older hosts?",
         "This breaks the build with CONFIG_HYPERV=m.", "What about the error path?",
         "Please add a comment explaining why this is safe.", "Agreed.",
         "I'd rather keep the existing name, it is used in other places.",
         "This is already fixed in linux-next, see commit 1a2b3c4d5e6f.",
         "Could you describe the user-visible impact in the commit message?",
         "Makes sense, I'll fix that in the next version.", "Good catch, thanks.",
         "The rest of the series looks fine to me."]
WORDS = ("mutex spinlock vmbus channel ring buffer page table hypercall interrupt vector "
         "guest host root partition device queue doorbell packet offset length flags "
         "descriptor completion context request response timeout retry status error").split()
C_FUNCS = ["hv_do_hypercall", "vmbus_sendpacket", "mana_gd_send_request", "kvm_vcpu_kick",
           "hv_ringbuffer_write", "netvsc_send", "dma_map_single", "kzalloc", "kfree",
           "spin_lock_irqsave", "spin_unlock_irqrestore", "hv_pci_eject_device",
           "vmbus_open", "vmbus_close", "mana_create_wq_obj", "kvm_mmu_zap_all",
           "hv_set_msr", "hv_get_msr", "pr_err", "dev_warn", "WARN_ON_ONCE"]
C_VARS = ["channel", "hv_dev", "gc", "vcpu", "kvm", "ring", "pkt", "req", "resp", "ctx",
          "queue", "buf", "len", "ret", "status", "flags", "idx", "cpu", "apc", "wq"]
C_TYPES = ["vmbus_channel", "hv_device", "gdma_context", "kvm_vcpu", "hv_ring_buffer_info",
           "netvsc_device", "mana_port_context", "hv_pcibus_device", "kvm_mmu_page"]


def wchoice(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for item, w in pairs:
        x -= w
        if x < 0:
            return item
    return pairs[-1][0]


def encode_word(text, rng, charset="UTF-8"):
    """RFC 2047 encoded word, B or Q, of a non-ASCII text."""
    data = text.encode("utf-8" if charset == "UTF-8" else "latin-1")
    if rng.random() < 0.5:
        return "=?%s?B?%s?=" % (charset, base64.b64encode(data).decode())
    q = "".join(chr(b) if (48 <= b < 58 or 65 <= b < 91 or 97 <= b < 123) else
                ("_" if b == 32 else "=%02X" % b) for b in data)
    return "=?%s?Q?%s?=" % (charset.lower() if rng.random() < 0.5 else charset, q)


class Person:
    __slots__ = ("name", "email", "tz", "mailer", "fancy")

    def __init__(self, name, email, tz, mailer, fancy):
        self.name, self.email, self.tz, self.mailer, self.fancy = name, email, tz, mailer, fancy

    def header(self, rng):
        if self.fancy:
            latin = all(ord(c) < 256 for c in self.name)
            cs = "iso-8859-1" if latin and rng.random() < 0.3 else "UTF-8"
            return "%s <%s>" % (encode_word(self.name, rng, cs), self.email)
        if "." in self.name or "," in self.name:
            return '"%s" <%s>' % (self.name, self.email)
        return "%s <%s>" % (self.name, self.email)

    def plain(self):
        return "%s <%s>" % (self.name, self.email)


def make_people(rng, count):
    people = []
    seen = set()
    domains = COMPANY + FREEMAIL
    while len(people) < count:
        fancy = rng.random() < 0.06
        if fancy:
            name = rng.choice(FANCY)
            if rng.random() < 0.7:
                name += " " + rng.choice(LAST)
            first = "user"
            last = "%04d" % len(people)
        else:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = first + " " + last
        domain = wchoice(rng, domains)
        if fancy:
            local = "%s%s" % (first, last)
        else:
            style = rng.random()
            if style < 0.4:
                local = "%s.%s" % (first.lower(), last.lower())
            elif style < 0.7:
                local = "%s%s" % (first[0].lower(), last.lower())
            else:
                local = "%s%d" % (first.lower(), rng.randrange(1, 999))
        email = "%s@%s" % (local, domain)
        if email in seen:
            continue
        seen.add(email)
        mailer = wchoice(rng, [("git", 6), ("mutt", 4), ("gmail", 2), ("outlook", 2 if "microsoft" in domain else 0.3),
                               ("thunderbird", 1)])
        people.append(Person(name, email, rng.choice(TZ), mailer, fancy))
    return people


class Ctx:
    """The generator's state: people, the random stream, the mails so far."""

    def __init__(self, seed, mails, start, years):
        self.rng = random.Random(seed)
        self.seed = seed
        self.people = make_people(self.rng, 4000)
        # Zipf-like posting volume: a few people send most of the mail.
        self.weights = [1.0 / (i + 1) ** 0.9 for i in range(len(self.people))]
        self.cum = []
        acc = 0.0
        for w in self.weights:
            acc += w
            self.cum.append(acc)
        self.maintainers = {s[0]: self.rng.sample(self.people[:300], 3) for s in SUBSYS}
        self.specs = []  # (arrival, seq, spec dict)
        self.seq = 0
        self.start = start
        self.span = years * 365.25 * 86400
        self.target = mails
        self.counter = 0

    def person(self):
        x = self.rng.random() * self.cum[-1]
        lo, hi = 0, len(self.cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cum[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return self.people[lo]

    def msgid(self, who, when, style, series_tag=None, index=None):
        self.counter += 1
        r = self.rng
        local, domain = who.email.split("@", 1)
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(when))
        if style == "b4":
            return "%s-%s-%s@%s" % (stamp[:8], series_tag, index if index is not None else 0, domain)
        if style == "git":
            return "%s.%d-%d-%s@%s" % (stamp, 1000 + self.counter % 900000, index or 0, local, domain)
        if style == "gmail":
            return "CA%s@mail.gmail.com" % base64.b64encode(r.randbytes(30)).decode().replace("/", "_")
        if style == "outlook":
            h = base64.b32encode(r.randbytes(10)).decode()
            return "SN6PR%sMB%d%s@SN6PR%s.namprd%02d.prod.outlook.com" % (
                h[:4], r.randrange(1000, 9999), h[4:], h[:6], r.randrange(1, 22))
        if style == "lkp":
            return "%s.%s-lkp@intel.com" % (stamp[:12], base64.b64encode(r.randbytes(6)).decode().replace("/", "x"))
        # mutt and others
        return "%s@%s" % (base64.b64encode(r.randbytes(12)).decode().replace("/", "_").rstrip("="),
                          rng_host(r, domain))

    def add(self, arrival, spec):
        self.seq += 1
        spec["_at"] = arrival
        self.specs.append((arrival, self.seq, spec))
        return spec


def rng_host(r, domain):
    return r.choice(["laptop", "devbox", "workstation", "x1", "thinkpad", "linux"]) + "." + domain


def title_words(rng):
    return "%s %s %s" % (rng.choice(VERBS), rng.choice(OBJS), rng.choice(NOUNS))


# ---------------------------------------------------------------- events
# Each mail is planned as a small dict (a spec) at its arrival time; the
# text is rendered only when it is written, from a random stream of its
# own, so the plan of 250,000 mails fits in a few hundred MiB.

def new_series(ctx, t, version=1, fam=None):
    """A posting of a series at time t, its replies, and maybe its next version."""
    r = ctx.rng
    if fam is None:
        author = ctx.person()
        subsys = r.choice(SUBSYS)
        n = wchoice(r, [(1, 40), (2, 15), (3, 12), (4, 8), (5, 6), (6, 4), (7, 3), (8, 3),
                        (10, 2), (12, 2), (15, 1), (20, 1), (30, 0.4)])
        titles = [title_words(r) for _ in range(n)]
        b4 = r.random() < 0.3
        tree = r.choice(["net-next", "net-next", "net"]) if subsys[0] in NET else ""
        fam = {"author": author, "subsys": subsys, "titles": titles,
               "cover_title": title_words(r) if n > 1 else None,
               "b4": b4, "tag": "%s-%012x" % ("-".join(titles[0].lower().split()[:3]), r.getrandbits(48)),
               "tree": tree, "rfc": r.random() < 0.08, "relay": b4 and r.random() < 0.2,
               # Sent by a colleague or maintainer on the author's behalf (in-body From).
               "sender": ctx.person() if r.random() < 0.05 else author,
               "reviews": {}, "versions": []}
    else:
        # A reroll may gain or lose a patch.
        if r.random() < 0.2:
            if r.random() < 0.5 and len(fam["titles"]) > 1:
                fam["titles"] = fam["titles"][:-1]
            else:
                fam["titles"] = fam["titles"] + [title_words(r)]
                if fam["cover_title"] is None:
                    fam["cover_title"] = title_words(r)
        fam["rfc"] = fam["rfc"] and r.random() < 0.3
    # What this version is, fixed now: later versions change fam.
    ver = {"fam": fam, "version": version, "titles": fam["titles"],
           "cover_title": fam["cover_title"], "reviews": fam["reviews"]}
    n = len(ver["titles"])
    author = fam["author"]
    sender = fam["sender"]
    prefix = (["RFC"] if fam["rfc"] else []) + (["RESEND"] if version > 1 and r.random() < 0.03 else [])
    prefix.append("PATCH")
    if fam["tree"]:
        prefix.append(fam["tree"])
    if version > 1:
        prefix.append("v%d" % version)
    ver["ptag"] = " ".join(prefix)
    style = "b4" if fam["b4"] else "git"
    deep = not fam["b4"] and r.random() < 0.15
    series_tag = "%s-v%d" % (fam["tag"], version)
    in_reply_prev = version > 1 and r.random() < 0.12
    prev_root = fam["versions"][-1] if fam["versions"] else None
    mails = []
    cover = None
    if n > 1:
        refs = [prev_root["msgid"]] + prev_root["_refs0"] if in_reply_prev else []
        cover = ctx.add(t, {"kind": "cover", "ver": ver, "n": n, "who": sender,
                            "msgid": ctx.msgid(sender, t, style, series_tag, 0),
                            "_refs0": refs, "date": t})
        mails.append(cover)
    for i in range(1, n + 1):
        if cover is not None:
            refs = [cover["msgid"]] if not deep or i == 1 else [cover["msgid"], mails[-1]["msgid"]]
        else:
            refs = [prev_root["msgid"]] if in_reply_prev else []
        mails.append(ctx.add(t + i * r.randrange(1, 3),
                             {"kind": "patch", "ver": ver, "n": n, "i": i, "who": sender,
                              "msgid": ctx.msgid(sender, t, style, series_tag, i),
                              "_refs0": refs, "date": t}))
    root = mails[0]
    fam["versions"].append(root)
    # Replies: reviews per patch, discussion on the cover.
    maint = ctx.maintainers[fam["subsys"][0]]
    reviewed = {}
    for m in mails:
        parent = m
        when = m["_at"]
        for j in range(wchoice(r, [(0, 45), (1, 30), (2, 14), (3, 7), (5, 3), (9, 1)])):
            who = r.choice(maint) if r.random() < 0.45 else ctx.person()
            if who is author:
                who = r.choice(maint)
            when += int(r.expovariate(1 / (2 * 86400))) + 60
            trailer = None
            if r.random() < 0.3 and who is not author:
                trailer = wchoice(r, [("Reviewed-by", 6), ("Acked-by", 3), ("Tested-by", 1)])
                reviewed.setdefault(m.get("i", 0), []).append((trailer, who))
            reply = ctx.add(when, {"kind": "reply", "parent": parent, "who": who,
                                   "msgid": ctx.msgid(who, when, who.mailer),
                                   "trailer": trailer, "date": when})
            # Threads go back and forth between author and reviewer.
            parent = reply if r.random() < 0.6 else m
            if r.random() < 0.5:
                when += int(r.expovariate(1 / 86400)) + 60
                parent = ctx.add(when, {"kind": "reply", "parent": reply, "who": author,
                                        "msgid": ctx.msgid(author, when, author.mailer),
                                        "trailer": None, "date": when})
    # A build robot now and then.
    if r.random() < 0.06:
        target = r.choice(mails[1:] if len(mails) > 1 else mails)
        when = target["_at"] + r.randrange(3600, 5 * 86400)
        ctx.add(when, {"kind": "lkp", "parent": target, "who": ROBOTS["lkp"],
                       "msgid": ctx.msgid(ROBOTS["lkp"], when, "lkp"), "date": when})
    # Next version, or applied, or left alone.
    if r.random() < {1: 0.45, 2: 0.4, 3: 0.3}.get(version, 0):
        fam["reviews"] = reviewed
        ctx.seq += 1
        heapq.heappush(ctx.pending, (t + int(r.uniform(3, 40) * 86400), ctx.seq, fam, version + 1))
    elif not fam["rfc"] and r.random() < 0.55:
        when = t + int(r.uniform(1, 30) * 86400)
        applier = r.choice(maint)
        if fam["subsys"][0] in NET and r.random() < 0.8:
            kind, who = "pwbot", ROBOTS["pwbot"]
        elif fam["subsys"][1].startswith("arch/x86") and r.random() < 0.3:
            kind, who = "tip", ROBOTS["tip"]
        else:
            kind, who = "ty", applier
        ctx.add(when, {"kind": kind, "parent": root, "who": who, "applier": applier,
                       "patches": [m for m in mails if m["kind"] == "patch"],
                       "msgid": ctx.msgid(who, when, "mutt"), "date": when})


ROBOTS = {
    "lkp": Person("kernel test robot", "lkp@intel.com", "+0800", "lkp", False),
    "pwbot": Person("patchwork-bot+netdevbpf@kernel.org", "patchwork-bot+netdevbpf@kernel.org",
                    "+0000", "bot", False),
    "tip": Person("tip-bot2 for Thomas Gleixner", "tip-bot2@linutronix.de", "+0000", "bot", False),
    "prbot": Person("pr-tracker-bot", "pr-tracker-bot@kernel.org", "+0000", "bot", False),
    "spam": Person("Totally Legit", "win@prizes.example", "+0000", "bot", False),
}


def other_event(ctx, t):
    r = ctx.rng
    kind = wchoice(r, [("discussion", 5), ("bug", 2), ("syzbot", 1), ("pull", 1.2), ("spam", 0.02)])
    if kind == "spam":
        # Spam that public-inbox later deletes: the deletion commit holds it as `d`.
        spam = ctx.add(t, {"kind": "spam", "who": ROBOTS["spam"], "date": t,
                           "msgid": ctx.msgid(ROBOTS["spam"], t, "mutt"), "_refs0": []})
        ctx.add(t + r.randrange(3600, 3 * 86400), {"kind": "delete", "parent": spam,
                                                   "who": ROBOTS["spam"], "date": t})
        return
    if kind == "pull":
        subsys = r.choice(SUBSYS)
        who = ctx.maintainers[subsys[0]][0]
        root = ctx.add(t, {"kind": "pull", "who": who, "subsys": subsys,
                           "msgid": ctx.msgid(who, t, "mutt"), "date": t, "_refs0": []})
        when = t + r.randrange(3600, 6 * 86400)
        ctx.add(when, {"kind": "prbot", "parent": root, "who": ROBOTS["prbot"],
                       "msgid": ctx.msgid(ROBOTS["prbot"], when, "mutt"), "date": when})
        return
    if kind == "syzbot":
        who = Person("syzbot", "syzbot+%010x@syzkaller.appspotmail.com" % r.getrandbits(40), "-0700", "bot", False)
    else:
        who = ctx.person()
    root = ctx.add(t, {"kind": kind, "who": who, "msgid": ctx.msgid(who, t, who.mailer),
                       "date": t, "_refs0": [], "topic": title_words(r)})
    parent = root
    when = t
    for _ in range(wchoice(r, [(0, 3), (1, 3), (2, 2), (4, 1), (8, 0.3)])):
        replier = ctx.person()
        when += int(r.expovariate(1 / 86400)) + 60
        parent = ctx.add(when, {"kind": "reply", "parent": parent if r.random() < 0.7 else root,
                                "who": replier, "msgid": ctx.msgid(replier, when, replier.mailer),
                                "trailer": None, "date": when})


def generate(ctx):
    """Events along the time line until there are --mails mails. The clock
    follows the number of mails planned, so the rate stays even; on
    weekends half the chances to post are passed over."""
    r = ctx.rng
    ctx.pending = []
    want = ctx.target * 1.03
    # Weekends thinned by half stretch the time line by about 1/7.
    span = ctx.span * 6 / 7
    skipped = 0.0
    while True:
        t = ctx.start + skipped + span * len(ctx.specs) / want
        if ctx.pending and ctx.pending[0][0] <= t:
            _, _, fam, version = heapq.heappop(ctx.pending)
            new_series(ctx, int(t), version, fam)
            continue
        if len(ctx.specs) >= want:
            break
        if time.gmtime(t).tm_wday >= 5 and r.random() < 0.5:
            skipped += 2 * 3600
            continue
        if r.random() < 0.8:
            new_series(ctx, int(t))
        else:
            other_event(ctx, int(t))


# ---------------------------------------------------------------- rendering
def wrap(text, width=72):
    out, line = [], ""
    for w in text.split():
        if line and len(line) + 1 + len(w) > width:
            out.append(line)
            line = w
        else:
            line = line + " " + w if line else w
    if line:
        out.append(line)
    return out


def rfc2822(when, tz):
    sign = -1 if tz[0] == "-" else 1
    off = sign * (int(tz[1:3]) * 3600 + int(tz[3:5]) * 60)
    return time.strftime("%a, %d %b %Y %H:%M:%S ", time.gmtime(when + off)) + tz


def fake_b64(r, n):
    return base64.b64encode(r.randbytes(n)).decode()


def ip(r):
    return "%d.%d.%d.%d" % (r.randrange(1, 255), r.randrange(255), r.randrange(255), r.randrange(255))


def list_headers(r, who, when, msgid):
    """The transport headers lore keeps: the Received chain from the
    sender's server through the list to the archive's, DKIM, ARC and
    authentication results; about as long as on lore (several KiB)."""
    domain = who.email.split("@", 1)[1]
    d = rfc2822(when, "+0000")
    bounce = "linux-synth+bounces-%d-lists+linux-synth=lfdr.de@vger.kernel.org" % r.randrange(1, 99999)
    h = ["Return-Path: <%s>" % bounce,
         "Delivered-To: lists+linux-synth@lfdr.de",
         "Received: from mail.lfdr.de\n\tby mail.lfdr.de with LMTP\n\tid %s\n\t(envelope-from <%s>)\n"
         "\tfor <lists+linux-synth@lfdr.de>; %s" % (fake_b64(r, 18), bounce, d),
         "X-Original-To: lists+linux-synth@lfdr.de",
         "Received: from tor.lore.kernel.org (tor.lore.kernel.org [172.105.105.114])\n"
         "\tby mail.lfdr.de (Postfix) with ESMTPS id %X\n\tfor <lists+linux-synth@lfdr.de>; %s (CEST)"
         % (r.getrandbits(40), d),
         "Authentication-Results: mail.lfdr.de;\n\tdkim=pass header.d=%s header.s=%d header.b=%s;\n"
         "\tspf=pass (mail.lfdr.de: domain of \"%s\" designates 172.105.105.114 as permitted sender) "
         "smtp.mailfrom=\"%s\";\n\tdmarc=pass (policy=none) header.from=%s;\n"
         "\tarc=pass (\"subspace.kernel.org:s=arc-20240116:i=1\")"
         % (domain, 20230601 + r.randrange(9999), fake_b64(r, 6), bounce, bounce, domain),
         "Received: from smtp.subspace.kernel.org (conduit.subspace.kernel.org [100.90.174.1])\n"
         "\tby tor.lore.kernel.org (Postfix) with ESMTP id %X\n\tfor <lists+linux-synth@lfdr.de>; %s (UTC)"
         % (r.getrandbits(40), d),
         "Received: from localhost.localdomain (localhost.localdomain [127.0.0.1])\n"
         "\tby smtp.subspace.kernel.org (Postfix) with ESMTP id %X;\n\t%s (UTC)" % (r.getrandbits(40), d),
         "X-Original-To: %s" % LIST_ADDR,
         "Received: from mail-%s.%s (mail-%s.%s [%s])\n"
         "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n"
         "\t(No client certificate requested)\n\tby smtp.subspace.kernel.org (Postfix) with ESMTPS id %X\n"
         "\tfor <%s>; %s (UTC)" % ("pj1-f49", domain, "pj1-f49", domain, ip(r), r.getrandbits(40), LIST_ADDR, d),
         "ARC-Seal: i=1; a=rsa-sha256; d=subspace.kernel.org; s=arc-20240116;\n"
         "\tt=%d; cv=none; b=%s" % (when, fake_b64(r, 128)),
         "ARC-Message-Signature: i=1; a=rsa-sha256; d=subspace.kernel.org;\n"
         "\ts=arc-20240116; t=%d; c=relaxed/simple;\n\tbh=%s;\n"
         "\th=From:To:Cc:Subject:Date:Message-ID:In-Reply-To:References:MIME-Version:\n"
         "\t Content-Type; b=%s" % (when, fake_b64(r, 32), fake_b64(r, 128)),
         "ARC-Authentication-Results: i=1; smtp.subspace.kernel.org; dmarc=pass (p=none dis=none) "
         "header.from=%s; spf=pass smtp.mailfrom=%s; dkim=pass (2048-bit key) header.d=%s "
         "header.i=@%s header.b=%s; arc=none smtp.client-ip=%s"
         % (domain, domain, domain, domain, fake_b64(r, 6), ip(r))]
    if who.mailer == "gmail" or domain == "gmail.com":
        h.append("Received: by mail-pj1-f49.google.com with SMTP id %s\n"
                 "        for <%s>; %s" % (hexid(r, 24), LIST_ADDR, d))
    h.append("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\n"
             "        d=%s; s=%d; t=%d; x=%d; darn=vger.kernel.org;\n"
             "        h=content-transfer-encoding:mime-version:references:in-reply-to\n"
             "         :message-id:date:subject:cc:to:from:from:to:cc:subject:date\n"
             "         :message-id:reply-to;\n        bh=%s;\n        b=%s"
             % (domain, 20230601 + r.randrange(9999), when, when + 604800, fake_b64(r, 32),
                "\n         ".join(fake_b64(r, 48) for _ in range(6))))
    if domain == "gmail.com":
        h.append("X-Google-DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\n"
                 "        d=1e100.net; s=20230601; t=%d; x=%d;\n        bh=%s;\n        b=%s"
                 % (when, when + 604800, fake_b64(r, 32), "\n         ".join(fake_b64(r, 48) for _ in range(6))))
        h.append("X-Gm-Message-State: %s" % fake_b64(r, 54))
        h.append("X-Gm-Gg: %s" % "\n\t".join(fake_b64(r, 57) for _ in range(8)))
        h.append("X-Google-Smtp-Source: %s" % fake_b64(r, 60))
        h.append("X-Received: by 2002:a17:90b:57e5:b0:37f:be6c:f3f2 with SMTP id %s;\n"
                 "        %s" % (hexid(r, 30), d))
    elif "microsoft" in domain or "outlook" in domain:
        h.append("X-MS-Exchange-CrossTenant-Network-Message-Id: %s" % hexid(r, 32))
        h.append("X-MS-Exchange-CrossTenant-AuthAs: Internal")
        h.append("X-Microsoft-Antispam-Message-Info: %s" % "\n\t".join(fake_b64(r, 57) for _ in range(10)))
        h.append("X-MS-Exchange-AntiSpam-MessageData-0: %s" % "\n\t".join(fake_b64(r, 57) for _ in range(8)))
    else:
        h.append("Received: from %s (%s [%s])\n\tby smtp.%s (Postfix) with ESMTPSA id %X;\n\t%s"
                 % (rng_host(r, domain), rng_host(r, domain), ip(r), domain, r.getrandbits(40), d))
    return h


def hexid(r, n=40):
    return "%0*x" % (n, r.getrandbits(4 * n))


def c_line(r):
    f, v, v2 = r.choice(C_FUNCS), r.choice(C_VARS), r.choice(C_VARS)
    k = r.randrange(10)
    if k == 0:
        return "\tif (!%s)" % v
    if k == 1:
        return "\t\treturn -%s;" % r.choice(["EINVAL", "ENOMEM", "EIO", "ENODEV", "EBUSY"])
    if k == 2:
        return "\t%s = %s(%s, %d);" % (v, f, v2, r.randrange(64))
    if k == 3:
        return "\tret = %s(%s->%s);" % (f, v, v2)
    if k == 4:
        return "\tif (ret)\n\t\tgoto out_%s;" % v
    if k == 5:
        return "\t/* %s the %s before the %s */" % (r.choice(["Take", "Drop", "Check", "Flush"]),
                                                    r.choice(WORDS), r.choice(WORDS))
    if k == 6:
        return "\tstruct %s *%s = %s->%s;" % (r.choice(C_TYPES), v, v2, r.choice(WORDS))
    if k == 7:
        return "\t%s(&%s->lock, flags);" % (r.choice(["spin_lock_irqsave", "spin_unlock_irqrestore"]), v)
    if k == 8:
        return "\t%s->%s = %s;" % (v, r.choice(WORDS), v2)
    return ""


def make_diff(r, dirpath, nfiles):
    """A diff of nfiles files, and its diffstat lines, consistent."""
    files = []
    for _ in range(nfiles):
        name = "%s/%s_%s.%s" % (dirpath, r.choice(["hv", "mana", "vmbus", "core", "main", "mmu", "util"]),
                                r.choice(WORDS), "c" if r.random() < 0.8 else "h")
        files.append(name)
    files = sorted(set(files))
    body, stat = [], []
    ins_total = del_total = 0
    for name in files:
        hunks = r.randrange(1, 4)
        fins = fdel = 0
        text = ["diff --git a/%s b/%s" % (name, name),
                "index %s..%s 100644" % (hexid(r, 12), hexid(r, 12)),
                "--- a/%s" % name, "+++ b/%s" % name]
        start = r.randrange(10, 900)
        for _ in range(hunks):
            lines = []
            plus = minus = 0
            for _ in range(3):
                lines.append(" " + c_line(r).replace("\n", "\n "))
            for _ in range(r.randrange(0, 8)):
                lines.append("-" + c_line(r).split("\n")[0])
                minus += 1
            for _ in range(r.randrange(1, 14)):
                lines.append("+" + c_line(r).split("\n")[0])
                plus += 1
            for _ in range(3):
                lines.append(" " + c_line(r).split("\n")[0])
            old = sum(1 for l in lines for _ in l.split("\n") if not l.startswith("+"))
            new = sum(1 for l in lines for _ in l.split("\n") if not l.startswith("-"))
            text.append("@@ -%d,%d +%d,%d @@ static int %s(struct %s *%s)" % (
                start, old, start, new, r.choice(C_FUNCS), r.choice(C_TYPES), r.choice(C_VARS)))
            text.extend(lines)
            start += r.randrange(40, 200)
            fins += plus
            fdel += minus
        body.extend(text)
        stat.append((name, fins, fdel))
        ins_total += fins
        del_total += fdel
    width = max(len(n) for n, _, _ in stat)
    lines = []
    for name, a, d in stat:
        total = a + d
        bar_a, bar_d = a, d
        if total > 50:
            bar_a = max(1 if a else 0, a * 50 // total)
            bar_d = max(1 if d else 0, d * 50 // total)
        lines.append(" %-*s | %*d %s%s" % (width, name, 3, total, "+" * bar_a, "-" * bar_d))
    summary = " %d file%s changed" % (len(stat), "" if len(stat) == 1 else "s")
    if ins_total:
        summary += ", %d insertion%s(+)" % (ins_total, "" if ins_total == 1 else "s")
    if del_total:
        summary += ", %d deletion%s(-)" % (del_total, "" if del_total == 1 else "s")
    lines.append(summary)
    return lines, body


def patch_subject(spec):
    ver = spec["ver"]
    subsys = ver["fam"]["subsys"][0]
    n = spec["n"]
    if spec["kind"] == "cover":
        title, num = ver["cover_title"], "0/%d" % n
    else:
        title, num = ver["titles"][spec["i"] - 1], "%d/%d" % (spec["i"], n)
    if n == 1:
        return "[%s] %s: %s" % (ver["ptag"], subsys, title)
    return "[%s %s] %s: %s" % (ver["ptag"], num, subsys, title)


REPLY_PREFIX = [("Re: ", 90), ("RE: ", 6), ("Re: RE: ", 1), ("AW: ", 1), ("SV: ", 0.5),
                ("回复: ", 0.5), ("Re: [EXTERNAL] ", 1)]


def lines_of(spec):
    """The first lines of a rendered mail's text, kept for those quoting it."""
    return spec.get("_lines", "").split("\n")


def quote(lines, n, prefix="> "):
    return [(prefix + l).rstrip() for l in lines[:n]]


def git_version(r):
    return "2.%d.%d" % (r.randrange(30, 48), r.randrange(0, 3))


def patch_body(spec, r):
    ver = spec["ver"]
    fam = ver["fam"]
    version = ver["version"]
    author = fam["author"]
    out = []
    if spec["kind"] == "patch" and fam["sender"] is not author:
        out += ["From: %s" % author.plain(), ""]
    for _ in range(r.randrange(1, 4) if spec["kind"] == "patch" else r.randrange(2, 5)):
        out += wrap(" ".join(r.sample(SENT, r.randrange(2, 4))))
        out.append("")
    if spec["kind"] == "cover":
        for v in range(version, 1, -1):
            out.append("Changes in v%d:" % v)
            for _ in range(r.randrange(1, 4)):
                out.append("- " + r.choice([
                    "Address review comments from %s" % r.choice(FIRST),
                    "Rebase on %s" % r.choice(["v6.8-rc1", "linux-next", "net-next"]),
                    "Split patch %d" % r.randrange(1, 5), "Drop the unused helper",
                    "Add Fixes tag", "Collect Reviewed-by tags", "Fix the build with W=1"]))
            out.append("- Link to v%d: https://lore.kernel.org/r/%s" % (
                v - 1, fam["versions"][v - 2]["msgid"]))
            out.append("")
        out.append("%s (%d):" % (author.name, spec["n"]))
        for t in ver["titles"]:
            out.append("  %s: %s" % (fam["subsys"][0], t))
        out.append("")
        out += make_diff(r, fam["subsys"][1], r.randrange(1, 8))[0]
        out.append("")
        if fam["b4"]:
            out += ["---", "base-commit: %s" % hexid(r), "change-id: %s" % fam["tag"], "",
                    "Best regards,", "-- ", author.plain(), ""]
        else:
            out += ["-- ", git_version(r), ""]
        return "\n".join(out)
    if r.random() < 0.15:
        out.append("Fixes: %s (\"%s: %s\")" % (hexid(r, 12), fam["subsys"][0], title_words(r)))
    if r.random() < 0.05:
        out.append("Cc: stable@vger.kernel.org")
    if r.random() < 0.05:
        out.append("Reported-by: %s" % r.choice([
            "kernel test robot <lkp@intel.com>",
            "syzbot+%08x@syzkaller.appspotmail.com" % r.getrandbits(32)]))
    if r.random() < 0.05:
        co = "%s %s <%s@%s>" % (r.choice(FIRST), r.choice(LAST), r.choice(C_VARS), wchoice(r, COMPANY))
        out += ["Co-developed-by: %s" % co, "Signed-off-by: %s" % co]
    out.append("Signed-off-by: %s" % author.plain())
    if fam["sender"] is not author:
        out.append("Signed-off-by: %s" % fam["sender"].plain())
    for kind, person in ver["reviews"].get(spec["i"], []) + ver["reviews"].get(0, []):
        out.append("%s: %s" % (kind, person.plain()))
    if r.random() < 0.2:
        out.append("Link: https://lore.kernel.org/r/%s" % spec["msgid"])
    out.append("---")
    if version > 1 and r.random() < 0.5:
        out += ["v%d: %s" % (version, r.choice(["fixed the commit message", "rebased", "use guard()"])), ""]
    stat, diff = make_diff(r, fam["subsys"][1], wchoice(r, [(1, 6), (2, 3), (3, 2), (4, 1), (6, 0.5)]))
    out += stat + [""] + diff + ["-- ", git_version(r), ""]
    return "\n".join(out)


def reply_body(spec, r, subj):
    who = spec["who"]
    parent = spec["parent"]
    pwho = parent["who"]
    src = lines_of(parent)
    out = []
    if who.mailer == "outlook":
        # Top-posted, with Outlook's header block over the quote.
        out += wrap(" ".join(r.sample(REPLY, r.randrange(1, 3))))
        if spec["trailer"]:
            out += ["", "%s: %s" % (spec["trailer"], who.plain())]
        out += ["", "> -----Original Message-----", "> From: %s" % pwho.plain(),
                "> Sent: %s" % time.strftime("%A, %B %d, %Y %I:%M %p", time.gmtime(parent["date"])),
                "> To: %s" % LIST_ADDR, "> Subject: %s" % parent.get("_subject", subj)]
        return "\n".join(out + quote(src, 30)) + "\n"
    out.append("On %s, %s wrote:" % (
        time.strftime("%a, %b %d, %Y at %I:%M:%S%p", time.gmtime(parent["date"])), pwho.name))
    cut = r.randrange(2, max(3, min(len(src), 40)))
    out += quote(src, cut) + [""]
    out += wrap(" ".join(r.sample(REPLY, r.randrange(1, 4)))) + [""]
    if r.random() < 0.3 and len(src) > cut:
        out += quote(src[cut:], r.randrange(1, 10)) + [""]
        out += wrap(r.choice(REPLY)) + [""]
    if spec["trailer"]:
        out += ["%s: %s" % (spec["trailer"], who.plain()), ""]
    if r.random() < 0.5:
        out += [r.choice(["Thanks,", "Regards,", "Cheers,", "--"]), who.name.split()[0]]
    return "\n".join(out) + "\n"


def robot_body(spec, r):
    k = spec["kind"]
    parent = spec["parent"]
    if k == "lkp":
        return "\n".join([
            "Hi %s," % parent["who"].name.split()[0], "",
            "kernel test robot noticed the following build %s:" % r.choice(["errors", "warnings"]), "",
            "[auto build test ERROR on linus/master]",
            "[also build test ERROR on v6.%d-rc%d next-2024%02d%02d]" % (
                r.randrange(1, 15), r.randrange(1, 8), r.randrange(1, 13), r.randrange(1, 29)),
            "[If your patch is applied to the wrong git tree, kindly drop us a note.", "",
            "url:    https://github.com/intel-lab-lkp/linux/commits/%s" % hexid(r, 16),
            "patch link:    https://lore.kernel.org/r/%s" % parent["msgid"].replace("@", "%40"),
            "patch subject: %s" % parent.get("_subject", ""),
            "config: x86_64-randconfig-%03d-2024%04d" % (r.randrange(1000), r.randrange(10000)), "",
            "If you fix the issue in a separate patch/commit (i.e. not just a new version of",
            "the same patch/commit), kindly add following tags",
            "| Reported-by: kernel test robot <lkp@intel.com>",
            "| Closes: https://lore.kernel.org/oe-kbuild-all/%s/" % spec["msgid"], "",
            "All errors (new ones prefixed by >>):", "",
            ">> drivers/hv/hv.c:%d:%d: error: call to undeclared function '%s'" % (
                r.randrange(2000), r.randrange(80), r.choice(C_FUNCS)),
            "", "-- ", "0-DAY CI Kernel Test Service", "https://github.com/intel/lkp-tests/wiki", ""])
    if k == "prbot":
        return "\n".join([
            "The pull request you sent on %s:" % rfc2822(parent["date"], "+0000"), "",
            "> ssh://git@gitolite.kernel.org/pub/scm/linux/kernel/git/hyperv/linux.git", "",
            "has been merged into torvalds/linux.git:", "https://git.kernel.org/torvalds/c/%s" % hexid(r),
            "", "Thank you!", "", "-- ", "Deet-doot-dot, I am a bot.",
            "https://korg.docs.kernel.org/prtracker.html", ""])
    patches = spec["patches"]
    fam = parent["ver"]["fam"]
    applier = spec["applier"]
    if k == "pwbot":
        out = ["Hello:", "",
               "This %s was applied to netdev/%s.git (main)" % (
                   "series" if len(patches) > 1 else "patch", fam["tree"] or "net-next"),
               "by %s:" % applier.plain(), "",
               "On %s you wrote:" % time.strftime("%a, %d %b %Y %H:%M:%S", time.gmtime(parent["date"]))]
        out += quote(lines_of(parent), 8) + ["> ", "> [...]", "", "Here is the summary with links:"]
        for p in patches:
            tag = p["ver"]["ptag"].split()[1:] + (["%d/%d" % (p["i"], p["n"])] if p["n"] > 1 else [])
            out.append("  - [%s] %s" % (",".join(tag), p.get("_subject", "").split("] ", 1)[-1]))
            out.append("    https://git.kernel.org/netdev/net-next/c/%s" % hexid(r, 12))
        out += ["", "You are awesome, thank you!", "-- ", "Deet-doot-dot, I am a bot.",
                "https://korg.docs.kernel.org/patchwork/pwbot.html", "", ""]
        return "\n".join(out)
    if k == "tip":
        p = patches[0]
        return "\n".join([
            "The following commit has been merged into the x86/hyperv branch of tip:", "",
            "Commit-ID:     %s" % hexid(r), "Gitweb:        https://git.kernel.org/tip/%s" % hexid(r),
            "Author:        %s" % fam["author"].plain(),
            "AuthorDate:    %s" % rfc2822(parent["date"], "+0000"),
            "Committer:     %s" % applier.plain(), "", p.get("_subject", "").split("] ", 1)[-1], ""]
            + lines_of(p)[:12] + [""])
    # b4 ty
    out = ["On %s, %s wrote:" % (rfc2822(parent["date"], fam["author"].tz), fam["author"].name)]
    out += quote(lines_of(parent), 6) + ["> ", "> [...]", "",
                                         "Applied to %s, thanks!" % fam["subsys"][2], ""]
    for p in patches:
        out.append("[%d/%d] %s" % (p["i"], p["n"], p.get("_subject", "").split("] ", 1)[-1]))
        out.append("      commit: %s" % hexid(r))
    out += ["", "Best regards,", "-- ", applier.plain(), ""]
    return "\n".join(out)


def other_body(spec, r):
    k = spec["kind"]
    who = spec["who"]
    if k == "pull":
        subsys = spec["subsys"]
        return "\n".join([
            "Hi Linus,", "", "Please pull the %s fixes." % subsys[0], "",
            "The following changes since commit %s:" % hexid(r), "",
            "  Linux 6.%d-rc%d (2024-%02d-%02d 14:11:15 -0700)" % (
                r.randrange(1, 15), r.randrange(1, 8), r.randrange(1, 13), r.randrange(1, 29)),
            "", "are available in the Git repository at:", "",
            "  ssh://git@gitolite.kernel.org/pub/scm/linux/kernel/git/hyperv/linux.git "
            "tags/hyperv-fixes-signed-%d" % r.randrange(20190000, 20260000),
            "", "for you to fetch changes up to %s:" % hexid(r), "",
            "  %s: %s (2024-01-01 10:00:00 +0000)" % (subsys[0], title_words(r)), "",
            "----------------------------------------------------------------",
            "Pull %s fixes" % subsys[0], "",
            "----------------------------------------------------------------"]
            + ["%s %s (1):\n      %s: %s" % (r.choice(FIRST), r.choice(LAST), subsys[0], title_words(r))
               for _ in range(r.randrange(1, 6))] + ["", ""])
    if k == "syzbot":
        return "\n".join([
            "Hello,", "", "syzbot found the following issue on:", "",
            "HEAD commit:    %s Merge tag 'net-6.9-rc1'" % hexid(r, 12), "git tree:       upstream",
            "console output: https://syzkaller.appspot.com/x/log.txt?x=%s" % hexid(r, 16), "",
            "BUG: KASAN: slab-use-after-free in %s+0x%x/0x%x" % (r.choice(C_FUNCS), r.randrange(4096), r.randrange(4096)),
            "Read of size 8 at addr ffff8880%08x by task syz-executor.%d/%d" % (
                r.getrandbits(32), r.randrange(8), r.randrange(99999)),
            "", "---", "This report is generated by a bot. It may contain errors.", ""])
    if k == "spam":
        return "Dear friend,\n\nYou have won a prize. Reply with your bank details.\n"
    out = []
    if k == "bug":
        out += ["Hello %s," % r.choice(FIRST), "",
                "The patch %s: \"%s\" from %s (linux-next), leads to the following" % (
                    hexid(r, 12), spec["topic"], time.strftime("%b %d, %Y", time.gmtime(spec["date"] - 30 * 86400))),
                "Smatch static checker warning:", "",
                "\tdrivers/hv/%s.c:%d %s() error: uninitialized symbol '%s'." % (
                    r.choice(WORDS), r.randrange(2000), r.choice(C_FUNCS), r.choice(C_VARS)), ""]
    out += wrap(" ".join(r.sample(SENT, r.randrange(2, 5))))
    out += ["", "Thanks,", who.name.split()[0], ""]
    return "\n".join(out)


MACHINE = {"patch", "cover", "lkp", "ty", "pwbot", "tip", "pull", "prbot", "syzbot", "spam"}


def encode_body(text, r, who, kind):
    """(headers, body bytes) for the text, in one of the encodings mail uses."""
    if kind in MACHINE:
        plain = all(ord(c) < 128 for c in text)
        return (["MIME-Version: 1.0",
                 "Content-Type: text/plain; charset=\"%s\"" % ("us-ascii" if plain else "utf-8"),
                 "Content-Transfer-Encoding: %s" % ("7bit" if plain else "8bit")], text.encode())
    x = r.random()
    if who.mailer == "outlook" or x < 0.05:
        return (["Content-Type: text/plain; charset=\"utf-8\"",
                 "Content-Transfer-Encoding: quoted-printable", "MIME-Version: 1.0"],
                quopri.encodestring(text.encode()))
    if x < 0.08:
        return (["MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8",
                 "Content-Transfer-Encoding: base64"], base64.encodebytes(text.encode()))
    if x < 0.10:
        return (["MIME-Version: 1.0", "Content-Type: text/plain; charset=ISO-8859-1",
                 "Content-Transfer-Encoding: 8bit"],
                (text + "\nMerci, à bientôt.\n").encode("latin-1", "replace"))
    if who.mailer == "gmail" or x < 0.11:
        boundary = "000000000000%012x" % r.getrandbits(48)
        html = "<div dir=\"ltr\">" + "<br>".join(
            text.replace("&", "&amp;").replace("<", "&lt;").split("\n")) + "</div>"
        parts = ["--" + boundary, "Content-Type: text/plain; charset=\"UTF-8\"", "", text,
                 "--" + boundary, "Content-Type: text/html; charset=\"UTF-8\"",
                 "Content-Transfer-Encoding: quoted-printable", "",
                 quopri.encodestring(html.encode()).decode(), "--" + boundary + "--", ""]
        return (["MIME-Version: 1.0",
                 "Content-Type: multipart/alternative; boundary=\"%s\"" % boundary],
                "\n".join(parts).encode())
    charset = "us-ascii" if all(ord(c) < 128 for c in text) else "utf-8"
    return (["Content-Type: text/plain; charset=%s" % charset, "Content-Disposition: inline"],
            text.encode())


def encode_subject(subj, r):
    if any(ord(c) >= 128 for c in subj):
        return encode_word(subj, r)
    if len(subj) > 70 and r.random() < 0.5:
        cut = subj.rfind(" ", 0, 70)
        if cut > 10:
            return subj[:cut] + "\n " + subj[cut + 1:]
    return subj


def render(spec, seed, seq):
    """The raw mail of a spec, its subject and the commit author.

    Each mail draws from a random stream of its own (seed, seq); it keeps
    its subject, first lines and References for the mails answering it."""
    r = random.Random((seed << 40) ^ seq)
    who = spec["who"]
    k = spec["kind"]
    parent = spec.get("parent")
    if k in ("cover", "patch"):
        subj = patch_subject(spec)
    elif k == "tip":
        subj = "[tip: x86/hyperv] " + parent.get("_subject", "").split("] ", 1)[-1]
    elif parent is not None:
        base = parent.get("_subject", "")
        for p, _ in REPLY_PREFIX:
            if base.startswith(p):
                base = base[len(p):]
                break
        subj = wchoice(r, REPLY_PREFIX) + base
    elif k == "pull":
        subj = "[GIT PULL] %s fixes for v6.%d-rc%d" % (spec["subsys"][0], r.randrange(1, 15), r.randrange(1, 8))
    elif k == "bug":
        subj = "[bug report] %s" % spec["topic"]
    elif k == "syzbot":
        subj = "[syzbot] [kvm?] KASAN: slab-use-after-free Read in %s" % r.choice(C_FUNCS)
    elif k == "spam":
        subj = "You have won!!!"
    else:
        subj = "%s %s?" % (r.choice(["Question about", "Regression in", "Status of"]), spec["topic"])
    spec["_subject"] = subj
    if k in ("cover", "patch"):
        text = patch_body(spec, r)
    elif k == "reply":
        text = reply_body(spec, r, subj)
    elif k in ("lkp", "ty", "pwbot", "tip", "prbot"):
        text = robot_body(spec, r)
    else:
        text = other_body(spec, r)
    spec["_lines"] = "\n".join(l[:90] for l in text.split("\n", 48)[:48])
    headers, body = encode_body(text, r, who, k)
    h = list_headers(r, who, spec["_at"], spec["msgid"])
    date = spec["date"] + spec.get("i", 0)
    author = who
    if k in ("cover", "patch") and spec["ver"]["fam"]["relay"]:
        # b4's web relay sends for the author, who is kept in X-Original-From.
        local, dom = who.email.split("@", 1)
        name = who.name if not who.fancy else who.name.encode("ascii", "ignore").decode().strip() or local
        author = Person(name + " via B4 Relay", "devnull+%s.%s@kernel.org" % (local, dom), who.tz, "b4", False)
        h.append("From: %s" % author.plain())
        h.append("X-Original-From: %s" % who.header(r))
        h.append("Reply-To: %s" % who.header(r))
    else:
        h.append("From: %s" % who.header(r))
    h.append("Date: %s" % rfc2822(date, who.tz))
    h.append("Subject: %s" % encode_subject(subj, r))
    h.append("To: %s" % LIST_ADDR)
    if r.random() < 0.85:
        cc = ["%s.%s@%s" % (r.choice(FIRST).lower(), r.choice(LAST).lower(), wchoice(r, COMPANY))
              for _ in range(wchoice(r, [(1, 3), (3, 4), (6, 3), (12, 2), (25, 1)]))]
        h.append("Cc: %s,\n\tlinux-kernel@vger.kernel.org" % ",\n\t".join(cc))
    h.append("Message-ID: <%s>" % spec["msgid"])
    if parent is not None:
        refs = (parent.get("_refs", []) + [parent["msgid"]])[-12:]
    else:
        refs = spec.get("_refs0", [])
    if refs:
        h.append("In-Reply-To: <%s>" % refs[-1])
        h.append("References: %s" % "\n ".join("<%s>" % x for x in refs))
    spec["_refs"] = refs
    if k in ("cover", "patch") and who.mailer != "b4":
        h.append("X-Mailer: git-send-email %s" % git_version(r))
    elif who.mailer == "mutt":
        h.append("User-Agent: Mutt/2.2.%d (2023-02-09)" % r.randrange(13))
    elif who.mailer == "thunderbird":
        h.append("User-Agent: Mozilla Thunderbird")
    h += ["Precedence: bulk", "X-Mailing-List: %s" % LIST_ADDR, "List-Id: %s" % LIST_ID,
          "List-Subscribe: <mailto:linux-synth+subscribe@vger.kernel.org>",
          "List-Unsubscribe: <mailto:linux-synth+unsubscribe@vger.kernel.org>"]
    h += headers
    if k in ("cover", "patch") and spec["ver"]["fam"]["b4"]:
        h.append("X-B4-Tracking: v=1; b=%s; i=%s" % (fake_b64(r, 60), who.email))
        h.append("X-Developer-Key: i=%s; a=ed25519; pk=%s" % (who.email, fake_b64(r, 32)))
    raw = ("\n".join(h) + "\n\n").encode() + body
    return raw, subj, author


def commit_author(who):
    name = who.name.replace("<", "").replace(">", "").replace("\n", " ")
    return ("%s <%s>" % (name, who.email)).encode()


def write_epochs(out, specs, epochs, seed, repack):
    os.makedirs(os.path.join(out, "git"), exist_ok=True)
    n = len(specs)
    per = -(-n // epochs)
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
    figures = []
    total_bytes = 0
    t0 = time.time()
    for e in range(epochs):
        part = specs[e * per:(e + 1) * per]
        if not part:
            break
        repo = os.path.join(out, "git", "%d.git" % e)
        subprocess.run(["git", "init", "--quiet", "--bare", "--initial-branch=master", repo],
                       check=True, env=env)
        fi = subprocess.Popen(["git", "-C", repo, "fast-import", "--quiet", "--done",
                               "--date-format=raw"], stdin=subprocess.PIPE, env=env)
        w = fi.stdin
        buf = []
        size = 0
        for idx, (arrival, seq, spec) in enumerate(part):
            if spec["kind"] == "delete":
                # public-inbox's deletion: `m` replaced by `d`, the removed mail.
                raw, subj, who, name = spec["parent"]["_raw"], "delete spam", spec["who"], b"d"
            else:
                raw, subj, who = render(spec, seed, seq)
                name = b"m"
                if spec["kind"] == "spam":
                    spec["_raw"] = raw
            total_bytes += len(raw)
            msg = (subj.replace("\n", " ") + "\n").encode()
            chunk = b"".join([
                b"commit refs/heads/master\n",
                b"author ", commit_author(who), b" %d " % (spec["date"] + spec.get("i", 0)),
                who.tz.encode(), b"\n",
                b"committer ", COMMITTER, b" %d +0000\n" % arrival,
                b"data %d\n" % len(msg), msg,
                # Each tree holds exactly one file, as public-inbox's do.
                b"deleteall\nM 100644 inline ", name, b"\n",
                b"data %d\n" % len(raw), raw, b"\n"])
            buf.append(chunk)
            size += len(chunk)
            if size > 1 << 20:
                w.write(b"".join(buf))
                buf, size = [], 0
            if (e * per + idx) % 25000 == 0:
                print("  %d mails written (%.0f s)" % (e * per + idx, time.time() - t0), file=sys.stderr)
        w.write(b"".join(buf))
        w.write(b"done\n")
        w.close()
        if fi.wait() != 0:
            sys.exit("git fast-import failed for %s" % repo)
        if repack:
            print("  repacking git/%d.git (%.0f s)" % (e, time.time() - t0), file=sys.stderr)
            subprocess.run(["git", "-C", repo, "repack", "-adfq", "--window=10", "--depth=50"],
                           check=True, env=env)
        figures.append((e, len(part), part[0][0], part[-1][0]))
    return figures, total_bytes


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", help="the inbox directory to write (must not exist)")
    p.add_argument("--mails", type=int, default=250000)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--start", default="2019-01-01", help="first day, YYYY-MM-DD (UTC)")
    p.add_argument("--years", type=float, default=7.0)
    p.add_argument("--no-repack", action="store_true")
    a = p.parse_args()
    if os.path.exists(a.out):
        sys.exit("error: %s exists; give a new directory" % a.out)
    if a.mails < 1 or a.epochs < 1:
        sys.exit("error: --mails and --epochs must be at least 1")
    start = int(datetime.datetime.strptime(a.start, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc).timestamp())
    t0 = time.time()
    ctx = Ctx(a.seed, a.mails, start, a.years)
    generate(ctx)
    specs = sorted(ctx.specs, key=lambda s: (s[0], s[1]))[:a.mails]
    print("planned %d mails (%.0f s)" % (len(specs), time.time() - t0), file=sys.stderr)
    # A reply must come after what it answers: specs are in arrival order,
    # and every reply was scheduled after its parent.
    figures, total = write_epochs(a.out, specs, a.epochs, a.seed, not a.no_repack)
    day = lambda t: time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))
    for e, n, first, last in figures:
        print("git/%d.git: %d mails, %s .. %s" % (e, n, day(first), day(last)))
    print("%d mails, %.0f MiB of raw mail, in %.0f s" % (len(specs), total / 2**20, time.time() - t0))


if __name__ == "__main__":
    main()
