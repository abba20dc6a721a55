//! `Digest`: the SHA-256 that names a compiled program — of its `.polc` file, what
//! `sha256sum` prints for that file.

use crate::encode::encode;
use crate::program::Program;
use sha2::{Digest as _, Sha256};

/// A SHA-256 digest. Of a whole `.polc` file, it names the compiled policy set: the
/// same sources built by the same pol give the same bytes, so the same digest, and
/// [`Program::digest`] of a program in memory is the digest of its file.
///
/// Displays as 64 lowercase hexadecimal digits, as `sha256sum` prints it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The SHA-256 digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        Digest(Sha256::digest(bytes).into())
    }

    /// The 32 bytes of the digest.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Display for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Digest({self})")
    }
}

impl Program {
    /// The digest of the program's `.polc` file: [`Digest::of`]`(&`[`encode`]`(self))`.
    /// A program compiled in memory and the same program built into a file and loaded
    /// have the same digest, and it is what `sha256sum` prints for the file.
    ///
    /// This encodes the whole program: compute it once and keep it. For a program
    /// loaded from bytes, [`Digest::of`] those bytes is the same for every file pol
    /// writes and costs no encoding (see [`decode`](crate::decode)).
    pub fn digest(&self) -> Digest {
        Digest::of(&encode(self))
    }
}
