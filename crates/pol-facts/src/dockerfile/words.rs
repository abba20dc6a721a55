//! Words of an instruction's arguments, as BuildKit reads them: split on blanks outside
//! quotes, quotes removed, the escape character honoured; `--name=value` flags; the
//! JSON (exec) form `["a", "b"]`. Each word keeps the source offset of its text.

use super::Error;
use super::scan::Joined;

/// A word of the source, its quotes removed, and where its text starts.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Word {
    pub text: String,
    pub at: usize,
}

/// A range of an instruction's joined text.
pub(super) type Range = (usize, usize);

/// The ranges of the words of `j.text[from..]`, split on blanks outside quotes (an
/// unterminated quote runs to the end).
pub(super) fn split(j: &Joined, from: usize, escape: char) -> Vec<Range> {
    let bytes = j.text.as_bytes();
    let esc = escape as u8;
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<u8> = None;
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(b'"') if b == esc => i += 1,
            Some(_) => {}
            None if b == b' ' || b == b'\t' => {
                if let Some(s) = start.take() {
                    out.push((s, i));
                }
            }
            None => {
                start.get_or_insert(i);
                if b == b'"' || b == b'\'' {
                    quote = Some(b);
                } else if b == esc {
                    i += 1;
                }
            }
        }
        i += 1;
    }
    if let Some(s) = start {
        out.push((s, bytes.len()));
    }
    out
}

/// The text of a range without its quotes and escapes; an error at an unterminated
/// quote.
pub(super) fn unquote(j: &Joined, (start, end): Range, escape: char) -> Result<String, Error> {
    let text = j.text.get(start..end).unwrap_or("");
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' | '"' => {
                let mut closed = false;
                while let Some((_, d)) = chars.next() {
                    if d == c {
                        closed = true;
                        break;
                    }
                    if c == '"' && d == escape {
                        match chars.clone().next() {
                            Some((_, n)) if n == '"' || n == '$' || n == escape => {
                                out.push(n);
                                chars.next();
                            }
                            _ => out.push(d),
                        }
                        continue;
                    }
                    out.push(d);
                }
                if !closed {
                    let name = if c == '"' { "double" } else { "single" };
                    return Err(Error::new(
                        j.offset(start + i),
                        format!("this {name} quote is not closed"),
                    ));
                }
            }
            c if c == escape => {
                if let Some((_, n)) = chars.next() {
                    out.push(n);
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// The words of a range, unquoted.
pub(super) fn words(j: &Joined, from: usize, escape: char) -> Result<Vec<Word>, Error> {
    split(j, from, escape)
        .into_iter()
        .map(|r| word(j, r, escape))
        .collect()
}

/// One range as a word.
pub(super) fn word(j: &Joined, r: Range, escape: char) -> Result<Word, Error> {
    Ok(Word {
        text: unquote(j, r, escape)?,
        at: j.offset(r.0),
    })
}

/// The first `=` of a range outside quotes (and not escaped), as an offset.
pub(super) fn equals(j: &Joined, (start, end): Range, escape: char) -> Option<usize> {
    let bytes = j.text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = start;
    while i < end {
        let b = *bytes.get(i)?;
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == escape as u8 => i += 1,
            None if b == b'=' => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// A `--name=value` (or `--name`) flag.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Flag {
    pub name: String,
    pub name_at: usize,
    /// `None` for a flag without `=`.
    pub value: Option<Word>,
}

/// The leading flags of `j.text[from..]`, and the offset of what follows them.
pub(super) fn flags(j: &Joined, from: usize, escape: char) -> Result<(Vec<Flag>, usize), Error> {
    let mut out = Vec::new();
    let mut rest = j.text.len();
    for r in split(j, from, escape) {
        let raw = j.text.get(r.0..r.1).unwrap_or("");
        let Some(body) = raw.strip_prefix("--").filter(|b| !b.is_empty()) else {
            rest = r.0;
            break;
        };
        let flag = match equals(j, r, escape) {
            Some(eq) => Flag {
                name: body.get(..eq - r.0 - 2).unwrap_or("").to_owned(),
                name_at: j.offset(r.0),
                value: Some(word(j, (eq + 1, r.1), escape)?),
            },
            None => Flag {
                name: body.to_owned(),
                name_at: j.offset(r.0),
                value: None,
            },
        };
        out.push(flag);
    }
    Ok((out, rest))
}

/// The JSON (exec) form of `j.text[from..]`: an array of strings and nothing after it,
/// or `None` (BuildKit then reads the text as the shell form).
pub(super) fn json_array(j: &Joined, from: usize) -> Option<Vec<Word>> {
    let text = j.text.get(from..)?;
    let bytes = text.as_bytes();
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut i = 0;
    let skip = |i: &mut usize| {
        while bytes.get(*i).is_some_and(|&b| blank(b)) {
            *i += 1;
        }
    };
    skip(&mut i);
    if bytes.get(i) != Some(&b'[') {
        return None;
    }
    i += 1;
    let mut out = Vec::new();
    skip(&mut i);
    if bytes.get(i) == Some(&b']') {
        i += 1;
    } else {
        loop {
            skip(&mut i);
            if bytes.get(i) != Some(&b'"') {
                return None;
            }
            let start = i;
            i += 1;
            loop {
                match bytes.get(i)? {
                    b'\\' => i += 2,
                    b'"' => break,
                    _ => i += 1,
                }
            }
            i += 1;
            let decoded: String = serde_json::from_str(text.get(start..i)?).ok()?;
            out.push(Word {
                text: decoded,
                at: j.offset(from + start + 1),
            });
            skip(&mut i);
            match bytes.get(i)? {
                b',' => i += 1,
                b']' => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    skip(&mut i);
    (i == bytes.len()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(text: &str) -> Joined {
        Joined {
            text: text.to_owned(),
            at: (0..=text.len()).collect(),
        }
    }

    fn texts(text: &str) -> Vec<String> {
        let j = joined(text);
        words(&j, 0, '\\')
            .unwrap()
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn words_lose_their_quotes_and_escapes() {
        assert_eq!(
            texts(r#"a "b c" 'd e' f\ g "h\"i" 'j\k'"#),
            ["a", "b c", "d e", "f g", "h\"i", "j\\k"]
        );
        assert_eq!(texts(r#"x="a b"   y=c"#), ["x=a b", "y=c"]);
        let j = joined("a   bc");
        assert_eq!(words(&j, 0, '\\').unwrap()[1].at, 4);
    }

    #[test]
    fn an_unterminated_quote_is_an_error_at_the_quote() {
        let j = joined(r#"foo="bar baz"#);
        let e = words(&j, 0, '\\').unwrap_err();
        assert_eq!(e.at, 4);
        assert_eq!(e.message, "this double quote is not closed");
    }

    #[test]
    fn equals_outside_quotes() {
        let j = joined(r#""a=b"=c"#);
        assert_eq!(equals(&j, (0, j.text.len()), '\\'), Some(5));
        let j = joined("abc");
        assert_eq!(equals(&j, (0, 3), '\\'), None);
    }

    #[test]
    fn flags_come_first() {
        let j = joined("--from=build --link --chown=\"a b\" src dst");
        let (flags, rest) = flags(&j, 0, '\\').unwrap();
        assert_eq!(flags.len(), 3);
        assert_eq!(flags[0].name, "from");
        assert_eq!(flags[0].value.as_ref().unwrap().text, "build");
        assert_eq!(flags[0].value.as_ref().unwrap().at, 7);
        assert_eq!(flags[1].value, None);
        assert_eq!(flags[2].value.as_ref().unwrap().text, "a b");
        assert_eq!(&j.text[rest..], "src dst");
        let (none, rest) = self::flags(&joined("-- x"), 0, '\\').unwrap();
        assert!(none.is_empty());
        assert_eq!(rest, 0);
    }

    #[test]
    fn json_arrays_or_nothing() {
        let j = joined(r#" [ "a", "b \"c\"\u00e9" ]  "#);
        let words = json_array(&j, 0).unwrap();
        assert_eq!(words[0].text, "a");
        assert_eq!(words[0].at, 4);
        assert_eq!(words[1].text, "b \"c\"é");
        assert_eq!(json_array(&joined("[]"), 0).unwrap(), []);
        for shell in [
            r#"["a" "b"]"#,
            "[a]",
            r#"["a"] x"#,
            r#"["a""#,
            "echo [x]",
            r#"[1]"#,
        ] {
            assert_eq!(json_array(&joined(shell), 0), None, "{shell}");
        }
    }

    #[test]
    fn the_escape_character_can_be_a_backtick() {
        let j = joined(r"a`b c\d");
        let w = words(&j, 0, '`').unwrap();
        assert_eq!(w[0].text, "ab");
        assert_eq!(w[1].text, r"c\d");
    }
}
