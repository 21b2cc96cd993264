//! CoreMark 1.0 (`wasmi-benchmarks/coremark.wasm`): import `env.clock_ms: [] -> [i32]`, call
//! `run: [] -> [f32]`; the result is the score (higher is better). The module calibrates its
//! own iteration count against the clock, so each sample takes about 10 s whatever the speed.
//! The clock given to every runtime is the process's CPU time in milliseconds.

use super::peer::Peers;
use super::report::Report;
use super::stats::Metric;
use super::{cpu_seconds, engine_config, engine_runtime, measure, selected, Bench, Contender, Ctx};
use serde_json::json;
use zerowasm::{HostModuleBuilder, ModuleConfig, Runtime, RuntimeConfig};

/// Samples per runtime by default: 7, not 3 as elsewhere. On a shared machine single CoreMark
/// samples move by 15% either way, and with 3 the median was off by up to 10% from a 7-sample
/// rerun (session notes in RATIONALE.md); the cost is about 4 minutes more per `make bench`.
const ROUNDS: usize = 7;

/// CPU milliseconds since `start` (a CPU time in seconds), wrapping as an i32.
fn clock_ms(start: f64) -> i32 {
    ((cpu_seconds() - start) * 1e3) as i64 as i32
}

/// A CoreMark score must be a positive number; anything else means the run went wrong.
fn check_score(score: f64) -> Result<Vec<f64>, String> {
    if score.is_finite() && score > 0.0 {
        Ok(vec![score])
    } else {
        Err(format!("CoreMark returned an invalid score {score}"))
    }
}

/// Runs CoreMark on every engine and peer.
pub fn run(ctx: &Ctx<'_>, peers: &mut Peers, report: &mut Report) {
    if !selected(ctx.only, "coremark", "coremark") {
        return;
    }
    let path = ctx.dir.join("wasmi-benchmarks/coremark.wasm");
    eprintln!("coremark: {}", path.display());
    let wasm = match std::fs::read(&path) {
        Ok(w) => w,
        Err(e) => {
            report.unavailable("coremark", "coremark", "all", "failed", &format!("cannot read {}: {e}", path.display()));
            return;
        }
    };
    let mut cs: Vec<Contender<'_>> = Vec::new();
    for &e in ctx.engines {
        let wasm = &wasm;
        cs.push(match engine_config(e) {
            Ok(config) => Contender::new(engine_runtime(e), move || zerowasm_sample(config.clone(), wasm)),
            Err(why) => Contender::unavailable(engine_runtime(e), "unsupported", why),
        });
    }
    cs.push(Contender::new("wasmi", || wasmi_sample(&wasm)));
    let p = path.display().to_string();
    cs.extend(peers.contenders(|_| {
        let p = p.clone();
        Ok(Box::new(move |proc| check_score(proc.call(json!({"task": "coremark", "wasm": p}))?["value"].as_f64().unwrap_or(f64::NAN))))
    }));
    let bench = Bench { group: "coremark", rows: vec![("coremark".into(), Metric::Score)], rounds: ctx.rounds.unwrap_or(ROUNDS), warmup: false, long_round: None };
    measure(report, &bench, cs);
}

/// One CoreMark run on a zerowasm engine: its score.
pub fn zerowasm_sample(config: RuntimeConfig, wasm: &[u8]) -> Result<Vec<f64>, String> {
    let runtime = Runtime::with_config(config);
    let start = cpu_seconds();
    HostModuleBuilder::new("env")
        .func("clock_ms", move || clock_ms(start))
        .instantiate(&runtime)
        .map_err(|e| e.to_string())?;
    let module = runtime.compile(wasm).map_err(|e| format!("compile: {e}"))?;
    let instance = runtime.instantiate(&module, ModuleConfig::new()).map_err(|e| format!("instantiate: {e}"))?;
    let run = instance.func("run").ok_or("no exported function `run`")?.typed::<(), f32>().map_err(|e| e.to_string())?;
    check_score(run.call(()).map_err(|e| format!("run: {e}"))?.into())
}

fn wasmi_sample(wasm: &[u8]) -> Result<Vec<f64>, String> {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, wasm).map_err(|e| format!("compile: {e}"))?;
    let mut store = wasmi::Store::new(&engine, ());
    let mut linker = wasmi::Linker::<()>::new(&engine);
    let start = cpu_seconds();
    linker.func_wrap("env", "clock_ms", move || clock_ms(start)).map_err(|e| e.to_string())?;
    let instance = linker.instantiate_and_start(&mut store, &module).map_err(|e| format!("instantiate: {e}"))?;
    let run = instance.get_typed_func::<(), f32>(&store, "run").map_err(|e| e.to_string())?;
    check_score(run.call(&mut store, ()).map_err(|e| format!("run: {e}"))?.into())
}
