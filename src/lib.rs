//! pipe-run runs shell-style pipelines without a shell.
//!
//! The flow is the layout: expression text becomes a syntax tree
//! ([`syntax`]), the tree is expanded and checked into a validated plan
//! ([`plan`]), the plan is run ([`run`]), and the run ends in an outcome that
//! a client renders ([`report`]). Nothing is spawned and no output file is
//! opened until the whole plan has validated.

pub mod syntax;
