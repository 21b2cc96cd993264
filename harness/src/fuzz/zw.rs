//! Running a case on one of zerowasm's engines, through the public API only.

use super::gen::{self, Case, Ty, Value, FUEL_EXPORT, FUEL_PER_CALL, ROUNDS};
use super::host::HostLog;
use super::trace::{hash, Trace};
use zerowasm::{CallError, 
    EngineKind, Extern, ExternRef, ExternType, Func, HostModuleBuilder, Instance, ModuleConfig, Runtime,
    RuntimeConfig, Trap, Val, ValType,
};

/// The engine's name in traces and reports.
pub fn engine_name(kind: EngineKind) -> &'static str {
    match kind {
        EngineKind::Interpreter => "interpreter",
        EngineKind::Compiler => "compiler",
    }
}

/// A runtime of `kind` validating `case`'s feature set.
fn runtime(kind: EngineKind, case: &Case) -> Runtime {
    Runtime::with_config(
        case.features
            .configure(RuntimeConfig::new().with_engine(kind))
            .with_memory_limit_pages(gen::MAX_MEMORY_PAGES as u32),
    )
}

/// The exported functions, to name function references by.
struct Names(Vec<(String, Func)>);

impl Names {
    fn value(&self, v: &Val) -> Value {
        match v {
            Val::I32(x) => Value::I32(*x as u32),
            Val::I64(x) => Value::I64(*x as u64),
            Val::F32(x) => Value::F32(*x),
            Val::F64(x) => Value::F64(*x),
            Val::V128(x) => Value::V128(*x),
            Val::FuncRef(None) => Value::Func(None),
            Val::FuncRef(Some(f)) => {
                Value::Func(Some(self.0.iter().find(|(_, g)| g == f).map(|(n, _)| n.clone()).unwrap_or_default()))
            }
            Val::ExternRef(None) => Value::Extern(None),
            Val::ExternRef(Some(r)) => Value::Extern(Some(r.downcast_ref::<u32>().copied().unwrap_or(u32::MAX))),
            Val::ExnRef(None) => Value::Exn(None),
            Val::ExnRef(Some(e)) => Value::Exn(Some(self.exception(e))),
            other => unimplemented!("the fuzzer's value model has no {:?}", other.ty()),
        }
    }
    fn val(&self, v: &Value) -> Val {
        match v {
            Value::I32(x) => Val::I32(*x as i32),
            Value::I64(x) => Val::I64(*x as i64),
            Value::F32(x) => Val::F32(*x),
            Value::F64(x) => Val::F64(*x),
            Value::V128(x) => Val::V128(*x),
            Value::Func(None) => Val::FuncRef(None),
            Value::Func(Some(n)) => Val::FuncRef(self.0.iter().find(|(m, _)| m == n).map(|(_, f)| f.clone())),
            Value::Extern(None) => Val::ExternRef(None),
            Value::Extern(Some(k)) => Val::ExternRef(Some(ExternRef::new(*k))),
            // Exnrefs go in only as null (`gen::value`); a described one cannot be rebuilt.
            Value::Exn(_) => Val::ExnRef(None),
        }
    }
    /// An exception as the traces show it: its tag's type and its payload.
    fn exception(&self, e: &zerowasm::Exception) -> String {
        let payload: Vec<String> = e.payload().iter().map(|v| self.value(v).to_string()).collect();
        format!("{}[{}]", e.tag().ty().ty, payload.join(", "))
    }
}

/// A value with no function names (host functions see arguments without the instance).
fn plain_value(v: &Val) -> Value {
    Names(Vec::new()).value(v)
}

/// How a trap shows in a trace: the spec's message.
pub fn trap_text(t: &Trap) -> String {
    match t {
        Trap::Host(_) => "trap host".into(),
        t => format!("trap {t}"),
    }
}

/// Runs `case` on engine `kind`: compile, satisfy the imports with recording host functions,
/// instantiate, then call every exported function [`ROUNDS`] times with generated arguments,
/// recording results, traps, host calls and the exported state after each call.
pub fn run(kind: EngineKind, case: &Case) -> Trace {
    let name = engine_name(kind);
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_inner(kind, case))) {
        Ok(t) => t,
        Err(p) => {
            let mut t = Trace::new(name);
            t.panicked = true;
            t.push(vec![format!("panic: {}", panic_message(&p))]);
            t
        }
    }
}

/// The text of a caught panic.
pub fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-string panic)".into())
}

fn run_inner(kind: EngineKind, case: &Case) -> Trace {
    let mut trace = Trace::new(engine_name(kind));
    let rt = runtime(kind, case);
    let module = match rt.compile(&case.wasm) {
        Ok(m) => m,
        Err(e) => {
            trace.push(vec!["compile: rejected".into()]);
            trace.notes.push(format!("compile error: {e}"));
            return trace;
        }
    };
    trace.push(vec!["compile: ok".into()]);

    // Imports: one host module per module name, each item of the type asked for.
    let log = HostLog::default();
    let mut builders: Vec<(String, HostModuleBuilder, Vec<String>)> = Vec::new();
    for (index, imp) in module.imports().into_iter().enumerate() {
        let pos = match builders.iter().position(|(m, _, _)| *m == imp.module) {
            Some(p) => p,
            None => {
                builders.push((imp.module.clone(), HostModuleBuilder::new(imp.module.clone()), Vec::new()));
                builders.len() - 1
            }
        };
        let (_, b, names) = &mut builders[pos];
        if names.contains(&imp.name) {
            continue; // The first of duplicate imports decides the type (as in the oracle).
        }
        names.push(imp.name.clone());
        let placeholder = HostModuleBuilder::new("");
        let builder = std::mem::replace(b, placeholder);
        *b = match imp.ty {
            ExternType::Func(ft) => {
                let log = log.clone();
                let label = format!("{:?}.{:?}", imp.module, imp.name);
                let results: Vec<Ty> = ft.results().to_vec();
                builder.func_dynamic(imp.name.clone(), ft.clone(), move |_caller, args, out| {
                    let args: Vec<Value> = args.iter().map(plain_value).collect();
                    match log.call(index, &label, &args, &results) {
                        Some(vals) => {
                            let names = Names(Vec::new());
                            for (o, v) in out.iter_mut().zip(&vals) {
                                *o = names.val(v);
                            }
                            Ok(())
                        }
                        None => Err(Trap::Host("the fuzzer's host function trapped".into())),
                    }
                })
            }
            ExternType::Global(gt) => builder.global(imp.name.clone(), global_init(gt.content, index), gt.mutable),
            ExternType::Memory(mt) => builder.memory(imp.name.clone(), mt),
            ExternType::Table(tt) => builder.table(imp.name.clone(), tt),
            ExternType::Tag(tt) => builder.tag(imp.name.clone(), tt),
            other => unimplemented!("the fuzzer cannot provide an import of type {other}"),
        };
    }
    for (m, b, _) in builders {
        if let Err(e) = b.instantiate(&rt) {
            trace.push(vec![format!("host module {m:?}: {e}")]);
            return trace;
        }
    }

    let instance = match rt.instantiate(&module, ModuleConfig::new()) {
        Ok(i) => i,
        Err(e) => {
            let mut lines = vec![format!("instantiate: {}", instantiation_error(&e))];
            lines.extend(log.take());
            let exhausted = matches!(e, zerowasm::InstantiationError::Trap(Trap::CallStackExhausted));
            trace.entries.push(super::trace::Entry { lines, exhausted });
            return trace;
        }
    };
    let mut lines = vec!["instantiate: ok".to_string()];
    lines.extend(log.take());
    let exports = instance.exports();
    let names = Names(
        exports
            .iter()
            .filter_map(|(n, e)| match e {
                Extern::Func(f) => Some((n.clone(), f.clone())),
                _ => None,
            })
            .collect(),
    );
    let func_names: Vec<String> = names.0.iter().map(|(n, _)| n.clone()).collect();
    lines.extend(state(&instance, &exports, &names));
    trace.push(lines);

    let fuel = instance.global(FUEL_EXPORT);
    for round in 0..ROUNDS {
        for (index, (fname, func)) in names.0.iter().enumerate() {
            if let Some(g) = &fuel {
                let _ = g.set(Val::I32(FUEL_PER_CALL));
            }
            let params: Vec<Ty> = func.ty().params().to_vec();
            let args = gen::args(case.arg_seed, round, index, &params, &func_names);
            let argv: Vec<Val> = args.iter().map(|a| names.val(a)).collect();
            let shown: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            let mut lines = vec![format!("call {fname:?}({})", shown.join(", "))];
            let result = func.call(&argv);
            lines.extend(log.take());
            match result {
                Ok(vals) => {
                    let shown: Vec<String> = vals.iter().map(|v| names.value(v).to_string()).collect();
                    lines.push(format!("-> [{}]", shown.join(", ")));
                }
                Err(CallError::Trap(Trap::CallStackExhausted)) => {
                    lines.push("-> call stack exhausted".into());
                    trace.entries.push(super::trace::Entry { lines, exhausted: true });
                    return trace;
                }
                Err(CallError::Trap(t)) => lines.push(format!("-> {}", trap_text(&t))),
                Err(CallError::Exception(e)) => lines.push(format!("-> exception {}", names.exception(&e))),
                // The arguments come from the function's own type: a refusal is a bug to report.
                Err(e) => lines.push(format!("-> refused: {e}")),
            }
            lines.extend(state(&instance, &exports, &names));
            trace.push(lines);
        }
    }
    for (n, e) in &exports {
        if let Extern::Memory(m) = e {
            let mut buf = vec![0u8; m.data_size()];
            let _ = m.read(0, &mut buf);
            trace.memories.push((n.clone(), buf));
        }
    }
    trace
}

/// The value a host global import starts with: deterministic, from its import index.
pub fn global_init(t: ValType, index: usize) -> Val {
    let v = gen::host_results(index, u64::MAX, &[t]).and_then(|v| v.into_iter().next());
    match v {
        Some(v) => Names(Vec::new()).val(&v),
        None => Val::default_for(t).expect("the fuzzer imports globals of defaultable types"),
    }
}

/// An instantiation failure in terms shared by all engines.
fn instantiation_error(e: &zerowasm::InstantiationError) -> String {
    use zerowasm::InstantiationError as E;
    match e {
        E::Link(_) => "link error".into(),
        E::Resource(_) => "resource limit".into(),
        E::SegmentDoesNotFit(m) => m.clone(),
        E::Trap(t) => trap_text(t),
        _ => format!("{e}"),
    }
}

/// The exported state: every global's value, every memory's size and hash, every table's size
/// and elements.
fn state(instance: &Instance, exports: &[(String, Extern)], names: &Names) -> Vec<String> {
    let _ = instance;
    let mut lines = Vec::new();
    for (n, e) in exports {
        match e {
            Extern::Global(g) => lines.push(format!("global {n:?} = {}", names.value(&g.get()))),
            Extern::Memory(m) => {
                let mut buf = vec![0u8; m.data_size()];
                let _ = m.read(0, &mut buf);
                lines.push(format!("memory {n:?}: {} pages, hash {:016x}", m.size(), hash(&buf)));
            }
            Extern::Table(t) => {
                let elems: Vec<String> =
                    (0..t.size()).map(|i| t.get(i).map(|v| names.value(&v).to_string()).unwrap_or_default()).collect();
                lines.push(format!("table {n:?}: {} elements [{}]", t.size(), elems.join(", ")));
            }
            _ => {}
        }
    }
    lines
}

/// Compiles `bytes` on engine `kind` with `features`: `Ok(accepted)`, or the panic's message.
pub fn compile_only(kind: EngineKind, features: gen::FeatureSet, bytes: &[u8]) -> Result<bool, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let rt = Runtime::with_config(features.configure(RuntimeConfig::new().with_engine(kind)));
        rt.compile(bytes).is_ok()
    }))
    .map_err(|p| panic_message(&p))
}
