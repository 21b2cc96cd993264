//! [`RuntimeConfig`]: the engine, the core feature set and the limits of a [`Runtime`](crate::Runtime).

/// Which engine runs the modules of a runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EngineKind {
    /// The Interpreter: translates each function once into a register-based IR and executes it.
    /// Runs on every target Rust builds for.
    Interpreter,
    /// The Compiler: translates every function to machine code with
    /// [Cranelift](https://cranelift.dev) when the module is compiled. Available on x86_64,
    /// aarch64, riscv64 and s390x Unix hosts ([`EngineKind::is_available`]); elsewhere a
    /// runtime configured with it uses the Interpreter.
    ///
    /// Recursion is limited by the native stack it may use
    /// ([`RuntimeConfig::with_max_wasm_stack`]), not by a call depth
    /// (and by a call depth only if [`RuntimeConfig::with_max_call_depth`] is set explicitly).
    Compiler,
}

impl EngineKind {
    /// Whether this engine can run on this host: always for the Interpreter; for the Compiler,
    /// when Cranelift supports the host's architecture and CPU.
    pub fn is_available(self) -> bool {
        match self {
            EngineKind::Interpreter => true,
            EngineKind::Compiler => crate::compiler::Compiler::is_supported(),
        }
    }
}

/// The WebAssembly core specification version whose features validation accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CoreFeatures {
    /// [WebAssembly Core 1.0](https://www.w3.org/TR/wasm-core-1/) (MVP plus mutable globals).
    V1_0,
    /// [WebAssembly Core 2.0](https://www.w3.org/TR/wasm-core-2/): adds multi-value, reference
    /// types, bulk memory, non-trapping float-to-int, sign extension and SIMD.
    V2_0,
    /// [WebAssembly Core 3.0](https://webassembly.github.io/spec/versions/core/WebAssembly-3.0-draft.pdf):
    /// adds tail calls, extended constant expressions, typed function references, GC,
    /// exception handling, multi-memory, memory64 and table64, relaxed SIMD, and the atomic
    /// instructions of the threads proposal. Validation accepts all of it; an instruction an
    /// engine does not run yet (GC's) fails to compile with a
    /// [`CompileError`](crate::CompileError) that names it.
    V3_0,
}

/// The features a default [`RuntimeConfig`] validates: all of Core 3.0 that both engines run,
/// that is everything but garbage collection (whose modules are refused at validation with the
/// validator's message, until the engines run them), and the legacy exception-handling
/// instructions, which binaries built by older toolchains still hold.
pub(crate) const DEFAULT_FEATURES: wasmparser::WasmFeatures = wasmparser::WasmFeatures::WASM3
    .difference(wasmparser::WasmFeatures::GC)
    .union(wasmparser::WasmFeatures::LEGACY_EXCEPTIONS);

impl CoreFeatures {
    pub(crate) fn wasm_features(self) -> wasmparser::WasmFeatures {
        match self {
            CoreFeatures::V1_0 => wasmparser::WasmFeatures::WASM1,
            CoreFeatures::V2_0 => wasmparser::WasmFeatures::WASM2,
            CoreFeatures::V3_0 => wasmparser::WasmFeatures::WASM3,
        }
    }
}

/// Configuration of a [`Runtime`](crate::Runtime): engine, core features and limits.
///
/// ```
/// use zerowasm::{RuntimeConfig, CoreFeatures};
/// let config = RuntimeConfig::interpreter()
///     .with_core_features(CoreFeatures::V1_0)
///     .with_memory_limit_pages(16); // 1 MiB
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeConfig {
    pub(crate) engine: EngineKind,
    /// The preset last chosen with [`RuntimeConfig::with_core_features`].
    pub(crate) core: CoreFeatures,
    /// The features validation accepts: the preset's, then each switch's.
    pub(crate) features: wasmparser::WasmFeatures,
    pub(crate) memory_limit_pages: u32,
    pub(crate) max_call_depth: u32,
    /// Whether `max_call_depth` was set explicitly (the Compiler then counts depth too).
    pub(crate) call_depth_set: bool,
    pub(crate) max_wasm_stack: usize,
    pub(crate) signals_based_traps: bool,
    pub(crate) consume_fuel: bool,
    pub(crate) interruptible: bool,
    pub(crate) listener: Option<crate::api::ListenerSlot>,
    pub(crate) cache: Option<crate::CompilationCache>,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            engine: if EngineKind::Compiler.is_available() { EngineKind::Compiler } else { EngineKind::Interpreter },
            core: CoreFeatures::V3_0,
            features: DEFAULT_FEATURES,
            memory_limit_pages: 65536,
            max_call_depth: 20_000,
            call_depth_set: false,
            max_wasm_stack: 1 << 20,
            signals_based_traps: true,
            consume_fuel: false,
            interruptible: false,
            listener: None,
            cache: None,
        }
    }
}

impl RuntimeConfig {
    /// The default configuration: the Compiler where it is
    /// [available](EngineKind::is_available), else the Interpreter; Core 3.0 features except
    /// garbage collection and exception handling, which neither engine runs yet (modules using
    /// them are refused at validation; [`RuntimeConfig::with_core_features`] with
    /// [`CoreFeatures::V3_0`] accepts them, to fail at compilation); no
    /// memory limit beyond 4 GiB (65536 pages); call depth 20 000 (Interpreter) and 1 MiB of
    /// native stack (Compiler); no fuel, not interruptible.
    pub fn new() -> Self {
        Self::default()
    }
    /// The default configuration with the Interpreter engine.
    pub fn interpreter() -> Self {
        Self::default().with_engine(EngineKind::Interpreter)
    }
    /// The default configuration with the Compiler engine, or with the Interpreter where the
    /// Compiler is not [available](EngineKind::is_available).
    pub fn compiler() -> Self {
        let engine = if EngineKind::Compiler.is_available() { EngineKind::Compiler } else { EngineKind::Interpreter };
        Self::default().with_engine(engine)
    }
    /// Chooses the engine. A runtime made with an engine that is not
    /// [available](EngineKind::is_available) on this host uses the Interpreter.
    pub fn with_engine(mut self, engine: EngineKind) -> Self {
        self.engine = engine;
        self
    }
    /// Chooses the core feature set validation accepts; modules using later features fail to
    /// compile with a [`CompileError`](crate::CompileError).
    ///
    /// A preset sets every feature switch (`with_wasm_*`) to what that version contains;
    /// switches set afterwards change single features.
    pub fn with_core_features(mut self, features: CoreFeatures) -> Self {
        self.core = features;
        self.features = features.wasm_features();
        self
    }
    /// Caps every linear memory of the runtime at `pages` pages of 64 KiB (at most 65536, 4
    /// GiB), that is `pages * 65536` bytes whatever the memory's own page size (custom page
    /// sizes) or address type (memory64: its sizes may exceed 4 GiB in principle, not under
    /// this cap). A module whose initial memory exceeds it fails to instantiate; `memory.grow`
    /// beyond it returns -1.
    pub fn with_memory_limit_pages(mut self, pages: u32) -> Self {
        self.memory_limit_pages = pages.min(65536);
        self
    }
    /// Caps the number of nested wasm calls; a call beyond it traps with [`Trap::CallStackExhausted`](crate::Trap::CallStackExhausted).
    /// At least 1; default 20 000 on the Interpreter. The Compiler limits recursion by native
    /// stack ([`RuntimeConfig::with_max_wasm_stack`]) and counts depth only when this is set
    /// explicitly (a load and two stores per call), so that both limits then apply.
    pub fn with_max_call_depth(mut self, depth: u32) -> Self {
        self.max_call_depth = depth.max(1);
        self.call_depth_set = true;
        self
    }
    /// Caps the native stack, in bytes, that compiled code may use below the point where the
    /// host calls into wasm (Compiler only; default 1 MiB, at least 64 KiB). A call that would
    /// go deeper traps with [`Trap::CallStackExhausted`](crate::Trap::CallStackExhausted)
    /// instead of overflowing the stack. The calling thread's stack must have this much room
    /// left, plus what host functions called from wasm use: threads spawned by `std` get 2 MiB.
    pub fn with_max_wasm_stack(mut self, bytes: usize) -> Self {
        self.max_wasm_stack = bytes.max(64 << 10);
        self
    }
    /// Whether the Compiler may trap out-of-bounds memory accesses with guard pages (default:
    /// on; the Interpreter always checks explicitly). On x86_64 Linux, every linear memory of
    /// 64 KiB pages (32- or 64-bit) is then a reservation of 8 GiB of address space
    /// (`memory.grow` makes more of it accessible in place), compiled code accesses it without
    /// comparing the address with the memory's length (a 64-bit address is clamped to 2^32
    /// first: such memories stay below 4 GiB), and an access past the end faults; a
    /// `SIGSEGV`/`SIGBUS` handler installed once per process turns faults at those accesses into
    /// [`Trap::MemoryOutOfBounds`](crate::Trap::MemoryOutOfBounds) and passes any other fault
    /// to the handler installed before it. Loops over memory run faster and compile faster.
    /// Memories of 1-byte pages (custom page sizes) are always checked explicitly.
    /// Off, or on other hosts, every access is checked explicitly (a compare and a branch) and
    /// memories are heap buffers. The trap and the memory's contents are the same either way
    /// ([§4.4.7](https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions):
    /// an access past the memory's length traps and writes nothing).
    pub fn with_signals_based_traps(mut self, enable: bool) -> Self {
        self.signals_based_traps = enable;
        self
    }
    /// Makes running code consume fuel, on either engine: each executed wasm operator costs
    /// one unit, except `nop`, `drop`, `block`, `loop`, `else` and `end`, which are free (the
    /// cost model of wasmtime). Fuel is charged per straight-line segment of a function before
    /// the segment runs, the same way by both engines; when a segment costs more than is left,
    /// the call traps with [`Trap::FuelExhausted`](crate::Trap::FuelExhausted) ("fuel
    /// exhausted") and the fuel left is unchanged. A runtime starts with no fuel: give it some
    /// with [`Runtime::set_fuel`](crate::Runtime::set_fuel) or
    /// [`Runtime::add_fuel`](crate::Runtime::add_fuel) before calling. Off by default, as the
    /// accounting slows loops down.
    pub fn with_consume_fuel(mut self, enable: bool) -> Self {
        self.consume_fuel = enable;
        self
    }
    /// Lets an [`InterruptHandle`](crate::InterruptHandle) stop running code from another
    /// thread: both engines then check the runtime's interrupt flag on every function entry and
    /// at every loop header, and trap with [`Trap::Interrupted`](crate::Trap::Interrupted)
    /// ("interrupted") when it is set. Off by default (the checks cost a little in loops);
    /// [`Runtime::interrupt_handle`](crate::Runtime::interrupt_handle) refuses to hand out a
    /// handle without it.
    pub fn with_interruptible(mut self, enable: bool) -> Self {
        self.interruptible = enable;
        self
    }
    /// Installs `listener`, called around every wasm and host function call of the runtime on
    /// either engine ([`FunctionListener`](crate::FunctionListener)). Without one (the
    /// default), the hooks are not compiled in and cost nothing.
    pub fn with_function_listener(mut self, listener: std::sync::Arc<dyn crate::FunctionListener>) -> Self {
        self.listener = Some(crate::api::ListenerSlot(listener));
        self
    }
    /// Compiles modules through `cache`: a module compiled before (by any runtime sharing the
    /// cache with the same engine and configuration, or, with a cache directory, by an earlier
    /// process) is not compiled again. See [`CompilationCache`](crate::CompilationCache).
    pub fn with_compilation_cache(mut self, cache: crate::CompilationCache) -> Self {
        self.cache = Some(cache);
        self
    }
    /// Whether running code consumes fuel ([`RuntimeConfig::with_consume_fuel`]).
    pub fn consume_fuel(&self) -> bool {
        self.consume_fuel
    }
    /// Whether running code can be interrupted ([`RuntimeConfig::with_interruptible`]).
    pub fn interruptible(&self) -> bool {
        self.interruptible
    }
    /// The engine chosen.
    pub fn engine(&self) -> EngineKind {
        self.engine
    }
    /// The core feature preset chosen last (single features may differ: `wasm_*`).
    pub fn core_features(&self) -> CoreFeatures {
        self.core
    }
    /// The memory limit, in pages.
    pub fn memory_limit_pages(&self) -> u32 {
        self.memory_limit_pages
    }
    /// The call depth limit.
    pub fn max_call_depth(&self) -> u32 {
        self.max_call_depth
    }
    /// Whether the Compiler may trap memory accesses with guard pages
    /// ([`RuntimeConfig::with_signals_based_traps`]).
    pub fn signals_based_traps(&self) -> bool {
        self.signals_based_traps
    }
    /// The native stack limit of compiled code, in bytes.
    pub fn max_wasm_stack(&self) -> usize {
        self.max_wasm_stack
    }
}

/// Every WebAssembly feature a runtime can switch on or off, once: the setter, the getter, the
/// validator's flag, and what it is. The presets ([`CoreFeatures`]) set them all; Wasm 3.0's
/// proposals join this list as the engines implement them.
macro_rules! for_each_feature {
    ($m:ident) => {
        $m! {
            /// [Import and export of mutable globals](https://github.com/WebAssembly/mutable-global)
            /// (in Core 1.0).
            with_wasm_mutable_global, wasm_mutable_global: MUTABLE_GLOBAL;
            /// [Sign-extension operators](https://github.com/WebAssembly/sign-extension-ops)
            /// (Core 2.0).
            with_wasm_sign_extension, wasm_sign_extension: SIGN_EXTENSION;
            /// [Non-trapping float-to-int conversions](https://github.com/WebAssembly/nontrapping-float-to-int-conversions)
            /// (Core 2.0).
            with_wasm_saturating_float_to_int, wasm_saturating_float_to_int: SATURATING_FLOAT_TO_INT;
            /// [Multi-value](https://github.com/WebAssembly/multi-value) results and block
            /// parameters (Core 2.0).
            with_wasm_multi_value, wasm_multi_value: MULTI_VALUE;
            /// [Reference types](https://github.com/WebAssembly/reference-types): `externref`,
            /// table instructions, several tables (Core 2.0).
            with_wasm_reference_types, wasm_reference_types: REFERENCE_TYPES;
            /// [Bulk memory operations](https://github.com/WebAssembly/bulk-memory-operations)
            /// and passive segments (Core 2.0).
            with_wasm_bulk_memory, wasm_bulk_memory: BULK_MEMORY;
            /// [128-bit SIMD](https://github.com/WebAssembly/simd) (Core 2.0).
            with_wasm_simd, wasm_simd: SIMD;
            /// [Tail calls](https://github.com/WebAssembly/tail-call): `return_call`,
            /// `return_call_indirect`, `return_call_ref` (Core 3.0).
            with_wasm_tail_call, wasm_tail_call: TAIL_CALL;
            /// [Extended constant expressions](https://github.com/WebAssembly/extended-const):
            /// `i32`/`i64` `add`, `sub`, `mul` in constant expressions (Core 3.0).
            with_wasm_extended_const, wasm_extended_const: EXTENDED_CONST;
            /// [Typed function references](https://github.com/WebAssembly/function-references):
            /// `call_ref`, non-nullable and concrete reference types (Core 3.0).
            with_wasm_function_references, wasm_function_references: FUNCTION_REFERENCES;
            /// [Multiple memories](https://github.com/WebAssembly/multi-memory) (Core 3.0).
            with_wasm_multi_memory, wasm_multi_memory: MULTI_MEMORY;
            /// [64-bit memories and tables](https://github.com/WebAssembly/memory64) (Core 3.0).
            with_wasm_memory64, wasm_memory64: MEMORY64;
            /// [Relaxed SIMD](https://github.com/WebAssembly/relaxed-simd) (Core 3.0).
            with_wasm_relaxed_simd, wasm_relaxed_simd: RELAXED_SIMD;
            /// [Threads](https://github.com/WebAssembly/threads): shared memories and the
            /// atomic instructions (in the Core 3.0 preset for the atomic instructions, which
            /// real programs use on unshared memories too).
            with_wasm_threads, wasm_threads: THREADS;
            /// [Exception handling](https://github.com/WebAssembly/exception-handling) with
            /// `exnref` (Core 3.0).
            with_wasm_exceptions, wasm_exceptions: EXCEPTIONS;
            /// [Garbage collection](https://github.com/WebAssembly/gc): structs, arrays,
            /// `i31ref` (Core 3.0).
            with_wasm_gc, wasm_gc: GC;
            /// [Wide arithmetic](https://github.com/WebAssembly/wide-arithmetic): 128-bit
            /// `i64.add128`, `i64.sub128`, `i64.mul_wide_s`, `i64.mul_wide_u` (phase 4, in
            /// no preset).
            with_wasm_wide_arithmetic, wasm_wide_arithmetic: WIDE_ARITHMETIC;
            /// [Custom page sizes](https://github.com/WebAssembly/custom-page-sizes): memories
            /// whose page is 1 byte (phase 4, in no preset).
            with_wasm_custom_page_sizes, wasm_custom_page_sizes: CUSTOM_PAGE_SIZES;
            /// [Legacy exception handling](https://github.com/WebAssembly/exception-handling/blob/main/proposals/exception-handling/legacy/Exceptions.md):
            /// `try`, `catch`, `delegate`, `rethrow` (in no preset).
            with_wasm_legacy_exceptions, wasm_legacy_exceptions: LEGACY_EXCEPTIONS;
        }
    };
}

macro_rules! feature_switches {
    ($($(#[$doc:meta])* $set:ident, $get:ident: $flag:ident;)*) => {
        impl RuntimeConfig {
            $(
                $(#[$doc])*
                ///
                /// Switches the feature on or off for validation: a module that uses it fails
                /// to compile with a [`CompileError`](crate::CompileError) when it is off.
                pub fn $set(mut self, enable: bool) -> Self {
                    self.features.set(wasmparser::WasmFeatures::$flag, enable);
                    self
                }
                /// Whether the feature is on (see the setter of the same name with `with_`).
                pub fn $get(&self) -> bool {
                    self.features.contains(wasmparser::WasmFeatures::$flag)
                }
            )*
        }
    };
}

for_each_feature!(feature_switches);
