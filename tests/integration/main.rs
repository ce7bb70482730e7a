//! Integration tests: the real `pipe-run` binary, driven as a user would,
//! asserting output bytes, error text, exit status and what is left behind.
//! One test binary, one module per topic.

mod support;

mod bash_differential;
mod chdir;
mod cleanup;
mod cli;
mod clobber;
mod differential;
mod environment;
mod fds;
mod files;
mod generated;
mod interpreter;
mod lexer_props;
mod make;
mod process_model;
mod procsub;
mod refusals;
mod signals;
mod syntax_bytes;
mod terminal;
mod transports;
mod versus;
