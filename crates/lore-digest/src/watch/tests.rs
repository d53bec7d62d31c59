use super::*;

fn watch(sections: &[&str], who: &[&str], orgs: &[&str], files: &[&str]) -> Compiled {
    let own = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
    Watch {
        sections: own(sections),
        who: own(who),
        orgs: own(orgs),
        files: own(files),
    }
    .compile()
    .unwrap()
}

fn person(name: &str, email: &str) -> Person {
    Person::new(name, email)
}

#[test]
fn section_globs_ignore_case_and_match_the_whole_name() {
    let w = watch(&["hyper-v*"], &[], &[], &[]);
    assert!(w.section("Hyper-V/Azure CORE AND DRIVERS"));
    assert!(!w.section("HYPERBUS SUPPORT"));
    // A glob without `*` is the whole name, not a part of it.
    let w = watch(&["KVM"], &[], &[], &[]);
    assert!(!w.section("KVM PARAVIRT (KVM/paravirt)"));
    assert!(w.section("kvm"));
    let w = watch(&["KVM ?ARAVIRT*"], &[], &[], &[]);
    assert!(w.section("KVM PARAVIRT (KVM/paravirt)"));
}

#[test]
fn a_file_glob_covers_the_files_below_a_matching_directory() {
    let w = watch(&[], &[], &[], &["drivers/hv"]);
    assert!(w.file("drivers/hv/vmbus_drv.c"));
    assert!(w.file("drivers/hv"));
    assert!(
        !w.file("drivers/hvx/a.c"),
        "a directory is a whole component"
    );
    assert!(!w.file("drivers/net/hyperv/netvsc.c"));
    // A trailing slash and a leading `./` or `/` say the same.
    for glob in ["drivers/hv/", "./drivers/hv", "/drivers/hv"] {
        assert!(
            watch(&[], &[], &[], &[glob]).file("drivers/hv/hv.c"),
            "{glob}"
        );
    }
}

#[test]
fn a_star_stays_in_its_directory_and_two_cross_them() {
    let w = watch(&[], &[], &[], &["drivers/*.c"]);
    assert!(w.file("drivers/a.c"));
    assert!(!w.file("drivers/hv/a.c"));
    let w = watch(&[], &[], &[], &["arch/*/hyperv/**"]);
    assert!(w.file("arch/x86/hyperv/hv_init.c"));
    assert!(w.file("arch/arm64/hyperv/mshyperv.c"));
    assert!(!w.file("arch/x86/kvm/x86.c"));
    let w = watch(&[], &[], &[], &["**/hyperv.h"]);
    assert!(w.file("include/linux/hyperv.h"));
    assert!(!w.file("include/linux/hyperv-tlfs.h"));
    assert!(!watch(&[], &[], &[], &[]).file("drivers/hv/hv.c"));
}

#[test]
fn a_person_is_an_address_or_a_whole_name() {
    let wei = person("Wei Liu", "wei.liu@kernel.org");
    for given in [
        "wei.liu@kernel.org",
        "Wei.Liu@Kernel.org",
        "Wei Liu <wei.liu@kernel.org>",
        "wei  liu",
        "WEI LIU",
    ] {
        assert!(watch(&[], &[given], &[], &[]).person(&wei), "{given}");
    }
    for given in ["wei", "liu@kernel.org", "Wei Liu <wl@kernel.org>", "Wei"] {
        assert!(!watch(&[], &[given], &[], &[]).person(&wei), "{given}");
    }
    // A name query never matches a person known only by address.
    assert!(!watch(&[], &["Wei Liu"], &[], &[]).person(&person("", "wei.liu@kernel.org")));
}

#[test]
fn an_organization_is_its_name_or_a_domain_with_its_subdomains() {
    let w = watch(&[], &[], &["microsoft"], &[]);
    assert!(w.organization("Microsoft", "linux.microsoft.com"));
    assert!(!w.organization("Google", "google.com"));
    let w = watch(&[], &[], &["microsoft.com"], &[]);
    assert!(w.organization("Microsoft", "microsoft.com"));
    assert!(w.organization("Microsoft", "linux.microsoft.com"));
    assert!(!w.organization("soft.com", "notmicrosoft.com"));
    let w = watch(&[], &[], &["soft.com"], &[]);
    assert!(
        !w.organization("Microsoft", "microsoft.com"),
        "a suffix is whole labels"
    );
}

#[test]
fn what_matches_nothing_is_named_as_given() {
    let w = watch(
        &[],
        &["Wei Liu", "Nobody <no@body.example>"],
        &["Microsft", "Google"],
        &[],
    );
    let people = [person("Wei Liu", "wei.liu@kernel.org")];
    assert_eq!(
        w.unmatched_people(people.iter()),
        ["Nobody <no@body.example>"]
    );
    let known = [("Microsoft", "microsoft.com"), ("Google", "google.com")];
    assert_eq!(w.unmatched_orgs(known.iter().copied()), ["Microsft"]);
}

#[test]
fn the_nearest_names_come_best_first_and_only_when_close() {
    let names = ["Microsoft", "Microchip", "Google", "Red Hat"];
    assert_eq!(nearest("Microsft", names), ["Microsoft", "Microchip"]);
    assert!(nearest("xyzzy", names).is_empty());
    // A name that contains what was given is close whatever its length.
    let sections = ["Hyper-V/Azure CORE AND DRIVERS", "HYPERBUS SUPPORT"];
    assert_eq!(
        nearest("*azure core*", sections)[0],
        "Hyper-V/Azure CORE AND DRIVERS"
    );
    assert!(nearest("**", sections).is_empty());
}

#[test]
fn watchlists_add_up_without_repeats() {
    let configured = Watch {
        who: vec!["a@example.org".into()],
        sections: vec!["KVM*".into()],
        ..Watch::default()
    };
    let flags = Watch {
        who: vec!["a@example.org".into(), "b@example.org".into()],
        files: vec!["virt/kvm".into()],
        ..Watch::default()
    };
    let merged = configured.merged(&flags);
    assert_eq!(merged.who, ["a@example.org", "b@example.org"]);
    assert_eq!(merged.sections, ["KVM*"]);
    assert_eq!(merged.files, ["virt/kvm"]);
    assert_eq!(
        merged.describe(),
        r#"section "KVM*", who "a@example.org", who "b@example.org", files "virt/kvm""#
    );
    assert!(Watch::default().is_empty());
    assert!(!merged.is_empty());
}

#[test]
fn a_glob_that_does_not_parse_is_an_input_error_naming_it() {
    let err = Watch {
        files: vec!["drivers/[hv".into()],
        ..Watch::default()
    }
    .compile()
    .unwrap_err();
    assert!(err.is_input_error());
    let text = err.to_string();
    assert!(text.starts_with("--files 'drivers/[hv': "), "{text}");
    assert!(!text.contains('\n'));
}
