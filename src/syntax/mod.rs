//! Step 1 of the flow: expression text to a syntax tree.
//!
//! The lexer and parser are pipe-run's own: shell word splitters cannot see
//! operators, and every token carries a byte span for diagnostics.

pub mod ast;
pub mod attributes;
pub mod error;
pub mod lexer;
pub mod parser;
pub mod redirect;
pub mod span;
pub mod token;

pub use ast::Pipeline;
pub use error::SyntaxError;
pub use parser::parse;
pub use span::Span;
