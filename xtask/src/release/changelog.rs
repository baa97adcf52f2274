//! CHANGELOG.md handling: finding the `## Unreleased` section, checking that it
//! has the four standard headings, and rewriting it on release into a dated
//! `## X.Y.Z (YYYY-MM-DD)` section under a fresh, empty `## Unreleased`.
//!
//! Everything here is pure string processing (plus [`today`]), unit-tested
//! below.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::{Error, Result};

/// The subsection headings every `## Unreleased` section must contain, in
/// order.
pub const HEADINGS: [&str; 4] = [
    "### Features Added",
    "### Breaking Changes",
    "### Bugs Fixed",
    "### Other Changes",
];

/// Whether a line is a `## ` (level-2) heading.
fn is_h2(line: &str) -> bool {
    line.trim_end().starts_with("## ") || line.trim_end() == "##"
}

/// Whether a line is the Unreleased heading: `## Unreleased`, also accepting
/// the `## 1.2.0 (Unreleased)` form.
fn is_unreleased_heading(line: &str) -> bool {
    is_h2(line) && line.to_ascii_lowercase().contains("unreleased")
}

/// Line index range `(heading, end)` of the Unreleased section: `heading` is
/// the `## Unreleased` line, `end` the next `## ` line (or the line count).
fn unreleased_range(lines: &[&str]) -> Option<(usize, usize)> {
    let start = lines.iter().position(|l| is_unreleased_heading(l))?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| is_h2(l))
        .map_or(lines.len(), |i| start + 1 + i);
    Some((start, end))
}

fn newline_of(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// The body of the Unreleased section (without its heading), trimmed of
/// leading and trailing blank lines; `None` when there is no such section.
pub fn unreleased_section(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let (start, end) = unreleased_range(&lines)?;
    Some(trim_blank_lines(&lines[start + 1..end]).join("\n"))
}

fn trim_blank_lines<'a, 'b>(lines: &'b [&'a str]) -> &'b [&'a str] {
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    match (first, last) {
        (Some(f), Some(l)) => &lines[f..=l],
        _ => &[],
    }
}

/// Problems with a changelog's Unreleased section (empty when it is fine).
pub fn check(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let Some((start, end)) = unreleased_range(&lines) else {
        return vec!["no `## Unreleased` section".to_owned()];
    };
    let section = &lines[start + 1..end];
    HEADINGS
        .iter()
        .filter(|h| !section.iter().any(|l| l.trim_end() == **h))
        .map(|h| format!("`## Unreleased` section lacks `{h}`"))
        .collect()
}

/// A fresh, empty Unreleased section (heading, the four subsections, and a
/// trailing blank line).
pub fn empty_unreleased(nl: &str) -> String {
    let mut out = format!("## Unreleased{nl}{nl}");
    for h in HEADINGS {
        out.push_str(h);
        out.push_str(nl);
        out.push_str(nl);
    }
    out
}

/// Drops `### ` subsections that have no content (only blank lines).
fn drop_empty_subsections<'a>(body: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&'a str> = Vec::new();
    let mut i = 0;
    while i < body.len() {
        if body[i].starts_with("### ") {
            let next = body[i + 1..]
                .iter()
                .position(|l| l.starts_with("### "))
                .map_or(body.len(), |p| i + 1 + p);
            let chunk = &body[i..next];
            if chunk[1..].iter().any(|l| !l.trim().is_empty()) {
                // Keep the subsection, normalising to one blank line after it.
                out.extend(trim_blank_lines(chunk));
                out.push("");
            }
            i = next;
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

/// The result of [`release`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Released {
    /// The rewritten changelog.
    pub text: String,
    /// False when the released section had no entries at all.
    pub has_entries: bool,
}

/// Turns the Unreleased section into `## {version} ({date})`, dropping its
/// empty subsections, and puts a fresh empty `## Unreleased` section above
/// it. Fails when there is no Unreleased section.
pub fn release(text: &str, version: &str, date: &str) -> Result<Released> {
    let nl = newline_of(text);
    let lines: Vec<&str> = text.lines().collect();
    let (start, end) = unreleased_range(&lines)
        .ok_or_else(|| Error::new("CHANGELOG.md has no `## Unreleased` section"))?;
    let body = drop_empty_subsections(&lines[start + 1..end]);
    let body = trim_blank_lines(&body);
    let has_entries = !body.is_empty();

    let mut out = String::new();
    for l in &lines[..start] {
        out.push_str(l);
        out.push_str(nl);
    }
    out.push_str(&empty_unreleased(nl));
    out.push_str(&format!("## {version} ({date}){nl}{nl}"));
    for l in body {
        out.push_str(l);
        out.push_str(nl);
    }
    if end < lines.len() {
        if has_entries {
            out.push_str(nl);
        }
        for l in &lines[end..] {
            out.push_str(l);
            out.push_str(nl);
        }
    }
    Ok(Released {
        text: out,
        has_entries,
    })
}

/// Adds the line `entry` at the end of the `heading` subsection (for
/// example `### Other Changes`) of the Unreleased section. Returns the text
/// unchanged when the subsection already has that line, and `None` when
/// there is no Unreleased section or it lacks `heading`.
pub fn add_entry(text: &str, heading: &str, entry: &str) -> Option<String> {
    let nl = newline_of(text);
    let mut lines: Vec<&str> = text.lines().collect();
    let (start, end) = unreleased_range(&lines)?;
    let h = (start + 1..end).find(|&i| lines[i].trim_end() == heading)?;
    let sub_end = (h + 1..end)
        .find(|&i| lines[i].starts_with("### "))
        .unwrap_or(end);
    if lines[h + 1..sub_end].iter().any(|l| l.trim_end() == entry) {
        return Some(text.to_owned());
    }
    let last = (h + 1..sub_end)
        .rev()
        .find(|&i| !lines[i].trim().is_empty());
    let at = match last {
        Some(i) => i + 1,
        None => {
            lines.insert(h + 1, "");
            h + 2
        }
    };
    lines.insert(at, entry);
    if lines.get(at + 1).is_some_and(|l| !l.trim().is_empty()) {
        lines.insert(at + 1, "");
    }
    let mut out = lines.join(nl);
    out.push_str(nl);
    Some(out)
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Converts days since 1970-01-01 to a (year, month, day) civil date
/// (Howard Hinnant's algorithm, proleptic Gregorian calendar).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
# Release History

## Unreleased

### Features Added

- Added `SecretClient::purge_deleted_secret`.

### Breaking Changes

### Bugs Fixed

- Fixed paging of `list_secrets`.

### Other Changes

## 0.1.0 (2025-01-02)

### Features Added

- Initial release.
";

    #[test]
    fn extracts_unreleased_section() {
        let section = unreleased_section(SAMPLE).unwrap();
        assert!(section.starts_with("### Features Added\n\n- Added"));
        assert!(section.ends_with("### Other Changes"));
        assert!(!section.contains("Initial release"));
        assert_eq!(unreleased_section("# Release History\n\n## 0.1.0\n"), None);
    }

    #[test]
    fn release_dates_section_and_adds_fresh_unreleased() {
        let out = release(SAMPLE, "0.2.0", "2025-03-04").unwrap();
        assert!(out.has_entries);
        let expected = "\
# Release History

## Unreleased

### Features Added

### Breaking Changes

### Bugs Fixed

### Other Changes

## 0.2.0 (2025-03-04)

### Features Added

- Added `SecretClient::purge_deleted_secret`.

### Bugs Fixed

- Fixed paging of `list_secrets`.

## 0.1.0 (2025-01-02)

### Features Added

- Initial release.
";
        assert_eq!(out.text, expected);
        // The rewritten file passes the check and its Unreleased is empty.
        assert!(check(&out.text).is_empty());
        let fresh = unreleased_section(&out.text).unwrap();
        assert_eq!(fresh, HEADINGS.join("\n\n"));
    }

    #[test]
    fn release_of_empty_section_reports_no_entries() {
        let text = format!("# Changelog\n\n{}", empty_unreleased("\n"));
        let out = release(&text, "1.0.0", "2025-12-31").unwrap();
        assert!(!out.has_entries);
        assert!(out
            .text
            .ends_with("### Other Changes\n\n## 1.0.0 (2025-12-31)\n\n"));
        assert_eq!(out.text.matches("## Unreleased").count(), 1);
    }

    #[test]
    fn release_accepts_versioned_unreleased_heading_and_crlf() {
        let text = "## 0.3.0 (Unreleased)\r\n\r\n### Other Changes\r\n\r\n- Bumped deps.\r\n";
        let out = release(text, "0.3.0", "2025-06-07").unwrap();
        assert!(out
            .text
            .contains("## 0.3.0 (2025-06-07)\r\n\r\n### Other Changes\r\n\r\n- Bumped deps.\r\n"));
        assert!(out
            .text
            .starts_with("## Unreleased\r\n\r\n### Features Added\r\n"));
        assert!(!out.text.contains("(Unreleased)"));
    }

    #[test]
    fn release_without_unreleased_fails() {
        let err = release("# Changelog\n\n## 0.1.0\n", "0.2.0", "2025-01-01")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no `## Unreleased` section"), "{err}");
    }

    #[test]
    fn check_reports_missing_section_and_headings() {
        assert!(check(SAMPLE).is_empty());
        assert_eq!(check("# Changelog\n"), ["no `## Unreleased` section"]);
        // A heading that only appears in an older release does not count.
        let text = "## Unreleased\n\n### Features Added\n\n### Bugs Fixed\n\n## 0.1.0\n\n### Breaking Changes\n";
        assert_eq!(
            check(text),
            [
                "`## Unreleased` section lacks `### Breaking Changes`",
                "`## Unreleased` section lacks `### Other Changes`"
            ]
        );
    }

    #[test]
    fn add_entry_appends_to_the_unreleased_subsection() {
        let entry = "- Requires `keyvault-core` 0.2.0.";
        // Empty subsection, last of the section, followed by a release.
        let text = "# Release History\n\n## Unreleased\n\n### Bugs Fixed\n\n### Other Changes\n\n## 0.1.0 (2025-01-01)\n\n### Other Changes\n\n- Old.\n";
        let out = add_entry(text, "### Other Changes", entry).unwrap();
        assert_eq!(
            out,
            text.replacen(
                "### Other Changes\n\n## 0.1.0",
                "### Other Changes\n\n- Requires `keyvault-core` 0.2.0.\n\n## 0.1.0",
                1
            )
        );
        // Idempotent.
        assert_eq!(add_entry(&out, "### Other Changes", entry).unwrap(), out);
        // After existing (wrapped) entries, before the next subsection.
        let text = "## Unreleased\n\n### Other Changes\n\n- One,\n  wrapped.\n\n### Bugs Fixed\n";
        assert_eq!(
            add_entry(text, "### Other Changes", "- Two.").unwrap(),
            "## Unreleased\n\n### Other Changes\n\n- One,\n  wrapped.\n- Two.\n\n### Bugs Fixed\n"
        );
        // Heading on the last line, no blank line before the next heading, CRLF.
        assert_eq!(
            add_entry(
                "## Unreleased\n\n### Other Changes",
                "### Other Changes",
                "- X."
            )
            .unwrap(),
            "## Unreleased\n\n### Other Changes\n\n- X.\n"
        );
        assert_eq!(
            add_entry(
                "## Unreleased\r\n### Other Changes\r\n### Bugs Fixed\r\n",
                "### Other Changes",
                "- X."
            )
            .unwrap(),
            "## Unreleased\r\n### Other Changes\r\n\r\n- X.\r\n\r\n### Bugs Fixed\r\n"
        );
        // Missing section or heading (an older release's heading does not count).
        assert_eq!(
            add_entry("# Changelog\n", "### Other Changes", "- X."),
            None
        );
        assert_eq!(
            add_entry(
                "## Unreleased\n\n### Bugs Fixed\n\n## 0.1.0\n\n### Other Changes\n",
                "### Other Changes",
                "- X."
            ),
            None
        );
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_088), (2024, 12, 31));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        let t = today();
        assert_eq!(t.len(), 10);
        assert_eq!(&t[4..5], "-");
        assert_eq!(&t[7..8], "-");
    }
}
