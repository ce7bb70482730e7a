//! The anonymous pipe transport.

use std::io;

use nix::fcntl::OFlag;
use nix::unistd::pipe2;

use super::Ends;

/// A kernel pipe, close-on-exec from birth (`pipe2(O_CLOEXEC)`): only the
/// stage that gets an end by `dup2` keeps it across exec.
pub fn open() -> io::Result<Ends> {
    let (reader, writer) = pipe2(OFlag::O_CLOEXEC)?;
    Ok(Ends { reader, writer })
}
