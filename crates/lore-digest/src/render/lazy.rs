//! The report as the Markdown and HTML templates see it: a field becomes a
//! template value when a template asks for it, and the series one at
//! a time, while the template is on it.
//!
//! Converting the whole report up front (`Value::from(Serde(report))`) would
//! copy every series, commit messages and all, into template values held
//! until the page is done: for a whole archive that copy is larger than the
//! report itself. A field other than `series` is converted again on each
//! use: those are small beside the series, and nothing holds them after.

use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectRepr, Serde, Value};

use crate::report::Report;

/// `r` in the templates.
#[derive(Debug)]
pub(super) struct LazyReport(pub(super) Arc<Report>);

impl LazyReport {
    /// The report as a template value.
    pub(super) fn value(report: &Arc<Report>) -> Value {
        Value::from_object(LazyReport(Arc::clone(report)))
    }
}

/// The fields of [`Report`] in its order, named once: `FIELDS` lists
/// them all, and `eager_field` converts any but `series`, which
/// [`Series`] hands out one at a time. A test checks the list against the
/// report's serialization, so a new field cannot be forgotten here.
macro_rules! report_fields {
    ([$($before:ident),* $(,)?], series, [$($after:ident),* $(,)?]) => {
        const FIELDS: &[&str] = &[
            $(stringify!($before),)*
            "series",
            $(stringify!($after),)*
        ];

        /// The field of `report` named `key`, converted; `None` for
        /// `series` and for no such field.
        fn eager_field(report: &Report, key: &str) -> Option<Value> {
            match key {
                $(stringify!($before) => Some(Value::from(Serde(&report.$before))),)*
                $(stringify!($after) => Some(Value::from(Serde(&report.$after))),)*
                _ => None,
            }
        }
    };
}

report_fields!(
    [
        list,
        from,
        to,
        from_commit,
        to_commit,
        lists,
        stats,
        comparison,
        domains,
        organizations,
        contributors,
        reviewers,
        reviewer_domains,
        reviewer_organizations,
        subsystems,
        sections,
        unreviewed_by_section,
        missed_cc,
        timeline,
        newest_message_ids,
        applied,
        awaiting_review,
        changes_requested,
        nacked,
        watch,
        your_series,
    ],
    series,
    [
        pull_requests,
        bug_reports,
        discussions,
        earlier_series,
        warnings,
    ]
);

impl Object for LazyReport {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        if key == "series" {
            return Some(Value::from_object(Series(Arc::clone(&self.0))));
        }
        eager_field(&self.0, key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(FIELDS)
    }
}

/// `r.series`: each series converted when the template takes it.
#[derive(Debug)]
struct Series(Arc<Report>);

impl Object for Series {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let series = self.0.series.get(key.as_usize()?)?;
        Some(Value::from(Serde(series)))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.series.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two series, a review and a reply: a report with most fields filled.
    fn report() -> Report {
        use crate::archive::{MailRecord, ReadOutcome, Selected};
        let mail = |id: &str, subject: &str, parent: Option<&str>, body: &str, time| {
            let mut raw =
                format!("From: Ann <ann@a.org>\nSubject: {subject}\nMessage-ID: <{id}>\n");
            if let Some(parent) = parent {
                raw.push_str(&format!(
                    "In-Reply-To: <{parent}>\nReferences: <{parent}>\n"
                ));
            }
            raw.push_str(&format!("\n{body}"));
            MailRecord::parsed(&raw, time)
        };
        let diff = "Fix it.\n\nSigned-off-by: Ann <ann@a.org>\n---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n\ndiff --git a/a.c b/a.c\n";
        let mails = vec![
            mail("p1@a", "[PATCH] x86: fix a", None, diff, 100),
            mail("p2@a", "[PATCH v2] mm: fix b", None, diff, 200),
            mail(
                "r1@b",
                "Re: [PATCH] x86: fix a",
                Some("p1@a"),
                "Reviewed-by: Bo <bo@b.org>\n",
                300,
            ),
        ];
        let null = gix::ObjectId::null(gix::hash::Kind::Sha1);
        let selected = Selected {
            commits: Vec::new(),
            from: null,
            to: null,
            notes: vec!["a note".into()],
            named_ends: None,
            open_start: true,
        };
        let outcome = ReadOutcome {
            mails,
            missing: Vec::new(),
        };
        crate::report::from_mails("test", &selected, outcome, Vec::new(), &Default::default())
    }

    #[test]
    fn every_field_is_there_as_serialization_has_it() {
        let report = Arc::new(report());
        let whole = Value::from(Serde(&*report));
        let lazy = LazyReport::value(&report);
        let keys: Vec<String> = whole
            .try_iter()
            .unwrap()
            .map(|k| k.as_str().unwrap().to_string())
            .collect();
        assert_eq!(keys, FIELDS, "FIELDS lists the report's fields in order");
        for key in &keys {
            let field = lazy.get_attr(key).unwrap();
            assert!(!field.is_undefined(), "{key} is missing");
            if key != "series" {
                assert_eq!(field, whole.get_attr(key).unwrap(), "{key}");
            }
        }
        assert!(lazy.get_attr("no_such_field").unwrap().is_undefined());
    }

    #[test]
    fn series_are_converted_one_by_one_and_in_order() {
        let report = Arc::new(report());
        assert!(report.series.len() >= 2, "the sample has several series");
        let lazy = LazyReport::value(&report).get_attr("series").unwrap();
        let whole = Value::from(Serde(&report.series));
        assert_eq!(lazy.len(), Some(report.series.len()));
        assert!(lazy.is_true());
        let listed: Vec<Value> = lazy.try_iter().unwrap().collect();
        let expected: Vec<Value> = whole.try_iter().unwrap().collect();
        assert_eq!(listed, expected);
        assert_eq!(lazy.get_item(&Value::from(1)).unwrap(), expected[1]);
        assert!(lazy.get_item(&Value::from(999)).unwrap().is_undefined());

        let empty = Arc::new(Report {
            series: Vec::new(),
            ..self::report()
        });
        let none = LazyReport::value(&empty).get_attr("series").unwrap();
        assert!(!none.is_true(), "no series is false in an `if`");
    }

    /// Takes `room` bytes, then fails as a closed pipe does.
    struct ClosesAfter {
        room: usize,
        taken: Vec<u8>,
    }

    impl std::io::Write for ClosesAfter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            self.taken.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    type Writer = fn(&Arc<Report>, &mut dyn std::io::Write) -> std::io::Result<()>;

    fn formats() -> [(&'static str, Writer, String); 3] {
        let report = Arc::new(report());
        [
            (
                "text",
                |r, out| super::super::text::write(r, 15, out),
                super::super::text::render(&report, 15),
            ),
            (
                "Markdown",
                |r, out| super::super::markdown::write(r, 15, out),
                super::super::markdown::render(&report, 15),
            ),
            (
                "HTML",
                |r, out| super::super::html::write(r, 15, out),
                super::super::html::render(&report, 15),
            ),
        ]
    }

    #[test]
    fn a_format_written_as_it_renders_is_what_it_renders_whole() {
        let report = Arc::new(report());
        for (format, write, whole) in formats() {
            let mut out = Vec::new();
            write(&report, &mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), whole, "{format}");
            assert!(
                whole.contains("fix a") && whole.contains("fix b"),
                "{format}"
            );
        }
    }

    #[test]
    fn a_closed_pipe_stops_the_writing_and_says_so() {
        let report = Arc::new(report());
        for (format, write, whole) in formats() {
            let mut out = ClosesAfter {
                room: 100,
                taken: Vec::new(),
            };
            let failed = write(&report, &mut out).unwrap_err();
            assert_eq!(failed.kind(), std::io::ErrorKind::BrokenPipe, "{format}");
            assert_eq!(out.taken, whole.as_bytes()[..100], "{format}");
        }
    }
}
