//! Generating test cases: a seed becomes `arbitrary` bytes, the bytes become a module with
//! [wasm-smith](https://docs.rs/wasm-smith), and a second seed drawn from them picks the
//! arguments of every call. The same seed always gives the same case.

use arbitrary::Unstructured;
use wasm_smith::{Config, Module};

/// The name under which the generated module exports its fuel global (see [`FUEL_PER_CALL`]).
pub const FUEL_EXPORT: &str = "zerowasm-fuel";
/// Fuel given to each call: loop iterations plus function entries before the module's own
/// instrumentation traps with `unreachable`. Reset before every call through [`FUEL_EXPORT`].
pub const FUEL_PER_CALL: i32 = 1000;
/// Largest linear memory a generated module may declare or grow to, in pages of 64 KiB.
pub const MAX_MEMORY_PAGES: u64 = 4;
/// Largest table a generated module may declare or grow to, in elements.
pub const MAX_TABLE_ELEMENTS: u64 = 64;
/// Each exported function is called this many times (in export order, round after round).
pub const ROUNDS: u32 = 2;

/// A feature set both engines support: what wasm-smith may generate and what the runtimes
/// validate with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeatureSet {
    /// [Core 1.0](https://www.w3.org/TR/wasm-core-1/): the MVP with mutable globals.
    Core1,
    /// [Core 2.0](https://www.w3.org/TR/wasm-core-2/) without SIMD: multi-value, reference
    /// types, bulk memory, sign extension, non-trapping float-to-int.
    Core2,
    /// Core 2.0 with 128-bit SIMD.
    Simd,
    /// Core 2.0 (no SIMD) with [tail calls](https://github.com/WebAssembly/tail-call)
    /// (`return_call`, `return_call_indirect`) from Wasm 3.0.
    TailCall,
    /// Core 3.0 as the default runtime runs it (no GC, no exception handling), everything
    /// wasm-smith generates of it at once: SIMD and relaxed SIMD, tail calls, extended constant
    /// expressions, two memories, memory64, the threads proposal's shared memories and atomic
    /// instructions, and the phase-4 wide arithmetic. (wasm-smith generates typed function
    /// references only with GC.) wasmi, the oracle, runs the cases without threads or relaxed
    /// SIMD ([`FeatureSet::oracle_runs`]).
    Core3,
}

impl FeatureSet {
    /// Every feature set, in report order.
    pub const ALL: [FeatureSet; 5] = [FeatureSet::Core1, FeatureSet::Core2, FeatureSet::Simd, FeatureSet::TailCall, FeatureSet::Core3];

    /// The name used on the command line and in reports: `core-1.0`, `core-2.0`, `simd`,
    /// `tail-call`, `core-3.0`.
    pub fn name(self) -> &'static str {
        match self {
            FeatureSet::Core1 => "core-1.0",
            FeatureSet::Core2 => "core-2.0",
            FeatureSet::Simd => "simd",
            FeatureSet::TailCall => "tail-call",
            FeatureSet::Core3 => "core-3.0",
        }
    }

    /// The feature set called `name`.
    pub fn from_name(name: &str) -> Option<FeatureSet> {
        FeatureSet::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The runtime's core feature set for it.
    pub fn core_features(self) -> zerowasm::CoreFeatures {
        match self {
            FeatureSet::Core1 => zerowasm::CoreFeatures::V1_0,
            FeatureSet::Core2 | FeatureSet::Simd | FeatureSet::TailCall => zerowasm::CoreFeatures::V2_0,
            FeatureSet::Core3 => zerowasm::CoreFeatures::V3_0,
        }
    }

    /// Whether the oracle (wasmi 2) runs `wasm`, a module of this set: always, except a
    /// `core-3.0` module that uses what wasmi does not implement (the threads proposal, relaxed
    /// SIMD), which only zerowasm's two engines run.
    pub fn oracle_runs(self, wasm: &[u8]) -> bool {
        use wasmparser::WasmFeatures as F;
        match self {
            FeatureSet::Core1 | FeatureSet::Core2 | FeatureSet::Simd | FeatureSet::TailCall => true,
            FeatureSet::Core3 => {
                let wasmi = F::WASM3.difference(F::GC | F::EXCEPTIONS | F::THREADS | F::RELAXED_SIMD) | F::WIDE_ARITHMETIC;
                wasmparser::Validator::new_with_features(wasmi).validate_all(wasm).is_ok()
            }
        }
    }

    /// `config` validating this set: its core features, plus the proposals it adds.
    pub fn configure(self, config: zerowasm::RuntimeConfig) -> zerowasm::RuntimeConfig {
        let config = config.with_core_features(self.core_features());
        match self {
            FeatureSet::Core1 | FeatureSet::Core2 | FeatureSet::Simd => config.with_wasm_tail_call(false),
            FeatureSet::TailCall => config.with_wasm_tail_call(true),
            FeatureSet::Core3 => config.with_wasm_gc(false).with_wasm_wide_arithmetic(true),
        }
    }

    /// The wasm-smith configuration: small modules, bounded memories and tables, every item
    /// exported, NaNs canonicalised, only this set's proposals.
    pub fn smith_config(self) -> Config {
        let core2 = self != FeatureSet::Core1;
        let core3 = self == FeatureSet::Core3;
        let mut c = Config::default();
        // GC is off whatever the set; the other 3.0 features are the `core-3.0` set's (tail
        // calls the `tail-call` set's too).
        c.exceptions_enabled = core3;
        c.gc_enabled = false;
        c.threads_enabled = core3;
        c.tail_call_enabled = self == FeatureSet::TailCall || core3;
        c.memory64_enabled = core3;
        c.relaxed_simd_enabled = core3;
        c.wide_arithmetic_enabled = core3;
        c.extended_const_enabled = core3;
        c.custom_page_sizes_enabled = false;
        c.compact_imports_enabled = false;
        c.shared_everything_threads_enabled = false;
        c.custom_descriptors_enabled = false;
        // Core 2.0 proposals.
        c.bulk_memory_enabled = core2;
        c.reference_types_enabled = core2;
        c.multi_value_enabled = core2;
        c.saturating_float_to_int_enabled = core2;
        c.sign_extension_ops_enabled = core2;
        c.simd_enabled = self == FeatureSet::Simd || core3;
        // A NaN's payload is nondeterministic by the spec
        // (https://webassembly.github.io/spec/core/exec/numerics.html#nan-propagation): wasm-smith
        // rewrites every float result to the canonical NaN, so bits compare exactly.
        c.canonicalize_nans = true;
        // Small modules: generation and compilation dominate the time per case.
        c.max_types = 12;
        c.max_imports = 6;
        c.min_funcs = 3;
        c.max_funcs = 10;
        c.max_globals = 8;
        c.max_exports = 24;
        c.max_data_segments = 4;
        c.max_element_segments = 4;
        c.max_elements = 16;
        c.max_instructions = 60;
        c.max_nesting_depth = 6;
        c.max_memories = if core3 { 2 } else { 1 };
        c.max_tables = if core2 { 2 } else { 1 };
        c.max_memory32_bytes = MAX_MEMORY_PAGES * 65536;
        c.max_memory64_bytes = (MAX_MEMORY_PAGES * 65536) as u128;
        c.memory_max_size_required = true;
        c.max_table_elements = MAX_TABLE_ELEMENTS;
        c.table_max_size_required = true;
        c.export_everything = true;
        c.allow_start_export = true;
        c
    }
}

/// One generated test case.
#[derive(Clone, Debug)]
pub struct Case {
    /// The seed it was generated from (replays it: `zerowasm-harness fuzz --seed S --count 1`).
    pub seed: u64,
    /// The feature set it was generated for.
    pub features: FeatureSet,
    /// The binary module.
    pub wasm: Vec<u8>,
    /// Seed of the call arguments ([`args`]).
    pub arg_seed: u64,
}

/// SplitMix64: a tiny, well-mixed generator, enough to expand a seed into bytes.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// Mixes several numbers into one seed.
pub fn mix(parts: &[u64]) -> u64 {
    let mut r = Rng::new(0x5eed);
    for p in parts {
        r.0 ^= *p;
        r.next_u64();
    }
    r.next_u64()
}

/// The case of `seed` for `features`: 1–8 KiB of bytes from the seed, turned into a module.
pub fn generate(seed: u64, features: FeatureSet) -> Result<Case, String> {
    let mut rng = Rng::new(seed);
    let len = 1024 + rng.below(7 * 1024) as usize;
    let mut bytes = vec![0u8; len];
    for chunk in bytes.chunks_mut(8) {
        let v = rng.next_u64().to_le_bytes();
        chunk.copy_from_slice(&v[..chunk.len()]);
    }
    let mut u = Unstructured::new(&bytes);
    let (wasm, arg_seed) = from_unstructured(&mut u, features)?;
    Ok(Case { seed, features, wasm, arg_seed })
}

/// A module and an argument seed from raw fuzzer bytes (also the cargo-fuzz target's entry).
/// The module gets the termination instrumentation and its fuel global exported as
/// [`FUEL_EXPORT`].
pub fn from_unstructured(u: &mut Unstructured<'_>, features: FeatureSet) -> Result<(Vec<u8>, u64), String> {
    let mut module = Module::new(features.smith_config(), u).map_err(|e| format!("wasm-smith: {e}"))?;
    // Termination: wasm-smith decrements a fuel global at every function entry and loop head
    // and executes `unreachable` when it is exhausted; both engines run that code alike.
    let fuel = module.ensure_termination(FUEL_PER_CALL as u32).map_err(|e| format!("wasm-smith: {e}"))?;
    let arg_seed: u64 = u.arbitrary().unwrap_or(0);
    let wasm = export_global(&module.to_bytes(), FUEL_EXPORT, fuel)?;
    if waits(&wasm) {
        // A wait whose value matches sleeps out its timeout (forever if none) when no other
        // thread can notify it (`vm::atomics`): the termination instrumentation cannot stop it.
        return Err("the module has memory.atomic.wait: not run (nothing can notify it)".into());
    }
    Ok((wasm, arg_seed))
}

/// Whether `wasm` contains `memory.atomic.wait32` or `wait64`.
fn waits(wasm: &[u8]) -> bool {
    use wasmparser::{Operator as O, Payload};
    wasmparser::Parser::new(0).parse_all(wasm).any(|p| match p {
        Ok(Payload::CodeSectionEntry(body)) => body.get_operators_reader().is_ok_and(|r| {
            r.into_iter().any(|op| matches!(op, Ok(O::MemoryAtomicWait32 { .. } | O::MemoryAtomicWait64 { .. })))
        }),
        _ => false,
    })
}

/// `wasm` with one more export, of global `index` as `name` (wasm-smith leaves its fuel
/// global unexported). The export section is rewritten or inserted in its place.
pub fn export_global(wasm: &[u8], name: &str, index: u32) -> Result<Vec<u8>, String> {
    use wasm_encoder::{ExportKind, ExportSection, RawSection};
    use wasmparser::{ExternalKind, Parser, Payload};
    let mut out = wasm_encoder::Module::new();
    let mut done = false;
    let fuel_only = || {
        let mut s = ExportSection::new();
        s.export(name, ExportKind::Global, index);
        s
    };
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| e.to_string())?;
        if let Payload::ExportSection(reader) = &payload {
            let mut s = ExportSection::new();
            for e in reader.clone() {
                let e = e.map_err(|e| e.to_string())?;
                let kind = match e.kind {
                    ExternalKind::Func | ExternalKind::FuncExact => ExportKind::Func,
                    ExternalKind::Table => ExportKind::Table,
                    ExternalKind::Memory => ExportKind::Memory,
                    ExternalKind::Global => ExportKind::Global,
                    ExternalKind::Tag => ExportKind::Tag,
                };
                s.export(e.name, kind, e.index);
            }
            s.export(name, ExportKind::Global, index);
            out.section(&s);
            done = true;
            continue;
        }
        if let Some((id, range)) = payload.as_section() {
            // Sections after exports: start, element, data count, code, data.
            if !done && matches!(id, 8 | 9 | 12 | 10 | 11) {
                out.section(&fuel_only());
                done = true;
            }
            out.section(&RawSection { id, data: &wasm[range.start as usize..range.end as usize] });
        }
    }
    if !done {
        out.section(&fuel_only());
    }
    Ok(out.finish())
}

/// A value type, common to zerowasm and the oracle: zerowasm's own (the oracle maps wasmi's
/// onto it).
pub use zerowasm::ValType as Ty;

/// A value as the fuzzer compares it: numbers as bits, references by identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    I32(u32),
    I64(u64),
    F32(u32),
    F64(u64),
    V128(u128),
    /// A function reference: `None` is null; otherwise the name of the first export that is
    /// this function (`""` when it is not exported, or when the engine cannot tell).
    Func(Option<String>),
    /// An external reference: `None` is null; otherwise the host's number inside it.
    Extern(Option<u32>),
    /// An exception reference: `None` is null; otherwise its tag's type and its payload (the
    /// fuzzer passes only null ones in).
    Exn(Option<String>),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::I32(v) => write!(f, "i32:{v:#010x}"),
            Value::I64(v) => write!(f, "i64:{v:#018x}"),
            Value::F32(v) => write!(f, "f32:{v:#010x}"),
            Value::F64(v) => write!(f, "f64:{v:#018x}"),
            Value::V128(v) => write!(f, "v128:{v:#034x}"),
            Value::Func(None) => f.write_str("funcref:null"),
            Value::Func(Some(n)) => write!(f, "funcref:{n:?}"),
            Value::Extern(None) => f.write_str("externref:null"),
            Value::Extern(Some(n)) => write!(f, "externref:{n}"),
            Value::Exn(None) => f.write_str("exnref:null"),
            Value::Exn(Some(d)) => write!(f, "exnref:{d}"),
        }
    }
}

/// A generated value of type `ty`: edge cases half of the time, random bits otherwise.
/// Function references name one of `funcs` (exported functions) or are null.
pub fn value(rng: &mut Rng, ty: Ty, funcs: &[String]) -> Value {
    let edge = rng.below(2) == 0;
    let r = rng.next_u64();
    match ty {
        Ty::I32 => Value::I32(if edge {
            [0, 1, 2, u32::MAX, 0x8000_0000, 0x7fff_ffff, 7, 0xff, 0x1_0000, 16][rng.below(10) as usize]
        } else {
            r as u32
        }),
        Ty::I64 => Value::I64(if edge {
            [0, 1, 2, u64::MAX, 1 << 63, i64::MAX as u64, 0xffff_ffff, 1 << 32, 7, 64][rng.below(10) as usize]
        } else {
            r
        }),
        Ty::F32 => Value::F32(if edge {
            let v: [f32; 10] = [0.0, -0.0, 1.0, -1.0, 0.5, f32::INFINITY, f32::NEG_INFINITY, f32::MAX, 1e-45, 2147483648.0];
            [v[rng.below(10) as usize].to_bits(), 0x7fc0_0000][rng.below(2) as usize]
        } else {
            r as u32
        }),
        Ty::F64 => Value::F64(if edge {
            let v: [f64; 10] = [0.0, -0.0, 1.0, -1.0, 0.5, f64::INFINITY, f64::NEG_INFINITY, f64::MAX, 5e-324, 9.2233720368547758e18];
            [v[rng.below(10) as usize].to_bits(), 0x7ff8_0000_0000_0000][rng.below(2) as usize]
        } else {
            r
        }),
        Ty::V128 => Value::V128(if edge { [0, u128::MAX, 1][rng.below(3) as usize] } else { (r as u128) << 64 | rng.next_u64() as u128 }),
        Ty::FUNCREF => Value::Func(if funcs.is_empty() || rng.below(3) == 0 {
            None
        } else {
            Some(funcs[rng.below(funcs.len() as u64) as usize].clone())
        }),
        Ty::EXTERNREF => Value::Extern(if rng.below(3) == 0 { None } else { Some(rng.below(100) as u32) }),
        Ty::EXNREF => Value::Exn(None),
        other => unimplemented!("the fuzzer generates no {other} arguments"),
    }
}

/// The arguments of call `round` of the `index`-th exported function.
pub fn args(arg_seed: u64, round: u32, index: usize, params: &[Ty], funcs: &[String]) -> Vec<Value> {
    let mut rng = Rng::new(mix(&[arg_seed, round as u64, index as u64]));
    params.iter().map(|t| value(&mut rng, *t, funcs)).collect()
}

/// The results a host function returns for its `call`-th call (deterministic), or `None` when
/// that call traps (about one call in 25).
pub fn host_results(import: usize, call: u64, results: &[Ty]) -> Option<Vec<Value>> {
    let mut rng = Rng::new(mix(&[0x4057, import as u64, call]));
    if rng.below(25) == 0 {
        return None;
    }
    Some(results.iter().map(|t| value(&mut rng, *t, &[])).collect())
}

/// A mutated copy of `wasm` for the validation fuzzing: bytes flipped, removed, inserted or
/// the module cut short.
pub fn mutate(wasm: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut w = wasm.to_vec();
    let n = 1 + rng.below(4);
    for _ in 0..n {
        if w.len() <= 8 {
            w.push(rng.next_u64() as u8);
            continue;
        }
        // Keep the header most of the time, so the mutation reaches the sections.
        let at = 8 + rng.below(w.len() as u64 - 8) as usize;
        match rng.below(5) {
            0 => w[at] ^= 1 << rng.below(8),
            1 => w[at] = rng.next_u64() as u8,
            2 => {
                w.remove(at);
            }
            3 => w.insert(at, [0, 0x7f, 0x80, 0xff, 0x41, 0x0b][rng.below(6) as usize]),
            _ => w.truncate(at),
        }
    }
    w
}

/// Whether `op` is one of the threads proposal's atomic instructions.
#[cfg(test)]
fn is_atomic(op: &wasmparser::Operator<'_>) -> bool {
    use wasmparser::Operator as O;
    matches!(op, O::I32AtomicLoad { .. } | O::I64AtomicLoad { .. } | O::I32AtomicStore { .. } | O::I64AtomicStore { .. }
        | O::I32AtomicRmwAdd { .. } | O::I64AtomicRmwAdd { .. } | O::I32AtomicRmwCmpxchg { .. } | O::I64AtomicRmwCmpxchg { .. }
        | O::I32AtomicRmw8AddU { .. } | O::I32AtomicRmwXchg { .. } | O::MemoryAtomicNotify { .. } | O::MemoryAtomicWait32 { .. }
        | O::AtomicFence { .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `tail-call` set does make modules with tail calls (so its campaigns exercise them),
    /// and the others none.
    #[test]
    fn the_tail_call_set_generates_tail_calls() {
        let tail_calls = |features: FeatureSet| {
            (0..200u64)
                .filter_map(|seed| generate(seed, features).ok())
                .filter(|case| {
                    wasmparser::Parser::new(0).parse_all(&case.wasm).any(|p| match p {
                        Ok(wasmparser::Payload::CodeSectionEntry(body)) => body.get_operators_reader().is_ok_and(|r| {
                            r.into_iter().any(|op| {
                                matches!(op, Ok(wasmparser::Operator::ReturnCall { .. } | wasmparser::Operator::ReturnCallIndirect { .. }))
                            })
                        }),
                        _ => false,
                    })
                })
                .count()
        };
        assert!(tail_calls(FeatureSet::TailCall) >= 20, "{}", tail_calls(FeatureSet::TailCall));
        assert_eq!(tail_calls(FeatureSet::Core2), 0);
    }

    /// The `core-3.0` set makes modules with each of its features, and some the oracle runs.
    #[test]
    fn the_core_3_set_generates_its_features() {
        use wasmparser::{Operator as O, Payload};
        let cases: Vec<Case> = (0..600u64).filter_map(|seed| generate(seed, FeatureSet::Core3).ok()).collect();
        let count = |pred: &dyn Fn(&Payload<'_>) -> bool| {
            cases.iter().filter(|c| wasmparser::Parser::new(0).parse_all(&c.wasm).any(|p| p.is_ok_and(|p| pred(&p)))).count()
        };
        let has_op = |f: fn(&O<'_>) -> bool| {
            move |p: &Payload<'_>| match p {
                Payload::CodeSectionEntry(body) => {
                    body.get_operators_reader().is_ok_and(|r| r.into_iter().any(|op| op.is_ok_and(|op| f(&op))))
                }
                _ => false,
            }
        };
        let memories = |p: &Payload<'_>| match p {
            Payload::MemorySection(s) => s.clone().into_iter().any(|m| m.is_ok_and(|m| m.memory64 || m.shared)),
            _ => false,
        };
        let atomics = has_op(|op| crate::fuzz::gen::is_atomic(op));
        let relaxed = has_op(|op| matches!(op, O::F32x4RelaxedMadd | O::I8x16RelaxedSwizzle | O::F32x4RelaxedMin | O::I16x8RelaxedQ15mulrS | O::I32x4RelaxedTruncF32x4S | O::I8x16RelaxedLaneselect));
        let wide = has_op(|op| matches!(op, O::I64Add128 | O::I64Sub128 | O::I64MulWideS | O::I64MulWideU));
        let tail = has_op(|op| matches!(op, O::ReturnCall { .. } | O::ReturnCallIndirect { .. }));
        let catches = has_op(|op| matches!(op, O::TryTable { try_table } if !try_table.catches.is_empty()));
        let throws = has_op(|op| matches!(op, O::Throw { .. } | O::ThrowRef));
        for (what, n) in [
            ("64-bit or shared memories", count(&memories)),
            ("atomics", count(&atomics)),
            ("relaxed SIMD", count(&relaxed)),
            ("wide arithmetic", count(&wide)),
            ("tail calls", count(&tail)),
            ("try_table with catch clauses", count(&catches)),
            ("throw", count(&throws)),
        ] {
            assert!(n >= 5, "{what}: {n} of {} modules", cases.len());
        }
        let oracle = cases.iter().filter(|c| FeatureSet::Core3.oracle_runs(&c.wasm)).count();
        assert!(oracle >= 20 && oracle < cases.len(), "the oracle runs {oracle} of {}", cases.len());
    }
}
