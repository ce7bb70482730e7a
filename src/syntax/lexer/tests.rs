//! Lexer tests: tokens, quoting, refusals and their spans.

use super::dollar::MAX_DEPTH;
use super::*;
use crate::syntax::ast::{ParamName, ParamOp, Pipeline, ProcSub, ProcSubDirection};

fn words(text: &str) -> Vec<Vec<WordPart>> {
    lex(text)
        .unwrap()
        .into_iter()
        .filter_map(|t| match t.kind {
            TokenKind::Word(w) => Some(w.parts),
            _ => None,
        })
        .collect()
}

fn lit(text: &str, quoted: bool) -> WordPart {
    WordPart::Literal {
        text: text.into(),
        quoted,
    }
}

#[test]
fn quoting_parts() {
    assert_eq!(
        words(r#"a'b c'"d"\e"#),
        vec![vec![lit("a", false), lit("b cde", true)]]
    );
    assert_eq!(words("''"), vec![vec![lit("", true)]]);
    assert_eq!(words(r#""a\b\$""#), vec![vec![lit("a\\b$", true)]]);
}

#[test]
fn backslash_newline_joins() {
    assert_eq!(words("ab\\\ncd"), vec![vec![lit("abcd", false)]]);
    assert_eq!(words("a \\\n b").len(), 2);
}

#[test]
fn comments_and_hash_in_words() {
    assert_eq!(words("a#b # c d"), vec![vec![lit("a#b", false)]]);
}

#[test]
fn fd_numbers_are_single_digits() {
    let tokens = lex("echo 10>f 2>&1").unwrap();
    assert!(matches!(tokens[1].kind, TokenKind::Word(_)));
    assert!(matches!(
        tokens[2].kind,
        TokenKind::Redirect {
            fd: None,
            op: RedirOp::Write
        }
    ));
    assert!(matches!(
        tokens[4].kind,
        TokenKind::Redirect {
            fd: Some(2),
            op: RedirOp::DupOut
        }
    ));
}

#[test]
fn pipes_and_attributes() {
    let tokens = lex("a |& b |[fifo] c | [ x").unwrap();
    assert!(matches!(
        tokens[1].kind,
        TokenKind::Pipe {
            stderr_too: true,
            attributes: None
        }
    ));
    assert_eq!(tokens[1].span, Span::new(2, 4));
    match &tokens[3].kind {
        TokenKind::Pipe {
            attributes: Some(a),
            stderr_too: false,
        } => {
            assert_eq!(a.span, Span::new(8, 14));
            assert_eq!(
                a.transport,
                Some((crate::transport::Kind::Fifo, Span::new(9, 13)))
            );
        }
        other => panic!("{other:?}"),
    }
    // The token is the `|` alone; the attributes have their own span.
    assert_eq!(tokens[3].span, Span::new(7, 8));
    assert!(matches!(tokens[6].kind, TokenKind::Word(_)));
    let tokens = lex("a |&[sock,duplex] b").unwrap();
    assert_eq!(tokens[1].span, Span::new(2, 4));
    assert!(matches!(
        &tokens[1].kind,
        TokenKind::Pipe { stderr_too: true, attributes: Some(a) } if a.span == Span::new(4, 17)
    ));
}

#[test]
fn attributes_across_a_line_continuation() {
    let tokens = lex("a |[fi\\\nfo,\\\nsize=1K] b").unwrap();
    match &tokens[1].kind {
        TokenKind::Pipe {
            attributes: Some(a),
            ..
        } => {
            assert_eq!(a.span, Span::new(3, 21));
            assert_eq!(
                a.transport,
                Some((crate::transport::Kind::Fifo, Span::new(4, 10)))
            );
            assert_eq!(a.size, Some((1024, Span::new(13, 20))));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unterminated_attributes() {
    for text in ["a |[fifo", "a |[fifo\nb ]", "a |[ -f x"] {
        let err = lex(text).unwrap_err();
        assert_eq!(err.span, Span::new(3, 4), "{text}");
        assert_eq!(
            err.message, "unterminated edge attributes: `[` has no matching `]`",
            "{text}"
        );
        assert!(err.help.unwrap().contains("`[` command"), "{text}");
    }
    let err = lex("a |[fifo\r\n] b").unwrap_err();
    assert_eq!(err.span, Span::new(8, 9));
    // An attribute error comes from the lexer, at the item.
    assert_eq!(lex("a |[fast] b").unwrap_err().span, Span::new(4, 8));
}

#[test]
fn refusals_point_at_the_construct() {
    for (text, at) in [
        ("a; b", 1),
        ("a && b", 2),
        ("a || b", 2),
        ("a & b", 2),
        ("echo $(ls)", 5),
        ("echo \"`ls`\"", 6),
        ("echo $((1+2))", 5),
        ("(a)", 0),
        ("cat <<EOF", 4),
        ("a &>f", 2),
        ("echo $?", 5),
        ("echo ${x=1}", 8),
        ("echo 'a\0b'", 7),
    ] {
        let err = lex(text).unwrap_err();
        assert_eq!(err.span.start, at, "{text}: {err:?}");
    }
}

#[test]
fn leading_hash_follows_dash() {
    let op = |text: &str| match &words(text)[0][0] {
        WordPart::Param(p) => (p.name.clone(), p.op.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(op("${#}"), (ParamName::Count, ParamOp::Plain));
    assert_eq!(op("${##}"), (ParamName::Count, ParamOp::Length));
    assert_eq!(op("${#x}"), (ParamName::Var("x".into()), ParamOp::Length));
    assert_eq!(op("${#@}"), (ParamName::At, ParamOp::Length));
    assert!(matches!(
        op("${###}"),
        (ParamName::Count, ParamOp::TrimPrefix { longest: true, .. })
    ));
    assert!(matches!(
        op("${#-x}"),
        (ParamName::Count, ParamOp::Default { .. })
    ));
    assert!(lex("${#?}").is_err());
    assert!(lex("${#!}").is_err());
}

#[test]
fn unterminated_braces_say_so() {
    for text in ["${abc", "${1", "${#", "\"${x", "${x:-a"] {
        let err = lex(text).unwrap_err();
        assert!(err.message.contains("unterminated"), "{text}: {err:?}");
    }
    assert!(lex("${!x}").unwrap_err().message.contains("indirect"));
}

#[test]
fn nesting_is_bounded() {
    let deep = |n: usize| format!("echo {}x{}", "${u-".repeat(n), "}".repeat(n));
    assert!(lex(deep(MAX_DEPTH)).is_ok());
    let err = lex(deep(5000)).unwrap_err();
    let at = 5 + 4 * MAX_DEPTH;
    assert_eq!(err.span, Span::new(at, at + 2));
}

#[test]
fn unterminated_quotes() {
    assert_eq!(lex("echo 'abc").unwrap_err().span, Span::new(5, 6));
    assert_eq!(lex("echo \"abc").unwrap_err().span, Span::new(5, 6));
    assert!(lex("echo ${abc").is_err());
}

#[test]
fn braced_params() {
    let w = words("${x:-a b} ${#y} ${1%%.*}");
    assert_eq!(w.len(), 3);
    match &w[0][0] {
        WordPart::Param(p) => match &p.op {
            ParamOp::Default { colon: true, word } => {
                assert_eq!(word.parts, vec![lit("a b", false)]);
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn dollar_single_quotes() {
    assert_eq!(words(r"$'a\tb'"), vec![vec![lit("a\tb", true)]]);
    assert_eq!(
        words(r"x$'a'y"),
        vec![vec![lit("x", false), lit("a", true), lit("y", false)]]
    );
    assert_eq!(words("$''"), vec![vec![lit("", true)]]);
    assert_eq!(
        words(r"$'\xff'"),
        vec![vec![WordPart::Literal {
            text: vec![0xff],
            quoted: true
        }]]
    );
    assert_eq!(
        words(r"$'it\'s' $'a\0b'c"),
        vec![
            vec![lit("it's", true)],
            vec![lit("a", true), lit("c", false)]
        ]
    );
    // Not special inside double quotes, as in bash.
    assert_eq!(words(r#""$'x'""#), vec![vec![lit("$'x'", true)]]);
    // `$$` is a parameter; the quote after it is an ordinary one.
    assert_eq!(words("$$'x'")[0][1], lit("x", true));
}

#[test]
fn dollar_single_quotes_inside_braces() {
    let default_word = |text: &str| match &words(text)[0][0] {
        WordPart::Param(p) => match &p.op {
            ParamOp::Default { word, .. } => word.parts.clone(),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    assert_eq!(default_word(r"${u-$'a b'}"), vec![lit("a b", true)]);
    assert_eq!(default_word(r#""${u-$'\t}'}""#), vec![lit("\t}", true)]);
}

#[test]
fn unterminated_dollar_single_quotes() {
    for text in [r"echo $'abc", r"echo $'ab\'", r"echo $'ab\"] {
        let err = lex(text).unwrap_err();
        assert_eq!(err.span, Span::new(5, 7), "{text}");
        assert!(err.message.contains("unterminated"), "{text}: {err:?}");
    }
}

#[test]
fn windows_line_endings_are_refused_at_the_carriage_return() {
    for (text, at) in [
        ("a\r\n", 1),
        ("a |\r\n b", 3),
        ("a \\\r\n b", 3),
        ("a\\\nb\r\n", 4),
        ("'x'\r\n", 3),
        ("${x-a\r\n}", 5),
    ] {
        let err = lex(text).unwrap_err();
        assert_eq!(err.span, Span::new(at, at + 1), "{text:?}: {err:?}");
        assert!(err.message.contains("CRLF"), "{text:?}: {err:?}");
    }
    // Quoted, a carriage return is text; alone, it is part of a word.
    assert_eq!(words("'a\r\n' \"b\r\n\" c\rd").len(), 3);
    assert!(lex("a # comment\r\n").is_ok());
}

/// The process substitution that is part `part` of word `word` of `text`.
fn sub(text: &str, word: usize, part: usize) -> ProcSub {
    match &words(text)[word][part] {
        WordPart::ProcSub(sub) => (**sub).clone(),
        other => panic!("{text}: {other:?}"),
    }
}

/// The literal words of each stage of `pipeline`, for a compact check.
fn stage_words(pipeline: &Pipeline) -> Vec<Vec<String>> {
    pipeline
        .stages
        .iter()
        .map(|stage| {
            stage
                .words
                .iter()
                .map(|w| {
                    w.parts
                        .iter()
                        .map(|p| match p {
                            WordPart::Literal { text, .. } => String::from_utf8_lossy(text).into(),
                            WordPart::Param(_) => "$".to_string(),
                            WordPart::ProcSub(_) => "<()".to_string(),
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

#[test]
fn process_substitutions_as_whole_words() {
    let text = "diff <(sort a) >(sort b)";
    assert_eq!(words(text).len(), 3);
    let first = sub(text, 1, 0);
    assert_eq!(first.direction, ProcSubDirection::Input);
    assert_eq!(first.span, Span::new(5, 14));
    assert_eq!(stage_words(&first.pipeline), vec![vec!["sort", "a"]]);
    assert_eq!(first.pipeline.stages[0].span, Span::new(7, 13));
    assert_eq!(first.pipeline.stages[0].words[1].span, Span::new(12, 13));
    let second = sub(text, 2, 0);
    assert_eq!(second.direction, ProcSubDirection::Output);
    assert_eq!(second.span, Span::new(15, 24));
    let tokens = lex(text).unwrap();
    assert_eq!(tokens[1].span, Span::new(5, 14));
}

#[test]
fn process_substitutions_inside_words() {
    let w = words("x --file=<(cmd) a<(b)c 2<(d) 2>(e)");
    assert_eq!(w.len(), 5);
    assert_eq!(w[1][0], lit("--file=", false));
    assert!(matches!(&w[1][1], WordPart::ProcSub(s) if s.span == Span::new(9, 15)));
    assert_eq!(w[1].len(), 2);
    assert_eq!(w[2][0], lit("a", false));
    assert!(matches!(&w[2][1], WordPart::ProcSub(s) if s.span == Span::new(17, 21)));
    assert_eq!(w[2][2], lit("c", false));
    // A digit before `<(` is not an fd: `2<(d)` is one word, as in bash.
    assert_eq!(w[3][0], lit("2", false));
    assert!(matches!(&w[3][1], WordPart::ProcSub(s) if s.direction == ProcSubDirection::Input));
    assert!(matches!(&w[4][1], WordPart::ProcSub(s) if s.direction == ProcSubDirection::Output));
    assert_eq!(
        lex("x<(y)").unwrap().len(),
        1,
        "a substitution continues the word"
    );
    let w = words("$x<(y)\"<(z)\"<(w)");
    assert!(matches!(&w[0][0], WordPart::Param(_)));
    assert!(matches!(&w[0][1], WordPart::ProcSub(_)));
    assert_eq!(w[0][2], lit("<(z)", true));
    assert!(matches!(&w[0][3], WordPart::ProcSub(_)));
}

#[test]
fn process_substitutions_as_redirection_targets() {
    for (text, fd, op, direction) in [
        ("cat < <(cmd)", None, RedirOp::Read, ProcSubDirection::Input),
        (
            "cat > >(cmd)",
            None,
            RedirOp::Write,
            ProcSubDirection::Output,
        ),
        (
            "cmd 2> >(x)",
            Some(2),
            RedirOp::Write,
            ProcSubDirection::Output,
        ),
    ] {
        let tokens = lex(text).unwrap();
        assert_eq!(tokens.len(), 3, "{text}");
        assert_eq!(tokens[1].kind, TokenKind::Redirect { fd, op }, "{text}");
        match &tokens[2].kind {
            TokenKind::Word(w) => {
                assert!(
                    matches!(&w.parts[..], [WordPart::ProcSub(s)] if s.direction == direction),
                    "{text}: {w:?}"
                );
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn process_substitutions_quoted_are_text() {
    assert_eq!(
        words(r#""<(a)" '>(b)' "${u-<(c)}""#)
            .into_iter()
            .map(|w| w.len())
            .collect::<Vec<_>>(),
        vec![1, 1, 1]
    );
    assert_eq!(words(r#""<(a)""#), vec![vec![lit("<(a)", true)]]);
    // An escaped `<` is a letter; the `(` after it is a subshell.
    let err = lex(r"echo \<(a)").unwrap_err();
    assert_eq!(err.span, Span::new(7, 8));
    assert!(err.message.contains("subshell"), "{err:?}");
}

#[test]
fn the_inside_is_a_whole_pipeline() {
    let text = "tee >(a |[fifo] b 2>&1 |\n  c \"q)\" $x ${y-)} <(d) > f) g";
    let s = sub(text, 1, 0);
    assert_eq!(s.pipeline.stages.len(), 3);
    assert_eq!(s.pipeline.connectors[0].span, Span::new(8, 9));
    assert!(s.pipeline.connectors[0].attributes.is_some());
    assert_eq!(
        stage_words(&s.pipeline),
        vec![vec!["a"], vec!["b"], vec!["c", "q)", "$", "$", "<()"]]
    );
    assert_eq!(s.pipeline.stages[1].redirects.len(), 1);
    assert_eq!(s.pipeline.stages[2].redirects.len(), 1);
    assert_eq!(s.span.end, text.len() - 2);
    assert_eq!(words(text).len(), 3);
    // Newlines around the inside are fine.
    assert!(lex("cat <(\n a |\n b\n)").is_ok());
}

#[test]
fn nested_process_substitutions_have_absolute_spans() {
    let text = "x <(a <(b))";
    let outer = sub(text, 1, 0);
    assert_eq!(outer.span, Span::new(2, 11));
    let stage = &outer.pipeline.stages[0];
    assert_eq!(stage.span, Span::new(4, 10));
    assert_eq!(stage.words[1].span, Span::new(6, 10));
    let WordPart::ProcSub(inner) = &stage.words[1].parts[0] else {
        panic!("{stage:?}");
    };
    assert_eq!(inner.span, Span::new(6, 10));
    assert_eq!(inner.pipeline.stages[0].words[0].span, Span::new(8, 9));
    let err = lex("x <(a <(b; c))").unwrap_err();
    assert_eq!(err.span, Span::new(9, 10));
}

#[test]
fn process_substitution_refusals() {
    for (text, span, message) in [
        (
            "cat <(sort a",
            Span::new(4, 6),
            "unterminated process substitution: `<(` has no matching `)`",
        ),
        (
            "tee >(a | b",
            Span::new(4, 6),
            "unterminated process substitution: `>(` has no matching `)`",
        ),
        (
            "cat <(a # c)",
            Span::new(4, 6),
            "unterminated process substitution: `<(` has no matching `)`",
        ),
        (
            "cat <(a <(b)",
            Span::new(4, 6),
            "unterminated process substitution: `<(` has no matching `)`",
        ),
        (
            "cat <()",
            Span::new(4, 7),
            "empty process substitution: no command inside `<(...)`",
        ),
        (
            "cat <( \n )",
            Span::new(4, 10),
            "empty process substitution: no command inside `<(...)`",
        ),
        ("cat <(a | )", Span::new(8, 9), "missing command after `|`"),
        ("cat <(| a)", Span::new(6, 7), "missing command before `|`"),
        (
            "cat <(a\nb)",
            Span::new(7, 8),
            "a newline ends the pipeline, but more follows: pipe-run runs one pipeline",
        ),
        (
            "cat <(a; b)",
            Span::new(7, 8),
            "`;` is not supported: pipe-run runs one pipeline",
        ),
        (
            "cat <({ a; })",
            Span::new(6, 7),
            "command groups `{ ... }` are not supported",
        ),
        (
            "cat <(a |[fast] b)",
            Span::new(10, 14),
            "unknown edge attribute `fast`",
        ),
        (
            "cat <(a (b))",
            Span::new(8, 9),
            "subshells `( ... )` are not supported",
        ),
        (
            "cat <(a))",
            Span::new(8, 9),
            "subshells `( ... )` are not supported",
        ),
        (
            "cat $(a)",
            Span::new(4, 6),
            "command substitution $(...) is not supported",
        ),
        (
            "cat >>(a)",
            Span::new(6, 7),
            "subshells `( ... )` are not supported",
        ),
        (
            "echo ${x-<(y)}",
            Span::new(9, 11),
            "process substitution is not supported inside `${...}`",
        ),
        (
            "echo ${x#a>(y)}",
            Span::new(10, 12),
            "process substitution is not supported inside `${...}`",
        ),
    ] {
        let err = crate::syntax::parse(text).unwrap_err();
        assert_eq!((err.span, err.message.as_str()), (span, message), "{text}");
    }
}

#[test]
fn process_substitutions_nest_to_a_bound() {
    let deep = |n: usize| format!("a {}b{}", "<(a ".repeat(n), ")".repeat(n));
    assert!(lex(deep(MAX_DEPTH)).is_ok());
    let err = lex(deep(5000)).unwrap_err();
    let at = 2 + 4 * MAX_DEPTH;
    assert_eq!(err.span, Span::new(at, at + 2));
}

#[test]
fn process_substitution_spans_across_line_continuations() {
    let text = "cat <(so\\\nrt a |\\\n b)";
    let s = sub(text, 1, 0);
    assert_eq!(s.span, Span::new(4, text.len()));
    assert_eq!(s.pipeline.stages[0].words[0].span, Span::new(6, 12));
    assert_eq!(s.pipeline.connectors[0].span, Span::new(15, 16));
    assert_eq!(s.pipeline.stages[1].span, Span::new(19, 20));
}

#[test]
fn literal_text_may_hold_any_byte() {
    let text: &[u8] = b"cat \xff.txt '\xfe' \"\xfd\" \\\xfc $'\xfb\\x80' a\x80b";
    let w: Vec<Vec<WordPart>> = lex(text)
        .unwrap()
        .into_iter()
        .filter_map(|t| match t.kind {
            TokenKind::Word(w) => Some(w.parts),
            _ => None,
        })
        .collect();
    let bytes = |b: &[u8], quoted| WordPart::Literal {
        text: b.to_vec(),
        quoted,
    };
    assert_eq!(
        w,
        vec![
            vec![lit("cat", false)],
            vec![bytes(b"\xff.txt", false)],
            vec![bytes(b"\xfe", true)],
            vec![bytes(b"\xfd", true)],
            vec![bytes(b"\xfc", true)],
            vec![bytes(b"\xfb\x80", true)],
            vec![bytes(b"a\x80b", false)],
        ]
    );
}

#[test]
fn an_escaped_character_is_quoted_whole() {
    assert_eq!(words("\\é*"), vec![vec![lit("é", true), lit("*", false)]]);
    // A byte that starts no UTF-8 character is escaped alone.
    let tokens = lex(b"\\\xc3x").unwrap();
    let TokenKind::Word(w) = &tokens[0].kind else {
        panic!("{tokens:?}");
    };
    assert_eq!(
        w.parts,
        vec![
            WordPart::Literal {
                text: vec![0xc3],
                quoted: true
            },
            lit("x", false)
        ]
    );
}

#[test]
fn names_and_spans_around_bytes_that_are_not_utf8() {
    let tokens = lex(b"echo $x\xff | \xfe").unwrap();
    assert_eq!(tokens[1].span, Span::new(5, 8));
    let TokenKind::Word(w) = &tokens[1].kind else {
        panic!("{tokens:?}");
    };
    assert!(matches!(&w.parts[0], WordPart::Param(p) if p.name == ParamName::Var("x".into())));
    assert_eq!(tokens[3].span, Span::new(11, 12));
    let err = crate::syntax::parse(b"echo \xff; x").unwrap_err();
    assert_eq!(err.span, Span::new(6, 7));
    let err = crate::syntax::parse(b"echo >&\xff").unwrap_err();
    assert_eq!(
        err.message,
        "bad fd number `\\xff`: `<&` and `>&` take one digit 0-9 or `-`"
    );
    let err = crate::syntax::parse(b"a |[f\xffo] b").unwrap_err();
    assert_eq!(err.message, "unknown edge attribute `f\\xffo`");
    assert_eq!(err.span, Span::new(4, 7));
}

#[test]
fn line_continuations_are_removed_outside_single_quotes() {
    assert_eq!(
        words("a\\\nb '\\\n' \"\\\n\""),
        vec![
            vec![lit("ab", false)],
            vec![lit("\\\n", true)],
            vec![lit("", true)]
        ]
    );
    // An escaped backslash, then a newline.
    let tokens = lex("a\\\\\nb").unwrap();
    assert_eq!(tokens.len(), 3);
    assert_eq!(tokens[1].kind, TokenKind::Newline);
    assert_eq!(words("a\\\\\nb")[0], vec![lit("a", false), lit("\\", true)]);
    // A comment runs to the newline, `\` or not.
    let tokens = lex("# c \\\nx").unwrap();
    assert_eq!(tokens[0].kind, TokenKind::Newline);
    assert_eq!(words("# c \\\nx"), vec![vec![lit("x", false)]]);
    // Neither an escaped blank nor `${` makes `#` start a comment.
    let w = words("a\\ #$HO\\\nME");
    assert_eq!(
        w[0][..3],
        [lit("a", false), lit(" ", true), lit("#", false)]
    );
    assert!(matches!(&w[0][3], WordPart::Param(p) if p.name == ParamName::Var("HOME".into())));
    let w = words("${x-a #$HO\\\nME}");
    let WordPart::Param(p) = &w[0][0] else {
        panic!("{w:?}");
    };
    let ParamOp::Default { word, .. } = &p.op else {
        panic!("{p:?}");
    };
    assert!(
        matches!(&word.parts[1], WordPart::Param(p) if p.name == ParamName::Var("HOME".into()))
    );
}

#[test]
fn line_continuations_inside_operators_and_names() {
    let tokens = lex("a >\\\n> f 2\\\n>&1 |\\\n& b |\\\n[fifo] c").unwrap();
    assert_eq!(
        tokens[1].kind,
        TokenKind::Redirect {
            fd: None,
            op: RedirOp::Append
        }
    );
    assert_eq!(tokens[1].span, Span::new(2, 6));
    assert_eq!(
        tokens[3].kind,
        TokenKind::Redirect {
            fd: Some(2),
            op: RedirOp::DupOut
        }
    );
    assert_eq!(tokens[3].span, Span::new(9, 14));
    assert!(matches!(
        tokens[5].kind,
        TokenKind::Pipe {
            stderr_too: true,
            ..
        }
    ));
    assert_eq!(tokens[5].span, Span::new(16, 20));
    assert!(matches!(
        &tokens[7].kind,
        TokenKind::Pipe { stderr_too: false, attributes: Some(a) } if a.span == Span::new(26, 32)
    ));
    let w = words("$\\\n{x\\\n:-a} $\\\n1 ${1\\\n0}");
    assert!(
        matches!(&w[0][0], WordPart::Param(p) if p.name == ParamName::Var("x".into())
        && matches!(p.op, ParamOp::Default { colon: true, .. }))
    );
    assert!(matches!(&w[1][0], WordPart::Param(p) if p.name == ParamName::Positional(1)));
    assert!(matches!(&w[2][0], WordPart::Param(p) if p.name == ParamName::Positional(10)));
    let err = lex("a;\\\n;").unwrap_err();
    assert_eq!(err.span, Span::new(1, 5));
    let err = lex("echo $\\\n(ls)").unwrap_err();
    assert_eq!(err.span, Span::new(5, 9));
}

#[test]
fn dollar_single_quotes_keep_backslash_newline() {
    // `\'` does not end `$'...'`, so the `\`-newline after it is outside.
    assert_eq!(
        words("$'a\\\nb' $'\\'' c\\\nd"),
        vec![
            vec![lit("a\\\nb", true)],
            vec![lit("'", true)],
            vec![lit("cd", false)]
        ]
    );
    // Not special inside double quotes: there it is removed.
    assert_eq!(words("\"$'\\\n'\""), vec![vec![lit("$''", true)]]);
    assert_eq!(words("$$'\\\n'")[0][1], lit("\\\n", true));
    // Inside `${...}` within double quotes, bash removes it first.
    let default_word = |text: &str| match &words(text)[0][0] {
        WordPart::Param(p) => match &p.op {
            ParamOp::Default { word, .. } => word.parts.clone(),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    assert_eq!(
        default_word("\"${u-$'a\\\nb\\'c'}\""),
        vec![lit("ab'c", true)]
    );
    assert_eq!(default_word("${u-$'a\\\nb'}"), vec![lit("a\\\nb", true)]);
}

#[test]
fn spans_are_offsets_in_the_text_as_written() {
    let tokens = lex("ab\\\ncd ef \\\n gh\\\n").unwrap();
    let spans: Vec<Span> = tokens.iter().map(|t| t.span).collect();
    assert_eq!(
        spans,
        vec![Span::new(0, 6), Span::new(7, 9), Span::new(13, 15)]
    );
    let err = lex("ab\\\ncd; x").unwrap_err();
    assert_eq!(err.span, Span::new(6, 7));
    let err = lex("\\\n'x").unwrap_err();
    assert_eq!(err.span, Span::new(2, 3));
}

#[test]
fn line_continuations_around_carriage_returns_brackets_and_names() {
    // A carriage return, a `\`-newline, then a newline: still CRLF.
    for (text, at) in [("\\\n\r\\\n\nx", 2), ("{\\\r\\\n\n", 2)] {
        let err = lex(text).unwrap_err();
        assert_eq!(err.span, Span::new(at, at + 1), "{text:?}");
        assert!(err.message.contains("CRLF"), "{text:?}");
    }
    // In `|[...]`, `\\` then a newline ends the line; `\]` still closes.
    assert!(
        lex("a |[fifo\\\\\n] b")
            .unwrap_err()
            .message
            .starts_with("unterminated edge attributes")
    );
    assert_eq!(
        lex("a |[\\] b").unwrap_err().message,
        "unknown edge attribute `\\`"
    );
    // `#` inside a word starts no comment, whatever comes before it.
    assert_eq!(words("<(x)#a\\\nb")[0][1], lit("#ab", false));
    // An assignment's value starts after the `=`, wherever that is.
    let p = crate::syntax::parse("x\\\nsize=1K cmd").unwrap();
    assert_eq!(p.stages[0].assignments[0].name, "xsize");
    assert_eq!(p.stages[0].assignments[0].value.span, Span::new(8, 10));
    let p = crate::syntax::parse("a=\\\n").unwrap();
    assert_eq!(p.stages[0].assignments[0].value.span, Span::new(2, 2));
}
