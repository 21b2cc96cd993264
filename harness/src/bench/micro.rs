//! Micro-benchmarks: the cost of a call from the host into wasm and from wasm into a host
//! function, `memory.copy`/`memory.fill` throughput, instantiating a small module, and a load
//! and store loop on a 64-bit memory against the same loop on a 32-bit one (memory64), and a
//! throw caught ten calls up (exception handling; wasmtime through `bench_peer.py`'s `bulk` task).
//! Per-operation figures come from CPU time over many operations, after one untimed warm-up.
//!
//! The call and instantiation figures are measured only where the peer runs in-process in Rust
//! (wasmi): through a Python binding they would measure Python.

use super::peer::Peers;
use super::report::Report;
use super::stats::Metric;
use super::{cpu_seconds, engine_config, engine_runtime, measure, selected, Bench, Contender, Ctx, SampleFn};
use serde_json::json;
use zerowasm::{HostModuleBuilder, ModuleConfig, Runtime, RuntimeConfig};

/// Samples per runtime by default.
const ROUNDS: usize = 7;

/// `nop` for host->wasm calls; `loop n` calls the host's `env.inc` n times for wasm->host.
const CALL_WAT: &str = r#"(module
  (import "env" "inc" (func $inc (param i32) (result i32)))
  (func (export "nop"))
  (func (export "loop") (param $n i32) (result i32)
    (local $acc i32)
    (loop $l
      (local.set $acc (call $inc (local.get $acc)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc)))"#;

/// 128 MiB of memory; `copy`/`fill` move 64 MiB `n` times.
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

/// Throw and catch (exception handling): `run` throws from a callee `THROW_DEPTH` calls deep
/// and catches in the caller, `THROWS` times (its parameter is unused: the peers' `bulk` task
/// passes 1).
const THROW_WAT: &str = r#"(module
  (tag $e (param i32))
  (func $deep (param $d i32)
    (if (i32.eqz (local.get $d)) (then (throw $e (local.get $d))))
    (call $deep (i32.sub (local.get $d) (i32.const 1))))
  (func (export "run") (param i32)
    (local $i i32)
    (local.set $i (i32.const 10000))
    (loop $l
      (block $h (result i32)
        (try_table (catch $e $h) (call $deep (i32.const 10)))
        (i32.const 0))
      (drop)
      (br_if $l (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))))"#;

/// Throws per call of `THROW_WAT`'s `run`, and the calls between the throw and its catch.
const THROWS: f64 = 10000.0;
const THROW_DEPTH: u32 = 10;

/// Bytes one `copy`/`fill` moves: 64 MiB.
const BULK_BYTES: f64 = (64 << 20) as f64;

/// A small module with a bit of everything to set up: memory with data, a table with
/// elements, globals, a few functions.
const SMALL_WAT: &str = r#"(module
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, world")
  (table 4 funcref)
  (elem (i32.const 0) $a $b)
  (global $g (mut i32) (i32.const 7))
  (global (export "k") i64 (i64.const 42))
  (func $a (result i32) (global.get $g))
  (func $b (result i32) (i32.load (i32.const 16)))
  (func (export "f") (param i32) (result i32) (call_indirect (result i32) (local.get 0))))"#;

/// `run n`: `n` passes over the first 64 KiB of memory 0 (an `$idx` memory), each word
/// replaced by the running sum of the words so far (one load and one store per word).
const LOAD_STORE_WAT: &str = r#"(module
  (memory $idx 1)
  (func (export "run") (param $n i32) (result i32)
    (local $i $idx) (local $sum i32)
    (loop $pass
      (local.set $i ($idx.const 0))
      (loop $word
        (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $i))))
        (i32.store (local.get $i) (local.get $sum))
        (br_if $word ($idx.ne (local.tee $i ($idx.add (local.get $i) ($idx.const 4))) ($idx.const 65536))))
      (br_if $pass (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum)))"#;

/// Passes of `run` per sample, and the words each visits.
const LOAD_STORE_PASSES: i32 = 200;
const LOAD_STORE_WORDS: f64 = 16384.0;

const HOST_TO_WASM_CALLS: u32 = 1_000_000;
const WASM_TO_HOST_CALLS: i32 = 1_000_000;
const INSTANCES: u32 = 1_000;

/// Runs the micro-benchmarks on every engine and the peers that can be compared.
pub fn run(ctx: &Ctx<'_>, peers: &mut Peers, report: &mut Report) {
    let rounds = ctx.rounds.unwrap_or(ROUNDS);
    let wat = |t: &str| wat::parse_str(t).expect("the micro-benchmark modules are valid");
    let (call, bulk, small) = (wat(CALL_WAT), wat(BULK_WAT), wat(SMALL_WAT));

    // Host -> wasm and wasm -> host calls.
    for (bench, ns_of) in [("call/host->wasm", 0usize), ("call/wasm->host", 1)] {
        if !selected(ctx.only, "micro", bench) {
            continue;
        }
        eprintln!("{bench}");
        let mut cs = Vec::new();
        for &e in ctx.engines {
            cs.push(match engine_config(e) {
                Ok(config) => Contender::setup(engine_runtime(e), zerowasm_calls(config, &call, ns_of)),
                Err(why) => Contender::unavailable(engine_runtime(e), "unsupported", why),
            });
        }
        cs.push(Contender::setup("wasmi", wasmi_calls(&call, ns_of)));
        not_comparable(peers, &mut cs);
        measure(report, &Bench { group: "micro", rows: vec![(bench.into(), Metric::Nanos)], rounds, warmup: true, long_round: None }, cs);
    }

    // memory.copy / memory.fill.
    let tmp = crate::wasi::programs::TempDir::new("bench-micro").ok();
    let bulk_path = tmp.as_ref().map(|t| t.0.join("bulk.wasm"));
    if let Some(p) = &bulk_path {
        let _ = std::fs::write(p, &bulk);
    }
    for export in ["copy", "fill"] {
        let bench = format!("memory.{export}");
        if !selected(ctx.only, "micro", &bench) {
            continue;
        }
        eprintln!("{bench}: 64 MiB");
        let mut cs = Vec::new();
        for &e in ctx.engines {
            cs.push(match engine_config(e) {
                Ok(config) => Contender::setup(engine_runtime(e), zerowasm_bulk(config, &bulk, export)),
                Err(why) => Contender::unavailable(engine_runtime(e), "unsupported", why),
            });
        }
        cs.push(Contender::setup("wasmi", wasmi_bulk(&bulk, export)));
        cs.push(Contender::new(if export == "copy" { "rust-copy_within" } else { "rust-fill" }, native_bulk(export)));
        let p = bulk_path.clone();
        cs.extend(peers.contenders(|_| {
            let p = p.clone().ok_or(("failed".to_string(), "no temporary folder for the module".to_string()))?;
            Ok(Box::new(move |proc| {
                let v = proc.call(json!({"task": "bulk", "wasm": p, "export": export}))?;
                Ok(vec![BULK_BYTES / 1e6 / v["value"].as_f64().unwrap_or(f64::NAN)])
            }))
        }));
        measure(report, &Bench { group: "micro", rows: vec![(bench, Metric::MBps)], rounds, warmup: true, long_round: None }, cs);
    }

    // Throw in a callee, catch in the caller (exception handling; wasmi and wasm3 have none).
    let bench = "exceptions/throw-catch";
    if selected(ctx.only, "micro", bench) {
        eprintln!("{bench}: ns per throw, caught {THROW_DEPTH} calls up");
        let throw = wat(THROW_WAT);
        let throw_path = tmp.as_ref().map(|t| t.0.join("throw.wasm"));
        if let Some(p) = &throw_path {
            let _ = std::fs::write(p, &throw);
        }
        let mut cs = Vec::new();
        for &e in ctx.engines {
            cs.push(match engine_config(e) {
                Ok(config) => Contender::setup(engine_runtime(e), zerowasm_throws(config, &throw)),
                Err(why) => Contender::unavailable(engine_runtime(e), "unsupported", why),
            });
        }
        cs.extend(peers.contenders(|name| {
            if name == "wasm3" {
                return Err(("unsupported".to_string(), "wasm3 has no exception handling".to_string()));
            }
            let p = throw_path.clone().ok_or(("failed".to_string(), "no temporary folder for the module".to_string()))?;
            Ok(Box::new(move |proc| {
                let v = proc.call(json!({"task": "bulk", "wasm": p, "export": "run"}))?;
                Ok(vec![v["value"].as_f64().unwrap_or(f64::NAN) * 1e9 / THROWS])
            }))
        }));
        measure(report, &Bench { group: "micro", rows: vec![(bench.into(), Metric::Nanos)], rounds, warmup: true, long_round: None }, cs);
    }

    // memory64: the same load/store loop on a 32-bit and on a 64-bit memory, per engine.
    let bench = "memory64/load-store";
    if selected(ctx.only, "micro", bench) {
        eprintln!("{bench}: ns per word (one load, one store) on i32 and i64 memories, and their ratio");
        let m32 = wat(&LOAD_STORE_WAT.replace("$idx", "i32"));
        let m64 = wat(&LOAD_STORE_WAT.replace("$idx", "i64"));
        let mut cs = Vec::new();
        for &e in ctx.engines {
            cs.push(match engine_config(e) {
                Ok(config) => Contender::setup(engine_runtime(e), zerowasm_load_store(config, &m32, &m64)),
                Err(why) => Contender::unavailable(engine_runtime(e), "unsupported", why),
            });
        }
        let rows = vec![
            (format!("{bench} i32"), Metric::Nanos),
            (format!("{bench} i64"), Metric::Nanos),
            (format!("{bench} i64/i32"), Metric::Ratio),
        ];
        measure(report, &Bench { group: "micro", rows, rounds, warmup: true, long_round: None }, cs);
    }

    // Instantiation of a small module.
    let bench = "instantiate/small";
    if selected(ctx.only, "micro", bench) {
        eprintln!("{bench}");
        let mut cs = Vec::new();
        for &e in ctx.engines {
            cs.push(match engine_config(e) {
                Ok(config) => Contender::setup(engine_runtime(e), zerowasm_instantiate(config, &small)),
                Err(why) => Contender::unavailable(engine_runtime(e), "unsupported", why),
            });
        }
        cs.push(Contender::setup("wasmi", wasmi_instantiate(&small)));
        not_comparable(peers, &mut cs);
        measure(report, &Bench { group: "micro", rows: vec![(bench.into(), Metric::Nanos)], rounds, warmup: true, long_round: None }, cs);
    }
}

/// Nanoseconds per operation of `n` operations done by `f`.
fn per_op(n: f64, f: impl FnOnce() -> Result<(), String>) -> Result<Vec<f64>, String> {
    let t = cpu_seconds();
    f()?;
    Ok(vec![(cpu_seconds() - t) * 1e9 / n])
}

fn zerowasm_calls<'a>(config: RuntimeConfig, wasm: &[u8], which: usize) -> Result<SampleFn<'a>, String> {
    let runtime = Runtime::with_config(config);
    HostModuleBuilder::new("env").func("inc", |x: i32| x.wrapping_add(1)).instantiate(&runtime).map_err(|e| e.to_string())?;
    let module = runtime.compile(wasm).map_err(|e| e.to_string())?;
    let inst = runtime.instantiate(&module, ModuleConfig::new()).map_err(|e| e.to_string())?;
    if which == 0 {
        let nop = inst.func("nop").ok_or("no nop")?.typed::<(), ()>().map_err(|e| e.to_string())?;
        Ok(Box::new(move || {
            per_op(HOST_TO_WASM_CALLS as f64, || {
                for _ in 0..HOST_TO_WASM_CALLS {
                    nop.call(()).map_err(|e| e.to_string())?;
                }
                Ok(())
            })
        }))
    } else {
        let lp = inst.func("loop").ok_or("no loop")?.typed::<i32, i32>().map_err(|e| e.to_string())?;
        Ok(Box::new(move || {
            per_op(WASM_TO_HOST_CALLS as f64, || {
                let r = lp.call(WASM_TO_HOST_CALLS).map_err(|e| e.to_string())?;
                if r != WASM_TO_HOST_CALLS {
                    return Err(format!("loop returned {r}, expected {WASM_TO_HOST_CALLS}"));
                }
                Ok(())
            })
        }))
    }
}

fn wasmi_calls<'a>(wasm: &[u8], which: usize) -> Result<SampleFn<'a>, String> {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, wasm).map_err(|e| e.to_string())?;
    let mut store = wasmi::Store::new(&engine, ());
    let mut linker = wasmi::Linker::<()>::new(&engine);
    linker.func_wrap("env", "inc", |x: i32| x.wrapping_add(1)).map_err(|e| e.to_string())?;
    let inst = linker.instantiate_and_start(&mut store, &module).map_err(|e| e.to_string())?;
    if which == 0 {
        let nop = inst.get_typed_func::<(), ()>(&store, "nop").map_err(|e| e.to_string())?;
        Ok(Box::new(move || {
            per_op(HOST_TO_WASM_CALLS as f64, || {
                for _ in 0..HOST_TO_WASM_CALLS {
                    nop.call(&mut store, ()).map_err(|e| e.to_string())?;
                }
                Ok(())
            })
        }))
    } else {
        let lp = inst.get_typed_func::<i32, i32>(&store, "loop").map_err(|e| e.to_string())?;
        Ok(Box::new(move || {
            per_op(WASM_TO_HOST_CALLS as f64, || {
                let r = lp.call(&mut store, WASM_TO_HOST_CALLS).map_err(|e| e.to_string())?;
                if r != WASM_TO_HOST_CALLS {
                    return Err(format!("loop returned {r}, expected {WASM_TO_HOST_CALLS}"));
                }
                Ok(())
            })
        }))
    }
}

/// MB/s of one 64 MiB operation done by `f`.
fn rate(f: impl FnOnce() -> Result<(), String>) -> Result<Vec<f64>, String> {
    let t = cpu_seconds();
    f()?;
    Ok(vec![BULK_BYTES / 1e6 / (cpu_seconds() - t)])
}

fn zerowasm_throws<'a>(config: RuntimeConfig, wasm: &[u8]) -> Result<SampleFn<'a>, String> {
    let runtime = Runtime::with_config(config);
    let module = runtime.compile(wasm).map_err(|e| format!("compile: {e}"))?;
    let instance = runtime.instantiate(&module, ModuleConfig::new()).map_err(|e| format!("instantiate: {e}"))?;
    let f = instance.func("run").ok_or("no run export")?.typed::<i32, ()>().map_err(|e| e.to_string())?;
    Ok(Box::new(move || per_op(THROWS, || f.call(1).map_err(|e| format!("run: {e}")))))
}

fn zerowasm_bulk<'a>(config: RuntimeConfig, wasm: &[u8], export: &'a str) -> Result<SampleFn<'a>, String> {
    let runtime = Runtime::with_config(config);
    let module = runtime.compile(wasm).map_err(|e| format!("compile: {e}"))?;
    let instance = runtime.instantiate(&module, ModuleConfig::new()).map_err(|e| format!("instantiate: {e}"))?;
    let f = instance.func(export).ok_or("no such export")?.typed::<i32, ()>().map_err(|e| e.to_string())?;
    Ok(Box::new(move || rate(|| f.call(1).map_err(|e| format!("{export}: {e}")))))
}

fn wasmi_bulk<'a>(wasm: &[u8], export: &'a str) -> Result<SampleFn<'a>, String> {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, wasm).map_err(|e| e.to_string())?;
    let mut store = wasmi::Store::new(&engine, ());
    let inst = wasmi::Linker::<()>::new(&engine).instantiate_and_start(&mut store, &module).map_err(|e| e.to_string())?;
    let f = inst.get_typed_func::<i32, ()>(&store, export).map_err(|e| e.to_string())?;
    Ok(Box::new(move || rate(|| f.call(&mut store, 1).map_err(|e| format!("{export}: {e}")))))
}

/// The same operation on a Rust `Vec<u8>` of the same size: the speed to match.
fn native_bulk<'a>(op: &'a str) -> impl FnMut() -> Result<Vec<f64>, String> + 'a {
    let mut mem = vec![0u8; 2 * (64 << 20)];
    let half = 64 << 20;
    let mut byte = 0u8;
    move || {
        rate(|| {
            if op == "copy" {
                mem.copy_within(0..half, half);
            } else {
                byte = byte.wrapping_add(1);
                mem[..half].fill(byte);
            }
            std::hint::black_box(&mut mem);
            Ok(())
        })
    }
}

/// Each sample uses a fresh runtime (a store keeps its instances until it is dropped).
fn zerowasm_instantiate<'a>(config: RuntimeConfig, wasm: &'a [u8]) -> Result<SampleFn<'a>, String> {
    Ok(Box::new(move || {
        let runtime = Runtime::with_config(config.clone());
        let module = runtime.compile(wasm).map_err(|e| e.to_string())?;
        per_op(INSTANCES as f64, || {
            for _ in 0..INSTANCES {
                runtime.instantiate(&module, ModuleConfig::new()).map_err(|e| e.to_string())?;
            }
            Ok(())
        })
    }))
}

fn wasmi_instantiate<'a>(wasm: &[u8]) -> Result<SampleFn<'a>, String> {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, wasm).map_err(|e| e.to_string())?;
    let linker = wasmi::Linker::<()>::new(&engine);
    Ok(Box::new(move || {
        let mut store = wasmi::Store::new(&engine, ());
        per_op(INSTANCES as f64, || {
            for _ in 0..INSTANCES {
                linker.instantiate_and_start(&mut store, &module).map_err(|e| e.to_string())?;
            }
            Ok(())
        })
    }))
}

/// Nanoseconds per word of the load/store loop on the 32-bit memory (`m32`) and the 64-bit one
/// (`m64`), and their ratio (64 over 32).
fn zerowasm_load_store<'a>(config: RuntimeConfig, m32: &[u8], m64: &[u8]) -> Result<SampleFn<'a>, String> {
    let runtime = Runtime::with_config(config.with_core_features(zerowasm::CoreFeatures::V3_0));
    let run = |wasm: &[u8]| -> Result<_, String> {
        let module = runtime.compile(wasm).map_err(|e| format!("compile: {e}"))?;
        let instance = runtime.instantiate(&module, ModuleConfig::new()).map_err(|e| format!("instantiate: {e}"))?;
        instance.func("run").ok_or("no run export")?.typed::<i32, i32>().map_err(|e| e.to_string())
    };
    let (r32, r64) = (run(m32)?, run(m64)?);
    let words = LOAD_STORE_WORDS * LOAD_STORE_PASSES as f64;
    Ok(Box::new(move || {
        let t32 = per_op(words, || r32.call(LOAD_STORE_PASSES).map(drop).map_err(|e| e.to_string()))?[0];
        let t64 = per_op(words, || r64.call(LOAD_STORE_PASSES).map(drop).map_err(|e| e.to_string()))?[0];
        Ok(vec![t32, t64, t64 / t32])
    }))
}

/// The out-of-process peers, for a figure a Python binding cannot measure fairly.
fn not_comparable<'a>(peers: &'a Peers, b: &mut Vec<Contender<'a>>) {
    b.extend(peers.contenders(|_| {
        Err(("not comparable".into(), "driven through its Python binding, whose per-call overhead would be what is measured".into()))
    }))
}
