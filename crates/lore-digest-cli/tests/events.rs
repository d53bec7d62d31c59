//! `update --events FILE`: the lines of two updates over a local inbox (the
//! first update's events, then only the new ones of the second), each valid
//! against `lore-digest schema events`; and the failures that must leave
//! the state and the file as they were (the file a directory, a full disk
//! through a symlink to /dev/full, a mail that fails after the events were
//! appended), after which a rerun appends the update's lines once.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::schema::{assert_valid, validator};
use common::servers::serve_epoch;
use common::{Epoch, T0, patch_body};
use serde_json::Value;
use tempfile::TempDir;

const ANN: &str = "Ann Author <ann@widgets.example>";
const REV: &str = "Rev Iewer <rev@reviews.example>";
const MAINT: &str = "Mai Ntainer <maint@kernel.example>";

fn mail(
    minute: i64,
    from: &str,
    subject: &str,
    id: &str,
    parent: Option<&str>,
    body: &str,
) -> (String, i64) {
    let threading = parent.map_or(String::new(), |p| {
        format!("In-Reply-To: <{p}>\nReferences: <{p}>\n")
    });
    let raw = format!(
        "From: {from}\nSubject: {subject}\nMessage-ID: <{id}>\n{threading}\
         List-Id: <kvm.vger.kernel.org>\n\n{body}"
    );
    (raw, T0 + minute * 60)
}

/// The list's mail in three rounds: what each update adds.
fn round(n: usize) -> Vec<(String, i64)> {
    let patch = |what: &str| patch_body(what, "drivers/widget.c");
    match n {
        1 => vec![
            mail(
                0,
                ANN,
                "[PATCH 0/2] widget: rework",
                "a0@widgets.example",
                None,
                "Two changes.\n",
            ),
            mail(
                1,
                ANN,
                "[PATCH 1/2] widget: one",
                "a1@widgets.example",
                Some("a0@widgets.example"),
                &patch("One."),
            ),
            mail(
                2,
                ANN,
                "[PATCH 2/2] widget: two",
                "a2@widgets.example",
                Some("a0@widgets.example"),
                &patch("Two."),
            ),
            mail(
                3,
                ANN,
                "[PATCH] gadget: fix",
                "b@widgets.example",
                None,
                &patch("Fix."),
            ),
            mail(
                10,
                REV,
                "Re: [PATCH 1/2] widget: one",
                "r1@reviews.example",
                Some("a1@widgets.example"),
                "Reviewed-by: Rev Iewer <rev@reviews.example>\n",
            ),
        ],
        2 => vec![
            mail(
                60,
                ANN,
                "[PATCH v2 0/2] widget: rework",
                "v2a0@widgets.example",
                None,
                "Two changes, v2.\n\nChanges in v2:\n- better\n",
            ),
            mail(
                61,
                ANN,
                "[PATCH v2 1/2] widget: one",
                "v2a1@widgets.example",
                Some("v2a0@widgets.example"),
                &patch("One."),
            ),
            mail(
                62,
                ANN,
                "[PATCH v2 2/2] widget: two",
                "v2a2@widgets.example",
                Some("v2a0@widgets.example"),
                &patch("Two."),
            ),
            mail(
                70,
                REV,
                "Re: [PATCH] gadget: fix",
                "r2@reviews.example",
                Some("b@widgets.example"),
                "Acked-by: Rev Iewer <rev@reviews.example>\n",
            ),
            mail(
                80,
                MAINT,
                "Re: [PATCH] gadget: fix",
                "ty@kernel.example",
                Some("b@widgets.example"),
                "> Fix.\n\nApplied to hyperv-next, thanks.\n",
            ),
        ],
        _ => vec![mail(
            120,
            ANN,
            "[PATCH] gizmo: tidy",
            "c@widgets.example",
            None,
            &patch("Tidy."),
        )],
    }
}

struct List {
    tmp: TempDir,
    config: PathBuf,
    state: PathBuf,
}

impl List {
    fn new() -> List {
        let tmp = TempDir::new().unwrap();
        let config = tmp.path().join("config.toml");
        let state = tmp.path().join("state/kvm.json");
        std::fs::write(
            &config,
            format!(
                "[lists.kvm]\npath = \"{}\"\ntitle = \"KVM\"\n",
                tmp.path().join("server/kvm").display()
            ),
        )
        .unwrap();
        List { tmp, config, state }
    }

    /// The list now holds the mails of rounds `1..=rounds`.
    fn mails(&self, rounds: usize) {
        let epoch = (1..=rounds)
            .flat_map(round)
            .fold(Epoch::new(), |e, (raw, time)| e.mail(raw, time));
        serve_epoch(&self.tmp.path().join("server"), 0, &epoch);
    }

    fn update(&self, extra: &[&str]) -> (i32, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_lore-digest"))
            .args(["update", "kvm", "--config"])
            .arg(&self.config)
            .arg("--state")
            .arg(&self.state)
            .args(["--since", "2025-04-01"])
            .args(extra)
            .env("XDG_CACHE_HOME", self.tmp.path().join("cache"))
            .stdin(Stdio::null())
            .output()
            .expect("run lore-digest");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn state(&self) -> Vec<u8> {
        std::fs::read(&self.state).expect("a state")
    }
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a whole JSON line"))
        .collect()
}

/// `event series` of each line.
fn summary(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["event"].as_str().unwrap(),
                e["series"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

/// A failed run: `code`, one line naming `contains`.
fn assert_fails((code, stderr): (i32, String), contains: &str) {
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "not one line:\n{stderr}");
    assert!(
        lines[0].starts_with("lore-digest: error: ") && lines[0].contains(contains),
        "expected `{contains}` in:\n{stderr}"
    );
}

#[test]
fn two_updates_append_their_own_events_and_failures_append_nothing() {
    let schema = validator("events");
    let list = List::new();
    let events = list.tmp.path().join("kvm-events.jsonl");
    let events_arg = events.to_str().unwrap();
    list.mails(1);
    let (code, stderr) = list.update(&["--events", events_arg]);
    assert_eq!(code, 0, "{stderr}");
    let first = lines(&events);
    assert_eq!(
        summary(&first),
        [
            "series_posted a0@widgets.example",
            "series_posted b@widgets.example",
            "review_given a0@widgets.example",
        ]
    );
    assert_eq!(
        first[0]["message_ids"],
        serde_json::json!([
            "a0@widgets.example",
            "a1@widgets.example",
            "a2@widgets.example"
        ])
    );
    assert_eq!(first[0]["people"][0]["email"], "ann@widgets.example");
    assert_eq!(first[0]["time"], "2025-05-01T00:00:00Z");
    assert_eq!(first[2]["patch"], "a1@widgets.example");
    assert_eq!(first[2]["people"][0]["email"], "rev@reviews.example");

    list.mails(2);
    let (code, stderr) = list.update(&["--events", events_arg]);
    assert_eq!(code, 0, "{stderr}");
    let both = lines(&events);
    assert_eq!(
        both[..3],
        first[..],
        "the first update's lines stay as they were"
    );
    assert_eq!(
        summary(&both[3..]),
        [
            "series_revised v2a0@widgets.example",
            "series_superseded a0@widgets.example",
            "review_given b@widgets.example",
            "series_applied b@widgets.example",
        ]
    );
    assert_eq!(both[3]["previous"]["message_id"], "a0@widgets.example");
    assert_eq!(both[4]["superseded_by"]["version"], 2);
    assert_eq!(both[5]["kind"], "Acked-by");
    assert_eq!(both[6]["branch"], "hyperv-next");
    assert_eq!(both[6]["people"][0]["email"], "maint@kernel.example");
    assert_eq!(both[6]["message_ids"][0], "ty@kernel.example");

    // The third round fails three ways, each leaving state and file.
    list.mails(3);
    let state = list.state();
    let file = std::fs::read(&events).unwrap();
    let dir = list.tmp.path().join("a-directory");
    std::fs::create_dir(&dir).unwrap();
    assert_fails(
        list.update(&["--events", dir.to_str().unwrap()]),
        "Is a directory",
    );
    assert_eq!(list.state(), state, "the state after a directory");
    if Path::new("/dev/full").exists() {
        let full = list.tmp.path().join("full.jsonl");
        std::os::unix::fs::symlink("/dev/full", &full).unwrap();
        assert_fails(
            list.update(&["--events", full.to_str().unwrap()]),
            "No space left on device",
        );
        assert_eq!(list.state(), state, "the state after a full disk");
    }
    // The mail goes out after the events; when it fails, they are cut off.
    let not_a_dir = list.tmp.path().join("plain-file");
    std::fs::write(&not_a_dir, "").unwrap();
    let eml_dir = not_a_dir.join("eml");
    assert_fails(
        list.update(&[
            "--events",
            events_arg,
            "--mail-to",
            "digest@example.org",
            "--mail-from",
            "bot@example.org",
            "--mail-dry-run",
            eml_dir.to_str().unwrap(),
        ]),
        "Not a directory",
    );
    assert_eq!(list.state(), state, "the state after a failed mail");
    assert_eq!(
        std::fs::read(&events).unwrap(),
        file,
        "the events after a failed mail"
    );

    // The rerun appends the third update's one line, once.
    let (code, stderr) = list.update(&["--events", events_arg]);
    assert_eq!(code, 0, "{stderr}");
    let all = lines(&events);
    assert_eq!(all[..7], both[..]);
    assert_eq!(summary(&all[7..]), ["series_posted c@widgets.example"]);
    for (i, event) in all.iter().enumerate() {
        assert_eq!(event["format_version"], "1.2");
        assert_valid(&schema, event, &format!("event line {i}"));
    }
    // Nothing new: nothing appended.
    let (code, stderr) = list.update(&["--events", events_arg]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines(&events).len(), 8);
}

#[test]
fn the_list_configuration_names_the_events_file() {
    let list = List::new();
    let events = list.tmp.path().join("from-config.jsonl");
    let config = std::fs::read_to_string(&list.config).unwrap();
    std::fs::write(
        &list.config,
        format!("{config}events = \"{}\"\n", events.display()),
    )
    .unwrap();
    list.mails(1);
    let (code, stderr) = list.update(&[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines(&events).len(), 3);
    // Not under [defaults]: a rollback cuts the file back, so it is one list's.
    std::fs::write(
        &list.config,
        format!("[defaults]\nevents = \"{}\"\n", events.display()),
    )
    .unwrap();
    let (code, stderr) = list.update(&[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("[defaults]: `events`"), "{stderr}");
}
