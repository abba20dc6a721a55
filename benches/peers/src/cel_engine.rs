//! cel: `rules/gha.cel`, one compiled [`cel::Program`] per rule, evaluated against a
//! [`cel::Context`] that holds the document as the variable `input`.
//!
//! The environment is CEL's standard library with the `strings` (`split`) and `lists`
//! (`lists.range`, `flatten`) extensions. The crate is built without its `regex`
//! feature, whose `matches` compiles the pattern on every call; this module declares
//! `matches` instead, over regexes compiled once per pattern and thread.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use cel::common::types::{CelBool, CelString};
use cel::objects::{Key, Value};
use cel::{Context, Env, ExecutionError, Program};

use crate::{Engine, Finding, rule_text, sorted};

thread_local! {
    /// Compiled regexes by pattern.
    static REGEXES: RefCell<HashMap<String, regex::Regex>> = RefCell::new(HashMap::new());
}

/// `s.matches(re)`: the regex matches somewhere in `s` (as CEL's own `matches`), with
/// the compiled regex kept for the next call.
fn matches(this: &CelString<'_>, re: &CelString<'_>) -> Result<CelBool, ExecutionError> {
    REGEXES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(regex) = cache.get(re.inner()) {
            return Ok(CelBool::from(regex.is_match(this.inner())));
        }
        let regex = regex::Regex::new(re.inner())
            .map_err(|e| ExecutionError::function_error("matches", e))?;
        let found = regex.is_match(this.inner());
        cache.insert(re.inner().to_owned(), regex);
        Ok(CelBool::from(found))
    })
}

/// The environment the rules are compiled and run in.
pub fn env() -> Result<Arc<Env>, String> {
    let mut env = Env::stdlib();
    env.add_extension(cel::extensions::strings)
        .map_err(|e| e.to_string())?;
    env.add_extension(cel::extensions::lists)
        .map_err(|e| e.to_string())?;
    cel::add_member_overload!(env, fn matches: (CelString, CelString) -> Result<CelBool>)
        .map_err(|e| e.to_string())?;
    Ok(Arc::new(env))
}

/// Splits `gha.cel` into its rules: each `// rule: NAME` line starts one.
pub fn split_rules(text: &str) -> Vec<(String, String)> {
    let mut rules: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("// rule: ") {
            rules.push((name.trim().to_owned(), String::new()));
        } else if let Some((_, body)) = rules.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    rules
}

/// The rules compiled once.
pub struct Cel {
    env: Arc<Env>,
    rules: Vec<(String, Program)>,
}

impl Cel {
    /// Compiles every rule of `rules/gha.cel`.
    pub fn new() -> Result<Cel, String> {
        let env = env()?;
        let rules = split_rules(&rule_text("gha.cel")?)
            .into_iter()
            .map(|(name, source)| match env.compile(&source) {
                Ok(program) => Ok((name, program)),
                Err(e) => Err(format!("rule {name}: {e}")),
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Cel { env, rules })
    }

    /// The names of the rules, in file order.
    pub fn rule_names(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|(name, _)| name.as_str())
    }
}

fn string_field(map: &cel::objects::Map, key: &str) -> Result<String, String> {
    match map.get(&Key::from(key)) {
        Some(Value::String(s)) => Ok(s.to_string()),
        other => Err(format!("finding field {key} is {other:?}")),
    }
}

impl Engine for Cel {
    /// A context whose variable `input` is the document.
    type Input = Context<'static, 'static>;
    /// Each rule's name and list of findings.
    type Output = Vec<(usize, Value)>;

    fn parse(&self, json: &[u8]) -> Result<Context<'static, 'static>, String> {
        let value: serde_json::Value = serde_json::from_slice(json).map_err(|e| e.to_string())?;
        let mut context = Context::with_env(self.env.clone());
        context
            .add_variable("input", cel::to_value(&value).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        Ok(context)
    }

    fn eval(&mut self, context: &Context<'static, 'static>) -> Result<Vec<(usize, Value)>, String> {
        self.rules
            .iter()
            .enumerate()
            .map(|(i, (name, program))| match program.execute(context) {
                Ok(value) => Ok((i, value)),
                Err(e) => Err(format!("rule {name}: {e}")),
            })
            .collect()
    }

    fn findings(&self, output: &Vec<(usize, Value)>) -> Result<Vec<Finding>, String> {
        let mut findings = Vec::new();
        for (i, value) in output {
            let name = &self.rules[*i].0;
            let Value::List(list) = value else {
                return Err(format!("rule {name} gives {value:?}, not a list"));
            };
            for f in list.iter() {
                let Value::Map(map) = f else {
                    return Err(format!("rule {name} gives {f:?}, not a map"));
                };
                let step = match map.get(&Key::from("step")) {
                    Some(Value::Int(n)) => *n,
                    other => return Err(format!("rule {name}: step is {other:?}")),
                };
                string_field(map, "msg")?;
                findings.push((name.clone(), string_field(map, "job")?, step));
            }
        }
        Ok(sorted(findings))
    }
}
