//! Tests of the public entry points, written as shell text. Most expected
//! values live in tables that are also run through dash (when installed),
//! so every fixed expectation is checked against the reference shell.

use std::fs;

use super::testutil::{bash_fields, dash_assignment, dash_fields, show, vars, word, words};
use super::*;

/// One `show WORDS` case: variables, positional parameters, source text and
/// the fields dash prints.
struct Case {
    env: &'static [(&'static str, &'static str)],
    pos: &'static [&'static str],
    src: &'static str,
    want: &'static [&'static str],
}

const fn c(
    env: &'static [(&'static str, &'static str)],
    pos: &'static [&'static str],
    src: &'static str,
    want: &'static [&'static str],
) -> Case {
    Case {
        env,
        pos,
        src,
        want,
    }
}

const H: (&str, &str) = ("HOME", "/h");
const AB: &[&str] = &["a", "b"];
const P12: &[&str] = &["p1", "p2"];

const CASES: &[Case] = &[
    // Field splitting.
    c(&[("x", "a  b")], &[], "$x", &["a", "b"]),
    c(&[("x", "a  b")], &[], "\"$x\"", &["a  b"]),
    c(&[("x", "1 2")], &[], "a$x", &["a1", "2"]),
    c(&[("x", "  a  b  ")], &[], "c$x\"d\"", &["c", "a", "b", "d"]),
    c(&[("x", " \t\n")], &[], "c$x\"d\"", &["c", "d"]),
    c(&[("x", "  ")], &[], "$x\"\"", &[""]),
    c(&[("x", "  ")], &[], "\"\"$x", &[""]),
    c(&[("x", "  ")], &[], "$x", &[]),
    c(&[("x", "")], &[], "$x", &[]),
    c(&[("x", "")], &[], "\"$x\" '' \"\"", &["", "", ""]),
    c(&[], &[], "$nope ${nope}x", &["x"]),
    c(
        &[("x", "a b")],
        &[],
        "'$x' \\$x \"a  b\"",
        &["$x", "$x", "a  b"],
    ),
    c(&[], &[], "a\\ b", &["a b"]),
    // $@ and $*.
    c(&[], &[], "\"$@\"", &[]),
    c(&[], &[], "\"$@\" \"$@\"", &[]),
    c(&[], &[], "\"x$@\"", &["x"]),
    c(&[], &[], "\"$@\"\"\"", &[""]),
    c(&[], &[], "\"$@\"''", &[""]),
    c(&[], &[], "\"\"$@", &[""]),
    c(&[("x", "")], &[], "\"$@$x\"", &[""]),
    c(&[("x", "")], &[], "\"$@\"$x", &[]),
    c(&[], &[], "\"$*\"", &[""]),
    c(&[], &[], "$* $@", &[]),
    c(&[], &[], "\"${x-$@}\"", &[""]),
    c(&[], &[], "${x-\"$@\"}", &[]),
    c(&[], &[], "${x-\"$@\"}\"\"", &[""]),
    c(&[], AB, "\"x$@y\"", &["xa", "by"]),
    c(&[], &["a"], "\"$@\"x\"$@\"", &["axa"]),
    c(&[], AB, "\"$@\"x\"$@\"", &["a", "bxa", "b"]),
    c(&[], AB, "\"${x-\"$@\"}\"", &["a", "b"]),
    c(
        &[],
        AB,
        "${x-\"$@\"} ${x-$@} \"${x-$@}\"",
        &["a", "b", "a", "b", "a", "b"],
    ),
    c(&[], &["a b", "c"], "$@", &["a", "b", "c"]),
    c(&[], &["a b", "c"], "\"$@\"", &["a b", "c"]),
    c(&[], &["a b", "c"], "\"$*\"", &["a b c"]),
    c(&[], &["a b", "c"], "$*", &["a", "b", "c"]),
    c(&[], &["", ""], "$@", &[]),
    c(&[], &["", ""], "\"$@\"", &["", ""]),
    c(&[], &["", ""], "\"$*\"", &[" "]),
    c(&[], &["", ""], "x$@y", &["x", "y"]),
    c(&[], &["a", "", "b"], "$@ x$*y", &["a", "b", "xa", "by"]),
    c(&[], &[""], "\"$@\"", &[""]),
    c(&[], &[""], "$@", &[]),
    c(&[], &[""], "\"\"$@", &[""]),
    c(&[], &["a", ""], "\"$@\"", &["a", ""]),
    c(&[], &["", "a"], "\"$@\"", &["", "a"]),
    c(&[("x", "1")], P12, "\"$x\"$@", &["1p1", "p2"]),
    c(&[], &["a b"], "\"$@\" $@", &["a b", "a", "b"]),
    // Special parameters.
    c(
        &[],
        P12,
        "$# ${#} $0 ${0} $1 ${2} $3",
        &["2", "2", "dashname", "dashname", "p1", "p2"],
    ),
    c(
        &[],
        &["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"],
        "${11} ${#11} $11",
        &["11", "2", "11"],
    ),
    // Default, alternative.
    c(&[], &[], "${x-a  b}", &["a", "b"]),
    c(&[], &[], "${x-\"a  b\"}", &["a  b"]),
    c(&[], &[], "${x-\"a  b\" c}", &["a  b", "c"]),
    c(&[], &[], "${x:-}", &[]),
    c(&[], &[], "${x:-\"\"}", &[""]),
    c(&[], &[], "\"${x:-}\"", &[""]),
    c(&[], &[], "\"${x-a  b}\"", &["a  b"]),
    c(&[("x", "1")], &[], "${x+a b}", &["a", "b"]),
    c(&[("x", "")], &[], "${x:+a b}", &[]),
    c(&[("x", "")], &[], "\"${x:+a b}\"", &[""]),
    c(&[("x", "")], &[], "${x+a b}", &["a", "b"]),
    c(&[("x", "")], &[], "${x-a} ${x:-b} \"${x-a}\"", &["b", ""]),
    c(
        &[("y", "1 2")],
        &[],
        "${x-$y} \"${x-$y}\"",
        &["1", "2", "1 2"],
    ),
    c(&[("x", "v")], &[], "${x-${y?boom}}", &["v"]),
    c(&[("x", "")], &[], "${x?}", &[]),
    c(
        &[],
        P12,
        "${@-x} ${*-y} ${@:-z} ${*:-w} ${@+a} ${*:+b}",
        &["p1", "p2", "p1", "p2", "p1", "p2", "p1", "p2", "a", "b"],
    ),
    c(
        &[],
        &[],
        "${@-x} ${*-y} ${@:-z} ${*:-w} ${@+a} ${*:+b}",
        &["z", "w", "a"],
    ),
    c(
        &[],
        &[""],
        "${@-x} ${*-y} ${@:-z} ${*:-w} ${@+a} ${*:+b}",
        &["z", "w", "a"],
    ),
    c(
        &[],
        &["", ""],
        "${@-x} ${*-y} ${@:-z} ${*:-w} ${@+a} ${*:+b}",
        &["a", "b"],
    ),
    c(&[], &[], "${@?} ${#:?}", &["0"]),
    c(
        &[],
        &["ab", "cd"],
        "\"${@-x}\" \"x${@-x}y\" \"x${@+x}y\"",
        &["ab", "cd", "xab", "cdy", "xxy"],
    ),
    // Length.
    c(&[], P12, "${#@} ${#*} ${##} ${#0}", &["5", "5", "1", "8"]),
    c(&[("x", "")], &[], "${#x} ${#nope}", &["0", "0"]),
    c(&[("x", "abc")], &[], "${#x} \"${#x}\"", &["3", "3"]),
    // Trims.
    c(
        &[("x", "abcabc")],
        &[],
        "${x#*b} ${x##*b} ${x%b*} ${x%%b*} ${x#} ${x%%} ${x#x} ${x##*} ${x%%*}",
        &["cabc", "c", "abca", "a", "abcabc", "abcabc", "abcabc"],
    ),
    c(
        &[("x", "a.b.c")],
        &[],
        "\"${x%.*}\" \"${x%\".*\"}\" ${x%\".*\"}",
        &["a.b", "a.b.c", "a.b.c"],
    ),
    c(
        &[("x", "a.b.c")],
        &[],
        "${x%%.*} ${x#*.} ${x##*.}",
        &["a", "b.c", "c"],
    ),
    c(
        &[("p", "*"), ("x", "ab")],
        &[],
        "\"${x##$p}\" \"${x##\"$p\"}\" ${x##$p}",
        &["", "ab"],
    ),
    c(
        &[("p", "\\a"), ("x", "ab")],
        &[],
        "${x#$p} \"${x#$p}\"",
        &["b", "b"],
    ),
    c(&[("p", "\\a"), ("x", "\\ab")], &[], "${x#$p}", &["\\ab"]),
    c(
        &[("p", "?"), ("x", "?b")],
        &[],
        "${x#\"$p\"} \"${x#\"$p\"}\" \"${x#$p}\"",
        &["b", "b", "b"],
    ),
    c(
        &[("x", "a*b")],
        &[],
        "${x#a\\*} ${x%\\*b} ${x%\"*\"b} \"${x%\"*\"b}\"",
        &["b", "a", "a", "a"],
    ),
    c(
        &[("x", "abc")],
        &[],
        "${x#[ab]} ${x#[!b]} ${x#[a-b]?}",
        &["bc", "bc", "c"],
    ),
    c(&[("x", "a  b")], &[], "${x#a} \"${x#a}\"", &["b", "  b"]),
    c(
        &[("x", "a b")],
        &[],
        "${x#\"a b\"} ${x#a b} ${x%[[:space:]]b}",
        &["a"],
    ),
    c(
        &[],
        &["abc", "bcd"],
        "\"${@#?}\" ${*%?} \"${*%?}\"",
        &["bc", "bcd", "abc", "bc", "abc bc"],
    ),
    c(
        &[],
        AB,
        "\"${@#a?}\" \"${@#a}\" \"${@#a*}\" \"${@##*}\"",
        &["a", "b", "", "b", "", "b", ""],
    ),
    c(
        &[],
        AB,
        "\"${@%?b}\" \"${@%b}\" \"${@%%*}\"",
        &["a", "b", "a", "", ""],
    ),
    c(
        &[],
        &["ab", "cd"],
        "\"${@#??}\" \"${@#???}\" \"${@#a}\" x",
        &["", "cd", "ab", "cd", "b", "cd", "x"],
    ),
    c(&[], &["a b", "cd"], "${@#a}", &["b", "cd"]),
    c(&[], &[], "\"${@#x}\" \"${@-x}\"", &["", ""]),
    // Tilde.
    c(
        &[H],
        &[],
        "~ ~/a a~ \"~\" \\~ ~\"/a\" ~/\"a\" ~$x ~: ~/$x",
        &[
            "/h", "/h/a", "a~", "~", "~", "~/a", "/h/a", "~", "~:", "/h/",
        ],
    ),
    c(&[], &[], "~ ~/a", &["~", "~/a"]),
    c(&[("HOME", "")], &[], "~ ~/a ~/", &["/a", "/"]),
    c(&[("HOME", "/a b")], &[], "~ ~/*", &["/a b", "/a b/*"]),
    c(&[("HOME", "/*")], &[], "~ ~/", &["/*", "/*/"]),
    c(
        &[H],
        &[],
        "${x-~} ${x-~/a} \"${x-~}\" ${x-a:~} ${HOME#~}",
        &["/h", "/h/a", "~", "a:~"],
    ),
    c(&[H], &[], "a${x-~} ${x-b:~}", &["a/h", "b:~"]),
    c(
        &[H],
        &[],
        "~no-such-user-xyz ~no-such-user-xyz/a",
        &["~no-such-user-xyz", "~no-such-user-xyz/a"],
    ),
    // Glob characters that match nothing stay, with quote removal.
    c(
        &[("x", "/nonexistent-xyz/*")],
        &[],
        "$x \"/nonexistent-xyz\"/* /nonexistent-xyz/\"*\"",
        &[
            "/nonexistent-xyz/*",
            "/nonexistent-xyz/*",
            "/nonexistent-xyz/*",
        ],
    ),
    // -u.
    c(
        &[],
        P12,
        "${nope-x} ${nope+y} ${nope:-z} ${nope:+w}",
        &["x", "z"],
    ),
];

fn case_vars(case: &Case) -> Vars {
    let env: Vec<(&str, &[u8])> = case.env.iter().map(|(k, v)| (*k, v.as_bytes())).collect();
    let pos: Vec<&[u8]> = case.pos.iter().map(|p| p.as_bytes()).collect();
    vars(&env, &pos)
}

#[test]
fn table() {
    for case in CASES {
        let v = case_vars(case);
        let got = expand_words(&words(case.src), &v).map(|f| show(&f));
        assert_eq!(
            got,
            Ok(case.want.iter().map(|s| s.to_string()).collect()),
            "{}",
            case.src
        );
    }
}

#[test]
fn table_agrees_with_dash() {
    for case in CASES {
        let v = case_vars(case);
        let Some(got) = dash_fields(&v, case.src) else {
            return;
        };
        let got = got.map(|f| show(&f));
        assert_eq!(
            got,
            Ok(case.want.iter().map(|s| s.to_string()).collect()),
            "{}",
            case.src
        );
    }
}

/// Cases that fail: source, whether `-u`, dash's message.
const ERRORS: &[(&str, bool, &str)] = &[
    ("${x?}", false, "x: parameter not set"),
    ("${x:?}", false, "x: parameter not set or null"),
    ("${x?hello  world $HOME}", false, "x: hello  world /h"),
    ("${x:?hello}", false, "x: hello"),
    ("${x?\"\"}", false, "x: "),
    ("${x?$nope}", false, "x: "),
    ("${x?*}", false, "x: *"),
    ("${x?~}", false, "x: /h"),
    ("${3?}", false, "3: parameter not set"),
    ("${3:?}", false, "3: parameter not set or null"),
    ("${e:?}", false, "e: parameter not set or null"),
    ("${*:?} ", false, "*: parameter not set or null"),
    ("${x-${y?inner}}", false, "y: inner"),
    ("$nope", true, "nope: parameter not set"),
    ("${nope}", true, "nope: parameter not set"),
    ("${#nope}", true, "nope: parameter not set"),
    ("${nope#a}", true, "nope: parameter not set"),
    ("\"$nope\"", true, "nope: parameter not set"),
    ("$3", true, "3: parameter not set"),
    ("${y-$nope}", true, "nope: parameter not set"),
    ("${nope?}", true, "nope: parameter not set"),
];

#[test]
fn errors() {
    for &(src, nounset, want) in ERRORS {
        let mut v = vars(&[("HOME", b"/h"), ("e", b"")], &[]);
        v.nounset = nounset;
        let got = expand_words(&words(src), &v).map_err(|e| e.message);
        assert_eq!(got, Err(want.to_string()), "{src}");
        if let Some(dash) = dash_fields(&v, src) {
            assert_eq!(dash.map(|f| show(&f)), Err(want.to_string()), "dash: {src}");
        }
    }
}

#[test]
fn nounset_spares_special_parameters() {
    let mut v = vars(&[], &[]);
    v.nounset = true;
    let got = expand_words(&words("\"$@\" $* $# $0 ${nope:+x} ${x-y}"), &v).unwrap();
    assert_eq!(show(&got), ["0", "dashname", "y"]);
}

#[test]
fn error_span_is_the_expansion() {
    let v = vars(&[], &[]);
    let w = word("ab${x:?oops}cd");
    let err = expand_words(std::slice::from_ref(&w), &v).unwrap_err();
    assert_eq!(err.span, Span::new(2, 12));
    assert_eq!(err.message, "x: oops");

    let mut v = v;
    v.nounset = true;
    let err = expand_single(&word("\"a$nope\""), &v).unwrap_err();
    assert_eq!(err.span, Span::new(2, 7));
}

#[test]
fn pid() {
    let v = vars(&[], &[]);
    assert_eq!(
        show(&expand_words(&words("$$ ${#$}"), &v).unwrap()),
        ["4242", "4"]
    );
}

#[test]
fn first_env_entry_wins() {
    let v = vars(&[("x", b"1"), ("x", b"2")], &[]);
    assert_eq!(show(&expand_words(&words("$x"), &v).unwrap()), ["1"]);
}

#[test]
fn ifs_is_never_inherited() {
    // Neither for splitting nor as `$IFS`: dash ignores an inherited IFS.
    let v = vars(&[("IFS", b"x"), ("v", b"axb c")], &[]);
    assert_eq!(
        show(&expand_words(&words("$v \"$IFS\" ${IFS-unset}"), &v).unwrap()),
        ["axb", "c", " \t\n"]
    );
}

#[test]
fn non_utf8_values() {
    let v = vars(&[("x", b"\xff\xfe a")], &[b"\xfa b"]);
    let got = expand_words(&words("$x \"$1\" ${#x} ${x#?}"), &v).unwrap();
    assert_eq!(
        got,
        [
            b"\xff\xfe".to_vec(),
            b"a".to_vec(),
            b"\xfa b".to_vec(),
            b"4".to_vec(),
            b"\xfe".to_vec(),
            b"a".to_vec(),
        ]
    );
}

/// Deliberate differences from dash 0.5.12, which knows only bytes and takes
/// `[^...]` literally: the brief asks for characters and `^` negation.
#[test]
fn characters_not_bytes() {
    let v = vars(&[("x", "héllo".as_bytes()), ("y", b"abc")], &[]);
    let got = expand_words(&words("${#x} ${x#h?} ${y#[^b]}"), &v).unwrap();
    assert_eq!(show(&got), ["5", "llo", "bc"]);
}

#[test]
fn single_neither_splits_nor_globs() {
    let v = vars(
        &[("x", b"a  b"), ("HOME", b"/h")],
        &["p1", "p2"].map(str::as_bytes),
    );
    let one = |src: &str| String::from_utf8(expand_single(&word(src), &v).unwrap()).unwrap();
    assert_eq!(one("$x"), "a  b");
    assert_eq!(one("/*"), "/*");
    assert_eq!(one("$x\"$x\"*"), "a  ba  b*");
    assert_eq!(one("\"$@\""), "p1 p2");
    assert_eq!(one("$@"), "p1 p2");
    assert_eq!(one("~/a"), "/h/a");
    assert_eq!(one("a:~/a"), "a:~/a");
    assert_eq!(one("${y-a  b}"), "a  b");
    assert_eq!(one("$nope"), "");
}

const ASSIGNMENTS: &[(&str, &str)] = &[
    ("~/a:~/b", "/h/a:/h/b"),
    (
        "a:~/a:~\"/b\":~no-such-user-xyz:~/c",
        "a:/h/a:~/b:~no-such-user-xyz:/h/c",
    ),
    ("~$y", "~"),
    ("a:~$y", "a:~"),
    ("~:$y", "/h:"),
    (":~", ":/h"),
    ("::~/", "::/h/"),
    ("~/:~/", "/h/:/h/"),
    ("$x:~", "a:~/b:/h"),
    ("\"a\":~/c", "a:/h/c"),
    ("a\":\"~/c", "a:~/c"),
    ("$s", "a  b"),
    ("*", "*"),
    ("\"$@\"", "p1 p2"),
    ("$@", "p1 p2"),
    ("${y-~}", "/h"),
    // The words of `-` and `+` in an assignment expand `~` after `:` too
    // (patterns do not); a nested word always starts a tilde prefix.
    ("a:${u-b:~}", "a:b:/h"),
    ("${u:-~/d}", "/h/d"),
    ("a:${u-~}", "a:/h"),
    ("a${u-~}", "a/h"),
    ("a:${u-b~}", "a:b~"),
    ("a:${u-b:~/c:~}", "a:b:/h/c:/h"),
    ("a:${u-\"b\":~}", "a:b:/h"),
    ("a:${u-b\":\"~}", "a:b:~"),
    ("a:${u-${v-b:~}}", "a:b:/h"),
    ("a:${u-~}:~", "a:/h:/h"),
    ("${s+a:~}", "a:/h"),
    ("\"${u-b:~}\"", "b:~"),
    ("${x#a:~}", "/b"),
];

#[test]
fn assignments() {
    let v = vars(
        &[("HOME", b"/h"), ("x", b"a:~/b"), ("s", b"a  b")],
        &["p1", "p2"].map(str::as_bytes),
    );
    for &(src, want) in ASSIGNMENTS {
        let got = expand_assignment(&word(src), &v).map(|b| String::from_utf8(b).unwrap());
        assert_eq!(got, Ok(want.to_string()), "{src}");
        if let Some(dash) = dash_assignment(&v, src) {
            assert_eq!(dash, Ok(want.as_bytes().to_vec()), "dash: {src}");
        }
    }
}

#[test]
fn tilde_user() {
    let Ok(Some(root)) = nix::unistd::User::from_name("root") else {
        return;
    };
    let dir = root.dir.to_string_lossy().into_owned();
    let v = vars(&[], &[]);
    let got = expand_words(&words("~root ~root/x \"~root\""), &v).unwrap();
    assert_eq!(
        show(&got),
        [dir.clone(), format!("{dir}/x"), "~root".to_string()]
    );
    let got = expand_assignment(&word("~root:a:~root"), &v).unwrap();
    assert_eq!(String::from_utf8(got).unwrap(), format!("{dir}:a:{dir}"));
}

/// A tree to glob in; `T` holds its absolute path.
fn glob_tree() -> (tempfile::TempDir, Vars) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for d in ["d1", "d2", ".hd"] {
        fs::create_dir(root.join(d)).unwrap();
    }
    for f in [
        "a", "b", "c", "ab", "abc", ".hidden", "a*", "a\\b", "[x", "]", "x-y", "a b", "d1/f.txt",
        "d1/g.txt", "d2/f.txt",
    ] {
        fs::write(root.join(f), b"").unwrap();
    }
    let t = root.to_str().unwrap().as_bytes().to_vec();
    let v = vars(
        &[
            ("T", &t),
            ("star", b"*"),
            ("ast", b"a*"),
            ("bs", b"\\a*"),
            ("tail", b"a\\"),
        ],
        &[],
    );
    (dir, v)
}

/// Words whose globbing must agree with dash (run with `$T` absolute).
const GLOBS: &[(&str, &[&str])] = &[
    (
        "$T/*",
        &[
            "[x", "]", "a", "a b", "a*", "a\\b", "ab", "abc", "b", "c", "d1", "d2", "x-y",
        ],
    ),
    ("$T/.h*", &[".hd", ".hidden"]),
    ("\"$T\"/a*", &["a", "a b", "a*", "a\\b", "ab", "abc"]),
    ("\"$T/a\"*", &["a", "a b", "a*", "a\\b", "ab", "abc"]),
    ("\"$T\"/a\"*\"", &["a*"]),
    ("\"$T\"/a\\*", &["a*"]),
    (
        "\"$T\"/$star",
        &[
            "[x", "]", "a", "a b", "a*", "a\\b", "ab", "abc", "b", "c", "d1", "d2", "x-y",
        ],
    ),
    ("\"$T\"/\"$ast\"", &["a*"]),
    ("\"$T\"/$ast", &["a", "a b", "a*", "a\\b", "ab", "abc"]),
    ("\"$T\"/${x-a*}", &["a", "a b", "a*", "a\\b", "ab", "abc"]),
    ("\"$T\"/\"${x-a*}\"", &["a*"]),
    ("\"$T\"/$bs", &["a", "a b", "a*", "a\\b", "ab", "abc"]),
    ("\"$T\"/$tail*", &["a\\*"]),
    ("\"$T\"/a\\\\*", &["a\\b"]),
    ("\"$T\"/a?", &["a*", "ab"]),
    ("\"$T\"/[ab]", &["a", "b"]),
    ("\"$T\"/[!ab]", &["]", "c"]),
    ("\"$T\"/[]]", &["]"]),
    ("\"$T\"/[]a]", &["]", "a"]),
    ("\"$T\"/[!]]", &["a", "b", "c"]),
    ("\"$T\"/[x", &["[x"]),
    ("\"$T\"/[[]x", &["[x"]),
    ("\"$T\"/[a-c]", &["a", "b", "c"]),
    ("\"$T\"/[[:alpha:]]", &["a", "b", "c"]),
    ("\"$T\"/[[:punct:]]", &["]"]),
    ("\"$T\"/[[:nope:]]", &["[[:nope:]]"]),
    ("\"$T\"/x[-]y", &["x-y"]),
    ("\"$T\"/*/*.txt", &["d1/f.txt", "d1/g.txt", "d2/f.txt"]),
    ("\"$T\"/d*/f*", &["d1/f.txt", "d2/f.txt"]),
    ("\"$T\"/d*/f.txt", &["d1/f.txt", "d2/f.txt"]),
    ("\"$T\"/d*/nope", &["d*/nope"]),
    ("\"$T\"/nonexist/*", &["nonexist/*"]),
    ("\"$T\"/*/", &["d1/", "d2/"]),
    ("\"$T\"/*//f.txt", &["d1//f.txt", "d2//f.txt"]),
    ("\"$T\"/d1//f*", &["d1//f.txt"]),
    ("\"$T\"/d1/../a?", &["d1/../a*", "d1/../ab"]),
    ("\"$T\"/.h*/", &[".hd/"]),
    ("\"$T\"/z*", &["z*"]),
];

#[test]
fn globs() {
    let (dir, v) = glob_tree();
    let prefix = format!("{}/", dir.path().to_str().unwrap());
    for &(src, want) in GLOBS {
        let want: Vec<String> = want.iter().map(|w| format!("{prefix}{w}")).collect();
        let got = expand_words(&words(src), &v).unwrap();
        assert_eq!(show(&got), want, "{src}");
        if let Some(dash) = dash_fields(&v, src) {
            assert_eq!(dash.map(|f| show(&f)), Ok(want), "dash: {src}");
        }
    }
}

/// dash 0.5.12 lists `.` and `..` for `.*`; read_dir does not, so neither do
/// we (which keeps `rm -r .*` from climbing out).
#[test]
fn dot_star_skips_dot_and_dotdot() {
    let (dir, v) = glob_tree();
    let got = expand_words(&words("\"$T\"/.*"), &v).unwrap();
    let prefix = dir.path().to_str().unwrap();
    assert_eq!(
        show(&got),
        [format!("{prefix}/.hd"), format!("{prefix}/.hidden")]
    );
}

#[test]
fn split_then_glob() {
    let (dir, v) = glob_tree();
    let prefix = dir.path().to_str().unwrap();
    let mut v = v;
    v.env.set("pat", format!("{prefix}/d1/f* {prefix}/ab*"));
    let got = expand_words(&words("$pat"), &v).unwrap();
    assert_eq!(
        show(&got),
        [
            format!("{prefix}/d1/f.txt"),
            format!("{prefix}/ab"),
            format!("{prefix}/abc")
        ]
    );
}

/// Brace expansion, checked against bash (dash has none): the results go
/// on through parameter expansion, splitting, tilde and globbing each.
const BRACES: &[(&str, &[&str])] = &[
    ("out/{a,b}", &["out/a", "out/b"]),
    ("a{b,c}d{e,f}", &["abde", "abdf", "acde", "acdf"]),
    ("{a,b{c,d}}e", &["ae", "bce", "bde"]),
    ("a{,b} {,} x{a,b,}y", &["a", "ab", "xay", "xby", "xy"]),
    ("{\"\",} \"\"{,}", &["", "", ""]),
    (
        "{1..3} {3..1} {-1..1} {1..7..3} {7..1..-3}",
        &[
            "1", "2", "3", "3", "2", "1", "-1", "0", "1", "1", "4", "7", "7", "4", "1",
        ],
    ),
    (
        "{01..3} {-1..01} {1..010..9}",
        &["01", "02", "03", "-1", "00", "01", "001", "010"],
    ),
    ("{a..c} {e..a..2}", &["a", "b", "c", "e", "c", "a"]),
    (
        "{} {a} @{u} {a,b {a..5} {1..2..}",
        &["{}", "{a}", "@{u}", "{a,b", "{a..5}", "{1..2..}"],
    ),
    (
        "{a,'b,c'} \\{a,b} {a\\,b,c} \"{a,b}\"",
        &["a", "b,c", "{a,b}", "a,b", "c", "{a,b}"],
    ),
    ("{$x,\"$x\"}", &["1", "2", "1 2"]),
    ("{$e,x} {$e,}", &["x"]),
    ("${u-{a,b}} ${x}{a,b}", &["{a,b}", "1", "2a", "1", "2b"]),
    // bash expands braces in the text, so a bare name runs on into them.
    ("$x{a,b} $x{,} $x{_,-}", &["1", "2", "1", "2", "1", "2-"]),
    ("{~,~/a}", &["/h", "/h/a"]),
    ("a{~,b}", &["a~", "ab"]),
];

#[test]
fn braces() {
    let v = vars(&[("x", b"1 2"), ("e", b""), ("HOME", b"/h")], &[]);
    for &(src, want) in BRACES {
        let got = expand_words(&words(src), &v).map(|f| show(&f));
        let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        assert_eq!(got, Ok(want.clone()), "{src}");
        if let Some(bash) = bash_fields(&v, src) {
            assert_eq!(bash.map(|f| show(&f)), Ok(want), "bash: {src}");
        }
    }
}

#[test]
fn braces_then_globs() {
    let (dir, v) = glob_tree();
    let prefix = dir.path().to_str().unwrap();
    let got = expand_words(&words("\"$T\"/{a*,d1/*.txt,nope*}"), &v).unwrap();
    let want: Vec<String> = [
        "a", "a b", "a*", "a\\b", "ab", "abc", "d1/f.txt", "d1/g.txt", "nope*",
    ]
    .iter()
    .map(|w| format!("{prefix}/{w}"))
    .collect();
    assert_eq!(show(&got), want);
}

#[test]
fn braces_are_not_expanded_in_assignments() {
    let v = vars(&[], &[]);
    let got = expand_assignment(&word("a{1,2}b"), &v).unwrap();
    assert_eq!(got, b"a{1,2}b");
}

#[test]
fn a_redirection_target_must_brace_expand_to_one_word() {
    let v = vars(&[("e", b"")], &[]);
    let one = |src: &str| expand_single(&word(src), &v).map(|b| String::from_utf8(b).unwrap());
    assert_eq!(one("{a..a}"), Ok("a".to_string()));
    assert_eq!(one("{a,}"), Ok("a".to_string()));
    assert!(one("x{a,$e}").is_err());
    assert_eq!(one("{a,$e}"), Ok("a".to_string()));
    let err = one("o{a,b}").unwrap_err();
    assert_eq!(err.span, Span::new(0, 6));
    assert!(err.message.contains("ambiguous redirect"), "{err:?}");
    assert!(one("{a,\"\"}").is_err());
}
