//! Startup: how long a module takes to compile and instantiate (wall time, compilers may use
//! several threads), and the compile throughput in MB/s of module bytes, for the
//! wasmi-benchmarks modules bz2, pulldown-cmark and spidermonkey, plus the largest module in
//! the benchmark and corpus folders. The cache-hit row is the time to load a module that was
//! compiled before (wasmtime: `Module.deserialize`; zerowasm: its CompilationCache, once it
//! exists).
//!
//! wasmi validates eagerly but translates each function on its first call (its default
//! `CompilationMode::LazyTranslation`), so its compile figure is not a full translation, and
//! the report says so; wasm3 only parses, so it is left out as not comparable.

use super::peer::Peers;
use super::report::Report;
use super::stats::Metric;
use super::wasi_shim::{self, WasiState};
use super::{engine_config, engine_runtime, measure, selected, wall_since, Bench, Contender, Ctx};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Instant;
use zerowasm::wasi::{self, WasiConfig};
use crate::spectest::Engine;
use zerowasm::{HostModuleBuilder, ModuleConfig, Runtime};

/// Samples per runtime by default.
const ROUNDS: usize = 3;

/// The modules the issue names, in `wasmi-benchmarks/`.
const MODULES: [&str; 3] = ["bz2", "pulldown-cmark", "spidermonkey"];

/// The largest `.wasm` file under the given folders (recursively).
pub fn largest_module(dirs: &[PathBuf]) -> Option<(PathBuf, u64)> {
    fn walk(d: &Path, best: &mut Option<(PathBuf, u64)>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, best);
            } else if p.extension().is_some_and(|x| x == "wasm") {
                let n = e.metadata().map(|m| m.len()).unwrap_or(0);
                if best.as_ref().is_none_or(|(_, b)| n > *b) {
                    *best = Some((p, n));
                }
            }
        }
    }
    let mut best = None;
    for d in dirs {
        walk(d, &mut best);
    }
    best
}

/// The startup modules: (name, path, note).
fn modules(ctx: &Ctx<'_>) -> Vec<(String, PathBuf)> {
    let mut v: Vec<(String, PathBuf)> =
        MODULES.iter().map(|n| (n.to_string(), ctx.dir.join(format!("wasmi-benchmarks/{n}.wasm")))).collect();
    let mut dirs = vec![ctx.dir.to_path_buf()];
    if let Some(c) = crate::wasi::programs::corpus_dir(None) {
        dirs.push(c);
    }
    // The largest module overall, and the largest real program of the corpus (the one the
    // compilation cache's speed-up is judged on).
    let mut largest = vec![largest_module(&dirs)];
    if let Some(corpus) = dirs.get(1) {
        largest.push(largest_module(std::slice::from_ref(corpus)));
    }
    for (p, _) in largest.into_iter().flatten() {
        let p = p.canonicalize().unwrap_or(p);
        if !v.iter().any(|(_, q)| q.canonicalize().ok().as_ref() == Some(&p)) {
            let name = dirs
                .iter()
                .find_map(|d| p.strip_prefix(d.canonicalize().unwrap_or(d.clone())).ok())
                .map(|r| r.display().to_string())
                .unwrap_or_else(|| p.display().to_string());
            v.push((name, p));
        }
    }
    v
}

/// Measures startup on every engine and peer.
pub fn run(ctx: &Ctx<'_>, peers: &mut Peers, report: &mut Report) {
    let mut dirs = vec![ctx.dir.to_path_buf()];
    if let Some(c) = crate::wasi::programs::corpus_dir(None) {
        dirs.push(c);
    }
    let mut ran = false;
    for (name, path) in modules(ctx) {
        let rows = vec![
            (format!("startup/{name}"), Metric::Seconds),
            (format!("compile/{name}"), Metric::MBps),
            (format!("cache-hit/{name}"), Metric::Seconds),
        ];
        if !rows.iter().any(|(b, _)| selected(ctx.only, "startup", b)) {
            continue;
        }
        eprintln!("startup/{name}: {}", path.display());
        ran = true;
        let wasm = match std::fs::read(&path) {
            Ok(w) => w,
            Err(e) => {
                report.unavailable("startup", &format!("startup/{name}"), "all", "failed", &format!("cannot read {}: {e}", path.display()));
                continue;
            }
        };
        let mb = wasm.len() as f64 / 1e6;
        let mut cs: Vec<Contender<'_>> = Vec::new();
        for &e in ctx.engines {
            let wasm = &wasm;
            cs.push(match engine_config(e) {
                Ok(config) => Contender::new(engine_runtime(e), move || {
                    let runtime = Runtime::with_config(config.clone());
                    wasi::instantiate(&runtime, WasiConfig::new()).map_err(|e| e.to_string())?;
                    HostModuleBuilder::new("bench").func("start", || {}).func("end", || {}).instantiate(&runtime).map_err(|e| e.to_string())?;
                    let t = Instant::now();
                    let module = runtime.compile(wasm).map_err(|e| format!("compile: {e}"))?;
                    let compiled = wall_since(t);
                    runtime.instantiate(&module, ModuleConfig::new()).map_err(|e| format!("instantiate: {e}"))?;
                    let total = wall_since(t);
                    let hit = if e == Engine::Compiler { zerowasm_cache_hit(&config, wasm)? } else { f64::NAN };
                    Ok(vec![total, mb / compiled, hit])
                })
                .with_na("unsupported", "the Interpreter's CompilationCache is in memory only (translating is cheap); the Compiler's row is a hit on disk"),
                Err(why) => Contender::unavailable(engine_runtime(e), "unsupported", why),
            });
        }
        let wasm_ref = &wasm;
        let dir = ctx.dir.to_path_buf();
        cs.push(
            Contender::new("wasmi", move || {
                let engine = wasmi::Engine::default();
                let mut linker = wasmi::Linker::<WasiState>::new(&engine);
                wasi_shim::define(&mut linker).map_err(|e| e.to_string())?;
                let mut store = wasmi::Store::new(&engine, WasiState::new(&dir));
                let t = Instant::now();
                let module = wasmi::Module::new(&engine, wasm_ref).map_err(|e| format!("compile: {e}"))?;
                let compiled = wall_since(t);
                wasi_shim::define_rest(&mut linker, &module)?;
                linker.instantiate_and_start(&mut store, &module).map_err(|e| format!("instantiate: {e}"))?;
                Ok(vec![wall_since(t), mb / compiled, f64::NAN])
            })
            .with_na("unsupported", "wasmi has no serialized-module cache"),
        );
        let p = path.clone();
        cs.extend(peers.contenders(|peer| {
            if peer == "wasm3" {
                return Err((
                    "not comparable".into(),
                    "wasm3 only parses a module when it loads it and translates each function on its first call: there is no compile step to time".into(),
                ));
            }
            let p = p.clone();
            Ok(Box::new(move |proc| {
                let v = proc.call(json!({"task": "startup", "wasm": p}))?;
                let f = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
                Ok(vec![f("compile") + f("instantiate"), mb / f("compile"), f("cache_hit")])
            }))
        }));
        let bench = Bench { group: "startup", rows, rounds: ctx.rounds.unwrap_or(ROUNDS), warmup: false, long_round: None };
        measure(report, &bench, cs);
    }
    if !ran {
        return;
    }
    if let Some((p, n)) = largest_module(&dirs) {
        let shown = dirs.iter().find_map(|d| p.strip_prefix(d).ok()).map(|r| r.display().to_string()).unwrap_or_else(|| p.display().to_string());
        report.conditions.push(format!(
            "The largest module in the benchmark and corpus folders is {shown} ({n} bytes): its compile throughput is the `compile/<its name>` row."
        ));
    }
    report.conditions.push(
        "Startup: wasmi (default `LazyTranslation`) validates eagerly but translates function bodies on first call, so its compile figures cover decoding and validation, not a full translation; wasm3 has no compile step at all and is left out.".into(),
    );
}

/// The time, in seconds, `Runtime::compile` takes for `wasm` when a `CompilationCache` on disk
/// already holds it and the process has not seen it yet (as for a second `zerowasm run
/// --cache-dir`): the cache is filled through one runtime, then a fresh cache object on the
/// same directory serves a fresh runtime.
pub fn zerowasm_cache_hit(config: &zerowasm::RuntimeConfig, wasm: &[u8]) -> Result<f64, String> {
    static SAMPLE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = SAMPLE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("zerowasm-bench-cache-{}-{n}", std::process::id()));
    let result = (|| {
        let fill = zerowasm::CompilationCache::with_dir(&dir).map_err(|e| format!("cache dir: {e}"))?;
        Runtime::with_config(config.clone().with_compilation_cache(fill)).compile(wasm).map_err(|e| e.to_string())?;
        let cache = zerowasm::CompilationCache::with_dir(&dir).map_err(|e| format!("cache dir: {e}"))?;
        let runtime = Runtime::with_config(config.clone().with_compilation_cache(cache.clone()));
        let t = Instant::now();
        runtime.compile(wasm).map_err(|e| e.to_string())?;
        let hit = wall_since(t);
        if cache.stats().disk_hits != 1 {
            return Err(format!("expected a cache hit, got {:?}", cache.stats()));
        }
        Ok(hit)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}
