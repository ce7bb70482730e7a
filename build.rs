//! Links the unwinder into pipe-run statically.
//!
//! On linux-gnu, Rust's standard library takes its unwinder from the shared
//! `libgcc_s.so.1`, which every start of pipe-run then has to find, map and
//! relocate: about 0.13 ms of a 1 ms start-up. Naming the static unwinder
//! (`libgcc_eh.a`, which `+crt-static` builds use) ahead of the standard
//! library resolves the unwinder's symbols at link time, and `--as-needed`
//! then leaves `libgcc_s` out; glibc stays a shared library. Unwinding works
//! as before (pipe-run relies on it to end its stages on a panic). Where the
//! archive is not found, nothing changes.

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=RUSTC_LINKER");
    let is = |key: &str, value: &str| env::var(key).is_ok_and(|v| v == value);
    let crt_static = env::var("CARGO_CFG_TARGET_FEATURE")
        .is_ok_and(|features| features.split(',').any(|f| f == "crt-static"));
    if !is("CARGO_CFG_TARGET_OS", "linux") || !is("CARGO_CFG_TARGET_ENV", "gnu") || crt_static {
        return;
    }
    // The C compiler that drives the link knows where its libgcc lives.
    let linker = env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".to_owned());
    let Ok(out) = Command::new(&linker)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
    else {
        return;
    };
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if !out.status.success() || !path.is_absolute() || !path.is_file() {
        return;
    }
    if let Some(dir) = path.parent() {
        println!("cargo::rustc-link-search=native={}", dir.display());
    }
    println!("cargo::rustc-link-lib=static:-bundle=gcc_eh");
}
