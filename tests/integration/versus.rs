//! What the differential suites (against dash, and against bash) share:
//! what one side did, how its output and files compare with the other
//! side's, and the report of a case that differs.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Output;

use super::support::{Entry, Snapshot, normalize, shell_status, snapshot};

/// What one side did, with its fixture's path written as `@FIX@` so that
/// the two sides, each in a fixture of its own, compare.
pub struct Side {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub status: i32,
    pub files: Snapshot,
}

impl Side {
    /// The output `out` of a run in `root`, and the files it left there.
    pub fn of(out: &Output, root: &Path) -> Side {
        Side {
            stdout: normalize(&out.stdout, root),
            stderr: normalize(&out.stderr, root),
            status: shell_status(out),
            files: snapshot(root)
                .into_iter()
                .map(|(name, entry)| match entry {
                    Entry::File(bytes) => (name, Entry::File(normalize(&bytes, root))),
                    other => (name, other),
                })
                .collect(),
        }
    }
}

/// Bytes for a report, cut when long.
pub fn show(bytes: &[u8]) -> String {
    const MAX: usize = 400;
    let text = format!("{:?}", String::from_utf8_lossy(bytes));
    if text.len() > MAX {
        let mut cut = MAX;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}... ({} bytes)", &text[..cut], bytes.len())
    } else {
        text
    }
}

/// How stdout and the files left behind differ between the `reference`
/// shell's side and pipe-run's. Each suite checks statuses by its own rule.
pub fn output_problems(reference: &str, r: &Side, p: &Side) -> Vec<String> {
    let mut problems = Vec::new();
    if r.stdout != p.stdout {
        problems.push("stdout differs".to_string());
    }
    let names: std::collections::BTreeSet<_> = r.files.keys().chain(p.files.keys()).collect();
    for name in names {
        let (a, b) = (r.files.get(name), p.files.get(name));
        if a != b {
            let describe = |f: Option<&Entry>| match f {
                None => "absent".to_string(),
                Some(Entry::Dir) => "a directory".to_string(),
                Some(Entry::File(bytes)) => show(bytes),
                Some(Entry::Link(to)) => format!("a link to {}", to.display()),
            };
            problems.push(format!(
                "file {:?}: {reference} left {}, pipe-run left {}",
                String::from_utf8_lossy(name),
                describe(a),
                describe(b)
            ));
        }
    }
    problems
}

/// The report of one case that differs: `heading` names the case, then
/// each problem, then what each side did.
pub fn report(heading: &str, problems: &[String], reference: &str, r: &Side, p: &Side) -> String {
    let mut report = format!("{heading}\n");
    for problem in problems {
        let _ = writeln!(report, "  - {problem}");
    }
    for (name, side) in [(reference, r), ("pipe-run", p)] {
        let _ = writeln!(
            report,
            "  {:<9} status {} stdout {} stderr {}",
            format!("{name}:"),
            side.status,
            show(&side.stdout),
            show(&side.stderr)
        );
    }
    report
}

/// Fail with every case of `group` that differs from the `reference`.
pub fn assert_none_differ(group: &str, reference: &str, failures: &[String], total: usize) {
    assert!(
        failures.is_empty(),
        "{group}: {} of {total} cases differ from {reference}:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}
