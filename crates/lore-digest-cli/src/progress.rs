//! Progress of `sync` on a terminal.

/// A spinner per epoch on a terminal; nothing when stderr is not one.
pub struct BarProgress {
    pub bar: indicatif::ProgressBar,
}

impl BarProgress {
    pub fn new() -> Self {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        BarProgress { bar }
    }
}

impl lore_digest::sync::SyncProgress for BarProgress {
    fn epochs_found(&self, total: usize) {
        if total > 0 {
            self.bar.set_message(format!("{total} epoch(s) to sync"));
        }
    }

    fn epoch_started(&self, number: u32, cloning: bool) {
        let doing = if cloning { "cloning" } else { "fetching" };
        self.bar.set_message(format!("git/{number}.git: {doing}"));
    }

    fn epoch_done(&self, outcome: &lore_digest::sync::EpochOutcome) {
        self.bar
            .set_message(format!("git/{}.git: done", outcome.number));
    }

    fn note(&self, text: &str) {
        self.bar.suspend(|| note(text));
    }
}

/// A line on stderr that is neither a warning nor an error: a wait for
/// another run, leftovers of a killed run removed.
pub fn note(text: &str) {
    eprintln!("lore-digest: note: {text}");
}
