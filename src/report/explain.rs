//! `--explain`: the validated plan in words, and nothing run.

use std::fmt::Write;

use crate::plan::stage::quote;
use crate::plan::{Attach, Edge, FdAction, NodeId, OpenMode, Place, Plan};
use crate::syntax::ast::ProcSubDirection;

pub fn explain(plan: &Plan) -> String {
    let mut out = String::new();
    if let Some(dir) = &plan.private_dir {
        let _ = writeln!(
            out,
            "private directory: {}  (made when the run starts, removed when it ends)\n",
            quote(&dir.to_string_lossy())
        );
    }
    let count = plan.nodes.len();
    for (i, node) in plan.nodes.iter().enumerate() {
        let stage = node.stage();
        let _ = write!(out, "stage {}: {}", i + 1, stage.display());
        if let Place::Substitution { of, direction, .. } = node.place {
            let sub = match direction {
                ProcSubDirection::Input => "<(...)",
                ProcSubDirection::Output => ">(...)",
            };
            let _ = write!(out, "  (in {sub} of stage {})", of + 1);
        }
        out.push('\n');
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
        let stdin = plan.edges_on(i, 0).next().map(|e| connection(e, i, true));
        let _ = writeln!(
            out,
            "  stdin:    {}",
            stdin.as_deref().unwrap_or("inherited")
        );
        let stdout = plan.edges_on(i, 1).next().map(|e| connection(e, i, false));
        let _ = writeln!(
            out,
            "  stdout:   {}",
            stdout.as_deref().unwrap_or("inherited")
        );
        for &id in &node.edges {
            let edge = &plan.edges[id];
            let line = match &edge.attach_of(i) {
                Attach::Fd(fd) if *fd > 1 => {
                    format!("fd {fd}:    {}", connection(edge, i, edge.to.node == i))
                }
                Attach::Path(path) => format!(
                    "fifo:     {}  ({})",
                    quote(&path.to_string_lossy()),
                    connection(edge, i, edge.to.node == i)
                ),
                _ => continue,
            };
            let _ = writeln!(out, "  {line}");
        }
        for action in &stage.redirects {
            let _ = writeln!(out, "  redirect: {}", redirect(plan, action, i));
        }
        if i + 1 < count {
            out.push('\n');
        }
    }
    out
}

/// `pipe to stage 2`, `sock from stage 1, duplex`, with its attributes:
/// what `node` does through `edge`, reading or writing.
fn connection(edge: &Edge, node: NodeId, reading: bool) -> String {
    let mut others: Vec<NodeId> = if edge.is_reader(node) {
        std::iter::once(edge.from.node)
            .chain(edge.more_writers.iter().copied())
            .collect()
    } else {
        std::iter::once(edge.to.node)
            .chain(edge.more_readers.iter().copied())
            .collect()
    };
    others.retain(|&n| n != node);
    let toward = if reading { "from" } else { "to" };
    let mut text = format!(
        "{} {toward} {}",
        edge.transport.kind.name(),
        stages(&others)
    );
    let mut sharing: Vec<NodeId> = if edge.is_reader(node) {
        std::iter::once(edge.to.node)
            .chain(edge.more_readers.iter().copied())
            .collect()
    } else {
        std::iter::once(edge.from.node)
            .chain(edge.more_writers.iter().copied())
            .collect()
    };
    sharing.retain(|&n| n != node);
    if !edge.transport.duplex && !sharing.is_empty() {
        let _ = write!(text, ", shared with {}", stages(&sharing));
    }
    if let Some(size) = edge.transport.size {
        let _ = write!(
            text,
            ", size={}",
            super::summary::bytes(size).replace(" bytes", "")
        );
    }
    if edge.transport.duplex {
        text.push_str(", duplex: both ways");
    }
    if edge.stderr_too && edge.from.node == node && !reading {
        text.push_str(" (stderr too, after the redirections below)");
    }
    text
}

/// `stage 2`, `stages 2 and 3`, `stages 2, 3 and 5`.
fn stages(nodes: &[NodeId]) -> String {
    let numbers: Vec<String> = nodes.iter().map(|n| (n + 1).to_string()).collect();
    match numbers.as_slice() {
        [] => "no stage".to_string(),
        [one] => format!("stage {one}"),
        [rest @ .., last] => format!("stages {} and {last}", rest.join(", ")),
    }
}

fn redirect(plan: &Plan, action: &FdAction, node: NodeId) -> String {
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
        FdAction::Edge { fd, edge, .. } => {
            let e = &plan.edges[*edge];
            format!("fd {fd} is the {}", connection(e, node, e.to.node == node))
        }
    }
}
