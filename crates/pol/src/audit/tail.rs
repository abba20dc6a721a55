//! Reading the last line of a log from its end (to chain a new run after its last
//! record) from any reader that seeks: `pol eval --decision-log` and `pol serve`.

use super::MAX_LINE;
use std::io::{Read, Seek, SeekFrom};

/// Why the last line of a log cannot be read.
#[derive(Debug)]
pub enum TailError {
    /// Reading failed.
    Io(std::io::Error),
    /// The log does not end with a newline: a write that did not finish.
    Incomplete,
    /// Its last line is longer than [`MAX_LINE`] bytes.
    TooLong,
}

impl std::fmt::Display for TailError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TailError::Io(e) => write!(f, "cannot read it: {e}"),
            TailError::Incomplete => f.write_str(
                "cannot append to it: its last line is incomplete (a write that did not finish); check it with `pol log verify`",
            ),
            TailError::TooLong => write!(
                f,
                "cannot append to it: its last line is longer than {MAX_LINE} bytes"
            ),
        }
    }
}

impl std::error::Error for TailError {}

/// The last line of a log of `len` bytes, without its newline, read from the end in
/// growing pieces (a log of a million records is not read whole).
pub fn last_line<R: Read + Seek>(file: &mut R, len: u64) -> Result<Vec<u8>, TailError> {
    let max = u64::try_from(MAX_LINE)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut size: u64 = 64 << 10;
    loop {
        let take = size.min(len);
        file.seek(SeekFrom::Start(len - take))
            .map_err(TailError::Io)?;
        let mut tail = Vec::new();
        Read::by_ref(file)
            .take(take)
            .read_to_end(&mut tail)
            .map_err(TailError::Io)?;
        let Some(body) = tail.strip_suffix(b"\n") else {
            return Err(TailError::Incomplete);
        };
        if let Some(start) = body.iter().rposition(|&b| b == b'\n') {
            return Ok(body.get(start + 1..).unwrap_or_default().to_vec());
        }
        if take == len {
            return Ok(body.to_vec());
        }
        if take >= max {
            return Err(TailError::TooLong);
        }
        size = size.saturating_mul(4);
    }
}
