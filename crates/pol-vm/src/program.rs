//! `LoadedProgram`: a validated bytecode program with its regexes and globs compiled, ready
//! to be evaluated from many threads at once.

use crate::builtins::{compile_glob, compile_regex};
use pol_bytecode::{DecodeError, validate};

/// A program ready to run: `Send + Sync`, shared by any number of [`Evaluator`]s.
///
/// [`Evaluator`]: crate::Evaluator
#[derive(Debug, Clone)]
pub struct LoadedProgram {
    pub(crate) code: pol_bytecode::Program,
    /// Regexes, compiled on first use (a Unicode class repeated many times can take
    /// milliseconds to compile, and a program may never need it); their syntax is
    /// checked when the program is loaded.
    /// With each, a finder of a literal every match contains, when one is known
    /// (`required.rs`): a string without it is no match.
    /// Indexed like `code.regexes`, which holds their patterns.
    pub(crate) regexes: Vec<std::sync::OnceLock<Result<CompiledRegex, String>>>,
    pub(crate) globs: Vec<regex::bytes::Regex>,
    pub(crate) index: crate::index::RuleIndex,
    /// Constant sets and lists of strings as hash sets, by constant index (for
    /// `in_const`); `None` for other constants.
    pub(crate) string_sets: Vec<Option<rustc_hash::FxHashSet<String>>>,
    /// A substring finder for each string constant, by constant index (for
    /// `str_const` `contains` and `split_part`), built on first use.
    finders: Vec<std::sync::OnceLock<Option<memchr::memmem::Finder<'static>>>>,
    /// What the program can read of its input (from `demand`), for selective loading.
    pub(crate) shape: pol_facts::Shape,
    /// For a program some of whose rules read the inputs' comments, the same shape
    /// without them; and which rules can read them (call `comment`, themselves or
    /// through a let or function): an evaluator whose enabled rules cannot loads its
    /// documents without finding their comments.
    pub(crate) shape_no_comments: Option<pol_facts::Shape>,
    pub(crate) comment_rules: Vec<bool>,
    /// The group of fused rules each rule is in, if any (from `groups`).
    rule_groups: Vec<Option<u32>>,
    /// The kinds of document root every rule accepts (`RuleInfo::input_kinds`): on
    /// those, no rule needs its kind checked.
    pub(crate) accepted_roots: u8,
    /// The kinds of document some rule is restricted to (`RuleInfo::doc_kinds`),
    /// each once; empty when every rule runs on every document.
    kind_names: Vec<String>,
    /// Each rule's kinds, as indexes into `kind_names` (empty: every kind), so that an
    /// evaluation compares the document's kind as a number, once per rule.
    rule_kinds: Vec<Box<[u32]>>,
    /// The SHA-256 of the program's `.polc` file: of the bytes it was loaded from, or
    /// computed (by encoding it) when first asked for.
    digest: std::sync::OnceLock<pol_bytecode::Digest>,
    /// The bytes of a program built into the binary ([`LoadedProgram::from_built_in`]),
    /// whose digest is computed only when asked for.
    built_in: Option<&'static [u8]>,
}

/// A regex compiled on first use, with the finder of the literal every match
/// contains, if one is known.
pub(crate) type CompiledRegex = (regex::Regex, Option<memchr::memmem::Finder<'static>>);

/// Why a compiled program could not be loaded. Each names what is wrong, so that a
/// caller can tell a file that is not a program (or of another version) from a damaged
/// or hostile one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProgramLoadError {
    /// The `.polc` bytes do not decode: not a program, another format version,
    /// truncated, damaged (see [`DecodeError`]).
    Decode(DecodeError),
    /// The program breaks an invariant the VM relies on (an operand out of range, ...).
    Invalid(pol_bytecode::ValidationError),
    /// A regex of the program does not parse.
    Regex {
        /// The pattern.
        pattern: String,
        /// Why.
        error: String,
    },
    /// A glob of the program does not compile.
    Glob {
        /// The pattern.
        pattern: String,
        /// Why.
        error: String,
    },
    /// The table of what the program reads of its input is malformed.
    Shape(String),
    /// A constant collection nests deeper than a value may ([`crate::MAX_VALUE_DEPTH`]).
    ConstantTooDeep,
}

impl std::fmt::Display for ProgramLoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProgramLoadError::Decode(e) => write!(f, "{e}"),
            ProgramLoadError::Invalid(e) => write!(f, "invalid program: {e}"),
            ProgramLoadError::Regex { pattern, error } => {
                write!(f, "invalid regex {pattern:?} in program: {error}")
            }
            ProgramLoadError::Glob { pattern, error } => {
                write!(f, "invalid glob {pattern:?} in program: {error}")
            }
            ProgramLoadError::Shape(e) => write!(f, "invalid program: {e}"),
            ProgramLoadError::ConstantTooDeep => write!(
                f,
                "invalid program: a constant nests more than {} deep",
                crate::MAX_VALUE_DEPTH
            ),
        }
    }
}

impl std::error::Error for ProgramLoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProgramLoadError::Decode(e) => Some(e),
            ProgramLoadError::Invalid(e) => Some(e),
            _ => None,
        }
    }
}

impl From<DecodeError> for ProgramLoadError {
    fn from(e: DecodeError) -> ProgramLoadError {
        ProgramLoadError::Decode(e)
    }
}

impl LoadedProgram {
    /// Validates a program and compiles its patterns.
    pub fn new(code: pol_bytecode::Program) -> Result<LoadedProgram, ProgramLoadError> {
        validate(&code).map_err(ProgramLoadError::Invalid)?;
        LoadedProgram::from_validated(code)
    }

    /// [`LoadedProgram::new`] for a program that passed [`validate`] already
    /// ([`pol_bytecode::decode`] validates what it decodes).
    fn from_validated(code: pol_bytecode::Program) -> Result<LoadedProgram, ProgramLoadError> {
        // Each regex's syntax is checked now, so that a bad one is a load error; it is
        // compiled on first use.
        for p in &code.regexes {
            if let Err(e) = regex_syntax::Parser::new().parse(p) {
                return Err(ProgramLoadError::Regex {
                    pattern: p.clone(),
                    error: e.to_string(),
                });
            }
        }
        LoadedProgram::from_parts(code)
    }

    /// The tables of a program whose regexes are known to parse.
    fn from_parts(code: pol_bytecode::Program) -> Result<LoadedProgram, ProgramLoadError> {
        constant_depths(&code.consts)?;
        let regexes = code
            .regexes
            .iter()
            .map(|_| std::sync::OnceLock::new())
            .collect();
        let globs = code
            .globs
            .iter()
            .map(|p| {
                compile_glob(p).map_err(|error| ProgramLoadError::Glob {
                    pattern: p.clone(),
                    error,
                })
            })
            .collect::<Result<_, _>>()?;
        let index = crate::index::RuleIndex::new(&code);
        let string_sets = string_sets(&code);
        let finders = code
            .consts
            .iter()
            .map(|_| std::sync::OnceLock::new())
            .collect();
        let shape = if code.demand.is_empty() {
            pol_facts::Shape::everything()
        } else {
            pol_facts::Shape::from_nodes(code.demand.clone()).map_err(ProgramLoadError::Shape)?
        };
        // Documents keep their comments only for a program that reads them.
        let comment_rules = comment_rules(&code);
        let (shape, shape_no_comments) = if comment_rules.contains(&true) {
            let without = shape.clone().without_comments();
            (shape, Some(without))
        } else {
            (shape.without_comments(), None)
        };
        // Validation made sure each rule is in at most one group.
        let mut rule_groups = vec![None; code.rules.len()];
        for (g, group) in code.groups.iter().enumerate() {
            for &r in &group.rules {
                if let Some(slot) = rule_groups.get_mut(r as usize) {
                    *slot = u32::try_from(g).ok();
                }
            }
        }
        let accepted_roots = code
            .rules
            .iter()
            .map(|r| {
                if r.input_kinds == 0 {
                    u8::MAX
                } else {
                    r.input_kinds
                }
            })
            .fold(u8::MAX, |all, kinds| all & kinds);
        let mut kind_names: Vec<String> = Vec::new();
        let rule_kinds = code
            .rules
            .iter()
            .map(|r| {
                r.doc_kinds
                    .iter()
                    .map(|k| {
                        let i = kind_names.iter().position(|n| n == k).unwrap_or_else(|| {
                            kind_names.push(k.clone());
                            kind_names.len() - 1
                        });
                        u32::try_from(i).unwrap_or(u32::MAX)
                    })
                    .collect()
            })
            .collect();
        Ok(LoadedProgram {
            kind_names,
            rule_kinds,
            digest: std::sync::OnceLock::new(),
            accepted_roots,
            code,
            regexes,
            globs,
            index,
            string_sets,
            finders,
            shape,
            shape_no_comments,
            comment_rules,
            built_in: None,
            rule_groups,
        })
    }

    /// Whether some rule runs on documents of some kinds only.
    pub(crate) fn has_kinds(&self) -> bool {
        !self.kind_names.is_empty()
    }

    /// The number of a kind of document among the program's (`None`: no rule is of
    /// that kind, or the document has none).
    pub(crate) fn kind_id(&self, kind: Option<&str>) -> Option<u32> {
        let kind = kind?;
        let i = self.kind_names.iter().position(|n| n == kind)?;
        u32::try_from(i).ok()
    }

    /// Whether rule `rule` runs on a document of kind number `kind` (see
    /// [`LoadedProgram::kind_id`]): a rule without kinds runs on every document.
    pub(crate) fn rule_applies(&self, rule: usize, kind: Option<u32>) -> bool {
        self.rule_kinds
            .get(rule)
            .is_none_or(|ks| ks.is_empty() || kind.is_some_and(|k| ks.contains(&k)))
    }

    /// The substring finder of string constant `k`.
    #[inline]
    pub(crate) fn finder(&self, k: usize) -> Option<&memchr::memmem::Finder<'static>> {
        self.finders
            .get(k)?
            .get_or_init(|| match self.code.consts.get(k) {
                Some(pol_bytecode::Const::Str(s)) => {
                    Some(memchr::memmem::Finder::new(s.as_bytes()).into_owned())
                }
                _ => None,
            })
            .as_ref()
    }

    /// The group of fused rules rule `rule` is in, if any.
    #[inline]
    pub(crate) fn rule_group(&self, rule: usize) -> Option<usize> {
        self.rule_groups
            .get(rule)
            .copied()
            .flatten()
            .map(|g| g as usize)
    }

    /// What the program can read of its input: load documents with
    /// `pol_facts::load_shaped` and this shape to skip the rest (see
    /// docs/evaluation.md, "Selective loading"). Such a document is only for this
    /// program: a rule of another that reads a skipped value fails closed.
    pub fn shape(&self) -> &pol_facts::Shape {
        &self.shape
    }

    /// [`LoadedProgram::shape`] for an evaluator that runs only the rules not
    /// `disabled` (indexed like the program's rules; empty: every rule): without the
    /// comments when none of them can read one.
    pub(crate) fn shape_for(&self, disabled: &[bool]) -> &pol_facts::Shape {
        let reads = self
            .comment_rules
            .iter()
            .enumerate()
            .any(|(r, &reads)| reads && !disabled.get(r).copied().unwrap_or(false));
        if reads {
            &self.shape
        } else {
            self.shape_no_comments.as_ref().unwrap_or(&self.shape)
        }
    }

    /// Loads a program from `.polc` bytes (see `pol_bytecode::decode`).
    pub fn from_bytes(bytes: &[u8]) -> Result<LoadedProgram, ProgramLoadError> {
        // `decode` validates the program: it is not validated twice.
        let program = LoadedProgram::from_validated(pol_bytecode::decode(bytes)?)?;
        let _ = program.digest.set(pol_bytecode::Digest::of(bytes));
        Ok(program)
    }

    /// Loads a program built into the binary (`include_bytes!` of a `.polc` file that
    /// a test keeps equal to its compiled sources, as pol's shipped packs): neither its
    /// digest nor the program is checked, and its regexes are only parsed when first
    /// used, which saves a run's start-up about a millisecond. Never for bytes from
    /// outside: use [`LoadedProgram::from_bytes`].
    pub fn from_built_in(bytes: &'static [u8]) -> Result<LoadedProgram, ProgramLoadError> {
        let mut program = LoadedProgram::from_parts(pol_bytecode::decode_built_in(bytes)?)?;
        program.built_in = Some(bytes);
        Ok(program)
    }

    /// The SHA-256 digest that names the program: of the `.polc` file it was loaded
    /// from, or of the file it would be written to (the same for every file `pol build`
    /// writes). Computed once.
    pub fn digest(&self) -> pol_bytecode::Digest {
        *self.digest.get_or_init(|| match self.built_in {
            Some(bytes) => pol_bytecode::Digest::of(bytes),
            None => self.code.digest(),
        })
    }

    /// The program as `.polc` bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        pol_bytecode::encode(&self.code)
    }

    /// Regex `index`, compiled on first use, with the finder of its required literal.
    pub(crate) fn regex(&self, index: usize) -> Result<&CompiledRegex, String> {
        let (Some(pattern), Some(cell)) = (self.code.regexes.get(index), self.regexes.get(index))
        else {
            return Err("unknown regex".to_owned());
        };
        cell.get_or_init(|| {
            let regex = compile_regex(pattern)?;
            let required = regex_syntax::Parser::new()
                .parse(pattern)
                .ok()
                .and_then(|hir| crate::required::required_literal(&hir))
                .map(|lit| memchr::memmem::Finder::new(&lit).into_owned());
            Ok((regex, required))
        })
        .as_ref()
        .map_err(|e| format!("invalid regular expression {pattern:?}: {e}"))
    }

    /// Whether regex `index` matches `text`; its errors are those of
    /// [`LoadedProgram::regex`]. A text without the literal every match contains is no
    /// match, without running the regex.
    pub(crate) fn is_match(&self, index: usize, text: &str) -> Result<bool, String> {
        let (regex, required) = self.regex(index)?;
        if let Some(finder) = required
            && finder.find(text.as_bytes()).is_none()
        {
            return Ok(false);
        }
        Ok(regex.is_match(text))
    }

    /// The bytecode.
    pub fn bytecode(&self) -> &pol_bytecode::Program {
        &self.code
    }
}

/// Checks that no constant collection nests deeper than a value may
/// ([`crate::MAX_VALUE_DEPTH`]): constants refer to the constants before them, so a
/// hostile program could nest one a million deep in a few megabytes.
fn constant_depths(consts: &[pol_bytecode::Const]) -> Result<(), ProgramLoadError> {
    use pol_bytecode::Const;
    let mut depths: Vec<usize> = Vec::with_capacity(consts.len());
    for c in consts {
        let of = |i: &u32| depths.get(*i as usize).copied().unwrap_or(0);
        let depth = match c {
            Const::List(items) | Const::Set(items) => 1 + items.iter().map(of).max().unwrap_or(0),
            Const::Object(entries) => 1 + entries.iter().map(|(_, v)| of(v)).max().unwrap_or(0),
            _ => 0,
        };
        if depth > crate::MAX_VALUE_DEPTH {
            return Err(ProgramLoadError::ConstantTooDeep);
        }
        depths.push(depth);
    }
    Ok(())
}

/// The constants that are sets or lists of strings only, as hash sets.
fn string_sets(code: &pol_bytecode::Program) -> Vec<Option<rustc_hash::FxHashSet<String>>> {
    use pol_bytecode::Const;
    let text = |i: &u32| match code.consts.get(*i as usize) {
        Some(Const::Str(s)) => Some(s.clone()),
        _ => None,
    };
    code.consts
        .iter()
        .map(|c| match c {
            Const::Set(items) | Const::List(items) => items
                .iter()
                .map(text)
                .collect::<Option<rustc_hash::FxHashSet<String>>>(),
            _ => None,
        })
        .collect()
}

/// For each rule, whether it can call `comment`: in its own chunk, or in a let or
/// function it reaches (a fixed point over the calls, which may form cycles).
fn comment_rules(code: &pol_bytecode::Program) -> Vec<bool> {
    use pol_bytecode::{BuiltinOp, Instr};
    let callees = |chunk: &pol_bytecode::Chunk| -> Vec<usize> {
        chunk
            .code
            .iter()
            .filter_map(|i| match i {
                Instr::Call { func, .. } => {
                    code.functions.get(func.index()).map(|f| f.chunk as usize)
                }
                Instr::GetLet { id, .. } => code.lets.get(id.index()).map(|l| l.chunk as usize),
                _ => None,
            })
            .collect()
    };
    let mut reads: Vec<bool> = code
        .chunks
        .iter()
        .map(|c| {
            c.code.iter().any(|i| {
                matches!(
                    i,
                    Instr::CallBuiltin {
                        builtin: BuiltinOp::Comment,
                        ..
                    }
                )
            })
        })
        .collect();
    if !reads.contains(&true) {
        // No chunk calls `comment`: no rule reaches one (most programs).
        return vec![false; code.rules.len()];
    }
    let calls: Vec<Vec<usize>> = code.chunks.iter().map(callees).collect();
    let mut changed = true;
    while changed {
        changed = false;
        for (c, callees) in calls.iter().enumerate() {
            if !reads.get(c).copied().unwrap_or(true)
                && callees
                    .iter()
                    .any(|&k| reads.get(k).copied().unwrap_or(false))
            {
                if let Some(r) = reads.get_mut(c) {
                    *r = true;
                }
                changed = true;
            }
        }
    }
    code.rules
        .iter()
        .map(|r| reads.get(r.chunk as usize).copied().unwrap_or(false))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_are_checked_at_load_and_compiled_on_first_use() {
        let mut code = pol_bytecode::Program {
            regexes: vec![r"[\w][\w.-]{0,127}$".to_owned()],
            ..pol_bytecode::Program::default()
        };
        let program = LoadedProgram::new(code.clone()).unwrap();
        assert!(program.regexes[0].get().is_none(), "not compiled yet");
        assert!(program.regex(0).unwrap().0.is_match("name.x"));
        assert!(program.regexes[0].get().is_some());

        code.regexes = vec!["a(b".to_owned()];
        let err = LoadedProgram::new(code).unwrap_err();
        assert!(
            matches!(&err, ProgramLoadError::Regex { pattern, .. } if pattern == "a(b"),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .starts_with("invalid regex \"a(b\" in program:"),
            "{err}"
        );
    }
}
