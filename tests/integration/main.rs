//! Integration tests: the real `pipe-run` binary, driven as a user would,
//! asserting output bytes, error text, exit status and what is left behind.
//! One test binary, one module per topic.

mod support;

mod chdir;
mod cli;
mod differential;
mod fds;
mod generated;
mod lexer_props;
mod make;
mod refusals;
mod signals;
mod terminal;
