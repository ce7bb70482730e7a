//! The driver every client shares: expression text in, exit status out,
//! with diagnostics written to the given stream. The CLI fills an
//! [`Invocation`] from its arguments; the engine never sees clap types.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use crate::exit::Exit;
use crate::io_error::describe;
use crate::plan::{Context, Plan, ProcSubMode};
use crate::report::diagnostic::{Source, render, render_warning};
use crate::report::{explain, status, summary};
use crate::run::{Event, RunOptions, run_with};
use crate::syntax::parse;
use crate::transport::Kind;

/// One run of pipe-run, as the user asked for it.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The expression text: bytes, as the argument or file holds them (a
    /// file name written in it need not be UTF-8).
    pub text: Vec<u8>,
    /// Where the text came from, for diagnostics (a file for `-f`).
    pub origin: Option<String>,
    /// `$0`.
    pub zero: OsString,
    /// `$1`, `$2`, ...
    pub args: Vec<OsString>,
    pub pipefail: bool,
    pub nounset: bool,
    pub quiet: bool,
    pub explain: bool,
    /// Run in this directory (`-C`).
    pub chdir: Option<PathBuf>,
    /// Leave running what the stages started in the background.
    pub keep_orphans: bool,
    /// The transport of every edge whose attributes name none (`--via`).
    pub via: Kind,
    /// How substitutions in arguments are named (`--procsub`).
    pub procsub: ProcSubMode,
}

/// Parse, plan, then explain or run; report problems to `err`.
pub fn execute(inv: Invocation, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    let source = Source {
        text: &inv.text,
        origin: inv.origin.as_deref(),
    };
    let tree = match parse(&inv.text) {
        Ok(tree) => tree,
        Err(e) => {
            let _ =
                err.write_all(render(&source, e.span, &e.message, e.help.as_deref()).as_bytes());
            return Exit::code(2);
        }
    };
    if let Some(dir) = &inv.chdir
        && let Err(e) = std::env::set_current_dir(dir)
    {
        let _ = writeln!(
            err,
            "pipe-run: cannot change directory to {}: {}",
            dir.display(),
            describe(&e)
        );
        return Exit::code(2);
    }
    let mut context = Context::from_process(inv.zero, inv.args, inv.nounset);
    context.via = inv.via;
    context.procsub = inv.procsub;
    if inv.chdir.is_some()
        && let Ok(dir) = std::env::current_dir()
    {
        context.vars.set("PWD", dir.into_os_string());
    }
    let plan = match Plan::build(&tree, &context) {
        Ok(plan) => plan,
        Err(e) => {
            let _ =
                err.write_all(render(&source, e.span, &e.message, e.help.as_deref()).as_bytes());
            return Exit::code(e.exit_code());
        }
    };
    for w in &plan.warnings {
        if !inv.quiet {
            let text = render_warning(&source, w.span, &w.message, w.help.as_deref());
            let _ = err.write_all(text.as_bytes());
        }
    }
    if inv.explain {
        let written = out
            .write_all(explain::explain(&plan).as_bytes())
            .and_then(|()| out.flush());
        if let Err(e) = written {
            let _ = writeln!(err, "pipe-run: cannot write the plan: {}", describe(&e));
            return Exit::code(125);
        }
        return Exit::code(0);
    }
    let options = RunOptions {
        end_leftovers: !inv.keep_orphans,
        ..RunOptions::default()
    };
    let quiet = inv.quiet;
    let mut told = |event: Event| match event {
        Event::Granted { edge, granted } if !quiet => {
            let _ = writeln!(err, "pipe-run: {}", summary::granted(&plan, edge, granted));
        }
        Event::Granted { .. } => {}
    };
    let outcome = run_with(&plan, &options, &mut told);
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => {
            let _ = writeln!(err, "pipe-run: {e}");
            return Exit::code(e.exit_code());
        }
    };
    for (i, stage) in outcome.stages.iter().enumerate() {
        if let Some(line) = summary::start_error(&plan, i, stage) {
            let _ = writeln!(err, "pipe-run: {line}");
        }
    }
    if !inv.quiet
        && let Some(line) = summary::leftovers(&outcome.leftovers)
    {
        let _ = writeln!(err, "pipe-run: {line}");
    }
    let verdict = status::verdict(&outcome, &plan.policy, inv.pipefail);
    if let Some(i) = verdict.blame {
        let stage = &outcome.stages[i];
        if !inv.quiet && stage.error.is_none() {
            let _ = writeln!(err, "pipe-run: {}", summary::failure(&plan, i, stage));
        }
    }
    Exit {
        code: verdict.code,
        raise: verdict.raise,
    }
}
