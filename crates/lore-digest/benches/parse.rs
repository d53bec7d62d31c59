//! Micro-benchmarks of the mail parser: the per-mail cost behind every
//! report. `cargo bench -p lore-digest --bench parse`.
//!
//! The mails are synthetic but shaped like list mail: a git-format-patch
//! patch with a diff, a quoted-printable patch, a reply giving a trailer,
//! a base64 reply that must be decoded to look for trailers, and a reply
//! without any (the common case, decided from the raw bytes).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lore_digest::mail::{MailParser, parse_subject, trailers};

const HEADERS: &str = "Received: from smtp.example.org (smtp.example.org [192.0.2.1])\n\tby mx.kernel.org (Postfix) with ESMTPS id 1234\n\tfor <kvm@vger.kernel.org>; Thu,  1 May 2025 10:00:00 +0000 (UTC)\nDKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=k1;\n\th=from:to:subject; bh=abcdefghijklmnopqrstuvwxyz0123456789abcdefg=;\n\tb=abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz012345\nTo: kvm@vger.kernel.org\nCc: Maint Ainer <maint@kernel.example>\nDate: Thu,  1 May 2025 10:00:00 +0000\nList-Id: <kvm.vger.kernel.org>\nX-Mailer: git-send-email 2.49.0\n";

fn patch_mail() -> String {
    let mut diff = String::new();
    for i in 0..120 {
        diff.push_str(&format!(
            "+\tvcpu->arch.field_{i} = kvm_read_value(vcpu, {i});\n"
        ));
    }
    format!(
        "From: Ann Author <ann@widgets.example>\nSubject: [PATCH v3 2/7] KVM: x86/mmu: Read the fields in one place\nMessage-ID: <20250501100000.1-3-ann@widgets.example>\nIn-Reply-To: <20250501100000.1-1-ann@widgets.example>\nReferences: <20250501100000.1-1-ann@widgets.example>\n{HEADERS}\nRead every field through one helper so that the next patch can add\ntracing in one place.\n\nNo functional change intended.\n\nReviewed-by: Rev Iewer <rev@reviews.example>\nSigned-off-by: Ann Author <ann@widgets.example>\n---\n arch/x86/kvm/mmu/mmu.c | 120 +++++++++++++++++++++\n 1 file changed, 120 insertions(+)\n\ndiff --git a/arch/x86/kvm/mmu/mmu.c b/arch/x86/kvm/mmu/mmu.c\nindex 0123456..789abcd 100644\n--- a/arch/x86/kvm/mmu/mmu.c\n+++ b/arch/x86/kvm/mmu/mmu.c\n@@ -100,6 +100,126 @@\n{diff}-- \n2.49.0\n"
    )
}

fn qp_patch_mail() -> String {
    patch_mail()
        .replace("Ann Author <ann@", "=?utf-8?q?Zo=C3=AB_Writer?= <ann@")
        .replace(
            "X-Mailer:",
            "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\nX-Mailer:",
        )
        .replace(" = kvm_read_value", " =3D kvm_read_value")
}

fn reply_with_trailer() -> String {
    format!(
        "From: Rev Iewer <rev@reviews.example>\nSubject: Re: [PATCH v3 2/7] KVM: x86/mmu: Read the fields in one place\nMessage-ID: <abc@reviews.example>\nIn-Reply-To: <20250501100000.1-3-ann@widgets.example>\n{HEADERS}\nOn Thu, May 01, 2025, Ann Author wrote:\n> Read every field through one helper so that the next patch can add\n> tracing in one place.\n\nLooks good to me.\n\nReviewed-by: Rev Iewer <rev@reviews.example>\n"
    )
}

fn base64_reply() -> String {
    // "Thanks!\n\nAcked-by: Maint Ainer <maint@kernel.example>\n" in base64.
    format!(
        "From: Maint Ainer <maint@kernel.example>\nSubject: Re: [PATCH v3 0/7] KVM: x86/mmu: Tidy the fields\nMessage-ID: <def@kernel.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n{HEADERS}\nVGhhbmtzIQoKQWNrZWQtYnk6IE1haW50IEFpbmVyIDxtYWludEBrZXJuZWwuZXhhbXBsZT4K\n"
    )
}

fn plain_reply() -> String {
    reply_with_trailer().replace(
        "Reviewed-by: Rev Iewer <rev@reviews.example>\n",
        "Thanks.\n",
    )
}

fn parse_mails(c: &mut Criterion) {
    let mails = [
        ("patch", patch_mail()),
        ("patch_quoted_printable", qp_patch_mail()),
        ("reply_with_trailer", reply_with_trailer()),
        ("reply_base64", base64_reply()),
        ("reply_plain", plain_reply()),
    ];
    let mut group = c.benchmark_group("parse");
    for (name, mail) in &mails {
        group.throughput(Throughput::Bytes(mail.len() as u64));
        let mut parser = MailParser::default();
        group.bench_function(*name, |b| {
            b.iter(|| parser.parse(black_box(mail.as_bytes())))
        });
    }
    group.finish();
}

fn parse_parts(c: &mut Criterion) {
    let subjects = [
        "[PATCH v3 2/7] KVM: x86/mmu: Read the fields in one place",
        "Re: [PATCH net-next,v2,1/2] net: mana: Add PF and XDP_REDIRECT support",
        "AW: RE: [EXTERNAL] Re: [RFC PATCH 00/12] x86/Hyper-V: Add Isolation VM support",
        "[GIT PULL] Hyper-V fixes for v7.1-rc8",
        "Question about the frobnicator",
    ];
    c.bench_function("subject/5 subjects", |b| {
        b.iter(|| {
            for s in &subjects {
                black_box(parse_subject(black_box(s)));
            }
        })
    });
    let body = patch_mail();
    c.bench_function("trailers/patch body", |b| {
        b.iter(|| black_box(trailers(black_box(&body))))
    });
}

criterion_group!(benches, parse_mails, parse_parts);
criterion_main!(benches);
