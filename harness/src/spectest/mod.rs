//! The WebAssembly spec test runner: finds the official `.wast` suites, runs every directive
//! through zerowasm's public API, checks the outcome against the known-failures list and
//! writes the conformance reports.
//!
//! Used by the `zerowasm-harness spectest` command and by `cargo test --test spectest`.

mod command;
pub mod isolate;
pub mod known;
pub mod legacy;
pub mod report;
pub mod runner;
mod values;

use std::path::{Path, PathBuf};
use zerowasm::{CoreFeatures, RuntimeConfig};

pub use command::{command, file_matches, run_many, AddReason, Options};
pub use known::{KnownFailures, KnownKey};
pub use runner::{run_file, run_source, Failure, FileResult, Skip};

/// One spec test suite, described as data: everything the command line, the runner, the
/// known-failures list, the reports and `tests/spectest.rs` need to know about it. The suites
/// are the entries of [`SUITES`]; adding one is adding an entry.
#[derive(Debug)]
pub struct SuiteSpec {
    /// Its folder under the testsuite root, relative with `/` separators (`core-2.0`, or
    /// `proposals/<name>`); every `.wast` file beneath it, in subfolders too, belongs to the
    /// suite. Also its name on the command line, in test names, in the reports and in
    /// `testsuite/known-failures.txt`.
    pub name: &'static str,
    /// What the suite is, in a few words (the command line's help).
    pub description: &'static str,
    /// Where its files come from, as the conformance report's header gives it after
    /// `<name> = `.
    pub source: &'static str,
    /// The feature preset its modules are validated and run with, applied to a configuration
    /// that has chosen the engine (a function, so a suite can turn on any option the runtime
    /// will have, not only a core version).
    pub features: fn(RuntimeConfig) -> RuntimeConfig,
    /// Every assertion must pass: `testsuite/known-failures.txt` may list nothing of it.
    pub must_pass: bool,
    /// Its scripts write segments the Core 1.0 way, where a segment's first index names its
    /// memory or table; `wast` reads that the 2.0 way, so the runner rewrites it first
    /// ([`legacy::rewrite`]).
    pub v1_segment_syntax: bool,
    /// Its scripts write legacy exception handling's `try` in the folded form that `wast` no
    /// longer reads, which the runner unfolds first ([`legacy::rewrite`]).
    pub folded_try_syntax: bool,
}

/// Every suite, in the order they run and appear in the reports.
pub const SUITES: &[SuiteSpec] = &[
    SuiteSpec {
        name: "core-1.0",
        description: "WebAssembly Core 1.0 (the MVP and mutable globals)",
        source: "spec tag `wg-1.0`",
        features: |c| c.with_core_features(CoreFeatures::V1_0),
        must_pass: true,
        v1_segment_syntax: true,
        folded_try_syntax: false,
    },
    SuiteSpec {
        name: "core-2.0",
        description: "WebAssembly Core 2.0, SIMD included",
        source: "`wg-2.0` incl. `simd/`",
        features: |c| c.with_core_features(CoreFeatures::V2_0),
        must_pass: false,
        v1_segment_syntax: false,
        folded_try_syntax: false,
    },
    SuiteSpec {
        name: "core-3.0",
        description: "WebAssembly Core 3.0 with its subfolders (GC, exceptions, memory64, …)",
        source: "spec tag `wg-3.0` incl. subfolders",
        features: |c| c.with_core_features(CoreFeatures::V3_0),
        must_pass: false,
        v1_segment_syntax: false,
        folded_try_syntax: false,
    },
    SuiteSpec {
        name: "proposals/threads",
        description: "the threads proposal (phase 4, atomics in Core 3.0) with its multithreaded scripts",
        source: "WebAssembly/testsuite `proposals/threads`, WebAssembly/threads `test/core/threads` as `multithreaded/`",
        // The proposal's scripts are written against Core 1.0 (they expect a second memory or
        // table to be invalid).
        features: |c| c.with_core_features(CoreFeatures::V1_0).with_wasm_threads(true),
        must_pass: false,
        v1_segment_syntax: false,
        folded_try_syntax: false,
    },
    SuiteSpec {
        name: "proposals/legacy-exceptions",
        description: "legacy exception handling (try, catch, catch_all, delegate, rethrow), which older toolchains emit",
        source: "WebAssembly/testsuite `legacy/exceptions`",
        features: |c| c.with_core_features(CoreFeatures::V3_0).with_wasm_legacy_exceptions(true),
        must_pass: false,
        v1_segment_syntax: false,
        folded_try_syntax: true,
    },
    SuiteSpec {
        name: "proposals/wide-arithmetic",
        description: "the wide-arithmetic proposal (phase 4) on top of Core 3.0",
        source: "WebAssembly/testsuite `proposals/wide-arithmetic`",
        features: |c| c.with_core_features(CoreFeatures::V3_0).with_wasm_wide_arithmetic(true),
        must_pass: false,
        v1_segment_syntax: false,
        folded_try_syntax: false,
    },
    SuiteSpec {
        name: "proposals/custom-page-sizes",
        description: "the custom-page-sizes proposal (phase 4) on top of Core 3.0",
        source: "WebAssembly/testsuite `proposals/custom-page-sizes`",
        features: |c| c.with_core_features(CoreFeatures::V3_0).with_wasm_custom_page_sizes(true),
        must_pass: false,
        v1_segment_syntax: false,
        folded_try_syntax: false,
    },
];

/// `--suite proposals`: the suites under `proposals/`.
pub const PROPOSALS: &str = "proposals";

/// A suite of [`SUITES`]: a copyable reference to its entry, compared by name.
#[derive(Clone, Copy)]
pub struct Suite(&'static SuiteSpec);

impl Suite {
    /// Every suite, in [`SUITES`] order.
    pub fn all() -> impl Iterator<Item = Suite> {
        SUITES.iter().map(Suite)
    }

    /// The suite called `name`.
    pub fn from_name(name: &str) -> Option<Suite> {
        Suite::all().find(|s| s.name() == name)
    }

    /// The suites `--suite <selector>` names: `all`, [`PROPOSALS`] (every suite under
    /// `proposals/`) or one suite's name; empty for anything else.
    pub fn select(selector: &str) -> Vec<Suite> {
        Suite::all()
            .filter(|s| match selector {
                "all" => true,
                PROPOSALS => s.name().starts_with("proposals/"),
                name => s.name() == name,
            })
            .collect()
    }

    /// Its folder under the testsuite root, also its name everywhere else.
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// Its entry in [`SUITES`].
    pub fn spec(self) -> &'static SuiteSpec {
        self.0
    }

    /// Its position in [`SUITES`]: the order of the reports.
    pub fn index(self) -> usize {
        SUITES.iter().position(|s| s.name == self.0.name).unwrap_or(usize::MAX)
    }
}

impl PartialEq for Suite {
    fn eq(&self, other: &Suite) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Suite {}

impl std::hash::Hash for Suite {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.name().hash(h);
    }
}

impl std::fmt::Debug for Suite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How one engine runs the spec tests: the settings that apply to every file of a run. The
/// command builds one per engine from its options and hands it to the runner, so runs with
/// different settings can share a process (the tests run both bounds-check modes at once).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunConfig {
    /// The engine.
    pub engine: Engine,
    /// Runtimes are made with fuel accounting (with more fuel than any test needs) and
    /// interrupt checks, to show that they change no result (`spectest --instrumented`).
    pub instrumented: bool,
    /// The Compiler checks every memory access explicitly instead of trapping with guard pages
    /// (`RuntimeConfig::with_signals_based_traps(false)`), as on hosts without its signal handler
    /// (`spectest --explicit-bounds-checks`).
    pub explicit_bounds_checks: bool,
}

impl RunConfig {
    /// `engine` in the reported configuration: no instrumentation, guard-page bounds checks
    /// where the host has them.
    pub fn new(engine: Engine) -> RunConfig {
        RunConfig { engine, instrumented: false, explicit_bounds_checks: false }
    }

    /// The runtime configuration for a script of `suite`, or an error if this build of
    /// zerowasm does not have the engine.
    pub fn runtime_config(&self, suite: Suite) -> Result<RuntimeConfig, String> {
        let kind = self
            .engine
            .kind()
            .ok_or_else(|| format!("the {} engine is not built into this zerowasm", self.engine.name()))?;
        Ok((suite.spec().features)(RuntimeConfig::interpreter().with_engine(kind))
            .with_consume_fuel(self.instrumented)
            .with_interruptible(self.instrumented)
            .with_signals_based_traps(!self.explicit_bounds_checks))
    }
}

/// An engine of zerowasm, whether or not this build has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Engine {
    /// The Interpreter.
    Interpreter,
    /// The Cranelift-based Compiler.
    Compiler,
}

impl Engine {
    /// Every engine, in report order.
    pub const ALL: [Engine; 2] = [Engine::Interpreter, Engine::Compiler];

    /// The engine's name.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Interpreter => "interpreter",
            Engine::Compiler => "compiler",
        }
    }

    /// The engine called `name`.
    pub fn from_name(name: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|e| e.name() == name)
    }

    /// The runtime's engine kind, or `None` if this build of zerowasm cannot run the engine
    /// on this host (the Compiler needs a host Cranelift supports).
    pub fn kind(self) -> Option<zerowasm::EngineKind> {
        let kind = match self {
            Engine::Interpreter => zerowasm::EngineKind::Interpreter,
            Engine::Compiler => zerowasm::EngineKind::Compiler,
        };
        kind.is_available().then_some(kind)
    }

    /// Whether this build of zerowasm has the engine.
    pub fn is_built(self) -> bool {
        self.kind().is_some()
    }
}

/// One `.wast` file of a suite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WastFile {
    /// The suite it belongs to.
    pub suite: Suite,
    /// Its path relative to the suite directory, with `/` separators (`simd/simd_lane.wast`).
    pub rel: String,
    /// Its path on disk.
    pub path: PathBuf,
}

impl WastFile {
    /// `<suite>/<rel>`, the name used in test names, reports and the known-failures list.
    pub fn id(&self) -> String {
        format!("{}/{}", self.suite.name(), self.rel)
    }
}

/// The workspace root (the directory holding the harness crate), found at compile time so the
/// harness works from any working directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("harness/ has a parent")
        .to_path_buf()
}

/// The committed known-failures list.
pub fn known_failures_path() -> PathBuf {
    workspace_root()
        .join("testsuite")
        .join("known-failures.txt")
}

/// Where the official suites are: `explicit` if given, else `$ZEROWASM_TESTSUITE`, else
/// `../shared/testsuite` beside the workspace, else `testsuite/official` (what
/// `make testsuite` clones). A candidate counts if it holds the folder of one of [`SUITES`].
pub fn locate_testsuite(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(p) = explicit {
        return if p.is_dir() {
            Ok(p.to_path_buf())
        } else {
            Err(format!("--testsuite {}: no such directory", p.display()))
        };
    }
    if let Some(p) = std::env::var_os("ZEROWASM_TESTSUITE") {
        let p = PathBuf::from(p);
        return if p.is_dir() {
            Ok(p)
        } else {
            Err(format!(
                "ZEROWASM_TESTSUITE={}: no such directory",
                p.display()
            ))
        };
    }
    let root = workspace_root();
    let candidates = [
        root.join("..").join("shared").join("testsuite"),
        root.join("testsuite").join("official"),
    ];
    for c in &candidates {
        if SUITES.iter().any(|s| c.join(s.name).is_dir()) {
            return Ok(c.clone());
        }
    }
    Err(format!(
        "no spec testsuite found: looked in $ZEROWASM_TESTSUITE (unset), {} and {}; run `make testsuite` \
         (scripts/fetch-testsuite.sh) or pass --testsuite DIR",
        candidates[0].display(),
        candidates[1].display()
    ))
}

/// The `.wast` files of `suite` under the testsuite root, subfolders included (Core 2.0's
/// `simd/`), sorted by relative path.
pub fn discover(testsuite: &Path, suite: Suite) -> Result<Vec<WastFile>, String> {
    let dir = testsuite.join(suite.name());
    let mut out = Vec::new();
    let mut walk = vec![(dir.clone(), String::new())];
    while let Some((d, prefix)) = walk.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for e in entries {
            let e = e.map_err(|e| format!("{}: {e}", d.display()))?;
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            if path.is_dir() {
                walk.push((path, format!("{prefix}{name}/")));
            } else if name.ends_with(".wast") {
                out.push(WastFile {
                    suite,
                    rel: format!("{prefix}{name}"),
                    path,
                });
            }
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

/// A compact one-line summary for the `spectest:` closing line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Assertions that passed.
    pub passed: usize,
    /// Assertions (and module/register/invoke directives) that failed.
    pub failed: usize,
    /// Assertions not run, each with a reason.
    pub skipped: usize,
}

impl Totals {
    /// Adds a file's counts.
    pub fn add(&mut self, r: &FileResult) {
        self.passed += r.passed;
        self.failed += r.failures.len();
        self.skipped += r.skips.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suites_are_named_once_and_carry_their_settings_to_the_runtime() {
        for (i, s) in Suite::all().enumerate() {
            assert_eq!(s.index(), i);
            assert_eq!(Suite::from_name(s.name()), Some(s));
        }
        assert_eq!(Suite::all().count(), SUITES.len());
        let core1 = Suite::from_name("core-1.0").unwrap();
        let plain = RunConfig::new(Engine::Interpreter).runtime_config(core1).unwrap();
        assert_eq!(plain.core_features(), CoreFeatures::V1_0);
        assert!(!plain.consume_fuel() && !plain.interruptible() && plain.signals_based_traps());
        let all_on = RunConfig { engine: Engine::Interpreter, instrumented: true, explicit_bounds_checks: true };
        let c = all_on.runtime_config(Suite::from_name("core-2.0").unwrap()).unwrap();
        assert_eq!(c.core_features(), CoreFeatures::V2_0);
        assert!(c.consume_fuel() && c.interruptible() && !c.signals_based_traps());
    }
}
