//! The evidence recogniser (`lore_digest::status`) over every reply of the
//! real linux-hyperv archive shared beside the repository clone
//! (`../shared/corpus/linux-hyperv.git`, 26,431 mails). Skipped, with a
//! message, when the archive is absent.
//!
//! The expected counts are NOT produced by this code: they come from an
//! independent survey (a separate Python script on the standard `email`
//! package, regular expressions written from the forms' templates, every
//! free-text hit and every rejected look-alike read by hand; see
//! `docs/status-evidence.md`, "Survey"). Where the two disagreed the mail was read
//! and the rule settled; the figures below are what both now give.
//!
//! Set `STATUS_CORPUS_DUMP=<file>` to write one line per piece of evidence
//! (rule, Message-ID, sender, first reason line, tree, branch) for
//! comparing with a new survey.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use lore_digest::archive::Archive;
use lore_digest::mail::{Person, SubjectKind, parse_subject, printable_text};
use lore_digest::status::{Evidence, Kind, Rule, evidence, may_hold_evidence};
use mail_parser::{HeaderName, MessageParser, MimeHeaders};

const ARCHIVE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/linux-hyperv.git"
);

/// Tip of `master` when the survey was made (as in the CLI's corpus test),
/// so that mail added to the archive later does not change the figures.
const TIP: &str = "b22dfe3300dfffcf3c3db5b05e2fefae4595e467";

/// Pieces of evidence per rule over every mail that is not a patch or
/// cover letter, and the mails holding them. The archive holds no mail of
/// Greg's or Andrew's scripts (their rules are tested on mails written
/// from the templates); its one `pw-bot: applied`, a command the bot does
/// not know, is no evidence.
const EXPECTED: &[(Rule, usize, usize)] = &[
    (Rule::B4Ty, 61, 61),
    (Rule::PatchworkBot, 192, 192),
    (Rule::TipBot, 3, 3),
    (Rule::GregKhBot, 0, 0),
    (Rule::AkpmBot, 0, 0),
    (Rule::PrTrackerBot, 81, 81),
    (Rule::FreeText, 563, 560),
    (Rule::PwBot, 90, 90),
    (Rule::Nak, 10, 10),
    (Rule::NackedBy, 1, 1),
];

/// Mails read by hand: (Message-ID, rule, kind, tree, branch, who,
/// first patch's (index, commit)).
type Spot = (
    &'static str,
    Rule,
    Kind,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    Option<(Option<u32>, Option<&'static str>)>,
);

const SPOTS: &[Spot] = &[
    // b4 ty, `Re: (subset)`: one patch of two, its commit from the link.
    (
        "178401201923.6794.11952273321586348029.b4-ty@kernel.org",
        Rule::B4Ty,
        Kind::Applied,
        None,
        None,
        "leon@kernel.org",
        Some((Some(2), Some("eeb9697db6c16d"))),
    ),
    (
        "178358760589.3350016.13533059600878836164.git-patchwork-notify@kernel.org",
        Rule::PatchworkBot,
        Kind::Applied,
        Some("netdev/net-next.git"),
        Some("main"),
        "pabeni@redhat.com",
        Some((None, Some("433f482add31"))),
    ),
    (
        "157921026244.396.8479855058532744201.tip-bot2@tip-bot2",
        Rule::TipBot,
        Kind::Applied,
        Some("tip"),
        Some("timers/core"),
        "daniel.lezcano@linaro.org",
        Some((None, Some("ddc61bbc45017726a2b450350d476b4dc5ae25ce"))),
    ),
    // The older tip-bot: the branch comes from the subject's tag.
    (
        "tip-dd2cb348613b44f9d948b068775e159aad298599@git.kernel.org",
        Rule::TipBot,
        Kind::Applied,
        Some("tip"),
        Some("timers/core"),
        "tglx@linutronix.de",
        Some((None, Some("dd2cb348613b44f9d948b068775e159aad298599"))),
    ),
    (
        "178214619241.1310507.16461535384209779931.pr-tracker-bot@kernel.org",
        Rule::PrTrackerBot,
        Kind::Merged,
        Some("torvalds/linux.git"),
        None,
        "pr-tracker-bot@kernel.org",
        None,
    ),
    (
        "20260622182248.5bfc49ce@kernel.org",
        Rule::PwBot,
        Kind::ChangesRequested,
        None,
        None,
        "kuba@kernel.org",
        None,
    ),
    (
        "aeolHwXHFH4AnX_n@J2N7QTR9R3.cambridge.arm.com",
        Rule::Nak,
        Kind::Nacked,
        None,
        None,
        "mark.rutland@arm.com",
        None,
    ),
    (
        "87pnbp2dcz.fsf@x220.int.ebiederm.org",
        Rule::NackedBy,
        Kind::Nacked,
        None,
        None,
        "ebiederm@xmission.com",
        None,
    ),
    (
        "20260312044401.GA3771304@liuwe-devbox-debian-v2.local",
        Rule::FreeText,
        Kind::Applied,
        None,
        Some("hyperv-next"),
        "wei.liu@kernel.org",
        None,
    ),
    // `Applied 1/3 and 3/3 to pci/misc for v5.16, thanks!`
    (
        "20211012184749.GA1775474@bhelgaas",
        Rule::FreeText,
        Kind::Applied,
        None,
        Some("pci/misc"),
        "helgaas@kernel.org",
        Some((Some(1), None)),
    ),
];

/// Mails that look like notices and hold none.
const NOT_NOTICES: &[&str] = &[
    // `Applied and tested the s390 AP bus and zcrypt part of the patch.`
    "702594ec5852c482f96cfcf84a02cab2@linux.ibm.com",
    // `Applied to tip's x86/sev and checked that this can fix the regression`
    "20220505154717.GA3526@anparri",
    // `Applied on top of 6.8.4, it prevents the early oops I previously`
    "143afb82-dcc4-4fd3-a851-a03b01532694@gmx.de",
    // `… the patch will not be\napplied to any older kernel releases.`
    "2024082418-hexagon-preset-8e7d@gregkh",
    // `The patch picked up for the stable tree will need this bit`
    "4d7bcc3a-4c8e-4757-adae-66be1c5fe921@linux.microsoft.com",
    // `The patch is merged into the mainine recently, but unluckily we noticed`
    "HK0P153MB0322D52F61E540CA7515CC4BBF810@HK0P153MB0322.APCP153.PROD.OUTLOOK.COM",
    // The kernel test robot's `[If your patch is applied to the wrong git tree`
    "202605251945.TesslTvF-lkp@intel.com",
    // `pw-bot: applied`: not a command the bot knows.
    "20231027154040.58e5b09d@kernel.org",
    // A reply quoting `> pw-bot: cr`.
    "ajpNzozyQdWYyWlH@linuxonhyperv3.guj3yctzbm1etfxqx2vob5hsef.xx.internal.cloudapp.net",
];

fn archive() -> Option<PathBuf> {
    let path = PathBuf::from(ARCHIVE);
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("skipping: shared corpus not found at {}", path.display());
        None
    }
}

/// Where the body starts: after the blank line ending the headers.
fn body_start(raw: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', raw)
        .find_map(|i| match &raw[i + 1..] {
            [b'\n', ..] => Some(i + 2),
            [b'\r', b'\n', ..] => Some(i + 3),
            _ => None,
        })
        .unwrap_or(raw.len())
}

/// One mail's evidence, read as a parser would: the first text part decoded
/// and made printable, the prefilter asked on the raw body.
struct Read {
    message_id: String,
    sender: Option<Person>,
    found: Vec<Evidence>,
    prefilter: bool,
}

fn read(parser: &MessageParser, raw: &[u8]) -> Option<Read> {
    // Headers first: patches and cover letters (a third of the mails, and
    // the long ones) are not read further.
    let head = parser.parse_headers(raw)?;
    let subject = head.subject().unwrap_or("");
    if matches!(parse_subject(subject).kind, SubjectKind::Patch(_)) {
        return None;
    }
    let mail = parser.parse(raw)?;
    let multipart = mail
        .content_type()
        .is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("multipart"));
    let base64 = mail
        .content_transfer_encoding()
        .is_some_and(|cte| cte.trim().eq_ignore_ascii_case("base64"));
    let sender = mail.from().and_then(|from| from.first()).and_then(|addr| {
        let address = addr.address.as_deref()?;
        Some(Person::new(addr.name.as_deref().unwrap_or(""), address))
    });
    let body = mail.body_text(0).unwrap_or_default();
    // The parser hands over `printable_text`'s result. It changes only
    // control characters (and CRLF), and unoptimized it costs more than the
    // rest of this test: call it only when there is something to change.
    let body = if has_control(body.as_bytes()) {
        printable_text(&body).into_owned().into()
    } else {
        body
    };
    let found = evidence(&body, subject, sender.as_ref());
    Some(Read {
        message_id: mail.message_id().unwrap_or("").to_string(),
        sender,
        found,
        prefilter: may_hold_evidence(&raw[body_start(raw)..], base64 || multipart),
    })
}

/// Whether `text` holds a byte `printable_text` may change: a control
/// character but tab and LF, DEL, or the first byte of a C1 control (and of
/// other U+0080–U+00BF characters). memchr's passes, ten of them, cost far
/// less than a loop over the bytes in an unoptimized build.
fn has_control(text: &[u8]) -> bool {
    let mut wanted: Vec<u8> = (0u8..0x20).filter(|b| *b != b'\t' && *b != b'\n').collect();
    wanted.extend([0x7f, 0xc2]);
    wanted.chunks(3).any(|c| match *c {
        [a, b, d] => memchr::memchr3(a, b, d, text).is_some(),
        [a, b] => memchr::memchr2(a, b, text).is_some(),
        [a] => memchr::memchr(a, text).is_some(),
        _ => false,
    })
}

/// Every mail of the archive up to [`TIP`]: the archive as the library
/// opens it, its commits walked and each one's blob `m` read raw with
/// gitoxide, on two threads.
fn all_reads(path: &Path) -> Vec<Read> {
    let archive = Archive::open(path).expect("open the corpus");
    let repo = gix::open(&archive.epochs()[0].path).expect("open the epoch");
    let tip = repo
        .rev_parse_single(TIP)
        .expect("the tip is in the corpus");
    let commits: Vec<gix::ObjectId> = repo
        .rev_walk([tip.detach()])
        .all()
        .expect("walk the corpus")
        .map(|info| info.expect("a commit of the walk").id)
        .collect();
    assert_eq!(commits.len(), 26_431, "the corpus up to the tip");
    let shared = repo.into_sync();
    let half = commits.len().div_ceil(2);
    std::thread::scope(|scope| {
        let readers: Vec<_> = commits
            .chunks(half)
            .map(|chunk| {
                let shared = &shared;
                scope.spawn(move || {
                    let repo = shared.to_thread_local();
                    // Only the headers read below get a structured parser.
                    let parser = MessageParser::new()
                        .with_mime_headers()
                        .header_text(HeaderName::Subject)
                        .header_address(HeaderName::From)
                        .header_id(HeaderName::MessageId);
                    chunk
                        .iter()
                        .filter_map(|id| {
                            let tree = repo.find_commit(*id).ok()?.tree().ok()?;
                            let blob = tree.find_entry("m")?.object().ok()?;
                            read(&parser, &blob.data)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        readers
            .into_iter()
            .flat_map(|r| r.join().expect("a reader thread"))
            .collect()
    })
}

#[test]
fn evidence_over_the_corpus() {
    let Some(path) = archive() else { return };
    let reads = all_reads(&path);
    // 26,431 mails less 9,258 patches and 989 cover letters (the figures of
    // the CLI's corpus test, from bench/py_digest.py).
    assert_eq!(reads.len(), 16_184, "mails that are not patches");
    let passed = reads.iter().filter(|r| r.prefilter).count();
    eprintln!("{passed} of {} mails pass the prefilter", reads.len());

    let mut per_rule: BTreeMap<Rule, (usize, usize)> = BTreeMap::new();
    let mut dump = std::env::var_os("STATUS_CORPUS_DUMP")
        .map(|p| std::fs::File::create(p).expect("create the dump"));
    for read in &reads {
        // The prefilter must never turn away a mail that holds evidence.
        assert!(
            read.found.is_empty() || read.prefilter,
            "prefilter missed {}",
            read.message_id
        );
        // The structured notices list their patches; none lost its list.
        for e in &read.found {
            if matches!(e.rule, Rule::B4Ty | Rule::PatchworkBot | Rule::TipBot) {
                assert!(
                    !e.patches.is_empty(),
                    "{}: no patches in {e:?}",
                    read.message_id
                );
            }
            assert!(
                e.warnings.is_empty(),
                "{}: {:?}",
                read.message_id,
                e.warnings
            );
        }
        let mut rules: Vec<Rule> = read.found.iter().map(|e| e.rule).collect();
        for e in &read.found {
            per_rule.entry(e.rule).or_default().0 += 1;
            if let Some(out) = dump.as_mut() {
                let who = read.sender.as_ref().map_or("", |p| p.email.as_str());
                let line = e.lines.first().map_or("", String::as_str);
                let tree = e.tree.as_deref().unwrap_or("");
                let branch = e.branch.as_deref().unwrap_or("");
                let rule = e.rule.name();
                let id = &read.message_id;
                writeln!(out, "{rule}\t{id}\t{who}\t{line}\t{tree}\t{branch}").ok();
            }
        }
        rules.sort_unstable();
        rules.dedup();
        for rule in rules {
            per_rule.entry(rule).or_default().1 += 1;
        }
    }
    let got: Vec<(Rule, usize, usize)> = Rule::ALL
        .iter()
        .map(|r| {
            let (n, mails) = per_rule.get(r).copied().unwrap_or_default();
            (*r, n, mails)
        })
        .collect();
    assert_eq!(got, EXPECTED);

    for (id, rule, kind, tree, branch, who, patch) in SPOTS {
        let read = reads
            .iter()
            .find(|r| r.message_id == *id)
            .unwrap_or_else(|| panic!("{id} is in the corpus"));
        let e = read
            .found
            .iter()
            .find(|e| e.rule == *rule)
            .unwrap_or_else(|| panic!("{id}: no {} evidence in {:?}", rule.name(), read.found));
        assert_eq!(&e.kind, kind, "{id}");
        assert_eq!(
            (e.tree.as_deref(), e.branch.as_deref()),
            (*tree, *branch),
            "{id}"
        );
        assert_eq!(e.by.as_ref().map(|p| p.email.as_str()), Some(*who), "{id}");
        let first = e.patches.first().map(|p| (p.index, p.commit.as_deref()));
        assert_eq!(first, *patch, "{id}");
    }
    let subset = reads
        .iter()
        .find(|r| r.message_id == SPOTS[0].0)
        .is_some_and(|r| r.found[0].subset);
    assert!(subset, "b4's `Re: (subset)`");
    let merge = reads
        .iter()
        .find(|r| r.message_id == SPOTS[4].0)
        .and_then(|r| r.found[0].merge_commit.clone());
    assert_eq!(
        merge.as_deref(),
        Some("6e869de3a1b9ef9f096223e0e7f30c727de4f6bc")
    );
    for id in NOT_NOTICES {
        let read = reads
            .iter()
            .find(|r| r.message_id == *id)
            .unwrap_or_else(|| panic!("{id} is in the corpus"));
        assert_eq!(read.found, [], "{id}");
    }
}
