//! The bodies of the fuzz targets, shared by the targets in
//! `fuzz/fuzz_targets/` (nightly, libFuzzer) and the stable replay test
//! `crates/lore-digest/tests/fuzz_replay.rs`, which runs every file of
//! `fuzz/corpus/` and `fuzz/regressions/` through them under `cargo test`.
//!
//! Each function takes the fuzzer's bytes and panics when a property
//! fails; the library must not panic on any input.

use arbitrary::{Arbitrary, Unstructured};
use lore_digest::archive::split_mbox_data;
use lore_digest::mail::{
    self, Diffstat, MailParser, b4_change_id, commit_message, may_hold_trailers,
    normalize_whitespace, parse_message, parse_subject, split_in_body_headers,
    strip_reply_prefixes, trailers,
};
use lore_digest::render;
use lore_digest::report::{Report, message_url};

/// The body of a fuzz target.
pub type Target = fn(&[u8]);

/// The targets by name, as the directories of `fuzz/corpus/` are named.
pub const TARGETS: &[(&str, Target)] = &[
    ("message", message),
    ("subject", subject),
    ("body", body),
    ("mbox", mbox),
    ("render", render),
];

/// One raw mail through the message parser: headers, RFC 2047, charsets,
/// transfer encodings, MIME, in-body headers, commit message, trailers.
pub fn message(data: &[u8]) {
    let fresh = parse_message(data);
    // A parser that has read another mail gives the same result (the
    // archive reader reuses one parser per thread).
    let mut parser = MailParser::default();
    let _ = parser.parse(b"From: a <a@b.c>\nSubject: [PATCH v2 1/2] x\n\nbody\n");
    let reused = parser.parse(data);
    assert_eq!(fresh, reused, "a reused parser reads the mail differently");
    if fresh.unparseable {
        return;
    }
    assert_printable(&fresh);
    // What the report does with the parsed parts must not fail either.
    let subject = parse_subject(&fresh.subject.full);
    assert_eq!(subject, fresh.subject);
    let _ = strip_reply_prefixes(&fresh.subject.full);
    if let Some(person) = fresh.author.as_ref().or(fresh.sender.as_ref()) {
        let _ = person.domain();
        let _ = person.display();
        let _ = person.short_name();
    }
}

/// No string of a parsed mail holds a control character a report would
/// pass on to its reader's terminal or page: one-line fields none at all,
/// multi-line text (commit messages) only line breaks and tabs.
fn assert_printable(message: &mail::Message) {
    let one_line = |field: &str, value: &str| {
        assert!(
            !value.contains(char::is_control),
            "a control character in the {field}: {value:?}"
        );
    };
    one_line("subject", &message.subject.full);
    one_line("title", &message.subject.title);
    for id in message
        .message_id
        .iter()
        .chain(&message.in_reply_to)
        .chain(&message.references)
        .chain(&message.change_id)
        .map(String::as_str)
        .chain(message.list_id.as_deref())
    {
        one_line("id", id);
    }
    let people = message.sender.iter().chain(&message.author);
    for person in people.chain(message.trailers.iter().map(|t| &t.person)) {
        one_line("name", &person.name);
        one_line("address", &person.email);
    }
    if let Some(commit) = &message.commit_message {
        assert!(
            !commit
                .text
                .contains(|c: char| c.is_control() && c != '\n' && c != '\t'),
            "a control character in the commit message: {:?}",
            commit.text
        );
    }
}

/// A subject line: reply prefixes, patch tags, version and index numbers.
pub fn subject(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let parsed = parse_subject(&text);
    let _ = parsed.kind;
    let stripped = strip_reply_prefixes(&text);
    assert!(
        text.contains(stripped),
        "stripping prefixes made up text: {stripped:?}"
    );
    let normal = normalize_whitespace(&text);
    assert_eq!(normalize_whitespace(&normal), normal);
    // Parsing is a function of the normalized subject.
    let _ = parse_subject(&normal);
    let _ = mail::parse_address(&text);
}

/// A mail body: git am's in-body headers, the commit message and its
/// diffstat, b4's change-id and the trailers.
pub fn body(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (headers, rest) = split_in_body_headers(&text);
    assert!(
        text.ends_with(rest),
        "the body after the in-body headers is not a suffix"
    );
    let _ = headers;
    let message = commit_message(&text);
    let _ = commit_message(rest);
    let _ = b4_change_id(&text);
    let found = trailers(&text);
    for trailer in &found {
        let _ = trailer.kind.name();
        let _ = trailer.person.display();
    }
    let _ = trailers(&message.text);
    let _ = may_hold_trailers(data, false);
    let _ = may_hold_trailers(data, true);
    for line in text.lines() {
        let _ = Diffstat::parse_summary(line);
    }
}

/// An mbox file: split at `From ` lines, mboxrd quoting undone, each mail
/// parsed as a report would.
pub fn mbox(data: &[u8]) {
    let mails = split_mbox_data(data);
    let total: usize = mails.iter().map(|(bytes, _)| bytes.len()).sum();
    assert!(total <= data.len(), "splitting made the mails longer");
    if data.starts_with(b"From ") {
        assert!(
            !mails.is_empty(),
            "an mbox starting with a From line has no mail"
        );
    }
    let mut parser = MailParser::default();
    for (bytes, _) in mails.iter().take(8) {
        let _ = parser.parse(bytes);
    }
}

/// Tag names the HTML template writes itself: every `<name` and `</name`
/// of `templates/report.html.j2`.
fn template_tags() -> Vec<String> {
    const TEMPLATE: &str =
        include_str!("../crates/lore-digest/src/render/templates/report.html.j2");
    let mut names: Vec<String> = TEMPLATE
        .split('<')
        .skip(1)
        .filter_map(|rest| {
            let rest = rest.strip_prefix('/').unwrap_or(rest);
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A report model built from the fuzzer's bytes. Every string a mail can
/// put into a report (subjects, titles, names, addresses, domains,
/// Message-IDs, commit messages, changelogs, list names, warnings …) is
/// arbitrary. The fields the builder makes itself are given the shapes the
/// builder gives them (see `report::model`): commit ids are hex, times RFC
/// 3339, days `YYYY-MM-DD`, links made by `message_url` from the
/// (arbitrary) Message-ID.
fn arbitrary_report(data: &[u8]) -> arbitrary::Result<(Report, usize)> {
    let mut u = Unstructured::new(data);
    let top = usize::from(u.int_in_range(0u8..=20)?);
    let mut report = Report::arbitrary(&mut u)?;
    let hex = |n: u64| format!("{n:040x}");
    report.from_commit = hex(u.arbitrary()?);
    report.to_commit = hex(u.arbitrary()?);
    report.from = report.from_commit[..8].to_string();
    report.to = report.to_commit[..8].to_string();
    let time = |u: &mut Unstructured| -> arbitrary::Result<String> {
        let seconds = u.int_in_range(0i64..=4_102_444_800)?;
        Ok(jiff::Timestamp::from_second(seconds)
            .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_default())
    };
    let link = |id: &Option<String>| {
        id.as_deref()
            .map(|id| message_url("https://lore.kernel.org/list", id))
    };
    for day in &mut report.timeline {
        day.day = time(&mut u)?[..10].to_string();
    }
    let reason_link = |reason: &mut Option<lore_digest::status::StatusReason>| {
        if let Some(reason) = reason {
            reason.url = link(&reason.message_id);
        }
    };
    for series in &mut report.series {
        series.first_seen = time(&mut u)?;
        series.last_activity = time(&mut u)?;
        series.url = link(&series.message_id);
        reason_link(&mut series.status_reason);
        for mail in series.cover.iter_mut().chain(series.patches.iter_mut()) {
            mail.arrived = time(&mut u)?;
            mail.commit = hex(u.arbitrary()?);
            mail.url = link(&mail.message_id);
            if let Some(applied) = &mut mail.applied {
                applied.url = link(&applied.message_id);
            }
        }
        for version in series
            .earlier_versions
            .iter_mut()
            .chain(series.superseded_by.iter_mut())
        {
            version.first_seen = time(&mut u)?;
            version.url = link(&version.message_id);
        }
    }
    for thread in report
        .pull_requests
        .iter_mut()
        .chain(&mut report.bug_reports)
        .chain(&mut report.discussions)
        .chain(&mut report.earlier_series)
    {
        thread.first_seen = time(&mut u)?;
        thread.last_activity = time(&mut u)?;
        thread.url = link(&thread.message_id);
    }
    for entry in report
        .applied
        .iter_mut()
        .chain(&mut report.awaiting_review)
        .chain(&mut report.changes_requested)
        .chain(&mut report.nacked)
    {
        entry.url = link(&entry.message_id);
        reason_link(&mut entry.reason);
    }
    for patch in report
        .unreviewed_by_section
        .iter_mut()
        .flat_map(|q| q.patches.iter_mut())
        .chain(report.missed_cc.iter_mut().map(|m| &mut m.patch))
    {
        patch.arrived = time(&mut u)?;
        patch.url = link(&patch.message_id);
    }
    for yours in &mut report.your_series {
        yours.url = link(&yours.message_id);
    }
    Ok((report, top))
}

/// An arbitrary report model through each renderer. The HTML page has no
/// tag, attribute or script the template does not write; the Markdown has
/// no HTML but the template's `<details>` and `<summary>`.
pub fn render(data: &[u8]) {
    let Ok((report, top)) = arbitrary_report(data) else {
        return;
    };
    let _ = render::text::render(&report, top);
    let json = render::json::render(&report);
    assert!(
        serde_json::from_str::<serde_json::Value>(&json).is_ok(),
        "the JSON report does not parse"
    );
    let report = std::sync::Arc::new(report);
    check_html(&render::html::render(&report, top));
    check_markdown(&render::markdown::render(&report, top));
}

/// Every `<` of the page opens a tag of the template, with quoted
/// attributes none of which is an event handler or fetches anything.
pub fn check_html(html: &str) {
    assert!(
        !html.starts_with("lore-digest: the HTML template failed"),
        "{html}"
    );
    let allowed = template_tags();
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script reached the page");
    for rest in html.split('<').skip(1) {
        let Some(end) = rest.find('>') else {
            panic!("a `<` that opens no tag: <{}", head(rest));
        };
        let tag = &rest[..end];
        let inner = tag.strip_prefix('/').unwrap_or(tag);
        let name_end = inner
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(inner.len());
        let (name, mut attributes) = inner.split_at(name_end);
        assert!(
            allowed.iter().any(|a| a == name),
            "<{name}> is not a tag of the template: <{}",
            head(rest)
        );
        if name == "!DOCTYPE" {
            continue;
        }
        // `name="value"` pairs; the template quotes every value, and the
        // escaping leaves no `"` inside one.
        while let Some(eq) = attributes.find("=\"") {
            let attribute = attributes[..eq].trim().to_ascii_lowercase();
            assert!(
                attribute
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "odd attribute name {attribute:?} in <{}",
                head(rest)
            );
            assert!(
                !attribute.starts_with("on") && attribute != "src" && attribute != "srcdoc",
                "<{name} {attribute}=…>"
            );
            let value_start = eq + 2;
            let Some(len) = attributes[value_start..].find('"') else {
                panic!("an attribute without closing quote in <{}", head(rest));
            };
            let value = &attributes[value_start..value_start + len];
            if attribute == "href" {
                let value = value.replace("&#x2f;", "/");
                assert!(
                    value.starts_with('#') || value.starts_with("https://lore.kernel.org/list/"),
                    "<a href=\"{value}\">"
                );
            }
            attributes = &attributes[value_start + len + 1..];
        }
        assert!(
            attributes.trim().trim_end_matches('/').is_empty(),
            "an unquoted attribute in <{}",
            head(rest)
        );
    }
}

/// The Markdown read as CommonMark (as GitHub and GitLab read it): its only
/// HTML is the template's `<details>`/`<summary>` (with escaped text
/// between), and its only links are the report's own.
pub fn check_markdown(markdown: &str) {
    use pulldown_cmark::{Event, Parser, Tag};
    assert!(
        !markdown.starts_with("lore-digest: the Markdown template failed"),
        "{markdown}"
    );
    for event in Parser::new(markdown) {
        match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                for rest in html.split('<').skip(1) {
                    let tag = rest.split('>').next().unwrap_or(rest);
                    assert!(
                        matches!(tag, "details" | "/details" | "summary" | "/summary"),
                        "raw HTML <{}> in the Markdown",
                        head(rest)
                    );
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                assert!(
                    dest_url.starts_with("https://lore.kernel.org/list/"),
                    "a link to {dest_url:?} in the Markdown"
                );
            }
            _ => {}
        }
    }
}

/// The start of `s`, for messages.
fn head(s: &str) -> &str {
    let end = s.char_indices().nth(80).map_or(s.len(), |(i, _)| i);
    &s[..end]
}
