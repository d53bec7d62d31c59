//! Hostile input, broken archives and output safety (issue 6).
//!
//! - **Hostile mail**: each case puts one hostile mail, generated here,
//!   among three normal patches, and runs `report` in every format under a
//!   memory limit. The report must succeed, still count the normal mails,
//!   warn where the hostile mail deserves it and stay well-formed.
//! - **Broken archives**: a fixture archive is damaged (missing objects, a
//!   truncated or corrupt pack, a commit without `m`, a shallow cut, an
//!   unreadable directory, a writer racing the reader); each gives a
//!   one-line error with its exit code, or a warning and a report.
//! - **Output safety**: a write that fails (file size limit, a full
//!   device) or a run interrupted by SIGINT leaves the previous report and
//!   state byte-identical and no temporary file behind.

mod common;

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{Epoch, T0};
use serde_json::Value;
use tempfile::TempDir;

/// Address space allowed to the binary: far above what any case needs
/// (under 200 MiB resident for the 20 MB mail), far below what a runaway
/// allocation would take.
const MEMORY_LIMIT: u64 = 1 << 30;

/// The binary with the test environment, under [`MEMORY_LIMIT`].
fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lore-digest"));
    cmd.args(args)
        .env("TZ", "UTC")
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("lore-digest-test-cache"),
        )
        // glibc reserves 64 MiB of address space per malloc arena, one per
        // thread on a many-core machine: keep the limit about real use.
        .env("MALLOC_ARENA_MAX", "2")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    // SAFETY: setrlimit is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: MEMORY_LIMIT,
                rlim_max: MEMORY_LIMIT,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd
}

/// `cmd` unable to write files beyond `bytes`: a stand-in for a full disk.
/// Writes past the limit fail with EFBIG; SIGXFSZ is ignored, so the
/// process is not killed but sees the error.
fn with_file_size_limit(mut cmd: Command, bytes: u64) -> Command {
    // SAFETY: signal and setrlimit are async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd
}

fn output(mut cmd: Command) -> (i32, String, String) {
    let out: Output = cmd.output().expect("run lore-digest");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run(args: &[&str]) -> (i32, String, String) {
    output(command(args))
}

fn assert_no_panic(stderr: &str) {
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "panic:\n{stderr}"
    );
}

/// The `lore-digest: warning:` lines of stderr.
fn warnings(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("lore-digest: warning: "))
        .collect()
}

/// Asserts a failure: `code`, and exactly one line `lore-digest: error: …`
/// that contains `contains`.
fn assert_one_line_error(got: (i32, String, String), code: i32, contains: &str) -> String {
    let (got_code, stdout, stderr) = got;
    assert_eq!(got_code, code, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert_no_panic(&stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "not one line:\n{stderr}");
    assert!(
        lines[0].starts_with("lore-digest: error: ") && lines[0].contains(contains),
        "expected an error containing {contains:?}:\n{stderr}"
    );
    lines[0].to_string()
}

// ---------------------------------------------------------------------------
// Hostile mail

/// A normal patch, one of three around each hostile mail.
fn normal(n: u32) -> String {
    format!(
        "From: Normal Author{n} <normal{n}@example.org>\n\
         To: kvm@vger.kernel.org\n\
         Subject: [PATCH] KVM: x86: Fix normal thing {n}\n\
         Date: Thu, 1 May 2025 0{n}:00:00 +0000\n\
         Message-ID: <normal-{n}@example.org>\n\
         List-Id: <kvm.vger.kernel.org>\n\
         \n\
         Fix normal thing {n}.\n\
         \n\
         Signed-off-by: Normal Author{n} <normal{n}@example.org>\n\
         ---\n \
         arch/x86/kvm/x86.c | 2 +-\n \
         1 file changed, 1 insertion(+), 1 deletion(-)\n"
    )
}

/// A header block for a hostile mail, with `subject`.
fn head(subject: &str) -> String {
    format!(
        "From: Hostile Sender <hostile@example.org>\n\
         Subject: {subject}\n\
         Message-ID: <hostile@example.org>\n\
         Date: Thu, 1 May 2025 01:30:00 +0000\n"
    )
}

/// A report of the hostile mails among three normal patches, in every
/// format: exit 0 each time, no panic, well-formed output, the normal
/// patches counted. Returns the JSON report and its stderr.
fn report_among_normal(hostile: &[&[u8]]) -> (Value, String) {
    let tmp = TempDir::new().unwrap();
    let mut epoch = Epoch::new().mail(normal(1), T0).mail(normal(2), T0 + 60);
    for (i, mail) in hostile.iter().enumerate() {
        epoch = epoch.mail(mail, T0 + 120 + i as i64);
    }
    let repo = epoch
        .mail(normal(3), T0 + 600)
        .write(&tmp.path().join("hostile.git"));
    let archive = repo.path_str();
    let args = |format: &'static str| {
        [
            "report",
            "--archive",
            archive,
            "--range",
            "master",
            "--no-cache",
            // Every warning on its line, to compare with the JSON's.
            "--verbose",
            "--format",
            format,
        ]
    };
    let (code, stdout, stderr) = run(&args("json"));
    assert_eq!(code, 0, "{stderr}");
    assert_no_panic(&stderr);
    let json: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("report is not JSON ({e})"));
    let titles: Vec<&str> = json["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    for n in 1..=3 {
        let title = format!("KVM: x86: Fix normal thing {n}");
        assert!(titles.contains(&title.as_str()), "{title} missing");
    }
    let domains = &json["domains"];
    let normal_domain = domains
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["domain"] == "example.org")
        .expect("example.org counted");
    assert!(normal_domain["count"].as_u64().unwrap() >= 3);
    // The JSON report's warnings are the ones printed.
    let printed: Vec<String> = warnings(&stderr)
        .iter()
        .map(|w| w.trim_start_matches("lore-digest: warning: ").to_string())
        .collect();
    assert_eq!(json["warnings"], serde_json::json!(printed));

    for format in ["html", "markdown", "text"] {
        let (code, stdout, stderr) = run(&args(format));
        assert_eq!(code, 0, "{format}: {stderr}");
        assert_no_panic(&stderr);
        assert!(stdout.contains("Fix normal thing 3"), "{format}");
        // No control character from mail reaches a reader's terminal or
        // page (NUL, ESC sequences, a carriage return overwriting a line).
        if let Some(c) = stdout
            .chars()
            .find(|&c| c.is_control() && c != '\n' && c != '\t')
        {
            panic!("{format}: control character {c:?} in the report");
        }
        if format == "html" {
            assert!(stdout.trim_end().ends_with("</html>"), "html cut short");
        }
    }
    (json, stderr)
}

/// The series of the report whose title starts with `title`.
fn series<'a>(json: &'a Value, title: &str) -> &'a Value {
    json["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"].as_str().unwrap().starts_with(title))
        .unwrap_or_else(|| panic!("no series {title:?}"))
}

#[test]
fn a_20_mb_mail() {
    // A patch whose diff is 20 MB: its commit message is kept, the diff not.
    let mut mail = head("[PATCH] mm: A very large patch").into_bytes();
    mail.extend_from_slice(b"\nAdd a big table.\n\nSigned-off-by: Hostile Sender <hostile@example.org>\n---\n big.c | 262144 +\n 1 file changed, 262144 insertions(+)\n\ndiff --git a/big.c b/big.c\n");
    let line = format!("+{}\n", "x".repeat(78));
    while mail.len() < 20 << 20 {
        mail.extend_from_slice(line.as_bytes());
    }
    let (json, stderr) = report_among_normal(&[&mail]);
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    assert_eq!(json["stats"]["messages"], 4);
    assert_eq!(json["stats"]["patches"], 4);
    let big = series(&json, "mm: A very large patch");
    let message = big["patches"][0]["commit_message"].as_str().unwrap();
    assert!(message.starts_with("Add a big table."), "{message}");
    assert!(
        message.len() < 1000,
        "the diff was kept: {} bytes",
        message.len()
    );
}

#[test]
fn ten_thousand_mime_parts() {
    let mut mail = head("[PATCH] Many parts");
    mail.push_str(
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"sep\"\n\npreamble\n",
    );
    mail.push_str("--sep\nContent-Type: text/plain\n\nThe first part.\n---\n a.c | 1 +\n");
    for i in 1..10_000 {
        mail.push_str(&format!("--sep\nContent-Type: text/plain\n\npart {i}\n"));
    }
    mail.push_str("--sep--\n");
    let (json, _) = report_among_normal(&[mail.as_bytes()]);
    assert_eq!(json["stats"]["messages"], 4);
    let patch = &series(&json, "Many parts")["patches"][0];
    assert_eq!(
        patch["commit_message"].as_str().unwrap().lines().next(),
        Some("The first part.")
    );
}

/// A multipart body nested `depth` deep, the text at the bottom.
fn nested(depth: usize) -> String {
    let mut mail = head("[PATCH] Nested parts");
    mail.push_str("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n");
    for i in 0..depth {
        mail.push_str(&format!(
            "--b{i}\nContent-Type: multipart/mixed; boundary=\"b{}\"\n\n",
            i + 1
        ));
    }
    mail.push_str(&format!(
        "--b{depth}\nContent-Type: text/plain\n\nAt the bottom.\n--b{depth}--\n"
    ));
    for i in (0..depth).rev() {
        mail.push_str(&format!("--b{i}--\n"));
    }
    mail
}

#[test]
fn multipart_nested_a_thousand_deep_and_more() {
    // mail-parser keeps nested parts on a heap stack, not the call stack, so
    // no depth can overflow the reader thread's stack; 20,000 checks it at
    // twenty times the depth asked for.
    let (json, stderr) = report_among_normal(&[nested(1_000).as_bytes()]);
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    assert_eq!(json["stats"]["messages"], 4);
    let patch = &series(&json, "Nested parts")["patches"][0];
    assert_eq!(patch["commit_message"], "At the bottom.\n");
    let (json, _) = report_among_normal(&[nested(20_000).as_bytes()]);
    assert_eq!(json["stats"]["messages"], 4);
    // message/rfc822 inside multipart, a thousand deep, never closed.
    let mut mail = head("[PATCH] Nested mail");
    mail.push_str("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"c0\"\n\n");
    for i in 0..1_000 {
        mail.push_str(&format!(
            "--c{i}\nContent-Type: message/rfc822\n\nSubject: inner {i}\nContent-Type: multipart/mixed; boundary=\"c{}\"\n\n",
            i + 1
        ));
    }
    let (json, _) = report_among_normal(&[mail.as_bytes()]);
    assert_eq!(json["stats"]["messages"], 4);
}

#[test]
fn nul_bytes_and_invalid_utf8_in_every_header() {
    let mail: &[u8] = b"From: N\x00ul \xff\xfe <n\x00ul@ex\xffample.org>\n\
        Subject: [PATCH\x00] \xff\xfe Broken\x00 bytes\n\
        Message-ID: <n\x00ul\xff@example.org>\n\
        Date: Thu,\x00 1 May \xff2025\n\
        In-Reply-To: <\x00\xff>\n\
        References: <\x00> <\xff\xfe>\n\
        List-Id: <\xff\x00>\n\
        MIME-Version: 1\x00.0\n\
        Content-Type: text/plain; charset=\"\x00\xff\"\n\
        Content-Transfer-Encoding: \xff\x00\n\
        \n\
        Body \x00\xff.\n---\n a.c | 1 +\n";
    let (json, stderr) = report_among_normal(&[mail]);
    assert_eq!(json["stats"]["messages"], 4);
    // An address with a NUL or an undecodable byte is no address.
    assert_eq!(json["stats"]["without_author"], 1);
    let w = warnings(&stderr);
    assert_eq!(w.len(), 1, "{stderr}");
    assert!(
        w[0].contains("1 mail(s) have no author address"),
        "{stderr}"
    );
}

#[test]
fn terminal_escapes_in_subjects_names_and_bodies() {
    // Set the terminal's title, clear the screen, recolour, and overwrite a
    // line with a carriage return: in a subject, a name and a commit message.
    let mail = "From: =?UTF-8?B?G10wO3B3bmVkBw==?= Evil <evil@example.org>\n\
        Subject: [PATCH] Escaping \u{1b}[2J\u{1b}[31mred =?UTF-8?Q?=1B]0;title=07?= done\n\
        Message-ID: <escape@example.org>\n\
        \n\
        Harmless line\rEvil line\u{1b}[1A\u{0}.\n\
        ---\n a.c | 1 +\n";
    let (json, stderr) = report_among_normal(&[mail.as_bytes()]);
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    let escaping = series(&json, "Escaping");
    assert_eq!(
        escaping["title"],
        "Escaping \u{fffd}[2J\u{fffd}[31mred \u{fffd}]0;title\u{fffd} done"
    );
    let author = &escaping["patches"][0]["author"];
    assert_eq!(author["name"], "\u{fffd}]0;pwned\u{fffd} Evil");
    let message = escaping["patches"][0]["commit_message"].as_str().unwrap();
    assert!(
        message.starts_with("Harmless line\u{fffd}Evil line\u{fffd}[1A\u{fffd}."),
        "{message:?}"
    );
}

#[test]
fn a_one_megabyte_header_line() {
    let long_subject = format!("[PATCH] {}", "word ".repeat(200_000));
    let mut refs = String::from("References:");
    for i in 0..80_000 {
        refs.push_str(&format!(" <ref-{i}@example.org>"));
    }
    assert!(refs.len() > 1 << 20);
    let reply = format!(
        "From: Replier <replier@example.org>\nSubject: Re: [PATCH] KVM: x86: Fix normal thing 1\n\
         Message-ID: <long-refs@example.org>\nIn-Reply-To: <normal-1@example.org>\n{refs}\n\
         X-Junk: {}\n\nReviewed-by: Replier <replier@example.org>\n",
        "j".repeat(1 << 20)
    );
    let subject_mail = format!("{}\nBody.\n---\n a.c | 1 +\n", head(&long_subject));
    let (json, stderr) = report_among_normal(&[subject_mail.as_bytes(), reply.as_bytes()]);
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    assert_eq!(json["stats"]["messages"], 5);
    assert_eq!(json["stats"]["replies"], 1);
    let long = series(&json, "word word");
    assert_eq!(
        long["title"].as_str().unwrap().len(),
        "word ".len() * 200_000 - 1
    );
    // The reply still finds its patch: In-Reply-To comes first.
    let fixed = series(&json, "KVM: x86: Fix normal thing 1");
    assert_eq!(
        fixed["reviews"][0]["people"][0]["email"],
        "replier@example.org"
    );
}

#[test]
fn headers_folded_over_a_hundred_thousand_lines() {
    let mut subject = String::from("[PATCH] Folded");
    let mut refs = String::from("References: <normal-2@example.org>");
    let mut junk = String::from("X-Junk: start");
    for i in 0..100_000 {
        subject.push_str(&format!("\n w{i}"));
        refs.push_str(&format!("\n <ref-{i}@example.org>"));
        junk.push_str(&format!("\n\tj{i}"));
    }
    let patch = format!("{}\nBody.\n---\n a.c | 1 +\n", head(&subject));
    let reply = format!(
        "From: Folder <folder@example.org>\nSubject: Re: [PATCH] KVM: x86: Fix normal thing 2\n\
         Message-ID: <folded-refs@example.org>\n{refs}\n{junk}\n\nAcked-by: Folder <folder@example.org>\n"
    );
    let (json, stderr) = report_among_normal(&[patch.as_bytes(), reply.as_bytes()]);
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    assert_eq!(json["stats"]["messages"], 5);
    let folded = series(&json, "Folded w0 w1 w2");
    assert!(folded["title"].as_str().unwrap().ends_with(" w99999"));
    // 100,001 references, none of them in the selection but the first.
    let fixed = series(&json, "KVM: x86: Fix normal thing 2");
    assert_eq!(fixed["reviews"][0]["kind"], "Acked-by");
}

#[test]
fn absurd_patch_numbers() {
    let huge = format!(
        "{}\nHuge.\n---\n a.c | 1 +\n",
        head("[PATCH 99999999999999999999/0] Huge index")
    );
    let negative = format!(
        "{}\nNegative.\n---\n a.c | 1 +\n",
        head("[PATCH v-1 3/2] Negative version").replace("<hostile@", "<negative@")
    );
    let (json, stderr) = report_among_normal(&[huge.as_bytes(), negative.as_bytes()]);
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    assert_eq!(json["stats"]["patches"], 5);
    // A number that fits no counter is no index: kept among the tag's words.
    let h = series(&json, "Huge index");
    assert_eq!(h["patches"][0]["index"], Value::Null);
    assert_eq!(h["prefixes"], serde_json::json!(["99999999999999999999/0"]));
    // `v-1` is no version (so v1); 3/2 is taken as written.
    let n = series(&json, "Negative version");
    assert_eq!(n["version"], 1);
    assert_eq!(n["prefixes"], serde_json::json!(["v-1"]));
    assert_eq!(n["patches"][0]["index"], 3);
    assert_eq!(n["total"], 2);
}

#[test]
fn reference_loops_self_references_and_duplicate_ids() {
    let mail = |id: &str, subject: &str, refs: &str| {
        format!(
            "From: Looper <looper@example.org>\nSubject: {subject}\nMessage-ID: <{id}>\n\
             In-Reply-To: {refs}\nReferences: {refs}\n\nText.\n---\n a.c | 1 +\n\n\
             diff --git a/a.c b/a.c\n"
        )
    };
    let a = mail("a@loop", "[PATCH 1/2] Loop one", "<b@loop>");
    let b = mail("b@loop", "[PATCH 2/2] Loop two", "<a@loop>");
    let own = mail("self@loop", "Re: Myself", "<self@loop> <self@loop>");
    // Two different patches under one Message-ID, and a mail delivered twice.
    let first = mail("pair@loop", "[PATCH] First of a pair", "");
    let second = mail("pair@loop", "[PATCH] Second of a pair", "");
    let twice = mail("twice@loop", "Re: Said twice", "<a@loop>");
    let (json, stderr) = report_among_normal(&[
        a.as_bytes(),
        b.as_bytes(),
        own.as_bytes(),
        first.as_bytes(),
        second.as_bytes(),
        twice.as_bytes(),
        twice.as_bytes(),
    ]);
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    assert_eq!(json["stats"]["messages"], 10);
    // The first mail of an id stands for it.
    series(&json, "First of a pair");
    // The loop is one series of two patches.
    let looped = series(&json, "Loop one");
    assert_eq!(looped["patches"].as_array().unwrap().len(), 2);
}

#[test]
fn dates_in_year_0_and_9999_and_absurd_offsets() {
    let dated = |n: u32, date: &str| {
        format!(
            "From: Dater <dater@example.org>\nSubject: [PATCH] Dated {n}\nMessage-ID: <dated-{n}@example.org>\n\
             Date: {date}\n\nDated.\n---\n a.c | 1 +\n"
        )
    };
    let mails = [
        dated(0, "Sat, 1 Jan 0000 00:00:00 +0000"),
        dated(1, "Fri, 31 Dec 9999 23:59:59 -9959"),
        dated(2, "Thu, 1 May 2025 00:00:00 +99999999999999999999"),
        dated(3, "Thu, 1 May -2025 99:99:99 -0000"),
        // Odd but well-formed: 20 hours ahead of UTC.
        dated(4, "Thu, 1 May 2025 21:02:00 +2000"),
    ];
    let refs: Vec<&[u8]> = mails.iter().map(|m| m.as_bytes()).collect();
    let (json, stderr) = report_among_normal(&refs);
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    assert_eq!(json["stats"]["patches"], 8);

    // The export shows the Date: header as written, or none: year 0 is not
    // 2000, and an offset of 99 hours is not reduced modulo a day.
    let tmp = TempDir::new().unwrap();
    let mut epoch = Epoch::new();
    for (i, m) in mails.iter().enumerate() {
        epoch = epoch.mail(m, T0 + i as i64);
    }
    let repo = epoch.write(&tmp.path().join("dates.git"));
    let (code, stdout, stderr) =
        run(&["export", "--archive", repo.path_str(), "--range", "master"]);
    assert_eq!(code, 0, "{stderr}");
    let dates: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["date"].clone())
        .collect();
    assert_eq!(dates.len(), 5);
    assert_eq!(dates[0], "0000-01-01T00:00:00Z");
    assert_eq!(dates[1], Value::Null, "year 9999 with offset -99:59");
    assert_eq!(dates[2], Value::Null, "an offset of 10^20 hours");
    assert_eq!(dates[3], Value::Null, "year -2025 at 99:99:99");
    assert_eq!(dates[4], "2025-05-01T01:02:00Z");

    // In an mbox the Date: selects, and a mail with no usable date falls
    // back to its From line.
    let mbox = tmp.path().join("dates.mbox");
    epoch_of(&mails).write_mbox(&mbox);
    let (code, stdout, stderr) = run(&[
        "report",
        "--archive",
        mbox.to_str().unwrap(),
        "--since",
        "1970-01-01",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let r: Value = serde_json::from_str(&stdout).unwrap();
    // The mail dated year 0 lies before the window, as its Date: says;
    // the three without a usable date are placed by their From lines.
    assert_eq!(r["stats"]["messages"], 4);
}

fn epoch_of(mails: &[String]) -> Epoch {
    mails
        .iter()
        .enumerate()
        .fold(Epoch::new(), |e, (i, m)| e.mail(m, T0 + i as i64))
}

#[test]
fn an_empty_mail_and_a_mail_of_headers_only() {
    let only_headers = head("[PATCH] Only headers");
    let no_blank_line =
        "From: Abrupt <abrupt@example.org>\nSubject: Abrupt end\nMessage-ID: <abrupt@example.org>";
    let (json, stderr) =
        report_among_normal(&[b"", only_headers.as_bytes(), no_blank_line.as_bytes()]);
    assert_eq!(json["stats"]["messages"], 5);
    assert_eq!(json["stats"]["missing"], 1);
    let w = warnings(&stderr);
    assert_eq!(w.len(), 1, "{stderr}");
    assert!(
        w[0].contains("1 blob(s) 'm' hold no mail (empty or no header block)"),
        "{stderr}"
    );
    let only = series(&json, "Only headers");
    assert_eq!(only["patches"][0]["commit_message"], "");
}

#[test]
fn an_in_body_from_without_an_address() {
    let mail = format!(
        "{}\nFrom: Nobody In Particular\n\nThe change.\n---\n a.c | 1 +\n",
        head("[PATCH] In-body From without address")
    );
    let (json, stderr) = report_among_normal(&[mail.as_bytes()]);
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    // Not an author: the sender stays the author, and the line stays text.
    let s = series(&json, "In-body From without address");
    assert_eq!(s["author"]["email"], "hostile@example.org");
}

#[test]
fn a_hundred_thousand_trailers() {
    let mut patch = head("[PATCH] Reviewed to death");
    patch.push_str("\nThe change.\n\n");
    let mut reply = String::from(
        "From: Crowd <crowd@example.org>\nSubject: Re: [PATCH] KVM: x86: Fix normal thing 1\n\
         Message-ID: <crowd@example.org>\nIn-Reply-To: <normal-1@example.org>\n\n",
    );
    for i in 0..100_000 {
        patch.push_str(&format!("Reviewed-by: Reviewer {i} <r{i}@example.org>\n"));
        reply.push_str(&format!("Tested-by: Tester {i} <t{i}@example.org>\n"));
    }
    patch.push_str("---\n a.c | 1 +\n");
    // And a line of 200,000 trailer names, which is no trailer at all.
    let one_line = format!(
        "From: Liner <liner@example.org>\nSubject: Re: [PATCH] KVM: x86: Fix normal thing 2\n\
         Message-ID: <liner@example.org>\nIn-Reply-To: <normal-2@example.org>\n\n{}\n",
        "Reviewed-by: ".repeat(200_000)
    );
    let (json, stderr) =
        report_among_normal(&[patch.as_bytes(), reply.as_bytes(), one_line.as_bytes()]);
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    let reviewed = series(&json, "Reviewed to death");
    assert_eq!(
        reviewed["reviews"][0]["people"].as_array().unwrap().len(),
        100_000
    );
    assert_eq!(json["reviewers"].as_array().unwrap().len(), 100_000);
    let tested = series(&json, "KVM: x86: Fix normal thing 1");
    assert_eq!(
        tested["reviews"][0]["people"].as_array().unwrap().len(),
        100_000
    );
    assert!(
        series(&json, "KVM: x86: Fix normal thing 2")["reviews"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

// ---------------------------------------------------------------------------
// Broken archives

/// An archive of `n` normal-looking patches, repacked into one pack.
fn packed_archive(dir: &Path, n: u32) -> common::Repo {
    let mut epoch = Epoch::new();
    for i in 0..n {
        epoch = epoch.mail(
            normal(1)
                .replace("thing 1", &format!("thing {i}"))
                .replace("normal-1@", &format!("packed-{i}@")),
            T0 + i64::from(i) * 60,
        );
    }
    let repo = epoch.write(&dir.join("broken.git"));
    git(&repo.path, &["repack", "-a", "-d", "-q"]);
    repo
}

fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(repo)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn the_pack(repo: &Path) -> std::path::PathBuf {
    std::fs::read_dir(repo.join("objects/pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "pack"))
        .expect("a pack")
}

fn report_json(archive: &str, range: &str) -> (i32, String, String) {
    run(&[
        "report",
        "--archive",
        archive,
        "--range",
        range,
        "--no-cache",
        "--format",
        "json",
    ])
}

/// Rewrites the archive's one pack without the objects `lost`.
fn repack_without(repo: &Path, lost: &[String]) {
    let keep: String = git(repo, &["rev-list", "--objects", "--all"])
        .lines()
        .map(|l| l.split(' ').next().unwrap())
        .filter(|id| !lost.iter().any(|l| l == id))
        .map(|id| format!("{id}\n"))
        .collect();
    let old = the_pack(repo);
    let mut child = Command::new("git")
        .arg("--git-dir")
        .arg(repo)
        .args(["pack-objects", "-q"])
        .arg(repo.join("objects/pack/pack"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), keep.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    for ext in ["pack", "idx", "rev", "bitmap"] {
        let _ = std::fs::remove_file(old.with_extension(ext));
    }
}

#[test]
fn a_pack_without_some_blobs_reports_the_rest() {
    let tmp = TempDir::new().unwrap();
    let repo = packed_archive(tmp.path(), 6);
    // Rewrite the pack without the mail blobs of two commits.
    let lost: Vec<String> = [1, 4]
        .iter()
        .map(|&i| {
            git(&repo.path, &["rev-parse", &format!("master~{i}:m")])
                .trim()
                .to_string()
        })
        .collect();
    repack_without(&repo.path, &lost);
    let (code, stdout, stderr) = report_json(repo.path_str(), "master");
    assert_eq!(code, 0, "{stderr}");
    let r: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(r["stats"]["messages"], 4);
    assert_eq!(r["stats"]["missing"], 2);
    let w = warnings(&stderr);
    assert_eq!(w.len(), 1, "{stderr}");
    assert!(
        w[0].contains("2 mail(s) could not be read from the repository"),
        "{stderr}"
    );
    assert!(w[0].contains("blob m"), "{stderr}");
}

#[test]
fn a_revision_through_a_missing_commit_is_a_damaged_archive() {
    let tmp = TempDir::new().unwrap();
    let repo = packed_archive(tmp.path(), 8);
    let archive = repo.path_str();
    // A history too short is the user's mistake: an unknown revision.
    assert_one_line_error(
        report_json(archive, "master~20"),
        2,
        "unknown revision 'master~20'",
    );
    let lost = git(&repo.path, &["rev-parse", "master~3"])
        .trim()
        .to_string();
    repack_without(&repo.path, &[lost]);
    // Through the lost commit `master~5` cannot be reached: the archive is
    // damaged (exit 1), the revision may well be right.
    let error = assert_one_line_error(report_json(archive, "master~5"), 1, "cannot be read");
    assert!(error.contains("the history of 'master'"), "{error}");
    assert!(error.contains("damaged or incomplete"), "{error}");
    let error = assert_one_line_error(
        report_json(archive, "master~20..master"),
        1,
        "cannot be read",
    );
    assert!(error.contains("'master~20'"), "{error}");
    let error = assert_one_line_error(report_json(archive, "@~4"), 1, "cannot be read");
    assert!(error.contains("the history of 'HEAD'"), "{error}");
    // Only parent steps are judged: a path that does not resolve is still
    // the user's mistake, damage elsewhere or not.
    assert_one_line_error(report_json(archive, "master:nope"), 2, "unknown revision");
}

#[test]
fn a_truncated_or_corrupt_pack_is_a_one_line_error() {
    let tmp = TempDir::new().unwrap();
    let repo = packed_archive(tmp.path(), 40);
    let pack = the_pack(&repo.path);
    let bytes = std::fs::read(&pack).unwrap();
    let archive = repo.path_str();
    let set_mode = |len: usize, flip: Option<usize>| {
        let mut damaged = bytes[..len].to_vec();
        if let Some(at) = flip {
            for b in &mut damaged[at..at + 200] {
                *b ^= 0xff;
            }
        }
        let mut perms = std::fs::metadata(&pack).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&pack, perms).unwrap();
        std::fs::write(&pack, damaged).unwrap();
    };
    // Cut in half: the commits the walk needs are partly gone.
    set_mode(bytes.len() / 2, None);
    assert_one_line_error(report_json(archive, "master"), 1, "broken.git: ");
    // Cut to its header: even the head commit is unreadable. That is a
    // damaged archive (exit 1), not an unknown revision (exit 2).
    set_mode(100, None);
    assert_one_line_error(report_json(archive, "master"), 1, "which cannot be read");
    // Bytes flipped in the middle.
    set_mode(bytes.len(), Some(bytes.len() / 3));
    let (code, _, stderr) = report_json(archive, "master");
    assert_no_panic(&stderr);
    assert!(code == 1 || code == 0, "{code}: {stderr}");
    if code == 1 {
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    } else {
        assert!(
            warnings(&stderr)
                .iter()
                .any(|w| w.contains("could not be read")),
            "{stderr}"
        );
    }
}

#[test]
fn commits_without_m_are_counted_and_warned_about() {
    let tmp = TempDir::new().unwrap();
    let repo = Epoch::new()
        .mail(normal(1), T0)
        .deletion(T0 + 60)
        .mail(normal(2), T0 + 120)
        .deletion(T0 + 180)
        .write(&tmp.path().join("deleted.git"));
    let (code, stdout, stderr) = report_json(repo.path_str(), "master");
    assert_eq!(code, 0, "{stderr}");
    let r: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(r["stats"]["messages"], 2);
    assert_eq!(r["stats"]["missing"], 2);
    let w = warnings(&stderr);
    assert_eq!(
        w,
        [
            "lore-digest: warning: 2 commit(s) hold no mail blob 'm' (deleted or purged mail); counted in stats.missing"
        ]
    );
}

#[test]
fn a_shallow_mirror_says_where_it_was_cut() {
    let tmp = TempDir::new().unwrap();
    let full = packed_archive(tmp.path(), 20);
    let shallow = tmp.path().join("shallow.git");
    let status = Command::new("git")
        .args(["clone", "-q", "--bare", "--depth", "8"])
        .arg(format!("file://{}", full.path.display()))
        .arg(&shallow)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .unwrap();
    assert!(status.success());
    let shallow_s = shallow.to_str().unwrap();
    let cut = git(&shallow, &["rev-parse", "HEAD~7"]);
    // All history up to master: the 8 commits there are, and a warning.
    let (code, stdout, stderr) = report_json(shallow_s, "master");
    assert_eq!(code, 0, "{stderr}");
    let r: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(r["stats"]["messages"], 8);
    let w = warnings(&stderr);
    assert_eq!(w.len(), 1, "{stderr}");
    assert!(
        w[0].contains("shallow mirror cut at commit") && w[0].contains(&cut[..8]),
        "{stderr}"
    );
    // A range within the mirrored history: no warning.
    let (code, _, stderr) = report_json(shallow_s, "master~3..master");
    assert_eq!(code, 0, "{stderr}");
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    // A range from before the cut: its base is not there, and the error says why.
    let before = full.commit(2);
    let range = format!("{before}..master");
    assert_one_line_error(report_json(shallow_s, &range), 2, "shallow mirror");
    assert_one_line_error(
        report_json(shallow_s, "master~12..master"),
        2,
        "shallow mirror",
    );
    // A window that starts after the cut: as for a full archive.
    let (code, stdout, stderr) = run(&[
        "report",
        "--archive",
        shallow_s,
        "--since",
        "2025-05-01T00:15:00Z",
        "--no-cache",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    let r: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(r["stats"]["messages"], 5);
}

#[test]
fn an_unreadable_directory_is_a_one_line_error() {
    let tmp = TempDir::new().unwrap();
    let repo = packed_archive(tmp.path(), 3);
    let root = unsafe { libc::geteuid() } == 0;
    // Root reads anything, whatever the mode: run the binary as nobody.
    if root {
        for dir in [tmp.path(), repo.path.as_path()] {
            std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o755))
                .unwrap();
        }
    }
    let as_nobody = |args: &[&str]| {
        let mut cmd = command(args);
        if root {
            // SAFETY: setgid/setuid are async-signal-safe.
            unsafe {
                cmd.pre_exec(|| {
                    if libc::setgroups(0, std::ptr::null()) != 0
                        || libc::setgid(65534) != 0
                        || libc::setuid(65534) != 0
                    {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        output(cmd)
    };
    let args = [
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        "master",
        "--no-cache",
    ];
    let (code, _, stderr) = as_nobody(&args);
    if code != 0 {
        eprintln!("skipped: the binary cannot run as nobody here ({stderr})");
        return;
    }
    let objects = repo.path.join("objects");
    let mode = |m: u32| {
        std::fs::set_permissions(&objects, std::os::unix::fs::PermissionsExt::from_mode(m)).unwrap()
    };
    mode(0o000);
    let got = as_nobody(&args);
    mode(0o755);
    let line = assert_one_line_error(got, 1, "broken.git: cannot be read: ");
    assert!(line.ends_with("(permission denied)"), "{line}");
    // The archive's own directory unreadable: a read failure too, not "not
    // an archive".
    let set = |m: u32| {
        std::fs::set_permissions(&repo.path, std::os::unix::fs::PermissionsExt::from_mode(m))
            .unwrap()
    };
    set(0o000);
    let got = as_nobody(&args);
    set(0o755);
    assert_one_line_error(got, 1, "broken.git: Permission denied");
}

#[test]
fn a_writer_appending_while_the_report_reads() {
    let tmp = TempDir::new().unwrap();
    let repo = packed_archive(tmp.path(), 300);
    let path = repo.path.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            // One fast-import at a time appends ten commits to master, as
            // public-inbox does while mail arrives.
            let mut round = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && round < 30 {
                append(&path, round * 10, 10);
                round += 1;
            }
            round
        })
    };
    let mut reports = 0;
    while !writer.is_finished() || reports == 0 {
        let (code, stdout, stderr) = report_json(repo.path_str(), "master");
        assert_no_panic(&stderr);
        // Whatever moment the report saw, it is one consistent history: the
        // 300 first mails and a whole number of appended ones.
        assert_eq!(code, 0, "{stderr}");
        let r: Value = serde_json::from_str(&stdout).unwrap();
        let messages = r["stats"]["messages"].as_u64().unwrap();
        assert!(
            messages >= 300 && (messages - 300).is_multiple_of(10),
            "{messages}"
        );
        assert_eq!(r["stats"]["missing"], 0, "{stderr}");
        reports += 1;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let rounds = writer.join().unwrap();
    assert!(rounds > 0);
}

// ---------------------------------------------------------------------------
// Output safety

/// Files in `dir` other than `keep`.
fn strays(dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

#[test]
fn a_failed_write_keeps_the_previous_report() {
    let tmp = TempDir::new().unwrap();
    let repo = packed_archive(tmp.path(), 30);
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("report.json");
    let previous = b"{\"the\": \"previous report\"}\n";
    std::fs::write(&out, previous).unwrap();
    let args = [
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        "master",
        "--no-cache",
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ];
    // A file size limit of 4 KiB stands for a full disk: the write fails
    // with EFBIG (SIGXFSZ ignored, so the process is not killed).
    let cmd = with_file_size_limit(command(&args), 4096);
    assert_one_line_error(output(cmd), 1, "report.json: File too large");
    assert_eq!(std::fs::read(&out).unwrap(), previous);
    assert_eq!(strays(&out_dir, &["report.json"]), Vec::<String>::new());

    // A device that is full: written directly, and the error is one line.
    if Path::new("/dev/full").exists() {
        let full = [
            "report",
            "--archive",
            repo.path_str(),
            "--range",
            "master",
            "--no-cache",
            "-o",
            "/dev/full",
        ];
        assert_one_line_error(run(&full), 1, "/dev/full: No space left on device");
    }
    // Without a limit it is written whole.
    let (code, _, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    let written: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(written["stats"]["messages"], 30);
}

#[test]
fn sigint_leaves_the_previous_report_and_no_temporary_file() {
    let tmp = TempDir::new().unwrap();
    // Big enough that the report takes a while: 1,500 mails with a 20 KB
    // commit message each.
    let mut epoch = Epoch::new();
    let text = "A long commit message line.\n".repeat(700);
    for i in 0..1_500u32 {
        let mail = normal(1)
            .replace("normal-1@", &format!("sig-{i}@"))
            .replace("Fix normal thing 1.\n", &text);
        epoch = epoch.mail(mail, T0 + i64::from(i));
    }
    let repo = epoch.write(&tmp.path().join("big.git"));
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("report.html");
    let previous = b"<p>the previous report</p>\n";
    let args = [
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        "master",
        "--no-cache",
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ];
    // Interrupt at moments spread over the run, before, during and after
    // the write; each time the file is the old one or the whole new one.
    let mut interrupted = 0;
    for delay_ms in [5u64, 40, 80, 120, 160, 200, 260, 330, 420, 550] {
        std::fs::write(&out, previous).unwrap();
        let child = command(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        // SAFETY: kill on a child we own.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let result = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_no_panic(&stderr);
        let now = std::fs::read(&out).unwrap();
        match result.status.code() {
            Some(130) => {
                interrupted += 1;
                assert!(stderr.contains("lore-digest: interrupted"), "{stderr}");
                assert!(
                    now == previous || now.ends_with(b"</html>\n"),
                    "half-written"
                );
            }
            Some(0) => assert!(now.ends_with(b"</html>\n")),
            // Before the handler is installed, at the very start, SIGINT
            // ends the process as it would any other; nothing was written.
            None => {
                use std::os::unix::process::ExitStatusExt;
                assert_eq!(result.status.signal(), Some(libc::SIGINT));
                assert_eq!(now, previous);
            }
            other => panic!("exit {other:?}: {stderr}"),
        }
        assert_eq!(
            strays(&out_dir, &["report.html"]),
            Vec::<String>::new(),
            "after {delay_ms} ms"
        );
    }
    assert!(interrupted > 0, "no run was interrupted");
}

/// Appends `count` commits to master with fast-import, numbered from `first`.
fn append(repo: &Path, first: i64, count: i64) {
    let mut stream = String::new();
    for n in first..first + count {
        let mail = normal(2).replace("normal-2@", &format!("late-{n}@"));
        let t = T0 + 100_000 + n;
        // The first commit continues the branch as the repository has it;
        // the next ones continue fast-import's own.
        let from = if n == first {
            "from refs/heads/master^0\n"
        } else {
            ""
        };
        stream.push_str(&format!(
            "commit refs/heads/master\ncommitter W <w@example.org> {t} +0000\ndata 5\nlate\n{from}deleteall\nM 100644 inline m\ndata {}\n{mail}\n",
            mail.len()
        ));
    }
    stream.push_str("done\n");
    let mut child = Command::new("git")
        .arg("--git-dir")
        .arg(repo)
        .args(["fast-import", "--quiet", "--done", "--force"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), stream.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_failed_state_write_keeps_the_previous_state() {
    let tmp = TempDir::new().unwrap();
    let repo = packed_archive(tmp.path(), 5);
    let config = tmp.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[lists.local]\npath = \"{}\"\n", repo.path.display()),
    )
    .unwrap();
    let state_dir = tmp.path().join("state");
    std::fs::create_dir(&state_dir).unwrap();
    let state = state_dir.join("local.json");
    let args = [
        "update",
        "local",
        "--config",
        config.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
        "--since",
        "@0",
        "--format",
        "json",
    ];
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\"messages\": 5"), "{stdout}");
    let before = std::fs::read(&state).unwrap();
    append(&repo.path, 0, 3);
    // The report goes to stdout (a pipe, which no file size limit holds);
    // the state cannot be written.
    let cmd = with_file_size_limit(command(&args), 16);
    let (code, stdout, stderr) = output(cmd);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("\"messages\": 3"), "{stdout}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("lore-digest: error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(
        errors[0].contains("local.json") && errors[0].contains("File too large"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&state).unwrap(), before);
    // The lock file stays, by design (see lock.rs); nothing else may.
    assert_eq!(
        strays(&state_dir, &["local.json", "local.json.lock"]),
        Vec::<String>::new()
    );
    // So the next run reports the same three mails again.
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\"messages\": 3"), "{stdout}");
    assert_ne!(std::fs::read(&state).unwrap(), before);
}
