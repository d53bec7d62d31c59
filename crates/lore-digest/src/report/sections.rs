//! `--maintainers`: the report's MAINTAINERS sections. The parser maps each
//! patch to its sections while its body is at hand
//! ([`crate::mail::Message::sections`]); this names them on patches and
//! series, and counts them per section.

use std::collections::HashMap;

use super::model::{MissedCc, PatchMail, PatchRef, SectionCount, SectionQueue, Series};
use crate::maintainers::{Maintainers, PatchSection};
use crate::status::SeriesStatus;

/// The section of a [`PatchSection`], if the index is one of `maintainers`.
fn section<'a>(
    maintainers: &'a Maintainers,
    found: &PatchSection,
) -> Option<&'a crate::maintainers::Section> {
    maintainers
        .sections()
        .get(usize::try_from(found.section).ok()?)
}

/// A patch's section names, most specific first, and those whose people
/// its To/Cc/From missed.
pub(super) fn patch_sections(
    maintainers: &Maintainers,
    found: &[PatchSection],
) -> (Vec<String>, Vec<String>) {
    let mut names = Vec::with_capacity(found.len());
    let mut missed = Vec::new();
    for f in found {
        let Some(s) = section(maintainers, f) else {
            continue;
        };
        names.push(s.name.clone());
        if f.missed_cc {
            missed.push(s.name.clone());
        }
    }
    (names, missed)
}

/// The union of the sections of a series' patches, most specific first:
/// each section by its most specific match over the patches (as
/// get_maintainer orders the files of one patch), ties in file order, then
/// those matched by `K:` alone.
pub(super) fn series_sections<'a>(
    maintainers: &Maintainers,
    patches: impl Iterator<Item = &'a [PatchSection]>,
) -> Vec<String> {
    let mut best: HashMap<u32, Option<i32>> = HashMap::new();
    for found in patches.flatten() {
        let slot = best.entry(found.section).or_insert(found.specificity);
        if found.specificity > *slot {
            *slot = found.specificity;
        }
    }
    let mut ordered: Vec<(u32, Option<i32>)> = best.into_iter().collect();
    // `None` (K: only) sorts below every `Some`, so highest first puts it last.
    ordered.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ordered
        .into_iter()
        .filter_map(|(i, _)| {
            let s = maintainers.sections().get(usize::try_from(i).ok()?)?;
            Some(s.name.clone())
        })
        .collect()
}

/// Per patch of `series.patches`: whether it has a review (a
/// Reviewed/Acked/Tested-by on itself or on the cover letter).
pub(super) fn reviewed_flags(series: &Series) -> Vec<bool> {
    // One pass over the trailers: a series may carry many thousands.
    let reviewed: std::collections::HashSet<Option<u32>> = series
        .trailers
        .iter()
        .filter(|t| t.kind.is_review())
        .map(|t| t.patch)
        .collect();
    let whole = reviewed.contains(&Some(0));
    series
        .patches
        .iter()
        .map(|p| whole || reviewed.contains(&p.index))
        .collect()
}

/// The report's section tables.
pub(super) struct Tables {
    pub sections: Vec<SectionCount>,
    pub unreviewed_by_section: Vec<SectionQueue>,
    pub missed_cc: Vec<MissedCc>,
}

/// Whether a series still waits for reviews: nothing has settled it
/// (applied, superseded, NAKed, changes asked for).
fn still_open(series: &Series) -> bool {
    matches!(
        series.status,
        SeriesStatus::New | SeriesStatus::UnderReview | SeriesStatus::PartiallyApplied
    )
}

fn patch_ref(patch: &PatchMail) -> PatchRef {
    PatchRef {
        subject: patch.subject.clone(),
        author: patch.author.clone(),
        message_id: patch.message_id.clone(),
        url: patch.url.clone(),
        arrived: patch.arrived.clone(),
    }
}

/// Counts per section over the series (newest first), the queues of
/// patches waiting for review and the patches that missed a Cc.
pub(super) fn tables(maintainers: &Maintainers, series: &[&Series]) -> Tables {
    let by_name: HashMap<&str, usize> = maintainers
        .sections()
        .iter()
        .enumerate()
        .rev()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let mut counts: HashMap<usize, SectionCount> = HashMap::new();
    let mut queues: HashMap<usize, Vec<PatchRef>> = HashMap::new();
    let mut missed_cc = Vec::new();
    for s in series {
        let reviewed = reviewed_flags(s);
        for name in &s.sections {
            if let Some(&i) = by_name.get(name.as_str()) {
                count_of(&mut counts, maintainers, i).series += 1;
            }
        }
        for (patch, reviewed) in s.patches.iter().zip(reviewed) {
            for name in &patch.sections {
                let Some(&i) = by_name.get(name.as_str()) else {
                    continue;
                };
                let count = count_of(&mut counts, maintainers, i);
                count.patches += 1;
                count.unreviewed_patches += usize::from(!reviewed);
                count.applied_patches += usize::from(patch.applied.is_some());
                if !reviewed && patch.applied.is_none() && still_open(s) {
                    queues.entry(i).or_default().push(patch_ref(patch));
                }
            }
            if !patch.missed_cc.is_empty() {
                missed_cc.push(MissedCc {
                    patch: patch_ref(patch),
                    sections: patch.missed_cc.clone(),
                });
            }
        }
    }
    let mut sections: Vec<SectionCount> = counts.into_values().collect();
    sections.sort_by(|a, b| {
        (b.series, b.patches)
            .cmp(&(a.series, a.patches))
            .then_with(|| a.name.cmp(&b.name))
    });
    let mut unreviewed_by_section: Vec<SectionQueue> = queues
        .into_iter()
        .map(|(i, patches)| {
            let s = &maintainers.sections()[i];
            SectionQueue {
                name: s.name.clone(),
                maintainers: s.maintainers.clone(),
                reviewers: s.reviewers.clone(),
                patches,
            }
        })
        .collect();
    unreviewed_by_section.sort_by(|a, b| {
        b.patches
            .len()
            .cmp(&a.patches.len())
            .then_with(|| a.name.cmp(&b.name))
    });
    Tables {
        sections,
        unreviewed_by_section,
        missed_cc,
    }
}

fn count_of<'a>(
    counts: &'a mut HashMap<usize, SectionCount>,
    maintainers: &Maintainers,
    i: usize,
) -> &'a mut SectionCount {
    counts.entry(i).or_insert_with(|| {
        let s = &maintainers.sections()[i];
        SectionCount {
            name: s.name.clone(),
            status: s.status.clone(),
            maintainers: s.maintainers.clone(),
            reviewers: s.reviewers.clone(),
            lists: s.lists.clone(),
            series: 0,
            patches: 0,
            unreviewed_patches: 0,
            applied_patches: 0,
        }
    })
}

/// The warnings of reading MAINTAINERS as the report gives them: each
/// line once, the first few in full and a count of the rest.
pub(super) fn summarize_warnings(warnings: &[String]) -> Vec<String> {
    const SHOWN: usize = 5;
    let mut out: Vec<String> = warnings.iter().take(SHOWN).cloned().collect();
    if warnings.len() > SHOWN {
        out.push(format!(
            "{} more line(s) of the MAINTAINERS file were skipped",
            warnings.len() - SHOWN
        ));
    }
    out
}
