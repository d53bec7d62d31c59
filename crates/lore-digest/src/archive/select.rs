use gix::ObjectId;
use jiff::Timestamp;

use super::Archive;
use crate::Error;

/// Which commits of an archive a report covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Git's `base..tip`: commits reachable from `tip` and not from `base`;
    /// without `base`, all history up to `tip`.
    Range {
        /// The excluded end, as given (id, abbreviation or ref).
        base: Option<String>,
        /// The included end.
        tip: String,
    },
    /// What arrived after an earlier update: per epoch, the commits after
    /// the head recorded then. An epoch newer than any recorded is taken
    /// whole; one older is left out. When a recorded head is no longer in
    /// its epoch's history (public-inbox rewrote it to purge mail), that
    /// epoch's commits from the recorded head's time on are taken instead,
    /// and the selection says so in [`Selected::notes`].
    After(Vec<Mark>),
    /// [`Selection::After`] `after`, up to where the archive stood at
    /// `upto` (its [`Archive::marks`] then) rather than up to its heads now:
    /// mail that arrives while the selection is read is left to a later
    /// run that continues from `upto`, so none is skipped or taken twice.
    /// With `after` empty, all history up to `upto`.
    Between {
        /// Where the last run stood.
        after: Vec<Mark>,
        /// Where this run stops.
        upto: Vec<Mark>,
    },
    /// Commits whose commit (arrival) time lies in `[since, until]`.
    Window {
        /// Earliest arrival time, inclusive.
        since: Option<Timestamp>,
        /// Latest arrival time, inclusive.
        until: Option<Timestamp>,
    },
}

impl Selection {
    /// Parses `A..B` or `B`.
    pub fn parse_range(range: &str) -> Result<Selection, Error> {
        let invalid = || Error::InvalidRange(range.to_string());
        match range.split_once("..") {
            Some((base, tip)) => {
                if base.is_empty() || tip.is_empty() || tip.starts_with('.') || tip.contains("..") {
                    return Err(invalid());
                }
                Ok(Selection::Range {
                    base: Some(base.to_string()),
                    tip: tip.to_string(),
                })
            }
            None if !range.trim().is_empty() => Ok(Selection::Range {
                base: None,
                tip: range.to_string(),
            }),
            None => Err(invalid()),
        }
    }
}

/// Where an epoch's history stood at an earlier update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// `N` of `git/N.git` (0 for a lone epoch repository).
    pub epoch: u32,
    /// Its head then.
    pub head: ObjectId,
    /// That head's commit time, seconds since the epoch.
    pub time: i64,
}

/// One selected commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SelectedCommit {
    /// Index of its epoch in [`Archive::epochs`].
    pub epoch: usize,
    /// The commit id.
    pub id: ObjectId,
    /// Commit time: when public-inbox received the mail, seconds since the epoch.
    pub time: i64,
    /// The commit's tree, which holds the mail as `m`.
    pub tree: ObjectId,
}

/// The commits of a selection, oldest first, with the labels a report
/// names its ends by.
#[derive(Clone, Debug)]
pub struct Selected {
    /// The commits, oldest epoch first, oldest commit first within each.
    pub commits: Vec<SelectedCommit>,
    /// The start: the excluded base of a range, else the first commit.
    pub from: ObjectId,
    /// The end: the tip of a range, else the last commit.
    pub to: ObjectId,
    /// What a reader should know about how the selection was made (a
    /// rewritten history recovered by time).
    pub notes: Vec<String>,
    /// How a report names the two ends when they are no commits: a
    /// mailbox's first and last mails' dates (`2025-05-01`).
    pub named_ends: Option<(String, String)>,
    /// Whether the selection holds all history before its end (`--range
    /// B`, a window without `--since`): nothing of a series can be before it.
    pub open_start: bool,
}

/// One walk of a selection: commits of one epoch reachable from `tip` and
/// not from `hidden`, within the time bounds.
#[derive(Clone, Debug)]
pub(crate) struct WalkPlan {
    pub(crate) epoch: usize,
    pub(crate) tip: ObjectId,
    pub(crate) hidden: Option<ObjectId>,
    pub(crate) since: Option<i64>,
    pub(crate) until: Option<i64>,
}

/// The walks a selection needs, oldest epoch first, and what its ends are.
pub(crate) struct Plan {
    pub(crate) walks: Vec<WalkPlan>,
    base: Option<ObjectId>,
    tip: Option<ObjectId>,
    describe: String,
    notes: Vec<String>,
}

impl Archive {
    /// Resolves the revisions of a selection into the walks it needs.
    pub(crate) fn plan(&self, selection: &Selection) -> Result<Plan, Error> {
        match selection {
            Selection::Range { base, tip } => self.plan_range(base.as_deref(), tip),
            Selection::Window { since, until } => self.plan_window(*since, *until),
            Selection::After(marks) => self.plan_after(marks, None),
            Selection::Between { after, upto } => self.plan_after(after, Some(upto)),
        }
    }

    /// The walks after `marks`, up to the heads of `upto` (an epoch it
    /// lacks was empty then) or, without it, up to the heads now.
    fn plan_after(&self, marks: &[Mark], upto: Option<&[Mark]>) -> Result<Plan, Error> {
        let newest_marked = marks.iter().map(|m| m.epoch).max();
        let mut walks = Vec::new();
        let mut notes = Vec::new();
        let mut tip = None;
        for epoch in 0..self.epochs.len() {
            let number = self.epochs[epoch].number;
            let head = match upto {
                Some(upto) => upto.iter().find(|m| m.epoch == number).map(|m| m.head),
                None => self.head(epoch)?,
            };
            let Some(head) = head else {
                continue;
            };
            let mark = marks.iter().find(|m| m.epoch == number);
            let walk = match mark {
                Some(mark) if mark.head == head => None,
                Some(mark) if self.reaches(epoch, head, mark)? => Some(WalkPlan {
                    epoch,
                    tip: head,
                    hidden: Some(mark.head),
                    since: None,
                    until: None,
                }),
                Some(mark) => {
                    notes.push(format!(
                        "git/{number}.git was rewritten since the last update (its head then, {}, is gone from its history, as when mail is purged); its mail from that head's time on is reported",
                        mark.head.to_hex_with_len(8)
                    ));
                    Some(WalkPlan {
                        epoch,
                        tip: head,
                        hidden: None,
                        since: Some(mark.time),
                        until: None,
                    })
                }
                None if newest_marked.is_none_or(|n| number > n) => Some(WalkPlan {
                    epoch,
                    tip: head,
                    hidden: None,
                    since: None,
                    until: None,
                }),
                None => None,
            };
            tip = Some(head);
            walks.extend(walk);
        }
        let base = marks.iter().max_by_key(|m| m.epoch).map(|m| m.head);
        Ok(Plan {
            walks,
            base,
            tip,
            describe: "no new mail since the last update".into(),
            notes,
        })
    }

    /// The Message-IDs of the mails in each epoch's history that arrived
    /// at or after its mark's time: what an update that reached `marks`
    /// has reported at those times. A later [`Selection::After`] that finds
    /// an epoch rewritten takes its mail from the mark's time on, and
    /// these are the ones to leave out. Every epoch counts, not only the
    /// newest: an old epoch can be purged long after the list rolled over.
    pub fn ids_at_marks(&self, marks: &[Mark]) -> Result<Vec<String>, Error> {
        let mut commits = Vec::new();
        for mark in marks {
            let Some(epoch) = self.epochs.iter().position(|e| e.number == mark.epoch) else {
                continue;
            };
            let plan = WalkPlan {
                epoch,
                tip: mark.head,
                hidden: None,
                since: Some(mark.time),
                until: None,
            };
            self.walk(&plan, &mut |commit, _| {
                commits.push(commit);
                true
            })?;
        }
        let mut ids: Vec<String> = self
            .read_commits(&commits)?
            .mails
            .into_iter()
            .filter_map(|m| m.message.message_id)
            .collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// Whether `mark.head` is in the history of `head`: walked back from
    /// `head` no further than the mark's time.
    pub(crate) fn reaches(&self, epoch: usize, head: ObjectId, mark: &Mark) -> Result<bool, Error> {
        let plan = WalkPlan {
            epoch,
            tip: head,
            hidden: None,
            since: Some(mark.time),
            until: None,
        };
        let mut found = false;
        self.walk(&plan, &mut |commit, _| {
            found = commit.id == mark.head;
            !found
        })?;
        Ok(found)
    }

    fn plan_range(&self, base: Option<&str>, tip: &str) -> Result<Plan, Error> {
        let (tip_epoch, tip_id) = self.resolve(tip)?;
        let base = base.map(|b| self.resolve(b)).transpose()?;
        let describe = format!("no commit in range {}..{tip}", base_label(base));
        let first_epoch = match base {
            Some((base_epoch, _)) if base_epoch > tip_epoch => {
                return Err(Error::EmptySelection(format!(
                    "{} is in a later epoch than {tip}, nothing is reachable from {tip} and not from it",
                    base_label(base)
                )));
            }
            Some((base_epoch, _)) => base_epoch,
            None => 0,
        };
        let mut walks = Vec::new();
        for epoch in first_epoch..=tip_epoch {
            let walk_tip = if epoch == tip_epoch {
                Some(tip_id)
            } else {
                self.head(epoch)?
            };
            let Some(walk_tip) = walk_tip else { continue };
            let hidden = base
                .filter(|(base_epoch, _)| *base_epoch == epoch)
                .map(|(_, id)| id);
            walks.push(WalkPlan {
                epoch,
                tip: walk_tip,
                hidden,
                since: None,
                until: None,
            });
        }
        Ok(Plan {
            walks,
            base: base.map(|(_, id)| id),
            tip: Some(tip_id),
            describe,
            notes: Vec::new(),
        })
    }

    fn plan_window(
        &self,
        since: Option<Timestamp>,
        until: Option<Timestamp>,
    ) -> Result<Plan, Error> {
        let show = |t: Option<Timestamp>| t.map_or("…".to_string(), |t| t.to_string());
        let describe = format!(
            "no mail arrived between {} and {}",
            show(since),
            show(until)
        );
        let mut walks = Vec::new();
        for epoch in 0..self.epochs.len() {
            let Some(head) = self.head(epoch)? else {
                continue;
            };
            walks.push(WalkPlan {
                epoch,
                tip: head,
                hidden: None,
                since: since.map(|t| t.as_second()),
                until: until.map(|t| t.as_second()),
            });
        }
        Ok(Plan {
            walks,
            base: None,
            tip: None,
            describe,
            notes: Vec::new(),
        })
    }

    /// Finds a revision. A commit id (full or abbreviated) is looked up in
    /// every epoch, newest first. Anything else (`master`, `HEAD~3`) names
    /// history, so it is resolved in the newest epoch that has any: an
    /// older epoch's `HEAD~3` is not three mails back.
    fn resolve(&self, spec: &str) -> Result<(usize, ObjectId), Error> {
        let is_id = spec.len() >= 4 && spec.bytes().all(|b| b.is_ascii_hexdigit());
        for (index, epoch) in self.epochs.iter().enumerate().rev() {
            let repo = epoch.repo();
            if !is_id && repo.head().is_ok_and(|h| h.is_unborn()) {
                continue;
            }
            let Ok(id) = repo.rev_parse_single(spec) else {
                if is_id {
                    continue;
                }
                if let Some(damage) = self.unreadable_history(index, spec) {
                    return Err(damage);
                }
                break;
            };
            match id.object() {
                Ok(object) => match object.peel_to_commit() {
                    Ok(commit) => return Ok((index, commit.id)),
                    Err(_) if is_id => continue,
                    Err(_) => break,
                },
                // A ref that names an object the store cannot give: the
                // archive is damaged, the revision is not the user's mistake.
                Err(e) if !is_id => {
                    return Err(self.git_error(
                        index,
                        format!(
                            "'{spec}' names {}, which cannot be read: {e} (the repository is damaged or incomplete)",
                            id.detach()
                        ),
                    ));
                }
                Err(_) => continue,
            }
        }
        let shallow = self
            .epochs
            .iter()
            .any(|e| e.repo().is_shallow().unwrap_or(false));
        Err(Error::UnknownRevision {
            spec: spec.to_string(),
            path: self.path.clone(),
            hint: if shallow {
                " (the archive is a shallow mirror: the commit may lie before its cut; \
                 `lore-digest sync --since` an earlier time deepens it)"
                    .into()
            } else {
                String::new()
            },
        })
    }

    /// Why `spec` did not resolve when it is a name followed by parent
    /// steps (`master~5`, `HEAD^2~3`, `@~1`): a commit on the way back that
    /// the store cannot give (the archive is damaged), rather than a
    /// history too short or the cut of a shallow mirror. `None` when the way
    /// back reads whole or the spec has another form (`master:path`,
    /// `master@{1}`): the revision is then the user's mistake.
    fn unreadable_history(&self, epoch: usize, spec: &str) -> Option<Error> {
        let (base, steps) = spec.split_at(spec.find(['~', '^'])?);
        let base = if base.is_empty() || base == "@" {
            "HEAD"
        } else {
            base
        };
        let steps = parent_steps(steps)?;
        let repo = self.epochs[epoch].repo();
        let damaged = |e: &dyn std::fmt::Display| {
            self.git_error(
                epoch,
                format!(
                    "'{spec}' cannot be resolved: the history of '{base}' cannot be read: {e} \
                     (the repository is damaged or incomplete)"
                ),
            )
        };
        let mut commit = match repo.rev_parse_single(base).ok()?.object() {
            Ok(object) => object.peel_to_commit().ok()?,
            Err(e) => return Some(damaged(&e)),
        };
        let cut: Vec<ObjectId> = repo
            .shallow_commits()
            .ok()
            .flatten()
            .map(|commits| commits.iter().copied().collect())
            .unwrap_or_default();
        for (parent, count) in steps {
            for _ in 0..count {
                // No such parent: the history is too short.
                let next = commit.parent_ids().nth(parent)?;
                commit = match next.object() {
                    Ok(object) => object.try_into_commit().ok()?,
                    // A shallow mirror's parents beyond its cut are not there.
                    Err(_) if cut.contains(&commit.id) => return None,
                    Err(e) => return Some(damaged(&e)),
                };
            }
        }
        None
    }

    /// The head commit of an epoch, `None` for an epoch without commits.
    pub(crate) fn head(&self, epoch: usize) -> Result<Option<ObjectId>, Error> {
        let repo = self.epochs[epoch].repo();
        match repo.head_commit() {
            Ok(commit) => Ok(Some(commit.id)),
            Err(_) if repo.head().is_ok_and(|h| h.is_unborn()) => Ok(None),
            Err(e) => Err(self.git_error(epoch, e)),
        }
    }

    /// Hands the commits of one walk to `sink`, newest first, with the raw
    /// commit object, until `sink` returns false.
    ///
    /// A time-bounded walk goes by commit time and stops at commits older
    /// than `since`; an unbounded one goes breadth-first, which is cheaper.
    /// The tree and time of each commit are read from the commit the walk
    /// decoded anyway, so readers never decode a commit again.
    pub(crate) fn walk(
        &self,
        plan: &WalkPlan,
        sink: &mut dyn FnMut(SelectedCommit, &[u8]) -> bool,
    ) -> Result<(), Error> {
        use gix::traverse::commit::simple::{CommitTimeOrder, Sorting};
        let epoch = plan.epoch;
        let repo = self.epochs[epoch].repo();
        let sorting = match (plan.since, plan.until) {
            (Some(seconds), _) => Sorting::ByCommitTimeCutoff {
                order: CommitTimeOrder::NewestFirst,
                seconds,
            },
            (None, Some(_)) => Sorting::ByCommitTime(CommitTimeOrder::NewestFirst),
            (None, None) => Sorting::BreadthFirst,
        };
        // A shallow mirror ends where its history was cut: parents beyond
        // the cut are not there to walk.
        let shallow = repo.is_shallow().unwrap_or(false);
        use gix::objs::Exists;
        let objects = &repo.objects;
        let mut walk = gix::traverse::commit::Simple::filtered([plan.tip], objects, |id| {
            !shallow || objects.exists(id)
        })
        .sorting(sorting)
        .map_err(|e| self.git_error(epoch, e))?
        .hide(plan.hidden)
        .map_err(|e| self.git_error(epoch, e))?;
        while let Some(info) = walk.next() {
            let info = info.map_err(|e| self.git_error(epoch, e))?;
            // The walk's buffer holds the commit it just returned.
            let tree = walk
                .commit_iter()
                .tree_id()
                .map_err(|e| self.git_error(epoch, e))?;
            // Only the seconds: the offset may be invalid and is not needed.
            let time = walk.commit_iter().committer().map_or(0, |c| c.seconds());
            let in_window =
                plan.since.is_none_or(|s| time >= s) && plan.until.is_none_or(|u| time <= u);
            let commit = SelectedCommit {
                epoch,
                id: info.id,
                time,
                tree,
            };
            if in_window && !sink(commit, walk.commit_data()) {
                break;
            }
        }
        Ok(())
    }

    fn git_error(&self, epoch: usize, error: impl Into<crate::error::Source>) -> Error {
        Error::Git {
            path: self.epochs[epoch].path.clone(),
            source: error.into(),
        }
    }
}

/// The parent steps of a revision (`~3^2`) as (parent index, how many
/// times): `~N` is N first parents, `^N` the N-th parent once, `^0` and
/// `~0` the commit itself. `None` for anything else (`^{tree}`, `@{1}`).
fn parent_steps(mut steps: &str) -> Option<Vec<(usize, u64)>> {
    let mut path = Vec::new();
    while let Some(op) = steps.chars().next() {
        let rest = &steps[op.len_utf8()..];
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let n: u64 = if digits == 0 {
            1
        } else {
            rest[..digits].parse().ok()?
        };
        path.push(match (op, n) {
            ('~', n) => (0, n),
            ('^', 0) => (0, 0),
            ('^', n) => (usize::try_from(n - 1).ok()?, 1),
            _ => return None,
        });
        steps = &rest[digits..];
    }
    Some(path)
}

impl Plan {
    /// Builds the selection from its commits, oldest first; an empty one is an error.
    pub(crate) fn finish(&self, commits: Vec<SelectedCommit>) -> Result<Selected, Error> {
        let (Some(first), Some(last)) = (commits.first(), commits.last()) else {
            return Err(Error::EmptySelection(self.describe.clone()));
        };
        let from = self.base.unwrap_or(first.id);
        let to = self.tip.unwrap_or(last.id);
        Ok(Selected {
            commits,
            from,
            to,
            notes: self.notes.clone(),
            named_ends: None,
            open_start: false,
        })
    }
}

fn base_label(base: Option<(usize, ObjectId)>) -> String {
    base.map(|(_, id)| id.to_hex_with_len(8).to_string())
        .unwrap_or_default()
}

/// Parses an `--until` value like [`parse_when`], except that a bare date
/// means the end of that day: `--until 2025-05-03` includes mail of May 3.
pub fn parse_until(input: &str, now: Timestamp) -> Result<Timestamp, Error> {
    if let Ok(date) = input.trim().parse::<jiff::civil::Date>() {
        // Commit times have whole seconds, so the day ends at its last second.
        let end_of_day = date.to_datetime(jiff::civil::time(23, 59, 59, 0));
        return end_of_day
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .map_err(|_| Error::InvalidTime {
                input: input.to_string(),
                reason: "out of range".into(),
            });
    }
    parse_when(input, now)
}

/// Parses a `--since`/`--until` value: an ISO date (`2025-05-01`, midnight
/// UTC), a date and time (`2025-05-01T12:00:00Z`, `2025-05-01 12:00`; UTC
/// unless an offset is given), `@<unix seconds>`, or a time before `now`
/// (`7d`, `24h`, `90m`, `2w`, `30s`, optionally followed by ` ago`).
pub fn parse_when(input: &str, now: Timestamp) -> Result<Timestamp, Error> {
    let invalid = |reason: &str| Error::InvalidTime {
        input: input.to_string(),
        reason: reason.to_string(),
    };
    let text = input.trim();
    if let Some(seconds) = text.strip_prefix('@') {
        let seconds: i64 = seconds
            .parse()
            .map_err(|_| invalid("expected @<unix seconds>"))?;
        return Timestamp::from_second(seconds).map_err(|_| invalid("out of range"));
    }
    if let Some(ago) = parse_relative(text) {
        let seconds = ago.ok_or_else(|| invalid("duration too large"))?;
        return now
            .as_second()
            .checked_sub(seconds)
            .and_then(|s| Timestamp::from_second(s).ok())
            .ok_or_else(|| invalid("out of range"));
    }
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    if let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .map_err(|_| invalid("out of range"));
    }
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        return date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .map_err(|_| invalid("out of range"));
    }
    Err(invalid(
        "expected a date (2025-05-01), a date and time (2025-05-01T12:00:00Z) or a duration (7d, 24h)",
    ))
}

/// Parses a duration such as `180d`, `26w` or `12h` into seconds; `None`
/// when it is not one (or too large).
pub fn parse_duration(text: &str) -> Option<i64> {
    parse_relative(text.trim()).flatten()
}

/// `7d` → Some(Some(604800)); `7x` → None (not a duration); a number too
/// large → Some(None).
fn parse_relative(text: &str) -> Option<Option<i64>> {
    let text = text.strip_suffix("ago").map(str::trim_end).unwrap_or(text);
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let (number, unit) = text.split_at(digits);
    let unit_seconds: i64 = match unit.trim() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hour" | "hours" => 3600,
        "d" | "day" | "days" => 86_400,
        "w" | "week" | "weeks" => 7 * 86_400,
        _ => return None,
    };
    Some(
        number
            .parse::<i64>()
            .ok()
            .and_then(|n| n.checked_mul(unit_seconds)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_steps_are_read_as_git_reads_them() {
        assert_eq!(parent_steps("~5"), Some(vec![(0, 5)]));
        assert_eq!(parent_steps("~"), Some(vec![(0, 1)]));
        assert_eq!(parent_steps("^2~3^"), Some(vec![(1, 1), (0, 3), (0, 1)]));
        assert_eq!(parent_steps("^0"), Some(vec![(0, 0)]));
        assert_eq!(parent_steps("^{tree}"), None);
        assert_eq!(parent_steps("~1:m"), None);
        assert_eq!(parent_steps("~é"), None);
        assert_eq!(parent_steps("~99999999999999999999999"), None);
    }

    fn now() -> Timestamp {
        "2025-05-20T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn relative_times() {
        assert_eq!(
            parse_when("7d", now()).unwrap().to_string(),
            "2025-05-13T12:00:00Z"
        );
        assert_eq!(
            parse_when("24h", now()).unwrap().to_string(),
            "2025-05-19T12:00:00Z"
        );
        assert_eq!(
            parse_when("2 weeks ago", now()).unwrap().to_string(),
            "2025-05-06T12:00:00Z"
        );
        assert_eq!(
            parse_when("90m", now()).unwrap().to_string(),
            "2025-05-20T10:30:00Z"
        );
    }

    #[test]
    fn absolute_times() {
        assert_eq!(
            parse_when("2025-05-01", now()).unwrap().to_string(),
            "2025-05-01T00:00:00Z"
        );
        assert_eq!(
            parse_when("2025-05-01T12:30:00Z", now())
                .unwrap()
                .to_string(),
            "2025-05-01T12:30:00Z"
        );
        assert_eq!(
            parse_when("2025-05-01T12:30:00+02:00", now())
                .unwrap()
                .to_string(),
            "2025-05-01T10:30:00Z"
        );
        assert_eq!(
            parse_when("2025-05-01 12:30", now()).unwrap().to_string(),
            "2025-05-01T12:30:00Z"
        );
        assert_eq!(
            parse_when("@0", now()).unwrap().to_string(),
            "1970-01-01T00:00:00Z"
        );
    }

    #[test]
    fn until_a_date_includes_the_whole_day() {
        assert_eq!(
            parse_until("2025-05-03", now()).unwrap().as_second(),
            parse_when("2025-05-04", now()).unwrap().as_second() - 1
        );
        assert_eq!(
            parse_until("2025-05-03T10:00:00Z", now())
                .unwrap()
                .to_string(),
            "2025-05-03T10:00:00Z"
        );
    }

    #[test]
    fn invalid_times_are_errors() {
        for bad in [
            "yesterday",
            "7x",
            "",
            "2025-13-01",
            "99999999999999999999d",
            "@abc",
        ] {
            let err = parse_when(bad, now()).unwrap_err();
            assert!(matches!(err, Error::InvalidTime { .. }), "{bad}: {err}");
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(
            Selection::parse_range("abc..def").unwrap(),
            Selection::Range {
                base: Some("abc".into()),
                tip: "def".into()
            }
        );
        assert_eq!(
            Selection::parse_range("master").unwrap(),
            Selection::Range {
                base: None,
                tip: "master".into()
            }
        );
        for bad in ["..b", "a..", "a...b", "", "a..b..c"] {
            assert!(Selection::parse_range(bad).is_err(), "{bad}");
        }
    }
}
