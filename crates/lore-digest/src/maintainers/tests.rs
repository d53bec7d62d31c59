//! Matching rules on MAINTAINERS snippets written for the tests, and a
//! check against the kernel's real file when `shared/` has it.

use super::*;

/// Section names covering `files` (and `content`), in order.
fn names(maintainers: &Maintainers, files: &[&str], content: Option<&str>) -> Vec<String> {
    maintainers
        .sections_for(files, content)
        .iter()
        .map(|m| maintainers.sections()[m.section].name.clone())
        .collect()
}

fn load(text: &str) -> Maintainers {
    let (maintainers, warnings) = Maintainers::parse(text, "MAINTAINERS").unwrap();
    assert_eq!(warnings, Vec::<String>::new());
    maintainers
}

const TREE: &str = "\
Preamble text.
\tF: *Files* (an indented example, not a section)

BROAD DRIVERS
M:\tBroad <broad@example.org>
S:\tMaintained
F:\tdrivers/

HYPER-V CORE
M:\tHv <hv@example.org>
L:\tlinux-hyperv@vger.kernel.org
S:\tSupported
F:\tdrivers/hv/
F:\tinclude/linux/hyperv.h
X:\tdrivers/hv/excluded.c

VMBUS FILE
M:\tVm <vm@example.org>
S:\tMaintained
F:\tdrivers/hv/vmbus_drv.c

HV DIR WITHOUT SLASH
M:\tNo Slash <ns@example.org>
S:\tMaintained
F:\tdrivers/hv

GLOBS
M:\tGlob <glob@example.org>
S:\tMaintained
F:\tarch/*/hyperv/
F:\tdrivers/net/*.c
F:\tdrivers/misc/da72??.[ch]

NAMES
M:\tName <name@example.org>
S:\tMaintained
N:\tnet vsc  # extended mode: spaces and comments are not part of it
K:\t\\bvmbus_ \\w+

KEYWORDS ONLY
M:\tKey <key@example.org>
S:\tMaintained
K:\tsecret_sauce

THE REST
M:\tLinus <linus@example.org>
S:\tBuried alive in reporters
F:\t*
F:\t*/
";

#[test]
fn most_specific_first_then_the_rest() {
    let m = load(TREE);
    assert_eq!(
        names(&m, &["drivers/hv/vmbus_drv.c"], None),
        [
            "VMBUS FILE",
            "HYPER-V CORE",
            "HV DIR WITHOUT SLASH",
            "BROAD DRIVERS",
            "THE REST"
        ]
    );
    let found = m.sections_for(&["drivers/hv/vmbus_drv.c"], None);
    let specificity: Vec<_> = found.iter().map(|f| f.specificity).collect();
    assert_eq!(specificity, [Some(3), Some(2), Some(2), Some(1), Some(-1)]);
    assert_eq!(
        found[0].how,
        How::File {
            file: 0,
            pattern: 0
        }
    );
}

#[test]
fn a_directory_without_slash_is_a_directory_only_at_a_slash() {
    let m = load(TREE);
    assert!(names(&m, &["drivers/hv/sub/deep.c"], None).contains(&"HV DIR WITHOUT SLASH".into()));
    assert!(
        !names(&m, &["drivers/hvc/hvc_console.c"], None).contains(&"HV DIR WITHOUT SLASH".into())
    );
    assert!(!names(&m, &["drivers/hvc/hvc_console.c"], None).contains(&"HYPER-V CORE".into()));
}

#[test]
fn globs_keep_their_depth_unless_they_end_in_slash() {
    let m = load(TREE);
    assert_eq!(
        names(&m, &["drivers/net/netvsc.c"], None),
        ["GLOBS", "BROAD DRIVERS", "NAMES", "THE REST"]
    );
    assert!(!names(&m, &["drivers/net/hyperv/x.c"], None).contains(&"GLOBS".into()));
    assert!(names(&m, &["arch/x86/hyperv/hv_init.c"], None).contains(&"GLOBS".into()));
    assert!(names(&m, &["arch/arm64/hyperv/sub/x.c"], None).contains(&"GLOBS".into()));
    assert!(names(&m, &["drivers/misc/da7280.c"], None).contains(&"GLOBS".into()));
    assert!(!names(&m, &["drivers/misc/da728.c"], None).contains(&"GLOBS".into()));
    assert!(!names(&m, &["drivers/misc/da7280.o"], None).contains(&"GLOBS".into()));
    // THE REST's `*` covers top-level files, `*/` everything else.
    assert_eq!(names(&m, &["Makefile"], None), ["THE REST"]);
}

#[test]
fn exclusion_wins_over_file_patterns_of_its_section() {
    let m = load(TREE);
    let found = names(&m, &["drivers/hv/excluded.c"], None);
    assert!(!found.contains(&"HYPER-V CORE".into()));
    // Other sections still cover it.
    assert!(found.contains(&"HV DIR WITHOUT SLASH".into()));
}

#[test]
fn n_is_a_regex_on_the_path() {
    let m = load(TREE);
    let found = m.sections_for(&["tools/netvsc_tool.c"], None);
    let section = &m.sections()[found[0].section];
    assert_eq!(section.name, "NAMES");
    assert_eq!(
        found[0].how,
        How::Name {
            file: 0,
            pattern: 0
        }
    );
    assert_eq!(found[0].specificity, Some(0));
}

#[test]
fn k_matches_the_message_and_changed_lines_only() {
    let m = load(TREE);
    let patch = |message: &str, diff_line: &str| {
        format!(
            "{message}\n\nSigned-off-by: A <a@example.org>\n---\n \
             Makefile | 1 +\n\ndiff --git a/Makefile b/Makefile\n--- a/Makefile\n\
             +++ b/Makefile\n@@ -1,2 +1,2 @@\n context secret_sauce\n{diff_line}\n"
        )
    };
    let sections = |content: &str| names(&m, &["Makefile"], Some(content));
    // In the commit message, any line.
    assert_eq!(
        sections(&patch("Use secret_sauce.", "+x")),
        ["THE REST", "KEYWORDS ONLY"]
    );
    // In the diff, added or removed lines only, not context.
    assert_eq!(sections(&patch("Fix.", "+x")), ["THE REST"]);
    assert_eq!(
        sections(&patch("Fix.", "-secret_sauce();")),
        ["THE REST", "KEYWORDS ONLY"]
    );
    // A keyword section also covering a file lists the keyword.
    let found = m.sections_for(&["tools/netvsc.c"], Some("Call vmbus_open.\n"));
    assert_eq!(found[0].keywords, [0]);
    assert_eq!(
        found[0].how,
        How::Name {
            file: 0,
            pattern: 0
        }
    );
    // `Fixes:` and header lines are read for other things, never keywords.
    assert!(sections("Fixes: 0123456789ab (\"secret_sauce\")\n").len() == 1);
    assert!(sections("+++ b/secret_sauce.c\n").len() == 1);
    let only = m.sections_for(&[] as &[&str], Some("secret_sauce\n"));
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].how, How::Keyword { pattern: 0 });
    assert_eq!(only[0].specificity, None);
    assert!(only[0].files.is_empty());
}

#[test]
fn per_file_the_last_matching_line_of_a_section_decides() {
    // get_maintainer overwrites a section's value with each F: line that
    // matches, so the last one in the section wins, not the deepest.
    let m = load(
        "LAST WINS\nS:\tMaintained\nF:\tdrivers/hv/vmbus_drv.c\nF:\tdrivers/\n\n\
         DEEP\nS:\tMaintained\nF:\tdrivers/hv/\n",
    );
    let found = m.sections_for(&["drivers/hv/vmbus_drv.c"], None);
    assert_eq!(m.sections()[found[0].section].name, "DEEP");
    assert_eq!(found[1].specificity, Some(1));
    assert_eq!(
        found[1].how,
        How::File {
            file: 0,
            pattern: 1
        }
    );
}

#[test]
fn several_files_keep_the_highest_specificity() {
    let m = load(TREE);
    let files = ["Makefile", "drivers/hv/hv.c", "include/linux/hyperv.h"];
    let found = m.sections_for(&files, None);
    let core = found
        .iter()
        .find(|f| m.sections()[f.section].name == "HYPER-V CORE")
        .unwrap();
    assert_eq!(core.files, [1, 2]);
    assert_eq!(core.specificity, Some(3));
    assert_eq!(
        core.how,
        How::File {
            file: 2,
            pattern: 1
        }
    );
    assert_eq!(m.sections()[found[0].section].name, "HYPER-V CORE");
    let rest = found.last().unwrap();
    assert_eq!(rest.files, [0, 1, 2]);
}

#[test]
fn bad_regexes_are_warnings_and_the_rest_still_matches() {
    let text = "A\nS:\tMaintained\nN:\t(unclosed\nN:\tgood\nK:\t[z-a]\nK:\tfine\n";
    let (m, warnings) = Maintainers::parse(text, "M").unwrap();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].starts_with(
        "M:3: N: unusable regular expression \"(unclosed\": invalid regular expression: "
    ));
    assert!(warnings[1].starts_with("M:5: K: unusable regular expression \"[z-a]\": "));
    assert_eq!(m.sections()[0].names, ["good"]);
    assert_eq!(m.sections()[0].keywords, ["fine"]);
    assert_eq!(names(&m, &["x/good.c"], None), ["A"]);
    assert_eq!(names(&m, &[] as &[&str], Some("fine\n")), ["A"]);
}

#[test]
fn no_section_is_an_input_error() {
    let error = Maintainers::parse(
        "Just an introduction.\n\n\tM: indented\n",
        "NOT-MAINTAINERS",
    )
    .unwrap_err();
    assert!(matches!(error, Error::NoMaintainersSections { .. }));
    assert!(error.is_input_error());
    assert!(
        error
            .to_string()
            .starts_with("NOT-MAINTAINERS: not a MAINTAINERS file")
    );
    let missing = Maintainers::read("/nonexistent/MAINTAINERS".as_ref()).unwrap_err();
    assert!(missing.is_input_error());
}

/// The kernel's MAINTAINERS (test data in `shared/`, not in the repository).
const REAL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/maintainers/MAINTAINERS"
);

#[test]
fn real_file_sections_of_a_dozen_paths() {
    let Ok(text) = std::fs::read_to_string(REAL) else {
        eprintln!("skipped: {REAL} is absent (the shared test data)");
        return;
    };
    let (m, warnings) = Maintainers::parse(&text, "MAINTAINERS").unwrap();
    assert_eq!(m.sections().len(), 3076);
    assert_eq!(warnings, Vec::<String>::new());
    let hv = "Hyper-V/Azure CORE AND DRIVERS";
    let x86 = "X86 ARCHITECTURE (32-BIT AND 64-BIT)";
    let rest = "THE REST";
    // Expected sections found by reading the file (`grep -n` for each
    // path's directories and the sections' F:/N: lines, e.g.
    // `awk '/^Hyper-V\/Azure CORE/,/^$/' MAINTAINERS`), then checked with
    // a throwaway Perl script outside the repository that restates
    // get_maintainer.pl's matching loop and sort (its file_match_pattern,
    // the value_pd computation, `-d` applied to the directories of these
    // paths): the same sections in the same order. Ties do not occur here.
    let cases: &[(&str, &[&str])] = &[
        ("drivers/hv/vmbus_drv.c", &[hv, rest]),
        ("arch/x86/hyperv/hv_init.c", &[hv, x86, rest]),
        (
            "drivers/net/hyperv/netvsc.c",
            &[hv, "NETWORKING DRIVERS", rest],
        ),
        (
            "drivers/pci/controller/pci-hyperv.c",
            &[
                hv,
                "PCI NATIVE HOST BRIDGE AND ENDPOINT DRIVERS",
                "PCI SUBSYSTEM",
                rest,
            ],
        ),
        ("include/linux/hyperv.h", &[hv, rest]),
        ("tools/hv/hv_kvp_daemon.c", &[hv, rest]),
        (
            "arch/x86/kvm/x86.c",
            &["KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)", x86, rest],
        ),
        (
            "mm/memory.c",
            &["MEMORY MANAGEMENT - CORE", "MEMORY MANAGEMENT", rest],
        ),
        // `F: Documentation/virt/hyperv` names a directory without its slash.
        (
            "Documentation/virt/hyperv/overview.rst",
            &[hv, "DOCUMENTATION", rest],
        ),
        ("net/core/dev.c", &["NETWORKING [GENERAL]", rest]),
        (
            "drivers/iommu/hyperv-iommu.c",
            &[hv, "IOMMU SUBSYSTEM", rest],
        ),
        (
            "drivers/clocksource/hyperv_timer.c",
            &[hv, "CLOCKSOURCE, CLOCKEVENT DRIVERS", rest],
        ),
        // `N: rockchip` (specificity 0) after the F: match of the directory.
        (
            "drivers/pinctrl/pinctrl-rockchip.c",
            &["PIN CONTROL SUBSYSTEM", "ARM/Rockchip SoC support", rest],
        ),
        (
            "drivers/net/phy/phylink.c",
            &[
                "SFF/SFP/SFP+ MODULE SUPPORT",
                "ETHERNET PHY LIBRARY",
                "NETWORKING DRIVERS",
                rest,
            ],
        ),
    ];
    for (path, expected) in cases {
        assert_eq!(names(&m, &[path], None), *expected, "{path}");
    }
    let found = m.sections_for(&["drivers/hv/vmbus_drv.c"], None);
    let section = &m.sections()[found[0].section];
    assert_eq!(section.lists, ["linux-hyperv@vger.kernel.org"]);
    assert_eq!(section.status.as_deref(), Some("Supported"));
    assert_eq!(section.maintainers[0].name, "K. Y. Srinivasan");
    assert_eq!(
        found[0].how,
        How::File {
            file: 0,
            pattern: section
                .files
                .iter()
                .position(|f| f == "drivers/hv/")
                .unwrap()
        }
    );

    // K: on a patch: `struct\s+phylink` of SFF/SFP/SFP+ MODULE SUPPORT in
    // an added line, and PIDFD API's `(?i)pidfd` in the message.
    let patch = "Use a PIDFD here.\n---\ndiff --git a/drivers/net/ethernet/x/y.c b/drivers/net/ethernet/x/y.c\n\
--- a/drivers/net/ethernet/x/y.c\n+++ b/drivers/net/ethernet/x/y.c\n@@ -1 +1,2 @@\n ctx\n+\tstruct phylink *pl;\n";
    let with_keywords = names(&m, &["drivers/net/ethernet/x/y.c"], Some(patch));
    assert_eq!(
        with_keywords,
        [
            "NETWORKING DRIVERS",
            rest,
            "PIDFD API",
            "SFF/SFP/SFP+ MODULE SUPPORT"
        ]
    );
}

#[test]
fn maintainers_can_be_shared_by_reader_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Maintainers>();
}

#[test]
fn keywords_are_matched_on_bytes_as_get_maintainer_reads_them() {
    // Matches on an ASCII line amid non-ASCII ones and on a non-ASCII
    // line; and `\b` as Perl sees it in an undecoded patch: the bytes of
    // `é` are no word characters, so `évmbus_x` holds `\bvmbus_` (a
    // Unicode reading would say no), while `_vmbus_x` does not.
    let m = load(TREE);
    let k = |content: &str| names(&m, &[] as &[&str], Some(content));
    assert_eq!(
        k("Zoë wrote it.\nUse secret_sauce.\nJosé\n"),
        ["KEYWORDS ONLY"]
    );
    assert_eq!(k("Zoë’s secret_sauce.\n"), ["KEYWORDS ONLY"]);
    assert_eq!(k("Zoë\nplain text\n"), Vec::<String>::new());
    let hv = |content: &str| names(&m, &["tools/x.c"], Some(content));
    assert_eq!(hv("call vmbus_open\n"), ["THE REST", "NAMES"]);
    assert_eq!(hv("Zoë: call vmbus_open\n"), ["THE REST", "NAMES"]);
    assert_eq!(hv("Zoë\ncall vmbus_open\n"), ["THE REST", "NAMES"]);
    assert_eq!(hv("Zoë: évmbus_open\n"), ["THE REST", "NAMES"]);
    assert_eq!(hv("Zoë: _vmbus_open\n"), ["THE REST"]);
}

#[test]
fn patch_sections_equal_sections_for_and_flag_missed_cc() {
    let m = load(TREE);
    let patch = "Fix.\n\n---\ndiff --git a/drivers/hv/vmbus.c b/drivers/hv/vmbus.c\n\
                 --- a/drivers/hv/vmbus.c\n+++ b/drivers/hv/vmbus.c\n@@ -1 +1 @@\n\
                 -a\n+secret_sauce\ndiff --git a/Makefile b/Makefile\n--- a/Makefile\n\
                 +++ b/Makefile\n@@ -1 +1 @@\n-a\n+b\n";
    let mut cache = PathCache::default();
    let files = crate::mail::touched_files(patch);
    let expected: Vec<(u32, Option<i32>)> = m
        .sections_for(&files, Some(patch))
        .iter()
        .map(|s| (u32::try_from(s.section).unwrap(), s.specificity))
        .collect();
    for _ in 0..2 {
        let found = m.patch_sections(patch, &Recipients::default(), &mut cache);
        let got: Vec<(u32, Option<i32>)> =
            found.iter().map(|s| (s.section, s.specificity)).collect();
        assert_eq!(got, expected);
        // Nobody was Cc'd: every Maintained/Supported section with people is missed.
        for s in &found {
            let section = &m.sections()[usize::try_from(s.section).unwrap()];
            assert_eq!(s.missed_cc, section.wants_cc(), "{}", section.name);
        }
    }
    let everyone: Recipients = m
        .sections()
        .iter()
        .flat_map(|s| {
            s.lists
                .iter()
                .cloned()
                .chain(s.maintainers.iter().map(|p| p.email.clone()))
        })
        .collect();
    let found = m.patch_sections(patch, &everyone, &mut cache);
    assert!(found.iter().all(|s| !s.missed_cc));
}

/// Whole-text keyword search, read against get_maintainer's line-by-line
/// reading on texts made to trip it: matches across lines (`\s+`), the
/// same pattern on a line before the diff that counts and one after it
/// that does not, lines read for other things (`Fixes:`, file and hunk
/// lines), a `+`/`-` line whose first character would complete a match,
/// and non-ASCII text beside ASCII.
#[test]
fn whole_text_keywords_equal_the_line_by_line_reading() {
    let m = load(
        "SPAN\nS:\tMaintained\nK:\tstruct\\s+phylink\n\n\
         EDGE\nS:\tMaintained\nK:\t[^@]sifive\n\n\
         WORD\nS:\tMaintained\nK:\t\\b(?i:rust)\\b\n\n\
         HEX\nS:\tMaintained\nK:\t^Fixes\n\n\
         EMPTY\nS:\tMaintained\nK:\t(zz)?\n\n\
         LEADING SPACE\nS:\tMaintained\nK:\t\\s*foo\n",
    );
    let texts = [
        "struct\nphylink\n",
        "a struct\n+phylink\n",
        "Msg.\n---\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n struct phylink\n-struct\n+ phylink\n",
        "Msg.\n--- a/x\n+++ b/x\n+struct  phylink x\n",
        "Fixes: 0123456789ab (\"x\")\nFixesa\n",
        "--- a/x\n+++ b/x\n+sifive\n-@sifive\n",
        "--- a/x\n+++ b/x\n+xsifive\n",
        "the sifive board\n",
        "Zoë: rust\n--- a/x\n+++ b/x\n+é rust é\n",
        "Zoë: érust\n--- a/x\n+++ b/x\n+rusté\n-Rust;\n",
        "+++ b/only a file line\n+rust\n",
        "@@ -1,2 +1,2 @@ rust\n",
        "no newline at the end: rust",
        // The whole-text match starts on the first, empty line; only the
        // third line matches alone.
        "\n\nfoo\n",
        "Zoë\n\n\nfoo\n",
        "--- a/x\n+++ b/x\n\n\n+foo\n",
        // A match that reaches from a changed line into the context line
        // after it, context lines that match between changed ones, a
        // changed line at the very end without a newline.
        "Msg.\n--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n+struct\n phylink\n-x\n rust\n+ rust",
        "--- a/x\n+++ b/x\n foo\n foo\n-a\n+b\n foo\n+foo",
        "",
    ];
    for text in texts {
        assert_eq!(
            m.index.keyword_ids(text),
            m.index.keyword_hits_by_line(text),
            "{text:?}"
        );
    }
}

/// The finder's match may end with the newline of the line it is on; that
/// line, not the next, is the one asked. (Without a pattern that matches
/// the empty text, which would have every line asked.)
#[test]
fn a_match_ending_in_its_newline_is_asked_of_its_own_line() {
    let m = load("TRAILING SPACE\nS:\tMaintained\nK:\tbar\\s\n\nWORD\nS:\tMaintained\nK:\tqux\n");
    for text in [
        "bar\nbaz\n",
        "Msg.\n--- a/x\n+++ b/x\n+bar\n+qux\n",
        "bar\n",
    ] {
        assert_eq!(
            m.index.keyword_ids(text),
            m.index.keyword_hits_by_line(text),
            "{text:?}"
        );
        assert!(!m.index.keyword_ids(text).is_empty(), "{text:?}");
    }
}

/// The same on the kernel's MAINTAINERS, over texts built from each of
/// its `K:` patterns' own words in every position of a patch.
#[test]
fn whole_text_keywords_equal_the_line_by_line_reading_on_the_real_file() {
    let Ok(text) = std::fs::read_to_string(REAL) else {
        eprintln!("skipped: {REAL} is absent (the shared test data)");
        return;
    };
    let (m, _) = Maintainers::parse(&text, "MAINTAINERS").unwrap();
    let words = [
        "mediatek",
        "bpf_prog",
        "_xdp_",
        "clang",
        "LLVM",
        "struct  phylink",
        "riscv",
        "sifive",
        "@sifive",
        "Rust",
        "pidfd",
        "security_foo",
        "zstd",
        "é",
    ];
    for word in words {
        for text in [
            format!("Subject {word}\n---\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n {word}\n"),
            format!("Msg.\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n+{word}\n-x {word}\n"),
            format!("Fixes: 0123456789ab {word}\n+{word}\n"),
            format!("Zoë {word}é\n--- a/x\n+++ b/x\n+é{word} é\n"),
        ] {
            assert_eq!(
                m.index.keyword_ids(&text),
                m.index.keyword_hits_by_line(&text),
                "{text:?}"
            );
        }
    }
}

#[test]
fn recipients_name_whole_addresses_only() {
    let to = Recipients::from_headers(
        "To: K. Y. <KYS@Microsoft.com>, linux-hyperv@vger.kernel.org\n\
         Cc: \"Wei\" <wei.liu@kernel.org>,\n\tdecui@microsoft.com (Dexuan)\n",
    );
    for named in [
        "kys@microsoft.com",
        "Linux-HyperV@vger.kernel.org",
        "wei.liu@kernel.org",
        "decui@microsoft.com",
    ] {
        assert!(to.names(named), "{named}");
    }
    for not in [
        "ys@microsoft.com",
        "kys@microsoft.co",
        "liu@kernel.org",
        "hyperv@vger.kernel.org",
        "",
    ] {
        assert!(!to.names(not), "{not}");
    }
    let mut from: Recipients = ["a@b.org"].into_iter().collect();
    from.add("Me@Example.org");
    assert!(from.names("me@example.org") && from.names("a@b.org") && !from.names("b.org"));
}
