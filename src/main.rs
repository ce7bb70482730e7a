//! The `pipe-run` command: arguments in, exit status out.
//!
//! `main` is pipe-run's own, not the Rust runtime's: the runtime's start-up
//! spends most of its time finding the main thread's stack bounds (glibc
//! reads `/proc/self/maps`), about a tenth of a millisecond, which is a
//! good part of what a two-stage pipeline costs. What of that start-up
//! pipe-run relies on is done here instead: SIGPIPE ignored (a write to a
//! closed stdout fails with EPIPE), closed fds 0-2 reopened on `/dev/null`,
//! and a panic unwinds to here (so every guard kills and cleans up on the
//! way) and ends the process with status 101, as the runtime would.

// The test harness brings its own `main`.
#![cfg_attr(not(test), no_main)]

mod cli;

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::OsStringExt;

use clap::Parser;
use cli::Cli;
use pipe_run::app::{Invocation, execute};
use pipe_run::exit::Exit;
use pipe_run::io_error::describe;

/// Runs before the Rust runtime reopens closed fds 0-2 as `/dev/null`, to
/// record which ones the caller had closed (see `pipe_run::startup`).
#[used]
#[unsafe(link_section = ".init_array")]
static RECORD_STANDARD_FDS: extern "C" fn() = pipe_run::startup::record_standard_fds;

#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    pipe_run::startup::runtime_setup();
    match std::panic::catch_unwind(run) {
        Ok(exit) => exit.terminate(),
        Err(_) => 101,
    }
}

#[cfg_attr(test, allow(dead_code))]
fn run() -> Exit {
    let mut argv: Vec<OsString> = std::env::args_os().collect();
    // Options come first; the expression (or, with `-f FILE`, the first
    // parameter) starts the operands, and every operand is taken as is,
    // even `-q` or `--help`: a `#!/usr/bin/env -S pipe-run -f` script and
    // `pipe-run 'grep -- "$1"' -v` get their arguments intact.
    let (start, skip) = operands_start(&argv);
    let operands = argv.split_off(start);
    argv.truncate(start - skip);
    // Without options there is nothing for clap to do: the common case
    // skips its set-up.
    let mut cli = if argv.len() == 1 {
        Cli::default()
    } else {
        Cli::parse_from(argv)
    };
    cli.args.extend(operands);
    // A stdout that was closed when pipe-run started is /dev/null now:
    // writing to it must fail as it would have.
    let mut stdout: Box<dyn Write> = if pipe_run::startup::closed_standard_fds().contains(&1) {
        Box::new(Closed)
    } else {
        Box::new(std::io::stdout())
    };
    match invocation(cli) {
        Ok(inv) => execute(inv, &mut stdout, &mut std::io::stderr()),
        Err(message) => {
            eprintln!("pipe-run: {message}");
            Exit::code(2)
        }
    }
}

/// A writer for an fd that was closed: every write fails with EBADF.
struct Closed;

impl Write for Closed {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::from_raw_os_error(libc::EBADF))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Long options that take their value as the next argument (besides
/// `--file`, which also ends the options).
const VALUED: [&[u8]; 3] = [b"--chdir", b"--via", b"--procsub"];

/// Where the operands start in `argv`, and how many arguments before that
/// are not options (a `--`).
fn operands_start(argv: &[OsString]) -> (usize, usize) {
    let mut i = 1;
    while let Some(arg) = argv.get(i) {
        let arg = arg.as_encoded_bytes();
        if arg == b"--" {
            return (i + 1, 1);
        }
        if !arg.starts_with(b"-") || arg == b"-" {
            return (i, 0);
        }
        // How many arguments this option takes up, and whether it ends the
        // options: `-f FILE` does (the rest are parameters), `-C DIR` does
        // not.
        let (used, ends) = if arg == b"--file" {
            (2, true)
        } else if arg.starts_with(b"--file=") {
            (1, true)
        } else if VALUED.contains(&arg) {
            (2, false)
        } else if arg.starts_with(b"--") {
            (1, false)
        } else {
            // In a cluster like `-qf` or `-uC`, the first letter that takes
            // a value takes the rest of the cluster, or the next argument
            // when it is last.
            match arg.iter().position(|&b| b == b'f' || b == b'C') {
                Some(at) => (if at + 1 == arg.len() { 2 } else { 1 }, arg[at] == b'f'),
                None => (1, false),
            }
        };
        if ends {
            return ((i + used).min(argv.len()), 0);
        }
        i += used;
    }
    (argv.len().min(i), 0)
}

/// Turn the arguments into an invocation: where the expression comes from,
/// and what `$0` and the positional parameters are.
fn invocation(cli: Cli) -> Result<Invocation, String> {
    let mut args = cli.args.into_iter();
    let (text, origin, zero) = match cli.file {
        Some(path) => {
            let text = std::fs::read(&path)
                .map_err(|e| format!("cannot read {}: {}", path.display(), describe(&e)))?;
            let shown = path.display().to_string();
            (text, Some(shown), path.into_os_string())
        }
        None => {
            let text = args
                .next()
                .ok_or("no expression given (try `pipe-run --help`)")?
                .into_vec();
            // With -c, as with `sh -c`, the operand after the expression is
            // `$0`.
            let zero = match cli.command {
                true => args.next(),
                false => None,
            };
            (
                text,
                None,
                zero.unwrap_or_else(|| OsString::from("pipe-run")),
            )
        }
    };
    Ok(Invocation {
        text,
        origin,
        zero,
        args: args.collect(),
        pipefail: !cli.no_pipefail,
        nounset: cli.nounset,
        quiet: cli.quiet,
        explain: cli.explain,
        chdir: cli.chdir,
        keep_orphans: cli.keep_orphans,
        via: cli.via.map_or_else(Default::default, Into::into),
        procsub: cli.procsub.map_or_else(Default::default, Into::into),
    })
}
