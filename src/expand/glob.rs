//! Pathname expansion: a field with active `*`, `?` or `[` becomes the sorted
//! list of existing paths it matches, one `/`-separated component at a time.
//! `None` means "keep the field as it is" (no magic, or nothing matched).

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use super::fields::Piece;
use super::pattern::Pattern;

/// The paths matching `field`, sorted in byte order, or `None`.
pub(super) fn expand(field: &Piece) -> Option<Vec<Vec<u8>>> {
    let components: Vec<Pattern> = unescape_slashes(field)
        .split(|&(b, _)| b == b'/')
        .map(|comp| {
            let pairs: Vec<(u8, bool)> = comp.iter().map(|&(b, o)| (b, o.active())).collect();
            Pattern::new(&pairs)
        })
        .collect();
    if !components.iter().any(Pattern::has_magic) {
        return None;
    }

    // An absolute pattern starts with an empty component, so paths start
    // as "" and the joining `/` makes them "/...".
    let mut paths: Vec<Vec<u8>> = vec![Vec::new()];
    let mut unchecked = false;
    for (i, comp) in components.iter().enumerate() {
        if i > 0 {
            for path in &mut paths {
                path.push(b'/');
            }
        }
        if comp.has_magic() {
            paths = paths
                .iter()
                .flat_map(|dir| list_matching(dir, comp))
                .collect();
            unchecked = false;
        } else {
            // Appended without listing, so `dir/*.txt` needs no read access
            // to `.`; whether it exists is checked once at the end.
            let literal = comp.literal();
            for path in &mut paths {
                path.extend_from_slice(&literal);
            }
            unchecked = true;
        }
        if paths.is_empty() {
            return None;
        }
    }
    if unchecked {
        paths.retain(|p| fs::symlink_metadata(Path::new(OsStr::from_bytes(p))).is_ok());
    }
    if paths.is_empty() {
        return None;
    }
    paths.sort();
    Some(paths)
}

/// `field` without the active backslashes that escape a `/` (from an
/// unquoted expansion, like `x='a\/*'`): an escaped `/` still separates
/// components, as no name can contain one.
fn unescape_slashes(field: &Piece) -> Piece {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while let Some(&(b, origin)) = field.get(i) {
        if b == b'\\' && origin.active() {
            match field.get(i + 1) {
                Some(&(b'/', _)) => {
                    i += 1;
                    continue;
                }
                // Any other escaped byte keeps its backslash, and the pair
                // stays together so `\\/` is not mistaken for `\/`.
                Some(&next) => {
                    out.extend([(b, origin), next]);
                    i += 2;
                    continue;
                }
                None => {}
            }
        }
        out.push((b, origin));
        i += 1;
    }
    out
}

/// `dir` joined with each entry name that `comp` matches. A directory that
/// cannot be read simply matches nothing.
fn list_matching(dir: &[u8], comp: &Pattern) -> Vec<Vec<u8>> {
    let where_ = if dir.is_empty() {
        Path::new(".")
    } else {
        Path::new(OsStr::from_bytes(dir))
    };
    let Ok(entries) = fs::read_dir(where_) else {
        return Vec::new();
    };
    // read_dir never yields `.` and `..`, so `.*` does not match them.
    entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name();
            let name = name.as_bytes();
            if name.first() == Some(&b'.') && !comp.starts_with_dot() {
                return None;
            }
            if !comp.matches(name, &[]) {
                return None;
            }
            let mut path = dir.to_vec();
            path.extend_from_slice(name);
            Some(path)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fields::Origin;
    use super::*;

    fn piece(s: &[u8], origin: Origin) -> Piece {
        s.iter().map(|&b| (b, origin)).collect()
    }

    fn setup() -> (tempfile::TempDir, Vec<u8>) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for d in ["d1", "d2", ".hd"] {
            fs::create_dir(root.join(d)).unwrap();
        }
        for f in [
            "a", "b", "c", "ab", "abc", ".hidden", "a*", "[x", "]", "x-y", "é", "a b", "d1/f.txt",
            "d1/g.txt", "d2/f.txt",
        ] {
            fs::write(root.join(f), b"").unwrap();
        }
        fs::write(root.join(OsStr::from_bytes(b"n\xff")), b"").unwrap();
        let base = root.as_os_str().as_bytes().to_vec();
        (dir, base)
    }

    /// Glob `pat` (all active) under `base`; names relative to it.
    fn glob(base: &[u8], pat: &str) -> Option<Vec<String>> {
        let mut p = piece(base, Origin::Quoted);
        p.extend(piece(b"/", Origin::Literal));
        p.extend(piece(pat.as_bytes(), Origin::Literal));
        expand(&p).map(|paths| {
            paths
                .iter()
                .map(|x| String::from_utf8_lossy(&x[base.len() + 1..]).into_owned())
                .collect()
        })
    }

    #[test]
    fn star_lists_sorted_without_hidden() {
        let (_t, base) = setup();
        assert_eq!(
            glob(&base, "*").unwrap(),
            [
                "[x",
                "]",
                "a",
                "a b",
                "a*",
                "ab",
                "abc",
                "b",
                "c",
                "d1",
                "d2",
                "n\u{fffd}",
                "x-y",
                "é"
            ]
        );
        assert_eq!(glob(&base, ".*").unwrap(), [".hd", ".hidden"]);
        assert_eq!(glob(&base, ".h*/").unwrap(), [".hd/"]);
        assert_eq!(glob(&base, "[.]*"), None);
    }

    #[test]
    fn question_and_brackets() {
        let (_t, base) = setup();
        assert_eq!(glob(&base, "?").unwrap(), ["]", "a", "b", "c", "é"]);
        assert_eq!(glob(&base, "a?").unwrap(), ["a*", "ab"]);
        assert_eq!(glob(&base, "[ab]").unwrap(), ["a", "b"]);
        assert_eq!(glob(&base, "[!ab]").unwrap(), ["]", "c", "é"]);
        assert_eq!(glob(&base, "[]]").unwrap(), ["]"]);
        assert_eq!(glob(&base, "[[]x").unwrap(), ["[x"]);
        assert_eq!(glob(&base, "[[:alpha:]]").unwrap(), ["a", "b", "c", "é"]);
        assert_eq!(glob(&base, "[x"), None);
        assert_eq!(glob(&base, "[[:nope:]]"), None);
    }

    #[test]
    fn components() {
        let (_t, base) = setup();
        assert_eq!(
            glob(&base, "*/*.txt").unwrap(),
            ["d1/f.txt", "d1/g.txt", "d2/f.txt"]
        );
        assert_eq!(glob(&base, "d*/f.txt").unwrap(), ["d1/f.txt", "d2/f.txt"]);
        assert_eq!(glob(&base, "d*/nope.txt"), None);
        assert_eq!(glob(&base, "*/").unwrap(), ["d1/", "d2/"]);
        assert_eq!(glob(&base, "*//f.txt").unwrap(), ["d1//f.txt", "d2//f.txt"]);
        assert_eq!(glob(&base, "d1//f*").unwrap(), ["d1//f.txt"]);
        assert_eq!(glob(&base, "nonexistent/*"), None);
        // An escaped `/` (from an expansion like `x='d1\/*'`) still
        // separates components, as in dash.
        assert_eq!(glob(&base, "d1\\/*").unwrap(), ["d1/f.txt", "d1/g.txt"]);
        assert_eq!(glob(&base, "d9\\/*"), None);
        assert_eq!(glob(&base, "a/*"), None);
        assert_eq!(
            glob(&base, "./d1/../a?").unwrap(),
            ["./d1/../a*", "./d1/../ab"]
        );
    }

    #[test]
    fn quoted_magic_is_literal() {
        let (_t, base) = setup();
        let mut p = piece(&base, Origin::Quoted);
        p.extend(piece(b"/a", Origin::Literal));
        p.extend(piece(b"*", Origin::Quoted));
        assert_eq!(expand(&p), None);
        let mut p = piece(&base, Origin::Quoted);
        p.extend(piece(b"/", Origin::Literal));
        p.extend(piece(b"a", Origin::Quoted));
        p.extend(piece(b"*", Origin::Expanded));
        assert_eq!(expand(&p).unwrap().len(), 5);
    }

    #[test]
    fn unreadable_directory_matches_nothing() {
        let (_t, base) = setup();
        let mut p = piece(&base, Origin::Quoted);
        p.extend(piece(b"/a/x/*", Origin::Literal));
        assert_eq!(expand(&p), None);
    }
}
