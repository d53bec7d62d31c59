//! One test per event kind, each over a report built from mails.

use super::*;
use crate::archive::{MailRecord, ReadOutcome, Selected};
use crate::report::{Options, from_mails};

const ANN: &str = "Ann Author <ann@x.org>";
const REV: &str = "Rev Iewer <rev@y.org>";
const MAINT: &str = "Mai Ntainer <maint@k.org>";
const BODY: &str = "Change.\n\nSigned-off-by: Ann Author <ann@x.org>\n---\n a.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\ndiff --git a/a.c b/a.c\n";
/// 2025-05-01T00:00:00Z.
const T0: i64 = 1_746_057_600;

fn mail(
    id: &str,
    from: &str,
    subject: &str,
    parent: Option<&str>,
    body: &str,
    minute: i64,
) -> MailRecord {
    let mut raw = format!("From: {from}\nSubject: {subject}\nMessage-ID: <{id}>\n");
    if let Some(parent) = parent {
        raw.push_str(&format!(
            "In-Reply-To: <{parent}>\nReferences: <{parent}>\n"
        ));
    }
    raw.push_str(&format!("\n{body}"));
    MailRecord::parsed(&raw, T0 + minute * 60)
}

fn report_events(mails: Vec<MailRecord>) -> Vec<Event> {
    let null = gix::ObjectId::null(gix::hash::Kind::Sha1);
    let selected = Selected {
        commits: Vec::new(),
        from: null,
        to: null,
        notes: Vec::new(),
        named_ends: None,
        open_start: true,
    };
    let outcome = ReadOutcome {
        mails,
        missing: Vec::new(),
    };
    events(&from_mails(
        "test",
        &selected,
        outcome,
        Vec::new(),
        &Options::default(),
    ))
}

fn names(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(Event::name).collect()
}

fn person(text: &str) -> Person {
    crate::mail::parse_address(text).unwrap()
}

/// A two-patch series with its cover letter `id`, titled `widget: rework`.
fn series(version: &str, id: &str, minute: i64) -> Vec<MailRecord> {
    titled(version, id, "widget", minute)
}

fn titled(version: &str, id: &str, area: &str, minute: i64) -> Vec<MailRecord> {
    vec![
        mail(
            id,
            ANN,
            &format!("[PATCH{version} 0/2] {area}: rework"),
            None,
            "Cover.\n",
            minute,
        ),
        mail(
            &format!("{id}.1"),
            ANN,
            &format!("[PATCH{version} 1/2] {area}: one"),
            Some(id),
            BODY,
            minute + 1,
        ),
        mail(
            &format!("{id}.2"),
            ANN,
            &format!("[PATCH{version} 2/2] {area}: two"),
            Some(id),
            BODY,
            minute + 2,
        ),
    ]
}

#[test]
fn a_new_series_is_posted_with_its_mails_and_author() {
    let events = report_events(series("", "c", 0));
    assert_eq!(names(&events), ["series_posted"]);
    let Event::SeriesPosted {
        time,
        series,
        message_ids,
        people,
        title,
        version,
        total,
        ..
    } = &events[0]
    else {
        unreachable!()
    };
    assert_eq!(time, "2025-05-01T00:00:00Z");
    assert_eq!(series.as_deref(), Some("c"));
    assert_eq!(message_ids, &["c", "c.1", "c.2"]);
    assert_eq!(people, &[person(ANN)]);
    assert_eq!(
        (title.as_str(), *version, *total),
        ("widget: rework", 1, Some(2))
    );
}

#[test]
fn a_new_version_revises_the_series_and_supersedes_the_old_one() {
    let mut mails = series("", "v1", 0);
    mails.extend(series(" v2", "v2", 60));
    let events = report_events(mails);
    assert_eq!(
        names(&events),
        ["series_posted", "series_revised", "series_superseded"]
    );
    let Event::SeriesSuperseded {
        time,
        series,
        version,
        message_ids,
        superseded_by,
        ..
    } = &events[2]
    else {
        unreachable!()
    };
    assert_eq!(
        (time.as_str(), series.as_deref(), *version),
        ("2025-05-01T01:00:00Z", Some("v1"), 1)
    );
    assert_eq!(message_ids, &["v1", "v2"]);
    assert_eq!(superseded_by.as_ref().map(|v| v.version), Some(2));
    let Event::SeriesRevised {
        series,
        version,
        previous,
        ..
    } = &events[1]
    else {
        unreachable!()
    };
    assert_eq!((series.as_deref(), *version), (Some("v2"), 2));
    assert_eq!(
        (previous.version, previous.message_id.as_deref()),
        (1, Some("v1"))
    );
}

#[test]
fn each_review_given_in_a_reply_is_an_event_carried_ones_are_not() {
    let mut mails = series("", "c", 0);
    // Carried by the patch itself: given before, not in this window.
    mails[2] = mail(
        "c.2",
        ANN,
        "[PATCH 2/2] widget: two",
        Some("c"),
        &BODY.replace("Change.", "Change.\n\nReviewed-by: Old <old@z.org>"),
        2,
    );
    mails.push(mail(
        "r1",
        REV,
        "Re: [PATCH 1/2] widget: one",
        Some("c.1"),
        "Reviewed-by: Rev Iewer <rev@y.org>\n",
        10,
    ));
    mails.push(mail(
        "r2",
        MAINT,
        "Re: [PATCH 0/2] widget: rework",
        Some("c"),
        "Acked-by: Mai Ntainer <maint@k.org>\nCc: Someone <s@o.org>\n",
        20,
    ));
    let events = report_events(mails);
    assert_eq!(
        names(&events),
        ["series_posted", "review_given", "review_given"]
    );
    let Event::ReviewGiven {
        time,
        series,
        message_ids,
        people,
        kind,
        patch,
        patch_index,
        ..
    } = &events[1]
    else {
        unreachable!()
    };
    assert_eq!(
        (time.as_str(), series.as_deref()),
        ("2025-05-01T00:10:00Z", Some("c"))
    );
    assert_eq!(message_ids, &["r1", "c.1"]);
    assert_eq!(people, &[person(REV)]);
    assert_eq!(
        (*kind, patch.as_deref(), *patch_index),
        (TrailerKind::ReviewedBy, Some("c.1"), Some(1))
    );
    let Event::ReviewGiven {
        kind,
        patch,
        patch_index,
        ..
    } = &events[2]
    else {
        unreachable!()
    };
    assert_eq!(
        (*kind, patch.as_deref(), *patch_index),
        (TrailerKind::AckedBy, Some("c"), Some(0))
    );
}

#[test]
fn a_review_on_a_series_posted_before_the_window_names_that_series() {
    let events = report_events(vec![mail(
        "r1",
        REV,
        "Re: [PATCH v3 2/4] widget: old",
        Some("earlier.2"),
        "Tested-by: Rev Iewer <rev@y.org>\n",
        5,
    )]);
    assert_eq!(names(&events), ["review_given"]);
    let Event::ReviewGiven {
        series,
        title,
        version,
        message_ids,
        patch,
        patch_index,
        kind,
        ..
    } = &events[0]
    else {
        unreachable!()
    };
    assert_eq!(series.as_deref(), Some("earlier.2"));
    assert_eq!((title.as_str(), *version), ("widget: old", 3));
    assert_eq!(message_ids, &["r1"]);
    assert_eq!(
        (patch.as_deref(), *patch_index, *kind),
        (None, Some(2), TrailerKind::TestedBy)
    );
}

#[test]
fn an_applied_notice_names_the_tree_branch_commits_and_who() {
    let mut mails = series("", "c", 0);
    mails.push(mail(
        "ty",
        MAINT,
        "Re: [PATCH 0/2] widget: rework",
        Some("c"),
        "On Thu, Ann wrote:\n> Cover.\n\nApplied to hyperv-next, thanks.\n",
        30,
    ));
    let events = report_events(mails);
    assert_eq!(names(&events), ["series_posted", "series_applied"]);
    let Event::SeriesApplied {
        time,
        series,
        message_ids,
        people,
        partial,
        branch,
        rule,
        ..
    } = &events[1]
    else {
        unreachable!()
    };
    assert_eq!(
        (time.as_str(), series.as_deref()),
        ("2025-05-01T00:30:00Z", Some("c"))
    );
    assert_eq!(message_ids, &["ty", "c"]);
    assert_eq!(people, &[person(MAINT)]);
    assert_eq!(
        (*partial, branch.as_deref(), rule.as_str()),
        (false, Some("hyperv-next"), "free-text")
    );
}

#[test]
fn a_notice_on_a_series_posted_before_the_window_is_its_event() {
    let events = report_events(vec![mail(
        "ty",
        MAINT,
        "Re: [PATCH net-next v2 0/3] net: old thing",
        Some("earlier"),
        "Hello:\n\nThis series was applied to netdev/net-next.git (main)\nby Mai Ntainer <maint@k.org>:\n\nOn Mon, 1 May 2025 you wrote:\n> ...\n\nHere is the summary with links:\n  - [net-next,v2,1/3] net: one\n    https://git.kernel.org/netdev/net-next/c/0123456789ab\n\nYou are awesome, thank you!\n",
        30,
    )]);
    assert_eq!(names(&events), ["series_applied"]);
    let Event::SeriesApplied {
        series,
        version,
        tree,
        branch,
        commits,
        patches_applied,
        rule,
        ..
    } = &events[0]
    else {
        unreachable!()
    };
    assert_eq!((series.as_deref(), *version), (Some("earlier"), 2));
    assert_eq!(
        (tree.as_deref(), branch.as_deref()),
        (Some("netdev/net-next.git"), Some("main"))
    );
    assert_eq!(commits, &["0123456789ab"]);
    assert_eq!(
        (*patches_applied, rule.as_str()),
        (Some(1), "patchwork-bot")
    );
}

#[test]
fn changes_requested_and_nacked_come_from_their_notices() {
    let mut mails = series("", "a", 0);
    mails.extend(titled("", "b", "gadget", 10));
    mails.push(mail(
        "cr",
        MAINT,
        "Re: [PATCH 1/2] widget: one",
        Some("a.1"),
        "This needs work.\n\npw-bot: cr\n",
        40,
    ));
    mails.push(mail(
        "nak",
        REV,
        "Re: [PATCH 0/2] gadget: rework",
        Some("b"),
        "NAK\n\nThis breaks everything.\n",
        50,
    ));
    let events = report_events(mails);
    assert_eq!(
        names(&events),
        [
            "series_posted",
            "series_posted",
            "changes_requested",
            "nacked"
        ]
    );
    let Event::ChangesRequested {
        series,
        message_ids,
        people,
        rule,
        ..
    } = &events[2]
    else {
        unreachable!()
    };
    assert_eq!((series.as_deref(), rule.as_str()), (Some("a"), "pw-bot"));
    assert_eq!(message_ids, &["cr", "a"]);
    assert_eq!(people, &[person(MAINT)]);
    let Event::Nacked {
        time,
        series,
        people,
        rule,
        ..
    } = &events[3]
    else {
        unreachable!()
    };
    assert_eq!(
        (time.as_str(), series.as_deref(), rule.as_str()),
        ("2025-05-01T00:50:00Z", Some("b"), "nak")
    );
    assert_eq!(people, &[person(REV)]);
}

#[test]
fn a_superseded_notice_without_a_newer_version_is_an_event() {
    let mut mails = series("", "c", 0);
    mails.push(mail(
        "sup",
        MAINT,
        "Re: [PATCH 0/2] widget: rework",
        Some("c"),
        "pw-bot: superseded\n",
        10,
    ));
    let events = report_events(mails);
    assert_eq!(names(&events), ["series_posted", "series_superseded"]);
    let Event::SeriesSuperseded {
        series,
        message_ids,
        superseded_by,
        people,
        ..
    } = &events[1]
    else {
        unreachable!()
    };
    assert_eq!(series.as_deref(), Some("c"));
    assert_eq!(message_ids, &["c", "sup"]);
    assert_eq!(
        (superseded_by, people.as_slice()),
        (&None, &[person(MAINT)][..])
    );
}

#[test]
fn lines_are_whole_json_objects_with_their_format_version() {
    let events = report_events(series("", "c", 0));
    let text = String::from_utf8(to_jsonl(&events)).unwrap();
    assert!(text.ends_with('\n'));
    let line: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(line["event"], "series_posted");
    assert_eq!(line["format_version"], crate::contract::FORMAT_VERSION);
    assert_eq!(line["people"][0]["email"], "ann@x.org");
}
