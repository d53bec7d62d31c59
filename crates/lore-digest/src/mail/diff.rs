//! The diff a mail carries, as `git apply` and `git am` find it.

/// Whether a decoded body carries a diff: a `diff --git` line, or a
/// `--- ` line followed at once by a `+++ ` line (diff -u, quilt), each at
/// the start of a line. Quoted diffs (`> diff --git`) in replies do not
/// count, nor does a diffstat alone.
pub fn has_diff(body: &str) -> bool {
    let bytes = body.as_bytes();
    let at_line_start = |at: usize| at == 0 || bytes[at - 1] == b'\n';
    if memchr::memmem::find_iter(bytes, b"diff --git ").any(at_line_start) {
        return true;
    }
    memchr::memmem::find_iter(bytes, b"+++ ").any(|at| {
        if !at_line_start(at) || at == 0 {
            return false;
        }
        // The line before must be the `--- ` one.
        let before = &bytes[..at - 1];
        let start = memchr::memrchr(b'\n', before).map_or(0, |nl| nl + 1);
        before[start..].starts_with(b"--- ")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_and_unified_diffs_are_diffs() {
        assert!(has_diff(
            "Fix.\n---\n a.c | 1 +\n\ndiff --git a/a.c b/a.c\n+x\n"
        ));
        assert!(has_diff("diff --git a/a.c b/a.c\n"));
        assert!(has_diff(
            "Fix.\n\nIndex: a.c\n====\n--- a.c.orig\n+++ a.c\n@@ -1 +1 @@\n"
        ));
    }

    #[test]
    fn quoted_diffs_diffstats_and_prose_are_not() {
        assert!(!has_diff("> diff --git a/a.c b/a.c\n> +x\n"));
        assert!(!has_diff(
            "Hi\n---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n"
        ));
        assert!(!has_diff("we should diff --git this\n+++ not a diff\n"));
        assert!(!has_diff("-- \nsignature\n+++ x\n"));
        assert!(!has_diff(""));
    }
}
