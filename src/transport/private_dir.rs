//! pipe-run's private directory: one per run, made only when a named FIFO
//! is needed, readable and writable by its owner alone.

use std::ffi::{OsStr, OsString};
use std::fs::OpenOptions;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use nix::errno::Errno;
use nix::sys::stat::{FchmodatFlags, Mode, fchmod, fchmodat, fstat};
use nix::unistd::{AccessFlags, UnlinkatFlags, access, geteuid};

/// A directory under `$TMPDIR` (or `/tmp`), mode 0700,
/// owned by pipe-run's effective user. Entries are made and removed through
/// the directory's fd; dropping it removes every entry it made and the
/// directory itself.
#[derive(Debug)]
pub struct PrivateDir {
    path: PathBuf,
    fd: OwnedFd,
    made: Mutex<Made>,
    removed: bool,
}

/// The names made in the directory so far, and the number for the next.
#[derive(Debug, Default)]
struct Made {
    next: u64,
    names: Vec<OsString>,
}

impl PrivateDir {
    /// Make the directory under `$TMPDIR` when that is an absolute path to a
    /// writable directory, else under `/tmp`. Refuses a directory that is not
    /// ours or not mode 0700 once made.
    pub fn create() -> io::Result<PrivateDir> {
        let path = nix::unistd::mkdtemp(&base().join("pipe-run.XXXXXX"))?;
        PrivateDir::adopt(path)
    }

    /// Make the directory at `path`, a name chosen beforehand (the plan
    /// names it, since FIFO paths appear in arguments). `mkdir` fails if
    /// anything is there already, so nothing prepared in advance is used.
    pub fn create_at(path: &Path) -> io::Result<PrivateDir> {
        nix::unistd::mkdir(path, Mode::S_IRWXU)?;
        PrivateDir::adopt(path.to_path_buf())
    }

    /// Take charge of a directory just made: open it, make it mode 0700,
    /// and check that it is ours.
    fn adopt(path: PathBuf) -> io::Result<PrivateDir> {
        let dir = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW)
            .open(&path);
        let dir = match dir {
            Ok(dir) => PrivateDir {
                path,
                fd: dir.into(),
                made: Mutex::default(),
                removed: false,
            },
            Err(e) => {
                let _ = std::fs::remove_dir(&path);
                return Err(e);
            }
        };
        // mkdtemp asks for 0700, which the umask may narrow: set it outright.
        fchmod(dir.fd.as_fd(), Mode::S_IRWXU)?;
        let stat = fstat(dir.fd.as_fd())?;
        if stat.st_uid != geteuid().as_raw() || stat.st_mode & 0o7777 != 0o700 {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "{}: not a private directory (owner or mode changed)",
                    dir.path.display()
                ),
            ));
        }
        Ok(dir)
    }

    /// Where the directory is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A new FIFO in the directory, mode 0600, for a program to open by
    /// path (process substitution). It stays until [`super::remove_fifo`]
    /// or until the directory goes.
    pub fn make_fifo(&self) -> io::Result<PathBuf> {
        Ok(self.path.join(self.new_fifo()?))
    }

    /// Make a FIFO at `path`, a name in this directory chosen beforehand,
    /// mode 0600.
    pub fn make_fifo_at(&self, path: &Path) -> io::Result<()> {
        let name = match (path.parent(), path.file_name()) {
            (Some(parent), Some(name)) if parent == self.path => name,
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a FIFO outside the private directory",
                ));
            }
        };
        let mut made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        nix::unistd::mkfifoat(self.fd.as_fd(), name, Mode::S_IRUSR | Mode::S_IWUSR)?;
        made.names.push(name.to_os_string());
        fchmodat(
            self.fd.as_fd(),
            name,
            Mode::S_IRUSR | Mode::S_IWUSR,
            FchmodatFlags::FollowSymlink,
        )?;
        Ok(())
    }

    /// Make a FIFO under a name not used before in this directory, mode
    /// 0600, and give its name.
    pub(super) fn new_fifo(&self) -> io::Result<OsString> {
        let mut made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let name = OsString::from(format!("fifo.{}", made.next));
            made.next += 1;
            match nix::unistd::mkfifoat(
                self.fd.as_fd(),
                name.as_os_str(),
                Mode::S_IRUSR | Mode::S_IWUSR,
            ) {
                Ok(()) => {
                    made.names.push(name.clone());
                    // The directory is ours alone, so the name is the FIFO
                    // just made; the umask may have narrowed its mode.
                    fchmodat(
                        self.fd.as_fd(),
                        name.as_os_str(),
                        Mode::S_IRUSR | Mode::S_IWUSR,
                        FchmodatFlags::FollowSymlink,
                    )?;
                    return Ok(name);
                }
                // Only pipe-run's user can write here, but never clobber.
                Err(Errno::EEXIST) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// The directory's fd, for `*at` calls on its entries.
    pub(super) fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// Remove the entry `name`; one already gone is not an error.
    pub(super) fn unlink(&self, name: &OsStr) -> io::Result<()> {
        match nix::unistd::unlinkat(self.fd.as_fd(), name, UnlinkatFlags::NoRemoveDir) {
            Ok(()) | Err(Errno::ENOENT) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Remove every entry made and the directory, saying what went wrong.
    pub fn remove(mut self) -> io::Result<()> {
        self.removed = true;
        self.clean()
    }

    fn clean(&self) -> io::Result<()> {
        let made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        let mut first = Ok(());
        for name in &made.names {
            if let Err(e) = self.unlink(name) {
                first = first.and(Err(e));
            }
        }
        match std::fs::remove_dir(&self.path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => first.and(Err(e)),
            _ => first,
        }
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        if !self.removed {
            let _ = self.clean();
        }
    }
}

/// Where private directories go: `$TMPDIR` when it is an absolute path to a
/// writable directory, else `/tmp`.
pub fn base() -> PathBuf {
    match std::env::var_os("TMPDIR") {
        Some(dir) if usable(Path::new(&dir)) => PathBuf::from(dir),
        _ => PathBuf::from("/tmp"),
    }
}

fn usable(dir: &Path) -> bool {
    dir.is_absolute() && dir.is_dir() && access(dir, AccessFlags::W_OK | AccessFlags::X_OK).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};

    #[test]
    fn the_directory_is_mode_0700_and_ours() {
        let dir = PrivateDir::create().unwrap();
        let meta = std::fs::symlink_metadata(dir.path()).unwrap();
        assert!(meta.is_dir());
        assert_eq!(meta.permissions().mode() & 0o7777, 0o700);
        let name = dir.path().file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with("pipe-run."), "{name}");
        assert!(dir.path().is_absolute());
    }

    #[test]
    fn a_fifo_is_mode_0600_with_a_new_name_each_time() {
        let dir = PrivateDir::create().unwrap();
        let a = dir.make_fifo().unwrap();
        let b = dir.make_fifo().unwrap();
        assert_ne!(a, b);
        for fifo in [&a, &b] {
            assert_eq!(fifo.parent(), Some(dir.path()));
            let meta = std::fs::symlink_metadata(fifo).unwrap();
            assert!(meta.file_type().is_fifo());
            assert_eq!(meta.permissions().mode() & 0o7777, 0o600);
        }
    }

    #[test]
    fn drop_removes_the_directory_with_its_fifos() {
        let dir = PrivateDir::create().unwrap();
        let path = dir.path().to_path_buf();
        dir.make_fifo().unwrap();
        dir.make_fifo().unwrap();
        drop(dir);
        assert!(!path.exists());
    }

    #[test]
    fn remove_removes_the_directory_and_tolerates_gone_fifos() {
        let dir = PrivateDir::create().unwrap();
        let path = dir.path().to_path_buf();
        let fifo = dir.make_fifo().unwrap();
        dir.make_fifo().unwrap();
        std::fs::remove_file(fifo).unwrap();
        dir.remove().unwrap();
        assert!(!path.exists());
    }

    #[test]
    fn only_absolute_writable_directories_are_usable() {
        assert!(usable(Path::new("/tmp")));
        assert!(!usable(Path::new("tmp")));
        assert!(!usable(Path::new("")));
        assert!(!usable(Path::new("/nonexistent/pipe-run")));
        assert!(!usable(Path::new("/proc/self/status")));
    }
}
