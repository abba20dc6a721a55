//! Demand analysis: which paths of the input a program can read, so that loading can
//! skip the rest of the document (`Program::demand`, docs/evaluation.md, "Selective
//! loading").
//!
//! Each expression is given the set of input paths its value may be (a value read
//! from the input keeps its place in the document: `step.uses` is
//! `input.jobs.*.steps.*.uses` when `step` comes from `for step in job.steps`). Paths
//! live in a trie; a use of a value marks what of it is read:
//!
//! - reading a field or a literal index goes one step down; a computed index, a `for`
//!   or a quantifier goes to every element;
//! - `type_of`, `len`, `count`, `keys`, `== null`, `!= null` and `at` read the value
//!   itself only (its kind, its length, its keys), which is always loaded;
//! - every other use (comparisons, arithmetic, builtins, conditions, messages, values
//!   put into lists or passed through `values`, `sort`, ...) reads everything below it.
//!
//! Values flow through lets, locals, `??`, `if ... then ... else` and user functions
//! (analysed for each call with the paths of its arguments). The analysis errs on the
//! side of reading more; when it grows too big it gives up and the whole document is
//! loaded. A value read that the analysis missed is not silently wrong: the loader
//! leaves a placeholder there, and reading it fails the evaluation closed.

use pol_bytecode::ShapeNode;
use pol_check::hir::{self, BinaryOp, Callee, Clause, ExprKind, FStringPart};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Expressions visited before the analysis gives up (and everything is loaded).
const BUDGET: usize = 2_000_000;
/// Nodes of the emitted table before giving up.
const MAX_NODES: usize = 1 << 16;
/// Depth of the emitted table before a path is taken whole.
const MAX_DEPTH: usize = 256;

/// The paths of the input a value may be: trie nodes.
type Paths = Vec<usize>;

#[derive(Default)]
struct Node {
    all: bool,
    fields: BTreeMap<String, usize>,
    elements: Option<usize>,
}

struct Analysis<'p> {
    program: &'p hir::Program,
    trie: Vec<Node>,
    lets: Vec<Option<Paths>>,
    calls: HashMap<(hir::FnId, Vec<Paths>), Paths>,
    steps: usize,
}

/// The demand table of a program: empty when everything must be loaded.
pub(crate) fn demand(program: &hir::Program) -> Vec<ShapeNode> {
    let mut a = Analysis {
        program,
        trie: vec![Node::default()],
        lets: vec![None; program.lets.len()],
        calls: HashMap::new(),
        steps: 0,
    };
    for rule in &program.rules {
        a.rule(rule);
    }
    if a.steps > BUDGET {
        return Vec::new();
    }
    emit(&a.trie).unwrap_or_default()
}

impl Analysis<'_> {
    fn child(&mut self, n: usize, name: &str) -> usize {
        let Some(node) = self.trie.get(n) else {
            return n;
        };
        if node.all {
            return n;
        }
        if let Some(&c) = node.fields.get(name) {
            return c;
        }
        let c = self.trie.len();
        self.trie.push(Node::default());
        if let Some(node) = self.trie.get_mut(n) {
            node.fields.insert(name.to_owned(), c);
        }
        c
    }

    fn elements(&mut self, n: usize) -> usize {
        let Some(node) = self.trie.get(n) else {
            return n;
        };
        if node.all {
            return n;
        }
        if let Some(c) = node.elements {
            return c;
        }
        let c = self.trie.len();
        self.trie.push(Node::default());
        if let Some(node) = self.trie.get_mut(n) {
            node.elements = Some(c);
        }
        c
    }

    /// Everything below these paths is read.
    fn deep(&mut self, paths: &Paths) {
        for &n in paths {
            if let Some(node) = self.trie.get_mut(n) {
                node.all = true;
            }
        }
    }

    fn rule(&mut self, rule: &hir::RuleDef) {
        let mut env = vec![Paths::new(); rule.body.locals.len()];
        self.clauses(&mut env, &rule.clauses);
        let message = self.expr(&mut env, &rule.message);
        self.deep(&message);
        if let Some(at) = &rule.at {
            // A finding points at the value: its path and position, always loaded.
            self.expr(&mut env, at);
        }
    }

    fn clauses(&mut self, env: &mut [Paths], clauses: &[Clause]) {
        for clause in clauses {
            match clause {
                Clause::For { key, value, iter } => {
                    let collection = self.expr(env, iter);
                    let elements = collection.iter().map(|&n| self.elements(n)).collect();
                    bind(env, *value, elements);
                    if let Some(key) = key {
                        bind(env, *key, Paths::new());
                    }
                }
                Clause::If(cond) => {
                    let c = self.expr(env, cond);
                    self.deep(&c);
                }
                Clause::Let { local, value } => {
                    let v = self.expr(env, value);
                    bind(env, *local, v);
                }
            }
        }
    }

    /// The paths `e`'s value may be, marking what `e` reads on the way.
    fn expr(&mut self, env: &mut [Paths], e: &hir::Expr) -> Paths {
        self.steps += 1;
        if self.steps > BUDGET {
            return Paths::new();
        }
        match &e.kind {
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Error => Paths::new(),
            ExprKind::FString(parts) => {
                for part in parts {
                    if let FStringPart::Expr(p) = part {
                        let v = self.expr(env, p);
                        self.deep(&v);
                    }
                }
                Paths::new()
            }
            ExprKind::Local(id) => env.get(id.index()).cloned().unwrap_or_default(),
            ExprKind::Let(id) => self.let_paths(*id),
            ExprKind::Input => vec![0],
            // Data is not the input: reading it demands nothing of the document.
            ExprKind::Data => Paths::new(),
            ExprKind::Field { recv, name } => {
                let r = self.expr(env, recv);
                dedup(r.iter().map(|&n| self.child(n, name)).collect())
            }
            ExprKind::Index { recv, index } => {
                let r = self.expr(env, recv);
                if let ExprKind::Str(key) = &index.kind {
                    return dedup(r.iter().map(|&n| self.child(n, key)).collect());
                }
                let i = self.expr(env, index);
                self.deep(&i);
                dedup(r.iter().map(|&n| self.elements(n)).collect())
            }
            ExprKind::Call { callee, args } => {
                let values: Vec<Paths> = args.iter().map(|a| self.expr(env, a)).collect();
                match callee {
                    Callee::Builtin(
                        pol_check::Builtin::Len
                        | pol_check::Builtin::Count
                        | pol_check::Builtin::Keys
                        | pol_check::Builtin::TypeOf,
                    ) => {}
                    Callee::Builtin(_) => values.iter().for_each(|v| self.deep(v)),
                    Callee::User(id) => return self.call(*id, values),
                }
                Paths::new()
            }
            ExprKind::Unary { expr, .. } => {
                let v = self.expr(env, expr);
                self.deep(&v);
                Paths::new()
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(env, *op, lhs, rhs),
            ExprKind::If { cond, then, els } => {
                let c = self.expr(env, cond);
                self.deep(&c);
                let mut v = self.expr(env, then);
                v.extend(self.expr(env, els));
                dedup(v)
            }
            ExprKind::Quantified {
                key,
                value,
                iter,
                cond,
                ..
            } => {
                let collection = self.expr(env, iter);
                let elements = collection.iter().map(|&n| self.elements(n)).collect();
                bind(env, *value, elements);
                if let Some(key) = key {
                    bind(env, *key, Paths::new());
                }
                let c = self.expr(env, cond);
                self.deep(&c);
                Paths::new()
            }
            ExprKind::List(items) | ExprKind::Set(items) => {
                for item in items {
                    let v = self.expr(env, item);
                    self.deep(&v);
                }
                Paths::new()
            }
            ExprKind::Object(pairs) => {
                for (k, v) in pairs {
                    let k = self.expr(env, k);
                    self.deep(&k);
                    let v = self.expr(env, v);
                    self.deep(&v);
                }
                Paths::new()
            }
            ExprKind::ListComp { elem, clauses } | ExprKind::SetComp { elem, clauses } => {
                self.clauses(env, clauses);
                let v = self.expr(env, elem);
                self.deep(&v);
                Paths::new()
            }
            ExprKind::ObjectComp {
                key,
                value,
                clauses,
            } => {
                self.clauses(env, clauses);
                let k = self.expr(env, key);
                self.deep(&k);
                let v = self.expr(env, value);
                self.deep(&v);
                Paths::new()
            }
        }
    }

    fn binary(
        &mut self,
        env: &mut [Paths],
        op: BinaryOp,
        lhs: &hir::Expr,
        rhs: &hir::Expr,
    ) -> Paths {
        let a = self.expr(env, lhs);
        let b = self.expr(env, rhs);
        match op {
            // The value of either side.
            BinaryOp::Coalesce => {
                let mut v = a;
                v.extend(b);
                return dedup(v);
            }
            // A null test reads only whether the value is null.
            BinaryOp::Eq | BinaryOp::Ne
                if matches!(lhs.kind, ExprKind::Null) || matches!(rhs.kind, ExprKind::Null) => {}
            // `x in xs`: `x` whole, and every element of `xs` (or its keys).
            BinaryOp::In | BinaryOp::NotIn => {
                self.deep(&a);
                let elements = b.iter().map(|&n| self.elements(n)).collect();
                self.deep(&elements);
            }
            _ => {
                self.deep(&a);
                self.deep(&b);
            }
        }
        Paths::new()
    }

    fn let_paths(&mut self, id: hir::LetId) -> Paths {
        if let Some(Some(paths)) = self.lets.get(id.index()) {
            return paths.clone();
        }
        let program = self.program;
        let Some(def) = program.let_def(id) else {
            return Paths::new();
        };
        // Lets do not depend on themselves (the checker rejects cycles); the
        // placeholder only keeps a malformed program from looping.
        if let Some(slot) = self.lets.get_mut(id.index()) {
            *slot = Some(Paths::new());
        }
        let mut env = vec![Paths::new(); def.body.locals.len()];
        let v = self.expr(&mut env, &def.value);
        if let Some(slot) = self.lets.get_mut(id.index()) {
            *slot = Some(v.clone());
        }
        v
    }

    fn call(&mut self, id: hir::FnId, args: Vec<Paths>) -> Paths {
        let key = (id, args);
        if let Some(v) = self.calls.get(&key) {
            return v.clone();
        }
        let program = self.program;
        let Some(def) = program.fn_def(id) else {
            return Paths::new();
        };
        let mut env = vec![Paths::new(); def.body.locals.len()];
        for (param, arg) in def.params.iter().zip(&key.1) {
            bind(&mut env, param.local, arg.clone());
        }
        let v = self.expr(&mut env, &def.value);
        self.calls.insert(key, v.clone());
        v
    }
}

fn bind(env: &mut [Paths], id: hir::LocalId, paths: Paths) {
    if let Some(slot) = env.get_mut(id.index()) {
        *slot = paths;
    }
}

fn dedup(mut v: Paths) -> Paths {
    v.sort_unstable();
    v.dedup();
    v
}

/// The trie as a table, the root first and every child after its parent. A table node
/// stands for a set of trie nodes: the value of key `k` under a node needs what the
/// node's field `k` needs and what its elements need. `None` when the table would be
/// too big.
fn emit(trie: &[Node]) -> Option<Vec<ShapeNode>> {
    let mut out: Vec<ShapeNode> = Vec::new();
    // Table nodes to fill: (index in `out`, the trie nodes it stands for, depth).
    let mut queue: std::collections::VecDeque<(usize, BTreeSet<usize>, usize)> =
        std::collections::VecDeque::new();
    out.push(ShapeNode::default());
    queue.push_back((0, BTreeSet::from([0]), 0));
    while let Some((index, set, depth)) = queue.pop_front() {
        let nodes: Vec<&Node> = set.iter().filter_map(|&n| trie.get(n)).collect();
        if depth >= MAX_DEPTH || nodes.iter().any(|n| n.all) {
            if let Some(slot) = out.get_mut(index) {
                slot.all = true;
            }
            continue;
        }
        let elements: BTreeSet<usize> = nodes.iter().filter_map(|n| n.elements).collect();
        let mut keys: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
        for n in &nodes {
            for (k, &c) in &n.fields {
                keys.entry(k.as_str()).or_default().insert(c);
            }
        }
        let mut fields = Vec::with_capacity(keys.len());
        for (k, mut children) in keys {
            children.extend(elements.iter().copied());
            let c = out.len();
            out.push(ShapeNode::default());
            queue.push_back((c, children, depth + 1));
            fields.push((k.to_owned(), u32::try_from(c).ok()?));
        }
        let elements = if elements.is_empty() {
            None
        } else {
            let c = out.len();
            out.push(ShapeNode::default());
            queue.push_back((c, elements, depth + 1));
            Some(u32::try_from(c).ok()?)
        };
        if out.len() > MAX_NODES {
            return None;
        }
        if let Some(slot) = out.get_mut(index) {
            slot.fields = fields;
            slot.elements = elements;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code")]

    use pol_diagnostics::SourceMap;

    /// The demand of a policy, one line per table node: its path and what it needs.
    fn paths(source: &str) -> Vec<String> {
        let mut sources = SourceMap::new();
        let file = sources.add("t.pol", source);
        let (program, diags) = pol_check::check_files(&mut sources, &[file]);
        assert!(!diags.iter().any(|d| d.is_error()), "{diags:#?}");
        let table = super::demand(&program);
        let mut out = Vec::new();
        let mut names = vec![String::from("input")];
        names.resize(table.len(), String::new());
        for (i, node) in table.iter().enumerate() {
            for (k, c) in &node.fields {
                names[*c as usize] = format!("{}.{k}", names[i]);
            }
            if let Some(c) = node.elements {
                names[c as usize] = format!("{}[*]", names[i]);
            }
            if node.all {
                out.push(format!("{} all", names[i]));
            } else if node.fields.is_empty() && node.elements.is_none() {
                out.push(names[i].clone());
            }
        }
        out
    }

    #[test]
    fn a_rule_reads_the_paths_its_loops_and_conditions_reach() {
        let got = paths(
            r#"package p
deny r {
  for job_id, job in input.jobs
  for step in job.steps
  if step.uses.starts_with("./")
  message f"{job_id}: {step.name}"
}"#,
        );
        assert_eq!(
            got,
            [
                "input.jobs[*].steps[*].name all",
                "input.jobs[*].steps[*].uses all"
            ]
        );
    }

    #[test]
    fn kind_length_and_null_tests_read_only_the_value_itself() {
        let got = paths(
            r#"package p
deny r {
  if type_of(input.on) == "object" and len(input.jobs) > 2 and input.name != null
  message "x"
  at input.env
}"#,
        );
        // Each path is loaded, nothing below it.
        assert_eq!(got, ["input.env", "input.jobs", "input.name", "input.on"]);
    }

    #[test]
    fn values_flow_through_lets_functions_and_coalesce() {
        let got = paths(
            r#"package p
let jobs = input.jobs ?? {}
fn first_step(job) = job.steps[0]
deny r {
  for job in jobs
  let step = first_step(job)
  if step.run == "x"
  message "x"
}"#,
        );
        assert_eq!(got, ["input.jobs[*].steps[*].run all"]);
    }

    #[test]
    fn a_field_and_every_element_of_the_same_object_are_merged() {
        let got = paths(
            r#"package p
deny a {
  if input.jobs.build.timeout == 1
  message "x"
}
deny b {
  for job in input.jobs
  if job.name == "n"
  message "y"
}"#,
        );
        assert_eq!(
            got,
            [
                "input.jobs.build.name all",
                "input.jobs.build.timeout all",
                "input.jobs[*].name all"
            ]
        );
    }

    #[test]
    fn a_whole_value_use_reads_everything_below_it() {
        let got = paths(
            r#"package p
deny r {
  if input.spec == {"a": 1} or "x" in input.tags
  message "x"
}"#,
        );
        assert_eq!(got, ["input.spec all", "input.tags[*] all"]);
    }

    #[test]
    fn a_program_that_reads_nothing_loads_only_the_root() {
        assert_eq!(paths("package p\ndeny r {\n  message \"x\"\n}"), ["input"]);
    }
}
