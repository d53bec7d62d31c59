//! The configuration file: lists by name, and defaults for their reports.
//!
//! ```toml
//! [defaults]
//! top = 20
//! mailmap = "~/linux/.mailmap"
//!
//! [lists.kvm]
//! url = "https://lore.kernel.org/kvm"
//! path = "/srv/lore/kvm"       # an existing mirror or archive (optional)
//! title = "KVM"
//! format = "markdown"
//! orgmap = "~/kvm-domains.map"
//! maintainers = "~/linux/MAINTAINERS"
//! watch = { sections = ["KVM*"], who = ["seanjc@google.com"], orgs = ["Google"] }
//!
//! [groups.virt]                # lists reported together, one report
//! lists = ["kvm", "kvmarm"]
//! title = "Virtualization"
//! ```
//!
//! A list that is not configured is a lore list of that name:
//! `kvm` → `https://lore.kernel.org/kvm`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::Error;

/// Where lists without a `url` are found.
pub const LORE: &str = "https://lore.kernel.org";

/// The parsed configuration file.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Settings every list starts from.
    #[serde(default)]
    pub defaults: ListSettings,
    /// Lists by name.
    #[serde(default)]
    pub lists: BTreeMap<String, ListSettings>,
    /// Groups of lists reported together, by name.
    #[serde(default)]
    pub groups: BTreeMap<String, GroupSettings>,
}

/// What a `[groups.NAME]` section says: its lists, and the settings of
/// its report (those of a list, but for `url` and `path`, which are each
/// list's own).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupSettings {
    /// The lists, by name (a `[lists.NAME]` or a lore list).
    pub lists: Vec<String>,
    /// The report's settings.
    pub settings: ListSettings,
}

impl<'de> Deserialize<'de> for GroupSettings {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut table = toml::Table::deserialize(deserializer)?;
        let lists = table
            .remove("lists")
            .ok_or_else(|| D::Error::custom("a group needs `lists = [\"kvm\", …]`"))?;
        let lists = Vec::<String>::deserialize(lists).map_err(D::Error::custom)?;
        if lists.is_empty() {
            return Err(D::Error::custom("a group needs at least one list"));
        }
        for key in ["url", "path"] {
            if table.contains_key(key) {
                return Err(D::Error::custom(format!(
                    "a group's lists each have their own `{key}`: give it under [lists.NAME]"
                )));
            }
        }
        let settings =
            ListSettings::deserialize(toml::Value::Table(table)).map_err(D::Error::custom)?;
        Ok(GroupSettings { lists, settings })
    }
}

/// A group resolved from its name: its lists, and the settings of its
/// report (the group's over the defaults).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The name it was asked by.
    pub name: String,
    /// Its lists, each resolved as [`Config::list`] does.
    pub lists: Vec<List>,
    /// The report's settings (`url` and `path` unset).
    pub settings: ListSettings,
}

/// What a list section (or `[defaults]`) may say; all optional.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ListSettings {
    /// The inbox URL (`https://lore.kernel.org/kvm`).
    pub url: Option<String>,
    /// A local mirror or archive to use instead of the default mirror.
    pub path: Option<PathBuf>,
    /// The list's name in report titles.
    pub title: Option<String>,
    /// Report format: `text`, `json`, `markdown` or `html`.
    pub format: Option<String>,
    /// How many entries the top lists show.
    pub top: Option<usize>,
    /// A `.mailmap` file.
    pub mailmap: Option<PathBuf>,
    /// A domain → organization map (gitdm format).
    pub orgmap: Option<PathBuf>,
    /// Leave out the built-in organization map.
    pub no_default_orgmap: Option<bool>,
    /// `update`: mail each update to these (a string of addresses
    /// separated by commas, or a list of such strings).
    #[serde(default, deserialize_with = "string_or_list")]
    pub mail_to: Option<Vec<String>>,
    /// `update`: the mails' sender (`Name <bot@example.org>`).
    pub mail_from: Option<String>,
    /// `update`: the mail server, `smtp://[user@]host[:port]` or
    /// `smtps://…`; the password is never here (`LORE_DIGEST_SMTP_PASSWORD`).
    pub smtp: Option<String>,
    /// `update`: hand mails to this local `sendmail` instead of SMTP.
    pub sendmail: Option<String>,
    /// `update`: keep a static site of the updates in this directory.
    pub publish: Option<PathBuf>,
    /// `update`: the site's public address, for absolute feed links.
    pub publish_url: Option<String>,
    /// `update`: append the update's events (JSON Lines) to this file. A
    /// list's own: a failed update cuts the file back, so no other list
    /// may write to it (not allowed under `[defaults]`).
    pub events: Option<PathBuf>,
    /// The kernel's MAINTAINERS file: sections per patch and series.
    pub maintainers: Option<PathBuf>,
    /// A watchlist: reports keep the series of these sections, people,
    /// organizations and files (see [`crate::watch::Watch`]).
    pub watch: Option<crate::watch::Watch>,
}

/// `"a@b, c@d"` or `["a@b", "c@d"]`.
fn string_or_list<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(Some(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    }))
}

/// A list resolved from its name: the configured settings over the
/// defaults, and where its mail comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List {
    /// The name it was asked by.
    pub name: String,
    /// The inbox URL.
    pub url: String,
    /// The settings (list over defaults; `url` and `path` filled in).
    pub settings: ListSettings,
}

impl Config {
    /// Reads `path`; a missing file at the default place is an empty
    /// configuration, a missing file named by the user an error.
    pub fn load(path: &Path, named_by_user: bool) -> Result<Config, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named_by_user => {
                return Ok(Config::default());
            }
            Err(e) => {
                return Err(Error::Config {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                });
            }
        };
        Config::parse(&text).map_err(|reason| Error::Config {
            path: path.to_path_buf(),
            reason,
        })
    }

    /// Parses the TOML text of a configuration; the error is one line.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            // 1-based: the newlines before the error's start, plus one.
            let line_of = |at: usize| {
                let before = &text.as_bytes()[..at.min(text.len())];
                before.iter().filter(|&&b| b == b'\n').count() + 1
            };
            match e.span().map(|s| line_of(s.start)) {
                Some(line) => format!("line {line}: {message}"),
                None => message,
            }
        })?;
        if let Some(name) = config.groups.keys().find(|g| config.lists.contains_key(*g)) {
            return Err(format!(
                "[groups.{name}] and [lists.{name}]: a name is a list or a group, not both"
            ));
        }
        for (name, group) in &config.groups {
            if let Some(inner) = group.lists.iter().find(|l| config.groups.contains_key(*l)) {
                return Err(format!(
                    "[groups.{name}]: {inner} is a group; a group's lists are lists"
                ));
            }
        }
        if config.defaults.events.is_some() {
            return Err(
                "[defaults]: `events` names one list's own file; give it under [lists.NAME]".into(),
            );
        }
        Ok(config)
    }

    /// The group called `name`, if the configuration has one.
    pub fn group(&self, name: &str) -> Option<Result<Group, Error>> {
        let group = self.groups.get(name)?;
        let lists: Result<Vec<List>, Error> = group.lists.iter().map(|l| self.list(l)).collect();
        let mut settings = self.over_defaults(group.settings.clone());
        // Each list has its own mirror.
        settings.path = None;
        expand_paths(&mut settings);
        Some(lists.map(|lists| Group {
            name: name.to_string(),
            lists,
            settings,
        }))
    }

    /// `own` settings, with the defaults for what they leave unset (a
    /// list's `url` and `events` are never defaults).
    fn over_defaults(&self, own: ListSettings) -> ListSettings {
        let d = &self.defaults;
        ListSettings {
            url: own.url.clone(),
            path: own.path.or_else(|| d.path.clone()),
            title: own.title.or_else(|| d.title.clone()),
            format: own.format.or_else(|| d.format.clone()),
            top: own.top.or(d.top),
            mailmap: own.mailmap.or_else(|| d.mailmap.clone()),
            orgmap: own.orgmap.or_else(|| d.orgmap.clone()),
            no_default_orgmap: own.no_default_orgmap.or(d.no_default_orgmap),
            mail_to: own.mail_to.or_else(|| d.mail_to.clone()),
            mail_from: own.mail_from.or_else(|| d.mail_from.clone()),
            smtp: own.smtp.or_else(|| d.smtp.clone()),
            sendmail: own.sendmail.or_else(|| d.sendmail.clone()),
            publish: own.publish.or_else(|| d.publish.clone()),
            publish_url: own.publish_url.or_else(|| d.publish_url.clone()),
            events: own.events,
            maintainers: own.maintainers.or_else(|| d.maintainers.clone()),
            watch: own.watch.or_else(|| d.watch.clone()),
        }
    }

    /// The list called `name`: its section over `[defaults]`, or a lore
    /// list of that name when there is no section.
    pub fn list(&self, name: &str) -> Result<List, Error> {
        let own = self.lists.get(name).cloned().unwrap_or_default();
        let url = own.url.clone();
        let mut settings = self.over_defaults(own);
        let plain_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        let url = match url {
            Some(url) => url,
            None if plain_name => format!("{LORE}/{name}"),
            None => {
                return Err(Error::Config {
                    path: PathBuf::from(name),
                    reason: "not a list name (letters, digits, '-', '_', '.'), and no [lists] section gives it a url".into(),
                });
            }
        };
        settings.url = Some(url.clone());
        expand_paths(&mut settings);
        Ok(List {
            name: name.to_string(),
            url,
            settings,
        })
    }
}

/// `~/` in every path of `settings` made `$HOME/`.
fn expand_paths(settings: &mut ListSettings) {
    for path in [
        &mut settings.path,
        &mut settings.mailmap,
        &mut settings.orgmap,
        &mut settings.publish,
        &mut settings.events,
        &mut settings.maintainers,
    ] {
        *path = path.take().map(|p| expand_home(&p));
    }
}

/// `~/x` → `$HOME/x`.
fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_path_buf(),
    }
}

/// `$XDG_CONFIG_HOME/lore-digest/config.toml` (`~/.config/…` without it).
pub fn default_config_path() -> Option<PathBuf> {
    xdg_dir("XDG_CONFIG_HOME", ".config").map(|d| d.join("lore-digest").join("config.toml"))
}

/// `$XDG_CACHE_HOME/lore-digest` (`~/.cache/…` without it): what can be
/// rebuilt, such as the index of series starts.
pub fn default_cache_dir() -> Option<PathBuf> {
    xdg_dir("XDG_CACHE_HOME", ".cache").map(|d| d.join("lore-digest"))
}

/// An XDG base directory: the variable, else `$HOME/<fallback>`.
pub(crate) fn xdg_dir(variable: &str, fallback: &str) -> Option<PathBuf> {
    std::env::var_os(variable)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(fallback)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_section_overrides_the_defaults() {
        let config = Config::parse(
            r#"
[defaults]
top = 20
format = "markdown"

[lists.kvm]
url = "https://example.org/kvm"
top = 30
title = "KVM"
"#,
        )
        .unwrap();
        let kvm = config.list("kvm").unwrap();
        assert_eq!(kvm.url, "https://example.org/kvm");
        assert_eq!(kvm.settings.top, Some(30));
        assert_eq!(kvm.settings.format.as_deref(), Some("markdown"));
        assert_eq!(kvm.settings.title.as_deref(), Some("KVM"));
    }

    #[test]
    fn a_group_names_lists_and_the_settings_of_its_report() {
        let config = Config::parse(
            r#"
[defaults]
top = 20
path = "/srv/one"

[lists.kvm]
url = "https://example.org/kvm"

[groups.virt]
lists = ["kvm", "kvmarm"]
title = "Virtualization"
mail_to = "virt@example.org"
"#,
        )
        .unwrap();
        let virt = config.group("virt").unwrap().unwrap();
        let urls: Vec<&str> = virt.lists.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://example.org/kvm", "https://lore.kernel.org/kvmarm"]
        );
        assert_eq!(virt.settings.title.as_deref(), Some("Virtualization"));
        assert_eq!(virt.settings.top, Some(20));
        assert_eq!(virt.settings.path, None);
        assert_eq!(virt.settings.mail_to, Some(vec!["virt@example.org".into()]));
        assert!(config.group("kvm").is_none());

        for (text, says) in [
            ("[groups.g]\ntitle = \"x\"\n", "needs `lists"),
            ("[groups.g]\nlists = []\n", "at least one list"),
            ("[groups.g]\nlists = [\"a\"]\npath = \"/x\"\n", "own `path`"),
            ("[groups.g]\nlists = [\"a\"]\ncolour = 1\n", "colour"),
            (
                "[groups.g]\nlists = [\"h\"]\n[groups.h]\nlists = [\"a\"]\n",
                "h is a group",
            ),
            ("[groups.kvm]\nlists = [\"a\"]\n[lists.kvm]\n", "not both"),
        ] {
            let error = Config::parse(text).unwrap_err();
            assert!(error.contains(says), "{text:?}: {error}");
        }
    }

    #[test]
    fn delivery_keys_take_one_string_or_a_list() {
        let config = Config::parse(
            r#"
[defaults]
smtp = "smtp://mail.example.org"
mail_from = "Digest <bot@example.org>"

[lists.kvm]
mail_to = "a@example.org, b@example.org"
publish = "/srv/www/kvm"

[lists.mm]
mail_to = ["a@example.org", "c@example.org"]
sendmail = "/usr/sbin/sendmail"
"#,
        )
        .unwrap();
        let kvm = config.list("kvm").unwrap();
        assert_eq!(
            kvm.settings.mail_to,
            Some(vec!["a@example.org, b@example.org".into()])
        );
        assert_eq!(
            kvm.settings.smtp.as_deref(),
            Some("smtp://mail.example.org")
        );
        assert_eq!(kvm.settings.publish, Some(PathBuf::from("/srv/www/kvm")));
        let mm = config.list("mm").unwrap();
        assert_eq!(mm.settings.mail_to.map(|t| t.len()), Some(2));
        assert!(Config::parse("[lists.x]\nmail_to = 3\n").is_err());
        assert!(Config::parse("[lists.x]\nsmtp_password = \"p\"\n").is_err());
        let events = Config::parse("[lists.kvm]\nevents = \"/srv/kvm.jsonl\"\n").unwrap();
        assert_eq!(
            events.list("kvm").unwrap().settings.events,
            Some(PathBuf::from("/srv/kvm.jsonl"))
        );
        assert!(Config::parse("[defaults]\nevents = \"/srv/all.jsonl\"\n").is_err());
    }

    #[test]
    fn a_watchlist_is_read_and_a_list_s_own_replaces_the_default() {
        let config = Config::parse(
            r#"
[defaults]
watch = { who = ["a@example.org"] }

[lists.kvm]
watch = { sections = ["KVM*"], orgs = ["Google"], files = ["arch/x86/kvm/"] }

[lists.mm]
"#,
        )
        .unwrap();
        let kvm = config.list("kvm").unwrap().settings.watch.unwrap();
        assert_eq!(kvm.sections, ["KVM*"]);
        assert_eq!(kvm.orgs, ["Google"]);
        assert_eq!(kvm.files, ["arch/x86/kvm/"]);
        assert!(kvm.who.is_empty());
        let mm = config.list("mm").unwrap().settings.watch.unwrap();
        assert_eq!(mm.who, ["a@example.org"]);
        let err = Config::parse("[lists.kvm]\nwatch = { people = [\"x\"] }\n").unwrap_err();
        assert!(err.contains("people"), "{err}");
    }

    #[test]
    fn any_lore_list_works_without_configuration() {
        let list = Config::default().list("linux-mm").unwrap();
        assert_eq!(list.url, "https://lore.kernel.org/linux-mm");
        assert!(Config::default().list("../etc").is_err());
    }

    #[test]
    fn mistakes_are_named_with_their_line() {
        let err = Config::parse("[lists.kvm]\nurl = \"x\"\ncolour = \"red\"\n").unwrap_err();
        assert!(err.starts_with("line 3:"), "{err}");
        assert!(err.contains("colour"), "{err}");
        let err = Config::parse("[lists.kvm]\ntop = \"many\"\n").unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
    }
}
