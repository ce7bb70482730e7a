//! The graph a plan builds: nodes in text order, edges with their ports,
//! process substitutions, duplex checks and the status policy.

use super::*;
use crate::syntax::parse;
use crate::transport::Kind;

fn plan(text: &str) -> Result<Plan, PlanError> {
    let context = Context::from_process("pipe-run".into(), vec![], false);
    Plan::build(&parse(text).expect("parses"), &context)
}

fn argv(plan: &Plan, node: NodeId) -> Vec<String> {
    plan.nodes[node]
        .stage()
        .argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_chain_is_nodes_joined_by_fd_1_to_fd_0() {
    let p = plan("echo a | cat |& wc -c").unwrap();
    assert_eq!(p.nodes.len(), 3);
    assert_eq!(p.edges.len(), 2);
    let e = &p.edges[1];
    assert_eq!((e.from.node, e.to.node), (1, 2));
    assert_eq!(
        (&e.from.attach, &e.to.attach),
        (&Attach::Fd(1), &Attach::Fd(0))
    );
    assert!(e.stderr_too);
    assert_eq!(p.policy.last, 2);
    assert_eq!(p.policy.sigpipe_is_success, [true, true, false]);
    assert_eq!(p.edges_on(1, 0).count(), 1);
    assert_eq!(p.edges_on(1, 1).count(), 1);
    assert!(p.private_dir.is_none());
}

#[test]
fn substitutions_are_nodes_in_text_order_on_fds_from_63_down() {
    let p = plan("diff <(sort a) <(sort b | uniq) | wc -l").unwrap();
    let names: Vec<String> = (0..p.nodes.len()).map(|n| argv(&p, n)[0].clone()).collect();
    assert_eq!(names, ["diff", "sort", "sort", "uniq", "wc"]);
    assert_eq!(argv(&p, 0), ["diff", "/dev/fd/63", "/dev/fd/62"]);
    // The first substitution's last node writes to fd 63 of diff.
    let into_diff: Vec<_> = p.edges.iter().filter(|e| e.to.node == 0).collect();
    assert_eq!(into_diff.len(), 2);
    assert_eq!(into_diff[0].from.node, 1);
    assert_eq!(into_diff[0].to.attach, Attach::Fd(63));
    assert_eq!(into_diff[1].from.node, 3);
    assert_eq!(into_diff[1].to.attach, Attach::Fd(62));
    assert_eq!(
        p.nodes[3].place,
        Place::Substitution {
            of: 0,
            direction: crate::syntax::ast::ProcSubDirection::Input,
            span: p.nodes[3].place_span().unwrap(),
        }
    );
    // The last main stage is wc, not the last node of a substitution.
    assert_eq!(p.policy.last, 4);
    // Every writer into an edge may die of SIGPIPE; wc writes to stdout.
    assert_eq!(p.policy.sigpipe_is_success, [true, true, true, true, false]);
}

#[test]
fn an_output_substitution_reads_what_the_command_writes() {
    let p = plan("tee >(wc -c) >/dev/null").unwrap();
    let e = &p.edges[0];
    assert_eq!((e.from.node, e.to.node), (0, 1));
    assert_eq!(e.from.attach, Attach::Fd(63));
    assert_eq!(e.to.attach, Attach::Fd(0));
    // tee's stdout is a file, wc -c writes to pipe-run's stdout: a SIGPIPE
    // of either is a failure, as with bash's pipefail.
    assert_eq!(p.policy.sigpipe_is_success, [false, false]);
    let p = plan("tee >(wc -c) | cat").unwrap();
    assert_eq!(p.policy.sigpipe_is_success, [true, true, false]);
}

#[test]
fn a_redirected_substitution_needs_no_name() {
    let p = plan("cat < <(echo hi)").unwrap();
    assert_eq!(argv(&p, 0), ["cat"]);
    assert_eq!(p.edges[0].to.attach, Attach::Redirect(0));
    assert!(matches!(
        p.nodes[0].stage().redirects[0],
        FdAction::Edge { fd: 0, edge: 0, .. }
    ));
    let err = plan("cat > <(echo hi)").unwrap_err();
    assert!(err.message.contains("can only be read"), "{}", err.message);
}

#[test]
fn fifo_substitutions_are_named_in_the_private_directory() {
    let context = Context {
        procsub: ProcSubMode::Fifo,
        ..Context::from_process("pipe-run".into(), vec![], false)
    };
    let p = Plan::build(&parse("cat <(echo a)").unwrap(), &context).unwrap();
    let dir = p
        .private_dir
        .clone()
        .expect("a private directory is planned");
    let arg = p.nodes[0].stage().argv[1].clone();
    assert_eq!(std::path::Path::new(&arg).parent(), Some(dir.as_path()));
    assert_eq!(
        p.edges[0].named_fifo().map(|p| p.as_os_str()),
        Some(arg.as_os_str())
    );
}

#[test]
fn transports_come_from_the_attributes_or_via() {
    let p = plan("a=1 true |[sock,size=1MiB] cat | cat").unwrap();
    assert_eq!(p.edges[0].transport.kind, Kind::Sock);
    assert_eq!(p.edges[0].transport.size, Some(1 << 20));
    assert_eq!(p.edges[1].transport.kind, Kind::Pipe);
    let context = Context {
        via: Kind::Fifo,
        ..Context::from_process("pipe-run".into(), vec![], false)
    };
    let p = Plan::build(&parse("true | cat |[pipe] cat").unwrap(), &context).unwrap();
    assert_eq!(p.edges[0].transport.kind, Kind::Fifo);
    assert_eq!(p.edges[1].transport.kind, Kind::Pipe);
    assert!(p.private_dir.is_some());
}

#[test]
fn a_duplex_pair_owns_both_stdins_and_stdouts() {
    let p = plan("cat |[sock,duplex] cat").unwrap();
    assert_eq!(p.edges_on(0, 0).count(), 1);
    assert_eq!(p.edges_on(1, 1).count(), 1);
    assert_eq!(p.policy.sigpipe_is_success, [true, true]);
    assert!(plan("true | cat |[sock,duplex] cat").is_err());
    assert!(plan("cat |[sock,duplex] cat | cat").is_err());
    assert!(plan("cat |[sock,duplex] cat 2>/dev/null").is_ok());
    // `|[duplex]` takes its transport from `--via`.
    let err = plan("cat |[duplex] cat").unwrap_err();
    assert!(
        err.message.contains("needs `sock` or `seqpacket`"),
        "{}",
        err.message
    );
    let context = Context {
        via: Kind::Sock,
        ..Context::from_process("pipe-run".into(), vec![], false)
    };
    let p = Plan::build(&parse("cat |[duplex] cat").unwrap(), &context).unwrap();
    assert!(p.edges[0].transport.duplex);
    assert_eq!(p.edges[0].transport.kind, Kind::Sock);
    // Inside a substitution, the substitution takes one of the stdios.
    assert!(plan("cat <(echo 1+2 |[sock,duplex] bc)").is_err());
    assert!(plan("tee >(cat |[sock,duplex] cat)").is_err());
}

#[test]
fn a_substitution_cannot_be_the_command() {
    let err = plan("<(echo ls) x").unwrap_err();
    assert!(err.message.contains("command name"), "{}", err.message);
}

#[test]
fn a_substitution_shares_the_stdin_and_stdout_edges_of_its_node() {
    // bash starts `>(cat)` from the stage's subshell, with the stage's
    // stdout: the pipe to `wc`.
    let p = plan("seq 3 | tee >(cat) | wc -l").unwrap();
    let to_wc = p.edges.iter().find(|e| e.to.node == 3).unwrap();
    assert_eq!(to_wc.from.node, 1);
    assert_eq!(to_wc.more_writers, [2]);
    assert!(to_wc.written_by(2));
    assert_eq!(p.edges_on(2, 1).count(), 1);
    // `<(cat)` reads the stage's stdin, the pipe from `echo`.
    let p = plan("echo hi | cat <(cat)").unwrap();
    let from_echo = p.edges.iter().find(|e| e.from.node == 0).unwrap();
    assert_eq!(from_echo.more_readers, [2]);
    assert_eq!(p.edges_on(2, 0).count(), 1);
    // Nested: the inner one shares what its own node shares.
    let p = plan("echo hi | cat <(cat <(cat))").unwrap();
    let from_echo = p.edges.iter().find(|e| e.from.node == 0).unwrap();
    assert_eq!(from_echo.more_readers, [2, 3]);
    // A redirection does not count: bash expands words before redirecting.
    let p = plan("cat <(cat) < /dev/null").unwrap();
    assert!(p.edges.iter().all(|e| e.more_readers.is_empty()));
}
