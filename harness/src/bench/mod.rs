//! `zerowasm-harness bench`: CoreMark, the sightglass execution benchmarks, whole programs (the
//! C programs of `bench/c/` and the corpus's long-running ones), startup (compile and
//! instantiate), micro-benchmarks, calls from several threads (concurrency) and the CLI's
//! start time, on zerowasm's engines and on peer runtimes, in one run. Writes `reports/<os>-<arch>/bench.json` and `bench.md`.
//!
//! Peers: wasmi runs in-process (the `wasmi` crate, with its default configuration); wasmtime
//! and wasm3 run in a Python process each (`scripts/bench_peer.py`, driving the `wasmtime` and
//! `pywasm3` packages that `make bench-peers` installs), given the same module and the same
//! imports. A peer that is not installed is reported as missing, never as slower.
//!
//! Method: every figure is the median of several samples with its spread; the runtimes take
//! turns sample by sample, so load from other processes spreads over all of them. Execution
//! timings (CoreMark's clock, the sightglass region, bulk memory, calls) use the process's CPU
//! time, which other processes on a shared machine do not inflate; compile times use wall time,
//! since compilers may use several threads, and so does the concurrency group, whose threads
//! add up CPU time.
//!
//! Inputs: the shared benchmark folder (`$ZEROWASM_BENCH`, default `../shared/bench`, see its
//! BENCHMARKS.md), the workspace's C programs (`bench/c/`) and the corpus programs
//! (`$ZEROWASM_CORPUS`).

pub mod cli;
pub mod concurrency;
pub mod coremark;
pub mod micro;
pub mod peer;
pub mod profile;
pub mod programs;
pub mod report;
pub mod sightglass;
pub mod startup;
pub mod stats;
pub mod wasi_shim;

use crate::spectest::Engine;
use report::Report;
use stats::Metric;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What `zerowasm-harness bench` runs.
pub struct Options {
    /// zerowasm engines to measure.
    pub engines: Vec<Engine>,
    /// Only the groups or benchmarks whose name contains one of these (empty: everything).
    pub only: Vec<String>,
    /// Also run wasmtime and wasm3 (through `scripts/bench_peer.py`).
    pub peers: bool,
    /// Samples per figure (default per group).
    pub rounds: Option<usize>,
    /// The reports root (default: the workspace's `reports/`). The report is written when
    /// nothing is filtered out with `only`, or when this is given: then the benchmarks
    /// measured replace theirs in the report there (every runtime of a benchmark comes from
    /// the same run), and the others are kept.
    pub report: Option<PathBuf>,
}

/// The benchmark folder: `$ZEROWASM_BENCH`, else `../shared/bench` beside the workspace.
pub fn bench_dir() -> PathBuf {
    let dir = match std::env::var_os("ZEROWASM_BENCH") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace().join("../shared/bench"),
    };
    dir.canonicalize().unwrap_or(dir)
}

/// The workspace root (where scripts/ and .peers/ are).
pub fn workspace() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    p.canonicalize().unwrap_or(p)
}

/// The name of a zerowasm engine in the reports.
pub fn engine_runtime(e: Engine) -> &'static str {
    match e {
        Engine::Interpreter => "zerowasm-interpreter",
        Engine::Compiler => "zerowasm-compiler",
    }
}

/// The configuration of a zerowasm engine, or why it cannot run here.
pub fn engine_config(e: Engine) -> Result<zerowasm::RuntimeConfig, String> {
    match e {
        Engine::Interpreter => Ok(zerowasm::RuntimeConfig::interpreter()),
        Engine::Compiler if zerowasm::EngineKind::Compiler.is_available() => Ok(zerowasm::RuntimeConfig::compiler()),
        Engine::Compiler => Err("the Compiler is not available on this host".into()),
    }
}

/// CPU time of this process, in seconds (`CLOCK_PROCESS_CPUTIME_ID`).
pub fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Wall-clock seconds since `t`.
pub fn wall_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

/// One sample of a benchmark's figures on one runtime: one value per row of the benchmark
/// (`NaN` for a row this runtime does not measure).
pub type SampleFn<'a> = Box<dyn FnMut() -> Result<Vec<f64>, String> + 'a>;

/// A runtime taking part in a benchmark.
pub struct Contender<'a> {
    /// Its name in the report.
    pub runtime: String,
    /// How to take a sample, or (status, reason) when it cannot run this benchmark.
    pub run: Result<SampleFn<'a>, (String, String)>,
    /// Why a row it gives `NaN` for has no figure.
    pub na_reason: Option<(String, String)>,
}

impl<'a> Contender<'a> {
    /// A runtime that can run the benchmark.
    pub fn new(runtime: &str, f: impl FnMut() -> Result<Vec<f64>, String> + 'a) -> Self {
        Contender { runtime: runtime.into(), run: Ok(Box::new(f)), na_reason: None }
    }
    /// A runtime that cannot: `status` is `missing`, `failed`, `unsupported`, `not available
    /// yet` or `not comparable`.
    pub fn unavailable(runtime: &str, status: &str, reason: impl Into<String>) -> Self {
        Contender { runtime: runtime.into(), run: Err((status.into(), reason.into())), na_reason: None }
    }
    /// From the result of setting the runtime up: an error means it failed.
    pub fn setup(runtime: &str, r: Result<SampleFn<'a>, String>) -> Self {
        match r {
            Ok(f) => Contender { runtime: runtime.into(), run: Ok(f), na_reason: None },
            Err(e) => Self::unavailable(runtime, "failed", e),
        }
    }
    /// Says why the rows this runtime gives `NaN` for have no figure.
    pub fn with_na(mut self, status: &str, reason: impl Into<String>) -> Self {
        self.na_reason = Some((status.into(), reason.into()));
        self
    }
}

/// One benchmark: its rows (benchmark name, metric) share each sample.
pub struct Bench<'r> {
    /// The report group.
    pub group: &'r str,
    /// The rows: (benchmark, metric).
    pub rows: Vec<(String, Metric)>,
    /// Samples per runtime.
    pub rounds: usize,
    /// One untimed sample per runtime first.
    pub warmup: bool,
    /// Stop after the first round when it took longer than this many wall seconds (all
    /// runtimes together): such figures have a single sample, and say so (`runs`).
    pub long_round: Option<f64>,
}

/// Takes `bench.rounds` samples of every contender, taking turns, and records the figures (or
/// why there are none) in `report`. A contender whose sample fails is recorded as failed and
/// takes no further turns.
pub fn measure(report: &mut Report, bench: &Bench<'_>, contenders: Vec<Contender<'_>>) {
    struct Live<'a> {
        runtime: String,
        f: SampleFn<'a>,
        samples: Vec<Vec<f64>>,
        failed: Option<String>,
        na: Option<(String, String)>,
    }
    let mut live = Vec::new();
    for c in contenders {
        match c.run {
            Ok(f) => live.push(Live { runtime: c.runtime, f, samples: Vec::new(), failed: None, na: c.na_reason }),
            Err((status, reason)) => {
                eprintln!("  {}: {status}: {}", c.runtime, first_line(&reason));
                for (b, _) in &bench.rows {
                    report.unavailable(bench.group, b, &c.runtime, &status, &reason);
                }
            }
        }
    }
    let first = &bench.rows[0].0;
    for round in 0..bench.rounds + bench.warmup as usize {
        let t = Instant::now();
        for l in live.iter_mut().filter(|l| l.failed.is_none()) {
            match (l.f)() {
                Ok(v) if v.len() == bench.rows.len() => {
                    if round > 0 || !bench.warmup {
                        eprintln!("  {first} {}: {}", l.runtime, v.iter().map(|x| report::num(*x)).collect::<Vec<_>>().join(" "));
                        l.samples.push(v);
                    }
                }
                Ok(v) => l.failed = Some(format!("internal error: {} figures for {} rows", v.len(), bench.rows.len())),
                Err(e) => {
                    eprintln!("  {first} {}: failed: {}", l.runtime, first_line(&e));
                    l.failed = Some(e);
                }
            }
        }
        if round == bench.warmup as usize && bench.long_round.is_some_and(|s| wall_since(t) > s) {
            eprintln!("  {first}: one round took {:.0} s: one sample each", wall_since(t));
            break;
        }
    }
    for l in live {
        if let Some(e) = &l.failed {
            for (b, _) in &bench.rows {
                report.unavailable(bench.group, b, &l.runtime, "failed", e);
            }
            continue;
        }
        for (i, (b, metric)) in bench.rows.iter().enumerate() {
            let xs: Vec<f64> = l.samples.iter().map(|s| s[i]).collect();
            if xs.iter().all(|x| x.is_nan()) {
                let (status, reason) = l.na.clone().unwrap_or(("unsupported".into(), "not measured on this runtime".into()));
                report.unavailable(bench.group, b, &l.runtime, &status, &reason);
            } else {
                report.add(bench.group, b, &l.runtime, *metric, &xs);
            }
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// Whether `name` (a group or a benchmark) is selected by `only`.
pub fn selected(only: &[String], group: &str, benchmark: &str) -> bool {
    only.is_empty() || only.iter().any(|o| o == group || benchmark.contains(o.as_str()))
}

/// Runs the benchmarks. Returns the process exit status: 0 when the run completed (figures
/// that could not be measured are in the report, not errors), 2 for bad inputs.
pub fn command(opts: &Options) -> i32 {
    let dir = bench_dir();
    if !dir.join("wasmi-benchmarks").is_dir() && !dir.join("sightglass").is_dir() {
        eprintln!("bench: no benchmarks in {}; set ZEROWASM_BENCH to the benchmark folder", dir.display());
        return 2;
    }
    let mut report = Report::new();
    let mut peers = peer::Peers::start(opts.peers);
    report.peers = peers.describe();
    for p in &report.peers {
        eprintln!("peer {}: {} ({})", p.runtime, p.status, p.detail);
    }
    report.cpu = cpu_model();
    report.conditions.push(format!(
        "Machine: {}, {} CPUs, load average at start {}. Execution figures use process CPU time; compile, startup, concurrency and CLI figures use wall time.",
        report.cpu,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        load_average()
    ));
    let ctx = Ctx { dir: &dir, engines: &opts.engines, only: &opts.only, rounds: opts.rounds };
    let t = Instant::now();
    coremark::run(&ctx, &mut peers, &mut report);
    sightglass::run(&ctx, &mut peers, &mut report);
    programs::run(&ctx, &mut peers, &mut report);
    startup::run(&ctx, &mut peers, &mut report);
    micro::run(&ctx, &mut peers, &mut report);
    concurrency::run(&ctx, &mut report);
    cli::run(&ctx, &mut report);
    report.conditions.push(format!(
        "The run took {:.0} s; load average at the end {}.",
        t.elapsed().as_secs_f64(),
        load_average()
    ));
    report.compute_ratios();
    report.compute_targets();
    print_summary(&report);
    if opts.only.is_empty() || opts.report.is_some() {
        let rdir = crate::spectest::report::report_dir(opts.report.as_deref());
        if !opts.only.is_empty() {
            if let Some(old) = std::fs::read_to_string(rdir.join("bench.json")).ok().and_then(|j| serde_json::from_str::<Report>(&j).ok()) {
                report = report::merge(old, report);
            }
        }
        match report::write(&rdir, &report) {
            Ok((j, m)) => println!("reports: {} and {}", j.display(), m.display()),
            Err(e) => {
                eprintln!("bench: cannot write the report: {e}");
                return 1;
            }
        }
    } else {
        println!("report not written: --only selects part of the benchmarks (give --report DIR to write it)");
    }
    0
}

/// What every group needs.
pub struct Ctx<'a> {
    /// The benchmark folder.
    pub dir: &'a Path,
    /// zerowasm engines to run.
    pub engines: &'a [Engine],
    /// `--only` filters.
    pub only: &'a [String],
    /// `--rounds`.
    pub rounds: Option<usize>,
}

/// The CPU's model name from /proc/cpuinfo (`model name`, else `Processor` or `cpu model` on
/// hosts that name it so), or `unknown CPU`.
pub fn cpu_model() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    ["model name", "Processor", "cpu model", "uarch"]
        .iter()
        .find_map(|key| {
            info.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                (k.trim() == *key && !v.trim().is_empty()).then(|| v.trim().to_string())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn print_summary(r: &Report) {
    for x in &r.ratios {
        println!("{}: ratio {}/{} {:.3} ({})", x.benchmark, x.runtime, x.peer, x.speedup, x.metric.unit());
    }
    for g in &r.geomeans {
        println!("{} geomean: {}/{} {:.3} over {} of {} benchmarks", g.group, g.runtime, g.peer, g.speedup, g.benchmarks, g.benchmarks + g.left_out.len());
    }
    for t in &r.targets {
        let met = match t.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "not measured",
        };
        if t.met.is_some() {
            println!("target {}: {met}: {}", t.name, t.detail);
        } else {
            println!("target {}: {}", t.name, t.detail);
        }
    }
}
