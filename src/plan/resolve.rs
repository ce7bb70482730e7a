//! Finding the program a stage names, as `sh` does: a name with a `/` is a
//! path; any other name is searched in `PATH` (an empty entry is the current
//! directory). Found-but-not-executable is told apart from not found, since
//! the two have different exit statuses (126 and 127).

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use nix::unistd::{AccessFlags, access};

/// dash's search path when `PATH` is unset.
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    NotFound,
    /// A file by that name exists but cannot be run; the reason says why.
    NotExecutable {
        path: PathBuf,
        reason: &'static str,
    },
}

/// Resolve `name` against `path_var` (the stage's `PATH`).
pub fn resolve(name: &[u8], path_var: Option<&OsStr>) -> Result<PathBuf, ResolveError> {
    if name.is_empty() {
        return Err(ResolveError::NotFound);
    }
    if name.contains(&b'/') {
        let path = PathBuf::from(OsString::from_vec(name.to_vec()));
        return check_executable(&path).map(|()| path);
    }
    let search = path_var.unwrap_or(OsStr::new(DEFAULT_PATH));
    let mut first_unrunnable = None;
    for dir in search.as_bytes().split(|&b| b == b':') {
        let dir = if dir.is_empty() { b"." as &[u8] } else { dir };
        let mut candidate = PathBuf::from(OsStr::from_bytes(dir));
        candidate.push(OsStr::from_bytes(name));
        match check_executable(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(err @ ResolveError::NotExecutable { reason, .. })
                if reason != IS_A_DIRECTORY && first_unrunnable.is_none() =>
            {
                first_unrunnable = Some(err);
            }
            Err(_) => {}
        }
    }
    Err(first_unrunnable.unwrap_or(ResolveError::NotFound))
}

const IS_A_DIRECTORY: &str = "Is a directory";

/// Can `path` itself be executed? Not found, found but not runnable (a
/// directory, no permission), or yes.
pub fn check_executable(path: &Path) -> Result<(), ResolveError> {
    let Ok(meta) = path.metadata() else {
        return Err(ResolveError::NotFound);
    };
    let unrunnable = |reason| ResolveError::NotExecutable {
        path: path.to_path_buf(),
        reason,
    };
    if meta.is_dir() {
        return Err(unrunnable(IS_A_DIRECTORY));
    }
    if access(path, AccessFlags::X_OK).is_err() {
        return Err(unrunnable("Permission denied"));
    }
    Ok(())
}

/// Shell builtins that have no program of their own: a clearer hint than
/// "not found" for the user who wrote `cd dir | ...`.
pub fn builtin_hint(name: &[u8]) -> Option<String> {
    const BUILTINS: &[&str] = &[
        ".", "alias", "bg", "cd", "declare", "eval", "exec", "exit", "export", "fg", "jobs", "let",
        "local", "read", "readonly", "return", "set", "shift", "source", "trap", "typeset",
        "ulimit", "umask", "unalias", "unset", "wait",
    ];
    let name = std::str::from_utf8(name).ok()?;
    BUILTINS.contains(&name).then(|| {
        format!("`{name}` is a shell builtin, not a program: to use it, run a shell as a stage: sh -c '...'")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn finds_in_path_and_tells_126_from_127() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("tool"), "").unwrap();
        std::fs::write(b.join("tool"), "").unwrap();
        std::fs::set_permissions(b.join("tool"), std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = std::env::join_paths([&a, &b]).unwrap();
        assert_eq!(resolve(b"tool", Some(&path)).unwrap(), b.join("tool"));
        let only_a = a.as_os_str();
        // As root, a file without any x bit is still not executable.
        assert!(matches!(
            resolve(b"tool", Some(only_a)),
            Err(ResolveError::NotExecutable { .. })
        ));
        assert_eq!(resolve(b"nope", Some(&path)), Err(ResolveError::NotFound));
        assert!(matches!(
            resolve(a.as_os_str().as_bytes(), None),
            Err(ResolveError::NotExecutable {
                reason: IS_A_DIRECTORY,
                ..
            })
        ));
    }
}
