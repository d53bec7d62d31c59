//! The names nearest to one that matched nothing, for the error that
//! says so (`did you mean …`).

/// At most this many suggestions.
const SUGGESTIONS: usize = 3;
/// Below this similarity (0 to 1) a name is no suggestion.
const THRESHOLD: f64 = 0.7;

/// The candidates most like `given`, best first: by Jaro-Winkler
/// similarity of the lower-cased texts (glob characters of `given`
/// dropped), a candidate containing `given` whole counting as close.
/// Each candidate once; none when nothing is close.
pub fn nearest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let wanted: String = given
        .chars()
        .filter(|c| !matches!(c, '*' | '?' | '[' | ']'))
        .collect::<String>()
        .trim()
        .to_lowercase();
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(f64, &str)> = Vec::new();
    for candidate in candidates {
        let lower = candidate.to_lowercase();
        let mut score = strsim::jaro_winkler(&wanted, &lower);
        if wanted.len() >= 3 && lower.contains(&wanted) {
            score = score.max(0.9);
        }
        if score >= THRESHOLD && !scored.iter().any(|(_, c)| *c == candidate) {
            scored.push((score, candidate));
        }
    }
    // Best first; equal scores in the candidates' own order.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored
        .into_iter()
        .take(SUGGESTIONS)
        .map(|(_, c)| c.to_string())
        .collect()
}
