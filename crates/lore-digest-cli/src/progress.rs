//! Progress of `sync` on a terminal: per epoch, the objects and bytes
//! received, the rate and the time spent, as gix reports them.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use lore_digest::sync::Transfer;

/// What the bar shows of the epoch under way.
#[derive(Default)]
struct Current {
    /// `git/0.git: cloning`.
    label: String,
    transfer: Option<Transfer>,
    started: Option<Instant>,
}

/// A bar per epoch on a terminal; nothing when stderr is not one, or with
/// `--quiet`.
pub struct BarProgress {
    pub bar: indicatif::ProgressBar,
    current: Arc<Mutex<Current>>,
}

impl BarProgress {
    pub fn new() -> Self {
        let target = if crate::output::verbosity() == crate::output::Verbosity::Quiet {
            indicatif::ProgressDrawTarget::hidden()
        } else {
            // indicatif draws nothing when stderr is not a terminal.
            indicatif::ProgressDrawTarget::stderr()
        };
        let current = Arc::new(Mutex::new(Current::default()));
        let shown = current.clone();
        let bar = indicatif::ProgressBar::with_draw_target(None, target);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {transfer} [{elapsed}]")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner())
                .with_key(
                    "transfer",
                    move |_: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                        let current = shown.lock().unwrap_or_else(PoisonError::into_inner);
                        let _ = out.write_str(&describe(&current));
                    },
                ),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        BarProgress { bar, current }
    }

    fn show(&self, label: String, transfer: Option<Transfer>) {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        current.label = label;
        current.started = transfer.as_ref().map(|_| Instant::now());
        current.transfer = transfer;
        drop(current);
        self.bar.reset_elapsed();
        self.bar.tick();
    }
}

/// `git/0.git: cloning, 1,234/5,678 objects, 12.3 MiB at 2.1 MiB/s`.
fn describe(current: &Current) -> String {
    let Some(transfer) = &current.transfer else {
        return current.label.clone();
    };
    let mut text = current.label.clone();
    let (objects, total) = transfer.objects();
    let bytes = transfer.bytes();
    match total {
        Some(total) => text.push_str(&format!(
            ", {}/{} objects",
            thousands(objects),
            thousands(total)
        )),
        None if objects > 0 => text.push_str(&format!(", {} objects", thousands(objects))),
        None => {}
    }
    if bytes > 0 {
        text.push_str(&format!(", {}", size(bytes as f64)));
        let seconds = current.started.map_or(0.0, |s| s.elapsed().as_secs_f64());
        if seconds >= 0.5 {
            text.push_str(&format!(" at {}/s", size(bytes as f64 / seconds)));
        }
    }
    text
}

/// `received 1,234 objects, 1.2 MiB in 0.3 s (4.0 MiB/s)`; `None` when
/// nothing was (an epoch already up to date).
fn received(transfer: &Transfer, seconds: f64) -> Option<String> {
    let bytes = transfer.bytes();
    if bytes == 0 {
        return None;
    }
    let (objects, total) = transfer.objects();
    let objects = total.unwrap_or(objects);
    let rate = if seconds > 0.0 {
        format!(" ({}/s)", size(bytes as f64 / seconds))
    } else {
        String::new()
    };
    Some(format!(
        "received {} objects, {} in {seconds:.1} s{rate}",
        thousands(objects),
        size(bytes as f64)
    ))
}

/// `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `512 B`, `12.3 KiB`, `4.0 MiB`, `1.2 GiB`.
fn size(bytes: f64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024.0 {
        return format!("{bytes:.0} B");
    }
    let mut value = bytes / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

impl lore_digest::sync::SyncProgress for BarProgress {
    fn epochs_found(&self, total: usize) {
        if total > 0 {
            self.show(format!("{total} epoch(s) to sync"), None);
        }
    }

    fn epoch_started(&self, number: u32, cloning: bool) {
        let doing = if cloning { "cloning" } else { "fetching" };
        self.show(format!("git/{number}.git: {doing}"), None);
    }

    fn transfer_started(&self, _number: u32, transfer: &Transfer) {
        let label = self
            .current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .label
            .clone();
        self.show(label, Some(transfer.clone()));
    }

    fn epoch_done(&self, outcome: &lore_digest::sync::EpochOutcome) {
        let received = {
            let current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
            current
                .transfer
                .as_ref()
                .zip(current.started)
                .map(|(t, started)| received(t, started.elapsed().as_secs_f64()))
        };
        // A line that stays, on a terminal only (println of a hidden bar
        // prints nothing).
        if let Some(Some(line)) = received {
            self.bar
                .println(format!("lore-digest: git/{}.git: {line}", outcome.number));
        }
        self.show(format!("git/{}.git: done", outcome.number), None);
    }

    fn note(&self, text: &str) {
        self.bar.suspend(|| note(text));
    }
}

/// A line on stderr that is neither a warning nor an error: a wait for
/// another run, leftovers of a killed run removed. Nothing with `--quiet`.
pub fn note(text: &str) {
    if crate::output::verbosity() > crate::output::Verbosity::Quiet {
        eprintln!("lore-digest: note: {text}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(size(512.0), "512 B");
        assert_eq!(size(12.3 * 1024.0), "12.3 KiB");
        assert_eq!(size(3.0 * 1024.0 * 1024.0 * 1024.0), "3.0 GiB");
        let transfer = Transfer::default();
        transfer
            .bytes
            .store(2048, std::sync::atomic::Ordering::Relaxed);
        transfer
            .objects
            .store(5, std::sync::atomic::Ordering::Relaxed);
        transfer
            .objects_total
            .store(1200, std::sync::atomic::Ordering::Relaxed);
        let current = Current {
            label: "git/0.git: cloning".into(),
            transfer: Some(transfer),
            started: None,
        };
        assert_eq!(
            describe(&current),
            "git/0.git: cloning, 5/1,200 objects, 2.0 KiB"
        );
    }
}
