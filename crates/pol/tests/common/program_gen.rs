//! A small grammar-driven generator of random well-formed programs and JSON documents,
//! from a seed: used by the differential tests (`differential.rs`) and the formatter's
//! property test (`fmt.rs`).

use super::Rng;

pub const KEYS: &[&str] = &["a", "b", "c", "name", "items"];
pub const BINARY: &[&str] = &[
    "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "??", "and", "or",
];
pub const BUILTINS: &[(&str, usize)] = &[
    ("len", 1),
    ("lower", 1),
    ("upper", 1),
    ("trim", 1),
    ("starts_with", 2),
    ("ends_with", 2),
    ("contains", 2),
    ("split", 2),
    ("join", 2),
    ("replace", 3),
    ("to_string", 1),
    ("to_int", 1),
    ("to_float", 1),
    ("keys", 1),
    ("values", 1),
    ("count", 1),
    ("sum", 1),
    ("min", 1),
    ("max", 1),
    ("sort", 1),
    ("unique", 1),
    ("flatten", 1),
    ("type_of", 1),
];

/// A generator of random well-formed programs (and JSON documents for them).
pub struct Gen {
    pub rng: Rng,
    /// Whether leaves may be `input` itself.
    bare_input: bool,
    fresh: usize,
    lets: usize,
    fns: usize,
}

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen {
            rng: Rng(seed | 1),
            bare_input: true,
            fresh: 0,
            lets: 0,
            fns: 0,
        }
    }

    fn name(&mut self) -> String {
        self.fresh += 1;
        format!("v{}", self.fresh)
    }

    fn literal(&mut self) -> String {
        match self.rng.below(9) {
            0 => "null".into(),
            1 => self.rng.pick(&["true", "false"]).into(),
            2 | 3 => self
                .rng
                .pick(&["0", "1", "2", "-3", "7", "9223372036854775807"])
                .into(),
            4 => self.rng.pick(&["0.5", "2.0", "-1.5"]).into(),
            5 | 6 => self
                .rng
                .pick(&["\"a\"", "\"b\"", "\"\"", "\"A b\"", "\"a,b\""])
                .into(),
            7 => format!("\"{}\"", self.rng.pick(KEYS)),
            _ => "[]".into(),
        }
    }

    fn leaf(&mut self, scope: &[String], lets_visible: usize) -> String {
        match self.rng.below(10) {
            0..=2 if !scope.is_empty() => scope[self.rng.below(scope.len())].clone(),
            // Half the programs never use `input` whole, so that selective loading
            // has parts of the document to skip.
            3 if self.bare_input => "input".into(),
            3 => format!("input.{}.{}", self.rng.pick(KEYS), self.rng.pick(KEYS)),
            4 | 5 => format!("input.{}", self.rng.pick(KEYS)),
            6 if lets_visible > 0 => format!("l{}", self.rng.below(lets_visible)),
            _ => self.literal(),
        }
    }

    fn expr(&mut self, scope: &[String], depth: usize, lets_visible: usize) -> String {
        if depth == 0 || self.rng.chance(30) {
            return self.leaf(scope, lets_visible);
        }
        let d = depth - 1;
        match self.rng.below(14) {
            0 => format!(
                "{}.{}",
                self.expr(scope, d, lets_visible),
                self.rng.pick(KEYS)
            ),
            1 => format!(
                "{}[{}]",
                self.expr(scope, d, lets_visible),
                self.rng.pick(&["0", "1", "-1", "\"a\""])
            ),
            2 => format!("(not {})", self.expr(scope, d, lets_visible)),
            3 => format!("(-{})", self.expr(scope, d, lets_visible)),
            4 | 5 => {
                let op = self.rng.pick(BINARY);
                format!(
                    "({} {op} {})",
                    self.expr(scope, d, lets_visible),
                    self.expr(scope, d, lets_visible)
                )
            }
            6 => format!(
                "(if {} then {} else {})",
                self.expr(scope, d, lets_visible),
                self.expr(scope, d, lets_visible),
                self.expr(scope, d, lets_visible)
            ),
            7 => {
                let q = self.rng.pick(&["any", "all"]);
                let iter = self.expr(scope, d, lets_visible);
                let v = self.name();
                let mut inner = scope.to_vec();
                inner.push(v.clone());
                format!(
                    "({q} {v} in {iter}: {})",
                    self.expr(&inner, d, lets_visible)
                )
            }
            8 => format!(
                "[{}, {}]",
                self.expr(scope, d, lets_visible),
                self.expr(scope, d, lets_visible)
            ),
            9 => format!(
                "{{{}, {}}}",
                self.expr(scope, d, lets_visible),
                self.expr(scope, d, lets_visible)
            ),
            10 => format!(
                "{{\"{}\": {}}}",
                self.rng.pick(KEYS),
                self.expr(scope, d, lets_visible)
            ),
            11 => {
                let iter = self.expr(scope, d, lets_visible);
                let v = self.name();
                let mut inner = scope.to_vec();
                inner.push(v.clone());
                let elem = self.expr(&inner, d, lets_visible);
                let cond = self.expr(&inner, d, lets_visible);
                match self.rng.below(3) {
                    0 => format!("[{elem} for {v} in {iter} if {cond}]"),
                    1 => format!("{{{elem} for {v} in {iter}}}"),
                    _ => format!("{{to_string({v}): {elem} for {v} in {iter}}}"),
                }
            }
            12 if self.fns > 0 => {
                let f = self.rng.below(self.fns);
                format!(
                    "f{f}({}, {})",
                    self.expr(scope, d, lets_visible),
                    self.expr(scope, d, lets_visible)
                )
            }
            _ => {
                let (name, arity) = BUILTINS[self.rng.below(BUILTINS.len())];
                let args: Vec<String> = (0..arity)
                    .map(|_| self.expr(scope, d, lets_visible))
                    .collect();
                format!("{name}({})", args.join(", "))
            }
        }
    }

    pub fn program(&mut self) -> String {
        let mut src = String::from("package gen\n\n");
        self.bare_input = self.rng.chance(50);
        self.lets = self.rng.below(3);
        for i in 0..self.lets {
            let value = self.expr(&[], 3, i);
            src.push_str(&format!("let l{i} = {value}\n"));
        }
        let fns = self.rng.below(2);
        for i in 0..fns {
            let scope = vec!["p0".to_owned(), "p1".to_owned()];
            let body = self.expr(&scope, 3, self.lets);
            src.push_str(&format!("fn f{i}(p0, p1) = {body}\n"));
            self.fns = i + 1;
        }
        // Loop heads that several rules begin with, so that loop fusion has rules to
        // fuse: a part of the input, then a field of its values.
        let outer = format!("input.{}", self.rng.pick(KEYS));
        let inner = self.rng.pick(KEYS);
        for r in 0..1 + self.rng.below(4) {
            let kind = self.rng.pick(&["deny", "warn"]);
            src.push_str(&format!("\n{kind} r{r} {{\n"));
            let mut scope: Vec<String> = Vec::new();
            if self.rng.chance(60) {
                if self.rng.chance(30) {
                    src.push_str(&format!("  if {}\n", self.expr(&scope, 2, self.lets)));
                }
                let v = self.name();
                if self.rng.chance(50) {
                    let k = self.name();
                    src.push_str(&format!("  for {k}, {v} in {outer}\n"));
                    scope.push(k);
                } else {
                    src.push_str(&format!("  for {v} in {outer}\n"));
                }
                scope.push(v.clone());
                if self.rng.chance(60) {
                    let w = self.name();
                    let k = self.name();
                    src.push_str(&format!("  for {k}, {w} in {v}.{inner}\n"));
                    scope.push(k);
                    scope.push(w);
                }
            }
            for _ in 0..self.rng.below(4) {
                match self.rng.below(3) {
                    0 => {
                        let iter = self.expr(&scope, 2, self.lets);
                        let v = self.name();
                        if self.rng.chance(40) {
                            let k = self.name();
                            src.push_str(&format!("  for {k}, {v} in {iter}\n"));
                            scope.push(k);
                        } else {
                            src.push_str(&format!("  for {v} in {iter}\n"));
                        }
                        scope.push(v);
                    }
                    1 => src.push_str(&format!("  if {}\n", self.expr(&scope, 3, self.lets))),
                    _ => {
                        let value = self.expr(&scope, 3, self.lets);
                        let v = self.name();
                        src.push_str(&format!("  let {v} = {value}\n"));
                        scope.push(v);
                    }
                }
            }
            let part = self.expr(&scope, 2, self.lets);
            src.push_str(&format!("  message f\"r{r}: {{ {part} }}\""));
            if self.rng.chance(50) {
                src.push_str(&format!(" at {}", self.expr(&scope, 2, self.lets)));
            }
            src.push_str("\n}\n");
        }
        src
    }

    pub fn json(&mut self, depth: usize) -> String {
        let scalar = |g: &mut Gen| -> String {
            match g.rng.below(7) {
                0 => "null".into(),
                1 => g.rng.pick(&["true", "false"]).into(),
                2 => g.rng.pick(&["0", "1", "2", "-5", "3.5"]).into(),
                _ => format!(
                    "\"{}\"",
                    g.rng
                        .pick(&["a", "b", "A b", "a,b", "", "name", "items", "7"])
                ),
            }
        };
        if depth == 0 {
            return scalar(self);
        }
        match self.rng.below(3) {
            0 => scalar(self),
            1 => {
                let items: Vec<String> = (0..self.rng.below(4))
                    .map(|_| self.json(depth - 1))
                    .collect();
                format!("[{}]", items.join(", "))
            }
            _ => {
                let mut keys: Vec<&str> = KEYS.to_vec();
                let n = self.rng.below(keys.len() + 1);
                let mut entries = Vec::new();
                for _ in 0..n {
                    let k = keys.remove(self.rng.below(keys.len()));
                    entries.push(format!("\"{k}\": {}", self.json(depth - 1)));
                }
                format!("{{{}}}", entries.join(", "))
            }
        }
    }
}
