//! `Code`: the stable identifier of every diagnostic pol can report.
//!
//! Codes never change meaning once published. `docs/errors.md` documents each one with
//! a minimal program that triggers it, and a test keeps that page complete.

macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $title:literal; )*) => {
        /// A stable diagnostic code such as `E0100`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[$doc])* #[doc = $title] $name, )*
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            /// The code as printed: `E0100`, `W0001`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => $code,)* }
            }

            /// A short title, as used in the documentation's headings.
            pub fn title(self) -> &'static str {
                match self { $(Code::$name => $title,)* }
            }

            /// Looks a code up by its printed form.
            pub fn parse(s: &str) -> Option<Code> {
                match s { $($code => Some(Code::$name),)* _ => None }
            }
        }
    };
}

codes! {
    // --- lexical (E00xx) ----------------------------------------------------
    UnterminatedString = "E0001", "unterminated string";
    InvalidEscape = "E0002", "invalid escape sequence";
    UnexpectedCharacter = "E0003", "unexpected character";
    IntegerTooLarge = "E0004", "integer literal out of range";
    InvalidFString = "E0005", "malformed format string";
    InvalidNumber = "E0006", "malformed number";
    NestingTooDeep = "E0007", "nesting too deep";
    // --- syntax (E001x) -----------------------------------------------------
    UnexpectedToken = "E0010", "unexpected token";
    UnexpectedEof = "E0011", "unexpected end of file";
    // --- structure (E002x) --------------------------------------------------
    MissingPackage = "E0020", "missing package declaration";
    MisplacedPackage = "E0021", "package declaration not first";
    MissingMessage = "E0022", "rule without `message`";
    MessageNotLast = "E0023", "`message` is not the last clause";
    MisplacedAnnotation = "E0024", "annotation on an item that is not a rule";
    UnknownAnnotation = "E0025", "unknown annotation";
    InvalidAnnotation = "E0026", "invalid annotation value";
    DuplicateAnnotation = "E0027", "annotation given twice";
    DuplicateInputType = "E0028", "`input` type declared twice";
    InvalidTest = "E0029", "malformed test block";
    // --- names (E01xx) ------------------------------------------------------
    UnknownName = "E0100", "unknown name";
    UnknownFunction = "E0101", "unknown function";
    DuplicateItem = "E0102", "name defined twice";
    Shadowing = "E0103", "name shadows another name in scope";
    Recursion = "E0104", "recursive definition";
    WrongArity = "E0105", "wrong number of arguments";
    UnknownPackage = "E0106", "unknown package";
    UnknownType = "E0107", "unknown type";
    UnknownMember = "E0108", "unknown member of a package";
    InvalidRegex = "E0109", "invalid regular expression";
    InvalidGlob = "E0110", "invalid glob pattern";
    UnknownTestTarget = "E0111", "test refers to an unknown rule or let";
    DuplicateImport = "E0112", "import name used twice";
    NotAValue = "E0113", "name is not a value";
    DependencyTooDeep = "E0114", "definitions depend on each other too deeply";
    DuplicateRuleId = "E0115", "rule id used twice";
    // --- types (E02xx) ------------------------------------------------------
    UnknownField = "E0200", "unknown field";
    IncompatibleOperands = "E0201", "operator on incompatible types";
    NonBoolCondition = "E0202", "condition is not a bool";
    NotIterable = "E0203", "value cannot be iterated";
    WrongArgumentType = "E0204", "argument of the wrong type";
    MessageNotString = "E0205", "message is not a string";
    AtNotFromInput = "E0206", "`at` names a value that is not from the input";
    ResultTypeMismatch = "E0207", "function result does not match its declared type";
    // --- warnings (W0xxx) ---------------------------------------------------
    ComparisonNeverTrue = "W0001", "comparison that can never be true";
    ConstantCondition = "W0002", "condition that is always true or always false";
    UnusedVariable = "W0003", "unused variable";
    RuleNeverFires = "W0004", "rule that can never fire";
    CostlyRegex = "W0005", "regular expression costly to compile";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_parse_back() {
        let mut seen = std::collections::BTreeSet::new();
        for &c in Code::ALL {
            assert!(seen.insert(c.as_str()), "{c} listed twice");
            assert_eq!(Code::parse(c.as_str()), Some(c));
        }
        let printed: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let mut sorted = printed.clone();
        sorted.sort_unstable();
        assert_eq!(printed, sorted);
    }
}
