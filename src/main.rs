//! The `pipe-run` command: arguments in, exit status out.

mod cli;

use std::ffi::OsString;

use clap::Parser;
use cli::Cli;
use pipe_run::app::{Invocation, execute};
use pipe_run::exit::Exit;

fn main() {
    let mut argv: Vec<OsString> = std::env::args_os().collect();
    // Options come first; the expression (or, with `-f FILE`, the first
    // parameter) starts the operands, and every operand is taken as is,
    // even `-q` or `--help`: a `#!/usr/bin/env -S pipe-run -f` script and
    // `pipe-run 'grep -- "$1"' -v` get their arguments intact.
    let (start, skip) = operands_start(&argv);
    let operands = argv.split_off(start);
    argv.truncate(start - skip);
    let mut cli = Cli::parse_from(argv);
    cli.args.extend(operands);
    let exit = match invocation(cli) {
        Ok(inv) => execute(inv, &mut std::io::stdout(), &mut std::io::stderr()),
        Err(message) => {
            eprintln!("pipe-run: {message}");
            Exit::code(2)
        }
    };
    exit.terminate()
}

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
        let takes_file = if arg == b"--file" {
            Some(2)
        } else if arg.starts_with(b"--file=") {
            Some(1)
        } else if !arg.starts_with(b"--") {
            // In a cluster like `-qf`, `-f` takes the rest as FILE, or the
            // next argument when it is last.
            arg.iter()
                .position(|&b| b == b'f')
                .map(|at| if at + 1 == arg.len() { 2 } else { 1 })
        } else {
            None
        };
        if let Some(n) = takes_file {
            return ((i + n).min(argv.len()), 0);
        }
        i += 1;
    }
    (argv.len(), 0)
}

/// Turn the arguments into an invocation: where the expression comes from,
/// and what `$0` and the positional parameters are.
fn invocation(cli: Cli) -> Result<Invocation, String> {
    let mut args = cli.args.into_iter();
    let (text, origin, zero) = match cli.file {
        Some(path) => {
            let text =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let text = String::from_utf8(text)
                .map_err(|_| format!("{} is not valid UTF-8", path.display()))?;
            let shown = path.display().to_string();
            (text, Some(shown), path.into_os_string())
        }
        None => {
            let text = args
                .next()
                .ok_or("no expression given (try `pipe-run --help`)")?
                .into_string()
                .map_err(
                    |_| "the expression is not valid UTF-8 (pass such values as arguments: \"$1\")",
                )?;
            (text, None, OsString::from("pipe-run"))
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
    })
}
