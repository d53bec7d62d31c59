/// A title reduced to what stays the same across versions of a series:
/// lower case, single spaces, no trailing period.
pub fn revision_key(title: &str) -> String {
    let title = crate::mail::normalize_whitespace(title).to_lowercase();
    title.trim_end_matches('.').trim_end().to_string()
}

/// The changelog block a cover letter gives for `version`: the lines under
/// `v3:`, `Changes in v3:`, `Changes since v2:`, `v2 -> v3:` and the like,
/// up to the next version's header or the end of the list. At most
/// [`MAX_CHANGELOG_LINES`] lines; `None` without such a block.
pub fn changelog(cover_text: &str, version: u32) -> Option<String> {
    let lines: Vec<&str> = cover_text.lines().collect();
    let start = lines
        .iter()
        .position(|l| changelog_header(l) == Some(version))?;
    let mut block: Vec<&str> = Vec::new();
    let mut i = start + 1;
    // An underline under the header (`-------------`).
    if lines
        .get(i)
        .is_some_and(|l| !l.trim().is_empty() && l.trim().chars().all(|c| c == '-' || c == '='))
    {
        i += 1;
    }
    while let Some(line) = lines.get(i) {
        if changelog_header(line).is_some() {
            break;
        }
        if line.trim().is_empty() {
            // A blank line ends the block unless the list goes on after it.
            let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty());
            let list_goes_on =
                next.is_some_and(|n| is_list_line(n) && changelog_header(n).is_none());
            if !block.is_empty() && !list_goes_on {
                break;
            }
        }
        block.push(line);
        if block.len() > MAX_CHANGELOG_LINES {
            break;
        }
        i += 1;
    }
    while block.last().is_some_and(|l| l.trim().is_empty()) {
        block.pop();
    }
    let skip = block.iter().take_while(|l| l.trim().is_empty()).count();
    let block = &block[skip..];
    (!block.is_empty()).then(|| block.join("\n"))
}

/// How long a changelog block the report quotes.
pub const MAX_CHANGELOG_LINES: usize = 40;

/// An item of a changelog list: indented, or starting with a bullet.
fn is_list_line(line: &str) -> bool {
    line.starts_with([' ', '\t']) || line.trim_start().starts_with(['-', '*', '+', '•'])
}

/// The version a changelog header line introduces: `v3:` and `Changes in
/// v3` give 3; `Changes since v2:` and `v2 -> v3` give 3 too (the version
/// the changes lead to).
fn changelog_header(line: &str) -> Option<u32> {
    let line = line.trim().trim_end_matches(':').trim().to_lowercase();
    if line.len() > 40 {
        return None;
    }
    let rest = ["changes", "changelog", "change log"]
        .iter()
        .find_map(|word| line.strip_prefix(word))
        .map(str::trim);
    let (since, rest) = match rest {
        Some(rest) => match ["since", "from", "in", "for"]
            .iter()
            .find_map(|w| rest.strip_prefix(w).map(|r| (*w, r)))
        {
            Some((word, r)) => (word == "since" || word == "from", r.trim()),
            None => (false, rest),
        },
        None => (false, line.as_str()),
    };
    if let Some((from, to)) = rest.split_once("->") {
        version_word(from.trim())?;
        return version_word(to.trim());
    }
    let version = version_word(rest.strip_suffix(" changes").unwrap_or(rest))?;
    if since {
        version.checked_add(1)
    } else {
        Some(version)
    }
}

/// `v3` → 3.
fn version_word(word: &str) -> Option<u32> {
    let digits = word.strip_prefix('v')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        for (line, version) in [
            ("v3:", Some(3)),
            ("V3", Some(3)),
            ("Changes in v8:", Some(8)),
            ("Changes in v3", Some(3)),
            ("Changes since V3:", Some(4)),
            ("Changes from v1:", Some(2)),
            ("v2 -> v3:", Some(3)),
            ("Changes v2->v3:", Some(3)),
            ("v3 changes:", Some(3)),
            (
                "v3 just swaps the order of the 2 patches in v2, as suggested",
                None,
            ),
            ("Changes:", None),
            ("vmbus: fix", None),
        ] {
            assert_eq!(changelog_header(line), version, "{line}");
        }
    }

    #[test]
    fn block_of_the_series_version() {
        let cover = "Intro.\n\nv3:\n - Add comments. [Vipin]\n - Make the assertions\n   actually work.\n\nv2:\n - Defer allocation.\n\nv1: https://lore\n\nSean (3):\n  KVM: x\n";
        assert_eq!(
            changelog(cover, 3).unwrap(),
            " - Add comments. [Vipin]\n - Make the assertions\n   actually work."
        );
        assert_eq!(changelog(cover, 2).unwrap(), " - Defer allocation.");
        assert_eq!(changelog(cover, 4), None);
    }

    #[test]
    fn underlined_header_and_blank_lines_inside_the_list() {
        let cover = "Changes in v3\n-------------\n-Handled feedback.\n\n-Added a patch.\n\nChanges in v2\n-------------\n-Old.\n";
        assert_eq!(
            changelog(cover, 3).unwrap(),
            "-Handled feedback.\n\n-Added a patch."
        );
        let cover = "Changes in v8:\n\n  - Make it primary.\n  - Clarify.\n\nThanks\n";
        assert_eq!(
            changelog(cover, 8).unwrap(),
            "  - Make it primary.\n  - Clarify."
        );
    }

    #[test]
    fn since_means_the_next_version() {
        let cover = "Changes since V3:\n- Rebase\n\nChanges since V2:\n- paravirt\n";
        assert_eq!(changelog(cover, 4).unwrap(), "- Rebase");
    }

    #[test]
    fn keys_ignore_case_spaces_and_periods() {
        assert_eq!(
            revision_key("KVM: x86:  Fix  it."),
            revision_key("kvm: x86: fix it")
        );
    }
}
