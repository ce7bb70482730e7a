//! Differential tests against bash, for the two things pipe-run takes from
//! bash rather than dash: dollar-single-quotes `$'...'` and brace expansion.
//! Each case runs through `bash -c EXPR pipe-run ARGS...` and through
//! `pipe-run EXPR ARGS...`, each in its own fresh copy of a small fixture
//! with the same environment, and compares stdout bytes, exit status and
//! the files left behind.
//!
//! The locale is C.UTF-8, so that bash writes `\u` escapes as UTF-8 (as
//! pipe-run always does). bash's `printf`, `echo` and `test` builtins are
//! disabled, so both sides run the same programs from PATH.
//!
//! Each group is one `#[test]` that runs all its cases and then fails with
//! the list of every mismatch.

use std::path::Path;
use std::process::Output;

use super::support::{bash, run_with_env};
use super::versus::{Side, assert_none_differ, output_problems, report};

struct Case {
    expr: &'static str,
    /// `$1`, `$2`, ...
    args: &'static [&'static str],
}

fn case(expr: &'static str) -> Case {
    Case { expr, args: &[] }
}

impl Case {
    fn args(mut self, args: &'static [&'static str]) -> Case {
        self.args = args;
        self
    }
}

/// Variables both sides see, besides PATH, HOME and LC_ALL.
const VARS: &[(&str, &str)] = &[("V", "a  b"), ("E", ""), ("ONE", "one")];

/// Files in every fixture.
const FILES: &[&str] = &["a.txt", "b.txt", "c.log", "sub/x.txt", "home/h.txt"];

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("pipe-run-bash.")
        .tempdir()
        .expect("temp dir");
    for name in FILES {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("{name}\n")).unwrap();
    }
    dir
}

/// Run one side in a fresh fixture (made canonical, so `~` and the paths
/// it prints can be normalized).
fn side(run: impl FnOnce(&Path, &[(&str, &str)]) -> Output) -> Side {
    let dir = fixture();
    let root = dir.path().canonicalize().expect("canonical temp dir");
    let home = root.join("home");
    let home = home.to_str().expect("temp dirs are UTF-8");
    let mut env = vec![
        ("PATH", "/usr/bin:/bin"),
        ("HOME", home),
        ("LC_ALL", "C.UTF-8"),
    ];
    env.extend_from_slice(VARS);
    let out = run(&root, &env);
    Side::of(&out, &root)
}

/// Run one case; `None` if both sides agree, else a description.
fn check(case: &Case) -> Option<String> {
    let with_programs = format!("enable -n printf echo test; {}", case.expr);
    let b = side(|root, env| bash(&with_programs, case.args, root, env));
    let p = side(|root, env| run_with_env(case.expr, case.args, root, env));
    let mut problems = output_problems("bash", &b, &p);
    if b.status != p.status {
        problems.push(format!("status: bash {} pipe-run {}", b.status, p.status));
    }
    if problems.is_empty() {
        return None;
    }
    let heading = format!("expression: {:?}  args: {:?}", case.expr, case.args);
    Some(report(&heading, &problems, "bash", &b, &p))
}

/// Run every case of a group; fail with the list of all mismatches.
fn run_group(group: &str, cases: Vec<Case>) {
    let failures: Vec<String> = cases.iter().filter_map(check).collect();
    assert_none_differ(group, "bash", &failures, cases.len());
}

fn dollar_single_cases() -> Vec<Case> {
    vec![
        case(r"printf '[%s]\n' $'a\tb' $'a\nb' $'\a\b\e\E\f\r\v'"),
        case(r#"printf '[%s]\n' $'\\' $'\'' $'\"' $'\?' $'it\'s' $'"'"#),
        case(r"printf '[%s]\n' $'\101' $'\0101' $'\1011' $'\7' $'\77' $'\777'"),
        case(r"printf '[%s]\n' $'\x41' $'\x414' $'\x4g' $'\x' $'\xg' $'\X41'"),
        // Bytes that are not UTF-8 pass through exactly.
        case(r"printf '[%s]\n' $'\xff' $'\xfe\xff' $'\377' a$'\x80'b"),
        case(r"printf '[%s]\n' $'\u00e9' $'\u20ac' $'\U0001F600' $'\u41' $'\u12345'"),
        case(r"printf '[%s]\n' $'\u' $'\U' $'\uzz' $'\u00E9'"),
        case(r"printf '[%s]\n' $'\uD800' $'\U110000' $'\U7FFFFFFF' $'a\UFFFFFFFFb'"),
        case(r"printf '[%s]\n' $'\cA' $'\ca' $'\c?' $'\c[' $'\c\\x' $'x\c'"),
        case(r"printf '[%s]\n' $'\q' $'\%' $'\8' $'\z' $'\ '"),
        // A NUL ends the string's text; the rest of the word stays.
        case(r"printf '[%s]\n' $'a\0b'c $'a\x00b' $'\c@x'y $'\400'z $'a\u0z'"),
        case(r#"printf '[%s]\n' $'' x$''y "$'x'" "$''" $''$''"#),
        // Quoted text: not split, not globbed, no tilde.
        case(r"printf '[%s]\n' $'*' $'*.txt' $'a  b' $'~' ~$'/x' $'$V'"),
        case(r#"printf '[%s]\n' ${UNSET-$'a\tb'} "${UNSET-$'a\tb'}" ${UNSET-x$'\t'y}"#),
        case(r#"printf '[%s]\n' ${ONE#$'o'} "${ONE%$'\x65'}" ${ONE+$'\x41'}"#),
        case(r"printf '[%s]\n' $'a'b'c'$'d'"),
        case(r"printf $'[%s]\\n' a b"),
        case(r"printf '%s' $'two\nlines\n' | wc -l"),
        case(r"A=$'x\ty' B=a:$'\x7e' env | grep -E '^[AB]=' | sort"),
        case(r"printf x > $'o\x75t file'"),
        case(
            r"printf '[%s]\n' $'a\
b' x",
        ),
    ]
}

fn brace_cases() -> Vec<Case> {
    vec![
        case(r"printf '[%s]\n' out/{a,b} a{b,c}d{e,f}"),
        case(r"printf '[%s]\n' {a,b{c,d}} {a,{b}} {{a,b}} {a,b}}"),
        case(r"printf '[%s]\n' a{,b} {,} {,,} x{a,b,}y a{,}b"),
        case(r"printf '[%s]\n' {1..5} {5..1} {-3..3} {3..3}"),
        case(r"printf '[%s]\n' {1..10..3} {10..1..3} {1..10..-3} {1..3..0} {1..10..100}"),
        // Zero padding, to the wider of the two bounds.
        case(r"printf '[%s]\n' {01..10} {1..010..4} {08..11..2} {-05..5..5} {-1..01}"),
        case(r"printf '[%s]\n' {-0..1} {+01..2} {1..+03} {-10..-8} {-08..-10}"),
        case(r"printf '[%s]\n' {a..e} {a..e..2} {e..a} {A..C} {a..c..-1}"),
        // Not brace expressions: left as written.
        case(r"printf '[%s]\n' {} {a} @{u} {a,b {a..5} a,b} {..} {...} {a..}"),
        case(r"printf '[%s]\n' {1..2..} {1.5..3} {0x1..3} {1..3.} {1..2..3..4} {é..f}"),
        case(r"printf '[%s]\n' {a}b,c} x{},a} {},a} {}{a,b} {a..5}{1,2} {a}{b,c}"),
        case(r"printf '[%s]\n' {1..99999999999999999999} {1..9999999999}"),
        case(r"printf '[%s]\n' {9223372036854775806..9223372036854775807}"),
        // Quoted or escaped braces and commas do not count.
        case(r#"printf '[%s]\n' {a,'b,c'} \{a,b} {a\,b,c} "{a,b}" '{a,b}' {a"b,c"d}"#),
        case(r"printf '[%s]\n' {'a'..'c'} {1..'3'} \${a,b}"),
        // Alternatives may hold quotes and parameters, expanded afterwards.
        case(r#"printf '[%s]\n' {$V,"y z"} {$E,x} {$E,} ${ONE}{1,2} "$ONE"{a,b}"#),
        case(r"printf '[%s]\n' $ONE{a,b} $ONE{,} x$ONE{_,-}"),
        case(r#"printf '[%s]\n' {"$@",x} {$1,$2}"#).args(&["p q", "r"]),
        case(r#"printf '[%s]\n' {"",} ""{,} {'',a} {"$E",b}"#),
        case(r"printf '[%s]\n' ${UNSET-{a,b}} ${UNSET-x{a,b}y} {a,b}${UNSET-c}"),
        // Braces come before globbing and tilde expansion.
        case(r"printf '[%s]\n' {*.txt,x} *.{txt,log} sub/{*,nope} {a,c}.*"),
        case(r"printf '[%s]\n' {~,a} a{~,b} {~/h.txt,y} x{a,b}=~"),
        case(r"printf '[%s]\n' {1..3}{a,b} {a..c}{1..2} {a,b}$'\xff' {$'a,b',c}"),
        // In command position, and not in assignments.
        case(r"{printf,'[%s]\n'} x y"),
        case(r"A={a,b} env | grep ^A="),
        case(r"env B={a,b} | grep ^B= | sort"),
        case(r"printf '%s\n' {3..1} | sort"),
        case(r"{false,x}"),
        // A redirection target that brace-expands to one word.
        case(r"printf x > {out,}"),
        case(r"printf x > o{u..u}t"),
    ]
}

#[test]
fn dollar_single_quotes() {
    run_group("$'...'", dollar_single_cases());
}

#[test]
fn brace_expansion() {
    run_group("brace expansion", brace_cases());
}

/// The suite is as big as it claims.
#[test]
fn case_count() {
    let total = dollar_single_cases().len() + brace_cases().len();
    assert!(total >= 45, "only {total} bash differential cases");
}
