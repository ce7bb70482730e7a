//! The parent's side of the edges while stages start: each edge is opened
//! by its transport when its first end is needed, each end is handed to the
//! node that owns it, and the parent's copy is dropped right after that
//! node has started, so a reader sees EOF exactly when its writers are done.
//! Nodes start in plan order, so along a chain only a few edges are open in
//! the parent at any time.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;

use super::error::{Context as _, Doing, RunError};
use super::fds::above_floor;
use super::sockets::{KeptSockets, inode};
use super::spawn::NodeEnds;
use crate::plan::{Attach, Edge, EdgeId, NodeId, Plan};
use crate::transport::{Granted, PrivateDir};

/// The parent's copies of one edge's ends.
#[derive(Default)]
struct Open {
    reader: Option<OwnedFd>,
    writer: Option<OwnedFd>,
    /// The edge is a named FIFO that its nodes open by path.
    named: bool,
    /// For sockets, the inodes of the reader's and the writer's ends.
    inodes: (u64, u64),
    /// How many nodes on each side have yet to start: the parent's copy of
    /// an end goes when the last of them has.
    readers_left: usize,
    writers_left: usize,
}

pub struct Wiring<'p> {
    plan: &'p Plan,
    edges: Vec<Option<Open>>,
    /// The edges the parent still holds an end of.
    live: Vec<EdgeId>,
}

impl Open {
    /// Count the nodes on each side of `edge`.
    fn sides(self, edge: &Edge) -> Open {
        Open {
            readers_left: 1 + edge.more_readers.len(),
            writers_left: 1 + edge.more_writers.len(),
            ..self
        }
    }
}

impl<'p> Wiring<'p> {
    pub fn new(plan: &'p Plan) -> Wiring<'p> {
        Wiring {
            plan,
            edges: (0..plan.edges.len()).map(|_| None).collect(),
            live: Vec::new(),
        }
    }

    /// Open every edge of `node` that is not open yet. `granted` hears of
    /// each buffer size the kernel cut down.
    pub fn open_for(
        &mut self,
        node: NodeId,
        dir: Option<&PrivateDir>,
        granted: &mut dyn FnMut(EdgeId, Granted),
    ) -> Result<(), RunError> {
        for &id in &self.plan.nodes[node].edges {
            if self.edges[id].is_some() {
                continue;
            }
            let edge = &self.plan.edges[id];
            let open = match edge.named_fifo() {
                Some(path) => {
                    let dir = dir.expect("a plan with a named FIFO has a private directory");
                    dir.make_fifo_at(path).doing(Doing::MakeFifo)?;
                    Open {
                        named: true,
                        ..Open::default()
                    }
                    .sides(edge)
                }
                None => {
                    let opened = edge
                        .transport
                        .open(dir)
                        .doing(Doing::OpenEdge(edge.transport.kind))?;
                    if let Some(g) = opened.granted {
                        granted(id, g);
                    }
                    let inodes = if edge.transport.kind.is_socket() {
                        (inode(&opened.ends.reader), inode(&opened.ends.writer))
                    } else {
                        (0, 0)
                    };
                    Open {
                        reader: Some(above_floor(opened.ends.reader).doing(Doing::WireEdge)?),
                        writer: Some(above_floor(opened.ends.writer).doing(Doing::WireEdge)?),
                        named: false,
                        inodes,
                        ..Open::default()
                    }
                    .sides(edge)
                }
            };
            if open.reader.is_some() || open.writer.is_some() {
                self.live.push(id);
            }
            self.edges[id] = Some(open);
        }
        Ok(())
    }

    /// The ends `node` gets, borrowed from the parent's copies.
    pub fn ends_of(&self, node: NodeId) -> io::Result<NodeEnds<'_>> {
        let mut ends = NodeEnds::default();
        for &id in &self.plan.nodes[node].edges {
            let edge = &self.plan.edges[id];
            let open = self.edges[id].as_ref().expect("opened by open_for");
            let reader = edge.is_reader(node);
            let attach = edge.attach_of(node);
            let end = if reader {
                open.reader.as_ref()
            } else {
                open.writer.as_ref()
            };
            if edge.from.node == node && edge.stderr_too {
                ends.stderr_too = true;
            }
            if open.named {
                if let (Attach::Fd(fd), Some(path)) = (&attach, edge.named_fifo()) {
                    let path = CString::new(path.as_os_str().as_bytes())
                        .map_err(|_| io::Error::other("a NUL byte in a FIFO path"))?;
                    ends.fifo_opens.push((path, reader, *fd, id));
                }
                continue;
            }
            let end = end.expect("an end is kept until its node has started");
            match &attach {
                Attach::Fd(fd) => ends.onto.push((end, *fd)),
                Attach::Redirect(_) => ends.for_redirects.push((id, end)),
                Attach::Path(_) => {}
            }
            if let Some(back) = edge.back_fd(reader) {
                ends.onto.push((end, back));
            }
        }
        let mine: Vec<RawFd> = ends
            .onto
            .iter()
            .map(|(end, _)| end.as_raw_fd())
            .chain(ends.for_redirects.iter().map(|(_, end)| end.as_raw_fd()))
            .collect();
        ends.others = self
            .live
            .iter()
            .filter_map(|&id| self.edges[id].as_ref())
            .flat_map(|open| [open.reader.as_ref(), open.writer.as_ref()])
            .flatten()
            .map(AsRawFd::as_raw_fd)
            .filter(|fd| !mine.contains(fd))
            .collect();
        Ok(ends)
    }

    /// `node` has started: drop the parent's copies of its ends, except the
    /// socket ends it reads from, which `sockets` keeps until it ends.
    pub fn started(&mut self, node: NodeId, sockets: &mut KeptSockets) {
        let edges = &self.edges;
        self.live.retain(|&id| {
            edges[id]
                .as_ref()
                .is_some_and(|o| o.reader.is_some() || o.writer.is_some())
        });
        for &id in &self.plan.nodes[node].edges {
            let edge = &self.plan.edges[id];
            if let Some(open) = self.edges[id].as_mut() {
                let reader = edge.is_reader(node);
                let left = if reader {
                    &mut open.readers_left
                } else {
                    &mut open.writers_left
                };
                *left = left.saturating_sub(1);
                if *left > 0 {
                    continue;
                }
                let end = if reader {
                    open.reader.take()
                } else {
                    open.writer.take()
                };
                let keep = (reader || edge.transport.duplex) && edge.transport.kind.is_socket();
                if let (Some(end), true) = (end, keep) {
                    // The nodes on this side read from it.
                    if reader {
                        let side = std::iter::once(edge.to.node)
                            .chain(edge.more_readers.iter().copied())
                            .collect();
                        sockets.keep(side, end, open.inodes.1);
                    } else {
                        let side = std::iter::once(edge.from.node)
                            .chain(edge.more_writers.iter().copied())
                            .collect();
                        sockets.keep(side, end, open.inodes.0);
                    }
                }
            }
        }
    }
}
