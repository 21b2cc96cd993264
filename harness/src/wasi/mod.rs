//! The WASI runner: the official WASI preview 1 test suite (`../shared/wasi-testsuite`, whose
//! spec format FORMAT.md there describes) through zerowasm's public API, and the real guest
//! programs of `../shared/corpus/programs` through the `zerowasm` CLI ([`programs`]).
//!
//! Each test case is a `.wasm` file with an optional `.json` spec next to it: `args`, `env`,
//! `root` (a fixture folder preopened as `/`), `exit_code` and an expected prefix of `stdout`
//! and `stderr`. The suite folder is read-only: each test's fixture folder is copied to a
//! fresh temporary directory, and the copy is preopened.

pub mod programs;
pub mod report;

pub use programs::{copy_tree, Outcome, TempDir};

use crate::spectest::{workspace_root, Engine};
use std::path::{Path, PathBuf};
use std::time::Instant;
use zerowasm::wasi::{self, SharedBuffer, WasiConfig};
use zerowasm::{ModuleConfig, Runtime, RuntimeConfig};

/// The suites, in report order.
pub const SUITES: [&str; 3] = ["c", "rust", "assemblyscript"];

/// One test case's result.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// The suite folder (`c`, `rust`, `assemblyscript`).
    pub suite: String,
    /// The test's name (the .wasm file's stem).
    pub name: String,
    /// The outcome.
    pub outcome: Outcome,
    /// Wall time of the run, in milliseconds.
    pub millis: f64,
}

/// A test case: its module and spec.
#[derive(Clone, Debug)]
pub struct Case {
    /// The suite folder name.
    pub suite: String,
    /// The .wasm file.
    pub wasm: PathBuf,
    /// The parsed spec.
    pub spec: Spec,
}

impl Case {
    /// The test's name (the .wasm file's stem).
    pub fn name(&self) -> String {
        self.wasm.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
    }
}

/// A legacy (flat) test spec, FORMAT.md's keys with their defaults.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    /// Arguments after argv\[0\].
    pub args: Vec<String>,
    /// The exact environment.
    pub env: Vec<(String, String)>,
    /// The fixture folder preopened as `/`, relative to the spec's folder.
    pub root: Option<String>,
    /// The expected exit code.
    pub exit_code: i32,
    /// An expected prefix of stdout.
    pub stdout: Option<String>,
    /// An expected prefix of stderr.
    pub stderr: Option<String>,
    /// Why this spec cannot be run (an operation-based spec, or an unknown key), if so.
    pub unsupported: Option<String>,
}

/// Parses a spec file's text. Errors: not JSON, or a key of the wrong type.
pub fn parse_spec(text: &str) -> Result<Spec, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("bad JSON: {e}"))?;
    let obj = v.as_object().ok_or("spec is not a JSON object")?;
    let mut s = Spec::default();
    for (k, val) in obj {
        match k.as_str() {
            "args" => {
                s.args = val
                    .as_array()
                    .ok_or("args: not a list")?
                    .iter()
                    .map(|a| a.as_str().map(str::to_string).ok_or("args: not a string"))
                    .collect::<Result<_, _>>()?
            }
            "env" => {
                for (ek, ev) in val.as_object().ok_or("env: not an object")? {
                    s.env.push((ek.clone(), ev.as_str().ok_or("env: value not a string")?.to_string()));
                }
            }
            "root" => s.root = val.as_str().map(str::to_string),
            "exit_code" => s.exit_code = val.as_i64().ok_or("exit_code: not an integer")? as i32,
            "stdout" => s.stdout = Some(val.as_str().ok_or("stdout: not a string")?.to_string()),
            "stderr" => s.stderr = Some(val.as_str().ok_or("stderr: not a string")?.to_string()),
            "operations" | "proposals" | "world" | "servers" => {
                s.unsupported = Some(format!(
                    "operation-based spec (`{k}`): needs wasip3/sockets support, which zerowasm does not have"
                ))
            }
            "dirs" => {
                s.unsupported = Some("old `dirs` spec form; this snapshot's binaries expect `root`".into())
            }
            other => s.unsupported = Some(format!("unknown spec key `{other}`")),
        }
    }
    Ok(s)
}

/// The WASI testsuite folder: `explicit`, else `$ZEROWASM_WASI_TESTSUITE`, else
/// `../shared/wasi-testsuite` beside the workspace.
pub fn suite_dir(explicit: Option<&Path>) -> Result<PathBuf, String> {
    let p = match explicit {
        Some(p) => p.to_path_buf(),
        None => match std::env::var_os("ZEROWASM_WASI_TESTSUITE") {
            Some(p) => PathBuf::from(p),
            None => workspace_root().join("../shared/wasi-testsuite"),
        },
    };
    if p.join("c").is_dir() || p.join("rust").is_dir() || p.join("assemblyscript").is_dir() {
        Ok(p)
    } else {
        Err(format!(
            "no WASI testsuite at {} (expected c/, rust/, assemblyscript/; set $ZEROWASM_WASI_TESTSUITE or --suite)",
            p.display()
        ))
    }
}

/// Every test case of the suites under `dir`, sorted by suite and name.
pub fn discover(dir: &Path) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    for suite in SUITES {
        let sdir = dir.join(suite);
        let Ok(rd) = std::fs::read_dir(&sdir) else { continue };
        let mut wasms: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
            .collect();
        wasms.sort();
        for wasm in wasms {
            let json = wasm.with_extension("json");
            let spec = match std::fs::read_to_string(&json) {
                Ok(t) => parse_spec(&t).map_err(|e| format!("{}: {e}", json.display()))?,
                Err(_) => Spec::default(),
            };
            cases.push(Case { suite: suite.to_string(), wasm, spec });
        }
    }
    Ok(cases)
}

/// Runs one case in-process on `engine`.
pub fn run_case(case: &Case, engine: Engine) -> CaseResult {
    let start = Instant::now();
    let outcome = match &case.spec.unsupported {
        Some(why) => Outcome::Skipped(why.clone()),
        None => match engine.kind() {
            None => Outcome::Skipped(format!("the {} engine is not built", engine.name())),
            Some(kind) => {
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_case_on(case, kind)));
                match r {
                    Ok(Ok(())) => Outcome::Passed,
                    Ok(Err(e)) => Outcome::Failed(e),
                    Err(_) => Outcome::Failed("the runner panicked".into()),
                }
            }
        },
    };
    CaseResult { suite: case.suite.clone(), name: case.name(), outcome, millis: start.elapsed().as_secs_f64() * 1e3 }
}

fn run_case_on(case: &Case, kind: zerowasm::EngineKind) -> Result<(), String> {
    let spec = &case.spec;
    let bytes = std::fs::read(&case.wasm).map_err(|e| format!("cannot read {}: {e}", case.wasm.display()))?;
    let runtime = Runtime::with_config(RuntimeConfig::new().with_engine(kind));
    let (out, err) = (SharedBuffer::new(), SharedBuffer::new());
    let argv0 = case.wasm.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut config = WasiConfig::new()
        .with_arg(argv0)
        .with_stdout_buffer(out.clone())
        .with_stderr_buffer(err.clone());
    for a in &spec.args {
        config = config.with_arg(a);
    }
    for (k, v) in &spec.env {
        config = config.with_env(k, v);
    }
    let _tmp;
    if let Some(root) = &spec.root {
        let src = case.wasm.parent().unwrap_or(Path::new(".")).join(root);
        let tmp = TempDir::new("wasi").map_err(|e| format!("cannot make a temp dir: {e}"))?;
        copy_tree(&src, &tmp.0).map_err(|e| format!("cannot copy fixture {}: {e}", src.display()))?;
        config = config.with_dir(&tmp.0, "/");
        _tmp = tmp;
    }
    wasi::instantiate(&runtime, config).map_err(|e| e.to_string())?;
    let module = runtime.compile(&bytes).map_err(|e| format!("compile: {e}"))?;
    let code = match runtime.instantiate(&module, ModuleConfig::new()) {
        Err(zerowasm::InstantiationError::Trap(zerowasm::Trap::Exit(c))) => c,
        Err(e) => return Err(format!("instantiate: {e}")),
        Ok(instance) => match wasi::run_start(&instance) {
            Ok(c) => c,
            Err(t) => {
                let mut msg = format!("trap: {t}");
                append_output(&mut msg, &out, &err);
                return Err(msg);
            }
        },
    };
    let mut problems = Vec::new();
    if code != spec.exit_code {
        problems.push(format!("exit code {code}, expected {}", spec.exit_code));
    }
    for (name, want, got) in [("stdout", &spec.stdout, &out), ("stderr", &spec.stderr, &err)] {
        if let Some(w) = want {
            let g = got.contents();
            if !g.starts_with(w.as_bytes()) {
                problems.push(format!("{name} {:?} does not start with {w:?}", String::from_utf8_lossy(&g)));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        let mut msg = problems.join("; ");
        append_output(&mut msg, &out, &err);
        Err(msg)
    }
}

fn append_output(msg: &mut String, out: &SharedBuffer, err: &SharedBuffer) {
    for (name, b) in [("stdout", out), ("stderr", err)] {
        let s = b.to_string_lossy();
        if !s.is_empty() {
            let s: String = s.chars().take(600).collect();
            msg.push_str(&format!("\n  {name}: {}", s.trim_end().replace('\n', "\n    ")));
        }
    }
}

/// Options of `zerowasm-harness wasi`.
pub struct Options {
    /// Engines to run.
    pub engines: Vec<Engine>,
    /// The suite folder (default: [`suite_dir`]).
    pub suite: Option<PathBuf>,
    /// The corpus programs folder (default: `$ZEROWASM_CORPUS`, then `../shared/corpus/programs`).
    pub corpus: Option<PathBuf>,
    /// The `zerowasm` CLI binary for the programs (default: next to this executable).
    pub cli: Option<PathBuf>,
    /// Only the cases whose `<suite>/<name>` contains one of these.
    pub filter: Vec<String>,
    /// The reports root (default: the workspace's `reports/`); not written when filtering.
    pub report: Option<PathBuf>,
    /// Print each failure's details.
    pub verbose: bool,
}

/// Runs the suites and the programs, prints one line per case and the summary, writes the
/// report. Returns the process exit status: 0 iff nothing failed.
pub fn command(opts: &Options) -> i32 {
    let dir = match suite_dir(opts.suite.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("wasi: error: {e}");
            return 2;
        }
    };
    let cases = match discover(&dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("wasi: error: {e}");
            return 2;
        }
    };
    let selected = |name: &str| opts.filter.is_empty() || opts.filter.iter().any(|f| name.contains(f.as_str()));

    // The corpus programs, through the CLI.
    let mut prog_results = Vec::new();
    let corpus = programs::corpus_dir(opts.corpus.as_deref());
    let cli = opts.cli.clone().or_else(default_cli);
    match (&corpus, &cli) {
        (Some(corpus), Some(cli)) => {
            for engine in opts.engines.iter().filter(|e| e.kind().is_some()) {
                for p in programs::CASES.iter().filter(|p| selected(&format!("programs/{}", p.name))) {
                    let r = programs::run(p, cli, corpus, engine.name());
                    print_line(&format!("programs/{}", engine.name()), p.name, &r.outcome, r.millis, opts.verbose);
                    prog_results.push(r);
                }
            }
        }
        (None, _) => println!("programs: skipped: no corpus at ../shared/corpus/programs (set $ZEROWASM_CORPUS)"),
        (_, None) => println!("programs: skipped: no zerowasm binary next to this one (build it: cargo build --release -p zerowasm-cli, or pass --cli)"),
    }
    let count = |rs: &mut dyn Iterator<Item = &Outcome>| {
        let mut c = (0, 0, 0);
        for o in rs {
            match o {
                Outcome::Passed => c.0 += 1,
                Outcome::Failed(_) => c.1 += 1,
                Outcome::Skipped(_) => c.2 += 1,
            }
        }
        c
    };
    let pc = count(&mut prog_results.iter().map(|r| &r.outcome));

    let mut runs = Vec::new();
    let mut not_built = Vec::new();
    let mut total = (0, 0, 0);
    for &engine in &opts.engines {
        if engine.kind().is_none() {
            println!("wasi {}: not built (this zerowasm has no such engine yet)", engine.name());
            not_built.push(engine.name().to_string());
            continue;
        }
        let mut results = Vec::new();
        for case in cases.iter().filter(|c| selected(&format!("{}/{}", c.suite, c.name()))) {
            let r = run_case(case, engine);
            print_line(&format!("{}/{}", engine.name(), r.suite), &r.name, &r.outcome, r.millis, opts.verbose);
            results.push(r);
        }
        let c = count(&mut results.iter().map(|r| &r.outcome));
        for suite in SUITES {
            let s = count(&mut results.iter().filter(|r| r.suite == suite).map(|r| &r.outcome));
            println!("wasi {} {suite}: {} passed, {} failed, {} skipped", engine.name(), s.0, s.1, s.2);
        }
        total = (total.0 + c.0, total.1 + c.1, total.2 + c.2);
        runs.push((engine, results));
    }
    if opts.filter.is_empty() {
        let rdir = crate::spectest::report::report_dir(opts.report.as_deref());
        match report::write(&rdir, &runs, &not_built, &prog_results) {
            Ok((j, m)) => println!("wrote {} and {}", j.display(), m.display()),
            Err(e) => eprintln!("wasi: cannot write the report: {e}"),
        }
    }
    println!("programs: {} passed, {} failed, {} skipped", pc.0, pc.1, pc.2);
    println!("wasi: {} passed, {} failed, {} skipped", total.0, total.1, total.2);
    if total.1 + pc.1 == 0 {
        0
    } else {
        1
    }
}

fn print_line(prefix: &str, name: &str, o: &Outcome, ms: f64, verbose: bool) {
    match o {
        Outcome::Passed => println!("{prefix}/{name}: ok ({ms:.0} ms)"),
        Outcome::Skipped(why) => println!("{prefix}/{name}: skipped: {why}"),
        Outcome::Failed(why) => {
            let first = if verbose { why.as_str() } else { why.lines().next().unwrap_or("") };
            println!("{prefix}/{name}: FAILED: {first}");
        }
    }
}

/// The `zerowasm` binary (crate `zerowasm-cli`) built next to the running executable
/// (`target/<profile>/zerowasm`), looking one folder up too (test executables live in
/// `target/<profile>/deps`).
pub fn default_cli() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    let name = format!("zerowasm{}", std::env::consts::EXE_SUFFIX);
    [dir.join(&name), dir.parent()?.join(&name)].into_iter().find(|p| p.is_file())
}
