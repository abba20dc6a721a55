//! The second pass: each logical line into an instruction with its parts (flags, exec
//! or shell form, words, and what its keyword gives: the image of `FROM`, the pairs of
//! `ENV`, the ports of `EXPOSE`, the commands of `RUN`, ...), and the instructions into
//! build stages.

use super::Error;
use super::scan::{Heredoc, Joined, Logical, Scanned};
use super::shell::{self, Command};
use super::words::{self, Flag, Word};

/// The instructions BuildKit knows.
const KEYWORDS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Shells whose heredoc is a script (`RUN bash <<EOF`).
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "/bin/sh", "/bin/bash"];

/// An instruction.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Instr {
    /// Upper case.
    pub cmd: String,
    pub cmd_at: usize,
    pub flags: Vec<Flag>,
    /// The JSON form's strings, if it is written so.
    pub exec: Option<Vec<Word>>,
    /// The text after the flags, as written (continuations joined).
    pub text: Word,
    /// The words after the flags: the JSON form's strings, or the words unquoted.
    pub args: Vec<Word>,
    pub heredocs: Vec<Heredoc>,
    pub detail: Detail,
}

/// What an instruction's keyword gives.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Detail {
    None,
    From(From),
    /// `ENV`, `LABEL`, `ARG`: keys and values (an `ARG` without a default has none).
    Pairs(Vec<(Word, Option<Word>)>),
    User {
        user: Word,
        group: Option<Word>,
    },
    /// `EXPOSE`: each port and its protocol.
    Ports(Vec<(Word, Word)>),
    Workdir(Word),
    /// `COPY`, `ADD`.
    Copy {
        sources: Vec<Word>,
        dest: Option<Word>,
    },
    /// `HEALTHCHECK NONE`, or the command of `HEALTHCHECK CMD`.
    Healthcheck {
        none: bool,
    },
    Run(Vec<Command>),
    Onbuild(Box<Instr>),
}

/// The image of a `FROM`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct From {
    /// As written.
    pub reference: Word,
    /// With the build arguments declared before the first `FROM` substituted.
    pub resolved: String,
    /// A `$VAR` of it has no value.
    pub unresolved: bool,
    pub image: String,
    /// The tag and the digest, with their offsets in the source.
    pub tag: Option<(String, usize)>,
    pub digest: Option<(String, usize)>,
    pub platform: Option<Word>,
    pub name: Option<Word>,
    /// The index of the earlier stage it names.
    pub stage: Option<usize>,
}

/// A build stage.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Stage {
    /// Its instructions, its `FROM` first.
    pub instructions: Vec<Instr>,
    /// The earlier stages it builds on, nearest first.
    pub ancestors: Vec<usize>,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct File {
    pub scanned_directives: Vec<super::scan::Directive>,
    /// The `ARG`s before the first `FROM`.
    pub args: Vec<Instr>,
    pub stages: Vec<Stage>,
}

/// Parses the logical lines into stages.
pub(super) fn parse(scanned: Scanned) -> Result<File, Error> {
    let escape = scanned.escape;
    let mut file = File {
        scanned_directives: scanned.directives,
        args: Vec::new(),
        stages: Vec::new(),
    };
    for logical in scanned.lines {
        let mut instr = instruction(logical, escape, false)?;
        if let Detail::From(from) = &mut instr.detail {
            resolve(from, &file);
            let ancestors = match from.stage {
                Some(i) => {
                    let mut chain = vec![i];
                    chain.extend(file.stages.get(i).map_or(&[][..], |s| &s.ancestors));
                    chain
                }
                None => Vec::new(),
            };
            file.stages.push(Stage {
                instructions: vec![instr],
                ancestors,
            });
        } else if let Some(stage) = file.stages.last_mut() {
            stage.instructions.push(instr);
        } else if instr.cmd == "ARG" {
            file.args.push(instr);
        } else {
            return Err(Error::new(
                instr.cmd_at,
                format!(
                    "`{}` before the first `FROM`: only `ARG` may come before it",
                    instr.cmd
                ),
            ));
        }
    }
    if file.stages.is_empty() && !file.args.is_empty() {
        return Err(Error::new(
            file.args.last().map_or(0, |a| a.cmd_at),
            "no `FROM` instruction".to_owned(),
        ));
    }
    Ok(file)
}

/// One instruction; `trigger` for the instruction of an `ONBUILD`.
fn instruction(logical: Logical, escape: char, trigger: bool) -> Result<Instr, Error> {
    let cmd = logical.keyword.to_ascii_uppercase();
    if !KEYWORDS.contains(&cmd.as_str()) {
        return Err(Error::new(
            logical.keyword_at,
            format!("unknown instruction `{}`", logical.keyword),
        ));
    }
    if trigger && matches!(cmd.as_str(), "ONBUILD" | "FROM" | "MAINTAINER") {
        return Err(Error::new(
            logical.keyword_at,
            format!("`ONBUILD {cmd}` is not allowed"),
        ));
    }
    let j = &logical.rest;
    if j.text.trim().is_empty() {
        return Err(Error::new(
            logical.keyword_at,
            format!("`{cmd}` needs arguments"),
        ));
    }
    let (flags, after_flags) = if matches!(
        cmd.as_str(),
        "FROM" | "RUN" | "COPY" | "ADD" | "HEALTHCHECK"
    ) {
        words::flags(j, 0, escape)?
    } else {
        (Vec::new(), 0)
    };
    let mut body = after_flags;
    let mut health_none = false;
    if cmd == "HEALTHCHECK" {
        let ranges = words::split(j, after_flags, escape);
        let first = ranges.first().and_then(|r| j.text.get(r.0..r.1));
        match first.map(str::to_ascii_uppercase).as_deref() {
            Some("NONE") if ranges.len() == 1 => health_none = true,
            Some("CMD") if ranges.len() > 1 => {
                body = ranges.get(1).map_or(body, |r| r.0);
            }
            _ => {
                return Err(Error::new(
                    j.offset(after_flags),
                    "`HEALTHCHECK` takes `NONE` or `CMD` and a command".to_owned(),
                ));
            }
        }
    }
    let exec_forms = matches!(
        cmd.as_str(),
        "RUN" | "CMD" | "ENTRYPOINT" | "SHELL" | "COPY" | "ADD" | "VOLUME" | "HEALTHCHECK"
    );
    let exec = if exec_forms && !health_none {
        words::json_array(j, body)
    } else {
        None
    };
    let text = Word {
        text: j.text.get(body..).unwrap_or("").trim_end().to_owned(),
        at: j.offset(body),
    };
    let args = match &exec {
        Some(items) => items.clone(),
        // A script is the shell's to read: its words here are only a guide, and an
        // odd quote in it is no error of the Dockerfile.
        None if matches!(cmd.as_str(), "RUN" | "CMD" | "ENTRYPOINT" | "HEALTHCHECK") => {
            lenient_words(j, body, escape)
        }
        None => words::words(j, body, escape)?,
    };
    let mut instr = Instr {
        cmd,
        cmd_at: logical.keyword_at,
        flags,
        exec,
        text,
        args,
        heredocs: Vec::new(),
        detail: Detail::None,
    };
    instr.detail = detail(&mut instr, &logical, escape, body, health_none)?;
    instr.heredocs = logical.heredocs;
    scripts(&mut instr);
    Ok(instr)
}

/// Words of a script, an unterminated quote running to the end.
fn lenient_words(j: &Joined, from: usize, escape: char) -> Vec<Word> {
    words::split(j, from, escape)
        .into_iter()
        .map(|r| {
            words::word(j, r, escape).unwrap_or_else(|_| Word {
                text: j.text.get(r.0..r.1).unwrap_or("").to_owned(),
                at: j.offset(r.0),
            })
        })
        .collect()
}

fn detail(
    instr: &mut Instr,
    logical: &Logical,
    escape: char,
    body: usize,
    health_none: bool,
) -> Result<Detail, Error> {
    let j = &logical.rest;
    Ok(match instr.cmd.as_str() {
        "FROM" => Detail::From(from(instr, j)?),
        "ENV" | "LABEL" | "ARG" => Detail::Pairs(pairs(instr, j, escape)?),
        "USER" => {
            let user = instr
                .args
                .first()
                .cloned()
                .unwrap_or_else(|| instr.text.clone());
            match user.text.split_once(':') {
                Some((name, group)) => Detail::User {
                    group: Some(Word {
                        text: group.to_owned(),
                        at: user.at + name.len() + 1,
                    }),
                    user: Word {
                        text: name.to_owned(),
                        at: user.at,
                    },
                },
                None => Detail::User { user, group: None },
            }
        }
        "EXPOSE" => Detail::Ports(
            instr
                .args
                .iter()
                .map(|w| match w.text.split_once('/') {
                    Some((port, proto)) => (
                        Word {
                            text: port.to_owned(),
                            at: w.at,
                        },
                        Word {
                            text: proto.to_ascii_lowercase(),
                            at: w.at + port.len() + 1,
                        },
                    ),
                    None => (
                        w.clone(),
                        Word {
                            text: "tcp".to_owned(),
                            at: w.at,
                        },
                    ),
                })
                .collect(),
        ),
        "WORKDIR" => Detail::Workdir(Word {
            text: words::unquote(j, (body, j.text.trim_end().len()), escape)?,
            at: instr.text.at,
        }),
        "COPY" | "ADD" => {
            let mut sources = instr.args.clone();
            let dest = sources.pop();
            Detail::Copy { sources, dest }
        }
        "HEALTHCHECK" => Detail::Healthcheck { none: health_none },
        "RUN" => Detail::Run(run_commands(instr, j, body)),
        "ONBUILD" => {
            let inner = super::scan::split_keyword(j.tail(body));
            Detail::Onbuild(Box::new(instruction(inner, escape, true)?))
        }
        _ => Detail::None,
    })
}

/// The commands of a `RUN`: of its JSON form's strings, or of its script, and of the
/// heredocs that are scripts (`RUN <<EOF`, `RUN bash <<EOF`).
fn run_commands(instr: &Instr, j: &Joined, body: usize) -> Vec<Command> {
    if let Some(items) = &instr.exec {
        let mut items = items.iter().cloned();
        return match items.next() {
            Some(name) => vec![Command {
                env: Vec::new(),
                name,
                args: items.collect(),
                pipe: false,
            }],
            None => Vec::new(),
        };
    }
    shell::commands(j, body, j.text.len())
}

/// The commands of the heredocs of a `RUN` that are scripts, appended to its commands.
fn scripts(instr: &mut Instr) {
    let Detail::Run(commands) = &mut instr.detail else {
        return;
    };
    if instr.exec.is_some() {
        return;
    }
    let script = commands.is_empty()
        || commands
            .iter()
            .all(|c| SHELLS.contains(&c.name.text.as_str()));
    if !script {
        return;
    }
    for heredoc in &instr.heredocs {
        commands.extend(shell::commands(&heredoc.body, 0, heredoc.body.text.len()));
    }
}

/// The pairs of `ENV`, `LABEL` (`k=v ...` or the old `k v`) and `ARG` (`k[=v] ...`).
fn pairs(instr: &Instr, j: &Joined, escape: char) -> Result<Vec<(Word, Option<Word>)>, Error> {
    let ranges = words::split(j, 0, escape);
    let first = ranges.first().copied().unwrap_or((0, 0));
    if instr.cmd != "ARG" && words::equals(j, first, escape).is_none() {
        // `ENV KEY value with blanks`: one pair, the value the rest of the line.
        let key = words::word(j, first, escape)?;
        let Some(second) = ranges.get(1) else {
            return Err(Error::new(
                key.at,
                format!("`{} {}` needs a value", instr.cmd, key.text),
            ));
        };
        let value = Word {
            text: words::unquote(j, (second.0, j.text.trim_end().len()), escape)?,
            at: j.offset(second.0),
        };
        return Ok(vec![(key, Some(value))]);
    }
    let mut out = Vec::new();
    for r in ranges {
        match words::equals(j, r, escape) {
            Some(eq) => out.push((
                words::word(j, (r.0, eq), escape)?,
                Some(words::word(j, (eq + 1, r.1), escape)?),
            )),
            None if instr.cmd == "ARG" => out.push((words::word(j, r, escape)?, None)),
            None => {
                return Err(Error::new(
                    j.offset(r.0),
                    format!("`{}` expects `key=value` pairs", instr.cmd),
                ));
            }
        }
    }
    Ok(out)
}

/// The image of a `FROM`: `[--platform=...] image[:tag][@digest] [AS name]`.
fn from(instr: &Instr, j: &Joined) -> Result<From, Error> {
    let args = &instr.args;
    let (reference, name) = match args.as_slice() {
        [image] => (image.clone(), None),
        [image, as_, name] if as_.text.eq_ignore_ascii_case("as") => {
            (image.clone(), Some(name.clone()))
        }
        _ => {
            return Err(Error::new(
                instr.text.at.max(j.offset(0)),
                "`FROM` takes an image and an optional `AS name`".to_owned(),
            ));
        }
    };
    let platform = instr
        .flags
        .iter()
        .find(|f| f.name == "platform")
        .and_then(|f| f.value.clone());
    Ok(From {
        resolved: reference.text.clone(),
        unresolved: false,
        image: String::new(),
        tag: None,
        digest: None,
        reference,
        platform,
        name,
        stage: None,
    })
}

/// Substitutes the `ARG`s before the first `FROM`, splits the image reference, and
/// finds the earlier stage it names.
fn resolve(from: &mut From, file: &File) {
    let defaults: Vec<(&str, Option<&str>)> = file
        .args
        .iter()
        .flat_map(|a| match &a.detail {
            Detail::Pairs(pairs) => pairs
                .iter()
                .map(|(k, v)| (k.text.as_str(), v.as_ref().map(|v| v.text.as_str())))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let (resolved, unresolved) = substitute(&from.reference.text, &defaults);
    from.resolved = resolved;
    from.unresolved = unresolved;
    // Parts of a reference written as is are at their own offsets; of one with
    // variables or quotes, at the reference's.
    let base = from.reference.at;
    let literal = from.resolved == from.reference.text;
    let at = |i: usize| if literal { base + i } else { base };
    let (name_tag, digest) = match from.resolved.split_once('@') {
        Some((n, d)) => (n, Some((d.to_owned(), at(n.len() + 1)))),
        None => (from.resolved.as_str(), None),
    };
    let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
    let (image, tag) = match name_tag.get(last_slash..).and_then(|s| s.rfind(':')) {
        Some(colon) => (
            name_tag.get(..last_slash + colon).unwrap_or(name_tag),
            name_tag
                .get(last_slash + colon + 1..)
                .map(|t| (t.to_owned(), at(last_slash + colon + 1))),
        ),
        None => (name_tag, None),
    };
    from.image = image.to_owned();
    from.tag = tag;
    from.digest = digest;
    if from.tag.is_none() && from.digest.is_none() {
        from.stage = file.stages.iter().position(|s| {
            s.instructions.first().is_some_and(|i| match &i.detail {
                Detail::From(f) => f
                    .name
                    .as_ref()
                    .is_some_and(|n| n.text.eq_ignore_ascii_case(&from.image)),
                _ => false,
            })
        });
    }
}

/// `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME-default}` replaced by the values
/// in `vars`; whether a variable was left without one.
pub(super) fn substitute(text: &str, vars: &[(&str, Option<&str>)]) -> (String, bool) {
    let lookup = |name: &str| {
        vars.iter()
            .rev()
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| *v)
    };
    let mut out = String::with_capacity(text.len());
    let mut unresolved = false;
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        out.push_str(rest.get(..dollar).unwrap_or(""));
        let after = rest.get(dollar + 1..).unwrap_or("");
        let (name, default, used) = if let Some(inner) = after.strip_prefix('{') {
            let Some(close) = inner.find('}') else {
                out.push_str(rest.get(dollar..).unwrap_or(""));
                return (out, true);
            };
            let body = inner.get(..close).unwrap_or("");
            let (name, default) = match body.split_once(":-").or_else(|| body.split_once('-')) {
                Some((n, d)) => (n, Some(d)),
                None => (body, None),
            };
            (name, default, close + 2)
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if len == 0 {
                out.push('$');
                rest = after;
                continue;
            }
            (after.get(..len).unwrap_or(""), None, len)
        };
        match lookup(name).filter(|v| !v.is_empty()).or(default) {
            Some(value) => out.push_str(value),
            None => {
                unresolved = true;
                out.push_str(rest.get(dollar..dollar + 1 + used).unwrap_or(""));
            }
        }
        rest = after.get(used..).unwrap_or("");
    }
    out.push_str(rest);
    (out, unresolved)
}
