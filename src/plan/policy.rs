//! The exit-status policy, stated on the graph: which nodes' statuses count,
//! and which SIGPIPE deaths are success. `report::status` applies it.

use super::edge::Edge;
use super::node::{Node, NodeId, Place};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusPolicy {
    /// The last node of the main pipeline: the only one whose status counts
    /// without pipefail, as in sh.
    pub last: NodeId,
    /// Per node: a death by SIGPIPE is success, because the node writes into
    /// an edge of the pipeline (a `|`, either side of a duplex socket, a
    /// `>(...)` or the inside of a `<(...)`), so its reader stopped reading.
    /// A node that writes only to pipe-run's stdout or to files keeps 141,
    /// as a caller would see from a plain command.
    pub sigpipe_is_success: Vec<bool>,
}

impl StatusPolicy {
    pub fn of(nodes: &[Node], edges: &[Edge]) -> StatusPolicy {
        let last = nodes
            .iter()
            .rposition(|n| n.place == Place::Main)
            .expect("a plan has a main pipeline");
        let sigpipe_is_success = nodes
            .iter()
            .enumerate()
            .map(|(id, node)| node.edges.iter().any(|&e| edges[e].written_by(id)))
            .collect();
        StatusPolicy {
            last,
            sigpipe_is_success,
        }
    }
}
