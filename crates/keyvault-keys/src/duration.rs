//! ISO 8601 durations as the rotation policy uses them (`P90D`, `P2Y`, `PT12H`, `P1Y2M3DT4H`).

use keyvault_core::{Error, Result};

/// Checks an ISO 8601 duration: `P`, then date parts `nY nM nW nD` in that order, then
/// optionally `T` and time parts `nH nM nS`; at least one part; integer amounts (the seconds
/// may have a fraction).
pub(crate) fn validate_duration(argument: &'static str, text: &str) -> Result<()> {
    let bad = |why: &str| {
        Error::invalid_argument(
            argument,
            format!("{text:?} is not an ISO 8601 duration such as P90D or P1Y2M ({why})"),
        )
    };
    let rest = text
        .strip_prefix('P')
        .ok_or_else(|| bad("it must start with P"))?;
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) => {
            if time.is_empty() {
                return Err(bad("nothing follows T"));
            }
            (date, Some(time))
        }
        None => (rest, None),
    };
    let mut parts = parse_parts(date, &['Y', 'M', 'W', 'D'], false).map_err(&bad)?;
    if let Some(time) = time {
        parts += parse_parts(time, &['H', 'M', 'S'], true).map_err(&bad)?;
    }
    if parts == 0 {
        return Err(bad("it has no amount"));
    }
    Ok(())
}

/// Parses `nX nY ...` with designators in the given order; returns how many parts.
fn parse_parts(
    text: &str,
    designators: &[char],
    fraction_in_last: bool,
) -> std::result::Result<usize, &'static str> {
    let mut count = 0;
    let mut next = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let position = designators[next..]
            .iter()
            .position(|d| *d == c)
            .ok_or("unexpected or misplaced designator")?;
        let index = next + position;
        if number.is_empty() {
            return Err("a designator without an amount");
        }
        let fraction_allowed = fraction_in_last && index == designators.len() - 1;
        let valid = if fraction_allowed {
            number.split('.').count() <= 2 && !number.starts_with('.') && !number.ends_with('.')
        } else {
            !number.contains('.')
        };
        if !valid {
            return Err("a malformed amount");
        }
        number.clear();
        next = index + 1;
        count += 1;
    }
    if !number.is_empty() {
        return Err("an amount without a designator");
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_iso_8601_durations() {
        for ok in [
            "P90D",
            "P2Y",
            "P1Y2M3D",
            "P3W",
            "PT12H",
            "P1DT2H3M4S",
            "PT0.5S",
            "P28D",
        ] {
            validate_duration("d", ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
    }

    #[test]
    fn refuses_anything_else() {
        for bad in [
            "", "90D", "P", "PT", "P1.5D", "PD", "P1D2Y", "P1H", "P1DT", "P1DT2D", "30 days",
            "p90d", "P-1D", "P1DX",
        ] {
            let err = validate_duration("time_after_create", bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidArgument {
                        argument: "time_after_create",
                        ..
                    }
                ),
                "{bad}"
            );
        }
    }
}
