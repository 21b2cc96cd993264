//! `zerowasm-harness bench`: runs each benchmark on zerowasm's engines and on peer runtimes, in
//! one process, on the same input, and prints one line per (benchmark, runtime) plus the ratio of
//! every zerowasm engine to every peer:
//!
//! ```text
//! coremark: zerowasm-interpreter 812.35
//! coremark: wasmi 1650.10
//! coremark: ratio zerowasm-interpreter/wasmi 0.492
//! ```
//!
//! Inputs come from the shared benchmark folder (`bench/` beside the checkout, see
//! `../shared/bench/BENCHMARKS.md`), overridable with `$ZEROWASM_BENCH`.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;
use zerowasm::{HostModuleBuilder, ModuleConfig, Runtime, RuntimeConfig};

/// Measures one runtime on a benchmark's input: returns the benchmark's figure.
type RunFn = fn(&[u8]) -> Result<f64, String>;

/// One runtime a benchmark is measured on.
struct Runner {
    /// The name printed in the results, e.g. `zerowasm-interpreter` or `wasmi`.
    runtime: &'static str,
    /// Whether this is one of zerowasm's engines (the numerators of the ratios) or a peer.
    zerowasm: bool,
    run: RunFn,
}

/// A benchmark: an input module and the runtimes it is measured on.
struct Benchmark {
    name: &'static str,
    /// The module, relative to the benchmark folder.
    file: &'static str,
    /// What the figure is, for the header line.
    figure: &'static str,
    runners: &'static [Runner],
}

const BENCHMARKS: &[Benchmark] = &[Benchmark {
    name: "coremark",
    file: "wasmi-benchmarks/coremark.wasm",
    figure: "CoreMark 1.0 score, higher is better; about 10 s per runtime",
    runners: &[
        Runner {
            runtime: "zerowasm-interpreter",
            zerowasm: true,
            run: |wasm| coremark_zerowasm(RuntimeConfig::interpreter(), wasm),
        },
        Runner {
            runtime: "zerowasm-compiler",
            zerowasm: true,
            run: |wasm| {
                if !zerowasm::EngineKind::Compiler.is_available() {
                    return Err("the Compiler is not available on this host".into());
                }
                coremark_zerowasm(RuntimeConfig::compiler(), wasm)
            },
        },
        Runner { runtime: "wasmi", zerowasm: false, run: coremark_wasmi },
    ],
}];

/// The benchmark folder: `$ZEROWASM_BENCH`, else `../shared/bench` beside the workspace.
fn bench_dir() -> PathBuf {
    match std::env::var_os("ZEROWASM_BENCH") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench"),
    }
}

/// Runs every benchmark, or only the one called `only`, printing results as they come.
///
/// Errors: an unknown benchmark name, a missing input, or the list of runtimes that failed
/// (the others still run and print).
pub fn run(only: Option<String>) -> Result<(), String> {
    let selected: Vec<&Benchmark> =
        BENCHMARKS.iter().filter(|b| only.as_deref().is_none_or(|n| n == b.name)).collect();
    if selected.is_empty() {
        let known: Vec<&str> = BENCHMARKS.iter().map(|b| b.name).collect();
        return Err(format!(
            "unknown benchmark {:?}; known: {}",
            only.unwrap_or_default(),
            known.join(", ")
        ));
    }
    let dir = bench_dir();
    let dir = dir.canonicalize().unwrap_or(dir);
    let mut failures = Vec::new();
    for bench in selected {
        let path = dir.join(bench.file);
        let wasm = std::fs::read(&path).map_err(|e| {
            format!("{}: cannot read {} ({e}); set ZEROWASM_BENCH to the benchmark folder", bench.name, path.display())
        })?;
        eprintln!("{}: {} ({})", bench.name, bench.figure, path.display());
        let mut figures = Vec::new();
        for runner in bench.runners {
            match (runner.run)(&wasm) {
                Ok(x) => {
                    println!("{}: {} {x:.2}", bench.name, runner.runtime);
                    figures.push((runner, x));
                }
                Err(e) => {
                    eprintln!("{}: {} failed: {e}", bench.name, runner.runtime);
                    failures.push(format!("{}/{}", bench.name, runner.runtime));
                }
            }
            let _ = std::io::stdout().flush();
        }
        for (ours, x) in figures.iter().filter(|(r, _)| r.zerowasm) {
            for (peer, y) in figures.iter().filter(|(r, _)| !r.zerowasm) {
                println!("{}: ratio {}/{} {:.3}", bench.name, ours.runtime, peer.runtime, x / y);
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("failed: {}", failures.join(", ")))
    }
}

/// Milliseconds since `start`, as CoreMark's `env.clock_ms` returns them (wrapping).
fn clock_ms(start: Instant) -> i32 {
    start.elapsed().as_millis() as i32
}

/// A CoreMark score must be a positive number; anything else means the run went wrong.
fn check_score(score: f32) -> Result<f64, String> {
    if score.is_finite() && score > 0.0 {
        Ok(score.into())
    } else {
        Err(format!("CoreMark returned an invalid score {score}"))
    }
}

fn coremark_zerowasm(config: RuntimeConfig, wasm: &[u8]) -> Result<f64, String> {
    let runtime = Runtime::with_config(config);
    let start = Instant::now();
    HostModuleBuilder::new("env")
        .func("clock_ms", move || clock_ms(start))
        .instantiate(&runtime)
        .map_err(|e| e.to_string())?;
    let module = runtime.compile(wasm).map_err(|e| format!("compile: {e}"))?;
    let instance =
        runtime.instantiate(&module, ModuleConfig::new()).map_err(|e| format!("instantiate: {e}"))?;
    let run = instance
        .func("run")
        .ok_or("no exported function `run`")?
        .typed::<(), f32>()
        .map_err(|e| e.to_string())?;
    check_score(run.call(()).map_err(|e| format!("run: {e}"))?)
}

fn coremark_wasmi(wasm: &[u8]) -> Result<f64, String> {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, wasm).map_err(|e| format!("compile: {e}"))?;
    let mut store = wasmi::Store::new(&engine, ());
    let mut linker = wasmi::Linker::<()>::new(&engine);
    let start = Instant::now();
    linker.func_wrap("env", "clock_ms", move || clock_ms(start)).map_err(|e| e.to_string())?;
    let instance = linker
        .instantiate_and_start(&mut store, &module)
        .map_err(|e| format!("instantiate: {e}"))?;
    let run = instance.get_typed_func::<(), f32>(&store, "run").map_err(|e| e.to_string())?;
    check_score(run.call(&mut store, ()).map_err(|e| format!("run: {e}"))?)
}
