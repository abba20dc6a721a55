//! The standard library: `.pol` modules embedded from `stdlib/std/`, loaded when imported.

/// One module of the standard library.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StdModule {
    /// The package name it declares (`std.github`).
    pub package: &'static str,
    /// The name its source gets in the source map (`<std>/github.pol`).
    pub file_name: &'static str,
    /// The source text.
    pub source: &'static str,
}

/// Every std module, by package name.
pub(crate) const MODULES: &[StdModule] = &[
    StdModule {
        package: "std.docker",
        file_name: "<std>/docker.pol",
        source: include_str!("../../../stdlib/std/docker.pol"),
    },
    StdModule {
        package: "std.github",
        file_name: "<std>/github.pol",
        source: include_str!("../../../stdlib/std/github.pol"),
    },
    StdModule {
        package: "std.k8s",
        file_name: "<std>/k8s.pol",
        source: include_str!("../../../stdlib/std/k8s.pol"),
    },
    StdModule {
        package: "std.kind",
        file_name: "<std>/kind.pol",
        source: include_str!("../../../stdlib/std/kind.pol"),
    },
    StdModule {
        package: "std.terraform",
        file_name: "<std>/terraform.pol",
        source: include_str!("../../../stdlib/std/terraform.pol"),
    },
];

/// The std module that `import <package>` names, if there is one.
pub(crate) fn find(package: &str) -> Option<&'static StdModule> {
    MODULES.iter().find(|m| m.package == package)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_declare_their_own_package() {
        for m in MODULES {
            let expected = format!("package {}", m.package);
            assert!(
                m.source.lines().any(|l| l.trim() == expected),
                "{} lacks `{expected}`",
                m.file_name
            );
            let stem = m.package.trim_start_matches("std.");
            assert_eq!(m.file_name, format!("<std>/{stem}.pol"));
        }
        assert!(find("std.github").is_some());
        assert!(find("std.k8s").is_some());
        assert!(find("std.nope").is_none());
    }
}
