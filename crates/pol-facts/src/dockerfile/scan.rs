//! The first pass over a Dockerfile: physical lines into parser directives and logical
//! lines (an instruction with its continuation lines joined and its heredocs read), as
//! BuildKit's parser cuts them. Every byte of a joined text keeps the byte offset of its
//! source, so that the values made from it point at the right line and column.

use super::Error;

/// Text made of pieces of the source: each byte's offset in the source, and one more
/// entry for the end.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Joined {
    pub text: String,
    /// `at[i]` is the source offset of `text`'s byte `i`; `at[text.len()]` the offset
    /// just after the last piece.
    pub at: Vec<usize>,
}

impl Joined {
    fn push(&mut self, piece: &str, start: usize) {
        if self.at.last().is_some() {
            self.at.pop();
        }
        self.text.push_str(piece);
        self.at.extend((0..piece.len()).map(|i| start + i));
        self.at.push(start + piece.len());
    }

    /// The text from byte `from` on, with its offsets.
    pub fn tail(&self, from: usize) -> Joined {
        let mut at = self.at.get(from..).unwrap_or(&[]).to_vec();
        if at.is_empty() {
            at.push(self.offset(self.text.len()));
        }
        Joined {
            text: self.text.get(from..).unwrap_or("").to_owned(),
            at,
        }
    }

    /// The source offset of byte `i` of the text (the end's for `i` past it).
    pub fn offset(&self, i: usize) -> usize {
        self.at
            .get(i)
            .or_else(|| self.at.last())
            .copied()
            .unwrap_or(0)
    }
}

/// A parser directive at the top of the file (`# syntax=...`, `# escape=...`).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Directive {
    /// Lowercase.
    pub name: String,
    pub value: String,
    pub value_at: usize,
}

/// A heredoc of an instruction (`RUN <<EOF`, `COPY <<-'END' /file`).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Heredoc {
    pub name: String,
    /// Where `<<` is, in the instruction's joined text, and in the source.
    pub marker: usize,
    pub marker_at: usize,
    /// `<<-`: leading tabs are stripped from the body's lines.
    pub strip_tabs: bool,
    /// The name was quoted (`<<'EOF'`): the body is not expanded.
    pub quoted: bool,
    /// The lines between the marker's line and the terminator, each ending in `\n`.
    pub body: Joined,
}

/// An instruction's lines: its keyword and what follows, joined.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Logical {
    /// The keyword as written and its offset.
    pub keyword: String,
    pub keyword_at: usize,
    /// What follows the keyword and its blanks.
    pub rest: Joined,
    pub heredocs: Vec<Heredoc>,
}

/// A scanned file.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Scanned {
    pub directives: Vec<Directive>,
    /// The escape character (`\` or `` ` ``).
    pub escape: char,
    pub lines: Vec<Logical>,
}

/// A physical line: its text without the line break (and a `\r` before it), and the
/// offset of its start.
#[derive(Clone, Copy)]
struct Line<'t> {
    text: &'t str,
    at: usize,
}

fn physical_lines(text: &str) -> Vec<Line<'_>> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = text.get(bom..).unwrap_or("");
    let mut out = Vec::with_capacity(body.len() / 32 + 1);
    let mut at = bom;
    for piece in body.split('\n') {
        let line = piece.strip_suffix('\r').unwrap_or(piece);
        out.push(Line { text: line, at });
        at += piece.len() + 1;
    }
    // The empty piece after a final line break is no line.
    if body.ends_with('\n') || body.is_empty() {
        out.pop();
    }
    out
}

fn is_blank(s: &str) -> bool {
    s.trim_matches([' ', '\t']).is_empty()
}

fn is_comment(s: &str) -> bool {
    s.trim_start_matches([' ', '\t']).starts_with('#')
}

/// A directive line: `# name = value` with a name of letters and digits.
fn directive(line: Line<'_>) -> Option<Directive> {
    let lead = line.text.len() - line.text.trim_start_matches([' ', '\t']).len();
    let after_hash = line.text.get(lead..)?.strip_prefix('#')?;
    let body = after_hash.trim_start_matches([' ', '\t']);
    let (name, value) = body.split_once('=')?;
    let name = name.trim_end_matches([' ', '\t']);
    let mut chars = name.chars();
    if !chars.next()?.is_ascii_alphabetic() || !chars.all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let value_trimmed = value.trim_start_matches([' ', '\t']);
    let value_at = line.at + line.text.len() - value_trimmed.len();
    let value = value_trimmed.trim_end_matches([' ', '\t']);
    if value.is_empty() {
        return None;
    }
    Some(Directive {
        name: name.to_ascii_lowercase(),
        value: value.to_owned(),
        value_at,
    })
}

/// The directives BuildKit knows; any other `# name=value` line is a comment, and ends
/// the directives.
const DIRECTIVES: &[&str] = &["syntax", "escape", "check"];

/// Cuts `text` into directives and logical lines.
pub(super) fn scan(text: &str) -> Result<Scanned, Error> {
    let lines = physical_lines(text);
    let mut out = Scanned {
        escape: '\\',
        ..Scanned::default()
    };
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        let Some(d) = directive(line).filter(|d| DIRECTIVES.contains(&d.name.as_str())) else {
            break;
        };
        if out.directives.iter().any(|seen| seen.name == d.name) {
            return Err(Error::new(
                line.at,
                format!("the `{}` parser directive is given twice", d.name),
            ));
        }
        if d.name == "escape" {
            out.escape = match d.value.as_str() {
                "\\" => '\\',
                "`" => '`',
                other => {
                    return Err(Error::new(
                        d.value_at,
                        format!("invalid escape character `{other}`: it must be `\\` or `` ` ``"),
                    ));
                }
            };
        }
        out.directives.push(d);
        i += 1;
    }
    while let Some(&line) = lines.get(i) {
        i += 1;
        if is_blank(line.text) || is_comment(line.text) {
            continue;
        }
        let mut joined = Joined::default();
        let mut current = line;
        loop {
            match continued(current.text, out.escape) {
                Some(kept) => {
                    joined.push(kept, current.at);
                    // The next line that is neither blank nor a comment goes on with it.
                    let next = loop {
                        match lines.get(i) {
                            Some(l) if is_blank(l.text) || is_comment(l.text) => i += 1,
                            other => break other.copied(),
                        }
                    };
                    let Some(next) = next else { break };
                    i += 1;
                    current = next;
                }
                None => {
                    joined.push(current.text, current.at);
                    break;
                }
            }
        }
        let mut logical = split_keyword(joined);
        if matches!(
            logical.keyword.to_ascii_uppercase().as_str(),
            "RUN" | "COPY" | "ADD"
        ) {
            for mut heredoc in markers(&logical.rest.text) {
                heredoc.marker_at = logical.rest.offset(heredoc.marker);
                i = read_body(&lines, i, &mut heredoc).ok_or_else(|| unterminated(&heredoc))?;
                logical.heredocs.push(heredoc);
            }
        }
        out.lines.push(logical);
    }
    Ok(out)
}

fn unterminated(heredoc: &Heredoc) -> Error {
    Error::new(
        heredoc.marker_at,
        format!(
            "heredoc `{}` has no line `{}` that ends it",
            heredoc.name, heredoc.name
        ),
    )
}

/// The line without its line-continuation escape (and the blanks after it), if it
/// has one.
fn continued(line: &str, escape: char) -> Option<&str> {
    line.trim_end_matches([' ', '\t']).strip_suffix(escape)
}

/// The keyword (the first word) and the rest after its blanks.
pub(super) fn split_keyword(joined: Joined) -> Logical {
    let text = joined.text.as_str();
    let lead = text.len() - text.trim_start_matches([' ', '\t']).len();
    let word_len = text
        .get(lead..)
        .unwrap_or("")
        .find([' ', '\t'])
        .unwrap_or(text.len() - lead);
    let keyword = text.get(lead..lead + word_len).unwrap_or("").to_owned();
    let after = text.get(lead + word_len..).unwrap_or("");
    let rest_start = lead + word_len + (after.len() - after.trim_start_matches([' ', '\t']).len());
    let rest = joined.tail(rest_start);
    Logical {
        keyword,
        keyword_at: joined.offset(lead),
        rest,
        heredocs: Vec::new(),
    }
}

/// The heredoc markers of an instruction's text, outside quotes: `<<NAME`, `<<-NAME`,
/// `<<'NAME'`, `<<"NAME"` (not `<<<`, a here-string).
fn markers(text: &str) -> Vec<Heredoc> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(b'"'), b'\\') => i += 1,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(b),
            (None, b'\\') => i += 1,
            (None, b'<')
                if bytes.get(i + 1) == Some(&b'<')
                    && bytes.get(i + 2) != Some(&b'<')
                    && (i == 0 || bytes.get(i - 1) != Some(&b'<')) =>
            {
                if let Some((heredoc, end)) = marker_at(text, i) {
                    out.push(heredoc);
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The marker at `i` (`<<` there), and the offset after it.
fn marker_at(text: &str, i: usize) -> Option<(Heredoc, usize)> {
    let after = text.get(i + 2..)?;
    let strip_tabs = after.starts_with('-');
    let after = if strip_tabs { after.get(1..)? } else { after };
    let (quoted, name) = match after.chars().next()? {
        q @ ('\'' | '"') => {
            let inner = after.get(1..)?;
            let end = inner.find(q)?;
            (true, inner.get(..end)?)
        }
        _ => {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || "_.-".contains(c)))
                .unwrap_or(after.len());
            (false, after.get(..end)?)
        }
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    {
        return None;
    }
    let end = i + 2 + usize::from(strip_tabs) + name.len() + if quoted { 2 } else { 0 };
    Some((
        Heredoc {
            name: name.to_owned(),
            marker: i,
            marker_at: 0,
            strip_tabs,
            quoted,
            body: Joined::default(),
        },
        end,
    ))
}

/// Reads a heredoc's body from line `i` on; the index of the line after its terminator,
/// or `None` when no line ends it.
fn read_body(lines: &[Line<'_>], mut i: usize, heredoc: &mut Heredoc) -> Option<usize> {
    loop {
        let line = *lines.get(i)?;
        i += 1;
        let (content, at) = if heredoc.strip_tabs {
            let stripped = line.text.trim_start_matches('\t');
            (stripped, line.at + line.text.len() - stripped.len())
        } else {
            (line.text, line.at)
        };
        if content == heredoc.name {
            if heredoc.body.at.is_empty() {
                heredoc.body.at.push(line.at);
            }
            return Some(i);
        }
        heredoc.body.push(content, at);
        heredoc.body.push("\n", at + content.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(text: &str) -> Vec<(String, String)> {
        scan(text)
            .unwrap()
            .lines
            .into_iter()
            .map(|l| (l.keyword, l.rest.text))
            .collect()
    }

    #[test]
    fn continuations_join_lines_and_drop_comments_and_blank_lines() {
        let text = "FROM a\nRUN apt-get update \\\n  # a comment\n\n  && apt-get install -y x \\  \n  && rm -rf /var\n";
        let lines = keywords(text);
        assert_eq!(
            lines,
            [
                ("FROM".to_owned(), "a".to_owned()),
                (
                    "RUN".to_owned(),
                    "apt-get update   && apt-get install -y x   && rm -rf /var".to_owned()
                )
            ]
        );
        let scanned = scan(text).unwrap();
        let run = &scanned.lines[1];
        // `&&` of the third physical line keeps its offset in the source.
        let amp = run.rest.text.find("&&").unwrap();
        assert_eq!(&text[run.rest.offset(amp)..run.rest.offset(amp) + 2], "&&");
        assert_eq!(text[..run.rest.offset(amp)].matches('\n').count(), 4);
    }

    #[test]
    fn directives_only_at_the_top_and_the_escape_character() {
        let text =
            "# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN echo `\n  b\n# escape=\\\n";
        let scanned = scan(text).unwrap();
        assert_eq!(scanned.escape, '`');
        assert_eq!(scanned.directives.len(), 2);
        assert_eq!(scanned.directives[0].value, "docker/dockerfile:1");
        assert_eq!(scanned.lines[1].rest.text, "echo   b");
        // After an instruction, a directive line is a comment.
        assert_eq!(scanned.lines.len(), 2);
        // An unknown directive ends them.
        let scanned = scan("# foo=bar\n# escape=`\nFROM a\n").unwrap();
        assert!(scanned.directives.is_empty());
        assert_eq!(scanned.escape, '\\');
    }

    #[test]
    fn bad_directives_are_errors() {
        let e = scan("# escape=x\nFROM a\n").unwrap_err();
        assert_eq!(e.at, 9);
        assert!(e.message.contains("invalid escape character `x`"));
        let e = scan("# syntax=a\n# syntax=b\nFROM a\n").unwrap_err();
        assert_eq!(e.at, 11);
    }

    #[test]
    fn heredocs_are_read_in_order() {
        let text = "FROM a\nRUN <<EOF cat > /a && 3<<-'TWO' cat > /b\necho 1\n\tFROM x\nEOF\n\tin two\n\tTWO\nCMD [\"x\"]\n";
        let scanned = scan(text).unwrap();
        assert_eq!(scanned.lines.len(), 3);
        let run = &scanned.lines[1];
        assert_eq!(run.heredocs.len(), 2);
        assert_eq!(run.heredocs[0].name, "EOF");
        assert_eq!(run.heredocs[0].body.text, "echo 1\n\tFROM x\n");
        assert_eq!(run.heredocs[1].name, "TWO");
        assert!(run.heredocs[1].quoted && run.heredocs[1].strip_tabs);
        assert_eq!(run.heredocs[1].body.text, "in two\n");
        let at = run.heredocs[1].body.offset(0);
        assert_eq!(&text[at..at + 6], "in two");
        assert_eq!(scanned.lines[2].keyword, "CMD");
    }

    #[test]
    fn here_strings_and_quoted_markers_are_no_heredocs() {
        let scanned = scan("FROM a\nRUN cat <<<\"x\" && echo '<<EOF' \"<<X\"\nUSER a\n").unwrap();
        assert!(scanned.lines[1].heredocs.is_empty());
        assert_eq!(scanned.lines.len(), 3);
        // Heredocs belong to RUN, COPY and ADD only.
        let scanned = scan("FROM a\nLABEL a=<<EOF\nUSER a\n").unwrap();
        assert_eq!(scanned.lines.len(), 3);
    }

    #[test]
    fn an_unterminated_heredoc_is_an_error_at_its_marker() {
        let e = scan("FROM a\nRUN <<EOF\necho\n").unwrap_err();
        assert_eq!(e.at, 11);
        assert!(e.message.contains("heredoc `EOF`"));
    }

    #[test]
    fn crlf_bom_and_a_continuation_at_the_end() {
        let text = "\u{feff}FROM a\r\nRUN x \\\r\n";
        let scanned = scan(text).unwrap();
        assert_eq!(scanned.lines[0].keyword_at, 3);
        assert_eq!(scanned.lines[1].rest.text, "x ");
        assert!(scan("").unwrap().lines.is_empty());
        assert!(scan("\n\n# only\n").unwrap().lines.is_empty());
    }
}
