//! A static site of a list's updates: each update a self-contained HTML
//! page (`DIR/2025-05-20-45c9ebb3.html`), an `index.html` of them all,
//! newest first, and an Atom feed (`feed.atom`) of the latest 50, whose
//! entries carry the text summary and link the pages.
//!
//! The site's own record is `DIR/updates.json`, the entries newest first;
//! the index and the feed are made anew from it on every publish. Every
//! file is written atomically (a temporary file renamed into place), so a
//! reader, or a web server, sees the old site or the new one, and a failed
//! publish leaves no half page, index or feed.
//!
//! An entry is keyed by where its update started ([`Span::start_digest`]):
//! when an update is published but not committed (its mail was refused, the
//! run was killed) the next run starts from the same place, and its entry
//! replaces that one, so the site never lists the same mail twice.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use minijinja::{AutoEscape, Environment};
use serde::{Deserialize, Serialize};

use super::Span;
use super::mail::subject;
use crate::Error;
use crate::report::Report;

/// How many entries the feed holds.
pub const FEED_ENTRIES: usize = 50;
/// The site's record of its entries.
pub const MANIFEST: &str = "updates.json";
/// The index page.
pub const INDEX: &str = "index.html";
/// The Atom feed.
pub const FEED: &str = "feed.atom";

/// One published update.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Where its update started ([`Span::start_digest`]).
    pub key: String,
    /// Its Atom id's digest ([`Span::digest`]).
    pub id: String,
    /// The page's file name in the site.
    pub page: String,
    /// `KVM mailing list update from 42c98786 to 45c9ebb3`.
    pub title: String,
    /// When it was published (RFC 3339).
    pub published: String,
    /// The day of its newest mail (`2025-05-20`).
    pub day: String,
    /// The text summary: figures, then the series.
    pub summary: String,
}

/// `updates.json`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    /// The list's name, for the index and feed titles.
    list: String,
    /// Newest first.
    entries: Vec<Entry>,
}

/// Publishes `report`, whose HTML page is `html`, into the site at `dir`
/// (created when missing). `base_url`, the site's public address, makes the
/// feed's links absolute; without it they are relative to the feed.
/// Returns the page written.
pub fn publish(
    dir: &Path,
    report: &Report,
    html: &str,
    span: &Span,
    base_url: Option<&str>,
) -> Result<PathBuf, Error> {
    let io = |path: &Path, source: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let manifest_path = dir.join(MANIFEST);
    let mut manifest = load(&manifest_path)?;
    manifest.list = report.list.clone();
    let day = report
        .timeline
        .last()
        .map(|d| d.day.clone())
        .unwrap_or_else(|| jiff::Timestamp::now().strftime("%Y-%m-%d").to_string());
    let entry = Entry {
        key: span.start_digest(),
        id: span.digest(),
        page: format!("{}-{}.html", file_word(&day), file_word(&report.to)),
        title: subject(report),
        published: jiff::Timestamp::now().to_string(),
        day,
        summary: summary(report),
    };
    let page = dir.join(&entry.page);
    crate::atomic::write_atomically(&page, html.as_bytes()).map_err(|e| io(&page, e))?;

    // The try this one replaces, and any other entry of the same page.
    let (replaced, kept): (Vec<Entry>, Vec<Entry>) = std::mem::take(&mut manifest.entries)
        .into_iter()
        .partition(|e| e.key == entry.key || e.page == entry.page);
    manifest.entries = std::iter::once(entry).chain(kept).collect();
    let mut json =
        serde_json::to_vec_pretty(&manifest).map_err(|e| io(&manifest_path, e.into()))?;
    json.push(b'\n');
    crate::atomic::write_atomically(&manifest_path, &json).map_err(|e| io(&manifest_path, e))?;
    let feed = dir.join(FEED);
    crate::atomic::write_atomically(&feed, render_feed(&manifest, base_url).as_bytes())
        .map_err(|e| io(&feed, e))?;
    let index = dir.join(INDEX);
    crate::atomic::write_atomically(&index, render_index(&manifest).as_bytes())
        .map_err(|e| io(&index, e))?;
    // No longer linked from anywhere; one left behind would do no harm.
    for old in replaced {
        if !manifest.entries.iter().any(|e| e.page == old.page) {
            let _ = std::fs::remove_file(dir.join(&old.page));
        }
    }
    Ok(page)
}

/// The entries of the site at `dir`, newest first (none when there is no
/// site yet).
pub fn entries(dir: &Path) -> Result<Vec<Entry>, Error> {
    Ok(load(&dir.join(MANIFEST))?.entries)
}

fn load(path: &Path) -> Result<Manifest, Error> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest::default()),
        Err(source) => {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    serde_json::from_slice(&bytes).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not a lore-digest site record: {e}"),
        ),
    })
}

/// Letters, digits and `-` only: what a page's file name is made of.
fn file_word(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// How many series the summary names.
const SUMMARY_SERIES: usize = 30;

/// The text summary of an update, for its feed entry and index line:
/// `12 mails, 3 series (7 patches, 2 without review), 1 pull request`,
/// the top contributors, then one line per series.
pub fn summary(report: &Report) -> String {
    let s = &report.stats;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut out = format!(
        "{}, {} ({}, {} without review)",
        plural(s.messages, "mail", "mails"),
        plural(s.series, "series", "series"),
        plural(s.patches, "patch", "patches"),
        s.unreviewed_patches
    );
    if s.pull_requests > 0 {
        out.push_str(&format!(
            ", {}",
            plural(s.pull_requests, "pull request", "pull requests")
        ));
    }
    out.push('\n');
    let top: Vec<String> = report
        .contributors
        .iter()
        .take(5)
        .map(|c| {
            let name = if c.name.is_empty() { &c.email } else { &c.name };
            format!("{name} ({})", c.count)
        })
        .collect();
    if !top.is_empty() {
        out.push_str(&format!("Top contributors: {}\n", top.join(", ")));
    }
    if !report.series.is_empty() {
        out.push('\n');
    }
    for series in report.series.iter().take(SUMMARY_SERIES) {
        let count = series.total.map_or(series.patches_here, |t| t as usize);
        let author = series
            .author
            .as_ref()
            .map(|a| format!(" ({})", a.short_name()))
            .unwrap_or_default();
        out.push_str(&format!(
            "- [v{}, {}] {}{author}\n",
            series.version,
            plural(count, "patch", "patches"),
            series.title
        ));
    }
    if report.series.len() > SUMMARY_SERIES {
        out.push_str(&format!(
            "- … and {} more\n",
            report.series.len() - SUMMARY_SERIES
        ));
    }
    out
}

static ENVIRONMENT: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // Escaped for HTML, which is escaped for XML too (the feed): every
    // value, attributes included; nothing is marked safe.
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.add_filter("first_line", |s: &str| {
        s.lines().next().unwrap_or("").to_string()
    });
    let env =
        crate::render::with_template(env, "index.html", include_str!("templates/index.html.j2"))?;
    crate::render::with_template(env, "feed.atom", include_str!("templates/feed.atom.j2"))
});

fn render(name: &str, context: minijinja::Value) -> String {
    crate::render::render_template("site", &ENVIRONMENT, name, context)
}

fn render_index(manifest: &Manifest) -> String {
    render(
        "index.html",
        minijinja::context! {
            list => &manifest.list,
            entries => minijinja::Value::from(minijinja::value::Serde(&manifest.entries)),
        },
    )
}

fn render_feed(manifest: &Manifest, base_url: Option<&str>) -> String {
    let base = base_url.map(|b| format!("{}/", b.trim_end_matches('/')));
    let feed_id = match &base {
        Some(base) => format!("{base}{FEED}"),
        None => format!(
            "urn:lore-digest:feed:{:016x}",
            super::fnv1a(manifest.list.as_bytes())
        ),
    };
    let entries = &manifest.entries[..manifest.entries.len().min(FEED_ENTRIES)];
    let updated = entries
        .first()
        .map(|e| e.published.clone())
        .unwrap_or_else(|| jiff::Timestamp::now().to_string());
    render(
        "feed.atom",
        minijinja::context! {
            list => &manifest.list,
            feed_id => feed_id,
            base => base.unwrap_or_default(),
            updated => updated,
            entries => minijinja::Value::from(minijinja::value::Serde(entries)),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_text_are_tame() {
        assert_eq!(file_word("2025-05-20"), "2025-05-20");
        assert_eq!(file_word("../x y"), "___x_y");
        let manifest = Manifest {
            list: "<kvm> & \"friends\"".into(),
            entries: vec![Entry {
                key: "k".into(),
                id: "i".into(),
                page: "2025-05-20-45c9ebb3.html".into(),
                title: "a </title><script>".into(),
                published: "2025-05-20T10:00:00Z".into(),
                day: "2025-05-20".into(),
                summary: "1 mail & more\n- [v1] x".into(),
            }],
        };
        let index = render_index(&manifest);
        assert!(!index.contains("<script>"), "{index}");
        assert!(
            index.contains("href=\"2025-05-20-45c9ebb3.html\""),
            "{index}"
        );
        let feed = render_feed(&manifest, Some("https://example.org/kvm"));
        assert!(feed.contains("&lt;kvm&gt; &amp;"), "{feed}");
        assert!(
            feed.contains("https:&#x2f;&#x2f;example.org&#x2f;kvm&#x2f;2025-05-20-45c9ebb3.html"),
            "{feed}"
        );
    }
}
