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
    /// The module.
    input: Input,
    /// What the figure is, for the header line.
    figure: &'static str,
    runners: &'static [Runner],
}

/// Where a benchmark's module comes from.
enum Input {
    /// A file relative to the benchmark folder.
    File(&'static str),
    /// A module in the text format, written here.
    Wat(&'static str),
}

/// 128 MiB of memory; `copy`/`fill` run `n` times on 64 MiB of it and return nothing.
const BULK_WAT: &str = r#"(module
  (memory 2048 2048)
  (func (export "copy") (param $n i32)
    (loop $l
      (memory.copy (i32.const 0x4000000) (i32.const 0) (i32.const 0x4000000))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "fill") (param $n i32)
    (loop $l
      (memory.fill (i32.const 0) (local.get $n) (i32.const 0x4000000))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))"#;

/// Bytes one `copy`/`fill` iteration moves: 64 MiB.
const BULK_BYTES: f64 = (64 << 20) as f64;

const BENCHMARKS: &[Benchmark] = &[
    Benchmark {
        name: "memory-copy",
        input: Input::Wat(BULK_WAT),
        figure: "MB/s of a 64 MiB memory.copy, higher is better; against Rust's copy_within",
        runners: &[
            Runner { runtime: "zerowasm-interpreter", zerowasm: true, run: |wasm| bulk_zerowasm(RuntimeConfig::interpreter(), wasm, "copy") },
            Runner { runtime: "rust-copy_within", zerowasm: false, run: |_| bulk_native("copy") },
        ],
    },
    Benchmark {
        name: "memory-fill",
        input: Input::Wat(BULK_WAT),
        figure: "MB/s of a 64 MiB memory.fill, higher is better; against Rust's slice fill",
        runners: &[
            Runner { runtime: "zerowasm-interpreter", zerowasm: true, run: |wasm| bulk_zerowasm(RuntimeConfig::interpreter(), wasm, "fill") },
            Runner { runtime: "rust-fill", zerowasm: false, run: |_| bulk_native("fill") },
        ],
    },
    Benchmark {
    name: "coremark",
    input: Input::File("wasmi-benchmarks/coremark.wasm"),
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
},
];

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
        let (wasm, from) = match bench.input {
            Input::File(file) => {
                let path = dir.join(file);
                let wasm = std::fs::read(&path).map_err(|e| {
                    format!("{}: cannot read {} ({e}); set ZEROWASM_BENCH to the benchmark folder", bench.name, path.display())
                })?;
                (wasm, path.display().to_string())
            }
            Input::Wat(text) => (wat::parse_str(text).map_err(|e| format!("{}: {e}", bench.name))?, "inline module".into()),
        };
        eprintln!("{}: {} ({from})", bench.name, bench.figure);
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

/// Timed runs per figure; the median is reported.
const BULK_RUNS: usize = 5;

/// MB/s from the median of `BULK_RUNS` timings of `f`, each moving `BULK_BYTES`, after one
/// untimed run that faults the pages in.
fn bulk_rate(mut f: impl FnMut() -> Result<(), String>) -> Result<f64, String> {
    f()?;
    let mut secs = Vec::with_capacity(BULK_RUNS);
    for _ in 0..BULK_RUNS {
        let t = Instant::now();
        f()?;
        secs.push(t.elapsed().as_secs_f64());
    }
    secs.sort_by(f64::total_cmp);
    Ok(BULK_BYTES / 1e6 / secs[BULK_RUNS / 2])
}

/// `memory.copy`/`memory.fill` of 64 MiB in wasm (export `copy` or `fill` of [`BULK_WAT`]).
fn bulk_zerowasm(config: RuntimeConfig, wasm: &[u8], export: &str) -> Result<f64, String> {
    let runtime = Runtime::with_config(config);
    let module = runtime.compile(wasm).map_err(|e| format!("compile: {e}"))?;
    let instance =
        runtime.instantiate(&module, ModuleConfig::new()).map_err(|e| format!("instantiate: {e}"))?;
    let f = instance
        .func(export)
        .ok_or_else(|| format!("no exported function `{export}`"))?
        .typed::<i32, ()>()
        .map_err(|e| e.to_string())?;
    bulk_rate(|| f.call(1).map_err(|e| format!("{export}: {e}")))
}

/// The same operation on a Rust `Vec<u8>` of the same size: the speed to match.
fn bulk_native(op: &str) -> Result<f64, String> {
    let mut mem = vec![0u8; 2 * (64 << 20)];
    let half = 64 << 20;
    let mut byte = 0u8;
    bulk_rate(|| {
        match op {
            "copy" => mem.copy_within(0..half, half),
            _ => {
                byte = byte.wrapping_add(1);
                mem[..half].fill(byte);
            }
        }
        std::hint::black_box(&mut mem);
        Ok(())
    })
}
