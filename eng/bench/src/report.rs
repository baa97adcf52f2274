//! Markdown helpers and target checks.

/// One target of the brief, checked.
#[derive(Debug, Clone)]
pub struct Check {
    /// What is compared.
    pub what: String,
    /// The measured figure.
    pub measured: String,
    /// The target, as text.
    pub target: String,
    /// Whether the target is met.
    pub met: bool,
}

impl Check {
    /// A ratio that must be at least `min`.
    pub fn at_least(what: impl Into<String>, ratio: f64, min: f64) -> Check {
        Check {
            what: what.into(),
            measured: format!("{ratio:.3}x"),
            target: format!(">= {min:.2}x"),
            met: ratio >= min,
        }
    }

    /// A ratio that must be at most `max`.
    pub fn at_most(what: impl Into<String>, ratio: f64, max: f64) -> Check {
        Check {
            what: what.into(),
            measured: format!("{ratio:.3}x"),
            target: format!("<= {max:.2}x"),
            met: ratio <= max,
        }
    }
}

/// What a section produced: its markdown and its checks.
#[derive(Debug, Default)]
pub struct Section {
    /// Markdown, starting with a `##` heading.
    pub markdown: String,
    /// The targets it checked.
    pub checks: Vec<Check>,
}

/// A markdown table.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    out.push_str(&format!("| {} |\n", header.join(" | ")));
    out.push_str(&format!(
        "|{}\n",
        header.iter().map(|_| "---|").collect::<String>()
    ));
    for row in rows {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

/// The checks as a markdown table.
pub fn checks_table(checks: &[Check]) -> String {
    let rows: Vec<Vec<String>> = checks
        .iter()
        .map(|c| {
            vec![
                c.what.clone(),
                c.measured.clone(),
                c.target.clone(),
                if c.met { "met" } else { "**missed**" }.to_string(),
            ]
        })
        .collect();
    table(&["target", "measured", "wanted", "verdict"], &rows)
}

/// Bytes as KiB with one decimal.
pub fn kib(bytes: isize) -> String {
    format!("{:.1}", bytes as f64 / 1024.0)
}
