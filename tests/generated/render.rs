//! What `man/` and `completions/` must contain, rendered from the clap
//! definitions. Shared by the generator example and the drift test.

use clap::CommandFactory;
use clap_complete::Shell;

use super::cli::Cli;

/// Every generated file: its path from the project root, and its bytes.
pub fn all() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut man = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut man)
        .expect("rendering to memory cannot fail");
    files.push(("man/pipe-run.1".to_string(), man));
    for (shell, name) in [
        (Shell::Bash, "pipe-run.bash"),
        (Shell::Zsh, "_pipe-run"),
        (Shell::Fish, "pipe-run.fish"),
    ] {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "pipe-run", &mut out);
        files.push((format!("completions/{name}"), out));
    }
    files
}
