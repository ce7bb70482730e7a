//! What `man/` and `completions/` must contain, rendered from the clap
//! definitions. Shared by the generator example and the drift test.

use clap::CommandFactory;
use clap_complete::Shell;

use super::cli::Cli;

/// Every generated file: its path from the project root, and its bytes.
pub fn all() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut man = Vec::new();
    let page = clap_mangen::Man::new(Cli::command());
    let rendered = (|| -> std::io::Result<()> {
        page.render_title(&mut man)?;
        page.render_name_section(&mut man)?;
        page.render_synopsis_section(&mut man)?;
        page.render_description_section(&mut man)?;
        page.render_options_section(&mut man)?;
        // What clap cannot say: the process model and make, written by hand.
        man.extend_from_slice(include_bytes!("../../doc/man-sections.roff"));
        page.render_extra_section(&mut man)?;
        page.render_version_section(&mut man)
    })();
    rendered.expect("rendering to memory cannot fail");
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
