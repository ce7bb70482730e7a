//! The command line, as clap definitions. The doc comments here are the one
//! source of `--help`, the man page and the shell completions
//! (`cargo run --example generate` rewrites `man/` and `completions/`).

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use pipe_run::plan::ProcSubMode;
use pipe_run::transport::Kind;

/// `--via`: a transport kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Via {
    Pipe,
    Fifo,
    Sock,
    Seqpacket,
}

impl From<Via> for Kind {
    fn from(via: Via) -> Kind {
        match via {
            Via::Pipe => Kind::Pipe,
            Via::Fifo => Kind::Fifo,
            Via::Sock => Kind::Sock,
            Via::Seqpacket => Kind::Seqpacket,
        }
    }
}

/// `--procsub`: how substitutions are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProcSub {
    Devfd,
    Fifo,
}

impl From<ProcSub> for ProcSubMode {
    fn from(how: ProcSub) -> ProcSubMode {
        match how {
            ProcSub::Devfd => ProcSubMode::DevFd,
            ProcSub::Fifo => ProcSubMode::Fifo,
        }
    }
}

pub const AFTER_HELP: &str = "\
Examples:
  pipe-run 'seq 1 100 | grep 7 | wc -l'
  pipe-run 'grep -- \"$1\" \"$2\" | wc -l' \"$pattern\" file.txt
  pipe-run 'make 2>&1 | tee build.log'
  pipe-run --explain 'sort < in.txt | uniq -c > out.txt'
  pipe-run -C build 'ls *.o | wc -l'
  pipe-run 'diff <(sort a.txt) <(sort b.txt)'
  pipe-run 'producer | tee >(gzip > out.gz) | wc -l'
  pipe-run 'server |[sock,duplex] client'
  pipe-run 'producer |[fifo,size=1MiB] consumer'
  SHELL := pipe-run        (in a Makefile: recipes run as pipe-run -c '...')

Refused, with exit 2 and nothing run: ; & && || $(...) `...` $((...))
( ) { } here-documents, and keywords (if, for, while, case, !): run a
shell as one stage for those: pipe-run 'sh -c \"cd src && ls\" | wc -l'

Edge attributes, right after the pipe: |[pipe] |[fifo] |[sock]
|[seqpacket], with duplex (sockets: the reader's stdout flows back to
the writer's stdin) and size=SIZE (64KiB, 1MiB, bytes): a |[sock,size=1MiB] b

Exit status:
  0      every stage succeeded
  N      the status of the rightmost stage that failed (pipefail),
         stages of <(...) and >(...) included; with --no-pipefail,
         the main pipeline's last stage's status
  128+N  a stage killed by signal N; a stage whose stdout is an
         edge and is killed by SIGPIPE counts as success
         (`yes | head -1` exits 0)
  2      syntax or usage error, a bad -C DIR, a redirection that
         cannot be done, or a pipeline that reads a file it
         truncates; nothing was run
  125    pipe-run itself failed (pipe, fork, writing --explain)
  126    a program or its #! interpreter is not executable;
         nothing was run
  127    a program or its #! interpreter was not found; nothing
         was run
  128+N  pipe-run itself was sent signal N; it passes it on to the
         stages, waits for them, then dies of the same signal

The full manual: man pipe-run (in a source tree: man -l man/pipe-run.1).";

/// Run a shell-style pipeline without a shell.
///
/// pipe-run parses the expression (a POSIX sh subset: quoting, $VARIABLES,
/// globs, redirections, `|` and `|&`, process substitution), resolves every
/// program and checks every redirection before anything runs, then runs the
/// stages wired with pipes, FIFOs or socketpairs as each edge asks. Anything
/// outside the subset is refused with an error pointing at it.
#[derive(Debug, Default, Parser)]
#[command(
    name = "pipe-run",
    version,
    after_help = AFTER_HELP,
    override_usage = "pipe-run [OPTIONS] EXPRESSION [ARG]...\n       pipe-run [OPTIONS] -f FILE [ARG]...\n       pipe-run [OPTIONS] -c EXPRESSION [NAME [ARG]...]"
)]
pub struct Cli {
    /// Read the expression from FILE; every argument is then a positional
    /// parameter. For scripts starting with `#!/usr/bin/env -S pipe-run -f`.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        conflicts_with = "command"
    )]
    pub file: Option<PathBuf>,

    /// As `sh -c`: the first operand is the expression, the next one is
    /// `$0`, and the rest are `$1`, `$2`, ... With this, `SHELL :=
    /// pipe-run` in a Makefile runs every recipe line as a pipeline.
    #[arg(short = 'c')]
    pub command: bool,

    /// Run in DIR: programs named with a `/`, redirections and globs are
    /// taken relative to it, and `$PWD` is set to it. Checked before
    /// anything runs. `-f FILE` is still read from where pipe-run started.
    #[arg(short = 'C', long = "chdir", value_name = "DIR")]
    pub chdir: Option<PathBuf>,

    /// Leave running what the stages started in the background. By
    /// default, processes still running when the pipeline is over are sent
    /// SIGTERM, then SIGKILL after 2 seconds, and pipe-run says how many.
    #[arg(long)]
    pub keep_orphans: bool,

    /// Accepted for `.SHELLFLAGS = -ec` (make's POSIX mode): pipe-run runs
    /// one pipeline, and its status is already the pipeline's.
    #[arg(short = 'e', hide = true)]
    pub errexit: bool,

    /// The transport of every `|` whose `|[...]` names none: `pipe` (the
    /// default), `fifo` (a named FIFO in a private directory), `sock` (a
    /// socketpair) or `seqpacket` (a socketpair that keeps each write one
    /// message).
    #[arg(long, value_name = "KIND", value_enum)]
    pub via: Option<Via>,

    /// How `<(...)` and `>(...)` in an argument are named: `devfd`
    /// (`/dev/fd/N`, the default where the system has /dev/fd) or `fifo` (a
    /// named FIFO in the run's private directory, for programs that close
    /// the fds they inherit).
    #[arg(long, value_name = "HOW", value_enum)]
    pub procsub: Option<ProcSub>,

    /// Print the validated plan (programs, argv, connections, redirections)
    /// and run nothing.
    #[arg(long)]
    pub explain: bool,

    /// Exit with the last stage's status only, as plain sh does.
    #[arg(long)]
    pub no_pipefail: bool,

    /// Treat expanding an unset variable as an error (exit 2).
    #[arg(short = 'u', long)]
    pub nounset: bool,

    /// Do not print which stage failed, the processes ended after the
    /// pipeline, nor warnings.
    #[arg(short, long)]
    pub quiet: bool,

    /// The pipeline (unless -f is given), then the values of $1, $2, ...
    /// Everything after the expression is a parameter, even if it starts
    /// with `-`.
    #[arg(value_name = "EXPRESSION [ARG]...")]
    pub args: Vec<OsString>,
}
