//! The known-failures list, `testsuite/known-failures.txt`: one line per failing assertion,
//!
//! ```text
//! <suite>/<relative file>:<line> <engine> # <reason>
//! ```
//!
//! A run is clean iff every failure is listed and every listed entry (of the files and engines
//! that ran) still fails. The list may only shrink: an entry that passes again must be struck.

use super::{Engine, Failure, FileResult, WastFile};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One listed failure: which file, line and engine.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KnownKey {
    /// `<suite>/<relative file>`, e.g. `core-2.0/simd/simd_lane.wast`.
    pub file: String,
    /// 1-based line of the directive.
    pub line: usize,
    /// The engine it fails on.
    pub engine: Engine,
}

impl std::fmt::Display for KnownKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{} {}", self.file, self.line, self.engine.name())
    }
}

/// The parsed list: its leading comment block and its entries with their reasons.
#[derive(Clone, Debug, Default)]
pub struct KnownFailures {
    header: Vec<String>,
    entries: BTreeMap<KnownKey, String>,
}

/// How a file's run compares with the list.
#[derive(Debug, Default)]
pub struct Check<'a> {
    /// Failures that are not listed.
    pub unlisted: Vec<&'a Failure>,
    /// Listed entries that no longer fail: strike them.
    pub fixed: Vec<(KnownKey, String)>,
    /// Failures that are listed.
    pub known: usize,
}

impl Check<'_> {
    /// Whether the run agrees with the list.
    pub fn is_clean(&self) -> bool {
        self.unlisted.is_empty() && self.fixed.is_empty()
    }

    /// A report of the disagreements: the first `shown` unlisted failures (their line, message
    /// and expected/actual values) and every listed entry that passes now.
    pub fn describe(&self, file: &WastFile, engine: Engine, shown: usize) -> String {
        let mut s = String::new();
        for f in self.unlisted.iter().take(shown) {
            s.push_str(&format!(
                "FAIL {}:{} {} (not in testsuite/known-failures.txt)\n",
                file.id(),
                f.line,
                engine.name()
            ));
            for l in f.render().lines() {
                s.push_str("  ");
                s.push_str(l);
                s.push('\n');
            }
        }
        if self.unlisted.len() > shown {
            s.push_str(&format!(
                "  … and {} more unlisted failures in {}\n",
                self.unlisted.len() - shown,
                file.id()
            ));
        }
        for (k, reason) in &self.fixed {
            s.push_str(&format!(
                "FIXED {k} now passes: strike its line from testsuite/known-failures.txt (listed as: {reason})\n"
            ));
        }
        s
    }
}

/// A reason for listing `f`, derived from what actually went wrong: the construct the engine
/// does not support, the API gap, or else the failure's own message and values.
pub fn derived_reason(f: &Failure) -> String {
    let m = f.message.as_str();
    let prefix = if m.contains(" is unavailable: ") || matches!(f.directive.as_str(), "module" | "register")
    {
        "its module does not compile: "
    } else {
        ""
    };
    if let Some(i) = m.find("does not support ") {
        let rest = &m[i + "does not support ".len()..];
        let what = rest.split(" yet").next().unwrap_or(rest);
        let what = what.split([' ', '{', '(']).next().unwrap_or(what);
        // The engine that said so: "the Interpreter does not support …", "the Compiler …".
        let engine = m[..i]
            .trim_end()
            .rsplit(' ')
            .next()
            .filter(|w| !w.is_empty())
            .map_or_else(|| "engine".to_string(), |w| w.to_lowercase());
        return format!("{prefix}the {engine} does not support {what} yet");
    }
    if let Some(i) = m.find("API gap:") {
        let gap = &m[i..];
        return gap
            .split(", so")
            .next()
            .unwrap_or(gap)
            .trim_end_matches(')')
            .to_string();
    }
    if m.contains("v128 values are not supported") {
        return "API gap: the runtime rejects v128 arguments (\"v128 values are not supported yet\")".into();
    }
    let mut r = format!("{}: {}", f.directive, m.lines().next().unwrap_or(""));
    if let (Some(e), Some(a)) = (&f.expected, &f.actual) {
        if e.len() + a.len() < 160 && !e.contains('\n') && !a.contains('\n') {
            r.push_str(&format!(": expected {e}, got {a}"));
        }
    }
    r.chars().take(240).collect()
}

const DEFAULT_HEADER: &str = "\
# Known spec-test failures: one line per failing assertion, as
#   <suite>/<relative file>:<line> <engine> # <reason>
# `zerowasm-harness spectest` and `cargo test -p zerowasm-harness --test spectest` fail when an
# assertion fails that is not listed here, and when a listed one passes (strike it).
# This list may only shrink. Core 1.0 must have no entries.
# Tooling: zerowasm-harness spectest --suite core-2.0 --update-known-failures (strikes what passes);
#   add --reason \"...\" [--file PATTERN] or --derive-reasons to also list new Core 2.0 failures.";

impl KnownFailures {
    /// Reads the list at `path`; a missing file is an empty list.
    pub fn load(path: &Path) -> Result<KnownFailures, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => KnownFailures::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(KnownFailures::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Parses the list's text.
    pub fn parse(text: &str) -> Result<KnownFailures, String> {
        let mut k = KnownFailures::default();
        let mut in_header = true;
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                if in_header && line.starts_with('#') {
                    k.header.push(raw.to_string());
                }
                continue;
            }
            in_header = false;
            let err = |m: &str| format!("line {}: {m}: {raw:?}", n + 1);
            let (entry, reason) = line
                .split_once(" # ")
                .ok_or_else(|| err("expected `<file>:<line> <engine> # <reason>`"))?;
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(err("the reason is empty"));
            }
            let (loc, engine) = entry
                .trim()
                .split_once(' ')
                .ok_or_else(|| err("expected `<file>:<line> <engine>`"))?;
            let engine = Engine::from_name(engine.trim()).ok_or_else(|| err("unknown engine"))?;
            let (file, ln) = loc
                .rsplit_once(':')
                .ok_or_else(|| err("expected `<file>:<line>`"))?;
            let ln: usize = ln.parse().map_err(|_| err("bad line number"))?;
            if !file.ends_with(".wast")
                || super::SUITES
                    .iter()
                    .all(|s| !file.starts_with(&format!("{}/", s.name)))
            {
                return Err(err("the file must be `<suite>/<relative path>.wast`"));
            }
            let key = KnownKey {
                file: file.to_string(),
                line: ln,
                engine,
            };
            if k.entries.insert(key, reason.to_string()).is_some() {
                return Err(err("listed twice"));
            }
        }
        Ok(k)
    }

    /// The list as text, entries sorted.
    pub fn render(&self) -> String {
        let mut s = String::new();
        if self.header.is_empty() {
            s.push_str(DEFAULT_HEADER);
            s.push('\n');
        } else {
            for h in &self.header {
                s.push_str(h);
                s.push('\n');
            }
        }
        for (k, reason) in &self.entries {
            s.push_str(&format!("{k} # {reason}\n"));
        }
        s
    }

    /// Writes the list to `path`.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        std::fs::write(path, self.render()).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// All entries with their reasons.
    pub fn entries(&self) -> impl Iterator<Item = (&KnownKey, &String)> {
        self.entries.iter()
    }

    /// The entries of one file and engine.
    fn of<'a>(
        &'a self,
        file: &'a str,
        engine: Engine,
    ) -> impl Iterator<Item = (&'a KnownKey, &'a String)> + 'a {
        let lo = KnownKey {
            file: file.to_string(),
            line: 0,
            engine: Engine::Interpreter,
        };
        self.entries
            .range(lo..)
            .take_while(move |(k, _)| k.file == file)
            .filter(move |(k, _)| k.engine == engine)
    }

    /// Whether `file:line engine` is listed.
    pub fn contains(&self, file: &str, line: usize, engine: Engine) -> bool {
        self.entries.contains_key(&KnownKey {
            file: file.to_string(),
            line,
            engine,
        })
    }

    /// Compares one file's run with the list.
    pub fn check<'a>(&self, file: &WastFile, engine: Engine, result: &'a FileResult) -> Check<'a> {
        let id = file.id();
        let mut check = Check::default();
        let failing: BTreeSet<usize> = result.failures.iter().map(|f| f.line).collect();
        for f in &result.failures {
            if self.contains(&id, f.line, engine) {
                check.known += 1;
            } else {
                check.unlisted.push(f);
            }
        }
        for (k, reason) in self.of(&id, engine) {
            if !failing.contains(&k.line) {
                check.fixed.push((k.clone(), reason.clone()));
            }
        }
        check
    }

    /// Entries whose file is not among `files` of the suites given (stale after a testsuite
    /// update): `(entry, reason)`.
    pub fn stale(&self, suite: super::Suite, files: &[WastFile]) -> Vec<(KnownKey, String)> {
        let prefix = format!("{}/", suite.name());
        let ids: BTreeSet<String> = files.iter().map(|f| f.id()).collect();
        self.entries
            .iter()
            .filter(|(k, _)| k.file.starts_with(&prefix) && !ids.contains(&k.file))
            .map(|(k, r)| (k.clone(), r.clone()))
            .collect()
    }

    /// Brings one file's entries in line with its run: strikes entries that pass, and adds
    /// unlisted failures with the reason `reason` gives for each (none are added if `None`).
    /// Returns (struck, added).
    pub fn update(
        &mut self,
        file: &WastFile,
        engine: Engine,
        result: &FileResult,
        reason: Option<&dyn Fn(&Failure) -> String>,
    ) -> (usize, usize) {
        let check = self.check(file, engine, result);
        let struck = check.fixed.len();
        for (k, _) in &check.fixed {
            self.entries.remove(k);
        }
        let mut added = 0;
        if let Some(reason) = reason {
            for f in check.unlisted {
                let key = KnownKey {
                    file: file.id(),
                    line: f.line,
                    engine,
                };
                if let std::collections::btree_map::Entry::Vacant(e) = self.entries.entry(key) {
                    e.insert(reason(f));
                    added += 1;
                }
            }
        }
        (struck, added)
    }

    /// Removes entries (stale ones).
    pub fn remove(&mut self, keys: &[KnownKey]) {
        for k in keys {
            self.entries.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spectest::{Suite, WastFile};

    #[test]
    fn derived_reason_names_the_engine_that_reported_the_gap() {
        let f = |directive: &str, message: &str| Failure {
            line: 3,
            directive: directive.into(),
            message: message.into(),
            expected: None,
            actual: None,
        };
        assert_eq!(
            derived_reason(&f("module", "compile failed: the Compiler does not support I8x16Shl yet")),
            "its module does not compile: the compiler does not support I8x16Shl yet"
        );
        assert_eq!(
            derived_reason(&f(
                "assert_return",
                "the current module is unavailable: compile failed: the Interpreter does not support V128Load { memarg: .. } yet"
            )),
            "its module does not compile: the interpreter does not support V128Load yet"
        );
    }

    #[test]
    fn parse_render_check() {
        let text = "# header\ncore-2.0/simd/a.wast:12 interpreter # SIMD is not implemented\ncore-2.0/b.wast:3 interpreter # x\n";
        let k = KnownFailures::parse(text).unwrap();
        assert_eq!(k.len(), 2);
        assert_eq!(k.render(), "# header\ncore-2.0/b.wast:3 interpreter # x\ncore-2.0/simd/a.wast:12 interpreter # SIMD is not implemented\n");
        assert!(KnownFailures::parse("core-2.0/b.wast:3 interpreter # \n").is_err());
        assert!(KnownFailures::parse("core-2.0/b.wast:3 jit # x\n").is_err());
        assert!(KnownFailures::parse("b.wast:3 interpreter # x\n").is_err());

        let file = WastFile {
            suite: Suite::from_name("core-2.0").unwrap(),
            rel: "simd/a.wast".into(),
            path: "a.wast".into(),
        };
        let fail = |line| Failure {
            line,
            directive: "assert_return".into(),
            message: "m".into(),
            expected: None,
            actual: None,
        };
        let r = FileResult {
            passed: 1,
            failures: vec![fail(12)],
            ..Default::default()
        };
        assert!(k.check(&file, Engine::Interpreter, &r).is_clean());
        let r2 = FileResult {
            passed: 1,
            failures: vec![fail(13)],
            ..Default::default()
        };
        let c = k.check(&file, Engine::Interpreter, &r2);
        assert_eq!(c.unlisted.len(), 1);
        assert_eq!(c.fixed.len(), 1);
        let mut k2 = k.clone();
        assert_eq!(
            k2.update(
                &file,
                Engine::Interpreter,
                &r2,
                Some(&|_: &Failure| "because".to_string())
            ),
            (1, 1)
        );
        assert!(k2.check(&file, Engine::Interpreter, &r2).is_clean());
    }
}
