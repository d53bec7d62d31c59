use super::*;
use crate::archive::MailRecord;

const DAY: i64 = 86_400;
/// 2025-05-01T00:00:00Z.
const MAY: i64 = 1_746_057_600;

fn mail(
    id: &str,
    from: &str,
    subject: &str,
    parent: Option<&str>,
    body: &str,
    time: i64,
) -> MailRecord {
    let mut raw = format!("From: {from}\nSubject: {subject}\nMessage-ID: <{id}>\n");
    if let Some(parent) = parent {
        raw.push_str(&format!(
            "In-Reply-To: <{parent}>\nReferences: <{parent}>\n"
        ));
    }
    raw.push_str(&format!("\n{body}"));
    MailRecord::parsed(&raw, time)
}

const PATCH: &str = "Change.\n\nSigned-off-by: A <a@x.org>\n---\n a.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\ndiff --git a/a.c b/a.c\n";

fn trends(mails: Vec<MailRecord>, by: Period, orgmap: &str) -> Trends {
    let null = gix::ObjectId::null(gix::hash::Kind::Sha1);
    let selected = Selected {
        commits: Vec::new(),
        from: null,
        to: null,
        notes: Vec::new(),
        named_ends: None,
        open_start: true,
    };
    let mut organizations = OrgMap::default();
    organizations.extend(OrgMap::parse(orgmap).unwrap());
    let options = Options {
        by,
        list: Some("test".into()),
        identities: Identities {
            mailmap: Mailmap::default(),
            organizations,
        },
    };
    let outcome = ReadOutcome {
        mails,
        missing: Vec::new(),
    };
    tabulate("test", &selected, outcome, (None, None), &options).unwrap()
}

const ORGS: &str = "x.org\tX Corp\nx2.org\tX Corp\ny.org\tY Inc\ngmail.com\t(personal)\n";

#[test]
fn each_figure_counts_in_the_period_it_arrived_in() {
    let ann = "Ann <ann@x.org>";
    let t = trends(
        vec![
            // A series posted at the end of May, reviewed and applied in June.
            mail(
                "c",
                ann,
                "[PATCH 0/2] Thing",
                None,
                "Cover.\n",
                MAY + 30 * DAY,
            ),
            mail(
                "p1",
                ann,
                "[PATCH 1/2] one",
                Some("c"),
                PATCH,
                MAY + 30 * DAY,
            ),
            mail(
                "p2",
                ann,
                "[PATCH 2/2] two",
                Some("c"),
                PATCH,
                MAY + 30 * DAY,
            ),
            mail(
                "r1",
                "Rev <rev@y.org>",
                "Re: [PATCH 1/2] one",
                Some("p1"),
                "Reviewed-by: Rev <rev@y.org>\n",
                MAY + 33 * DAY,
            ),
            // A colleague's review is not across organizations.
            mail(
                "r2",
                "Col <col@x2.org>",
                "Re: [PATCH 0/2] Thing",
                Some("c"),
                "Acked-by: Col <col@x2.org>\n",
                MAY + 34 * DAY,
            ),
            mail(
                "a",
                "Maint <m@y.org>",
                "Re: [PATCH 0/2] Thing",
                Some("c"),
                "Applied to for-next, thanks!\n",
                MAY + 35 * DAY,
            ),
            // A lone patch in July, never reviewed.
            mail(
                "l",
                "Bob <bob@gmail.com>",
                "[PATCH] three",
                None,
                PATCH,
                MAY + 62 * DAY,
            ),
        ],
        Period::Month,
        ORGS,
    );
    let rows: Vec<(&str, usize, usize, usize, usize, usize)> = t
        .rows
        .iter()
        .map(|r| {
            (
                r.period.as_str(),
                r.messages,
                r.series,
                r.patches,
                r.applied,
                r.reviews,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("2025-05", 3, 1, 2, 0, 0),
            ("2025-06", 3, 0, 0, 2, 2),
            ("2025-07", 1, 1, 1, 0, 0),
        ]
    );
    let june = &t.rows[1];
    assert_eq!(
        (june.start.as_str(), june.end.as_str()),
        ("2025-06-01", "2025-06-30")
    );
    // Reviewed 3 days after posting: counted where the series was posted.
    assert_eq!(t.rows[0].median_days_to_first_review, Some(3.0));
    assert_eq!(june.median_days_to_first_review, None);
    assert_eq!(
        (
            june.reviews_with_organizations,
            june.cross_organization_reviews
        ),
        (2, 1)
    );
    assert_eq!(june.cross_organization_share, Some(0.5));
    assert_eq!(t.rows[2].cross_organization_share, None);
    let orgs: Vec<(&str, usize)> = june
        .organizations
        .iter()
        .map(|o| (o.name.as_str(), o.count))
        .collect();
    assert_eq!(orgs, [("Y Inc", 2), ("X Corp", 1)]);
    assert_eq!(t.first_mail, "2025-05-31T00:00:00Z");
    assert_eq!(t.last_mail, "2025-07-02T00:00:00Z");
}

#[test]
fn periods_without_mail_are_rows_of_zeros() {
    let t = trends(
        vec![
            mail("a", "A <a@x.org>", "hello", None, "Hi.\n", MAY),
            mail("b", "A <a@x.org>", "again", None, "Hi.\n", MAY + 100 * DAY),
        ],
        Period::Week,
        ORGS,
    );
    // Thursday 2025-05-01 to Saturday 2025-08-09: weeks from Monday 04-28 to Monday 08-04.
    assert_eq!(t.rows.len(), 15);
    assert_eq!(t.rows[14].start, "2025-08-04");
    assert_eq!(t.rows[0].period, "2025-W18");
    assert_eq!(t.rows[0].start, "2025-04-28");
    assert!(
        t.rows[1..14]
            .iter()
            .all(|r| r.messages == 0 && r.organizations.is_empty())
    );
    assert_eq!(t.rows.iter().map(|r| r.messages).sum::<usize>(), 2);
}

#[test]
fn personal_addresses_are_each_their_own_organization() {
    let map = OrgMap::parse(ORGS).unwrap();
    let person = |email: &str| Person {
        name: String::new(),
        email: email.into(),
    };
    let a = organization_of(&person("a@gmail.com"), &map);
    let b = organization_of(&person("b@gmail.com"), &map);
    assert_ne!(a, b);
    assert_eq!(
        organization_of(&person("a@x.org"), &map),
        organization_of(&person("b@x2.org"), &map)
    );
    assert_eq!(organization_of(&person("nodomain"), &map), None);
    // An unlisted domain stands for itself.
    assert_eq!(
        organization_of(&person("z@z.net"), &map).as_deref(),
        Some("z.net")
    );
}

#[test]
fn a_review_on_the_cover_letter_counts_against_the_series_author() {
    let t = trends(
        vec![
            mail(
                "c",
                "Ann <ann@x.org>",
                "[PATCH 0/1] Thing",
                None,
                "Cover.\n",
                MAY,
            ),
            mail(
                "p1",
                "Ann <ann@x.org>",
                "[PATCH 1/1] one",
                Some("c"),
                PATCH,
                MAY,
            ),
            mail(
                "r",
                "Rev <rev@y.org>",
                "Re: [PATCH 0/1] Thing",
                Some("c"),
                "Tested-by: Tia <tia@gmail.com>\n",
                MAY + DAY,
            ),
        ],
        Period::Year,
        ORGS,
    );
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].period, "2025");
    assert_eq!(t.rows[0].reviews, 1);
    assert_eq!(t.rows[0].cross_organization_share, Some(1.0));
}
