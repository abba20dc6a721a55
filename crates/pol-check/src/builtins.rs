//! `Builtin`: the builtin functions of LANGUAGE.md §8, with their names and arities.

macro_rules! builtins {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $arity:literal; )*) => {
        /// A builtin function. Calls to it resolve to `Callee::Builtin`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Builtin {
            $( $(#[$doc])* $variant, )*
        }

        impl Builtin {
            /// Every builtin, in the order of LANGUAGE.md §8.
            pub const ALL: &'static [Builtin] = &[$(Builtin::$variant),*];

            /// The name it is called by.
            pub fn name(self) -> &'static str {
                match self { $(Builtin::$variant => $name,)* }
            }

            /// How many arguments it takes (the receiver of a method call counts).
            pub fn arity(self) -> usize {
                match self { $(Builtin::$variant => $arity,)* }
            }

            /// The builtin called `name`, if there is one.
            pub fn from_name(name: &str) -> Option<Builtin> {
                match name { $($name => Some(Builtin::$variant),)* _ => None }
            }
        }
    };
}

builtins! {
    /// `len(x)`: characters of a string, elements of a collection.
    Len = "len", 1;
    /// `lower(s)`
    Lower = "lower", 1;
    /// `upper(s)`
    Upper = "upper", 1;
    /// `trim(s)`: without leading and trailing whitespace.
    Trim = "trim", 1;
    /// `starts_with(s, prefix)`
    StartsWith = "starts_with", 2;
    /// `ends_with(s, suffix)`
    EndsWith = "ends_with", 2;
    /// `contains(s, sub)` on strings; `contains(xs, x)` is `x in xs`.
    Contains = "contains", 2;
    /// `split(s, sep)`
    Split = "split", 2;
    /// `join(strings, sep)`
    Join = "join", 2;
    /// `replace(s, from, to)`
    Replace = "replace", 3;
    /// `matches(s, regex)`: RE2 syntax, linear time.
    Matches = "matches", 2;
    /// `glob(s, pattern)`: `*`, `**`, `?`, `[...]`.
    Glob = "glob", 2;
    /// `to_string(x)`
    ToString = "to_string", 1;
    /// `to_int(x)`
    ToInt = "to_int", 1;
    /// `to_float(x)`
    ToFloat = "to_float", 1;
    /// `keys(m)`
    Keys = "keys", 1;
    /// `values(m)`
    Values = "values", 1;
    /// `count(xs)`: `len` for collections.
    Count = "count", 1;
    /// `sum(xs)`
    Sum = "sum", 1;
    /// `min(xs)`
    Min = "min", 1;
    /// `max(xs)`
    Max = "max", 1;
    /// `sort(xs)`
    Sort = "sort", 1;
    /// `unique(xs)`
    Unique = "unique", 1;
    /// `flatten(xss)`
    Flatten = "flatten", 1;
    /// `type_of(x)`: `"null" "bool" "int" "float" "string" "list" "set" "object"`.
    TypeOf = "type_of", 1;
    /// `semver_compare(a, b)`: -1, 0 or 1.
    SemverCompare = "semver_compare", 2;
    /// `semver_satisfies(version, requirement)`
    SemverSatisfies = "semver_satisfies", 2;
    /// `comment(x)`: the `#` comment that documents a value of a YAML or TOML input
    /// (after it on its line, or alone on the line above); null for none.
    Comment = "comment", 1;
    /// `from_json(s)`: the value a JSON text holds.
    FromJson = "from_json", 1;
    /// `strings(x)`: every string in `x`, depth first in document order.
    Strings = "strings", 1;
    /// `common_prefix(a, b)`: the longest string both start with.
    CommonPrefix = "common_prefix", 2;
    /// `common_suffix(a, b)`: the longest string both end with.
    CommonSuffix = "common_suffix", 2;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        let mut seen = std::collections::BTreeSet::new();
        for &b in Builtin::ALL {
            assert!(seen.insert(b.name()), "{} listed twice", b.name());
            assert_eq!(Builtin::from_name(b.name()), Some(b));
        }
        assert_eq!(Builtin::ALL.len(), 32);
        assert_eq!(Builtin::from_name("nope"), None);
    }

    #[test]
    fn arities_follow_the_language_reference() {
        let expected = [
            ("len", 1),
            ("split", 2),
            ("join", 2),
            ("replace", 3),
            ("matches", 2),
            ("glob", 2),
            ("contains", 2),
            ("semver_satisfies", 2),
            ("type_of", 1),
        ];
        for (name, arity) in expected {
            assert_eq!(
                Builtin::from_name(name).map(Builtin::arity),
                Some(arity),
                "{name}"
            );
        }
    }
}
