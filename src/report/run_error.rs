//! A run that could not go ahead, in words.

use std::fmt;

use crate::io_error::describe;
use crate::plan::redirect::show;
use crate::run::{Doing, RunError};

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Redirect { path, mode, error } => write!(
                f,
                "cannot {} {}: {}",
                mode.verb(),
                show(path),
                describe(error)
            ),
            RunError::Internal { doing, error } => {
                write!(f, "{}: {}", doing_words(*doing), describe(error))
            }
        }
    }
}

fn doing_words(doing: Doing) -> String {
    match doing {
        Doing::InstallSignals => "installing signal handlers".into(),
        Doing::BecomeSubreaper => "becoming the stages' subreaper".into(),
        Doing::CreatePrivateDir => "creating the private directory".into(),
        Doing::OpenEdge(kind) => format!("opening a {} edge", kind.name()),
        Doing::MakeFifo => "creating a FIFO".into(),
        Doing::WireEdge => "wiring an edge".into(),
        Doing::Spawn => "starting a stage".into(),
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use crate::plan::OpenMode;
    use crate::run::{Doing, RunError};
    use crate::transport::Kind;

    #[test]
    fn errors_print_as_words() {
        let e = RunError::Redirect {
            path: "out/x.txt".into(),
            mode: OpenMode::Write,
            error: io::Error::from_raw_os_error(libc::EACCES),
        };
        assert_eq!(e.to_string(), "cannot create out/x.txt: Permission denied");
        let e = RunError::Internal {
            doing: Doing::OpenEdge(Kind::Pipe),
            error: io::Error::from_raw_os_error(libc::EMFILE),
        };
        assert_eq!(e.to_string(), "opening a pipe edge: Too many open files");
    }
}
