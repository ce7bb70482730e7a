//! The environment a program gets: the variables pipe-run inherited, shared
//! by every stage, plus each stage's own assignments.
//!
//! Cloning an [`Environment`] copies no variable. The inherited ones live in
//! one shared, immutable [`Base`] (in their order, with an index for
//! lookups); an environment adds only its list of overrides, which is empty
//! for a stage without assignments. So a plan of thousands of stages holds
//! the inherited environment once, and the runner can prepare its `execve`
//! strings once too (see `run::envp`), keyed by the [`Base`].
//!
//! The order is the one a program sees in its `environ`: the inherited
//! variables in their order, an overridden one keeping its place, then the
//! names that were not inherited, in the order they were first set.
//!
//! If the inherited environment holds a name twice (only a raw `execve`
//! can do that), both entries are kept and passed on, as they came; the
//! first is the one looked up and the one a `set` replaces, as for
//! `getenv`.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A set of environment variables, cheap to clone. See the module docs.
#[derive(Clone, Default)]
pub struct Environment {
    base: Base,
    overrides: Vec<Override>,
}

/// The variables an [`Environment`] shares with its clones. Two `Base`s are
/// equal (and hash alike) when they are the same shared allocation, not
/// when they hold the same variables: a key for what was prepared from it.
#[derive(Clone, Default)]
pub struct Base(Arc<BaseVars>);

#[derive(Default)]
struct BaseVars {
    vars: Vec<(OsString, OsString)>,
    /// Each name's first position in `vars`.
    index: HashMap<OsString, usize>,
}

/// A variable set on top of the [`Base`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    name: OsString,
    value: OsString,
    /// The position in the base of the variable it replaces, if the base
    /// has this name.
    replaces: Option<usize>,
}

impl Override {
    pub fn name(&self) -> &OsStr {
        &self.name
    }

    pub fn value(&self) -> &OsStr {
        &self.value
    }

    /// The position in [`Base::iter`] of the variable this one replaces,
    /// or `None` for a name the base does not have (it comes at the end).
    pub fn replaces(&self) -> Option<usize> {
        self.replaces
    }
}

impl BaseVars {
    fn from_pairs(pairs: impl IntoIterator<Item = (OsString, OsString)>) -> BaseVars {
        let mut base = BaseVars::default();
        for (name, value) in pairs {
            base.index.entry(name.clone()).or_insert(base.vars.len());
            base.vars.push((name, value));
        }
        base
    }

    fn set(&mut self, name: OsString, value: OsString) {
        match self.index.get(&name) {
            Some(&at) => self.vars[at].1 = value,
            None => {
                self.index.insert(name.clone(), self.vars.len());
                self.vars.push((name, value));
            }
        }
    }
}

impl Base {
    /// The shared variables, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&OsStr, &OsStr)> + Clone {
        self.0
            .vars
            .iter()
            .map(|(n, v)| (n.as_os_str(), v.as_os_str()))
    }
}

impl PartialEq for Base {
    fn eq(&self, other: &Base) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Base {}

impl Hash for Base {
    fn hash<H: Hasher>(&self, state: &mut H) {
        Arc::as_ptr(&self.0).hash(state);
    }
}

impl fmt::Debug for Base {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Base({:p}, {} variables)",
            Arc::as_ptr(&self.0),
            self.0.vars.len()
        )
    }
}

impl Environment {
    /// No variables.
    pub fn new() -> Environment {
        Environment::default()
    }

    /// This process's environment, in the order of its `environ`.
    pub fn from_process() -> Environment {
        Environment::from_pairs(std::env::vars_os())
    }

    /// The given variables, in order. A name given twice is kept twice
    /// (see the module docs).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (OsString, OsString)>) -> Environment {
        Environment {
            base: Base(Arc::new(BaseVars::from_pairs(pairs))),
            overrides: Vec::new(),
        }
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &OsStr) -> Option<&OsStr> {
        if let Some(o) = self.overrides.iter().find(|o| o.name == name) {
            return Some(&o.value);
        }
        let base = &self.base.0;
        base.index.get(name).map(|&at| base.vars[at].1.as_os_str())
    }

    /// Set `name` to `value`: a name already present keeps its place, a new
    /// one goes at the end.
    ///
    /// Clones are not affected. An environment that shares its base with
    /// no clone and has no overrides changes its base in place, so that
    /// what pipe-run sets before planning (`$PWD` for `-C`) stays part of
    /// the base every stage shares.
    pub fn set(&mut self, name: impl Into<OsString>, value: impl Into<OsString>) {
        let (name, value) = (name.into(), value.into());
        if let Some(o) = self.overrides.iter_mut().find(|o| o.name == name) {
            o.value = value;
            return;
        }
        if self.overrides.is_empty()
            && let Some(base) = Arc::get_mut(&mut self.base.0)
        {
            base.set(name, value);
            return;
        }
        let replaces = self.base.0.index.get(&name).copied();
        self.overrides.push(Override {
            name,
            value,
            replaces,
        });
    }

    /// Every variable, as the program gets them: in the base's order with
    /// overridden values in place, then the new names in the order they
    /// were set.
    pub fn iter(&self) -> impl Iterator<Item = (&OsStr, &OsStr)> {
        let mut replaced: Vec<(usize, &OsStr)> = self
            .overrides
            .iter()
            .filter_map(|o| Some((o.replaces?, o.value.as_os_str())))
            .collect();
        replaced.sort_unstable_by_key(|&(at, _)| at);
        let mut replaced = replaced.into_iter().peekable();
        let base = self
            .base
            .iter()
            .enumerate()
            .map(move |(at, (name, value))| {
                let value = replaced
                    .next_if(|&(r, _)| r == at)
                    .map_or(value, |(_, v)| v);
                (name, value)
            });
        let added = self
            .overrides
            .iter()
            .filter(|o| o.replaces.is_none())
            .map(|o| (o.name.as_os_str(), o.value.as_os_str()));
        base.chain(added)
    }

    /// The shared variables, before overrides.
    pub fn base(&self) -> &Base {
        &self.base
    }

    /// The variables set on top of [`Environment::base`], in the order they
    /// were first set.
    pub fn overrides(&self) -> &[Override] {
        &self.overrides
    }
}

/// Equal when a program would get the same variables in the same order.
impl PartialEq for Environment {
    fn eq(&self, other: &Environment) -> bool {
        (self.base == other.base && self.overrides == other.overrides)
            || self.iter().eq(other.iter())
    }
}

impl Eq for Environment {}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Environment {
        Environment::from_pairs(pairs.iter().map(|&(n, v)| (n.into(), v.into())))
    }

    fn pairs(env: &Environment) -> Vec<(String, String)> {
        env.iter()
            .map(|(n, v)| (n.to_str().unwrap().into(), v.to_str().unwrap().into()))
            .collect()
    }

    fn want(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|&(n, v)| (n.into(), v.into())).collect()
    }

    #[test]
    fn keeps_the_inherited_order() {
        let e = env(&[("Z", "1"), ("A", "2"), ("M", "3")]);
        assert_eq!(pairs(&e), want(&[("Z", "1"), ("A", "2"), ("M", "3")]));
    }

    #[test]
    fn looks_up_inherited_and_set_variables() {
        let mut e = env(&[("HOME", "/h"), ("PATH", "/bin")]);
        e.set("A", "1");
        assert_eq!(e.get(OsStr::new("HOME")), Some(OsStr::new("/h")));
        assert_eq!(e.get(OsStr::new("A")), Some(OsStr::new("1")));
        assert_eq!(e.get(OsStr::new("NOPE")), None);
        e.set("PATH", "/usr/bin");
        assert_eq!(e.get(OsStr::new("PATH")), Some(OsStr::new("/usr/bin")));
    }

    #[test]
    fn an_override_keeps_its_place_and_new_names_go_last() {
        let base = env(&[("A", "1"), ("B", "2"), ("C", "3")]);
        let mut e = base.clone();
        e.set("X", "new");
        e.set("C", "c");
        e.set("A", "a");
        e.set("Y", "y");
        e.set("X", "newer");
        assert_eq!(
            pairs(&e),
            want(&[
                ("A", "a"),
                ("B", "2"),
                ("C", "c"),
                ("X", "newer"),
                ("Y", "y")
            ])
        );
        assert_eq!(e.overrides().len(), 4);
        assert_eq!(e.overrides()[1].replaces(), Some(2));
        assert_eq!(e.overrides()[0].replaces(), None);
    }

    #[test]
    fn clones_share_the_base_and_not_the_overrides() {
        let base = env(&[("A", "1"), ("B", "2")]);
        let mut one = base.clone();
        let two = base.clone();
        one.set("A", "x");
        assert_eq!(one.base(), two.base());
        assert_eq!(one.base(), base.base());
        assert_eq!(Arc::strong_count(&base.base().0), 3);
        assert_eq!(pairs(&two), want(&[("A", "1"), ("B", "2")]));
        assert_eq!(pairs(&base), want(&[("A", "1"), ("B", "2")]));
        assert_eq!(pairs(&one), want(&[("A", "x"), ("B", "2")]));
        assert!(two.overrides().is_empty());
    }

    #[test]
    fn an_unshared_environment_changes_its_base_in_place() {
        let mut e = env(&[("A", "1")]);
        e.set("PWD", "/d");
        e.set("A", "2");
        assert!(e.overrides().is_empty());
        assert_eq!(pairs(&e), want(&[("A", "2"), ("PWD", "/d")]));
        // Once shared, a clone's change is its own.
        let mut clone = e.clone();
        clone.set("A", "3");
        assert_eq!(clone.overrides().len(), 1);
        assert_eq!(pairs(&e), want(&[("A", "2"), ("PWD", "/d")]));
    }

    #[test]
    fn a_duplicated_name_is_kept_and_the_first_one_counts() {
        let mut e = env(&[("A", "1"), ("B", "x"), ("A", "2")]);
        assert_eq!(e.get(OsStr::new("A")), Some(OsStr::new("1")));
        let _shared = e.clone();
        e.set("A", "3");
        assert_eq!(pairs(&e), want(&[("A", "3"), ("B", "x"), ("A", "2")]));
    }

    #[test]
    fn equal_when_a_program_would_see_the_same() {
        let mut one = env(&[("A", "1")]);
        let _shared = one.clone();
        one.set("B", "2");
        let two = env(&[("A", "1"), ("B", "2")]);
        assert_eq!(one, two);
        assert_ne!(one, env(&[("B", "2"), ("A", "1")]));
        assert_eq!(format!("{two:?}"), r#"{"A": "1", "B": "2"}"#);
    }
}
