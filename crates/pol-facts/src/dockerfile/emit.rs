//! The parsed Dockerfile as a document: the fact shape of `docs/inputs.md`
//! ("Dockerfiles"), each value at the position of its text.

use super::Error;
use super::instr::{Detail, File, From, Instr, Stage};
use super::shell::Command;
use super::words::Word;
use crate::builder::{BuildError, Builder, Scalar};
use crate::lines::ByteOffsets;

pub(super) struct Emit<'t> {
    pub builder: Builder<'t>,
    pub offsets: ByteOffsets<'t>,
    pub lines: Vec<usize>,
}

type Result<T = ()> = std::result::Result<T, Error>;

impl Emit<'_> {
    fn built<T>(&self, at: usize, r: std::result::Result<T, BuildError>) -> Result<T> {
        r.map_err(|e| Error {
            at,
            message: e.to_string(),
            limit: e.limit(),
        })
    }

    fn key(&mut self, key: &str, at: usize) -> Result {
        let id = self.builder.intern(key);
        let id = self.built(at, id)?;
        let set = self.builder.set_key(id);
        self.built(at, set)
    }

    fn scalar(&mut self, value: Scalar<'_>, at: usize) -> Result {
        let pos = self.offsets.char_offset(at);
        let r = self.builder.scalar(value, pos);
        self.built(at, r).map(drop)
    }

    fn open(&mut self, object: bool, at: usize) -> Result {
        let pos = self.offsets.char_offset(at);
        let r = self.builder.open(object, pos);
        self.built(at, r).map(drop)
    }

    fn close(&mut self, at: usize) -> Result {
        let r = self.builder.close();
        self.built(at, r).map(drop)
    }

    fn field(&mut self, key: &str, value: Scalar<'_>, at: usize) -> Result {
        self.key(key, at)?;
        self.scalar(value, at)
    }

    fn word(&mut self, key: &str, w: &Word) -> Result {
        self.field(key, Scalar::Str(&w.text), w.at)
    }

    fn words(&mut self, key: &str, words: &[Word], at: usize) -> Result {
        self.key(key, at)?;
        self.open(false, at)?;
        for w in words {
            self.scalar(Scalar::Str(&w.text), w.at)?;
        }
        self.close(at)
    }

    /// The 1-based line of a source offset.
    fn line(&self, at: usize) -> i64 {
        self.lines.partition_point(|&start| start <= at) as i64
    }

    pub(super) fn file(&mut self, file: &File, text_start: usize) -> Result {
        let at = text_start;
        self.open(true, at)?;
        self.key("directives", at)?;
        self.open(true, at)?;
        for d in &file.scanned_directives {
            self.field(&d.name, Scalar::Str(&d.value), d.value_at)?;
        }
        self.close(at)?;
        self.key("args", at)?;
        self.open(false, at)?;
        for arg in &file.args {
            self.instruction(arg)?;
        }
        self.close(at)?;
        self.key("stages", at)?;
        self.open(false, at)?;
        for (index, stage) in file.stages.iter().enumerate() {
            self.stage(index, stage)?;
        }
        self.close(at)?;
        self.close(at)
    }

    fn stage(&mut self, index: usize, stage: &Stage) -> Result {
        let Some(first) = stage.instructions.first() else {
            return Ok(());
        };
        let at = first.cmd_at;
        self.open(true, at)?;
        self.field("index", Scalar::Int(index as i64), at)?;
        if let Detail::From(from) = &first.detail {
            if let Some(name) = &from.name {
                self.word("name", name)?;
            }
            self.key("from", from.reference.at)?;
            self.from(from)?;
        }
        self.key("ancestors", at)?;
        self.open(false, at)?;
        for &i in &stage.ancestors {
            self.scalar(Scalar::Int(i as i64), at)?;
        }
        self.close(at)?;
        self.key("instructions", at)?;
        self.open(false, at)?;
        for instr in &stage.instructions {
            self.instruction(instr)?;
        }
        self.close(at)?;
        self.close(at)
    }

    fn from(&mut self, from: &From) -> Result {
        let at = from.reference.at;
        self.open(true, at)?;
        self.word("ref", &from.reference)?;
        self.field("resolved", Scalar::Str(&from.resolved), at)?;
        self.field("unresolved", Scalar::Bool(from.unresolved), at)?;
        self.field("image", Scalar::Str(&from.image), at)?;
        if let Some((tag, tag_at)) = &from.tag {
            self.field("tag", Scalar::Str(tag), *tag_at)?;
        }
        if let Some((digest, digest_at)) = &from.digest {
            self.field("digest", Scalar::Str(digest), *digest_at)?;
        }
        if let Some(platform) = &from.platform {
            self.word("platform", platform)?;
        }
        if let Some(name) = &from.name {
            self.word("name", name)?;
        }
        if let Some(stage) = from.stage {
            self.field("stage", Scalar::Int(stage as i64), at)?;
        }
        self.close(at)
    }

    fn instruction(&mut self, instr: &Instr) -> Result {
        let at = instr.cmd_at;
        self.open(true, at)?;
        self.field("cmd", Scalar::Str(&instr.cmd), at)?;
        self.field("line", Scalar::Int(self.line(at)), at)?;
        self.key("flags", at)?;
        self.open(true, at)?;
        for (i, flag) in instr.flags.iter().enumerate() {
            // A flag given again (`--mount` may be) keeps its last value here; every
            // `--mount` is in `mounts`.
            if instr.flags.iter().skip(i + 1).any(|f| f.name == flag.name) {
                continue;
            }
            match &flag.value {
                Some(v) => self.word(&flag.name, v)?,
                None => self.field(&flag.name, Scalar::Bool(true), flag.name_at)?,
            }
        }
        self.close(at)?;
        let mounts: Vec<Word> = instr
            .flags
            .iter()
            .filter(|f| f.name == "mount")
            .filter_map(|f| f.value.clone())
            .collect();
        if !mounts.is_empty() {
            self.words("mounts", &mounts, at)?;
        }
        if matches!(
            instr.cmd.as_str(),
            "RUN" | "CMD" | "ENTRYPOINT" | "SHELL" | "COPY" | "ADD" | "VOLUME" | "HEALTHCHECK"
        ) {
            let form = if instr.exec.is_some() {
                "exec"
            } else {
                "shell"
            };
            self.field("form", Scalar::Str(form), instr.text.at)?;
        }
        self.word("text", &instr.text)?;
        self.words("args", &instr.args, instr.text.at)?;
        self.detail(instr)?;
        if !instr.heredocs.is_empty() {
            self.key("heredocs", at)?;
            self.open(false, at)?;
            for h in &instr.heredocs {
                let marker = h.marker_at;
                self.open(true, marker)?;
                self.field("name", Scalar::Str(&h.name), marker)?;
                self.field("body", Scalar::Str(&h.body.text), marker)?;
                self.field("quoted", Scalar::Bool(h.quoted), marker)?;
                self.close(marker)?;
            }
            self.close(at)?;
        }
        self.close(at)
    }

    fn detail(&mut self, instr: &Instr) -> Result {
        let at = instr.cmd_at;
        match &instr.detail {
            Detail::None | Detail::From(_) => {}
            Detail::Pairs(pairs) => {
                self.key("pairs", at)?;
                self.open(false, at)?;
                for (key, value) in pairs {
                    self.open(true, key.at)?;
                    self.word("key", key)?;
                    match value {
                        Some(v) => self.word("value", v)?,
                        None => self.field("value", Scalar::Null, key.at)?,
                    }
                    self.close(key.at)?;
                }
                self.close(at)?;
            }
            Detail::User { user, group } => {
                self.word("user", user)?;
                if let Some(group) = group {
                    self.word("group", group)?;
                }
            }
            Detail::Ports(ports) => {
                self.key("ports", at)?;
                self.open(false, at)?;
                for (port, protocol) in ports {
                    self.open(true, port.at)?;
                    self.word("port", port)?;
                    self.word("protocol", protocol)?;
                    self.close(port.at)?;
                }
                self.close(at)?;
            }
            Detail::Workdir(path) => self.word("path", path)?,
            Detail::Copy { sources, dest } => {
                self.words("sources", sources, instr.text.at)?;
                if let Some(dest) = dest {
                    self.word("dest", dest)?;
                }
            }
            Detail::Healthcheck { none } => self.field("none", Scalar::Bool(*none), at)?,
            Detail::Run(commands) => {
                self.key("commands", at)?;
                self.open(false, at)?;
                for c in commands {
                    self.command(c)?;
                }
                self.close(at)?;
            }
            Detail::Onbuild(trigger) => {
                self.key("trigger", trigger.cmd_at)?;
                self.instruction(trigger)?;
            }
        }
        Ok(())
    }

    fn command(&mut self, c: &Command) -> Result {
        let at = c.name.at;
        self.open(true, at)?;
        self.word("name", &c.name)?;
        self.words("args", &c.args, at)?;
        self.words("env", &c.env, at)?;
        self.field("pipe", Scalar::Bool(c.pipe), at)?;
        self.close(at)
    }
}
