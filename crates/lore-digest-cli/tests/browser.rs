//! The HTML report in a real browser: Debian's headless Chromium loads the
//! page of hostile mail, dumps the DOM it built and takes a screenshot.
//!
//! Without `/usr/bin/chromium` the test is skipped with a message, unless
//! `CI` is set: there a missing browser is a broken setup, not a pass.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use common::chromium::{LOGGING, chromium, console_lines, run_chromium};
use common::mails;
use common::run_ok;
use tempfile::TempDir;

/// The page of hostile mail, written to `dir/report.html`.
fn hostile_page(dir: &Path) -> PathBuf {
    let repo = mails::hostile(dir);
    let page = dir.join("report.html");
    run_ok(&[
        "report",
        "--archive",
        repo.path_str(),
        "--range",
        "master",
        "--format",
        "html",
        "--url",
        "https://lore.kernel.org/kvm",
        "-o",
        page.to_str().unwrap(),
    ]);
    page
}

#[test]
fn chromium_renders_the_report_and_runs_nothing_from_mail() {
    let Some(browser) = chromium() else {
        return;
    };
    let tmp = TempDir::new().unwrap();

    // First, that the log shows what this test looks for: a blocked inline
    // script must be reported, or the silence below would prove nothing.
    let control = tmp.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">\
         <title>control</title><script>document.title='ran'</script>",
    )
    .unwrap();
    let run = run_chromium(browser, &control, LOGGING);
    assert!(
        !console_lines(&run.stderr).is_empty(),
        "chromium logged no CSP report for a blocked script; stderr:\n{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("<title>control</title>"),
        "{}",
        run.stdout
    );

    let page = hostile_page(tmp.path());
    let run = run_chromium(browser, &page, LOGGING);
    let dom = &run.stdout;
    let console = console_lines(&run.stderr);
    assert!(
        console.is_empty(),
        "console messages or CSP reports:\n{}",
        console.join("\n")
    );
    for id in ["chart-domains", "chart-contributors", "chart-timeline"] {
        let chart = dom
            .split(&format!("id=\"{id}\""))
            .nth(1)
            .and_then(|c| c.split("</svg>").next())
            .unwrap_or_else(|| panic!("{id} missing from the DOM:\n{dom}"));
        assert!(chart.contains("<rect"), "{id} has no bars:\n{chart}");
    }
    // Had any script from mail run, it would have set the title.
    let title = dom
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or_else(|| panic!("no title in the DOM:\n{dom}"));
    assert!(
        title.starts_with("kvm mailing list update from "),
        "{title}"
    );
    assert!(!title.contains("pwned"), "{title}");
    let lower = dom.to_lowercase();
    for element in ["<script", "<img", "<iframe", "<svg onload"] {
        assert!(!lower.contains(element), "{element} in the DOM:\n{dom}");
    }
    // The hostile text is there, as text.
    assert!(
        dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"),
        "{dom}"
    );

    let shot = tmp.path().join("shot.png");
    run_chromium(
        browser,
        &page,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1200,2000",
        ],
    );
    let colours = distinct_colours(&shot);
    assert!(
        colours > 50,
        "the screenshot looks blank: {colours} distinct colours"
    );
}

/// How many distinct RGB colours the PNG at `path` holds.
fn distinct_colours(path: &Path) -> usize {
    let file = std::io::BufReader::new(std::fs::File::open(path).expect("screenshot written"));
    let mut decoder = png::Decoder::new(file);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("screenshot is a PNG");
    let mut pixels = vec![
        0;
        reader
            .output_buffer_size()
            .expect("screenshot fits in memory")
    ];
    let info = reader.next_frame(&mut pixels).expect("screenshot decodes");
    assert!(
        info.width >= 1000 && info.height >= 1000,
        "screenshot is {}x{}",
        info.width,
        info.height
    );
    let channels = info.color_type.samples();
    assert!(
        channels >= 3,
        "screenshot is not in colour: {:?}",
        info.color_type
    );
    pixels[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|p| (p[0], p[1], p[2]))
        .collect::<HashSet<_>>()
        .len()
}
