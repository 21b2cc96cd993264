//! Many threads sharing one runtime and one compiled module: each thread instantiates,
//! calls and closes its own instances, all at once. `Runtime`, `CompiledModule` and every
//! handle are `Send + Sync`. The instances share nothing, so each is its own link group and the
//! threads' calls run in parallel on one runtime (RATIONALE.md, "Ownership"); for comparison,
//! `--runtime-per-thread` gives each thread its own runtime (with a shared `CompilationCache`
//! each module is compiled once).
//! The time taken is printed on stderr.
//!
//! ```text
//! cargo run --example concurrent_instances -- 8 1000
//! 8 threads × 1000 instances: 16000 calls, sum of results 36000
//! after closing: 0 guest instances open, 0 bytes of linear memory
//! ```

use std::process::ExitCode;
use zerowasm::{CompiledModule, ModuleConfig, Runtime};

/// Each instance has its own memory and counter: `next` returns 1, 2, 3, ...
const COUNTER: &str = r#"
(module
  (memory (export "memory") 1)
  (global $n (mut i32) (i32.const 0))
  (func (export "next") (param $step i32) (result i32)
    (global.set $n (i32.add (global.get $n) (local.get $step)))
    (i32.store (i32.const 0) (global.get $n))
    (i32.load (i32.const 0))))
"#;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let per_thread_runtime = args.iter().any(|a| a == "--runtime-per-thread");
    args.retain(|a| a != "--runtime-per-thread");
    let parse = |i: usize, default: u32| args.get(i).map_or(Ok(default), |a| a.parse::<u32>());
    let (threads, per_thread) = match (parse(0, 8), parse(1, 1000), args.len() <= 2) {
        (Ok(t), Ok(n), true) if t > 0 => (t, n),
        _ => {
            eprintln!(
                "usage: cargo run --example concurrent_instances -- [--runtime-per-thread] [threads] [instances per thread]"
            );
            return ExitCode::from(2);
        }
    };
    let start = std::time::Instant::now();
    let result = if per_thread_runtime { run_runtime_per_thread(threads, per_thread) } else { run(threads, per_thread) };
    eprintln!("concurrent_instances: {:.1} ms", start.elapsed().as_secs_f64() * 1e3);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("concurrent_instances: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One thread's work: `count` instances of `module`, two calls each, closed after use.
fn work(runtime: &Runtime, module: &CompiledModule, t: u32, count: u32) -> Result<u64, String> {
    let mut sum = 0u64;
    for k in 0..count {
        // Instance names are unique per runtime; closing frees the name again.
        let name = format!("worker-{t}-{k}");
        let instance = runtime.instantiate(module, ModuleConfig::new().with_name(name)).map_err(|e| e.to_string())?;
        let next = instance.typed_func::<i32, i32>("next").map_err(|e| e.to_string())?;
        next.call(1).map_err(|e| e.to_string())?;
        // A fresh instance: its counter went 0 → 1 → 1 + t.
        sum += next.call(t as i32).map_err(|e| e.to_string())? as u64;
        instance.close();
    }
    Ok(sum)
}

/// Every thread on one shared runtime and module.
fn run(threads: u32, per_thread: u32) -> Result<(), Box<dyn std::error::Error>> {
    let runtime = Runtime::new();
    let module = runtime.compile(COUNTER)?;
    let sum = std::thread::scope(|s| -> Result<u64, String> {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (runtime, module) = (&runtime, &module);
                s.spawn(move || work(runtime, module, t, per_thread))
            })
            .collect();
        workers.into_iter().map(|w| w.join().map_err(|_| "a thread panicked".to_string())?).sum()
    })?;
    report(&runtime, threads, per_thread, sum)
}

/// Each thread with a runtime (and a compilation of the module) of its own.
fn run_runtime_per_thread(threads: u32, per_thread: u32) -> Result<(), Box<dyn std::error::Error>> {
    let results = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || -> Result<(Runtime, u64), String> {
                    let runtime = Runtime::new();
                    let module = runtime.compile(COUNTER).map_err(|e| e.to_string())?;
                    let sum = work(&runtime, &module, t, per_thread)?;
                    Ok((runtime, sum))
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().map_err(|_| "a thread panicked".to_string())?).collect::<Result<Vec<_>, String>>()
    })?;
    let sum = results.iter().map(|(_, s)| s).sum();
    for (runtime, _) in &results[1..] {
        let stats = runtime.stats();
        if stats.open_instances != 0 || stats.memory_bytes != 0 {
            return Err(format!("a runtime still holds {stats:?}").into());
        }
    }
    report(&results[0].0, threads, per_thread, sum)
}

/// Checks the sum and prints the results.
fn report(runtime: &Runtime, threads: u32, per_thread: u32, sum: u64) -> Result<(), Box<dyn std::error::Error>> {
    let expected: u64 = (0..threads as u64).map(|t| (1 + t) * per_thread as u64).sum();
    if sum != expected {
        return Err(format!("sum of results {sum}, expected {expected}").into());
    }
    let total = threads as u64 * per_thread as u64;
    println!("{threads} threads × {per_thread} instances: {} calls, sum of results {sum}", 2 * total);
    let stats = runtime.stats();
    println!(
        "after closing: {} guest instances open, {} bytes of linear memory",
        stats.open_instances, stats.memory_bytes
    );
    Ok(())
}
