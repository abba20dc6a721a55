//! The commands of a `RUN` script, read as a POSIX shell reads them closely enough for
//! rules: words (quotes removed; `$(...)`, `${...}` and backquotes kept whole), split
//! into commands at `&&`, `||`, `;`, `&`, `|`, parentheses and line breaks; leading
//! keywords (`if`, `then`, `do`, ...) and variable assignments set apart; redirections
//! and their targets left out. Not a shell: no expansion, no functions, no `case`
//! patterns, and nothing is run.

use super::scan::Joined;
use super::words::Word;

/// One simple command.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Command {
    /// `A=b` assignments before the name.
    pub env: Vec<Word>,
    pub name: Word,
    pub args: Vec<Word>,
    /// Its output is piped (`|`, `|&`) into the next command.
    pub pipe: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(Word, bool),
    /// A separator: `|` (and `|&`) is a pipe.
    Sep(bool),
}

/// Keywords that may stand before a command.
const PREFIXES: &[&str] = &[
    "if", "then", "else", "elif", "do", "while", "until", "!", "{", "time",
];
/// Keywords that start a compound command whose words are no command.
const COMPOUND: &[&str] = &["for", "case", "select", "function"];
/// Keywords that end one.
const ENDS: &[&str] = &["fi", "done", "esac", "}"];

/// The commands of `j.text[from..to]`.
pub(super) fn commands(j: &Joined, from: usize, to: usize) -> Vec<Command> {
    let tokens = tokens(j, from, to);
    let mut out = Vec::new();
    let mut group: Vec<(Word, bool)> = Vec::new();
    for token in tokens.into_iter().chain([Token::Sep(false)]) {
        match token {
            Token::Word(w, assign) => group.push((w, assign)),
            Token::Sep(pipe) => {
                if let Some(c) = command(std::mem::take(&mut group), pipe) {
                    out.push(c);
                }
            }
        }
    }
    out
}

fn command(words: Vec<(Word, bool)>, pipe: bool) -> Option<Command> {
    let mut words = words.into_iter().peekable();
    while words
        .peek()
        .is_some_and(|(w, _)| PREFIXES.contains(&w.text.as_str()))
    {
        words.next();
    }
    let mut env = Vec::new();
    while let Some((w, _)) = words.next_if(|(_, assign)| *assign) {
        env.push(w);
    }
    let (name, _) = words.next()?;
    if COMPOUND.contains(&name.text.as_str()) || ENDS.contains(&name.text.as_str()) {
        return None;
    }
    Some(Command {
        env,
        name,
        args: words.map(|(w, _)| w).collect(),
        pipe,
    })
}

/// A word being read.
struct Reading {
    text: String,
    at: usize,
    /// Quoted or escaped so far.
    quoted: bool,
    /// An assignment: a name and `=`, before any quote.
    assign: bool,
    /// The word is the target of a redirection: left out.
    target: bool,
}

fn tokens(j: &Joined, from: usize, to: usize) -> Vec<Token> {
    let text = j.text.get(from..to.min(j.text.len())).unwrap_or("");
    let mut out = Vec::new();
    let mut word: Option<Reading> = None;
    let mut redirect_next = false;
    let mut chars = text.char_indices().peekable();
    let finish = |word: &mut Option<Reading>, out: &mut Vec<Token>, redirect: &mut bool| {
        if let Some(w) = word.take() {
            if !w.target {
                out.push(Token::Word(
                    Word {
                        text: w.text,
                        at: w.at,
                    },
                    w.assign,
                ));
            }
            *redirect = false;
        }
    };
    while let Some((i, c)) = chars.next() {
        let at = j.offset(from + i);
        match c {
            ' ' | '\t' | '\r' => finish(&mut word, &mut out, &mut redirect_next),
            '\n' | ';' | '(' | ')' => {
                finish(&mut word, &mut out, &mut redirect_next);
                out.push(Token::Sep(false));
            }
            '#' if word.is_none() => while chars.next_if(|&(_, c)| c != '\n').is_some() {},
            '&' | '|' if !(c == '&' && chars.peek().is_some_and(|&(_, n)| n == '>')) => {
                finish(&mut word, &mut out, &mut redirect_next);
                let pipe = c == '|' && chars.next_if(|&(_, n)| n == '|').is_none();
                if c == '&' {
                    chars.next_if(|&(_, n)| n == '&');
                } else if pipe {
                    chars.next_if(|&(_, n)| n == '&');
                }
                out.push(Token::Sep(pipe));
            }
            '<' | '>' | '&' => {
                // A redirection (`>`, `2>&1`, `&>`, `<<EOF`, `<<<`): an fd number read
                // as a word is part of it; its target is the next word.
                if word
                    .as_ref()
                    .is_some_and(|w| !w.quoted && w.text.bytes().all(|b| b.is_ascii_digit()))
                {
                    word = None;
                }
                finish(&mut word, &mut out, &mut redirect_next);
                while chars
                    .next_if(|&(_, n)| matches!(n, '<' | '>' | '&' | '|' | '-'))
                    .is_some()
                {}
                redirect_next = true;
            }
            _ => {
                let w = word.get_or_insert_with(|| Reading {
                    text: String::new(),
                    at,
                    quoted: false,
                    assign: false,
                    target: redirect_next,
                });
                read_char(c, &mut chars, w);
            }
        }
    }
    finish(&mut word, &mut out, &mut redirect_next);
    out
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

/// Adds a character of a word (and what it opens: quotes, `$(`, `${`, backquotes).
fn read_char(c: char, chars: &mut Chars<'_>, w: &mut Reading) {
    match c {
        '\'' => {
            w.quoted = true;
            for (_, d) in chars.by_ref() {
                if d == '\'' {
                    break;
                }
                w.text.push(d);
            }
        }
        '"' => {
            w.quoted = true;
            while let Some((_, d)) = chars.next() {
                match d {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some((_, n @ ('"' | '\\' | '$' | '`'))) => w.text.push(n),
                        Some((_, '\n')) => {}
                        Some((_, n)) => {
                            w.text.push('\\');
                            w.text.push(n);
                        }
                        None => w.text.push('\\'),
                    },
                    '$' if chars.peek().is_some_and(|&(_, n)| n == '(') => {
                        w.text.push('$');
                        nested(chars, w, '(', ')');
                    }
                    d => w.text.push(d),
                }
            }
        }
        '\\' => {
            w.quoted = true;
            match chars.next() {
                Some((_, '\n')) | None => {}
                Some((_, n)) => w.text.push(n),
            }
        }
        '$' if chars.peek().is_some_and(|&(_, n)| n == '(' || n == '{') => {
            w.text.push('$');
            let open = chars.peek().map_or('(', |&(_, n)| n);
            nested(chars, w, open, if open == '(' { ')' } else { '}' });
        }
        '`' => {
            w.text.push('`');
            for (_, d) in chars.by_ref() {
                w.text.push(d);
                if d == '`' {
                    break;
                }
            }
        }
        '=' if !w.quoted && !w.assign => {
            w.assign = is_name(&w.text);
            w.text.push('=');
        }
        c => w.text.push(c),
    }
}

/// Copies a bracketed part (`$(...)`, `${...}`) whole, nested brackets and quotes
/// within it included; the opening bracket is next.
fn nested(chars: &mut Chars<'_>, w: &mut Reading, open: char, close: char) {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (_, d) in chars.by_ref() {
        w.text.push(d);
        match quote {
            Some(q) if d == q => quote = None,
            Some(_) => {}
            None if d == '\'' || d == '"' => quote = Some(d),
            None if d == open => depth += 1,
            None if d == close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return;
                }
            }
            None => {}
        }
    }
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(script: &str) -> Vec<(Vec<String>, String, Vec<String>, bool)> {
        let j = Joined {
            text: script.to_owned(),
            at: (0..=script.len()).collect(),
        };
        commands(&j, 0, script.len())
            .into_iter()
            .map(|c| {
                (
                    c.env.into_iter().map(|w| w.text).collect(),
                    c.name.text,
                    c.args.into_iter().map(|w| w.text).collect(),
                    c.pipe,
                )
            })
            .collect()
    }

    fn names(script: &str) -> Vec<String> {
        run(script).into_iter().map(|c| c.1).collect()
    }

    #[test]
    fn commands_split_at_operators() {
        assert_eq!(
            names("apt-get update&&apt-get install -y x;rm -rf /a || true & b\nc"),
            ["apt-get", "apt-get", "rm", "true", "b", "c"]
        );
        let cmds = run("curl -sSL https://x.sh | sudo bash -s -- -y");
        assert_eq!(cmds[0].1, "curl");
        assert!(cmds[0].3);
        assert_eq!(cmds[1].1, "sudo");
        assert_eq!(cmds[1].2, ["bash", "-s", "--", "-y"]);
        assert!(!cmds[1].3);
        assert!(!run("a || b")[0].3);
        assert!(run("a |& b")[0].3);
    }

    #[test]
    fn assignments_keywords_and_redirections() {
        let cmds = run("if [ \"$A\" = x ]; then export B=1 ; fi");
        assert_eq!(
            names("if [ \"$A\" = x ]; then export B=1 ; fi"),
            ["[", "export"]
        );
        assert_eq!(cmds[1].2, ["B=1"]);
        let cmds = run("PIP_TRUSTED_HOST='a b' X=1 pip install -r r.txt > /dev/null 2>&1");
        assert_eq!(cmds[0].0, ["PIP_TRUSTED_HOST=a b", "X=1"]);
        assert_eq!(cmds[0].1, "pip");
        assert_eq!(cmds[0].2, ["install", "-r", "r.txt"]);
        assert_eq!(names("for x in a b; do echo $x; done"), ["echo"]);
        assert_eq!(run("cat <<EOF >/etc/x")[0].2, Vec::<String>::new());
        assert_eq!(run("echo a&>/dev/null")[0].2, ["a"]);
        assert_eq!(run("\"A\"=1 x")[0].1, "A=1");
    }

    #[test]
    fn quotes_substitutions_and_comments() {
        let cmds = run(r#"echo "a \"b\" $(x "y z") c" 'd e' f\ g $(h | i) ${j:-k} `l m` # no"#);
        assert_eq!(
            cmds[0].2,
            [
                r#"a "b" $(x "y z") c"#,
                "d e",
                "f g",
                "$(h | i)",
                "${j:-k}",
                "`l m`"
            ]
        );
        assert_eq!(cmds.len(), 1);
        assert_eq!(names("(cd /a && make)"), ["cd", "make"]);
    }

    #[test]
    fn words_keep_their_offsets() {
        let j = Joined {
            text: "a  bb".to_owned(),
            at: vec![10, 11, 20, 21, 22, 23],
        };
        let cmds = commands(&j, 0, 5);
        assert_eq!(cmds[0].name.at, 10);
        assert_eq!(cmds[0].args[0].at, 21);
    }
}
