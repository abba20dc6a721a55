//! The resource-limit flags of `eval` and `test`: `--max-steps`, `--max-memory`,
//! `--timeout`, `--total-timeout`, `--max-input-size` (docs/security.md).

use std::time::{Duration, Instant};

/// Resource limits, as flags. Every one has a safe default; hitting one is a runtime
/// error in that decision (or an error for that input), never an allow.
#[derive(clap::Args, Debug, Clone)]
pub struct LimitArgs {
    /// Steps one evaluation may take, on top of 200 per node of its document (an
    /// instruction is a step; walking or copying values costs a step per element and
    /// per 64 bytes).
    #[arg(long, value_name = "N", default_value_t = pol::Limits::default().steps,
          value_parser = parse_steps)]
    pub max_steps: u64,
    /// Bytes of values one evaluation may build (strings, lists, sets, objects), as
    /// `536870912`, `512M` or `1G`.
    #[arg(long, value_name = "SIZE", default_value = "512M", value_parser = parse_size)]
    pub max_memory: u64,
    /// Time one evaluation may take, as `10s`, `500ms` or `2m`; `0` for no limit.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Time the whole run may take; inputs not evaluated by then are errors. `0` (the
    /// default) for no limit.
    #[arg(long, value_name = "DURATION", default_value = "0", value_parser = parse_duration)]
    pub total_timeout: Duration,
    /// Largest input file (or standard input) read, as `64M`; a larger one is an error
    /// for that input.
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    pub max_input_size: u64,
}

impl LimitArgs {
    /// The evaluation limits.
    pub fn limits(&self) -> pol::Limits {
        pol::Limits {
            steps: self.max_steps,
            memory: self.max_memory,
            time: (!self.timeout.is_zero()).then_some(self.timeout),
            ..pol::Limits::default()
        }
    }

    /// The end of the run, counted from `start`, if `--total-timeout` is set.
    pub fn deadline(&self, start: Instant) -> Option<Instant> {
        if self.total_timeout.is_zero() {
            None
        } else {
            start.checked_add(self.total_timeout)
        }
    }
}

/// A whole number of 1 or more (`-j N`, `--iterations N`), with a message a user
/// understands (clap's own for `NonZeroUsize` is Rust's: "number would be zero for
/// non-zero type").
pub fn parse_count(text: &str) -> Result<std::num::NonZeroUsize, String> {
    let n: usize = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number (write 1 or more)"))?;
    std::num::NonZeroUsize::new(n).ok_or_else(|| "must be 1 or more".to_owned())
}

/// `--max-steps N`: a whole number of 1 or more.
pub(crate) fn parse_steps(text: &str) -> Result<u64, String> {
    let n: u64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number (write 1 or more)"))?;
    if n == 0 {
        return Err("must be 1 or more".to_owned());
    }
    Ok(n)
}

/// A byte count: digits, optionally followed by `K`, `M`, `G` (powers of 1024; `KiB`,
/// `MB`... are read the same).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size (write e.g. `512M`)"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("unknown size unit `{other}` (use K, M or G)")),
    };
    let bytes = number
        .checked_mul(scale)
        .ok_or_else(|| format!("`{text}` is too large"))?;
    if bytes == 0 {
        return Err("a size must be more than 0".to_owned());
    }
    Ok(bytes)
}

/// A duration: a number (decimals allowed) followed by `ms`, `s` or `m`; a bare
/// number is seconds. `0` is zero (no limit, where the flag says so).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (write e.g. `10s` or `500ms`)"))?;
    let seconds = match unit.trim() {
        "" | "s" => number,
        "ms" => number / 1000.0,
        "m" | "min" => number * 60.0,
        other => return Err(format!("unknown time unit `{other}` (use ms, s or m)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("`{text}` is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("1 GiB"), Ok(1 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("0").is_err());
        assert!(parse_size("12T").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("1h").is_err());
        assert!(parse_duration("1e400").is_err());
    }
}
