//! The WebAssembly spec test runner: finds the official `.wast` suites, runs every directive
//! through zerowasm's public API, checks the outcome against the known-failures list and
//! writes the conformance reports.
//!
//! Used by the `zerowasm-harness spectest` command and by `cargo test --test spectest`.

mod command;
pub mod known;
pub mod legacy;
pub mod report;
pub mod runner;
mod values;

use std::path::{Path, PathBuf};

pub use command::{command, file_matches, run_many, AddReason, Options};
pub use known::{KnownFailures, KnownKey};
pub use runner::{run_file, run_file_with, run_source, Failure, FileResult, Skip};

/// A test suite: the official core spec tests of one WebAssembly version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Suite {
    /// The Core 1.0 tests (spec tag `wg-1.0`).
    Core1,
    /// The Core 2.0 tests (spec tag `wg-2.0`), including `simd/`.
    Core2,
}

impl Suite {
    /// Every suite, in report order.
    pub const ALL: [Suite; 2] = [Suite::Core1, Suite::Core2];

    /// The suite's directory name under the testsuite root, also its name everywhere else.
    pub fn name(self) -> &'static str {
        match self {
            Suite::Core1 => "core-1.0",
            Suite::Core2 => "core-2.0",
        }
    }

    /// The suite called `name`.
    pub fn from_name(name: &str) -> Option<Suite> {
        Suite::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The core feature set the runtime validates the suite's modules with.
    pub fn features(self) -> zerowasm::CoreFeatures {
        match self {
            Suite::Core1 => zerowasm::CoreFeatures::V1_0,
            Suite::Core2 => zerowasm::CoreFeatures::V2_0,
        }
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
/// `make testsuite` clones). A candidate counts if it holds a `core-1.0` or `core-2.0` folder.
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
        if Suite::ALL.iter().any(|s| c.join(s.name()).is_dir()) {
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

/// The `.wast` files of `suite` under the testsuite root, sorted by relative path. Core 2.0
/// includes its `simd/` subfolder.
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
