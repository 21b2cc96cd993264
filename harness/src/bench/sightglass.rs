//! Execution: the sightglass modules (`sightglass/<name>/*.wasm`), run as sightglass runs them
//! (see BENCHMARKS.md in the benchmark folder): the module's folder preopened as `.`, no
//! arguments, `_start` called once, `bench.start`/`bench.end` bracketing the timed region, and
//! stdout/stderr checked against `<stem>.{stdout,stderr}.expected` (else `default.*`). A run
//! whose output differs, or that exits with a non-zero code, is a failure, not a figure.
//! The module is compiled once per runtime; each sample is a fresh instance.

use super::peer::Peers;
use super::report::Report;
use super::stats::Metric;
use super::wasi_shim::{self, WasiState};
use super::{cpu_seconds, engine_config, engine_runtime, measure, selected, Bench, Contender, Ctx, SampleFn};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use zerowasm::wasi::{self, SharedBuffer, WasiConfig};
use zerowasm::{HostModuleBuilder, ModuleConfig, Runtime};

/// Samples per runtime by default.
const ROUNDS: usize = 3;

/// Wall seconds after which a module's first round is its only one.
const LONG_ROUND: f64 = 25.0;

/// Wall seconds the whole group may take in a default run (no `--only`): the modules are
/// ordered so that each folder's first module comes before any folder's second, and those left
/// when the time is up are listed as skipped. `--only execution` runs them all.
const BUDGET: f64 = 420.0;

/// Orders modules so that the first module of every folder comes first, then the second ones...
pub fn breadth_first(mut modules: Vec<Module>) -> Vec<Module> {
    let folder = |m: &Module| m.dir.clone();
    let mut rank = std::collections::HashMap::new();
    let mut keyed: Vec<(usize, usize, Module)> = Vec::new();
    for (i, m) in modules.drain(..).enumerate() {
        let n = rank.entry(folder(&m)).or_insert(0usize);
        keyed.push((*n, i, m));
        *n += 1;
    }
    keyed.sort_by_key(|(n, i, _)| (*n, *i));
    keyed.into_iter().map(|(_, _, m)| m).collect()
}

/// One sightglass module.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// `sightglass/<folder>` for `benchmark.wasm`, else `sightglass/<folder>/<stem>`.
    pub name: String,
    /// The .wasm file.
    pub wasm: PathBuf,
    /// Its folder (the guest's `.`).
    pub dir: PathBuf,
    /// Expected stdout, if the folder has it.
    pub stdout: Option<PathBuf>,
    /// Expected stderr, if the folder has it.
    pub stderr: Option<PathBuf>,
}

/// The modules under `dir` (the sightglass folder), sorted by name.
pub fn discover(dir: &Path) -> Vec<Module> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else { return out };
    let mut folders: Vec<PathBuf> = rd.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    folders.sort();
    for f in folders {
        let Ok(rd) = std::fs::read_dir(&f) else { continue };
        let mut wasms: Vec<PathBuf> = rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "wasm")).collect();
        wasms.sort();
        let folder = f.file_name().unwrap_or_default().to_string_lossy().to_string();
        for w in wasms {
            let stem = w.file_stem().unwrap_or_default().to_string_lossy().to_string();
            let expected = |stream: &str| {
                [format!("{stem}.{stream}.expected"), format!("default.{stream}.expected")]
                    .into_iter()
                    .map(|n| f.join(n))
                    .find(|p| p.is_file())
            };
            out.push(Module {
                name: if stem == "benchmark" { format!("sightglass/{folder}") } else { format!("sightglass/{folder}/{stem}") },
                stdout: expected("stdout"),
                stderr: expected("stderr"),
                wasm: w,
                dir: f.clone(),
            });
        }
    }
    out
}

/// Compares output with the expected file line by line, line endings ignored.
pub fn check_output(what: &str, got: &[u8], expected: Option<&Path>) -> Result<(), String> {
    let Some(path) = expected else { return Ok(()) };
    let want = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let norm = |b: &[u8]| -> Vec<String> { String::from_utf8_lossy(b).lines().map(|l| l.trim_end_matches('\r').to_string()).collect() };
    let (g, w) = (norm(got), norm(&want));
    if g == w {
        return Ok(());
    }
    let at = g.iter().zip(&w).position(|(a, b)| a != b).unwrap_or(g.len().min(w.len()));
    Err(format!(
        "{what} differs from {} at line {}: got {:?}, expected {:?}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        at + 1,
        g.get(at).map(|s| s.chars().take(80).collect::<String>()),
        w.get(at).map(|s| s.chars().take(80).collect::<String>())
    ))
}

fn region(marks: (Option<f64>, Option<f64>)) -> Result<Vec<f64>, String> {
    match marks {
        (Some(a), Some(b)) if b >= a => Ok(vec![b - a]),
        _ => Err("the module did not call bench.start and then bench.end".into()),
    }
}

/// Runs every selected sightglass module on every engine and peer.
pub fn run(ctx: &Ctx<'_>, peers: &mut Peers, report: &mut Report) {
    let modules: Vec<Module> =
        discover(&ctx.dir.join("sightglass")).into_iter().filter(|m| selected(ctx.only, "execution", &m.name)).collect();
    let modules = breadth_first(modules);
    let budget = ctx.only.is_empty().then_some(BUDGET);
    let started = std::time::Instant::now();
    let mut skipped = Vec::new();
    let tmp = match crate::wasi::programs::TempDir::new("bench") {
        Ok(t) => t,
        Err(e) => {
            eprintln!("sightglass: cannot make a temporary folder: {e}");
            return;
        }
    };
    for m in &modules {
        if budget.is_some_and(|b| started.elapsed().as_secs_f64() > b) {
            skipped.push(m.name.clone());
            continue;
        }
        eprintln!("{}: {}", m.name, m.wasm.display());
        let wasm = match std::fs::read(&m.wasm) {
            Ok(w) => w,
            Err(e) => {
                report.unavailable("execution", &m.name, "all", "failed", &format!("cannot read {}: {e}", m.wasm.display()));
                continue;
            }
        };
        let mut cs: Vec<Contender<'_>> = Vec::new();
        for &e in ctx.engines {
            cs.push(match engine_config(e) {
                Ok(config) => Contender::setup(engine_runtime(e), zerowasm_setup(config, &wasm, m)),
                Err(why) => Contender::unavailable(engine_runtime(e), "unsupported", why),
            });
        }
        cs.push(Contender::setup("wasmi", wasmi_setup(&wasm, m)));
        let (out, err) = (tmp.0.join("stdout"), tmp.0.join("stderr"));
        cs.extend(peers.contenders(|name| {
            if name == "wasm3" {
                return Err(("unsupported".into(), "pywasm3 exposes no WASI; the sightglass modules need wasi_snapshot_preview1".into()));
            }
            let job = json!({"task": "sightglass", "wasm": m.wasm, "dir": m.dir, "stdout": out, "stderr": err});
            let (out, err) = (out.clone(), err.clone());
            Ok(Box::new(move |proc| {
                let v = proc.call(job.clone())?;
                let code = v["exit"].as_i64().unwrap_or(0);
                if code != 0 {
                    return Err(format!("exit code {code}"));
                }
                check_output("stdout", &std::fs::read(&out).unwrap_or_default(), m.stdout.as_deref())?;
                check_output("stderr", &std::fs::read(&err).unwrap_or_default(), m.stderr.as_deref())?;
                Ok(vec![v["value"].as_f64().unwrap_or(f64::NAN)])
            }))
        }));
        let bench = Bench { group: "execution", rows: vec![(m.name.clone(), Metric::Seconds)], rounds: ctx.rounds.unwrap_or(ROUNDS), warmup: false, long_round: Some(LONG_ROUND) };
        measure(report, &bench, cs);
    }
    if !skipped.is_empty() {
        report.conditions.push(format!(
            "Execution: {} of {} sightglass modules ran within this run's {BUDGET:.0} s budget (each folder's first module first); skipped: {}. `--only execution` runs them all.",
            modules.len() - skipped.len(),
            modules.len(),
            skipped.join(", ")
        ));
    }
}

/// Compiles the module on a zerowasm engine with WASI and the bench imports; each sample
/// instantiates it afresh and runs `_start`.
pub fn zerowasm_setup<'a>(config: zerowasm::RuntimeConfig, wasm: &[u8], m: &'a Module) -> Result<SampleFn<'a>, String> {
    let runtime = Runtime::with_config(config);
    let (out, err) = (SharedBuffer::new(), SharedBuffer::new());
    let mut wc = WasiConfig::new().with_dir_ro(&m.dir, ".").with_stdout_buffer(out.clone()).with_stderr_buffer(err.clone());
    if let Ok(v) = std::env::var("WASM_BENCH_USE_SMALL_WORKLOAD") {
        wc = wc.with_env("WASM_BENCH_USE_SMALL_WORKLOAD", v);
    }
    wasi::instantiate(&runtime, wc).map_err(|e| e.to_string())?;
    let marks: Arc<Mutex<(Option<f64>, Option<f64>)>> = Arc::default();
    let (a, b) = (marks.clone(), marks.clone());
    HostModuleBuilder::new("bench")
        .func("start", move || a.lock().unwrap().0 = Some(cpu_seconds()))
        .func("end", move || b.lock().unwrap().1 = Some(cpu_seconds()))
        .instantiate(&runtime)
        .map_err(|e| e.to_string())?;
    let module = runtime.compile(wasm).map_err(|e| format!("compile: {e}"))?;
    Ok(Box::new(move || {
        *marks.lock().unwrap() = (None, None);
        let (o0, e0) = (out.contents().len(), err.contents().len());
        let instance = runtime.instantiate(&module, ModuleConfig::new()).map_err(|e| format!("instantiate: {e}"))?;
        match wasi::run_start(&instance) {
            Ok(0) => {}
            Ok(code) => return Err(format!("exit code {code}")),
            Err(t) => return Err(format!("trap: {t}")),
        }
        check_output("stdout", &out.contents()[o0..], m.stdout.as_deref())?;
        check_output("stderr", &err.contents()[e0..], m.stderr.as_deref())?;
        let r = *marks.lock().unwrap();
        region(r)
    }))
}

/// The same on wasmi, with [`wasi_shim`].
fn wasmi_setup<'a>(wasm: &[u8], m: &'a Module) -> Result<SampleFn<'a>, String> {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, wasm).map_err(|e| format!("compile: {e}"))?;
    let mut linker = wasmi::Linker::<WasiState>::new(&engine);
    wasi_shim::define(&mut linker).map_err(|e| e.to_string())?;
    wasi_shim::define_rest(&mut linker, &module)?;
    Ok(Box::new(move || {
        let mut store = wasmi::Store::new(&engine, WasiState::new(&m.dir));
        let instance = linker.instantiate_and_start(&mut store, &module).map_err(|e| format!("instantiate: {e}"))?;
        let start = instance.get_typed_func::<(), ()>(&store, "_start").map_err(|e| e.to_string())?;
        match start.call(&mut store, ()) {
            Ok(()) => {}
            Err(e) => match e.i32_exit_status() {
                Some(0) => {}
                Some(code) => return Err(format!("exit code {code}")),
                None => return Err(format!("trap: {e}")),
            },
        }
        let s = store.data();
        check_output("stdout", &s.stdout, m.stdout.as_deref())?;
        check_output("stderr", &s.stderr, m.stderr.as_deref())?;
        region(s.marks)
    }))
}
