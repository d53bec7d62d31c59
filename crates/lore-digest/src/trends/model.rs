use serde::Serialize;

use super::Period;
use crate::report::OrganizationCount;

/// A list's figures per period over a long window (`lore-digest trends`).
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Trends {
    /// The list's name (`--list`, else from `List-Id`, else the archive's directory).
    pub list: String,
    /// How long each row is.
    pub by: Period,
    /// The arrival of the first mail read (RFC 3339 UTC).
    pub first_mail: String,
    /// The arrival of the last mail read.
    pub last_mail: String,
    /// One row per period, oldest first, from the period of the first mail
    /// (or of `--since`) to that of the last (or of `--until`); periods
    /// without mail are rows of zeros.
    pub rows: Vec<TrendRow>,
    /// One line per kind of trouble met while reading, as in the report.
    pub warnings: Vec<String>,
}

/// One period's figures.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TrendRow {
    /// `2025-W19`, `2025-05`, `2025-Q2` or `2025`.
    pub period: String,
    /// Its first day (`2025-05-01`, UTC).
    pub start: String,
    /// Its last day.
    pub end: String,
    /// Mails that arrived in it.
    pub messages: usize,
    /// Series whose first mail arrived in it.
    pub series: usize,
    /// Patch mails (cover letters aside) that arrived in it.
    pub patches: usize,
    /// Patches whose applied notice arrived in it.
    pub applied: usize,
    /// Reviewed/Acked/Tested-by given in replies that arrived in it.
    pub reviews: usize,
    /// The median of whole days from a series' first mail to its first
    /// review, over the series posted in it that got one; null for none.
    pub median_days_to_first_review: Option<f64>,
    /// Of `reviews`, those whose reviewer and patch author are both known
    /// to an organization (the patch was posted in the window).
    pub reviews_with_organizations: usize,
    /// Of those, the ones given to another organization's patch.
    pub cross_organization_reviews: usize,
    /// `cross_organization_reviews / reviews_with_organizations`, from 0 to
    /// 1; null when there were none.
    pub cross_organization_share: Option<f64>,
    /// Mails per organization of the author, most first, ties by name; every one.
    pub organizations: Vec<OrganizationCount>,
}
