//! Lexer tests: tokens, quoting, refusals and their spans.

use super::dollar::MAX_DEPTH;
use super::*;
use crate::syntax::ast::{ParamName, ParamOp};

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
        ("cat <(ls)", 4),
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
    assert!(lex(&deep(MAX_DEPTH)).is_ok());
    let err = lex(&deep(5000)).unwrap_err();
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
