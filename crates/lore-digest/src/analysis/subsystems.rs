use std::collections::HashMap;

/// How many `prefix:` levels make a subsystem: `KVM: x86/mmu:` is two.
const MAX_LEVELS: usize = 3;

/// The subsystem a patch title names by its leading prefixes:
/// `KVM: x86/mmu: Fix it` → `KVM: x86/mmu`, `net: mana: Add` → `net: mana`,
/// `s390/uv: Fix` → `s390/uv`. `None` when the title has no prefix.
///
/// A prefix is one word (letters, digits, `/`, `-`, `_`, `.`, `,`) followed
/// by `": "`; the first word with a space in it is where the summary starts.
pub fn subsystem(title: &str) -> Option<String> {
    let mut levels: Vec<&str> = Vec::new();
    let mut rest = title.trim();
    while levels.len() < MAX_LEVELS {
        let Some((word, after)) = rest.split_once(": ") else {
            break;
        };
        let is_prefix = !word.is_empty()
            && word.len() <= 40
            && word
                .chars()
                .all(|c| c.is_alphanumeric() || "/-_.,".contains(c));
        if !is_prefix {
            break;
        }
        levels.push(word);
        rest = after.trim_start();
    }
    (!levels.is_empty()).then(|| levels.join(": "))
}

/// Series and patch counts per subsystem.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct SubsystemCount {
    /// `KVM: x86/mmu`, or `(none)` for titles without a prefix.
    pub name: String,
    /// Series whose title names it.
    pub series: usize,
    /// Patches (cover letters not counted) of those series in the selection.
    pub patches: usize,
}

/// Counts series per subsystem from `(title, patches)` pairs, most series
/// first, then most patches, then by name.
pub fn count_subsystems<'a>(
    series: impl IntoIterator<Item = (&'a str, usize)>,
) -> Vec<SubsystemCount> {
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    for (title, patches) in series {
        let name = subsystem(title).unwrap_or_else(|| "(none)".to_string());
        let entry = counts.entry(name).or_default();
        entry.0 += 1;
        entry.1 += patches;
    }
    let mut counts: Vec<SubsystemCount> = counts
        .into_iter()
        .map(|(name, (series, patches))| SubsystemCount {
            name,
            series,
            patches,
        })
        .collect();
    counts.sort_by(|a, b| {
        b.series
            .cmp(&a.series)
            .then(b.patches.cmp(&a.patches))
            .then_with(|| a.name.cmp(&b.name))
    });
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_up_to_the_summary() {
        assert_eq!(
            subsystem("KVM: x86/mmu: Dynamically allocate the list").as_deref(),
            Some("KVM: x86/mmu")
        );
        assert_eq!(
            subsystem("KVM: arm64: Fix it").as_deref(),
            Some("KVM: arm64")
        );
        assert_eq!(
            subsystem("s390/uv: Don't return 0").as_deref(),
            Some("s390/uv")
        );
        assert_eq!(subsystem("riscv: Add a thing").as_deref(), Some("riscv"));
        assert_eq!(
            subsystem("Drivers: hv: vmbus: add VTL2 redirect").as_deref(),
            Some("Drivers: hv: vmbus")
        );
        assert_eq!(
            subsystem("RDMA/mana_ib: Handle service reset").as_deref(),
            Some("RDMA/mana_ib")
        );
    }

    #[test]
    fn no_prefix_or_prose_before_a_colon() {
        assert_eq!(subsystem("Fix the build"), None);
        assert_eq!(subsystem("Add support for: things"), None);
        assert_eq!(subsystem(""), None);
        assert_eq!(subsystem(": nothing"), None);
    }

    #[test]
    fn at_most_three_levels() {
        assert_eq!(subsystem("a: b: c: d: summary").as_deref(), Some("a: b: c"));
    }

    #[test]
    fn counted_most_active_first() {
        let counts = count_subsystems([
            ("net: mana: one", 3),
            ("KVM: x86: two", 1),
            ("net: mana: three", 1),
            ("KVM: x86: four", 5),
            ("Fix the build", 1),
        ]);
        let rows: Vec<_> = counts
            .iter()
            .map(|c| (c.name.as_str(), c.series, c.patches))
            .collect();
        assert_eq!(
            rows,
            [("KVM: x86", 2, 6), ("net: mana", 2, 4), ("(none)", 1, 1)]
        );
    }
}
