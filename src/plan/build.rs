//! Building the plan: expand every word, resolve every program, check every
//! redirection. It touches no file and starts nothing, so any error leaves
//! the world as it was.

use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use super::Plan;
use super::clobber;
use super::context::Context;
use super::edge::{Carries, Edge};
use super::error::{PlanError, PlanErrorKind};
use super::interpreter::{self, BadInterpreter};
use super::redirect::{FdAction, FdModel, OpenMode, path_from};
use super::resolve::{ResolveError, builtin_hint, resolve};
use super::stage::Stage;
use crate::expand::{ExpandError, expand_assignment, expand_single, expand_words};
use crate::syntax::ast::{Command, ConnectorKind, Pipeline, RedirOp, Redirect};
use crate::syntax::redirect::{DupTarget, parse_dup_target};
use crate::transport::Transport;

pub fn build(pipeline: &Pipeline, context: &Context) -> Result<Plan, PlanError> {
    let mut edges = Vec::with_capacity(pipeline.connectors.len());
    for (i, connector) in pipeline.connectors.iter().enumerate() {
        if let Some(attributes) = &connector.attributes {
            return Err(PlanError::new(
                PlanErrorKind::Usage,
                attributes.span,
                "edge attributes `|[...]` are not supported yet",
            )
            .help("write a plain `|` (a space before `[` makes it the `[` command)"));
        }
        edges.push(Edge {
            from: i,
            to: i + 1,
            carries: match connector.kind {
                ConnectorKind::Stdout => Carries::Stdout,
                ConnectorKind::StdoutAndStderr => Carries::StdoutAndStderr,
            },
            transport: Transport::default(),
        });
    }
    let count = pipeline.stages.len();
    let mut programs = Programs::default();
    let mut created = HashSet::new();
    let stages = pipeline
        .stages
        .iter()
        .enumerate()
        .map(|(i, command)| {
            let piped_in = i > 0;
            let piped_out = i + 1 < count;
            stage(
                command,
                context,
                piped_in,
                piped_out,
                &mut programs,
                &mut created,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let warnings = clobber::check(&stages)?.into_iter().collect();
    Ok(Plan {
        stages,
        edges,
        closed_std_fds: context.closed_std_fds.clone(),
        warnings,
    })
}

/// Programs already resolved in this plan, by name and `PATH`: a chain of
/// fifty `cat`s searches `PATH` once, as a shell's command hash would. The
/// same goes for checking a script's interpreter.
#[derive(Default)]
struct Programs {
    found: HashMap<(Vec<u8>, Option<OsString>), Result<PathBuf, ResolveError>>,
    interpreters: HashMap<(PathBuf, Option<OsString>), Result<(), BadInterpreter>>,
}

impl Programs {
    fn resolve(&mut self, name: &[u8], path_var: Option<&OsStr>) -> Result<PathBuf, ResolveError> {
        self.found
            .entry((name.to_vec(), path_var.map(OsStr::to_os_string)))
            .or_insert_with(|| resolve(name, path_var))
            .clone()
    }

    fn check_interpreter(
        &mut self,
        program: &Path,
        path_var: Option<&OsStr>,
    ) -> Result<(), BadInterpreter> {
        self.interpreters
            .entry((program.to_path_buf(), path_var.map(OsStr::to_os_string)))
            .or_insert_with(|| interpreter::check(program, path_var))
            .clone()
    }
}

fn expand_error(e: ExpandError) -> PlanError {
    let err = PlanError::new(PlanErrorKind::Usage, e.span, e.message);
    match e.help {
        Some(help) => err.help(help),
        None => err,
    }
}

fn stage(
    command: &Command,
    context: &Context,
    piped_in: bool,
    piped_out: bool,
    programs: &mut Programs,
    created: &mut HashSet<PathBuf>,
) -> Result<Stage, PlanError> {
    let vars = &context.vars;
    // Each assignment sees the ones before it (`A=1 B=$A`), as in sh; the
    // command's own words and redirections see none of them.
    let mut seen = vars.clone();
    let mut assignments = Vec::new();
    for a in &command.assignments {
        let value = expand_assignment(&a.value, &seen).map_err(expand_error)?;
        let (name, value) = (OsString::from(&a.name), OsString::from_vec(value));
        seen.set(name.clone(), value.clone());
        assignments.push((name, value));
    }
    let env = seen.env;
    let argv: Vec<OsString> = expand_words(&command.words, vars)
        .map_err(expand_error)?
        .into_iter()
        .map(OsString::from_vec)
        .collect();
    let mut redirects = Vec::with_capacity(command.redirects.len());
    for r in &command.redirects {
        redirects.push(fd_action(r, context)?);
    }

    let mut model = FdModel::new(&context.inherited_fds);
    if piped_in {
        model.set_open(0);
    }
    if piped_out {
        model.set_open(1);
    }
    for action in &redirects {
        model.apply(action, created)?;
    }

    let Some(name) = argv.first() else {
        let message = if command.words.is_empty() {
            "this stage has no command"
        } else {
            "the command expands to nothing"
        };
        return Err(PlanError::new(PlanErrorKind::Usage, command.span, message));
    };
    let path_var = env.get(OsStr::new("PATH"));
    let name_bytes = name.as_encoded_bytes();
    let name_span = command.words[0].span;
    let program = programs.resolve(name_bytes, path_var).map_err(|e| {
        let shown = name.to_string_lossy();
        match e {
            ResolveError::NotFound => {
                let err = PlanError::new(
                    PlanErrorKind::NotFound,
                    name_span,
                    format!("{shown}: command not found"),
                );
                match builtin_hint(name_bytes) {
                    Some(hint) => err.help(hint),
                    None => err,
                }
            }
            ResolveError::NotExecutable { path, reason } => PlanError::new(
                PlanErrorKind::NotExecutable,
                name_span,
                format!("{}: {reason}", path.display()),
            ),
        }
    })?;
    programs
        .check_interpreter(&program, path_var)
        .map_err(|e| {
            let kind = if e.is_missing() {
                PlanErrorKind::NotFound
            } else {
                PlanErrorKind::NotExecutable
            };
            PlanError::new(
                kind,
                name_span,
                format!("{}: bad interpreter: {e}", program.display()),
            )
        })?;
    Ok(Stage {
        program,
        argv,
        assignments,
        env,
        redirects,
        span: command.span,
    })
}

fn fd_action(r: &Redirect, context: &Context) -> Result<FdAction, PlanError> {
    let fd = r.target_fd();
    let target = expand_single(&r.target, &context.vars).map_err(expand_error)?;
    let span = r.span;
    let mode = match r.op {
        RedirOp::Read => OpenMode::Read,
        RedirOp::Write => OpenMode::Write,
        RedirOp::Append => OpenMode::Append,
        RedirOp::ReadWrite => OpenMode::ReadWrite,
        RedirOp::DupIn | RedirOp::DupOut => {
            return match parse_dup_target(&target) {
                Some(DupTarget::Fd(from)) => Ok(FdAction::Dup { fd, from, span }),
                Some(DupTarget::Close) => Ok(FdAction::Close { fd, span }),
                None => Err(PlanError::new(
                    PlanErrorKind::Redirect,
                    r.target.span,
                    format!(
                        "bad fd number `{}`: `<&` and `>&` take one digit 0-9 or `-`",
                        String::from_utf8_lossy(&target)
                    ),
                )),
            };
        }
    };
    Ok(FdAction::Open {
        fd,
        path: path_from(target),
        mode,
        span,
    })
}
