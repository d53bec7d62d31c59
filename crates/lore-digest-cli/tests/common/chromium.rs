//! Debian's headless Chromium, for the tests that open pages in a real
//! browser (`browser.rs`, `deliver.rs`): a fresh profile per run, no
//! background networking, killed when it hangs.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub const CHROMIUM: &str = "/usr/bin/chromium";
/// A hung browser fails the test instead of hanging it.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The browser, or `None` when the test is to be skipped.
pub fn chromium() -> Option<&'static Path> {
    let path = Path::new(CHROMIUM);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{CHROMIUM} is missing and CI is set: install it (apt-get install chromium); .ci/run does"
    );
    eprintln!("browser test skipped: {CHROMIUM} not found (apt-get install chromium to run it)");
    None
}

/// What one Chromium run printed.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
}

/// Runs headless Chromium on `page` with `extra` flags, in a fresh profile,
/// and kills it when it outlives [`TIMEOUT`].
pub fn run_chromium(browser: &Path, page: &Path, extra: &[&str]) -> Run {
    let dir = TempDir::new().unwrap();
    let profile = dir.path().join("profile");
    // Output goes to files: a browser that fills a pipe nobody reads would hang.
    let stdout_path = dir.path().join("stdout");
    let stderr_path = dir.path().join("stderr");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium {extra:?} ran over {TIMEOUT:?} and was killed; stderr:\n{}",
                std::fs::read_to_string(&stderr_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let run = Run {
        stdout: std::fs::read_to_string(&stdout_path).unwrap(),
        stderr: std::fs::read_to_string(&stderr_path).unwrap(),
    };
    assert!(
        status.success(),
        "chromium {extra:?} failed ({status}); stderr:\n{}",
        run.stderr
    );
    run
}

/// Console messages (`…:INFO:CONSOLE:1] "…"`) and CSP reports in Chromium's log.
pub fn console_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| {
            l.contains("CONSOLE")
                || l.contains("Content Security Policy")
                || l.contains("Refused to")
        })
        .collect()
}

pub const LOGGING: &[&str] = &["--enable-logging=stderr", "--v=0", "--dump-dom"];
