//! `git patch-id --stable`, line for line.
//!
//! The rules are git's (`builtin/patch-id.c`, git 2.40 and later), kept
//! exactly so that an id computed here equals the one git prints:
//!
//! * Everything before the first line that starts with `diff ` is the
//!   commit message and is skipped, as is every line `\ No newline…`.
//! * A line that starts with 40 hex digits (optionally after `commit ` or
//!   `From `) starts the next patch.
//! * In a file's header, `index` lines are skipped; every other header line
//!   (`diff --git`, `new file mode`, `similarity index`, `rename from`, …)
//!   is hashed, and `--- `/`+++ ` start the hunks.
//! * Hunk headers (`@@ -a,b +c,d @@`) are not hashed: only their line counts
//!   are read, to know where the hunks end. A line that is neither a hunk
//!   header nor `diff ` where a hunk could start ends the patch: that is
//!   how the signature (`-- `) and anything after the diff stay out.
//! * Every hashed line loses its whitespace (space, tab, CR, LF: git's own
//!   ASCII `isspace`, not the C library's) and is cut at a NUL.
//! * A binary file (`GIT binary patch`, `Binary files … differ`) hashes the
//!   two object ids of its `index` line as written and nothing of its data;
//!   the next file's `diff` line is then not hashed (git's own quirk).
//! * `--stable`: each file's lines are hashed apart and the 20-byte digests
//!   are summed as little-endian numbers (the carry dropped past the last
//!   byte), so the id does not depend on the order of the files.

use std::fmt;

use gix::bstr::BString;

/// A patch id as `git patch-id --stable` computes it: a SHA-1-sized sum
/// that displays as 40 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PatchId([u8; 20]);

impl PatchId {
    /// Parses 40 hex digits (either case), as git prints an id.
    pub fn from_hex(hex: &str) -> Option<PatchId> {
        let bytes = hex.as_bytes();
        if bytes.len() != 40 {
            return None;
        }
        let mut id = [0u8; 20];
        for (i, pair) in bytes.chunks_exact(2).enumerate() {
            id[i] = (hex_value(pair[0])? << 4) | hex_value(pair[1])?;
        }
        Some(PatchId(id))
    }

    /// The 20 bytes of the sum.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }
}

impl fmt::Display for PatchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for PatchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PatchId({self})")
    }
}

/// A posted patch as the tree is searched for it: its patch id and the
/// paths its diff touches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostedPatch {
    /// What `git patch-id --stable` prints for the patch.
    pub patch_id: PatchId,
    /// Every path the diff changes, sorted and without duplicates: old and
    /// new name of a rename, the name of an added, deleted or modified file,
    /// as git names them in the tree (quoting undone, `a/`/`b/` removed).
    pub paths: Vec<BString>,
}

/// The patch id of a mail's diff: what `git patch-id --stable` prints for
/// a decoded patch mail body (commit message, `---`, diffstat, the
/// `diff --git` sections, a signature). `None` when the text holds no diff.
///
/// When git would print more than one id for the text (a commit message
/// with a line that starts with `diff `, or two patches in one mail), this
/// is the id of the first patch that opens with `diff --git`: the one a
/// tree commit can match.
pub fn patch_id(mail_body: &str) -> Option<PatchId> {
    posted_patch(mail_body).map(|p| p.patch_id)
}

/// The patch id of a mail's diff and the paths the diff touches; see
/// [`patch_id`].
pub fn posted_patch(mail_body: &str) -> Option<PostedPatch> {
    let mut lines = Lines(mail_body.as_bytes());
    while !lines.0.is_empty() {
        let patch = one_patch(&mut lines);
        if patch.hashed_len > 0 && patch.opened_by_git_diff {
            let mut paths: Vec<BString> = patch.paths.into_iter().map(BString::from).collect();
            paths.sort();
            paths.dedup();
            return Some(PostedPatch {
                patch_id: patch.id?,
                paths,
            });
        }
    }
    None
}

/// Every line `git patch-id --stable` prints for the text: each patch's
/// id and the commit id of the `From <id>`/`commit <id>` line before it
/// (40 zeros when there is none). For comparing with git in tests.
#[doc(hidden)]
pub fn git_patch_id_lines(text: &[u8]) -> Vec<String> {
    let mut printed = Vec::new();
    let mut lines = Lines(text);
    let zeros = "0".repeat(40);
    let mut commit = zeros.clone();
    while !lines.0.is_empty() {
        let patch = one_patch(&mut lines);
        if patch.hashed_len > 0
            && let Some(id) = patch.id
        {
            printed.push(format!("{id} {commit}"));
        }
        commit = patch.next_commit.map_or_else(
            || zeros.clone(),
            |c| String::from_utf8_lossy(c).to_lowercase(),
        );
    }
    printed
}

/// The stable patch id of a diff that is known to hold one patch (the
/// text of a tree commit's diff, which this module writes itself).
pub(crate) fn diff_patch_id(diff: &[u8]) -> Option<PatchId> {
    let patch = one_patch(&mut Lines(diff));
    if patch.hashed_len == 0 {
        return None;
    }
    patch.id
}

/// What one pass of git's `get_one_patchid` found.
struct OnePatch<'a> {
    /// The sum; `None` if SHA-1 found a collision attack in the input.
    id: Option<PatchId>,
    /// Bytes hashed; git prints nothing for a patch of 0.
    hashed_len: usize,
    /// Whether the first hashed line is `diff --git …`.
    opened_by_git_diff: bool,
    paths: Vec<Vec<u8>>,
    /// The id on the line that started the next patch, if one did.
    next_commit: Option<&'a [u8]>,
}

/// Lines with their `\n`, as `strbuf_getwholeline` reads them.
struct Lines<'a>(&'a [u8]);

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.0.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', self.0).map_or(self.0.len(), |nl| nl + 1);
        let (line, rest) = self.0.split_at(end);
        self.0 = rest;
        Some(line)
    }
}

/// The running `--stable` sum: one SHA-1 per file, added up.
struct StableSum {
    sum: [u8; 20],
    hasher: gix::hash::Hasher,
    collision: bool,
}

impl StableSum {
    fn new() -> StableSum {
        StableSum {
            sum: [0; 20],
            hasher: gix::hash::hasher(gix::hash::Kind::Sha1),
            collision: false,
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
    }

    /// git's `flush_one_hunk`: adds the digest of what was hashed since the
    /// last flush, byte 0 lowest, and starts a new digest.
    fn flush(&mut self) {
        let hasher = std::mem::replace(&mut self.hasher, gix::hash::hasher(gix::hash::Kind::Sha1));
        let Ok(digest) = hasher.try_finalize() else {
            self.collision = true;
            return;
        };
        let mut carry = 0u16;
        for (sum, byte) in self.sum.iter_mut().zip(digest.as_bytes()) {
            carry += u16::from(*sum) + u16::from(*byte);
            *sum = carry as u8;
            carry >>= 8;
        }
    }

    fn finish(mut self) -> Option<PatchId> {
        self.flush();
        (!self.collision).then_some(PatchId(self.sum))
    }
}

/// One patch of the input, from where `lines` stands to the line that ends
/// it (consumed) or the end: git's `get_one_patchid` with `stable` set.
fn one_patch<'a>(lines: &mut Lines<'a>) -> OnePatch<'a> {
    let mut sum = StableSum::new();
    let mut hashed_len = 0usize;
    let mut opened_by_git_diff = false;
    // Lines still expected in the current hunk; -1 while in a file header.
    let (mut before, mut after): (i64, i64) = (-1, -1);
    let mut binary = false;
    let (mut pre_oid, mut post_oid): (&[u8], &[u8]) = (b"", b"");
    let mut files = FilePaths::default();
    let mut paths = Vec::new();
    let mut stripped = Vec::new();
    let mut next_commit = None;

    for whole in lines.by_ref() {
        // git works on C strings: nothing after a NUL exists.
        let line = memchr::memchr(0, whole).map_or(whole, |nul| &whole[..nul]);
        let prefixed = line
            .strip_prefix(b"commit ")
            .or_else(|| line.strip_prefix(b"From "));
        if prefixed.is_none() && line.starts_with(b"\\ ") && line.len() > 12 {
            continue;
        }
        let after_prefix = prefixed.unwrap_or(line);
        if starts_with_object_id(after_prefix) {
            next_commit = Some(&after_prefix[..40]);
            break;
        }
        // The commit message, up to the first diff.
        if hashed_len == 0 && !line.starts_with(b"diff ") {
            continue;
        }
        if before == -1 {
            if line.starts_with(b"GIT binary patch") || line.starts_with(b"Binary files") {
                binary = true;
                before = 0;
                sum.update(pre_oid);
                sum.update(post_oid);
                sum.flush();
                continue;
            } else if let Some(rest) = line.strip_prefix(b"index ") {
                if let Some((pre, post)) = index_line_ids(line, rest) {
                    (pre_oid, post_oid) = (pre, post);
                }
                continue;
            } else if line.starts_with(b"--- ") {
                before = 1;
                after = 1;
                files.minus = name_of_marker_line(line);
            } else if !line.first().is_some_and(u8::is_ascii_alphabetic) {
                break;
            } else {
                files.header_line(line, &mut paths);
            }
        }
        if binary {
            if line.starts_with(b"diff ") {
                binary = false;
                before = -1;
                files.header_line(line, &mut paths);
            }
            continue;
        }
        if before == 0 && after == 0 {
            if line.starts_with(b"@@ -") {
                scan_hunk_header(line, &mut before, &mut after);
                continue;
            }
            // Anything but a next file ends the patch: the signature, a
            // quoted reply, the next mail's text.
            if !line.starts_with(b"diff ") {
                break;
            }
            sum.flush();
            before = -1;
            after = -1;
            files.header_line(line, &mut paths);
        } else if before == 0 && after == 1 && line.starts_with(b"+++ ") {
            files.plus = name_of_marker_line(line);
        }
        match line.first() {
            Some(b'-') => before -= 1,
            Some(b'+') => after -= 1,
            Some(b' ') => {
                before -= 1;
                after -= 1;
            }
            _ => {}
        }
        stripped.clear();
        stripped.extend(line.iter().filter(|b| !is_git_space(**b)));
        if hashed_len == 0 {
            opened_by_git_diff = line.starts_with(b"diff --git ");
        }
        hashed_len += stripped.len();
        sum.update(&stripped);
    }
    files.next_file(&mut paths);
    OnePatch {
        id: sum.finish(),
        hashed_len,
        opened_by_git_diff,
        paths,
        next_commit,
    }
}

/// The two ids of an `index a..b[ mode]` line as git's patch-id cuts them:
/// before the first `..`, and from there to the next space, else to the
/// line's last byte (its newline), each at most 64 bytes.
fn index_line_ids<'a>(line: &'a [u8], rest: &'a [u8]) -> Option<(&'a [u8], &'a [u8])> {
    let dots = memchr::memmem::find(line, b"..")?;
    let pre_len = dots.checked_sub(line.len() - rest.len())?;
    let pre = &rest[..pre_len];
    let from_dots = &line[dots..];
    let end = memchr::memchr(b' ', from_dots)
        .map(|space| dots + space)
        .unwrap_or(line.len().saturating_sub(1));
    let post = line.get(dots + 2..end.max(dots + 2)).unwrap_or(b"");
    Some((&pre[..pre.len().min(64)], &post[..post.len().min(64)]))
}

/// git's `scan_hunk_header`: the line counts of `@@ -a,b +c,d @@` (a count
/// left out is 1). Like git, a malformed header may set one count and not
/// the other.
fn scan_hunk_header(line: &[u8], before: &mut i64, after: &mut i64) {
    let digits = |s: &[u8]| s.iter().take_while(|b| b.is_ascii_digit()).count();
    let mut q = &line[4..];
    let mut n = digits(q);
    if q.get(n) == Some(&b',') {
        q = &q[n + 1..];
        match c_strtoi(q) {
            Some((value, used)) => {
                *before = value;
                n = used;
            }
            None => return,
        }
    } else {
        *before = 1;
    }
    if n == 0 || q.get(n) != Some(&b' ') || q.get(n + 1) != Some(&b'+') {
        return;
    }
    let mut r = &q[n + 2..];
    n = digits(r);
    if r.get(n) == Some(&b',') {
        r = &r[n + 1..];
        if let Some((value, _)) = c_strtoi(r) {
            *after = value;
        }
    } else {
        *after = 1;
    }
}

/// C's `strtol` in base 10 into an `int`, as git's `strtoi_with_tail`
/// uses it: leading C whitespace, a sign, digits. The value and the bytes
/// read, `None` when there are no digits or the value is out of range.
fn c_strtoi(s: &[u8]) -> Option<(i64, usize)> {
    let mut i = s
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .count();
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let start = i;
    let mut value: i64 = 0;
    while let Some(d) = s.get(i).filter(|b| b.is_ascii_digit()) {
        value = value.checked_mul(10)?.checked_add(i64::from(d - b'0'))?;
        i += 1;
    }
    if i == start {
        return None;
    }
    let value = if negative { -value } else { value };
    i32::try_from(value).ok()?;
    Some((value, i))
}

/// git's `isspace`: only these four (its ctype table is ASCII and has no
/// vertical tab or form feed).
fn is_git_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Whether the text starts with 40 hex digits (git's `get_oid_hex` for SHA-1).
fn starts_with_object_id(s: &[u8]) -> bool {
    s.len() >= 40 && s[..40].iter().all(u8::is_ascii_hexdigit)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The names one file section of a diff gives, collected as its header
/// and marker lines go by.
#[derive(Default)]
struct FilePaths {
    /// From the `diff --git a/x b/y` line, when it can be split.
    git_line: Vec<Vec<u8>>,
    /// `rename from`/`rename to`/`copy to`.
    renamed: Vec<Vec<u8>>,
    /// The names of the `---` and `+++` lines, `None` for `/dev/null`.
    minus: Option<Vec<u8>>,
    plus: Option<Vec<u8>>,
}

impl FilePaths {
    /// Notes what a header line names; a `diff` line starts the next file
    /// (after a mode change or pure rename it directly follows a header).
    fn header_line(&mut self, line: &[u8], paths: &mut Vec<Vec<u8>>) {
        let line = trim_line_end(line);
        if line.starts_with(b"diff ") {
            self.next_file(paths);
        }
        if let Some(rest) = line.strip_prefix(b"diff --git ") {
            self.git_line = split_git_line(rest);
        } else if let Some(name) = line
            .strip_prefix(b"rename from ")
            .or_else(|| line.strip_prefix(b"rename to "))
            .or_else(|| line.strip_prefix(b"copy to "))
        {
            self.renamed.push(unquote_whole(name));
        }
    }

    /// Ends a file section: its names go to `paths`. The `---`/`+++` and
    /// rename lines name a file exactly; the `diff --git` line is the
    /// fallback for sections without them (binary, mode change).
    fn next_file(&mut self, paths: &mut Vec<Vec<u8>>) {
        let section = std::mem::take(self);
        let mut named: Vec<Vec<u8>> = section.renamed;
        named.extend(section.minus);
        named.extend(section.plus);
        if named.is_empty() {
            named = section.git_line;
        }
        paths.extend(named);
    }
}

/// The path of a `--- a/x` or `+++ b/x` line, its first component (the
/// `a/`, `b/` prefix) removed; `None` for `/dev/null`.
fn name_of_marker_line(line: &[u8]) -> Option<Vec<u8>> {
    let name = trim_line_end(&line[4..]);
    let name = if name.starts_with(b"\"") {
        unquote_c(name).map(|(n, _)| n)?
    } else {
        // git puts a tab after a name with a space; other tools a date.
        let end = memchr::memchr(b'\t', name).unwrap_or(name.len());
        name[..end].to_vec()
    };
    if name == b"/dev/null" {
        return None;
    }
    Some(strip_first_component(&name).to_vec())
}

/// `a/x b/y` of a `diff --git` line: both names without prefix, when the
/// line can be split (quoted names, or the same unquoted name twice).
fn split_git_line(rest: &[u8]) -> Vec<Vec<u8>> {
    if rest.starts_with(b"\"") {
        let Some((first, used)) = unquote_c(rest) else {
            return Vec::new();
        };
        let Some(second) = rest[used..].strip_prefix(b" ") else {
            return Vec::new();
        };
        let second = unquote_whole(second);
        return vec![
            strip_first_component(&first).to_vec(),
            strip_first_component(&second).to_vec(),
        ];
    }
    if rest.ends_with(b"\"")
        && let Some(space) = memchr::memchr(b' ', rest)
        && let Some((second, _)) = unquote_c(&rest[space + 1..])
    {
        return vec![
            strip_first_component(&rest[..space]).to_vec(),
            strip_first_component(&second).to_vec(),
        ];
    }
    // Unquoted names may hold spaces: find the split where both halves
    // name the same path.
    for (space, _) in rest.iter().enumerate().filter(|(_, b)| **b == b' ') {
        let (a, b) = (&rest[..space], &rest[space + 1..]);
        if strip_first_component(a) == strip_first_component(b) && a.contains(&b'/') {
            return vec![strip_first_component(a).to_vec()];
        }
    }
    Vec::new()
}

fn strip_first_component(name: &[u8]) -> &[u8] {
    memchr::memchr(b'/', name).map_or(name, |slash| &name[slash + 1..])
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A name that may be C-quoted (`"t\303\251st"`), unquoted when it is.
fn unquote_whole(name: &[u8]) -> Vec<u8> {
    if name.starts_with(b"\"")
        && let Some((unquoted, _)) = unquote_c(name)
    {
        return unquoted;
    }
    name.to_vec()
}

/// Undoes git's C-style quoting of a name that starts with `"`: the name
/// and the bytes read up to and including the closing quote.
pub(crate) fn unquote_c(s: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut i = 1;
    loop {
        match *s.get(i)? {
            b'"' => return Some((out, i + 1)),
            b'\\' => {
                let c = *s.get(i + 1)?;
                i += 2;
                out.push(match c {
                    b'a' => 0x07,
                    b'b' => 0x08,
                    b't' => b'\t',
                    b'n' => b'\n',
                    b'v' => 0x0b,
                    b'f' => 0x0c,
                    b'r' => b'\r',
                    b'"' => b'"',
                    b'\\' => b'\\',
                    b'0'..=b'3' => {
                        let octal =
                            |b: Option<&u8>| b.copied().filter(|b| (b'0'..=b'7').contains(b));
                        let d2 = octal(s.get(i))?;
                        let d3 = octal(s.get(i + 1))?;
                        i += 2;
                        ((c - b'0') << 6) | ((d2 - b'0') << 3) | (d3 - b'0')
                    }
                    _ => return None,
                });
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let hex = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(PatchId::from_hex(hex).unwrap().to_string(), hex);
        assert!(PatchId::from_hex("xyz").is_none());
        assert!(PatchId::from_hex(&"g".repeat(40)).is_none());
    }

    #[test]
    fn no_diff_no_id() {
        assert_eq!(patch_id(""), None);
        assert_eq!(patch_id("Just a reply.\n\n> diff --git a/x b/x\n"), None);
        assert_eq!(patch_id("Fix.\n---\n a.c | 1 +\n"), None);
    }

    #[test]
    fn whitespace_hunk_headers_and_signature_do_not_count() {
        let a = "Fix.\n---\ndiff --git a/a.c b/a.c\nindex 1111111..2222222 100644\n--- a/a.c\n+++ b/a.c\n@@ -1,2 +1,2 @@ int f()\n ctx\n-old line\n+new line\n-- \n2.43.0\n";
        let b = "Other message.\n---\ndiff --git a/a.c b/a.c\nindex 3333333..4444444 100644\n--- a/a.c\n+++ b/a.c\n@@ -10,2 +10,2 @@\n  ctx\n-old\tline\n+new   line\r\n";
        assert_eq!(patch_id(a), patch_id(b));
        assert!(patch_id(a).is_some());
        let c = a.replace("+new line", "+newer line");
        assert_ne!(patch_id(a), patch_id(&c));
    }

    #[test]
    fn file_order_does_not_matter() {
        let one = "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-a\n+b\n";
        let two = "diff --git a/b b/b\n--- a/b\n+++ b/b\n@@ -1 +1 @@\n-c\n+d\n";
        assert_eq!(
            patch_id(&format!("{one}{two}")),
            patch_id(&format!("{two}{one}"))
        );
    }

    #[test]
    fn paths_are_collected() {
        let body = "x\n---\ndiff --git a/src/a.c b/src/a.c\n--- a/src/a.c\n+++ b/src/a.c\n@@ -1 +1 @@\n-a\n+b\n\
            diff --git a/old name b/new name\nsimilarity index 100%\nrename from old name\nrename to new name\n\
            diff --git \"a/t\\303\\251st\" \"b/t\\303\\251st\"\nnew file mode 100644\nindex 0000000000000000000000000000000000000000..1111111111111111111111111111111111111111\nGIT binary patch\nliteral 1\nIcmZpX004#l0RR91\n\nliteral 0\nHcmV?d00001\n\n\
            diff --git a/with space b/with space\nold mode 100644\nnew mode 100755\n\
            diff --git a/gone b/gone\ndeleted file mode 100644\n--- a/gone\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n-- \n2.43.0\n";
        let patch = posted_patch(body).unwrap();
        let paths: Vec<String> = patch.paths.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            paths,
            [
                "gone",
                "new name",
                "old name",
                "src/a.c",
                "tést",
                "with space"
            ]
        );
    }

    #[test]
    fn hunk_headers_are_read_like_git() {
        let (mut b, mut a) = (0, 0);
        scan_hunk_header(b"@@ -1,3 +2,4 @@\n", &mut b, &mut a);
        assert_eq!((b, a), (3, 4));
        scan_hunk_header(b"@@ -7 +7 @@\n", &mut b, &mut a);
        assert_eq!((b, a), (1, 1));
        let (mut b, mut a) = (0, 0);
        scan_hunk_header(b"@@ -x +1 @@\n", &mut b, &mut a);
        assert_eq!((b, a), (1, 0));
    }

    #[test]
    fn index_ids_are_cut_like_git() {
        let line = b"index 0123456..89abcde 100644\n";
        assert_eq!(
            index_line_ids(line, &line[6..]),
            Some((&b"0123456"[..], &b"89abcde"[..]))
        );
        let line = b"index 0123456..89abcde\n";
        assert_eq!(
            index_line_ids(line, &line[6..]),
            Some((&b"0123456"[..], &b"89abcde"[..]))
        );
        let line = b"index 0123456..";
        assert_eq!(
            index_line_ids(line, &line[6..]),
            Some((&b"0123456"[..], &b""[..]))
        );
    }

    #[test]
    fn quoted_names() {
        assert_eq!(
            unquote_c(b"\"a\\tb\\\"c\\303\\251\" rest"),
            Some((b"a\tb\"c\xc3\xa9".to_vec(), 17))
        );
        assert_eq!(unquote_c(b"\"unterminated"), None);
        assert_eq!(unquote_c(b"\"bad \\q\""), None);
    }
}
