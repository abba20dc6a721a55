//! YAML 1.2 core schema: what type a scalar has.
//!
//! Plain scalars resolve to null (`~`, `null`, empty), bool (`true`, `false`), int
//! (decimal, `0o`, `0x`), float (decimal, `.inf`, `.nan`) or, failing all of those,
//! string: `on`, `yes`, `no`, `1_000` and `0b1` stay strings. Quoted and block scalars
//! are strings. A core tag (`!!str`, `!!int`, ...) forces its type; other tags are
//! ignored.

use saphyr_parser::{ScalarStyle, Tag};

use crate::builder::Scalar;

/// The typed value of a scalar, or a message for a value its tag does not allow or a
/// number out of range.
pub(crate) fn resolve<'s>(
    value: &'s str,
    style: ScalarStyle,
    tag: Option<&Tag>,
) -> Result<Scalar<'s>, String> {
    let core_tag = tag
        .filter(|t| t.is_yaml_core_schema())
        .map(|t| t.suffix.as_str());
    match core_tag {
        Some("str") => Ok(Scalar::Str(value)),
        Some(name @ ("null" | "bool" | "int" | "float")) => match (name, plain(value)?) {
            (_, Scalar::Str(_)) => Err(format!("`{value}` is not a valid `!!{name}`")),
            ("float", Scalar::Int(i)) => Ok(Scalar::Float(i as f64)),
            ("null", s @ Scalar::Null)
            | ("bool", s @ Scalar::Bool(_))
            | ("int", s @ Scalar::Int(_))
            | ("float", s @ Scalar::Float(_)) => Ok(s),
            _ => Err(format!("`{value}` is not a valid `!!{name}`")),
        },
        // `! value`, the non-specific tag: a string, as if quoted.
        _ if tag.is_some_and(|t| t.handle == "!" && t.suffix.is_empty()) => Ok(Scalar::Str(value)),
        _ if style == ScalarStyle::Plain => plain(value),
        _ => Ok(Scalar::Str(value)),
    }
}

/// The core-schema type of a plain scalar.
pub(crate) fn plain(s: &str) -> Result<Scalar<'_>, String> {
    Ok(match s {
        "" | "~" | "null" | "Null" | "NULL" => Scalar::Null,
        "true" | "True" | "TRUE" => Scalar::Bool(true),
        "false" | "False" | "FALSE" => Scalar::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Scalar::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Scalar::Float(f64::NAN),
        _ => {
            if let Some(digits) = s.strip_prefix("0o") {
                return radix(s, digits, 8);
            }
            if let Some(digits) = s.strip_prefix("0x") {
                return radix(s, digits, 16);
            }
            if is_decimal_int(s) {
                match s.parse::<i64>() {
                    Ok(i) => Scalar::Int(i),
                    Err(_) => float(s)?,
                }
            } else if is_float(s) {
                float(s)?
            } else {
                Scalar::Str(s)
            }
        }
    })
}

/// `[-+]?[0-9]+`
fn is_decimal_int(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (s.get(..i).unwrap_or(""), s.get(i + 1..)),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (mantissa, None),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = all_digits(int)
        && frac.is_none_or(all_digits)
        && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

fn float(s: &str) -> Result<Scalar<'_>, String> {
    match s.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(Scalar::Float(f)),
        _ => Err(format!("number `{s}` is out of range")),
    }
}

/// `0o[0-7]+` or `0x[0-9a-fA-F]+`: an int, or a float when it does not fit in 64 bits.
fn radix<'s>(s: &'s str, digits: &str, radix: u32) -> Result<Scalar<'s>, String> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Ok(Scalar::Str(s));
    }
    if let Ok(i) = i64::from_str_radix(digits, radix) {
        return Ok(Scalar::Int(i));
    }
    let f = digits
        .chars()
        .filter_map(|c| c.to_digit(radix))
        .fold(0.0, |f, d| f * f64::from(radix) + f64::from(d));
    if f.is_finite() {
        Ok(Scalar::Float(f))
    } else {
        Err(format!("number `{s}` is out of range"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: &str) -> String {
        match plain(s) {
            Ok(Scalar::Null) => "null".to_owned(),
            Ok(Scalar::Bool(b)) => format!("bool {b}"),
            Ok(Scalar::Int(i)) => format!("int {i}"),
            Ok(Scalar::Float(f)) => format!("float {f:?}"),
            Ok(Scalar::Str(s)) => format!("str {s}"),
            Err(e) => format!("error {e}"),
        }
    }

    #[test]
    fn core_schema() {
        let cases = [
            ("", "null"),
            ("~", "null"),
            ("null", "null"),
            ("NULL", "null"),
            ("nUll", "str nUll"),
            ("true", "bool true"),
            ("False", "bool false"),
            ("on", "str on"),
            ("yes", "str yes"),
            ("no", "str no"),
            ("off", "str off"),
            ("y", "str y"),
            ("0", "int 0"),
            ("-12", "int -12"),
            ("+12", "int 12"),
            ("012", "int 12"),
            ("0o17", "int 15"),
            ("0x1F", "int 31"),
            ("0xff", "int 255"),
            ("0x", "str 0x"),
            ("0o8", "str 0o8"),
            ("-0x1", "str -0x1"),
            ("0b101", "str 0b101"),
            ("1_000", "str 1_000"),
            ("9223372036854775807", "int 9223372036854775807"),
            ("9223372036854775808", "float 9.223372036854776e18"),
            ("0xFFFFFFFFFFFFFFFF", "float 1.8446744073709552e19"),
            ("1.5", "float 1.5"),
            ("-1.", "float -1.0"),
            (".5", "float 0.5"),
            ("1e3", "float 1000.0"),
            ("1.5E-2", "float 0.015"),
            ("+.5e+1", "float 5.0"),
            (".", "str ."),
            ("1e", "str 1e"),
            ("e3", "str e3"),
            ("1.2.3", "str 1.2.3"),
            ("3.10", "float 3.1"),
            (".inf", "float inf"),
            ("-.Inf", "float -inf"),
            (".NaN", "float NaN"),
            ("inf", "str inf"),
            ("nan", "str nan"),
            ("1e400", "error number `1e400` is out of range"),
            ("v1.0", "str v1.0"),
            ("2024-01-01", "str 2024-01-01"),
        ];
        for (input, expected) in cases {
            assert_eq!(show(input), expected, "{input:?}");
        }
    }

    #[test]
    fn tags() {
        let core = |suffix: &str| Tag {
            handle: "tag:yaml.org,2002:".to_owned(),
            suffix: suffix.to_owned(),
        };
        let plain = ScalarStyle::Plain;
        assert!(matches!(
            resolve("12", plain, Some(&core("str"))),
            Ok(Scalar::Str("12"))
        ));
        assert!(matches!(
            resolve("12", ScalarStyle::DoubleQuoted, Some(&core("int"))),
            Ok(Scalar::Int(12))
        ));
        assert!(
            matches!(resolve("1", plain, Some(&core("float"))), Ok(Scalar::Float(f)) if f == 1.0)
        );
        assert_eq!(
            resolve("x", plain, Some(&core("int"))).err().as_deref(),
            Some("`x` is not a valid `!!int`")
        );
        assert_eq!(
            resolve("1.5", plain, Some(&core("bool"))).err().as_deref(),
            Some("`1.5` is not a valid `!!bool`")
        );
        let custom = Tag {
            handle: "!".to_owned(),
            suffix: "Ref".to_owned(),
        };
        assert!(matches!(
            resolve("12", plain, Some(&custom)),
            Ok(Scalar::Int(12))
        ));
        assert!(matches!(
            resolve("12", ScalarStyle::SingleQuoted, None),
            Ok(Scalar::Str("12"))
        ));
        assert!(matches!(
            resolve("true", ScalarStyle::Literal, None),
            Ok(Scalar::Str("true"))
        ));
        assert!(matches!(
            resolve("", ScalarStyle::DoubleQuoted, None),
            Ok(Scalar::Str(""))
        ));
    }
}
