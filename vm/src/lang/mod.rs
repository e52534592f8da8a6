//! Front end: Python source -> S0 AST (with line:col errors), the AST itself,
//! the pretty-printer, and the observable-outcome contract.

pub mod ast;
pub mod limits;
pub mod outcome;
pub mod parse;
pub mod scope;
pub mod unparse;

pub use ast::*;
pub use outcome::{Ending, Outcome, Poison, RunResult};
pub use parse::{ParseError, parse_generated, parse_program};
pub use unparse::unparse;
pub mod bytecode;
pub mod compile;
