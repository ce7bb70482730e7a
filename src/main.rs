//! The `pipe-run` command: arguments in, exit status out.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Parser;
use pipe_run::app::{Invocation, execute};
use pipe_run::exit::Exit;

const AFTER_HELP: &str = "\
Examples:
  pipe-run 'seq 1 100 | grep 7 | wc -l'
  pipe-run 'grep -- \"$1\" \"$2\" | wc -l' \"$pattern\" file.txt
  pipe-run 'make 2>&1 | tee build.log'
  pipe-run --explain 'sort < in.txt | uniq -c > out.txt'

Exit status:
  the status of the rightmost stage that failed (pipefail), or 0; with
  --no-pipefail, the last stage's status. A stage killed by signal N counts
  as 128+N, except that an earlier stage killed by SIGPIPE counts as success
  (`yes | head -1` exits 0).
  2    syntax or usage error, or a redirection that cannot be done;
       nothing was run
  125  pipe-run itself failed while running (pipe, fork)
  126  a program was found but cannot be executed; nothing was run
  127  a program was not found; nothing was run
  128+N  pipe-run was ended by signal N (after its stages ended)";

/// Run a shell-style pipeline without a shell.
///
/// pipe-run parses the expression (a POSIX sh subset: quoting, $VARIABLES,
/// globs, redirections, `|` and `|&`), resolves every program and checks
/// every redirection before anything runs, then runs the stages wired with
/// pipes. Anything outside the subset is refused with an error pointing at it.
#[derive(Debug, Parser)]
#[command(
    name = "pipe-run",
    version,
    after_help = AFTER_HELP,
    override_usage = "pipe-run [OPTIONS] EXPRESSION [ARG]...\n       pipe-run [OPTIONS] -f FILE [ARG]..."
)]
struct Cli {
    /// Read the expression from FILE; every argument is then a positional
    /// parameter. For scripts starting with `#!/usr/bin/env -S pipe-run -f`.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    file: Option<PathBuf>,

    /// Print the validated plan (programs, argv, connections, redirections)
    /// and run nothing.
    #[arg(long)]
    explain: bool,

    /// Exit with the last stage's status only, as plain sh does.
    #[arg(long)]
    no_pipefail: bool,

    /// Treat expanding an unset variable as an error (exit 2).
    #[arg(short = 'u', long)]
    nounset: bool,

    /// Do not print which stage failed.
    #[arg(short, long)]
    quiet: bool,

    /// The pipeline (unless -f is given), then the values of $1, $2, ...
    /// Everything after the expression is a parameter, even if it starts
    /// with `-`.
    #[arg(value_name = "EXPRESSION [ARG]...")]
    args: Vec<OsString>,
}

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
