//! The exit-status policy, stated on the graph: which nodes' statuses count,
//! and which SIGPIPE deaths are success. `report::status` applies it.

use super::edge::Edge;
use super::node::{Node, NodeId, Place};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusPolicy {
    /// The last node of the main pipeline: the only one whose status counts
    /// without pipefail, as in sh.
    pub last: NodeId,
    /// Per node: a death by SIGPIPE is success, because the node's stdout
    /// is an edge of the pipeline (a `|`, either side of a duplex socket,
    /// the inside of a `<(...)`, or the stdout a `>(...)` shares with its
    /// stage), so its reader stopped reading. A node whose stdout is
    /// pipe-run's own stdout (or a file) keeps 141, as a caller would see
    /// from a plain command, even if it also writes into a `>(...)`: the
    /// signal may have come from either.
    pub sigpipe_is_success: Vec<bool>,
}

impl StatusPolicy {
    pub fn of(nodes: &[Node], edges: &[Edge]) -> StatusPolicy {
        use super::edge::Attach;
        use super::redirect::FdAction;
        let last = nodes
            .iter()
            .rposition(|n| n.place == Place::Main)
            .expect("a plan has a main pipeline");
        let sigpipe_is_success = nodes
            .iter()
            .enumerate()
            .map(|(id, node)| {
                node.edges.iter().any(|&e| {
                    let edge = &edges[e];
                    // `cmd > >(...)` puts the edge on fd 1 by a redirection.
                    let redirected = match edge.attach_of(id) {
                        Attach::Redirect(i) => matches!(
                            node.stage().redirects.get(i),
                            Some(FdAction::Edge { fd: 1, .. })
                        ),
                        _ => false,
                    };
                    edge.written_by(id) && (edge.on_fd(id, 1) || redirected)
                })
            })
            .collect();
        StatusPolicy {
            last,
            sigpipe_is_success,
        }
    }
}
