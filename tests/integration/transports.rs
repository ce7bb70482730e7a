//! Edge transports (issue 6): `|[pipe]`, `|[fifo]`, `|[sock]`,
//! `|[seqpacket]`, `duplex`, `size=SIZE` and `--via`. What a user can see:
//! what kind of file each stage's fd is, that the bytes arrive intact and
//! (for seqpacket) in the messages they were written as, that an early
//! reader never hangs the writer, that bad attributes are refused with a
//! caret before anything runs, and that nothing is left under `$TMPDIR`.

use std::process::{Command, Output};

use crate::refusals::caret_under;
use crate::support::{
    GENERATOR, Scratch, expected_cksum, processes_running, run_scratch, shell_status, show, stderr,
    stdout,
};

/// Every edge attribute that names a transport.
const KINDS: [&str; 4] = ["pipe", "fifo", "sock", "seqpacket"];

/// Assert that `pipe-run ARGS...` printed `want`, said nothing, exited 0
/// and left nothing under `$TMPDIR`.
fn assert_clean_run(args: &[&str], want: &str) {
    let s = Scratch::new();
    let out = run_scratch(&s, args);
    let what = show(args, &out);
    assert_eq!(shell_status(&out), 0, "{what}");
    assert_eq!(stdout(&out), want, "{what}");
    assert_eq!(stderr(&out), "", "{what}");
    assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
}

// ---------------------------------------------------------------------
// What carries each fd.

/// `sh kind.sh NAME FD...` appends to `./kinds`, for each FD, a line
/// `NAME FD KIND [ID]`: what carries that fd of the stage: `pipe`,
/// `fifo PATH`, `stream INODE` or `seqpacket INODE` (the socket's inode,
/// from /proc/net/unix, where type 0001 is a stream, 0005 seqpacket).
const KIND_SH: &str = r#"name=$1
shift
for fd in "$@"; do
  l=$(readlink "/proc/$$/fd/$fd")
  case $l in
    pipe:*) k="pipe" ;;
    socket:*)
      n=${l#socket:[}
      n=${n%]}
      t=$(awk -v n="$n" '$7 == n { print $5 }' /proc/net/unix)
      case $t in
        0001) k="stream $n" ;;
        0005) k="seqpacket $n" ;;
        *) k="socket-of-type-$t $n" ;;
      esac ;;
    *)
      if [ -p "/proc/$$/fd/$fd" ]; then k="fifo $l"; else k="other $l"; fi ;;
  esac
  echo "$name $fd $k" >> kinds
done
"#;

/// Run `pipe-run ARGS...` (whose stages call `sh kind.sh ...`) and return
/// the `kinds` lines, sorted, with `$TMPDIR` written as `@TMP@`, after
/// checking that it succeeded and left nothing under `$TMPDIR`.
fn kinds(args: &[&str]) -> Vec<String> {
    let s = Scratch::new();
    s.write("kind.sh", KIND_SH);
    let out = run_scratch(&s, args);
    let what = show(args, &out);
    assert_eq!(shell_status(&out), 0, "{what}");
    assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
    let tmp = s.tmpdir().display().to_string();
    let mut lines: Vec<String> = s
        .read("kinds")
        .unwrap_or_else(|| panic!("no stage wrote ./kinds: {what}"))
        .lines()
        .map(|l| l.replace(&tmp, "@TMP@"))
        .collect();
    lines.sort();
    lines
}

/// The kind word of each line (`left 1 stream 123` → `left 1 stream`).
fn kind_words(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            let mut words = l.split(' ');
            let name = words.next().unwrap_or_default();
            let fd = words.next().unwrap_or_default();
            let kind = words.next().unwrap_or_default();
            format!("{name} {fd} {kind}")
        })
        .collect()
}

#[test]
fn each_attribute_gives_the_stages_that_kind_of_file() {
    for (attr, want) in [
        ("", "pipe"),
        ("[pipe]", "pipe"),
        ("[fifo]", "fifo"),
        ("[sock]", "stream"),
        ("[seqpacket]", "seqpacket"),
        ("[pipe,size=1MiB]", "pipe"),
        ("[size=64KiB,fifo]", "fifo"),
        ("[sock,size=64KiB]", "stream"),
    ] {
        let expr = format!("sh kind.sh left 1 |{attr} sh kind.sh right 0");
        let lines = kinds(&[&expr]);
        assert_eq!(
            kind_words(&lines),
            [format!("left 1 {want}"), format!("right 0 {want}")],
            "{expr}: {lines:?}"
        );
    }
}

#[test]
fn a_fifo_edge_lives_in_a_private_directory_under_tmpdir() {
    let lines = kinds(&["sh kind.sh left 1 |[fifo] sh kind.sh right 0"]);
    for line in &lines {
        // `right 0 fifo @TMP@/DIR/NAME`, perhaps `(deleted)` when pipe-run
        // unlinked it once both ends were open.
        let path = line.split(' ').nth(3).unwrap_or_default();
        let rest = path.strip_prefix("@TMP@/").unwrap_or_else(|| {
            panic!("the FIFO is not under $TMPDIR: {lines:?}");
        });
        assert_eq!(
            rest.matches('/').count(),
            1,
            "the FIFO is not in a directory of its own under $TMPDIR: {lines:?}"
        );
    }
    assert_eq!(
        lines[0].split(' ').nth(3),
        lines[1].split(' ').nth(3),
        "both stages have the same FIFO: {lines:?}"
    );
}

#[test]
fn stdout_and_stderr_share_an_edge_of_any_kind() {
    for (attr, want) in [
        ("[fifo]", "fifo"),
        ("[sock]", "stream"),
        ("[seqpacket]", "seqpacket"),
    ] {
        let expr = format!("sh kind.sh left 1 2 |&{attr} sh kind.sh right 0");
        let lines = kinds(&[&expr]);
        assert_eq!(
            kind_words(&lines),
            [
                format!("left 1 {want}"),
                format!("left 2 {want}"),
                format!("right 0 {want}")
            ],
            "{expr}: {lines:?}"
        );
    }
    assert_clean_run(
        &["sh -c 'echo out; echo err >&2' |&[sock] sort"],
        "err\nout\n",
    );
}

#[test]
fn via_sets_every_plain_edge_and_an_attribute_still_wins() {
    for (via, want) in [
        ("pipe", "pipe"),
        ("fifo", "fifo"),
        ("sock", "stream"),
        ("seqpacket", "seqpacket"),
    ] {
        let expr = "sh kind.sh a 1 | sh kind.sh b 0 1 |[pipe] sh kind.sh c 0";
        let lines = kinds(&["--via", via, expr]);
        assert_eq!(
            kind_words(&lines),
            [
                format!("a 1 {want}"),
                format!("b 0 {want}"),
                "b 1 pipe".to_string(),
                "c 0 pipe".to_string()
            ],
            "--via {via}: {lines:?}"
        );
    }
}

#[test]
fn via_takes_the_form_with_an_equals_sign_too() {
    let lines = kinds(&["--via=sock", "sh kind.sh a 1 | sh kind.sh b 0"]);
    assert_eq!(
        kind_words(&lines),
        ["a 1 stream", "b 0 stream"],
        "{lines:?}"
    );
}

#[test]
fn an_unknown_via_is_a_usage_error_and_runs_nothing() {
    let s = Scratch::new();
    let out = run_scratch(&s, &["--via", "carrier-pigeon", "touch MARKER"]);
    let what = show(&["--via", "carrier-pigeon"], &out);
    assert_eq!(shell_status(&out), 2, "{what}");
    assert!(stderr(&out).contains("carrier-pigeon"), "{what}");
    assert!(!s.path("MARKER").exists(), "{what}");
}

#[test]
fn a_duplex_edge_is_one_socket_used_both_ways() {
    for (attr, want) in [
        ("[sock,duplex]", "stream"),
        ("[seqpacket,duplex]", "seqpacket"),
    ] {
        let expr = format!("sh kind.sh left 0 1 |{attr} sh kind.sh right 0 1");
        let lines = kinds(&[&expr]);
        assert_eq!(
            kind_words(&lines),
            [
                format!("left 0 {want}"),
                format!("left 1 {want}"),
                format!("right 0 {want}"),
                format!("right 1 {want}")
            ],
            "{expr}: {lines:?}"
        );
        let inode = |i: usize| lines[i].split(' ').nth(3).unwrap_or_default().to_string();
        assert_eq!(
            inode(0),
            inode(1),
            "the left stage has one socket: {lines:?}"
        );
        assert_eq!(
            inode(2),
            inode(3),
            "the right stage has one socket: {lines:?}"
        );
        assert_ne!(inode(0), inode(2), "the two ends of one pair: {lines:?}");
    }
}

// ---------------------------------------------------------------------
// Bytes, messages and dialogues.

#[test]
fn small_data_passes_through_every_transport() {
    for kind in KINDS {
        assert_clean_run(&[&format!("printf 'a\\nb\\n' |[{kind}] cat")], "a\nb\n");
        assert_clean_run(
            &["--via", kind, "printf 'a\\nb\\n' | cat | tr a-z A-Z"],
            "A\nB\n",
        );
    }
    // An empty stream: the reader sees end of file at once.
    for kind in KINDS {
        assert_clean_run(&[&format!("true |[{kind}] wc -c")], "0\n");
    }
}

#[test]
fn seqpacket_keeps_each_write_as_one_message() {
    // Three processes, three writes of distinct sizes; each `dd count=1`
    // reads one message, whatever the timing; then end of file.
    assert_clean_run(
        &[
            "sh -c 'env printf aaa; env printf bbbbb; env printf c' |[seqpacket] \
           sh -c 'for i in 1 2 3 4; do dd bs=65536 count=1 2>/dev/null | wc -c; done'",
        ],
        "3\n5\n1\n0\n",
    );
    let s = Scratch::new();
    let args = ["sh -c 'env printf aaa; env printf bbbbb; env printf c' |[seqpacket] dd bs=65536"];
    let out = run_scratch(&s, &args);
    let what = show(&args, &out);
    assert_eq!(shell_status(&out), 0, "{what}");
    assert_eq!(stdout(&out), "aaabbbbbc", "{what}");
    assert!(stderr(&out).contains("0+3 records in"), "{what}");
}

#[test]
fn a_stream_socket_reader_may_read_bytes_one_at_a_time() {
    // The counterpart of the seqpacket test: on a stream, a short read
    // loses nothing.
    assert_clean_run(
        &[
            "printf abc |[sock] sh -c 'dd bs=1 count=1 2>/dev/null; dd bs=1 count=1 2>/dev/null; cat'",
        ],
        "abc",
    );
}

#[test]
fn via_seqpacket_is_overridden_by_an_explicit_pipe() {
    // A reader that reads one byte per read: a seqpacket message is
    // consumed whole by the first read, a pipe keeps the rest.
    let reader = "sh -c 'dd bs=1 count=1 2>/dev/null; dd bs=1 count=1 2>/dev/null'";
    assert_clean_run(
        &["--via", "seqpacket", &format!("printf abc | {reader}")],
        "a",
    );
    assert_clean_run(
        &[
            "--via",
            "seqpacket",
            &format!("printf abc |[pipe] {reader}"),
        ],
        "ab",
    );
}

#[test]
fn a_duplex_socket_carries_a_dialogue_with_bc() {
    // bc answers on its stdout, which is the socket back to the client.
    // (`bc` must be installed: .ci/run installs it.)
    let s = Scratch::new();
    let args = [
        r#"sh -c 'echo 2+3; read r; echo "got $r" >&2; echo "6*7"; read r; echo "got $r" >&2' |[sock,duplex] bc"#,
    ];
    let out = run_scratch(&s, &args);
    let what = show(&args, &out);
    assert_eq!(shell_status(&out), 0, "{what}");
    assert_eq!(stdout(&out), "", "{what}");
    assert_eq!(stderr(&out), "got 5\ngot 42\n", "{what}");
    assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
}

#[test]
fn a_duplex_server_loop_sees_end_of_file_when_the_client_exits() {
    // The server loops until end of file: it only gets it if pipe-run
    // keeps no copy of either end of the socketpair.
    let s = Scratch::new();
    let args = [
        r#"sh -c 'echo one; read a; echo two; read b; echo "$a $b" > reply' |[sock,duplex] sh -c 'while read l; do echo "re:$l"; done; echo eof > server'"#,
    ];
    let out = run_scratch(&s, &args);
    let what = show(&args, &out);
    assert_eq!(shell_status(&out), 0, "{what}");
    assert_eq!(
        s.read("reply").as_deref(),
        Some("re:one re:two\n"),
        "{what}"
    );
    assert_eq!(s.read("server").as_deref(), Some("eof\n"), "{what}");
    assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
}

#[test]
fn a_seqpacket_duplex_exchange_is_one_message_each_way() {
    let s = Scratch::new();
    // `dd count=1` reads one message; the server's `cat` then reads the
    // rest up to end of file, which it gets only if pipe-run keeps no copy
    // of either end.
    let args = [
        "sh -c 'printf ping; dd bs=64K count=1 of=reply 2>/dev/null; printf more' |[seqpacket,duplex] \
                 sh -c 'dd bs=64K count=1 2>/dev/null | tr a-z A-Z; cat > rest'",
    ];
    let out = run_scratch(&s, &args);
    let what = show(&args, &out);
    assert_eq!(shell_status(&out), 0, "{what}");
    assert_eq!(s.read("reply").as_deref(), Some("PING"), "{what}");
    assert_eq!(s.read("rest").as_deref(), Some("more"), "{what}");
    assert_eq!(stdout(&out), "", "{what}");
}

// ---------------------------------------------------------------------
// An early reader.

#[test]
fn a_reader_that_exits_early_ends_the_writer_on_every_transport() {
    for (attr, marker) in [
        ("[pipe]", "8101"),
        ("[pipe,size=1MiB]", "8102"),
        ("[fifo]", "8103"),
        ("[fifo,size=1MiB]", "8104"),
        ("[sock]", "8105"),
        ("[sock,size=64KiB]", "8106"),
        ("[seqpacket]", "8107"),
        ("&[sock]", "8108"),
    ] {
        let s = Scratch::new();
        let args = [&*format!("yes {marker} |{attr} head -1")];
        let out = run_scratch(&s, &args);
        let what = show(&args, &out);
        // yes dies of SIGPIPE writing into an edge: success.
        assert_eq!(shell_status(&out), 0, "{what}");
        assert_eq!(stdout(&out), format!("{marker}\n"), "{what}");
        assert_eq!(stderr(&out), "", "{what}");
        assert_eq!(processes_running(&["yes", marker]), Vec::<u32>::new());
        assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
    }
}

#[test]
fn a_writer_that_ignores_sigpipe_gets_epipe_on_every_transport() {
    for (kind, marker) in [
        ("pipe", "8111"),
        ("fifo", "8112"),
        ("sock", "8113"),
        ("seqpacket", "8114"),
    ] {
        let s = Scratch::new();
        let args = [&*format!(
            "sh -c 'trap \"\" PIPE; exec yes {marker}' |[{kind}] head -1"
        )];
        let out = run_scratch(&s, &args);
        let what = show(&args, &out);
        assert_eq!(stdout(&out), format!("{marker}\n"), "{what}");
        // yes reports the write error and fails; pipefail makes it count.
        assert_eq!(shell_status(&out), 1, "{what}");
        assert!(stderr(&out).contains("Broken pipe"), "{what}");
        assert!(stderr(&out).contains("stage 1 "), "{what}");
        assert_eq!(processes_running(&["yes", marker]), Vec::<u32>::new());
    }
}

// ---------------------------------------------------------------------
// size=

#[test]
fn sizes_are_taken_in_bytes_kib_and_mib() {
    for size in ["65536", "64KiB", "1MiB", "4096"] {
        for kind in ["pipe", "fifo"] {
            assert_clean_run(&[&format!("printf x |[{kind},size={size}] cat")], "x");
        }
    }
}

/// The writer writes `bytes` and then creates `written`; the reader waits
/// (up to 10 s) for `written` before reading: with a kernel buffer that
/// holds `bytes`, the writer is done first.
fn writer_runs_ahead(attr: &str, bytes: usize) -> (String, Output) {
    let s = Scratch::new();
    let expr = format!(
        "sh -c 'head -c {bytes} /dev/zero; touch written' |{attr} \
         sh -c 'i=0; while [ ! -e written ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; \
                if [ -e written ]; then echo ahead; else echo blocked; fi; wc -c'"
    );
    let out = run_scratch(&s, &[&expr]);
    let what = show(&[&expr], &out);
    assert_eq!(shell_status(&out), 0, "{what}");
    (what, out)
}

#[test]
fn a_sized_pipe_or_fifo_holds_that_much() {
    for attr in ["[size=1MiB]", "[pipe,size=1MiB]", "[fifo,size=1MiB]"] {
        let (what, out) = writer_runs_ahead(attr, 1_000_000);
        assert_eq!(stdout(&out), "ahead\n1000000\n", "{what}");
        assert_eq!(stderr(&out), "", "{what}");
    }
}

#[test]
fn a_sized_socket_holds_that_much_or_says_what_it_got() {
    // SO_SNDBUF is capped by net.core.wmem_max: either the buffer was
    // granted and the writer runs ahead, or pipe-run said so.
    let (what, out) = writer_runs_ahead("[sock,size=2MiB]", 500_000);
    let err = stderr(&out);
    if err.is_empty() {
        assert_eq!(stdout(&out), "ahead\n500000\n", "{what}");
    } else {
        assert_eq!(err.lines().count(), 1, "said once: {what}");
        assert!(err.starts_with("pipe-run: "), "{what}");
        assert!(stdout(&out).ends_with("\n500000\n"), "{what}");
    }
}

/// Run `pipe-run ARGS...` as nobody when the tests run as root, so that
/// the kernel's limits for unprivileged processes apply.
fn run_unprivileged(args: &[&str]) -> Output {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(crate::support::bin());
    cmd.args(args).current_dir("/");
    // SAFETY: only async-signal-safe calls (setgroups, setgid, setuid)
    // between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let root = libc::geteuid() == 0;
            if root
                && (libc::setgroups(0, std::ptr::null()) != 0
                    || libc::setgid(65534) != 0
                    || libc::setuid(65534) != 0)
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    crate::support::finish(child)
}

/// Does `text` show `bytes` as bytes, KiB, MiB or GiB?
fn in_some_unit(text: &str, bytes: u64) -> bool {
    let mut forms = vec![bytes.to_string()];
    for (unit, scale) in [("KiB", 1u64 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30)] {
        if bytes.is_multiple_of(scale) {
            forms.push(format!("{}{unit}", bytes / scale));
        }
    }
    forms.iter().any(|f| {
        text.match_indices(f.as_str()).any(|(at, _)| {
            // A whole number, not the tail of a longer one.
            !text[..at].ends_with(|c: char| c.is_ascii_digit())
                && !text[at + f.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
        })
    })
}

#[test]
fn a_size_the_kernel_refuses_is_reported_once_and_the_pipeline_runs() {
    // Above /proc/sys/fs/pipe-max-size, only a privileged process gets
    // the size (the tests run as root in CI).
    let max: u64 = std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let size = (max * 4).to_string();
    let expr = format!("printf x |[size={size}] cat");
    let out = run_unprivileged(&[&expr]);
    let what = show(&[&expr], &out);
    assert_eq!(shell_status(&out), 0, "{what}");
    assert_eq!(stdout(&out), "x", "{what}");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "said once: {what}");
    assert!(err.starts_with("pipe-run: "), "{what}");
    // It says what it got (the limit) against what was asked, in bytes
    // or in the units size= takes.
    assert!(in_some_unit(&err, max), "{what}");
    assert!(in_some_unit(&err, max * 4), "{what}");
    // Not with -q.
    let out = run_unprivileged(&["-q", &expr]);
    let what = show(&["-q", &expr], &out);
    assert_eq!(shell_status(&out), 0, "{what}");
    assert_eq!(stdout(&out), "x", "{what}");
    assert_eq!(stderr(&out), "", "{what}");
}

// ---------------------------------------------------------------------
// 200 MB through each transport.

/// Run `pipe-run ARGS...`, whose output is a cksum of the generator's
/// output, and compare.
fn assert_intact(args: &[&str]) {
    let s = Scratch::new();
    let out = run_scratch(&s, args);
    let what = show(args, &out);
    assert_eq!(shell_status(&out), 0, "{what}");
    assert_eq!(stdout(&out), expected_cksum(), "{what}");
    assert_eq!(s.leftovers(), Vec::<String>::new(), "{what}");
}

#[test]
fn integrity_pipe() {
    assert_intact(&[&format!("{GENERATOR} |[pipe] cksum")]);
}

#[test]
fn integrity_pipe_sized() {
    assert_intact(&[&format!(
        "{GENERATOR} |[pipe,size=1MiB] cat |[size=64KiB] cksum"
    )]);
}

#[test]
fn integrity_fifo() {
    assert_intact(&[&format!("{GENERATOR} |[fifo] cksum")]);
}

#[test]
fn integrity_fifo_sized() {
    assert_intact(&[&format!("{GENERATOR} |[fifo,size=1MiB] cksum")]);
}

#[test]
fn integrity_sock() {
    assert_intact(&[&format!("{GENERATOR} |[sock] cksum")]);
}

#[test]
fn integrity_sock_sized() {
    assert_intact(&[&format!("{GENERATOR} |[sock,size=64KiB] cksum")]);
}

#[test]
fn integrity_seqpacket() {
    // `cat` writes what it read from the pipe, up to 64 KiB per write: the
    // messages are large; the reading `cat` reads 128 KiB at a time, so no
    // message is cut.
    assert_intact(&[&format!("{GENERATOR} | cat |[seqpacket] cat | cksum")]);
}

#[test]
fn integrity_seqpacket_sized() {
    assert_intact(&[&format!(
        "{GENERATOR} | cat |[seqpacket,size=1MiB] cat | cksum"
    )]);
}

#[test]
fn integrity_stderr_over_a_socket() {
    assert_intact(&[&format!("sh -c '{GENERATOR} >&2' |&[sock] cksum")]);
}

#[test]
fn integrity_via_every_transport() {
    for kind in KINDS {
        let what = format!("--via {kind}");
        let s = Scratch::new();
        let args = ["--via", kind, &format!("{GENERATOR} | cat | cksum")];
        let out = run_scratch(&s, &args);
        assert_eq!(shell_status(&out), 0, "{what}: {}", show(&args, &out));
        assert_eq!(stdout(&out), expected_cksum(), "{what}");
    }
}

// ---------------------------------------------------------------------
// Refusals.

/// Check that `expr` (which starts with `touch MARKER`) is refused with
/// exit 2, a `pipe-run: ` message naming `named` and a caret under exactly
/// the `nth` occurrence (from 0) of `under`, and that nothing ran or was
/// left under `$TMPDIR`.
fn check_refused(expr: &str, under: &str, nth: usize, named: &str) -> Result<(), String> {
    let s = Scratch::new();
    let out = run_scratch(&s, &[expr]);
    let err = stderr(&out);
    let fail = |why: String| Err(format!("{expr:?}: {why}\n--- stderr:\n{err}"));
    if shell_status(&out) != 2 {
        return fail(format!("exit status {}, expected 2", shell_status(&out)));
    }
    if s.path("MARKER").exists() || s.path("out").exists() {
        return fail("a stage ran, or a redirection was made".into());
    }
    if !out.stdout.is_empty() {
        return fail(format!("stdout: {:?}", stdout(&out)));
    }
    if !s.leftovers().is_empty() {
        return fail(format!("left under $TMPDIR: {:?}", s.leftovers()));
    }
    let first = err.lines().next().unwrap_or_default();
    if !first.starts_with("pipe-run: ") || !first.contains(named) {
        return fail(format!("the first line is not `pipe-run: ...{named}...`"));
    }
    let (at, _) = expr
        .match_indices(under)
        .nth(nth)
        .expect("`under` is in the expression");
    let start = expr[..at].chars().count();
    let width = under.chars().count();
    match caret_under(&err, expr) {
        Some(got) if got == (start, width) => Ok(()),
        other => fail(format!(
            "caret (column, width) is {other:?}, expected {:?} under {under:?}",
            (start, width)
        )),
    }
}

/// `(expression, under, nth, named)`: see [`check_refused`].
type Refusal<'a> = (&'a str, &'a str, usize, &'a str);

fn check_all_refused(cases: &[Refusal]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|&(expr, under, nth, named)| check_refused(expr, under, nth, named).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} refusals wrong:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn unknown_attributes_are_refused_with_a_caret_under_them() {
    check_all_refused(&[
        ("touch MARKER |[bogus] cat > out", "bogus", 0, "bogus"),
        ("touch MARKER |[sock,bogus] cat > out", "bogus", 0, "bogus"),
        ("touch MARKER |[Sock] cat > out", "Sock", 0, "Sock"),
        ("touch MARKER |&[tcp] cat > out", "tcp", 0, "tcp"),
        ("touch MARKER | cat |[fifo,udp] cat > out", "udp", 0, "udp"),
    ]);
}

#[test]
fn conflicting_attributes_are_refused_with_a_caret_under_the_second() {
    check_all_refused(&[
        (
            "touch MARKER |[fifo,duplex] cat > out",
            "duplex",
            0,
            "duplex",
        ),
        (
            "touch MARKER |[pipe,duplex] cat > out",
            "duplex",
            0,
            "duplex",
        ),
        ("touch MARKER |[duplex] cat > out", "duplex", 0, "duplex"),
        (
            "touch MARKER |&[fifo,duplex] cat > out",
            "duplex",
            0,
            "duplex",
        ),
        ("touch MARKER |[fifo,sock] cat > out", "sock", 0, "sock"),
        (
            "touch MARKER |[sock,seqpacket] cat > out",
            "seqpacket",
            0,
            "seqpacket",
        ),
        ("touch MARKER |[sock,sock] cat > out", "sock", 1, "twice"),
        (
            "touch MARKER |[size=1K,size=2K] cat > out",
            "size=2K",
            0,
            "twice",
        ),
    ]);
}

#[test]
fn a_duplex_pair_inside_a_longer_pipeline_is_refused() {
    // Both fds of both stages of a duplex pair are taken.
    check_all_refused(&[
        (
            "touch MARKER | cat |[sock,duplex] cat > out",
            "duplex",
            0,
            "duplex",
        ),
        (
            "touch MARKER |[seqpacket,duplex] cat | cat > out",
            "duplex",
            0,
            "duplex",
        ),
    ]);
}

#[test]
fn bad_sizes_are_refused_with_a_caret_under_them() {
    check_all_refused(&[
        ("touch MARKER |[size=] cat > out", "size=", 0, "size"),
        ("touch MARKER |[size=0] cat > out", "0", 0, "0"),
        ("touch MARKER |[size=1XB] cat > out", "XB", 0, "XB"),
        ("touch MARKER |[size=-1] cat > out", "-1", 0, "-1"),
        ("touch MARKER |[size=KiB] cat > out", "KiB", 0, "KiB"),
        (
            "touch MARKER |[sock,size=1.5MiB] cat > out",
            "1.5MiB",
            0,
            "1.5MiB",
        ),
        (
            "touch MARKER |[size=99999999999999999999999] cat > out",
            "99999999999999999999999",
            0,
            "99999999999999999999999",
        ),
    ]);
}

#[test]
fn an_unclosed_or_empty_attribute_list_is_refused() {
    check_all_refused(&[
        ("touch MARKER |[sock cat > out", "[", 0, "`[`"),
        ("touch MARKER |[sock", "[", 0, "`[`"),
        ("touch MARKER |[] cat > out", "[]", 0, "empty"),
        ("touch MARKER |[sock,] cat > out", ",", 0, "empty"),
    ]);
}

#[test]
fn a_space_before_the_bracket_is_still_the_test_command() {
    // `| [` is a pipe into `[`: not an attribute list.
    assert_clean_run(&["true | [ -n x ]"], "");
}

// ---------------------------------------------------------------------
// --explain

#[test]
fn explain_names_the_transport_of_each_edge() {
    let s = Scratch::new();
    for (expr, words) in [
        (
            "touch MARKER |[fifo] cat |[seqpacket,size=64KiB] cat | cat |[sock] cat",
            &["fifo", "seqpacket", "size=64KiB", "pipe", "sock"][..],
        ),
        // A duplex pair is a whole pipeline.
        ("touch MARKER |[sock,duplex] cat", &["sock", "duplex"][..]),
    ] {
        let args = ["--explain", expr];
        let out = run_scratch(&s, &args);
        let what = show(&args, &out);
        assert_eq!(shell_status(&out), 0, "{what}");
        let plan = stdout(&out);
        for word in words {
            assert!(plan.contains(word), "{word} missing: {what}");
        }
    }
    assert!(!s.path("MARKER").exists(), "--explain ran a stage");
    assert_eq!(s.leftovers(), Vec::<String>::new(), "--explain made files");
}

#[test]
fn explain_shows_via() {
    let s = Scratch::new();
    let args = ["--via", "seqpacket", "--explain", "true | true"];
    let out = run_scratch(&s, &args);
    let what = show(&args, &out);
    assert_eq!(shell_status(&out), 0, "{what}");
    assert!(stdout(&out).contains("seqpacket"), "{what}");
}

// ---------------------------------------------------------------------
// Socket edges shared with substitutions, writers below a stage, readers
// that leave a process behind.

#[test]
fn a_socket_reader_shared_with_a_substitution_still_gives_sigpipe() {
    // head's stdin is shared with the `cat` inside `<(cat)`: the socket is
    // released only when both have ended, and yes dies of SIGPIPE.
    let s = Scratch::new();
    let out = run_scratch(&s, &["yes |[sock] head -1 <(cat)"]);
    assert_eq!(shell_status(&out), 0, "{}", show(&[], &out));
}

#[test]
fn a_writer_below_the_stage_gets_sigpipe_from_a_socket() {
    let s = Scratch::new();
    for kind in ["sock", "seqpacket"] {
        let expr = format!("sh -c 'yes; echo done' |[{kind}] head -1");
        let out = run_scratch(&s, &[&expr]);
        assert_eq!(shell_status(&out), 0, "{}", show(&[&expr], &out));
        assert_eq!(stdout(&out), "y\n");
    }
}

#[test]
fn a_process_the_reader_leaves_behind_keeps_reading_the_socket() {
    // The reading stage exits at once, leaving a background process that
    // reads the socket later: the socket must not be shut down under it.
    let s = Scratch::new();
    let expr = "seq 100000 |[sock] sh -c 'exec 3<&0; (sleep 0.3; wc -l <&3 > count) & exit 0'";
    let out = run_scratch(&s, &["--keep-orphans", expr]);
    assert_eq!(shell_status(&out), 0, "{}", show(&[expr], &out));
    crate::support::eventually("the background reader wrote its count", || {
        std::fs::read_to_string(s.work.path().join("count")).is_ok_and(|c| c == "100000\n")
    });
}
