//! `from_json(s)`: a JSON text (a policy document inside a Terraform plan, an
//! annotation holding JSON) read into a computed value.

use crate::meter::{Meter, VALUE_BYTES};
use crate::ops::{Fault, LIMIT};
use crate::value::Value;

/// Reads `text` as one JSON value: objects become objects (keys sorted, the last of a
/// repeated key kept), arrays lists, numbers ints when they are integers that fit in
/// 64 bits and floats otherwise. Text that is not JSON is a runtime error; nesting is
/// bounded by the parser (128 levels), and what is built is charged to `meter`.
pub(crate) fn from_json(text: &str, meter: &Meter) -> Result<Value, Fault> {
    if !meter.charge_bytes(text.len()) {
        return Err(LIMIT.to_owned());
    }
    let parsed: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("`from_json`: the text is not JSON: {e}"))?;
    convert(&parsed, meter)
}

pub(crate) fn convert(v: &serde_json::Value, meter: &Meter) -> Result<Value, Fault> {
    use serde_json::Value as J;
    let built = |bytes: usize| {
        if meter.alloc(bytes) {
            Ok(())
        } else {
            Err(LIMIT.to_owned())
        }
    };
    Ok(match v {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => {
            built(s.len())?;
            Value::str(s)
        }
        // The parser nests at most 128 levels: the recursion is bounded.
        J::Array(items) => {
            built(items.len() * VALUE_BYTES)?;
            Value::list(
                items
                    .iter()
                    .map(|i| convert(i, meter))
                    .collect::<Result<_, _>>()?,
            )
        }
        J::Object(map) => {
            built(map.len() * 2 * VALUE_BYTES)?;
            // `serde_json::Map` is sorted by key: the order of a computed object.
            let entries = map
                .iter()
                .map(|(k, v)| Ok((std::rc::Rc::new(k.clone()), convert(v, meter)?)))
                .collect::<Result<_, Fault>>()?;
            Value::object(entries)
        }
    })
}
