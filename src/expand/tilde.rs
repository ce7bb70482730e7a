//! Tilde expansion: `~` and `~user` at the start of a word, and after each
//! unquoted `:` in an assignment value (so `PATH=~/bin:~/x` works). A prefix
//! that cannot be resolved stays literal, as in dash.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use nix::unistd::User;

use super::Vars;
use super::fields::{Builder, Origin};

/// The directory `~name` stands for (`$HOME` for `~`), if known.
fn home_dir(name: &str, vars: &Vars) -> Option<Vec<u8>> {
    if name.is_empty() {
        return vars
            .env
            .get(OsStr::new("HOME"))
            .map(|v| v.as_bytes().to_vec());
    }
    match User::from_name(name) {
        Ok(Some(user)) => Some(user.dir.as_os_str().as_bytes().to_vec()),
        _ => None,
    }
}

/// Where tilde prefixes may start within one unquoted literal part.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tilde {
    /// The part begins at a tilde position (word start, or just after an
    /// unquoted `:` in an assignment).
    pub at_start: bool,
    /// Assignment value: `:` also starts and ends a prefix.
    pub after_colon: bool,
    /// No part follows this one, so a prefix may run to the end of the text.
    /// (dash does not expand `~$x` or `~"/a"`: the prefix must end in `/`,
    /// `:` or the end of the word without leaving the unquoted literal.)
    pub last_part: bool,
}

/// Push the literal `text`, replacing tilde prefixes by home directories.
/// The directories are pushed as quoted text, never split nor globbed, but
/// without a quote mark: an empty `$HOME` leaves no field, as in dash.
pub(super) fn push_literal(
    bytes: &[u8],
    origin: Origin,
    how: Tilde,
    vars: &Vars,
    out: &mut Builder,
) {
    let mut flushed = 0;
    let mut at_pos = how.at_start;
    let mut i = 0;
    while i <= bytes.len() {
        if at_pos && bytes.get(i) == Some(&b'~') {
            let name_start = i + 1;
            let end = bytes[name_start..]
                .iter()
                .position(|&b| b == b'/' || (how.after_colon && b == b':'))
                .map(|n| name_start + n)
                .or(how.last_part.then_some(bytes.len()));
            // A user name that is not UTF-8 names no user.
            if let Some(end) = end
                && let Ok(name) = std::str::from_utf8(&bytes[name_start..end])
                && let Some(dir) = home_dir(name, vars)
            {
                out.push(&bytes[flushed..i], origin);
                out.push(&dir, Origin::Quoted);
                flushed = end;
                i = end;
            }
        }
        let Some(&b) = bytes.get(i) else {
            break;
        };
        at_pos = how.after_colon && b == b':';
        i += 1;
    }
    out.push(&bytes[flushed..], origin);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::Environment;
    use std::ffi::OsString;

    fn vars(home: Option<&str>) -> Vars {
        Vars {
            env: Environment::from_pairs(home.map(|h| (OsString::from("HOME"), OsString::from(h)))),
            ..Vars::default()
        }
    }

    fn run(text: &str, how: Tilde, v: &Vars) -> (String, Vec<Origin>) {
        let mut b = Builder::new(true);
        push_literal(text.as_bytes(), Origin::Literal, how, v, &mut b);
        let piece = b.into_piece();
        (
            String::from_utf8(piece.iter().map(|&(c, _)| c).collect()).unwrap(),
            piece.iter().map(|&(_, o)| o).collect(),
        )
    }

    const WORD: Tilde = Tilde {
        at_start: true,
        after_colon: false,
        last_part: true,
    };
    const ASSIGN: Tilde = Tilde {
        at_start: true,
        after_colon: true,
        last_part: true,
    };

    #[test]
    fn home_and_prefixes() {
        let v = vars(Some("/h"));
        assert_eq!(run("~", WORD, &v).0, "/h");
        assert_eq!(run("~/a", WORD, &v).0, "/h/a");
        assert_eq!(run("a~", WORD, &v).0, "a~");
        assert_eq!(run("~:~", WORD, &v).0, "~:~");
        let (text, origins) = run("~/a", WORD, &v);
        assert_eq!(text, "/h/a");
        assert_eq!(origins[..2], [Origin::Quoted, Origin::Quoted]);
        assert_eq!(origins[2..], [Origin::Literal, Origin::Literal]);
    }

    #[test]
    fn not_last_part_needs_a_slash() {
        let v = vars(Some("/h"));
        let how = Tilde {
            last_part: false,
            ..WORD
        };
        assert_eq!(run("~", how, &v).0, "~");
        assert_eq!(run("~/", how, &v).0, "/h/");
    }

    #[test]
    fn unset_home_stays_literal_and_empty_home_vanishes() {
        assert_eq!(run("~/a", WORD, &vars(None)).0, "~/a");
        assert_eq!(run("~/a", WORD, &vars(Some(""))).0, "/a");
        assert_eq!(run("~", WORD, &vars(Some(""))).0, "");
    }

    #[test]
    fn users() {
        let v = vars(Some("/h"));
        assert_eq!(
            run("~no-such-user-xyz/a", WORD, &v).0,
            "~no-such-user-xyz/a"
        );
        if let Ok(Some(root)) = User::from_name("root") {
            let dir = root.dir.to_string_lossy().into_owned();
            assert_eq!(run("~root/x", WORD, &v).0, format!("{dir}/x"));
            assert_eq!(run("a:~root:b", ASSIGN, &v).0, format!("a:{dir}:b"));
        }
        assert_eq!(run("~a\0b", WORD, &v).0, "~a\0b");
    }

    #[test]
    fn assignment_colons() {
        let v = vars(Some("/h"));
        assert_eq!(run("~/a:~/b", ASSIGN, &v).0, "/h/a:/h/b");
        assert_eq!(run("a:~/a:~", ASSIGN, &v).0, "a:/h/a:/h");
        assert_eq!(run("~:~", ASSIGN, &v).0, "/h:/h");
        assert_eq!(run("::~/", ASSIGN, &v).0, "::/h/");
        assert_eq!(run("a~:b", ASSIGN, &v).0, "a~:b");
        let how = Tilde {
            last_part: false,
            ..ASSIGN
        };
        assert_eq!(run("a:~", how, &v).0, "a:~");
        assert_eq!(run("~:", how, &v).0, "/h:");
    }
}
