//! The HTML format on fixture archives: a snapshot of a whole page, and a
//! page of hostile mail whose every tag must be the template's own.

mod common;

use common::mails::{self, single};
use common::{run_ok, short};
use tempfile::TempDir;

const CSP: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">";

/// The tags the template writes; anything else came from mail.
const TEMPLATE_TAGS: &[&str] = &[
    "!DOCTYPE",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "h1",
    "h2",
    "h3",
    "p",
    "code",
    "dl",
    "div",
    "dt",
    "dd",
    "nav",
    "a",
    "section",
    "svg",
    "g",
    "line",
    "rect",
    "text",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "article",
    "span",
    "ul",
    "li",
    "details",
    "summary",
    "pre",
    "footer",
];

/// A tag of the page: its name and what follows up to `>`.
struct Tag<'a> {
    name: &'a str,
    attributes: &'a str,
}

/// Every tag of the page. Escaped text holds no `<`, so each `<` opens a tag.
fn tags(html: &str) -> Vec<Tag<'_>> {
    html.split('<')
        .skip(1)
        .map(|rest| {
            let inner = rest.split('>').next().unwrap_or(rest);
            let inner = inner.strip_prefix('/').unwrap_or(inner);
            let end = inner
                .find(|c: char| c.is_whitespace() || c == '/')
                .unwrap_or(inner.len());
            Tag {
                name: &inner[..end],
                attributes: &inner[end..],
            }
        })
        .collect()
}

/// The `name="value"` pairs of a tag (the template always quotes values).
fn attributes(tag: &Tag<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if tag.name == "!DOCTYPE" {
        return out;
    }
    let mut rest = tag.attributes;
    while let Some(eq) = rest.find("=\"") {
        let name = rest[..eq].trim().trim_start_matches('/').to_string();
        let value_start = eq + 2;
        let value_len = rest[value_start..].find('"').expect("closing quote");
        out.push((name, rest[value_start..value_start + value_len].to_string()));
        rest = &rest[value_start + value_len + 1..];
    }
    assert!(
        rest.trim().trim_end_matches('/').is_empty(),
        "unquoted attribute in <{} {}>",
        tag.name,
        tag.attributes
    );
    out
}

fn report(args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.extend(["--format", "html"]);
    run_ok(&all)
}

#[test]
fn html_report() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::kvm_single(tmp.path());
    let range = format!(
        "{}..{}",
        short(&repo.commit(single::OLD)),
        short(&repo.commit(single::TIP))
    );
    let html = report(&[
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        &range,
        "--url",
        "https://lore.kernel.org/kvm",
    ]);
    insta::assert_snapshot!("single_range_html", html);
    assert!(html.starts_with("<!DOCTYPE html>\n"));
    assert!(html.contains(CSP));
    for id in [
        "chart-domains",
        "chart-contributors",
        "chart-reviewers",
        "chart-timeline",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    // The fixture's mail spans 2025-05-01 to 2025-05-04: one bar per day,
    // the day without mail included.
    let timeline = html
        .split("id=\"chart-timeline\"")
        .nth(1)
        .and_then(|t| t.split("</svg>").next())
        .unwrap();
    assert_eq!(timeline.matches("<g><title>").count(), 4, "{timeline}");
    assert!(
        timeline.contains("<title>2025-05-03: 0 mails, 0 patches</title>"),
        "{timeline}"
    );
    assert!(html.contains("Alice Hacker &lt;alice@kernel-dev.org&gt;"));
}

#[test]
fn hostile_mail_cannot_add_tags_attributes_or_fetches() {
    let tmp = TempDir::new().unwrap();
    let repo = mails::hostile(tmp.path());
    let html = report(&[
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        "master",
        "--url",
        "https://lore.kernel.org/kvm",
    ]);
    assert!(html.contains(CSP), "no CSP:\n{html}");
    let lower = html.to_lowercase();
    for raw in [
        "<script",
        "<img",
        "<iframe",
        "<svg onload",
        "<b>",
        "<link",
        "@import",
        "url(",
    ] {
        assert!(!lower.contains(raw), "{raw} reached the page:\n{html}");
    }
    for tag in tags(&html) {
        assert!(
            TEMPLATE_TAGS.contains(&tag.name),
            "<{}> is not the template's:\n{html}",
            tag.name
        );
        for (name, value) in attributes(&tag) {
            let name = name.to_lowercase();
            assert!(
                !name.starts_with("on") && name != "src" && name != "srcdoc",
                "<{} {name}=…> from mail",
                tag.name
            );
            // Only links point anywhere; the escaped value still reads as a URL.
            let value = value.replace("&#x2f;", "/").to_lowercase();
            if value.contains("http:") || value.contains("https:") || value.contains("//") {
                assert!(
                    tag.name == "a" && name == "href",
                    "<{} {name}=\"{value}\"> fetches",
                    tag.name
                );
                assert!(value.starts_with("https://lore.kernel.org/kvm/"), "{value}");
            }
        }
    }
    // The mail's text is there, escaped, in the title, charts and tables.
    let title = "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;&#x2f;script&gt; &amp; &quot;quotes&quot; &lt;&#x2f;title&gt;&lt;&#x2f;style&gt; ]]&gt;";
    assert!(html.contains(&format!("<h3>{title}</h3>")), "{html}");
    // (The parser trims the name's leading quote.)
    let name = "<dd>&gt;&lt;img src=x onerror=&quot;document.title=&#x27;pwned&#x27;&quot;&gt; &lt;evil@x.org&gt;</dd>";
    assert!(html.contains(name), "{html}");
    assert!(html.contains("&lt;iframe src=&quot;https:&#x2f;&#x2f;evil.example&#x2f;&quot;&gt;"));
    assert!(
        html.contains("Commit message with &lt;&#x2f;pre&gt;&lt;&#x2f;details&gt;&lt;script&gt;")
    );
    // The page's own title is one element, whatever the list mail says.
    let page_title = html
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap();
    assert!(
        page_title.starts_with("kvm mailing list update from "),
        "{page_title}"
    );
    // A revision is labelled as in the text format.
    assert!(
        html.contains(">v2 (v1 posted 2025-05-01, 1 day earlier)</span>"),
        "{html}"
    );
    // Every section showed, so every one was checked.
    for id in [
        "chart-reviewers",
        "pull-requests",
        "bug-reports",
        "discussions",
        "series-2",
    ] {
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "{id} missing:\n{html}"
        );
    }
}
