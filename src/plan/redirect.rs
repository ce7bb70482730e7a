//! Redirections of a planned stage, and their checks before anything runs.
//!
//! The checks replay the redirections in order on a model of the stage's fd
//! table, so `2>&1 >f` and `>f 2>&1` are told apart exactly as sh would, and
//! a duplication from a closed fd is refused before any stage starts.

use std::collections::HashSet;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use nix::unistd::{AccessFlags, access};

use super::error::{PlanError, PlanErrorKind};
use crate::syntax::Span;

/// Highest fd a redirection can name: sh takes one digit.
pub const MAX_FD: u32 = 9;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// `<`
    Read,
    /// `>`, `>|`: create or truncate.
    Write,
    /// `>>`: create or append.
    Append,
    /// `<>`: create, read and write.
    ReadWrite,
}

impl OpenMode {
    /// What a failure to open the file is called: `cannot open f` for an
    /// input, `cannot create f` for the rest (dash's words).
    pub fn verb(self) -> &'static str {
        match self {
            OpenMode::Read => "open",
            _ => "create",
        }
    }
}

/// One step of a stage's fd setup, applied in order after its edges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FdAction {
    Open {
        fd: u32,
        path: PathBuf,
        mode: OpenMode,
        span: Span,
    },
    Dup {
        fd: u32,
        from: u32,
        span: Span,
    },
    Close {
        fd: u32,
        span: Span,
    },
    /// Put an end of edge `edge` on `fd`: a redirection whose target is a
    /// process substitution, `cat < <(cmd)`.
    Edge {
        fd: u32,
        edge: super::edge::EdgeId,
        span: Span,
    },
}

impl FdAction {
    pub fn span(&self) -> Span {
        match self {
            FdAction::Open { span, .. }
            | FdAction::Dup { span, .. }
            | FdAction::Close { span, .. }
            | FdAction::Edge { span, .. } => *span,
        }
    }
}

/// The stage's fd table as the checks see it: which of fds 0-9 are open.
#[derive(Debug, Clone, Copy)]
pub struct FdModel {
    open: [bool; MAX_FD as usize + 1],
}

impl FdModel {
    /// Start from the fds a stage inherits from pipe-run.
    pub fn new(inherited: &[u32]) -> FdModel {
        let mut open = [false; MAX_FD as usize + 1];
        for &fd in inherited.iter().filter(|&&fd| fd <= MAX_FD) {
            open[fd as usize] = true;
        }
        FdModel { open }
    }

    pub fn set_open(&mut self, fd: u32) {
        self.open[fd as usize] = true;
    }

    /// Check one action and apply it to the model. `created` holds the
    /// files that redirections before this one will create: files are
    /// opened in order, so a later `<` may read one of them.
    pub fn apply(
        &mut self,
        action: &FdAction,
        created: &mut HashSet<PathBuf>,
    ) -> Result<(), PlanError> {
        match action {
            FdAction::Open {
                fd,
                path,
                mode,
                span,
            } => {
                if !(*mode == OpenMode::Read && created.contains(path)) {
                    check_path(path, *mode, *span)?;
                }
                if *mode != OpenMode::Read {
                    created.insert(path.clone());
                }
                self.open[*fd as usize] = true;
            }
            FdAction::Dup { fd, from, span } => {
                if !self.open[*from as usize] {
                    return Err(PlanError::new(
                        PlanErrorKind::Redirect,
                        *span,
                        format!("{from}: Bad file descriptor: fd {from} is not open here"),
                    ));
                }
                self.open[*fd as usize] = true;
            }
            FdAction::Close { fd, .. } => self.open[*fd as usize] = false,
            FdAction::Edge { fd, .. } => self.open[*fd as usize] = true,
        }
        Ok(())
    }
}

/// Would opening `path` this way work? Checked before anything is opened, so
/// a bad redirection anywhere in the pipeline leaves every file untouched.
fn check_path(path: &Path, mode: OpenMode, span: Span) -> Result<(), PlanError> {
    let fail = |why: &str| {
        Err(PlanError::new(
            PlanErrorKind::Redirect,
            span,
            format!("cannot {} {}: {why}", mode.verb(), show(path)),
        ))
    };
    if path.as_os_str().is_empty() {
        return fail("the file name is empty");
    }
    let errno_text = |e: nix::errno::Errno| crate::io_error::describe_errno(e as i32);
    match path.metadata() {
        Ok(meta) => {
            let wanted = match mode {
                OpenMode::Read => AccessFlags::R_OK,
                OpenMode::Write | OpenMode::Append => AccessFlags::W_OK,
                OpenMode::ReadWrite => AccessFlags::R_OK | AccessFlags::W_OK,
            };
            if meta.is_dir() && mode != OpenMode::Read {
                return fail("Is a directory");
            }
            if let Err(e) = access(path, wanted) {
                return fail(&errno_text(e));
            }
        }
        Err(_) if mode == OpenMode::Read => return fail("No such file or directory"),
        Err(_) => {
            let parent = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            if !parent.is_dir() {
                return fail("Directory nonexistent");
            }
            if let Err(e) = access(parent, AccessFlags::W_OK | AccessFlags::X_OK) {
                return fail(&errno_text(e));
            }
        }
    }
    Ok(())
}

/// A path for messages: lossy is fine there.
pub fn show(path: &Path) -> String {
    String::from_utf8_lossy(path.as_os_str().as_bytes()).into_owned()
}

/// Turn expanded bytes into a path.
pub fn path_from(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(OsString::from_vec(bytes))
}
