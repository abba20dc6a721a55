//! What both sides of pol share, and every program that consumes its decisions: the
//! [`Decision`] of an evaluation with its findings and runtime errors, and the
//! [`ShapeNode`]s of what a program reads of its input, the [`glob`] dialect, positions
//! ([`LineCol`], and the [`LineIndex`] of a text's lines), and the
//! [`render`]ing of decisions in every output format (with what it needs of
//! [`suppress`]ion). A leaf crate (serde, serde_json, quick-xml and globset only):
//! the compiler (`pol-compiler` writes shapes), the bytecode (`pol-bytecode` stores
//! them), the input readers (`pol-facts` loads by them), the VM (`pol-vm` makes
//! decisions) and the facade (`pol`, which renders decisions) depend on it, and it on
//! none of them. The CLI, the tests and any embedder render decisions through it (the
//! facade re-exports it as `pol::render`).
//!
//! API boundary: these types are part of the `.polc` format (shapes) and of pol's
//! output (decisions); changing them changes both.

pub mod decision;
mod glob;
mod lines;
mod position;
pub mod render;
mod shape;
pub mod suppress;

pub use decision::{Decision, EvalError, Finding, InputLocation, Name, PolicyLocation};
pub use glob::glob;
pub use lines::{LineIndex, line_col_of_byte};
pub use position::LineCol;
pub use shape::ShapeNode;
