//! A pipeline must not read a file that it also truncates.
//!
//! Every output file is opened, and truncated, before any stage runs; so in
//! `sort < f > f` or `cat < f | sort > f` the reader finds `f` already empty
//! and the data is lost. Such a plan is refused. Files are compared by
//! identity (device and inode), so `f`, `./f`, `d/../f` and a symlink to `f`
//! are the same file; only existing regular files count, since truncating a
//! device or a FIFO loses nothing, and a file that does not exist yet holds
//! nothing to lose (`printf x > new | cat < new` is allowed). `>>` and `<>`
//! do not truncate.
//!
//! A truncated file that a stage only names as an argument (`sort f > f`,
//! `cat f | sort > f`) may or may not be read by that program, so it is a
//! warning, not a refusal: at most one per plan.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use super::error::{PlanError, PlanErrorKind};
use super::redirect::{FdAction, OpenMode, show};
use super::stage::Stage;
use super::warning::PlanWarning;
use crate::syntax::Span;

/// Device and inode of an existing regular file.
type Identity = (u64, u64);

fn identity(path: &Path) -> Option<Identity> {
    path.metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| (m.dev(), m.ino()))
}

/// A `>` or `>|` of an existing regular file.
struct Truncation<'a> {
    stage: usize,
    path: &'a Path,
    span: Span,
    id: Identity,
}

/// Refuse a plan that reads a file it truncates; warn once about a truncated
/// file that a stage takes as an argument.
pub fn check(stages: &[&Stage]) -> Result<Option<PlanWarning>, PlanError> {
    let truncations: Vec<Truncation> = stages
        .iter()
        .enumerate()
        .flat_map(|(stage, s)| s.redirects.iter().map(move |action| (stage, action)))
        .filter_map(|(stage, action)| match action {
            FdAction::Open {
                path,
                mode: OpenMode::Write,
                span,
                ..
            } => identity(path).map(|id| Truncation {
                stage,
                path,
                span: *span,
                id,
            }),
            _ => None,
        })
        .collect();
    if truncations.is_empty() {
        return Ok(None);
    }
    refuse_reads(stages, &truncations)?;
    Ok(warn_about_arguments(stages, &truncations))
}

/// A `<` or `<>` of an existing regular file.
struct Reading<'a> {
    stage: usize,
    fd: u32,
    path: &'a Path,
    mode: OpenMode,
    id: Identity,
}

impl Reading<'_> {
    /// The redirection as written, give or take spaces: `< f`, `3<> f`.
    fn text(&self) -> String {
        let op = if self.mode == OpenMode::Read {
            "<"
        } else {
            "<>"
        };
        let fd = if self.fd == 0 {
            String::new()
        } else {
            self.fd.to_string()
        };
        format!("{fd}{op} {}", show(self.path))
    }
}

fn refuse_reads(stages: &[&Stage], truncations: &[Truncation]) -> Result<(), PlanError> {
    let mut readings = Vec::new();
    for (stage, s) in stages.iter().enumerate() {
        for action in &s.redirects {
            if let FdAction::Open {
                fd,
                path,
                mode: mode @ (OpenMode::Read | OpenMode::ReadWrite),
                ..
            } = action
                && let Some(id) = identity(path)
            {
                readings.push(Reading {
                    stage,
                    fd: *fd,
                    path,
                    mode: *mode,
                    id,
                });
            }
        }
    }
    for t in truncations {
        let Some(r) = readings.iter().find(|r| r.id == t.id) else {
            continue;
        };
        let reader = if r.stage == t.stage {
            "this stage".to_string()
        } else {
            format!("stage {} ({})", r.stage + 1, stages[r.stage].display())
        };
        let which = if r.path == t.path {
            "it"
        } else {
            "the same file"
        };
        return Err(PlanError::new(
            PlanErrorKind::Redirect,
            t.span,
            format!(
                "cannot truncate {}: {reader} reads {which} through `{}`",
                show(t.path),
                r.text()
            ),
        )
        .help(format!(
            "every file is opened before any stage runs, so {} would be empty before it is read; \
             write to another file and rename it afterwards",
            show(t.path)
        )));
    }
    Ok(())
}

fn warn_about_arguments(stages: &[&Stage], truncations: &[Truncation]) -> Option<PlanWarning> {
    for (index, stage) in stages.iter().enumerate() {
        for arg in stage.argv.iter().skip(1) {
            let Some(id) = identity(Path::new(arg)) else {
                continue;
            };
            let Some(t) = truncations.iter().find(|t| t.id == id) else {
                continue;
            };
            return Some(PlanWarning {
                span: t.span,
                message: format!(
                    "{} is emptied before any stage runs, and stage {} ({}) names {} as an argument",
                    show(t.path),
                    index + 1,
                    stage.display(),
                    if Path::new(arg) == t.path {
                        "it"
                    } else {
                        "the same file"
                    },
                ),
                help: Some(format!(
                    "if that stage reads {}, it finds it empty; to rewrite a file, \
                     write to another file and rename it afterwards",
                    show(Path::new(arg))
                )),
            });
        }
    }
    None
}
