//! pipe-run runs shell-style pipelines without a shell.
//!
//! The flow is the layout: expression text becomes a syntax tree
//! ([`syntax`]), the tree is expanded and checked into a validated plan
//! ([`plan`]), the plan is run ([`run`]), and the run ends in an outcome that
//! a client renders ([`report`]). Nothing is spawned and no output file is
//! opened until the whole plan has validated.
//!
//! ```
//! use pipe_run::plan::{Context, Plan};
//! use pipe_run::report::status::verdict;
//! use pipe_run::run::{RunOptions, run};
//!
//! let tree = pipe_run::syntax::parse("printf 'a\\nb\\n' | grep -q \"$1\"").unwrap();
//! let context = Context::from_process("pipe-run".into(), vec!["b".into()], false);
//! let plan = Plan::build(&tree, &context).unwrap();
//! let outcome = run(&plan, &RunOptions::default()).unwrap();
//! assert_eq!(verdict(&outcome, &plan.policy, true).code, 0);
//! ```

pub mod app;
pub mod environment;
pub mod exit;
pub mod expand;
pub mod io_error;
pub mod plan;
pub mod report;
pub mod run;
pub mod startup;
pub mod syntax;
pub mod transport;

/// The README's Rust example runs as a doc test, so it stays true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
