//! `--explain`: the validated plan in words, and nothing run.

use std::fmt::Write;

use crate::plan::stage::quote;
use crate::plan::{Carries, FdAction, OpenMode, Plan};

pub fn explain(plan: &Plan) -> String {
    let mut out = String::new();
    let count = plan.stages.len();
    for (i, stage) in plan.stages.iter().enumerate() {
        let n = i + 1;
        let _ = writeln!(out, "stage {n}: {}", stage.display());
        let _ = writeln!(
            out,
            "  program:  {}",
            quote(&stage.program.to_string_lossy())
        );
        for (name, value) in &stage.assignments {
            let _ = writeln!(
                out,
                "  env:      {}={}",
                name.to_string_lossy(),
                quote(&value.to_string_lossy())
            );
        }
        let stdin = match plan.edge_into(i) {
            Some(e) => format!("{} from stage {}", e.transport.name(), e.from + 1),
            None => "inherited".to_string(),
        };
        let _ = writeln!(out, "  stdin:    {stdin}");
        let stdout = match plan.edge_out_of(i) {
            Some(e) => {
                let both = if e.carries == Carries::StdoutAndStderr {
                    " (stderr too, after the redirections below)"
                } else {
                    ""
                };
                format!("{} to stage {}{both}", e.transport.name(), e.to + 1)
            }
            None => "inherited".to_string(),
        };
        let _ = writeln!(out, "  stdout:   {stdout}");
        for action in &stage.redirects {
            let _ = writeln!(out, "  redirect: {}", redirect(action));
        }
        if n < count {
            out.push('\n');
        }
    }
    out
}

fn redirect(action: &FdAction) -> String {
    match action {
        FdAction::Open { fd, path, mode, .. } => {
            let (op, what) = match mode {
                OpenMode::Read => ("<", "read"),
                OpenMode::Write => (">", "create or truncate"),
                OpenMode::Append => (">>", "create or append"),
                OpenMode::ReadWrite => ("<>", "read and write, create"),
            };
            format!("{fd}{op}{}  ({what})", quote(&path.to_string_lossy()))
        }
        FdAction::Dup { fd, from, .. } => {
            format!("{fd}>&{from}  (fd {fd} becomes a copy of fd {from})")
        }
        FdAction::Close { fd, .. } => format!("{fd}>&-  (close fd {fd})"),
    }
}
