//! The `envp` arrays handed to `execve`, prepared once per run.
//!
//! The stages of a plan share one [`Base`] (pipe-run's own variables), so
//! its `NAME=value` strings are built once, back to back in one buffer,
//! with one null-terminated array of pointers into it: every stage without
//! assignments passes that array as it is. A stage with assignments gets a
//! copy of the pointers in which those of the names it overrides point to
//! its own strings instead, and its new names come at the end: the order of
//! [`Environment::iter`], and no name twice that the base has once.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ffi::{OsStr, c_char};
use std::io;
use std::os::unix::ffi::OsStrExt;

use crate::environment::{Base, Environment};

/// `NAME=value` strings prepared for one run, by [`Base`].
#[derive(Default)]
pub struct EnvBlocks {
    prepared: HashMap<Base, Strings>,
}

/// `NAME=value\0` strings back to back, and a pointer to each.
struct Strings {
    /// Never changed once the pointers are taken: they point into it.
    _bytes: Vec<u8>,
    /// Null-terminated.
    pointers: Vec<*const c_char>,
}

/// One stage's `envp`: valid while the [`EnvBlocks`] it came from is, and
/// until it is dropped itself.
pub struct EnvBlock<'a> {
    pointers: Cow<'a, [*const c_char]>,
    /// The stage's own strings, which some of `pointers` point into.
    _own: Option<Strings>,
}

impl Strings {
    fn new<'v>(vars: impl Iterator<Item = (&'v OsStr, &'v OsStr)> + Clone) -> io::Result<Strings> {
        let len = vars
            .clone()
            .map(|(n, v)| n.len() + v.len() + 2)
            .sum::<usize>();
        let mut bytes = Vec::with_capacity(len);
        let mut starts = Vec::with_capacity(vars.size_hint().0);
        for (name, value) in vars {
            let (name, value) = (name.as_bytes(), value.as_bytes());
            if name.contains(&0) || value.contains(&0) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a NUL byte in an environment variable",
                ));
            }
            starts.push(bytes.len());
            bytes.extend_from_slice(name);
            bytes.push(b'=');
            bytes.extend_from_slice(value);
            bytes.push(0);
        }
        let pointers = starts
            .into_iter()
            .map(|at| bytes[at..].as_ptr().cast::<c_char>())
            .chain(std::iter::once(std::ptr::null()))
            .collect();
        Ok(Strings {
            _bytes: bytes,
            pointers,
        })
    }
}

impl EnvBlocks {
    /// The `envp` of a program to get `env`. The base's strings are built
    /// the first time it is seen, and kept (with the base) for the run.
    pub fn block(&mut self, env: &Environment) -> io::Result<EnvBlock<'_>> {
        let base = match self.prepared.entry(env.base().clone()) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let strings = Strings::new(env.base().iter())?;
                e.insert(strings)
            }
        };
        if env.overrides().is_empty() {
            return Ok(EnvBlock {
                pointers: Cow::Borrowed(&base.pointers),
                _own: None,
            });
        }
        let own = Strings::new(env.overrides().iter().map(|o| (o.name(), o.value())))?;
        let mut pointers = base.pointers.clone();
        pointers.pop();
        for (o, &p) in env.overrides().iter().zip(&own.pointers) {
            match o.replaces() {
                Some(at) => pointers[at] = p,
                None => pointers.push(p),
            }
        }
        pointers.push(std::ptr::null());
        Ok(EnvBlock {
            pointers: Cow::Owned(pointers),
            _own: Some(own),
        })
    }
}

impl EnvBlock<'_> {
    /// Pointers to `NAME=value` C strings, then a null: `execve`'s `envp`.
    pub fn envp(&self) -> &[*const c_char] {
        &self.pointers
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn env(pairs: &[(&str, &str)]) -> Environment {
        Environment::from_pairs(pairs.iter().map(|&(n, v)| (n.into(), v.into())))
    }

    /// What a program would find in its `environ`.
    fn strings(block: &EnvBlock) -> Vec<String> {
        let envp = block.envp();
        assert!(envp.last().unwrap().is_null(), "null-terminated");
        envp[..envp.len() - 1]
            .iter()
            // SAFETY: every pointer but the last points to a C string that
            // lives as long as `block`.
            .map(|&p| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
            .collect()
    }

    fn names(strings: &[String]) -> Vec<&str> {
        strings
            .iter()
            .map(|s| s.split('=').next().unwrap())
            .collect()
    }

    #[test]
    fn stages_without_assignments_share_one_array() {
        let base = env(&[("A", "1"), ("B", "2")]);
        let (one, two) = (base.clone(), base.clone());
        let mut blocks = EnvBlocks::default();
        let first = blocks.block(&one).unwrap().envp().as_ptr();
        let block = blocks.block(&two).unwrap();
        assert_eq!(block.envp().as_ptr(), first);
        assert_eq!(strings(&block), ["A=1", "B=2"]);
        assert_eq!(blocks.prepared.len(), 1);
    }

    #[test]
    fn a_stage_sees_its_own_assignments_and_others_do_not() {
        let base = env(&[("A", "1"), ("PATH", "/bin"), ("B", "2")]);
        let mut assigned = base.clone();
        assigned.set("PATH", "/usr/bin");
        assigned.set("NEW", "x");
        let plain = base.clone();
        let mut blocks = EnvBlocks::default();

        let block = blocks.block(&assigned).unwrap();
        let seen = strings(&block);
        assert_eq!(seen, ["A=1", "PATH=/usr/bin", "B=2", "NEW=x"]);
        let mut unique = names(&seen);
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "no name twice: {seen:?}");
        drop(block);

        let block = blocks.block(&plain).unwrap();
        assert_eq!(strings(&block), ["A=1", "PATH=/bin", "B=2"]);
        // The base's strings were built once, for both stages.
        assert_eq!(blocks.prepared.len(), 1);
    }

    #[test]
    fn each_base_is_prepared_once() {
        let one = env(&[("A", "1")]);
        let two = env(&[("A", "1")]);
        let mut blocks = EnvBlocks::default();
        for e in [&one, &two, &one.clone(), &two.clone()] {
            assert_eq!(strings(&blocks.block(e).unwrap()), ["A=1"]);
        }
        assert_eq!(blocks.prepared.len(), 2);
    }

    #[test]
    fn the_same_as_the_environment_says() {
        let mut e = env(&[("A", "1"), ("B", "2"), ("A", "dup")]);
        let _shared = e.clone();
        e.set("B", "b");
        e.set("A", "a");
        e.set("C", "c");
        let mut blocks = EnvBlocks::default();
        let want: Vec<String> = e
            .iter()
            .map(|(n, v)| format!("{}={}", n.to_str().unwrap(), v.to_str().unwrap()))
            .collect();
        assert_eq!(strings(&blocks.block(&e).unwrap()), want);
        assert_eq!(want, ["A=a", "B=b", "A=dup", "C=c"]);
    }

    #[test]
    fn a_nul_byte_is_refused() {
        let mut e = env(&[("A", "1")]);
        let _shared = e.clone();
        e.set("B", OsStr::from_bytes(b"x\0y"));
        let mut blocks = EnvBlocks::default();
        let err = blocks.block(&e).err().unwrap();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(blocks.block(&env(&[("A", "1")])).is_ok());
    }

    #[test]
    fn an_empty_environment_is_one_null() {
        let mut blocks = EnvBlocks::default();
        let block = blocks.block(&Environment::new()).unwrap();
        assert_eq!(block.envp(), [std::ptr::null()]);
    }
}
