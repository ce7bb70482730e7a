//! Stand-ins for the transport API being built on its own branch.

use std::io;
use std::path::{Path, PathBuf};

use super::Ends;

/// A kernel buffer smaller than asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Granted {
    pub asked: u64,
    pub got: u64,
}

#[derive(Debug)]
pub struct Opened {
    pub ends: Ends,
    pub granted: Option<Granted>,
}

#[derive(Debug)]
pub struct PrivateDir {
    path: PathBuf,
}

impl PrivateDir {
    pub fn create_at(path: &Path) -> io::Result<PrivateDir> {
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(path)
            .map(|()| PrivateDir {
                path: path.to_path_buf(),
            })
    }

    pub fn make_fifo_at(&self, path: &Path) -> io::Result<()> {
        nix::unistd::mkfifo(path, nix::sys::stat::Mode::from_bits_truncate(0o600))?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

use std::os::unix::fs::DirBuilderExt;

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
