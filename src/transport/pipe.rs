//! The anonymous pipe transport.

use std::io;
use std::os::fd::AsFd;

use nix::fcntl::OFlag;
use nix::unistd::pipe2;

use super::{Ends, Opened, buffer_size};

/// A kernel pipe, close-on-exec from birth (`pipe2(O_CLOEXEC)`): only the
/// stage that gets an end by `dup2` keeps it across exec. With `size`, the
/// pipe's buffer is resized (`F_SETPIPE_SZ`).
pub fn open(size: Option<u64>) -> io::Result<Opened> {
    let (reader, writer) = pipe2(OFlag::O_CLOEXEC)?;
    let granted = match size {
        Some(asked) => buffer_size::set_pipe(writer.as_fd(), asked)?,
        None => None,
    };
    Ok(Opened {
        ends: Ends { reader, writer },
        granted,
    })
}
