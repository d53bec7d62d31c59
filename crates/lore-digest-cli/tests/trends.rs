//! `lore-digest trends` and `report --compare` over a fixture archive of a
//! few months, whose figures per period are worked out by hand below.

mod common;

use common::{DAY, Epoch, HOUR, T0, list_mail, patch_body, run_json, run_ok};
use serde_json::Value;
use tempfile::TempDir;

/// 2025-05-02T00:00:00Z: the first day with mail (T0 is May 1).
const MAY2: i64 = T0 + DAY;
/// 2025-06-01T00:00:00Z.
const JUNE: i64 = T0 + 31 * DAY;

/// Four mails in May, five in June, one each in July, December and
/// January 2026:
/// - Ann (widgets) posts a two-patch series on May 2; Rev (kernel.org)
///   reviews patch 1 on May 5 (3 days later, across organizations); her
///   colleague Col acks the cover on June 1 (not across); Maint applies it
///   on June 2;
/// - Bob (gmail) posts a lone patch on June 10, reviewed by Rev on June 11
///   (1 day, across); Ann posts another on June 20, never reviewed;
/// - Zed starts a discussion on July 1, Ann answers on December 15, Bob
///   posts a patch on 2026-01-05.
fn archive(dir: &std::path::Path) -> common::Repo {
    let ann = "Ann Author <ann@widgets.example>";
    let patch = |what: &str| patch_body(what, "drivers/hv/vmbus.c");
    Epoch::new()
        .mail(
            list_mail(
                ann,
                "[PATCH 0/2] gadget: speed up",
                "c1@w",
                None,
                "Two patches.\n",
            ),
            MAY2 + 2 * HOUR,
        )
        .mail(
            list_mail(
                ann,
                "[PATCH 1/2] gadget: one",
                "p1@w",
                Some("c1@w"),
                &patch("One."),
            ),
            MAY2 + 2 * HOUR + 60,
        )
        .mail(
            list_mail(
                ann,
                "[PATCH 2/2] gadget: two",
                "p2@w",
                Some("c1@w"),
                &patch("Two."),
            ),
            MAY2 + 2 * HOUR + 120,
        )
        .mail(
            list_mail(
                "Rev Iewer <rev@kernel.org>",
                "Re: [PATCH 1/2] gadget: one",
                "r1@k",
                Some("p1@w"),
                "Reviewed-by: Rev Iewer <rev@kernel.org>\n",
            ),
            MAY2 + 3 * DAY + 10 * HOUR,
        )
        .mail(
            list_mail(
                "Col League <col@widgets.example>",
                "Re: [PATCH 0/2] gadget: speed up",
                "a1@w",
                Some("c1@w"),
                "Acked-by: Col League <col@widgets.example>\n",
            ),
            JUNE + 9 * HOUR,
        )
        .mail(
            list_mail(
                "Mai Ntainer <maint@kernel.example>",
                "Re: [PATCH 0/2] gadget: speed up",
                "ty@k",
                Some("c1@w"),
                "Applied to hyperv-next, thanks!\n",
            ),
            JUNE + DAY,
        )
        .mail(
            list_mail(
                "Bob Hobby <bob@gmail.com>",
                "[PATCH] thing: fix",
                "b1@g",
                None,
                &patch("Fix."),
            ),
            JUNE + 9 * DAY,
        )
        .mail(
            list_mail(
                "Rev Iewer <rev@kernel.org>",
                "Re: [PATCH] thing: fix",
                "r2@k",
                Some("b1@g"),
                "Reviewed-by: Rev Iewer <rev@kernel.org>\n",
            ),
            JUNE + 10 * DAY + HOUR,
        )
        .mail(
            list_mail(ann, "[PATCH] gadget: more", "m1@w", None, &patch("More.")),
            JUNE + 19 * DAY,
        )
        .mail(
            list_mail(
                "Zed <zed@zed.example>",
                "kvm question",
                "q@z",
                None,
                "Why?\n",
            ),
            JUNE + 30 * DAY + 600,
        )
        .mail(
            list_mail(ann, "Re: kvm question", "q2@w", Some("q@z"), "Because.\n"),
            T0 + 228 * DAY,
        )
        .mail(
            list_mail(
                "Bob Hobby <bob@gmail.com>",
                "[PATCH] late: one",
                "b2@g",
                None,
                &patch("Late."),
            ),
            T0 + 249 * DAY,
        )
        .write(&dir.join("list.git"))
}

fn orgmap(dir: &std::path::Path) -> String {
    let path = dir.join("orgs.map");
    std::fs::write(&path, "widgets.example Widgets Inc\n").unwrap();
    path.to_str().unwrap().to_string()
}

fn numbers(rows: &Value, field: &str) -> Vec<Value> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r[field].clone())
        .collect()
}

#[test]
fn trends_count_each_figure_in_the_month_it_arrived_in() {
    let tmp = TempDir::new().unwrap();
    let repo = archive(tmp.path());
    let orgs = orgmap(tmp.path());
    let t = run_json(&["trends", "--archive", repo.path_str(), "--orgmap", &orgs]);
    assert_eq!(t["format_version"], "1.2");
    assert_eq!(t["by"], "month");
    assert_eq!(t["first_mail"], "2025-05-02T02:00:00Z");
    let rows = &t["rows"];
    let periods: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["period"].as_str().unwrap())
        .collect();
    assert_eq!(
        periods,
        [
            "2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12",
            "2026-01"
        ]
    );
    let n = |v: &[i64]| v.iter().map(|&x| Value::from(x)).collect::<Vec<_>>();
    assert_eq!(numbers(rows, "messages"), n(&[4, 5, 1, 0, 0, 0, 0, 1, 1]));
    assert_eq!(numbers(rows, "series"), n(&[1, 2, 0, 0, 0, 0, 0, 0, 1]));
    assert_eq!(numbers(rows, "patches"), n(&[2, 2, 0, 0, 0, 0, 0, 0, 1]));
    // Applied where the notice came: June, though posted in May.
    assert_eq!(numbers(rows, "applied"), n(&[0, 2, 0, 0, 0, 0, 0, 0, 0]));
    assert_eq!(numbers(rows, "reviews"), n(&[1, 2, 0, 0, 0, 0, 0, 0, 0]));
    assert_eq!(rows[0]["median_days_to_first_review"], 3.0);
    assert_eq!(rows[1]["median_days_to_first_review"], 1.0);
    assert_eq!(rows[2]["median_days_to_first_review"], Value::Null);
    // May: Rev reviews Widgets. June: Col acks a colleague, Rev reviews Bob.
    assert_eq!(rows[0]["cross_organization_share"], 1.0);
    assert_eq!(rows[1]["cross_organization_reviews"], 1);
    assert_eq!(rows[1]["reviews_with_organizations"], 2);
    assert_eq!(rows[1]["cross_organization_share"], 0.5);
    assert_eq!(rows[3]["cross_organization_share"], Value::Null);
    assert_eq!(rows[0]["organizations"][0]["name"], "Widgets Inc");
    assert_eq!(rows[0]["organizations"][0]["count"], 3);
    assert_eq!(
        (rows[1]["start"].as_str(), rows[1]["end"].as_str()),
        (Some("2025-06-01"), Some("2025-06-30"))
    );
}

#[test]
fn trends_by_week_quarter_and_year_add_up_to_the_same() {
    let tmp = TempDir::new().unwrap();
    let repo = archive(tmp.path());
    let total = |by: &str| -> (usize, Vec<String>, i64) {
        let t = run_json(&["trends", "--archive", repo.path_str(), "--by", by]);
        let rows = t["rows"].as_array().unwrap().clone();
        let labels = rows
            .iter()
            .map(|r| r["period"].as_str().unwrap().to_string())
            .collect();
        (
            rows.len(),
            labels,
            rows.iter().map(|r| r["messages"].as_i64().unwrap()).sum(),
        )
    };
    let (n, years, sum) = total("year");
    assert_eq!((n, sum), (2, 12));
    assert_eq!(years, ["2025", "2026"]);
    let (_, quarters, sum) = total("quarter");
    assert_eq!(quarters, ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]);
    assert_eq!(sum, 12);
    let (n, weeks, sum) = total("week");
    // Friday 2025-05-02 is in 2025-W18; Monday 2026-01-05 starts 2026-W02.
    assert_eq!(weeks.first().map(String::as_str), Some("2025-W18"));
    assert_eq!(weeks.last().map(String::as_str), Some("2026-W02"));
    assert_eq!((n, sum), (37, 12));
    // A window keeps its own bounds, empty periods included.
    let t = run_json(&[
        "trends",
        "--archive",
        repo.path_str(),
        "--since",
        "2025-04-01",
        "--until",
        "2025-06-30",
    ]);
    assert_eq!(
        numbers(&t["rows"], "messages"),
        [Value::from(0), 4.into(), 5.into()]
    );
}

#[test]
fn trends_render_as_text_markdown_and_html() {
    let tmp = TempDir::new().unwrap();
    let repo = archive(tmp.path());
    let orgs = orgmap(tmp.path());
    let text = run_ok(&[
        "trends",
        "--archive",
        repo.path_str(),
        "--orgmap",
        &orgs,
        "--list",
        "linux-hyperv",
    ]);
    insta::assert_snapshot!("trends_month_text", text);
    let md = run_ok(&[
        "trends",
        "--archive",
        repo.path_str(),
        "--orgmap",
        &orgs,
        "--by",
        "quarter",
        "--format",
        "markdown",
        "--top",
        "2",
    ]);
    insta::assert_snapshot!("trends_quarter_markdown", md);
    let html = run_ok(&["trends", "--archive", repo.path_str(), "--format", "html"]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    for raw in ["<script", "onload=", "onerror=", "<img", "src="] {
        assert!(!html.contains(raw), "{raw}");
    }
    for id in [
        "chart-trend-messages",
        "chart-trend-series",
        "chart-trend-reviews",
        "chart-trend-review-days",
        "chart-trend-cross-organization",
        "chart-trend-organizations",
    ] {
        assert!(
            html.contains(&format!("<svg class=\"chart\" id=\"{id}\"")),
            "{id}"
        );
    }
    // Nine months, a dot per month for the mails and for the patches.
    let messages = html.split("id=\"chart-trend-messages\"").nth(1).unwrap();
    let messages = messages.split("</svg>").next().unwrap();
    assert_eq!(messages.matches("<circle").count(), 18);
    assert!(
        messages.contains("<title>2025-06: mails 5</title>"),
        "{messages}"
    );
}

#[test]
fn a_report_compares_with_the_period_of_the_same_length_before() {
    let tmp = TempDir::new().unwrap();
    let repo = archive(tmp.path());
    let june = [
        "report",
        "--archive",
        repo.path_str(),
        "--since",
        "2025-06-01",
        "--until",
        "2025-06-30",
    ];
    let r = run_json(&june);
    let c = &r["comparison"];
    assert_eq!(c["basis"], "previous");
    assert_eq!(c["empty"], false);
    assert_eq!(c["period"]["since"], "2025-06-01T00:00:00Z");
    assert_eq!(c["other"]["since"], "2025-05-02T00:00:00Z");
    assert_eq!(c["other"]["until"], "2025-05-31T23:59:59Z");
    let f = &c["figures"];
    let pair = |name: &str| {
        (
            f[name]["now"].as_i64().unwrap(),
            f[name]["before"].as_i64().unwrap(),
        )
    };
    assert_eq!(pair("messages"), (5, 4));
    assert_eq!(pair("patches"), (2, 2));
    assert_eq!(pair("series"), (2, 1));
    assert_eq!(pair("reviews"), (2, 1));
    assert_eq!(f["median_days_to_first_review"]["now"], 1.0);
    assert_eq!(f["median_days_to_first_review"]["before"], 3.0);
    let moves: Vec<(String, String)> = c["ranks"]["contributors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["email"].as_str().unwrap().to_string(),
                r["movement"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Five people with one mail each share rank 1; Rev was second in May.
    assert!(
        moves.contains(&("rev@kernel.org".into(), "+1".into())),
        "{moves:?}"
    );
    assert!(
        moves.contains(&("ann@widgets.example".into(), "=".into())),
        "{moves:?}"
    );
    assert!(
        moves.contains(&("bob@gmail.com".into(), "new".into())),
        "{moves:?}"
    );

    let text = run_ok(&june);
    assert!(
        text.contains("Compared with 2025-05-02 to 2025-05-31, the 30 days before\n"),
        "{text}"
    );
    assert!(
        text.contains("\n  messages                           5       4  +1 (+25%)\n"),
        "{text}"
    );
    assert!(
        text.contains("      1  +1     Rev Iewer <rev@kernel.org>\n"),
        "{text}"
    );
    let md = run_ok(&[&june[..], &["--format", "markdown"]].concat());
    assert!(md.contains("| messages | 5 | 4 | +1 (+25%) |"), "{md}");
    let html = run_ok(&[&june[..], &["--format", "html"]].concat());
    assert!(html.contains("<section id=\"comparison\">"));

    // Given periods: times, or commits.
    let given = run_json(&[&june[..], &["--compare", "2025-05-01..2025-05-31"]].concat());
    assert_eq!(given["comparison"]["basis"], "given");
    assert_eq!(given["comparison"]["figures"]["messages"]["before"], 4);
    let first = repo.commit(0);
    let fourth = repo.commit(3);
    let range = format!("{first}..{fourth}");
    let given = run_json(&[&june[..], &["--compare", &range]].concat());
    assert_eq!(given["comparison"]["figures"]["messages"]["before"], 3);
    let none = run_json(&[&june[..], &["--compare", "none"]].concat());
    assert_eq!(none["comparison"], Value::Null);
}

#[test]
fn nothing_before_is_said_so_not_divided_by() {
    let tmp = TempDir::new().unwrap();
    let repo = archive(tmp.path());
    // The whole history: nothing before it, and nothing read to know that.
    let whole = run_json(&["report", "--archive", repo.path_str(), "--range", "master"]);
    let c = &whole["comparison"];
    assert_eq!(c["empty"], true);
    assert_eq!(c["other"], Value::Null);
    assert_eq!(
        c["note"],
        "the selection starts with the archive's first mail"
    );
    assert_eq!(c["figures"]["messages"]["now"], 12);
    assert_eq!(c["ranks"]["domains"], serde_json::json!([]));
    // A window whose previous period holds no mail (April).
    let may = run_ok(&[
        "report",
        "--archive",
        repo.path_str(),
        "--since",
        "2025-05-02",
        "--until",
        "2025-05-31",
    ]);
    assert!(
        may.contains("Compared with 2025-04-02 to 2025-05-01, the 30 days before: no mail arrived in that period.\n"),
        "{may}"
    );
    assert!(!may.contains("inf") && !may.contains("NaN"));
}

#[test]
fn bad_compare_and_by_values_are_input_errors() {
    let tmp = TempDir::new().unwrap();
    let repo = archive(tmp.path());
    let base = [
        "report",
        "--archive",
        repo.path_str(),
        "--since",
        "2025-06-01",
    ];
    let err = common::assert_input_error(&[&base[..], &["--compare", "last-week"]].concat(), false);
    assert!(
        err.contains("expected `none`, `previous` or `A..B`"),
        "{err}"
    );
    common::assert_input_error(
        &[&base[..], &["--compare", "nosuch..master"]].concat(),
        true,
    );
    common::assert_input_error(
        &["trends", "--archive", repo.path_str(), "--by", "day"],
        false,
    );
}
