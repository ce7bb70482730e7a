//! A script's `#!` interpreter, checked before anything runs.
//!
//! A script whose interpreter is missing is found and executable, so program
//! resolution accepts it, and only `execve` would fail: after the other
//! stages had started and truncated their output files. So validation reads
//! the `#!` line as the kernel does (the first 256 bytes; the interpreter is
//! the first word after `#!`, separated by spaces or tabs; the rest of the
//! line is one optional argument) and checks that the interpreter exists
//! (127 if not) and is executable (126). For `#!/usr/bin/env NAME`, env
//! would fail the same way after the run started, so NAME is looked up in
//! the stage's `PATH` too. A file that cannot be read, or has no usable `#!`
//! line (the kernel then refuses it and pipe-run runs it with `/bin/sh`), is
//! left alone.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs::OpenOptions;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::resolve::{ResolveError, check_executable, resolve};

/// How much of a file the kernel reads to find its `#!` line
/// (`BINPRM_BUF_SIZE`).
const LINE_MAX: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadInterpreter {
    /// The interpreter does not exist: exit 127, as for a missing program.
    Missing { interpreter: PathBuf },
    /// It exists but cannot be executed: exit 126.
    NotExecutable {
        interpreter: PathBuf,
        reason: &'static str,
    },
    /// `#!/usr/bin/env NAME`, and NAME is not in the stage's `PATH`: 127.
    EnvNotFound { name: OsString },
    /// `#!/usr/bin/env NAME`, and the NAME found cannot be executed: 126.
    EnvNotExecutable { path: PathBuf, reason: &'static str },
}

impl BadInterpreter {
    /// Missing (127) rather than there but not runnable (126)?
    pub fn is_missing(&self) -> bool {
        matches!(
            self,
            BadInterpreter::Missing { .. } | BadInterpreter::EnvNotFound { .. }
        )
    }
}

impl fmt::Display for BadInterpreter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadInterpreter::Missing { interpreter } => {
                write!(f, "{}: No such file or directory", interpreter.display())
            }
            BadInterpreter::NotExecutable {
                interpreter,
                reason,
            } => write!(f, "{}: {reason}", interpreter.display()),
            BadInterpreter::EnvNotFound { name } => {
                write!(f, "env cannot find {} in PATH", name.to_string_lossy())
            }
            BadInterpreter::EnvNotExecutable { path, reason } => {
                write!(f, "env cannot run {}: {reason}", path.display())
            }
        }
    }
}

/// Check the interpreter of `program`, if it is a script; `path_var` is the
/// stage's `PATH`.
pub fn check(program: &Path, path_var: Option<&OsStr>) -> Result<(), BadInterpreter> {
    let Some(head) = read_head(program) else {
        return Ok(());
    };
    let Some((interpreter, argument)) = parse(&head) else {
        return Ok(());
    };
    let interpreter = Path::new(OsStr::from_bytes(interpreter));
    match check_executable(interpreter) {
        Ok(()) => {}
        Err(ResolveError::NotFound) => {
            return Err(BadInterpreter::Missing {
                interpreter: interpreter.to_path_buf(),
            });
        }
        Err(ResolveError::NotExecutable { reason, .. }) => {
            return Err(BadInterpreter::NotExecutable {
                interpreter: interpreter.to_path_buf(),
                reason,
            });
        }
    }
    let Some(name) = argument.filter(|_| interpreter.file_name() == Some(OsStr::new("env"))) else {
        return Ok(());
    };
    // Only the plain form: the kernel passes the rest of the line as one
    // argument, and an option (`-S`), an assignment or several words make
    // env do something else than run NAME.
    let plain = !name.starts_with(b"-") && !name.contains(&b'=') && !name.contains(&b' ');
    if !plain {
        return Ok(());
    }
    match resolve(name, path_var) {
        Ok(_) => Ok(()),
        Err(ResolveError::NotFound) => Err(BadInterpreter::EnvNotFound {
            name: OsStr::from_bytes(name).to_os_string(),
        }),
        Err(ResolveError::NotExecutable { path, reason }) => {
            Err(BadInterpreter::EnvNotExecutable { path, reason })
        }
    }
}

/// The first bytes of `program`, padded with NULs as the kernel's buffer
/// is, or `None` if it is not a regular file or cannot be read.
fn read_head(program: &Path) -> Option<Vec<u8>> {
    // Non-blocking, so that an executable FIFO or terminal cannot hang the
    // check before it is found not to be a regular file.
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(program)
        .ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut head = Vec::with_capacity(LINE_MAX);
    file.take(LINE_MAX as u64).read_to_end(&mut head).ok()?;
    head.resize(LINE_MAX, 0);
    Some(head)
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The interpreter and its optional argument from the start of a file (as
/// [`read_head`] gives it), split as the kernel does; `None` where the
/// kernel would not run the file as a script (no `#!`, no interpreter name,
/// or a name cut off at 256 bytes).
fn parse(head: &[u8]) -> Option<(&[u8], Option<&[u8]>)> {
    let rest = head.strip_prefix(b"#!")?;
    let line = match rest.iter().position(|&b| b == b'\n') {
        Some(end) => &rest[..end],
        // No newline in the buffer: the name must end before it does.
        None => {
            let start = rest.iter().position(|&b| !is_blank(b))?;
            rest[start..].iter().position(|&b| is_blank(b) || b == 0)?;
            rest
        }
    };
    let start = line.iter().position(|&b| !is_blank(b))?;
    let line = &line[start..];
    let end = line.iter().position(|&b| is_blank(b) || b == 0);
    let name = &line[..end.unwrap_or(line.len())];
    let argument = match end {
        Some(end) if line[end] != 0 => {
            let arg = &line[end..];
            let arg = &arg[..arg.iter().position(|&b| b == 0).unwrap_or(arg.len())];
            let first = arg.iter().position(|&b| !is_blank(b));
            let last = arg.iter().rposition(|&b| !is_blank(b));
            first.zip(last).map(|(first, last)| &arg[first..=last])
        }
        _ => None,
    };
    Some((name, argument))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(head: &[u8]) -> Option<(String, Option<String>)> {
        let mut head = head.to_vec();
        head.resize(LINE_MAX.max(head.len()), 0);
        parse(&head).map(|(name, arg)| {
            let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            (text(name), arg.map(text))
        })
    }

    #[test]
    fn splits_the_line_as_the_kernel_does() {
        let some = |n: &str, a: Option<&str>| Some((n.to_string(), a.map(str::to_string)));
        assert_eq!(parsed(b"#!/bin/sh\necho"), some("/bin/sh", None));
        assert_eq!(parsed(b"#!/bin/sh -e\n"), some("/bin/sh", Some("-e")));
        assert_eq!(
            parsed(b"#! \t/usr/bin/env  python3 -u \t\nx"),
            some("/usr/bin/env", Some("python3 -u"))
        );
        assert_eq!(parsed(b"#!/bin/sh   \n"), some("/bin/sh", None));
        assert_eq!(parsed(b"#!/bin/sh"), some("/bin/sh", None));
        assert_eq!(
            parsed(b"#!/usr/bin/env sh"),
            some("/usr/bin/env", Some("sh"))
        );
        assert_eq!(parsed(b"#!/bin/sh\0 -e\n"), some("/bin/sh", None));
    }

    #[test]
    fn no_script_where_the_kernel_sees_none() {
        assert_eq!(parsed(b"echo hi\n"), None);
        assert_eq!(parsed(b"\x7fELF"), None);
        assert_eq!(parsed(b"#!\n/bin/sh"), None);
        assert_eq!(parsed(b"#!   \n"), None);
        // A name running to the end of the 256 bytes was cut off.
        let long = [b"#!/".as_slice(), &[b'a'; LINE_MAX - 3]].concat();
        assert_eq!(parsed(&long), None);
    }
}
