//! Regenerate the man page and shell completions from the clap
//! definitions: `cargo run --example generate`. A test fails when the
//! committed files differ from what this writes.

#[allow(dead_code)]
#[path = "../src/cli.rs"]
mod cli;

#[allow(dead_code)]
#[path = "../tests/generated/render.rs"]
mod render;

fn main() -> std::io::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, bytes) in render::all() {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap())?;
        std::fs::write(&path, bytes)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
