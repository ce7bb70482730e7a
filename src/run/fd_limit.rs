//! The open-file limit: every redirection's file is opened before the first
//! stage starts, so a pipeline with many of them needs more fds than the
//! usual soft limit of 1024. For the run, pipe-run raises its soft limit to
//! the hard limit; each stage gets the limit pipe-run started with back
//! before exec (some programs size tables by it, or use `select`), and the
//! guard puts pipe-run's own back when the run ends.

/// The limit raised for the run; dropping it restores the original.
pub struct RaisedLimit {
    original: libc::rlimit,
}

impl RaisedLimit {
    /// Raise the soft limit to the hard one, if it is lower. `None` when
    /// nothing changed.
    pub fn raise() -> Option<RaisedLimit> {
        let mut original = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into the struct passed.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut original) } != 0
            || original.rlim_cur >= original.rlim_max
        {
            return None;
        }
        let raised = libc::rlimit {
            rlim_cur: original.rlim_max,
            rlim_max: original.rlim_max,
        };
        // SAFETY: setrlimit reads the struct passed.
        (unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0)
            .then_some(RaisedLimit { original })
    }

    /// The limit each stage gets back.
    pub fn original(&self) -> libc::rlimit {
        self.original
    }
}

impl Drop for RaisedLimit {
    fn drop(&mut self) {
        // SAFETY: setrlimit reads the struct passed.
        unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &self.original) };
    }
}
