//! The committed man page and completions match the clap definitions.

#[allow(dead_code)]
#[path = "../../src/cli.rs"]
mod cli;

#[allow(dead_code)]
#[path = "../generated/render.rs"]
mod render;

#[test]
fn man_page_and_completions_are_fresh() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, want) in render::all() {
        let have = std::fs::read(root.join(&path)).unwrap_or_default();
        assert!(
            have == want,
            "{path} is stale: run `cargo run --example generate` and commit the result"
        );
    }
}
