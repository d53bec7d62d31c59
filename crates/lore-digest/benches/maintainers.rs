//! The MAINTAINERS mapping: parsing the kernel's file once per run, and
//! mapping the patches of an archive to sections.
//! `cargo bench -p lore-digest --bench maintainers`.
//!
//! Reads the real file from `shared/` (test data, not in the repository)
//! and does nothing when it is absent. The 10,000 paths are made from the
//! file's own `F:` patterns (a file in each directory pattern, one below
//! it, globs filled in), so they are kernel paths that hit real sections,
//! in a fixed shuffled order.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lore_digest::mail::touched_files;
use lore_digest::maintainers::Maintainers;

const REAL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/maintainers/MAINTAINERS"
);

/// A path a pattern covers: globs filled in, a file added to directories.
fn paths_of(pattern: &str) -> Vec<String> {
    let mut path = String::new();
    let mut in_class = false;
    let mut class_first = false;
    for c in pattern.chars() {
        match c {
            '[' if !in_class => {
                in_class = true;
                class_first = true;
            }
            ']' if in_class => in_class = false,
            _ if in_class => {
                if class_first && c != '^' {
                    path.push(c);
                    class_first = false;
                }
            }
            '*' => path.push_str("core"),
            '?' => path.push('x'),
            '\\' => {}
            c => path.push(c),
        }
    }
    if path.ends_with('/') {
        vec![format!("{path}main.c"), format!("{path}sub/util.h")]
    } else {
        vec![path]
    }
}

/// 10,000 paths in a fixed pseudo-random order.
fn kernel_paths(maintainers: &Maintainers) -> Vec<String> {
    let mut paths: Vec<String> = maintainers
        .sections()
        .iter()
        .flat_map(|s| s.files.iter())
        .flat_map(|p| paths_of(p))
        .collect();
    paths.sort();
    paths.dedup();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in (1..paths.len()).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        paths.swap(i, (state >> 33) as usize % (i + 1));
    }
    paths.truncate(10_000);
    paths
}

/// A three-file patch of about 150 lines, shaped like list mail.
fn patch() -> String {
    let mut hunk = String::new();
    for i in 0..40 {
        hunk.push_str(&format!(
            " \tret = vmbus_sendpacket(channel, &desc_{i}, sizeof(desc_{i}), 0);\n-\told_{i}();\n+\tnew_{i}(channel);\n"
        ));
    }
    format!(
        "Send the descriptors in one place so that the ring is not filled twice\n\
         when the host is slow to answer.\n\nFixes: 0123456789ab (\"Drivers: hv: vmbus: Add it\")\n\
         Signed-off-by: Ann Author <ann@example.org>\n---\n drivers/hv/channel.c | 120 ++++++++++------\n \
         drivers/net/hyperv/netvsc.c | 2 +-\n include/linux/hyperv.h | 1 +\n 3 files changed\n\n\
         diff --git a/drivers/hv/channel.c b/drivers/hv/channel.c\nindex 1234567..89abcde 100644\n\
         --- a/drivers/hv/channel.c\n+++ b/drivers/hv/channel.c\n@@ -100,120 +100,120 @@\n{hunk}\
         diff --git a/drivers/net/hyperv/netvsc.c b/drivers/net/hyperv/netvsc.c\n\
         --- a/drivers/net/hyperv/netvsc.c\n+++ b/drivers/net/hyperv/netvsc.c\n@@ -1,2 +1,2 @@\n ctx\n-a\n+b\n\
         diff --git a/include/linux/hyperv.h b/include/linux/hyperv.h\n\
         --- a/include/linux/hyperv.h\n+++ b/include/linux/hyperv.h\n@@ -1 +1,2 @@\n ctx\n+int x;\n\
         -- \n2.49.0\n"
    )
}

fn maintainers(c: &mut Criterion) {
    let Ok(text) = std::fs::read_to_string(REAL) else {
        eprintln!("skipped: {REAL} is absent (the shared test data)");
        return;
    };
    let mut group = c.benchmark_group("maintainers");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("parse the kernel's MAINTAINERS", |b| {
        b.iter(|| {
            Maintainers::parse(black_box(&text), "MAINTAINERS").map(|(m, _)| m.sections().len())
        })
    });
    let Ok((maintainers, _)) = Maintainers::parse(&text, "MAINTAINERS") else {
        return;
    };
    let paths = kernel_paths(&maintainers);
    group.throughput(Throughput::Elements(paths.len() as u64));
    group.bench_function("sections_for 10,000 paths, one each", |b| {
        b.iter(|| {
            paths
                .iter()
                .map(|p| maintainers.sections_for(&[p.as_str()], None).len())
                .sum::<usize>()
        })
    });
    let patch = patch();
    let files = touched_files(&patch);
    group.throughput(Throughput::Bytes(patch.len() as u64));
    group.bench_function("touched_files of a 3-file patch", |b| {
        b.iter(|| touched_files(black_box(&patch)))
    });
    group.bench_function("sections_for a 3-file patch, with K:", |b| {
        b.iter(|| maintainers.sections_for(black_box(&files), Some(black_box(&patch))))
    });
    group.finish();
}

criterion_group!(benches, maintainers);
criterion_main!(benches);
