//! pol's glob dialect, in one place for the checker (which checks glob literals), the
//! VM (`glob(s, pattern)`) and `pol.toml`'s `paths.exclude`: `*` and `?` stop at `/`,
//! `**` crosses any number of segments, `[...]` and `{a,b}` as usual. (The reference
//! evaluator spells it out again, on purpose: it is the VM's independent oracle.)

/// The glob `pattern` in pol's dialect, or why it is not one.
pub fn glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn a_star_stops_at_a_slash_and_two_do_not() {
        let one = glob("src/*.rs").map(|g| g.compile_matcher());
        let two = glob("src/**/*.rs").map(|g| g.compile_matcher());
        assert!(one.as_ref().is_ok_and(|m| m.is_match("src/a.rs")));
        assert!(one.as_ref().is_ok_and(|m| !m.is_match("src/x/a.rs")));
        assert!(two.as_ref().is_ok_and(|m| m.is_match("src/x/y/a.rs")));
        assert!(glob("[a").is_err());
    }
}
