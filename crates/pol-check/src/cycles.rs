//! The recursion check: lets and functions must not depend on themselves, directly or
//! through others (E0104), so that every program terminates.

use crate::hir::{DefInfo, FnId, LetId, Program};
use crate::scope::{Dep, Node};
use pol_diagnostics::{Code, Diagnostic, Span};
use std::collections::{BTreeMap, VecDeque};

/// The dependency graph: for each let and function, what it uses and where.
struct Graph<'p> {
    program: &'p Program,
    edges: BTreeMap<Node, Vec<Dep>>,
}

/// Reports each cycle of lets and functions once (one diagnostic per strongly
/// connected component), at its first member in source order.
pub(crate) fn check(
    program: &Program,
    let_deps: &[Vec<Dep>],
    fn_deps: &[Vec<Dep>],
    diags: &mut Vec<Diagnostic>,
) {
    let mut edges = BTreeMap::new();
    for (i, deps) in let_deps.iter().enumerate() {
        edges.insert(Node::Let(LetId::from_index(i)), deps.clone());
    }
    for (i, deps) in fn_deps.iter().enumerate() {
        edges.insert(Node::Fn(FnId::from_index(i)), deps.clone());
    }
    let graph = Graph { program, edges };
    let components = graph.components();
    for component in &components {
        if let Some(d) = graph.report(component) {
            diags.push(d);
        }
    }
    if components.is_empty()
        && let Some(d) = graph.too_deep()
    {
        diags.push(d);
    }
}

/// How long a chain of lets and functions, each using the next, may be. Computing
/// the first of a longer one nests evaluation deeper than the VM's call depth (256),
/// and every pass of the compiler that follows lets into lets recurses as deep.
pub const MAX_DEPENDENCY_DEPTH: usize = 256;

impl Graph<'_> {
    fn targets(&self, node: Node) -> impl Iterator<Item = &Dep> {
        self.edges.get(&node).into_iter().flatten()
    }

    fn info(&self, node: Node) -> Option<&DefInfo> {
        match node {
            Node::Let(id) => self.program.let_def(id).map(|d| &d.info),
            Node::Fn(id) => self.program.fn_def(id).map(|d| &d.info),
        }
    }

    /// The strongly connected components that hold a cycle (Tarjan's algorithm,
    /// iterative so that long chains cannot overflow the stack).
    fn components(&self) -> Vec<Vec<Node>> {
        let mut t = Tarjan::default();
        for &node in self.edges.keys() {
            if !t.index.contains_key(&node) {
                t.run(self, node);
            }
        }
        t.found
            .retain(|c| c.len() > 1 || c.iter().any(|&n| self.targets(n).any(|d| d.node == n)));
        t.found
    }

    /// The diagnostic for the first definition (in source order) that starts a chain of
    /// dependencies longer than [`MAX_DEPENDENCY_DEPTH`]; the graph has no cycle. Depths
    /// are computed without recursion (a chain may be 20,000 long).
    fn too_deep(&self) -> Option<Diagnostic> {
        let mut depth: BTreeMap<Node, usize> = BTreeMap::new();
        for &root in self.edges.keys() {
            let mut stack = vec![(root, false)];
            while let Some((node, expanded)) = stack.pop() {
                if depth.contains_key(&node) {
                    continue;
                }
                if expanded {
                    let below = self
                        .targets(node)
                        .filter_map(|d| depth.get(&d.node))
                        .max()
                        .copied()
                        .unwrap_or(0);
                    depth.insert(node, below + 1);
                } else {
                    stack.push((node, true));
                    for dep in self.targets(node) {
                        if !depth.contains_key(&dep.node) {
                            stack.push((dep.node, false));
                        }
                    }
                }
            }
        }
        let (node, info) = depth
            .iter()
            .filter(|&(_, &d)| d > MAX_DEPENDENCY_DEPTH)
            .filter_map(|(&n, _)| Some((n, self.info(n)?)))
            .min_by_key(|(_, i)| position(i.name_span))?;
        let chain = depth.get(&node).copied().unwrap_or(0);
        Some(
            Diagnostic::error(
                Code::DependencyTooDeep,
                info.name_span,
                format!(
                    "`{}` starts a chain of {chain} lets and functions, each using the next; at most {MAX_DEPENDENCY_DEPTH} are allowed",
                    info.name
                ),
            )
            .with_label("depends too deeply")
            .with_help("computing it would nest evaluation deeper than pol allows; compute intermediate values with fewer steps, or collect them in a list"),
        )
    }

    /// The diagnostic for one cycle: the shortest way from its first member back to it.
    fn report(&self, component: &[Node]) -> Option<Diagnostic> {
        let start = *component
            .iter()
            .min_by_key(|&&n| self.info(n).map(|i| position(i.name_span)))?;
        let path = self.shortest_cycle(start, component)?;
        let qualify = path
            .iter()
            .any(|d| self.info(d.node).map(|i| i.package) != self.info(start).map(|i| i.package));
        let name = |n: Node| {
            self.info(n).map_or_else(String::new, |i| {
                if qualify {
                    i.qualified.clone()
                } else {
                    i.name.clone()
                }
            })
        };
        let mut names = vec![name(start)];
        names.extend(path.iter().map(|d| name(d.node)));
        let first = self.info(start)?;
        let mut d = Diagnostic::error(
            Code::Recursion,
            first.name_span,
            format!("`{}` depends on itself: `{}`", name(start), names.join(" -> ")),
        )
        .with_label("recursive definition")
        .with_help("pol programs always terminate, so lets and functions cannot be recursive; iterate over the data with `for`, `any`, `all` or a comprehension instead");
        let mut from = start;
        for step in &path {
            let verb = if matches!(step.node, Node::Fn(_)) {
                "calls"
            } else {
                "uses"
            };
            d = d.with_secondary(
                step.span,
                format!("`{}` {verb} `{}` here", name(from), name(step.node)),
            );
            from = step.node;
        }
        Some(d)
    }

    /// The shortest path of edges from `start` back to `start` inside `component`.
    fn shortest_cycle(&self, start: Node, component: &[Node]) -> Option<Vec<Dep>> {
        let mut came_from: BTreeMap<Node, (Node, Dep)> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            for dep in self.targets(node) {
                if dep.node == start {
                    return Some(unwind(&came_from, start, node, *dep));
                }
                if component.contains(&dep.node) && !came_from.contains_key(&dep.node) {
                    came_from.insert(dep.node, (node, *dep));
                    queue.push_back(dep.node);
                }
            }
        }
        None
    }
}

/// The edges from `start` to `last`, followed by `closing` (from `last` to `start`).
fn unwind(
    came_from: &BTreeMap<Node, (Node, Dep)>,
    start: Node,
    last: Node,
    closing: Dep,
) -> Vec<Dep> {
    let mut path = vec![closing];
    let mut at = last;
    while at != start {
        let Some(&(prev, dep)) = came_from.get(&at) else {
            break;
        };
        path.push(dep);
        at = prev;
    }
    path.reverse();
    path
}

fn position(span: Span) -> (u32, u32) {
    (span.file.0, span.start)
}

/// The state of Tarjan's strongly connected components algorithm.
#[derive(Default)]
struct Tarjan {
    index: BTreeMap<Node, usize>,
    low: BTreeMap<Node, usize>,
    stack: Vec<Node>,
    on_stack: std::collections::BTreeSet<Node>,
    found: Vec<Vec<Node>>,
}

impl Tarjan {
    fn visit(&mut self, node: Node) {
        let i = self.index.len();
        self.index.insert(node, i);
        self.low.insert(node, i);
        self.stack.push(node);
        self.on_stack.insert(node);
    }

    fn lower(&mut self, node: Node, to: usize) {
        if let Some(low) = self.low.get_mut(&node) {
            *low = (*low).min(to);
        }
    }

    fn run(&mut self, graph: &Graph<'_>, root: Node) {
        // Each frame: a node and how many of its edges were followed.
        let mut frames: Vec<(Node, usize)> = vec![(root, 0)];
        self.visit(root);
        while let Some(&mut (node, ref mut next)) = frames.last_mut() {
            let target = graph.targets(node).nth(*next).map(|d| d.node);
            *next += 1;
            match target {
                Some(t) if !self.index.contains_key(&t) => {
                    self.visit(t);
                    frames.push((t, 0));
                }
                Some(t) if self.on_stack.contains(&t) => {
                    let ti = self.index.get(&t).copied().unwrap_or(usize::MAX);
                    self.lower(node, ti);
                }
                Some(_) => {}
                None => {
                    frames.pop();
                    self.finish(node);
                    if let Some(&(parent, _)) = frames.last() {
                        let low = self.low.get(&node).copied().unwrap_or(usize::MAX);
                        self.lower(parent, low);
                    }
                }
            }
        }
    }

    /// Pops the component rooted at `node`, if it is a root.
    fn finish(&mut self, node: Node) {
        if self.low.get(&node) != self.index.get(&node) {
            return;
        }
        let mut component = Vec::new();
        while let Some(n) = self.stack.pop() {
            self.on_stack.remove(&n);
            component.push(n);
            if n == node {
                break;
            }
        }
        self.found.push(component);
    }
}
