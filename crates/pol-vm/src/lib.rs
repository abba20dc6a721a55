//! pol's register VM: runs compiled programs on input documents and returns decisions.
//!
//! This crate links no compiler: a program that only loads `.polc` files needs
//! `pol-bytecode`, `pol-facts` and this crate alone.
//!
//! The semantics are those of `docs/evaluation.md`: null propagation, SQL's
//! three-valued logic, structural equality, exact division, checked integer overflow,
//! and runtime errors that drop the path they happen on and make the decision fail
//! closed.

mod builders;
mod builtins;
mod consts;
mod copy;
mod data;
mod findings;
mod index;
mod iter;
mod json_in;
mod limits;
mod meter;
mod ops;
mod program;
mod required;
mod value;
mod vm;

pub use data::{Data, DataError};
pub use limits::{Limit, Limits, MAX_VALUE_DEPTH};
pub use program::{LoadedProgram, ProgramLoadError};
pub use vm::{DetachedEvaluator, Evaluator, OptionError, QueryError};
