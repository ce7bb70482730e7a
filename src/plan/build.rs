//! Building the plan: expand every word, resolve every program, check every
//! redirection. It touches no file and starts nothing, so any error leaves
//! the world as it was.

use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use super::Plan;
use super::clobber;
use super::context::Context;
use super::edge::{Attach, Edge, EdgeId, End};
use super::error::{PlanError, PlanErrorKind};
use super::interpreter::{self, BadInterpreter};
use super::node::{Node, NodeId, NodeKind, Place};
use super::policy::StatusPolicy;
use super::procsub::{FIRST_DEVFD, LAST_DEVFD, devfd_path, private_dir_path};
use super::redirect::{FdAction, FdModel, OpenMode, path_from};
use super::resolve::{ResolveError, builtin_hint, resolve};
use super::stage::Stage;
use crate::expand::{ExpandError, expand_assignment, expand_single, expand_words};
use crate::syntax::ast::{
    Command, Connector, ConnectorKind, Pipeline, ProcSub, ProcSubDirection, RedirOp, Redirect,
    Word, WordPart,
};
use crate::syntax::redirect::{DupTarget, parse_dup_target};
use crate::transport::{Kind, Transport};

pub fn build(pipeline: &Pipeline, context: &Context) -> Result<Plan, PlanError> {
    let mut builder = Builder {
        context,
        nodes: Vec::new(),
        edges: Vec::new(),
        programs: Programs::default(),
        created: HashSet::new(),
        fifos: None,
        private_dir: None,
        fifo_count: 0,
    };
    builder.pipeline(pipeline, Place::Main, false, false)?;
    let nodes: Vec<Node> = builder
        .nodes
        .into_iter()
        .map(|n| n.expect("every node is filled in once its words are expanded"))
        .collect();
    let mut nodes = nodes;
    for (id, edge) in builder.edges.iter().enumerate() {
        nodes[edge.from.node].edges.push(id);
        if edge.to.node != edge.from.node {
            nodes[edge.to.node].edges.push(id);
        }
    }
    inherit_std_edges(&mut nodes, &mut builder.edges);
    let stages: Vec<&Stage> = nodes.iter().map(Node::stage).collect();
    let warnings = clobber::check(&stages)?.into_iter().collect();
    let policy = StatusPolicy::of(&nodes, &builder.edges);
    let needs_dir = builder.private_dir.is_some()
        || builder.edges.iter().any(|e| e.transport.kind == Kind::Fifo);
    Ok(Plan {
        nodes,
        edges: builder.edges,
        closed_std_fds: context.closed_std_fds.clone(),
        warnings,
        policy,
        private_dir: needs_dir.then(|| builder.private_dir.unwrap_or_else(private_dir_path)),
    })
}

/// The graph as it is built: a node's slot is taken when its command is
/// reached, so ids follow the text, and filled once its words are expanded,
/// after the substitutions inside them.
struct Builder<'c> {
    context: &'c Context,
    nodes: Vec<Option<Node>>,
    edges: Vec<Edge>,
    programs: Programs,
    created: HashSet<PathBuf>,
    /// Substitutions in arguments are named by FIFOs: looked up (a `stat`
    /// of `/dev/fd`) at the first one.
    fifos: Option<bool>,
    private_dir: Option<PathBuf>,
    /// Named FIFOs made so far.
    fifo_count: usize,
}

const DUPLEX_HELP: &str =
    "a duplex pair is a whole pipeline of two stages: `server |[sock,duplex] client`";

/// What a stage's fds 0 and 1 are fed by, besides its redirections.
#[derive(Clone, Copy, Default)]
struct Fed {
    stdin: bool,
    stdout: bool,
}

impl Builder<'_> {
    /// Add the nodes and edges of `pipeline`; `first_in` and `last_out` say
    /// whether an edge outside it feeds its first stage's stdin or takes its
    /// last stage's stdout (a substitution). Returns the first and last node.
    fn pipeline(
        &mut self,
        pipeline: &Pipeline,
        place: Place,
        first_in: bool,
        last_out: bool,
    ) -> Result<(NodeId, NodeId), PlanError> {
        let count = pipeline.stages.len();
        let mut fed = vec![Fed::default(); count];
        fed[0].stdin = first_in;
        fed[count - 1].stdout = last_out;
        let mut transports = Vec::with_capacity(count - 1);
        for (i, connector) in pipeline.connectors.iter().enumerate() {
            let transport = self.transport(connector);
            if transport.duplex {
                let at = connector
                    .attributes
                    .as_ref()
                    .and_then(|a| a.duplex)
                    .unwrap_or(connector.span);
                if !transport.kind.is_socket() {
                    // `|[duplex]` takes its transport from `--via`.
                    return Err(PlanError::new(
                        PlanErrorKind::Usage,
                        at,
                        format!(
                            "`duplex` needs `sock` or `seqpacket`: the {} that `--via` gives \
                             (a pipe by default) carries data one way",
                            transport.kind.name()
                        ),
                    )
                    .help(
                        "write `|[sock,duplex]` or `|[seqpacket,duplex]`, or give `--via sock`",
                    ));
                }
                let refuse = |what: &str| {
                    Err(PlanError::new(PlanErrorKind::Usage, at, what.to_string())
                        .help(DUPLEX_HELP))
                };
                if i > 0 {
                    return refuse(
                        "a duplex edge feeds the writer's stdin, but a `|` before it already does",
                    );
                }
                if first_in {
                    return refuse(
                        "a duplex edge feeds the writer's stdin, but the `>(...)` around it already does",
                    );
                }
                if i + 2 < count {
                    return refuse(
                        "a duplex edge takes the reader's stdout, but a `|` after it wants it too",
                    );
                }
                if last_out {
                    return refuse(
                        "a duplex edge takes the reader's stdout, but the `<(...)` around it wants it too",
                    );
                }
                fed[i].stdin = true;
                fed[i + 1].stdout = true;
            }
            fed[i].stdout = true;
            fed[i + 1].stdin = true;
            transports.push(transport);
        }
        let mut ids = Vec::with_capacity(count);
        for (command, fed) in pipeline.stages.iter().zip(&fed) {
            ids.push(self.command(command, place, *fed)?);
        }
        for (i, (connector, transport)) in pipeline.connectors.iter().zip(transports).enumerate() {
            self.edges.push(Edge {
                from: End {
                    node: ids[i],
                    attach: Attach::Fd(1),
                },
                to: End {
                    node: ids[i + 1],
                    attach: Attach::Fd(0),
                },
                more_readers: Vec::new(),
                more_writers: Vec::new(),
                stderr_too: connector.kind == ConnectorKind::StdoutAndStderr,
                transport,
                span: connector
                    .attributes
                    .as_ref()
                    .map_or(connector.span, |a| connector.span.to(a.span)),
            });
        }
        Ok((ids[0], ids[count - 1]))
    }

    fn transport(&self, connector: &Connector) -> Transport {
        let attributes = connector.attributes.as_ref();
        Transport {
            kind: attributes
                .and_then(|a| a.transport)
                .map_or(self.context.via, |(kind, _)| kind),
            size: attributes.and_then(|a| a.size).map(|(size, _)| size),
            duplex: attributes.is_some_and(|a| a.duplex.is_some()),
        }
    }

    /// Add one command's node, and the substitutions it names.
    fn command(&mut self, command: &Command, place: Place, fed: Fed) -> Result<NodeId, PlanError> {
        let id = self.nodes.len();
        self.nodes.push(None);
        if let Some(sub) = command.words.first().and_then(first_procsub) {
            return Err(PlanError::new(
                PlanErrorKind::Usage,
                sub.span,
                "a process substitution cannot be the command name",
            ));
        }
        let mut next_fd = FIRST_DEVFD;
        let mut words = Vec::with_capacity(command.words.len());
        for word in &command.words {
            let mut word = word.clone();
            for part in &mut word.parts {
                let WordPart::ProcSub(sub) = part else {
                    continue;
                };
                let path = self.argument_substitution(id, sub, &mut next_fd)?;
                *part = WordPart::Literal {
                    text: path,
                    quoted: true,
                };
            }
            words.push(word);
        }
        let mut redirect_subs = Vec::new();
        for (index, r) in command.redirects.iter().enumerate() {
            if let Some(sub) = first_procsub(&r.target) {
                let [WordPart::ProcSub(_)] = r.target.parts.as_slice() else {
                    return Err(PlanError::new(
                        PlanErrorKind::Redirect,
                        sub.span,
                        "a process substitution in a redirection must be its whole target",
                    ));
                };
                let wanted = match r.op {
                    RedirOp::Read => Some(ProcSubDirection::Input),
                    RedirOp::Write | RedirOp::Append => Some(ProcSubDirection::Output),
                    _ => None,
                };
                if wanted != Some(sub.direction) {
                    let message = match sub.direction {
                        ProcSubDirection::Input => {
                            "`<(...)` can only be read: redirect it with `<`"
                        }
                        ProcSubDirection::Output => {
                            "`>(...)` can only be written to: redirect it with `>` or `>>`"
                        }
                    };
                    return Err(PlanError::new(PlanErrorKind::Redirect, r.span, message));
                }
                let edge =
                    self.substitution(id, sub, Attach::Redirect(index), Transport::default())?;
                redirect_subs.push((index, edge));
            }
        }
        let command = Command {
            words,
            ..command.clone()
        };
        let stage = stage(
            &command,
            self.context,
            fed,
            &redirect_subs,
            &mut self.programs,
            &mut self.created,
        )?;
        self.nodes[id] = Some(Node {
            kind: NodeKind::Process(stage),
            place,
            edges: Vec::new(),
        });
        Ok(id)
    }

    /// A substitution in an argument of node `id`: the path that replaces it.
    fn argument_substitution(
        &mut self,
        id: NodeId,
        sub: &ProcSub,
        next_fd: &mut u32,
    ) -> Result<Vec<u8>, PlanError> {
        let procsub = self.context.procsub;
        if *self.fifos.get_or_insert_with(|| procsub.uses_fifos()) {
            let dir = self.private_dir.get_or_insert_with(private_dir_path);
            self.fifo_count += 1;
            let path = dir.join(format!("procsub-{}", self.fifo_count));
            let fifo = Transport {
                kind: Kind::Fifo,
                ..Transport::default()
            };
            self.substitution(id, sub, Attach::Path(path.clone()), fifo)?;
            return Ok(path.into_os_string().into_vec());
        }
        if *next_fd < LAST_DEVFD {
            return Err(PlanError::new(
                PlanErrorKind::Usage,
                sub.span,
                format!(
                    "too many process substitutions in one command: at most {}",
                    FIRST_DEVFD - LAST_DEVFD + 1
                ),
            ));
        }
        let fd = *next_fd;
        *next_fd -= 1;
        self.substitution(id, sub, Attach::Fd(fd), Transport::default())?;
        Ok(devfd_path(fd))
    }

    /// Add the pipeline inside `sub`, and the edge between it and node `id`.
    fn substitution(
        &mut self,
        id: NodeId,
        sub: &ProcSub,
        attach: Attach,
        transport: Transport,
    ) -> Result<EdgeId, PlanError> {
        let place = Place::Substitution {
            of: id,
            direction: sub.direction,
            span: sub.span,
        };
        let input = sub.direction == ProcSubDirection::Input;
        let (first, last) = self.pipeline(&sub.pipeline, place, !input, input)?;
        let outer = End { node: id, attach };
        let (from, to) = if input {
            (
                End {
                    node: last,
                    attach: Attach::Fd(1),
                },
                outer,
            )
        } else {
            (
                outer,
                End {
                    node: first,
                    attach: Attach::Fd(0),
                },
            )
        };
        self.edges.push(Edge {
            from,
            to,
            more_readers: Vec::new(),
            more_writers: Vec::new(),
            stderr_too: false,
            transport,
            span: sub.span,
        });
        Ok(self.edges.len() - 1)
    }
}

/// A substitution's pipeline starts from the stdin and stdout of the node
/// it is written in, as bash starts it from the pipeline stage's subshell:
/// in `seq 3 | tee >(cat) | wc -l`, the inner `cat` writes into the pipe to
/// `wc`, and in `echo hi | cat <(cat)` the inner `cat` reads `hi`. So a
/// substitution node with nothing on fd 0 (or 1) shares the edge on fd 0
/// (or 1) of its node, if that node has one. Nodes go in text order, so a
/// node's own inheritance is settled before its substitutions'.
fn inherit_std_edges(nodes: &mut [Node], edges: &mut [Edge]) {
    // A plain (not duplex) edge on `fd` of node `id`, reading for fd 0.
    let std_edge = |nodes: &[Node], edges: &[Edge], id: NodeId, fd: u32| {
        nodes[id].edges.iter().copied().find(|&e| {
            let edge = &edges[e];
            !edge.transport.duplex
                && edge.is_reader(id) == (fd == 0)
                && edge.attach_of(id) == Attach::Fd(fd)
        })
    };
    let has_fd = |nodes: &[Node], edges: &[Edge], id: NodeId, fd: u32| {
        nodes[id].edges.iter().any(|&e| edges[e].on_fd(id, fd))
    };
    for id in 0..nodes.len() {
        let Place::Substitution { of, .. } = nodes[id].place else {
            continue;
        };
        if !has_fd(nodes, edges, id, 0)
            && let Some(e) = std_edge(nodes, edges, of, 0)
        {
            edges[e].more_readers.push(id);
            nodes[id].edges.push(e);
        }
        if !has_fd(nodes, edges, id, 1)
            && let Some(e) = std_edge(nodes, edges, of, 1)
        {
            edges[e].more_writers.push(id);
            nodes[id].edges.push(e);
        }
    }
}

/// The first process substitution among a word's parts.
fn first_procsub(word: &Word) -> Option<&ProcSub> {
    word.parts.iter().find_map(|p| match p {
        WordPart::ProcSub(sub) => Some(&**sub),
        _ => None,
    })
}

/// Programs already resolved in this plan, by name and `PATH`: a chain of
/// fifty `cat`s searches `PATH` once, as a shell's command hash would. The
/// same goes for checking a script's interpreter.
#[derive(Default)]
struct Programs {
    found: HashMap<(Vec<u8>, Option<OsString>), Result<PathBuf, ResolveError>>,
    interpreters: HashMap<(PathBuf, Option<OsString>), Result<(), BadInterpreter>>,
}

impl Programs {
    fn resolve(&mut self, name: &[u8], path_var: Option<&OsStr>) -> Result<PathBuf, ResolveError> {
        self.found
            .entry((name.to_vec(), path_var.map(OsStr::to_os_string)))
            .or_insert_with(|| resolve(name, path_var))
            .clone()
    }

    fn check_interpreter(
        &mut self,
        program: &Path,
        path_var: Option<&OsStr>,
    ) -> Result<(), BadInterpreter> {
        self.interpreters
            .entry((program.to_path_buf(), path_var.map(OsStr::to_os_string)))
            .or_insert_with(|| interpreter::check(program, path_var))
            .clone()
    }
}

fn expand_error(e: ExpandError) -> PlanError {
    let err = PlanError::new(PlanErrorKind::Usage, e.span, e.message);
    match e.help {
        Some(help) => err.help(help),
        None => err,
    }
}

fn stage(
    command: &Command,
    context: &Context,
    fed: Fed,
    redirect_subs: &[(usize, EdgeId)],
    programs: &mut Programs,
    created: &mut HashSet<PathBuf>,
) -> Result<Stage, PlanError> {
    let vars = &context.vars;
    // Each assignment sees the ones before it (`A=1 B=$A`), as in sh; the
    // command's own words and redirections see none of them.
    // Most stages assign nothing: they share the environment as it is.
    let mut assignments = Vec::new();
    let env = if command.assignments.is_empty() {
        vars.env.clone()
    } else {
        let mut seen = vars.clone();
        for a in &command.assignments {
            let value = expand_assignment(&a.value, &seen).map_err(expand_error)?;
            let (name, value) = (OsString::from(&a.name), OsString::from_vec(value));
            seen.set(name.clone(), value.clone());
            assignments.push((name, value));
        }
        seen.env
    };
    let argv: Vec<OsString> = expand_words(&command.words, vars)
        .map_err(expand_error)?
        .into_iter()
        .map(OsString::from_vec)
        .collect();
    let mut redirects = Vec::with_capacity(command.redirects.len());
    for (index, r) in command.redirects.iter().enumerate() {
        redirects.push(match redirect_subs.iter().find(|(i, _)| *i == index) {
            Some(&(_, edge)) => FdAction::Edge {
                fd: r.target_fd(),
                edge,
                span: r.span,
            },
            None => fd_action(r, context)?,
        });
    }

    let mut model = FdModel::new(&context.inherited_fds);
    if fed.stdin {
        model.set_open(0);
    }
    if fed.stdout {
        model.set_open(1);
    }
    for action in &redirects {
        model.apply(action, created)?;
    }

    let Some(name) = argv.first() else {
        let message = if command.words.is_empty() {
            "this stage has no command"
        } else {
            "the command expands to nothing"
        };
        return Err(PlanError::new(PlanErrorKind::Usage, command.span, message));
    };
    let path_var = env.get(OsStr::new("PATH"));
    let name_bytes = name.as_encoded_bytes();
    let name_span = command.words[0].span;
    let program = programs.resolve(name_bytes, path_var).map_err(|e| {
        let shown = name.to_string_lossy();
        match e {
            ResolveError::NotFound => {
                let err = PlanError::new(
                    PlanErrorKind::NotFound,
                    name_span,
                    format!("{shown}: command not found"),
                );
                match builtin_hint(name_bytes) {
                    Some(hint) => err.help(hint),
                    None => err,
                }
            }
            ResolveError::NotExecutable { path, reason } => PlanError::new(
                PlanErrorKind::NotExecutable,
                name_span,
                format!("{}: {reason}", path.display()),
            ),
        }
    })?;
    programs
        .check_interpreter(&program, path_var)
        .map_err(|e| {
            let kind = if e.is_missing() {
                PlanErrorKind::NotFound
            } else {
                PlanErrorKind::NotExecutable
            };
            PlanError::new(
                kind,
                name_span,
                format!("{}: bad interpreter: {e}", program.display()),
            )
        })?;
    Ok(Stage {
        program,
        argv,
        assignments,
        env,
        redirects,
        span: command.span,
    })
}

fn fd_action(r: &Redirect, context: &Context) -> Result<FdAction, PlanError> {
    let fd = r.target_fd();
    let target = expand_single(&r.target, &context.vars).map_err(expand_error)?;
    let span = r.span;
    let mode = match r.op {
        RedirOp::Read => OpenMode::Read,
        RedirOp::Write => OpenMode::Write,
        RedirOp::Append => OpenMode::Append,
        RedirOp::ReadWrite => OpenMode::ReadWrite,
        RedirOp::DupIn | RedirOp::DupOut => {
            return match parse_dup_target(&target) {
                Some(DupTarget::Fd(from)) => Ok(FdAction::Dup { fd, from, span }),
                Some(DupTarget::Close) => Ok(FdAction::Close { fd, span }),
                None => Err(PlanError::new(
                    PlanErrorKind::Redirect,
                    r.target.span,
                    format!(
                        "bad fd number `{}`: `<&` and `>&` take one digit 0-9 or `-`",
                        String::from_utf8_lossy(&target)
                    ),
                )),
            };
        }
    };
    Ok(FdAction::Open {
        fd,
        path: path_from(target),
        mode,
        span,
    })
}
