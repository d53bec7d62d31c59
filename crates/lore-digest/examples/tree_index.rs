//! Times an upstream-tree index: building it, and matching the patch ids
//! of a mailbox of posted patches against it. Used by
//! `bench/tree_index.sh`; by hand:
//!
//! ```text
//! cargo run --release -p lore-digest --example tree_index -- TREE MBOX [RANGE]
//! ```
//!
//! MBOX is `git format-patch --stdout` output. Every second mail is also
//! matched once more with one added line changed: a patch the tree did not
//! apply as posted, which is what most mails of a report are.

use std::time::Instant;

use lore_digest::upstream::{PostedPatch, TreeIndex, posted_patch};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [tree, mbox, rest @ ..] = args.as_slice() else {
        return Err("usage: tree_index TREE MBOX [RANGE]".into());
    };
    let range = rest.first().map(String::as_str);

    let start = Instant::now();
    let index = TreeIndex::open(tree.as_ref(), range, None)?;
    let open_time = start.elapsed();
    let linked = index
        .commits()
        .iter()
        .filter(|c| !c.message_ids.is_empty())
        .count();

    let text = std::fs::read_to_string(mbox)?;
    let start = Instant::now();
    let mails = split_mbox(&text);
    let mut wanted: Vec<PostedPatch> = mails.iter().filter_map(|m| posted_patch(m)).collect();
    let applied = wanted.len();
    let altered: Vec<PostedPatch> = mails
        .iter()
        .step_by(2)
        .filter_map(|m| posted_patch(&alter(m)))
        .collect();
    wanted.extend(altered);
    let parse_time = start.elapsed();

    let start = Instant::now();
    let found = index.match_patch_ids(&wanted)?;
    let cold = start.elapsed();
    let computed = index.patch_ids_computed();
    let start = Instant::now();
    let again = index.match_patch_ids(&wanted)?;
    let warm = start.elapsed();

    let hits = found.iter().filter(|f| f.is_some()).count();
    let true_hits = found[..applied].iter().filter(|f| f.is_some()).count();
    assert_eq!(found, again, "a second match must agree with the first");

    let start = Instant::now();
    let by_link = index
        .commits()
        .iter()
        .flat_map(|c| c.message_ids.iter())
        .filter(|id| index.by_message_id(id).is_some())
        .count();
    let lookup_time = start.elapsed();
    let start = Instant::now();
    let by_subject = index
        .commits()
        .first()
        .is_some_and(|c| index.by_subject(&c.subject, &c.author_email).is_some());
    let subject_time = start.elapsed();

    println!("commits indexed        {}", index.commits().len());
    println!("  with a Link/Message-ID {linked}");
    println!("index built            {:.3} s", open_time.as_secs_f64());
    println!(
        "mails read             {} ({applied} with a diff, {} altered copies), {:.3} s",
        mails.len(),
        wanted.len() - applied,
        parse_time.as_secs_f64()
    );
    println!(
        "match_patch_ids, cold  {:.3} s ({computed} tree commits' patch ids computed)",
        cold.as_secs_f64()
    );
    println!("match_patch_ids, warm  {:.3} s", warm.as_secs_f64());
    println!(
        "matched                {hits} of {} ({true_hits} of the {applied} unaltered)",
        wanted.len()
    );
    println!(
        "{by_link} Message-ID lookups  {:.3} s",
        lookup_time.as_secs_f64()
    );
    println!(
        "first subject lookup   {:.3} s (builds the subject map; found: {by_subject})",
        subject_time.as_secs_f64()
    );
    Ok(())
}

/// The mails of `git format-patch --stdout` output.
fn split_mbox(text: &str) -> Vec<&str> {
    let mut starts: Vec<usize> = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let is_from = line.starts_with("From ")
            && line.len() > 45
            && line[5..45].bytes().all(|b| b.is_ascii_hexdigit());
        if is_from {
            starts.push(at);
        }
        at += line.len();
    }
    starts.push(text.len());
    starts.windows(2).map(|w| &text[w[0]..w[1]]).collect()
}

/// The mail with its first added line changed.
fn alter(mail: &str) -> String {
    let mut out = String::with_capacity(mail.len() + 8);
    let (mut in_hunk, mut done) = (false, false);
    for line in mail.split_inclusive('\n') {
        in_hunk |= line.starts_with("@@ ");
        if in_hunk && !done && line.starts_with('+') {
            out.push_str("+altered ");
            out.push_str(&line[1..]);
            done = true;
        } else {
            out.push_str(line);
        }
    }
    out
}
