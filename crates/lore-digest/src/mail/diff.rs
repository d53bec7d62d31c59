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

/// The files a patch touches, from its diff (never from the diffstat,
/// which shortens long paths to `…/`), deduplicated in order of first
/// appearance, as paths from the top of the tree.
///
/// * `diff --git a/X b/Y`: both sides, so a rename gives its old and new
///   name; `rename from`/`rename to` and `copy from`/`copy to` lines too
///   (they name the file when a path with spaces makes the header
///   ambiguous). `diff --cc X` of a merge gives X.
/// * `--- X` followed by `+++ Y` (diff -u, quilt): the new file, or the old
///   one when the new is `/dev/null`. One leading directory is taken off,
///   as `patch -p1` does, when the two sides start with different ones
///   (`a/` and `b/`, `linux.orig/` and `linux/`), and from one-sided
///   (`/dev/null`) pairs unless an earlier pair of the patch had none.
/// * Git's quoted paths (`"a/tab\there"`, C escapes and octal bytes) are
///   unquoted; `/dev/null` is no file.
///
/// Only lines at the start of a line count (not a quoted `> diff --git`),
/// and lines inside a hunk are content: a removed line `-- x` is not a
/// `--- ` header. Linear in the length of the body.
pub fn touched_files(body: &str) -> Vec<String> {
    let mut files = Touched::default();
    let mut lines = Lines {
        text: body,
        at: Some(0),
    };
    // Lines left in the current hunk, old and new side.
    let mut hunk: Option<(u64, u64)> = None;
    // Whether the current git file's names had prefixes to take off.
    let mut git_strip: Option<bool> = None;
    let mut in_git_header = false;
    let mut seen_diff = false;
    let mut p0_seen = false;
    while let Some(line) = lines.next() {
        if let Some((old, new)) = hunk {
            if let Some(left) = hunk_step(line, old, new) {
                hunk = (left != (0, 0)).then_some(left);
                continue;
            }
            hunk = None;
        }
        // Every line read below starts with one of these; most lines (the
        // message, the diffstat) start with none.
        if !matches!(
            line.as_bytes().first(),
            Some(b'd' | b'r' | b'c' | b'-' | b'@')
        ) {
            continue;
        }
        if let Some(rest) = line.strip_prefix("diff --git ") {
            seen_diff = true;
            in_git_header = true;
            git_strip = None;
            if let Some((old, new, strip)) = git_header_names(rest) {
                git_strip = Some(strip);
                files.add_side(&old, strip);
                files.add_side(&new, strip);
            }
        } else if let Some(rest) = line
            .strip_prefix("diff --cc ")
            .or_else(|| line.strip_prefix("diff --combined "))
        {
            seen_diff = true;
            in_git_header = true;
            git_strip = Some(false);
            if let Some(name) = path_word(rest) {
                files.add(&name);
            }
        } else if in_git_header
            && let Some(rest) = ["rename from ", "rename to ", "copy from ", "copy to "]
                .iter()
                .find_map(|prefix| line.strip_prefix(prefix))
        {
            if let Some(name) = path_word(rest) {
                files.add(&name);
            }
        } else if let Some(old) = line.strip_prefix("--- ")
            && let Some(new) = lines.peek().and_then(|next| next.strip_prefix("+++ "))
        {
            lines.next();
            seen_diff = true;
            let (Some(old), Some(new)) = (header_name(old), header_name(new)) else {
                continue;
            };
            let old_real = old != "/dev/null";
            let new_real = new != "/dev/null";
            let strip = match git_strip {
                Some(strip) if in_git_header => strip,
                _ if old_real && new_real => {
                    let strip = match (old.split_once('/'), new.split_once('/')) {
                        (Some((a, _)), Some((b, _))) => a != b,
                        _ => false,
                    };
                    p0_seen |= !strip;
                    strip
                }
                _ => !p0_seen,
            };
            if new_real {
                files.add_side(&new, strip);
            } else if old_real {
                files.add_side(&old, strip);
            }
        } else if seen_diff && let Some(rest) = line.strip_prefix("@@ -") {
            in_git_header = false;
            hunk = hunk_header(rest).filter(|&left| left != (0, 0));
        }
    }
    files.list
}

/// The lines of a text as `split('\n')` gives them, without a line's `\r`.
/// A diff is long and most of its lines are only counted off a hunk, so
/// they are found with `memchr`, never collected.
struct Lines<'a> {
    text: &'a str,
    /// Where the next line starts; `None` after the last one.
    at: Option<usize>,
}

impl<'a> Lines<'a> {
    fn peek(&self) -> Option<&'a str> {
        Lines { ..*self }.next()
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let start = self.at?;
        let rest = self.text.get(start..)?;
        let line = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(nl) => {
                self.at = Some(start + nl + 1);
                &rest[..nl]
            }
            None => {
                self.at = None;
                rest
            }
        };
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

/// The files found so far, each once. A patch touches a few files: a
/// look through the list costs less than hashing, up to a few dozen.
#[derive(Default)]
struct Touched {
    list: Vec<String>,
    /// Filled once the list is long.
    seen: std::collections::HashSet<String>,
}

/// How long [`Touched::list`] grows before [`Touched::seen`] is used.
const FEW_FILES: usize = 32;

impl Touched {
    fn add(&mut self, name: &str) {
        if name.is_empty() || name == "/dev/null" {
            return;
        }
        if self.list.len() < FEW_FILES {
            if self.list.iter().any(|known| known == name) {
                return;
            }
        } else {
            if self.seen.is_empty() {
                self.seen.extend(self.list.iter().cloned());
            }
            if !self.seen.insert(name.to_string()) {
                return;
            }
        }
        self.list.push(name.to_string());
    }

    /// One side of a diff header, its `a/`-like directory taken off when `strip`.
    fn add_side(&mut self, name: &str, strip: bool) {
        if name == "/dev/null" {
            return;
        }
        match name.split_once('/') {
            Some((_, rest)) if strip => self.add(rest),
            _ => self.add(name),
        }
    }
}

/// One line of a hunk with `old` and `new` lines left: what is left after
/// it, or `None` when the line is not part of the hunk.
fn hunk_step(line: &str, old: u64, new: u64) -> Option<(u64, u64)> {
    match line.as_bytes().first() {
        // Mailers drop the space of an empty context line.
        None | Some(b' ') if old > 0 && new > 0 => Some((old - 1, new - 1)),
        Some(b'-') if old > 0 => Some((old - 1, new)),
        Some(b'+') if new > 0 => Some((old, new - 1)),
        Some(b'\\') => Some((old, new)),
        _ => None,
    }
}

/// `a[,b] +c[,d] @@` after `@@ -`: the line counts `b` and `d` (1 when left out).
fn hunk_header(rest: &str) -> Option<(u64, u64)> {
    let (old, rest) = rest.split_once(" +")?;
    let (new, _) = rest.split_once(" @@")?;
    let count = |range: &str| -> Option<u64> {
        let mut parts = range.splitn(2, ',');
        parts.next()?.parse::<u64>().ok()?;
        match parts.next() {
            Some(count) => count.parse().ok(),
            None => Some(1),
        }
    };
    Some((count(old)?, count(new)?))
}

/// The two names of `diff --git OLD NEW` and whether they carry prefixes
/// (`a/`, `b/`) to take off; `None` when spaces make it ambiguous.
fn git_header_names(rest: &str) -> Option<(String, String, bool)> {
    let (old, new) = if let Some(quoted) = rest.strip_prefix('"') {
        let (old, used) = unquote(quoted)?;
        let new = rest[1 + used..].strip_prefix(' ')?;
        (old, path_word(new)?)
    } else if let Some(quote) = rest.find('"') {
        // An unquoted name holds no `"` (git would have quoted it), so the
        // first one opens the second name.
        let old = rest[..quote].strip_suffix(' ')?;
        let (new, _) = unquote(&rest[quote + 1..])?;
        (old.to_string(), new)
    } else {
        let rest = rest.trim_end();
        let (old, new) = split_unquoted(rest)?;
        (old.to_string(), new.to_string())
    };
    let strip = match (old.split_once('/'), new.split_once('/')) {
        (Some((a, _)), Some((b, _))) => a != b,
        _ => false,
    };
    Some((old, new, strip))
}

/// Splits `a/X b/Y` of unquoted names: at the middle when both sides name
/// the same file (spaces allowed), else at the only space.
fn split_unquoted(rest: &str) -> Option<(&str, &str)> {
    fn strip(name: &str) -> &str {
        name.split_once('/').map_or(name, |(_, rest)| rest)
    }
    if rest.len() % 2 == 1 {
        let mid = rest.len() / 2;
        if rest.is_char_boundary(mid) && rest.as_bytes()[mid] == b' ' {
            let (old, new) = (&rest[..mid], &rest[mid + 1..]);
            if old == new || strip(old) == strip(new) {
                return Some((old, new));
            }
        }
    }
    let mut spaces = rest.match_indices(' ');
    let (space, _) = spaces.next()?;
    if spaces.next().is_some() {
        return None;
    }
    Some((&rest[..space], &rest[space + 1..]))
}

/// The name of a `---`/`+++` line: quoted, or up to the tab before a
/// timestamp (git also ends a name that has spaces with a tab).
fn header_name(rest: &str) -> Option<String> {
    if let Some(quoted) = rest.strip_prefix('"') {
        return unquote(quoted).map(|(name, _)| name);
    }
    let name = rest.split('\t').next().unwrap_or(rest).trim_end();
    (!name.is_empty()).then(|| name.to_string())
}

/// A name that is the rest of the line: quoted, or as written.
fn path_word(rest: &str) -> Option<String> {
    if let Some(quoted) = rest.strip_prefix('"') {
        return unquote(quoted).map(|(name, _)| name);
    }
    let name = rest.trim_end();
    (!name.is_empty()).then(|| name.to_string())
}

/// Undoes git's C-style quoting of the text after the opening `"`: the
/// name, and how many bytes it took with the closing `"`.
fn unquote(quoted: &str) -> Option<(String, usize)> {
    let bytes = quoted.as_bytes();
    let mut name = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        at += 1;
        match b {
            b'"' => return Some((String::from_utf8_lossy(&name).into_owned(), at)),
            b'\\' => {
                let escape = *bytes.get(at)?;
                at += 1;
                let byte = match escape {
                    b'a' => 7,
                    b'b' => 8,
                    b't' => b'\t',
                    b'n' => b'\n',
                    b'v' => 11,
                    b'f' => 12,
                    b'r' => b'\r',
                    b'"' | b'\\' => escape,
                    b'0'..=b'3' => {
                        let digits = bytes.get(at..at + 2)?;
                        if !digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                            return None;
                        }
                        at += 2;
                        (escape - b'0') * 64 + (digits[0] - b'0') * 8 + (digits[1] - b'0')
                    }
                    _ => return None,
                };
                name.push(byte);
            }
            _ => name.push(b),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(body: &str) -> Vec<String> {
        touched_files(body)
    }

    #[test]
    fn git_diff_files_not_the_shortened_diffstat() {
        let body = "Fix.\n---\n .../hyperv/very/long/path.c | 2 +-\n include/linux/hyperv.h | 1 +\n\n\
diff --git a/drivers/net/hyperv/very/long/path.c b/drivers/net/hyperv/very/long/path.c\n\
index 1..2 100644\n--- a/drivers/net/hyperv/very/long/path.c\n+++ b/drivers/net/hyperv/very/long/path.c\n\
@@ -1,2 +1,2 @@\n ctx\n-old\n+new\n\
diff --git a/include/linux/hyperv.h b/include/linux/hyperv.h\n\
--- a/include/linux/hyperv.h\n+++ b/include/linux/hyperv.h\n@@ -1 +1,2 @@\n ctx\n+new\n-- \n2.49.0\n";
        assert_eq!(
            files(body),
            [
                "drivers/net/hyperv/very/long/path.c",
                "include/linux/hyperv.h"
            ]
        );
    }

    #[test]
    fn many_files_each_once_in_order() {
        let names: Vec<String> = (0..40).map(|n| format!("dir/f{n}.c")).collect();
        let mut body = String::new();
        for name in names.iter().chain(&names) {
            body.push_str(&format!(
                "diff --git a/{name} b/{name}\n--- a/{name}\n+++ b/{name}\n@@ -1 +1 @@\n-a\n+b\n"
            ));
        }
        assert_eq!(files(&body), names);
    }

    #[test]
    fn renames_and_copies_give_both_names() {
        let body = "diff --git a/old/name.c b/new/name.c\nsimilarity index 100%\n\
rename from old/name.c\nrename to new/name.c\n\
diff --git a/x.c b/y.c\ncopy from x.c\ncopy to y.c\n";
        assert_eq!(files(body), ["old/name.c", "new/name.c", "x.c", "y.c"]);
    }

    #[test]
    fn spaces_in_names() {
        let same = "diff --git a/dir/with space.c b/dir/with space.c\n--- a/dir/with space.c\t\n+++ b/dir/with space.c\t\n@@ -1 +1 @@\n-a\n+b\n";
        assert_eq!(files(same), ["dir/with space.c"]);
        // A rename with spaces: the header is ambiguous, the rename lines are not.
        let renamed = "diff --git a/a b/c b/d e/f\nsimilarity index 90%\nrename from a b/c\nrename to d e/f\n";
        assert_eq!(files(renamed), ["a b/c", "d e/f"]);
    }

    #[test]
    fn quoted_paths_are_unquoted() {
        let body = "diff --git \"a/tab\\there.c\" \"b/tab\\there.c\"\n\
--- \"a/tab\\there.c\"\n+++ \"b/tab\\there.c\"\n@@ -1 +1 @@\n-a\n+b\n\
diff --git a/plain.c \"b/caf\\303\\251.c\"\nrename from plain.c\nrename to \"caf\\303\\251.c\"\n";
        assert_eq!(files(body), ["tab\there.c", "plain.c", "café.c"]);
    }

    #[test]
    fn dev_null_is_no_file() {
        let body = "diff --git a/new.c b/new.c\nnew file mode 100644\n--- /dev/null\n+++ b/new.c\n@@ -0,0 +1 @@\n+x\n\
diff --git a/gone.c b/gone.c\ndeleted file mode 100644\n--- a/gone.c\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n";
        assert_eq!(files(body), ["new.c", "gone.c"]);
        assert_eq!(
            files("--- /dev/null\n+++ b/dir/new.c\n@@ -0,0 +1 @@\n+x\n"),
            ["dir/new.c"]
        );
        assert_eq!(
            files("--- a/dir/old.c\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"),
            ["dir/old.c"]
        );
    }

    #[test]
    fn diffs_without_git_headers() {
        // diff -u between two trees, with timestamps.
        let unified = "--- linux.orig/mm/memory.c\t2025-01-01 10:00:00.000000000 +0100\n\
+++ linux/mm/memory.c\t2025-01-02 10:00:00.000000000 +0100\n@@ -1 +1 @@\n-a\n+b\n";
        assert_eq!(files(unified), ["mm/memory.c"]);
        // quilt, with its Index: line.
        let quilt = "Fix.\n\nIndex: linux-2.6/drivers/hv/hv.c\n\
===================================================================\n\
--- linux-2.6.orig/drivers/hv/hv.c\n+++ linux-2.6/drivers/hv/hv.c\n@@ -1 +1 @@\n-a\n+b\n";
        assert_eq!(files(quilt), ["drivers/hv/hv.c"]);
        // No prefixes (same leading directory on both sides): nothing taken off.
        let p0 = "--- drivers/hv/hv.c.orig\n+++ drivers/hv/hv.c\n@@ -1 +1 @@\n-a\n+b\n\
--- /dev/null\n+++ drivers/hv/new.c\n@@ -0,0 +1 @@\n+x\n";
        assert_eq!(files(p0), ["drivers/hv/hv.c", "drivers/hv/new.c"]);
        assert_eq!(
            files("--- a.c.orig\n+++ a.c\n@@ -1 +1 @@\n-x\n+y\n"),
            ["a.c"]
        );
    }

    #[test]
    fn hunk_content_and_quoted_diffs_are_not_headers() {
        // A removed "-- x" line and an added "++ y" line inside a hunk.
        let body = "diff --git a/f.txt b/f.txt\n--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n--- x\n+++ y\n ctx\n";
        assert_eq!(files(body), ["f.txt"]);
        let quoted =
            "On Mon, X wrote:\n> diff --git a/q.c b/q.c\n> --- a/q.c\n> +++ b/q.c\nNice.\n";
        assert!(files(quoted).is_empty());
        assert!(files("we should diff --git a/x b/x\n").is_empty());
        assert!(files("").is_empty());
        // rename lines count only in a git header.
        assert!(files("Please rename from foo to bar.\nrename from foo\n").is_empty());
    }

    #[test]
    fn crlf_and_duplicates() {
        let body = "diff --git a/x.c b/x.c\r\n--- a/x.c\r\n+++ b/x.c\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\ndiff --git a/x.c b/x.c\r\n";
        assert_eq!(files(body), ["x.c"]);
    }

    #[test]
    fn linear_on_hostile_lines() {
        // A header of 200,000 spaces must not be split at every space.
        let body = format!("diff --git a/{} b/x\n", " ".repeat(200_000));
        let start = std::time::Instant::now();
        let _ = files(&body);
        let many = "--- a\n".repeat(100_000);
        let _ = files(&many);
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }

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
