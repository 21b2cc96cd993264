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
}

impl FeatureSet {
    /// Every feature set, in report order.
    pub const ALL: [FeatureSet; 3] = [FeatureSet::Core1, FeatureSet::Core2, FeatureSet::Simd];

    /// The name used on the command line and in reports: `core-1.0`, `core-2.0`, `simd`.
    pub fn name(self) -> &'static str {
        match self {
            FeatureSet::Core1 => "core-1.0",
            FeatureSet::Core2 => "core-2.0",
            FeatureSet::Simd => "simd",
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
            FeatureSet::Core2 | FeatureSet::Simd => zerowasm::CoreFeatures::V2_0,
        }
    }

    /// The wasm-smith configuration: small modules, bounded memories and tables, every item
    /// exported, NaNs canonicalised, only this set's proposals.
    pub fn smith_config(self) -> Config {
        let core2 = self != FeatureSet::Core1;
        let mut c = Config::default();
        // Proposals outside Core 2.0 are off whatever the set.
        c.exceptions_enabled = false;
        c.gc_enabled = false;
        c.threads_enabled = false;
        c.tail_call_enabled = false;
        c.memory64_enabled = false;
        c.relaxed_simd_enabled = false;
        c.wide_arithmetic_enabled = false;
        c.extended_const_enabled = false;
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
        c.simd_enabled = self == FeatureSet::Simd;
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
        c.max_memories = 1;
        c.max_tables = if core2 { 2 } else { 1 };
        c.max_memory32_bytes = MAX_MEMORY_PAGES * 65536;
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
    Ok((wasm, arg_seed))
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
