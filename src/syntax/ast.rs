//! The syntax tree: what the expression says, before any expansion.
//!
//! Words keep their quoting per part, because quoting decides which parts are
//! later split on IFS and glob-expanded.

use super::span::Span;

/// A whole expression, or the inside of `<(...)`: stages joined by
/// connectors.
/// Invariant: `connectors.len() + 1 == stages.len()`, and `stages` is not empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    pub stages: Vec<Command>,
    pub connectors: Vec<Connector>,
}

/// What joins stage `i` to stage `i + 1`.
#[derive(Debug, Clone, PartialEq)]
pub struct Connector {
    pub kind: ConnectorKind,
    /// The attributes written in `|[...]`, checked; `None` for a plain `|`.
    pub attributes: Option<EdgeAttributes>,
    /// The `|` or `|&`, without the attributes.
    pub span: Span,
}

/// The attributes of one edge, `|[fifo,size=1MiB]`, each with its span for
/// errors found later (a plan that cannot honour one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeAttributes {
    /// `pipe`, `fifo`, `sock` or `seqpacket`; `None` leaves the default
    /// (`--via`, else a pipe).
    pub transport: Option<(crate::transport::Kind, Span)>,
    /// `size=SIZE`: the kernel buffer, in bytes.
    pub size: Option<(u64, Span)>,
    /// `duplex`: the reader's stdout flows back to the writer's stdin.
    pub duplex: Option<Span>,
    /// From `[` to `]`, both included.
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectorKind {
    /// `|`: stdout to the next stage's stdin.
    Stdout,
    /// `|&`: stdout and stderr to the next stage's stdin.
    StdoutAndStderr,
}

/// One simple command: `NAME=value ... word ... redirection ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub assignments: Vec<Assignment>,
    /// The command name and its arguments, unexpanded. May be empty in the
    /// tree; the plan refuses a stage without a command.
    pub words: Vec<Word>,
    /// In source order: order matters (`2>&1 >f` differs from `>f 2>&1`).
    pub redirects: Vec<Redirect>,
    pub span: Span,
}

/// A leading `NAME=value` word.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub name: String,
    pub value: Word,
    pub span: Span,
}

/// A word as written: adjacent parts with their quoting.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub parts: Vec<WordPart>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WordPart {
    /// Literal text. `quoted` is true for text inside single or double quotes
    /// or escaped with a backslash: it is never split nor glob-expanded.
    /// Bytes, not a `String`: `$'\xff'` writes a byte that is not UTF-8, and
    /// arguments are bytes anyway.
    Literal { text: Vec<u8>, quoted: bool },
    /// A parameter expansion: `$NAME`, `${NAME...}`, `$1`, `"$@"`, ...
    Param(Box<ParamExpansion>),
    /// A process substitution, `<(...)` or `>(...)`: the plan replaces it
    /// with a path (`/dev/fd/N` or a FIFO) before expansion, so it is
    /// never split nor globbed.
    ProcSub(Box<ProcSub>),
}

/// `<(pipeline)` or `>(pipeline)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcSub {
    pub direction: ProcSubDirection,
    /// The inner expression, a full pipeline (it may hold more `<(...)`).
    pub pipeline: Pipeline,
    /// From `<(` or `>(` to the closing `)`, both included.
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcSubDirection {
    /// `<(...)`: the command reads what the inner pipeline writes.
    Input,
    /// `>(...)`: the inner pipeline reads what the command writes.
    Output,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParamExpansion {
    pub name: ParamName,
    pub op: ParamOp,
    /// Inside double quotes: the result is neither split nor globbed.
    pub quoted: bool,
    /// Written `${...}`, not `$NAME`. Brace expansion comes first in bash,
    /// so it can lengthen a bare name: `$x{a,b}` is `$xa $xb`.
    pub braced: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamName {
    /// A variable, looked up in pipe-run's environment.
    Var(String),
    /// `$1`..`$9`, `${10}`...; `$0` is `Positional(0)`.
    Positional(usize),
    /// `$@`
    At,
    /// `$*`
    Star,
    /// `$#`
    Count,
    /// `$$`
    Pid,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ParamOp {
    /// `$NAME`, `${NAME}`
    Plain,
    /// `${#NAME}`
    Length,
    /// `${NAME-word}` (`colon: false`) and `${NAME:-word}` (`colon: true`).
    Default { colon: bool, word: Word },
    /// `${NAME+word}` and `${NAME:+word}`.
    Alternative { colon: bool, word: Word },
    /// `${NAME?word}` and `${NAME:?word}`: an error naming the parameter.
    Error { colon: bool, word: Option<Word> },
    /// `${NAME#pattern}` (`longest: false`) and `${NAME##pattern}`.
    TrimPrefix { longest: bool, pattern: Word },
    /// `${NAME%pattern}` and `${NAME%%pattern}`.
    TrimSuffix { longest: bool, pattern: Word },
}

/// A redirection: `[N]op word`.
#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    /// The explicit fd (`2>`); `None` means the operator's default.
    pub fd: Option<u32>,
    pub op: RedirOp,
    pub target: Word,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirOp {
    /// `<`: open for reading, default fd 0.
    Read,
    /// `>` and `>|`: create or truncate, default fd 1.
    Write,
    /// `>>`: create or append, default fd 1.
    Append,
    /// `<>`: open for reading and writing, create, default fd 0.
    ReadWrite,
    /// `<&`: duplicate (or close with `-`), default fd 0.
    DupIn,
    /// `>&`: duplicate (or close with `-`), default fd 1.
    DupOut,
}

impl RedirOp {
    pub fn default_fd(self) -> u32 {
        match self {
            RedirOp::Read | RedirOp::ReadWrite | RedirOp::DupIn => 0,
            RedirOp::Write | RedirOp::Append | RedirOp::DupOut => 1,
        }
    }
}

impl Redirect {
    pub fn target_fd(&self) -> u32 {
        self.fd.unwrap_or_else(|| self.op.default_fd())
    }
}
