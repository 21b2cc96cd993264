//! The third engine, [wasmi](https://docs.rs/wasmi) (`--oracle wasmi`): runs a case exactly as
//! [`super::zw::run`] does, so that a bug both of zerowasm's engines share (in the common vm
//! layer, say) still shows as a divergence.

use super::gen::{self, Case, FeatureSet, Ty, Value, FUEL_EXPORT, FUEL_PER_CALL, ROUNDS};
use super::host::HostLog;
use super::trace::{hash, Entry, Trace};
use wasmi::{
    AsContext, Config, Engine, Error, Extern, ExternRef, ExternType, Func, Global, Linker, Memory, Module,
    Mutability, Nullable, Ref, RefType, Store, Table, TrapCode, Val, ValType,
};

/// The oracle's name in traces.
pub const NAME: &str = "wasmi";

fn config(features: FeatureSet) -> Config {
    let core2 = features != FeatureSet::Core1;
    let core3 = features == FeatureSet::Core3;
    let mut c = Config::default();
    // For `core-3.0`, what wasmi implements of it (`FeatureSet::oracle_runs`).
    c.wasm_mutable_global(true)
        .wasm_sign_extension(core2)
        .wasm_saturating_float_to_int(core2)
        .wasm_multi_value(core2)
        .wasm_bulk_memory(core2)
        .wasm_reference_types(core2)
        .wasm_simd(features == FeatureSet::Simd || core3)
        .wasm_relaxed_simd(false)
        .wasm_tail_call(features == FeatureSet::TailCall || core3)
        .wasm_extended_const(core3)
        .wasm_multi_memory(core3)
        .wasm_memory64(core3)
        .wasm_custom_page_sizes(false)
        .wasm_wide_arithmetic(core3)
        // Deeper than the fuel allows (1000 calls), like zerowasm's limits, so recursion that
        // zerowasm completes does not run out of stack on wasmi.
        .set_max_recursion_depth(20_000);
    let _ = c.set_max_stack_height(4 << 20);
    c
}

fn ty(t: ValType) -> Ty {
    match t {
        ValType::I32 => Ty::I32,
        ValType::I64 => Ty::I64,
        ValType::F32 => Ty::F32,
        ValType::F64 => Ty::F64,
        ValType::V128 => Ty::V128,
        ValType::FuncRef => Ty::FUNCREF,
        ValType::ExternRef => Ty::EXTERNREF,
    }
}

fn value(store: &Store<()>, v: &Val) -> Value {
    match v {
        Val::I32(x) => Value::I32(*x as u32),
        Val::I64(x) => Value::I64(*x as u64),
        Val::F32(x) => Value::F32(x.to_bits()),
        Val::F64(x) => Value::F64(x.to_bits()),
        Val::V128(x) => Value::V128(x.as_u128()),
        Val::FuncRef(f) => reference(store, &Ref::Func(*f)),
        Val::ExternRef(e) => reference(store, &Ref::Extern(*e)),
    }
}

/// wasmi's functions have no identity to compare, so a non-null funcref is unnamed (the
/// comparison with wasmi drops names: [`super::trace::normalize_for_wasmi`]).
fn reference(store: &Store<()>, r: &Ref) -> Value {
    match r {
        Ref::Func(Nullable::Null) => Value::Func(None),
        Ref::Func(Nullable::Val(_)) => Value::Func(Some(String::new())),
        Ref::Extern(Nullable::Null) => Value::Extern(None),
        Ref::Extern(Nullable::Val(e)) => Value::Extern(Some(e.data(store).downcast_ref::<u32>().copied().unwrap_or(u32::MAX))),
    }
}

/// `v` as a wasmi value; a function reference is looked up by export name in `funcs` (null
/// when absent, as for host results, which hold no function references).
fn val(mut ctx: impl wasmi::AsContextMut<Data = ()>, funcs: &[(String, Func)], v: &Value) -> Val {
    match v {
        Value::I32(x) => Val::I32(*x as i32),
        Value::I64(x) => Val::I64(*x as i64),
        Value::F32(x) => Val::F32(wasmi::F32::from_bits(*x)),
        Value::F64(x) => Val::F64(wasmi::F64::from_bits(*x)),
        Value::V128(x) => Val::V128(wasmi::V128::from(*x)),
        Value::Func(None) => Val::FuncRef(Nullable::Null),
        Value::Func(Some(n)) => Val::FuncRef(match funcs.iter().find(|(m, _)| m == n) {
            Some((_, f)) => Nullable::Val(*f),
            None => Nullable::Null,
        }),
        Value::Extern(None) => Val::ExternRef(Nullable::Null),
        Value::Extern(Some(k)) => Val::ExternRef(Nullable::Val(ExternRef::new(&mut ctx, *k))),
        // wasmi runs no module with exception handling (`FeatureSet::oracle_runs`), so no
        // function of one takes an exnref.
        Value::Exn(_) => Val::ExternRef(Nullable::Null),
    }
}

fn default_val(t: &ValType) -> Val {
    match t {
        ValType::I32 => Val::I32(0),
        ValType::I64 => Val::I64(0),
        ValType::F32 => Val::F32(wasmi::F32::from_bits(0)),
        ValType::F64 => Val::F64(wasmi::F64::from_bits(0)),
        ValType::V128 => Val::V128(wasmi::V128::from(0u128)),
        ValType::FuncRef => Val::FuncRef(Nullable::Null),
        ValType::ExternRef => Val::ExternRef(Nullable::Null),
    }
}

/// A wasmi error in the trace's terms; `None` for stack exhaustion (incomparable).
fn error_text(e: &Error) -> Option<String> {
    Some(match e.as_trap_code() {
        Some(TrapCode::UnreachableCodeReached) => "trap unreachable".into(),
        Some(TrapCode::MemoryOutOfBounds) => "trap out of bounds memory access".into(),
        Some(TrapCode::TableOutOfBounds) => "trap out of bounds table access".into(),
        Some(TrapCode::IndirectCallToNull) => "trap uninitialized element".into(),
        Some(TrapCode::IntegerDivisionByZero) => "trap integer divide by zero".into(),
        Some(TrapCode::IntegerOverflow) => "trap integer overflow".into(),
        Some(TrapCode::BadConversionToInteger) => "trap invalid conversion to integer".into(),
        Some(TrapCode::BadSignature) => "trap indirect call type mismatch".into(),
        Some(TrapCode::StackOverflow) => return None,
        Some(other) => format!("trap {other:?}"),
        None => "trap host".into(),
    })
}

/// Runs `case` on wasmi, producing a trace comparable with zerowasm's.
pub fn run(case: &Case) -> Trace {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_inner(case))) {
        Ok(t) => t,
        Err(p) => {
            let mut t = Trace::new(NAME);
            // A panic inside the oracle is wasmi's problem, not ours: shown, not flagged.
            t.push(vec![format!("oracle panic: {}", super::zw::panic_message(&p))]);
            t
        }
    }
}

/// The harness binary, set by its `main`: when set, [`run_isolated`] runs wasmi in a child
/// process of it (`zerowasm-harness fuzz-oracle`).
pub static HARNESS_EXE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// [`run`] in a child process when the harness binary is known ([`HARNESS_EXE`]), else in this
/// one. wasmi 2.0.0 can crash its process (a write past its value stack, found by a campaign
/// of this fuzzer); in a child the crash is the oracle's trace ("oracle panic: …", shown, not
/// flagged as ours) and the campaign goes on.
pub fn run_isolated(case: &Case) -> Trace {
    let Some(exe) = HARNESS_EXE.get() else { return run(case) };
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = std::env::temp_dir().join(format!("zerowasm-oracle-{}-{n}.wasm", std::process::id()));
    let crashed = |why: String| {
        let mut t = Trace::new(NAME);
        t.push(vec![format!("oracle panic: {why}")]);
        t
    };
    if let Err(e) = std::fs::write(&file, &case.wasm) {
        return crashed(format!("cannot write {}: {e}", file.display()));
    }
    let out = std::process::Command::new(exe)
        .args(["fuzz-oracle", "--features", case.features.name(), "--arg-seed", &case.arg_seed.to_string()])
        .arg(&file)
        .stdin(std::process::Stdio::null())
        .output();
    let _ = std::fs::remove_file(&file);
    match out {
        Err(e) => crashed(format!("cannot start {}: {e}", exe.display())),
        Ok(o) => match serde_json::from_slice::<Trace>(&o.stdout) {
            Ok(t) if o.status.success() => t,
            _ => crashed(format!("the oracle's process ended with {}", o.status)),
        },
    }
}

/// The child's side of [`run_isolated`]: runs the module in `file` as a case of `features` with
/// argument seed `arg_seed` on wasmi and prints the trace as JSON. Returns the exit code.
pub fn serve(file: &std::path::Path, features: FeatureSet, arg_seed: u64) -> i32 {
    let wasm = match std::fs::read(file) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("fuzz-oracle: {}: {e}", file.display());
            return 2;
        }
    };
    let trace = run(&Case { seed: 0, features, wasm, arg_seed });
    match serde_json::to_string(&trace) {
        Ok(s) => {
            println!("{s}");
            0
        }
        Err(e) => {
            eprintln!("fuzz-oracle: {e}");
            2
        }
    }
}

fn run_inner(case: &Case) -> Trace {
    let mut trace = Trace::new(NAME);
    let engine = Engine::new(&config(case.features));
    let module = match Module::new(&engine, &case.wasm) {
        Ok(m) => m,
        Err(e) => {
            trace.push(vec!["compile: rejected".into()]);
            trace.notes.push(format!("compile error: {e}"));
            return trace;
        }
    };
    trace.push(vec!["compile: ok".into()]);
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::<()>::new(&engine);
    let log = HostLog::default();
    let mut seen: Vec<(String, String)> = Vec::new();
    // In declaration order, as zerowasm lists them (wasmi groups them by kind), with the
    // import index deciding the host's values alike on every engine.
    let typed: Vec<(String, String, ExternType)> =
        module.imports().map(|i| (i.module().to_string(), i.name().to_string(), i.ty().clone())).collect();
    let imports: Vec<(String, String, ExternType)> = import_names(&case.wasm)
        .into_iter()
        .filter_map(|(m, n)| typed.iter().find(|(a, b, _)| *a == m && *b == n).cloned())
        .collect();
    for (index, (m, n, t)) in imports.into_iter().enumerate() {
        if seen.contains(&(m.clone(), n.clone())) {
            continue;
        }
        seen.push((m.clone(), n.clone()));
        let def: Result<(), Error> = match t {
            ExternType::Func(ft) => {
                let log = log.clone();
                let label = format!("{m:?}.{n:?}");
                let results: Vec<Ty> = ft.results().iter().map(|t| ty(*t)).collect();
                linker
                    .func_new(&m, &n, ft.clone(), move |mut caller, args, out| {
                        let args: Vec<Value> = args.iter().map(|a| value_in(&caller.as_context(), a)).collect();
                        match log.call(index, &label, &args, &results) {
                            Some(vals) => {
                                for (o, v) in out.iter_mut().zip(&vals) {
                                    *o = val(&mut caller, &[], v);
                                }
                                Ok(())
                            }
                            None => Err(Error::new("the fuzzer's host function trapped")),
                        }
                    })
                    .map(|_| ())
                    .map_err(Error::from)
            }
            ExternType::Global(gt) => {
                let init = gen::host_results(index, u64::MAX, &[ty(gt.content())])
                    .and_then(|v| v.into_iter().next())
                    .map(|v| val(&mut store, &[], &v))
                    .unwrap_or_else(|| default_val(&gt.content()));
                let g = Global::new(&mut store, init, gt.mutability());
                linker.define(&m, &n, g).map(|_| ()).map_err(Error::from)
            }
            ExternType::Memory(mt) => {
                // The import's own type: 64-bit memories included.
                match Memory::new(&mut store, mt) {
                    Ok(mem) => linker.define(&m, &n, mem).map(|_| ()).map_err(Error::from),
                    Err(e) => Err(e),
                }
            }
            ExternType::Table(tt) => {
                match Table::new(&mut store, tt, Ref::null(tt.element())) {
                    Ok(tab) => linker.define(&m, &n, tab).map(|_| ()).map_err(Error::from),
                    Err(e) => Err(e),
                }
            }
        };
        if let Err(e) = def {
            trace.push(vec![format!("host module {m:?}: {e}")]);
            return trace;
        }
    }
    let instance = match linker.instantiate_and_start(&mut store, &module) {
        Ok(i) => i,
        Err(e) => {
            let text = match e.as_trap_code() {
                Some(_) => error_text(&e).unwrap_or_else(|| "call stack exhausted".into()),
                None if e.to_string().contains("fuzzer's host function") => "trap host".into(),
                // wasmi reports an element segment out of bounds as an instantiation error.
                None if e.to_string().starts_with("out of bounds table access") => "trap out of bounds table access".into(),
                None if e.to_string().starts_with("out of bounds memory access") => "trap out of bounds memory access".into(),
                None => "link error".into(),
            };
            let exhausted = text == "call stack exhausted";
            let mut lines = vec![format!("instantiate: {text}")];
            lines.extend(log.take());
            trace.entries.push(Entry { lines, exhausted });
            return trace;
        }
    };
    // In declaration order, as zerowasm lists them (wasmi's own order differs).
    let exports: Vec<(String, Extern)> = export_names(&case.wasm)
        .into_iter()
        .filter_map(|n| {
            let e = instance.get_export(&store, &n)?;
            Some((n, e))
        })
        .collect();
    let funcs: Vec<(String, Func)> =
        exports.iter().filter_map(|(n, e)| e.into_func().map(|f| (n.clone(), f))).collect();
    let func_names: Vec<String> = funcs.iter().map(|(n, _)| n.clone()).collect();
    let mut lines = vec!["instantiate: ok".to_string()];
    lines.extend(log.take());
    lines.extend(state(&store, &exports));
    trace.push(lines);

    let fuel = instance.get_global(&store, FUEL_EXPORT);
    for round in 0..ROUNDS {
        for (index, (fname, func)) in funcs.iter().enumerate() {
            if let Some(g) = fuel {
                let _ = g.set(&mut store, Val::I32(FUEL_PER_CALL));
            }
            let fty = func.ty(&store);
            let params: Vec<Ty> = fty.params().iter().map(|t| ty(*t)).collect();
            let args = gen::args(case.arg_seed, round, index, &params, &func_names);
            let argv: Vec<Val> = args.iter().map(|a| val(&mut store, &funcs, a)).collect();
            let mut out: Vec<Val> = fty.results().iter().map(default_val).collect();
            let shown: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            let mut lines = vec![format!("call {fname:?}({})", shown.join(", "))];
            let result = func.call(&mut store, &argv, &mut out);
            lines.extend(log.take());
            match result {
                Ok(()) => {
                    let shown: Vec<String> = out.iter().map(|v| value(&store, v).to_string()).collect();
                    lines.push(format!("-> [{}]", shown.join(", ")));
                }
                Err(e) => match error_text(&e) {
                    Some(t) => lines.push(format!("-> {t}")),
                    None => {
                        lines.push("-> call stack exhausted".into());
                        trace.entries.push(Entry { lines, exhausted: true });
                        return trace;
                    }
                },
            }
            lines.extend(state(&store, &exports));
            trace.push(lines);
        }
    }
    for (n, e) in &exports {
        if let Extern::Memory(m) = e {
            trace.memories.push((n.clone(), m.data(&store).to_vec()));
        }
    }
    trace
}

/// The module's imports (module, name) in declaration order.
fn import_names(wasm: &[u8]) -> Vec<(String, String)> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::ImportSection(r)) = payload {
            names.extend(r.into_imports().flatten().map(|i| (i.module.to_string(), i.name.to_string())));
        }
    }
    names
}

/// The module's export names in declaration order.
fn export_names(wasm: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::ExportSection(r)) = payload {
            names.extend(r.into_iter().filter_map(|e| e.ok()).map(|e| e.name.to_string()));
        }
    }
    names
}

fn value_in(store: &wasmi::StoreContext<'_, ()>, v: &Val) -> Value {
    match v {
        Val::FuncRef(Nullable::Null) => Value::Func(None),
        Val::FuncRef(Nullable::Val(_)) => Value::Func(Some(String::new())),
        Val::ExternRef(Nullable::Null) => Value::Extern(None),
        Val::ExternRef(Nullable::Val(e)) => {
            Value::Extern(Some(e.data(store.clone()).downcast_ref::<u32>().copied().unwrap_or(u32::MAX)))
        }
        Val::I32(x) => Value::I32(*x as u32),
        Val::I64(x) => Value::I64(*x as u64),
        Val::F32(x) => Value::F32(x.to_bits()),
        Val::F64(x) => Value::F64(x.to_bits()),
        Val::V128(x) => Value::V128(x.as_u128()),
    }
}

fn state(store: &Store<()>, exports: &[(String, Extern)]) -> Vec<String> {
    let mut lines = Vec::new();
    for (n, e) in exports {
        match e {
            Extern::Global(g) => lines.push(format!("global {n:?} = {}", value(store, &g.get(store)))),
            Extern::Memory(m) => {
                let data = m.data(store);
                lines.push(format!("memory {n:?}: {} pages, hash {:016x}", m.size(store), hash(data)));
            }
            Extern::Table(t) => {
                let size = t.size(store);
                let elems: Vec<String> = (0..size)
                    .map(|i| t.get(store, i).map(|r| reference(store, &r).to_string()).unwrap_or_default())
                    .collect();
                lines.push(format!("table {n:?}: {size} elements [{}]", elems.join(", ")));
            }
            Extern::Func(_) => {}
        }
    }
    lines
}

#[allow(dead_code)]
fn _unused(_: Mutability, _: RefType) {}
