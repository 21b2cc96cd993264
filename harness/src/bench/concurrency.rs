//! Concurrency: how calls into zerowasm scale with threads. A CPU-bound export (a loop of
//! dependent i32 arithmetic, a few ms per call on the Interpreter) is called for a fixed
//! wall-clock window from
//!
//! - `concurrency/one-runtime-1-thread`: 1 thread, one `Runtime`, one instance;
//! - `concurrency/one-runtime-2-threads`: 2 threads sharing one `Runtime` and one
//!   `CompiledModule`, each thread calling its own instance;
//! - `concurrency/runtime-per-thread-2-threads`: 2 threads, each with its own `Runtime`,
//!   module and instance (the parallel baseline);
//!
//! on each engine, and the figure is the calls completed by all threads per wall-clock second.
//! The two targets (in the report) ask a shared runtime to scale like separate ones.
//!
//! Fairness: every runtime, module and instance is made before any timing; each thread makes
//! one untimed call first, then all threads start together at a barrier; the window is the
//! same for every row; a call still running when the window closes is finished and counted,
//! and the elapsed time runs to the end of the last thread's last call. The three rows of a
//! sample are measured one after the other, and engines take turns sample by sample, so load
//! from other processes spreads over all of them.

use super::report::Report;
use super::stats::Metric;
use super::{engine_config, engine_runtime, measure, selected, Bench, Contender, Ctx, SampleFn};
use std::sync::Barrier;
use std::time::{Duration, Instant};
use zerowasm::{ModuleConfig, Runtime, RuntimeConfig, TypedFunc};

/// Samples per runtime by default.
const ROUNDS: usize = 5;

/// How long each row's threads call, per sample.
const WINDOW: Duration = Duration::from_millis(500);

/// The rows, in the order each sample measures them: (benchmark, threads, shared runtime).
const ROWS: [(&str, usize, bool); 3] = [
    ("concurrency/one-runtime-1-thread", 1, true),
    ("concurrency/one-runtime-2-threads", 2, true),
    ("concurrency/runtime-per-thread-2-threads", 2, false),
];

/// Loop iterations per call (six i32 operations each): about 3 ms on the Interpreter and 1 ms on
/// the Compiler, so the cost of entering a call is noise next to the work.
const ITERATIONS: i32 = 1_000_000;

/// `spin n`: `n` steps of `x = (x * 1664525 + 1013904223) ^ (x >> 13)` from `x = n`. Each step
/// depends on the last, so no engine can skip or overlap them; no memory, so the threads share
/// nothing but what the runtime itself shares.
const SPIN_WAT: &str = r#"(module
  (func (export "spin") (param $n i32) (result i32)
    (local $x i32)
    (local.set $x (local.get $n))
    (loop $l
      (local.set $x
        (i32.xor
          (i32.add (i32.mul (local.get $x) (i32.const 1664525)) (i32.const 1013904223))
          (i32.shr_u (local.get $x) (i32.const 13))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $x)))"#;

/// What `spin n` returns, computed in Rust: every call's result is checked against it.
fn spin_expected(n: i32) -> i32 {
    let mut x = n as u32;
    for _ in 0..n {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223) ^ (x >> 13);
    }
    x as i32
}

/// Measures the three rows on every engine.
pub fn run(ctx: &Ctx<'_>, report: &mut Report) {
    if !ROWS.iter().any(|(b, _, _)| selected(ctx.only, "concurrency", b)) {
        return;
    }
    let rounds = ctx.rounds.unwrap_or(ROUNDS);
    let wasm = wat::parse_str(SPIN_WAT).expect("the concurrency module is valid");
    eprintln!(
        "concurrency: spin({ITERATIONS}) for {} ms per row, {} CPUs",
        WINDOW.as_millis(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    let mut cs = Vec::new();
    for &e in ctx.engines {
        cs.push(match engine_config(e) {
            Ok(config) => Contender::setup(engine_runtime(e), zerowasm_rows(config, &wasm)),
            Err(why) => Contender::unavailable(engine_runtime(e), "unsupported", why),
        });
    }
    let rows = ROWS.iter().map(|(b, _, _)| (b.to_string(), Metric::CallsPerSec)).collect();
    measure(report, &Bench { group: "concurrency", rows, rounds, warmup: true, long_round: None }, cs);
}

type Spin = TypedFunc<i32, i32>;

/// A new instance of the module in `runtime`, and its `spin`.
fn spin(runtime: &Runtime, module: &zerowasm::CompiledModule) -> Result<Spin, String> {
    let instance = runtime.instantiate(module, ModuleConfig::new()).map_err(|e| format!("instantiate: {e}"))?;
    instance.func("spin").ok_or("no spin export")?.typed::<i32, i32>().map_err(|e| e.to_string())
}

/// One runtime with one compiled module and `instances` instances of it.
fn one_runtime(config: &RuntimeConfig, wasm: &[u8], instances: usize) -> Result<Vec<Spin>, String> {
    let runtime = Runtime::with_config(config.clone());
    let module = runtime.compile(wasm).map_err(|e| format!("compile: {e}"))?;
    (0..instances).map(|_| spin(&runtime, &module)).collect()
}

/// Sets up every row's runtimes once (each row its own, so rows do not share a store), and
/// returns a sample function measuring the rows in order.
fn zerowasm_rows<'a>(config: RuntimeConfig, wasm: &[u8]) -> Result<SampleFn<'a>, String> {
    let mut setups: Vec<Vec<Spin>> = Vec::new();
    for (_, threads, shared) in ROWS {
        setups.push(if shared {
            one_runtime(&config, wasm, threads)?
        } else {
            (0..threads).map(|_| one_runtime(&config, wasm, 1).map(|mut v| v.remove(0))).collect::<Result<_, _>>()?
        });
    }
    let expected = spin_expected(ITERATIONS);
    Ok(Box::new(move || setups.iter().map(|funcs| calls_per_second(funcs, expected)).collect()))
}

/// Calls each of `funcs` on a thread of its own, all starting together, for [`WINDOW`];
/// returns the calls completed per second of wall time, over all threads.
fn calls_per_second(funcs: &[Spin], expected: i32) -> Result<f64, String> {
    // The threads start timing together, once every one of them is warm.
    let barrier = Barrier::new(funcs.len());
    let per_thread: Vec<Result<(u64, Instant, Instant), String>> = std::thread::scope(|s| {
        let handles: Vec<_> = funcs
            .iter()
            .map(|f| {
                let barrier = &barrier;
                s.spawn(move || {
                    let call = || match f.call(ITERATIONS) {
                        Ok(r) if r == expected => Ok(()),
                        Ok(r) => Err(format!("spin returned {r}, expected {expected}")),
                        Err(t) => Err(format!("spin trapped: {t}")),
                    };
                    // Untimed: the first call on this thread and instance.
                    let warm = call();
                    barrier.wait();
                    warm?;
                    let start = Instant::now();
                    let deadline = start + WINDOW;
                    let mut calls = 0u64;
                    while Instant::now() < deadline {
                        call()?;
                        calls += 1;
                    }
                    Ok((calls, start, Instant::now()))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("a benchmark thread panicked".into()))).collect()
    });
    let per_thread = per_thread.into_iter().collect::<Result<Vec<_>, _>>()?;
    let calls: u64 = per_thread.iter().map(|(c, _, _)| c).sum();
    let start = per_thread.iter().map(|(_, s, _)| *s).min().ok_or("no thread")?;
    let end = per_thread.iter().map(|(_, _, e)| *e).max().ok_or("no thread")?;
    Ok(calls as f64 / (end - start).as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Rust model of `spin` agrees with both engines on a short run.
    #[test]
    fn spin_matches_its_model() {
        let wasm = wat::parse_str(SPIN_WAT).unwrap();
        for config in [RuntimeConfig::interpreter(), RuntimeConfig::new()] {
            let f = one_runtime(&config, &wasm, 1).unwrap().remove(0);
            for n in [1, 2, 1000] {
                assert_eq!(f.call(n).unwrap(), spin_expected(n));
            }
        }
    }
}
