//! The Compiler engine: translates every function of a module to machine code with Cranelift
//! at [`Runtime::compile`](crate::Runtime::compile) ([`translate`]), places it in W^X code memory
//! ([`code_memory`]) and runs it against per-instance VMContexts ([`vmctx`]).
//!
//! Calls from the host enter through a per-signature *entry trampoline* (compiled with the
//! module) that takes the callee's code, its VMContext and an array of 64-bit cells holding the
//! arguments, and leaves the results there. Calls from compiled code to host functions go
//! through the `host_call` libcall ([`libcalls`]). Traps travel as a code in the store's
//! [`vmctx::VMStoreContext`] (see `translate`'s module docs); the entry turns them into
//! [`Trap`]s. Out-of-bounds memory accesses fault instead where the host supports it
//! ([`signals`]), and the handler resumes at the entry.

mod code_memory;
mod funcrefs;
mod libcalls;
mod signals;
mod translate;
mod vmctx;

use crate::vm::{InstantiationError, Trap};
use crate::wasm::error::CompileError;
use crate::vm::defs::Pinned;
use crate::vm::{Engine, EngineCode, FuncEntity, GroupEngineState, InstanceEngineState, Instrumentation, Store};
use crate::wasm::Module;
use code_memory::CodeMemory;
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::types::I64;
use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::ir::{AbiParam, ExternalName, Function, InstBuilder, Signature, UserFuncName};
use cranelift_codegen::FinalizedRelocTarget;
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use std::sync::Arc;
use vmctx::{trap_code, Pending, VMContext, VMFuncRef, VMOffsets, VMStoreContext};

/// Whether this target is one the Compiler supports (x86_64, aarch64, riscv64, s390x on a Unix
/// OS); the host's CPU features are checked by [`Compiler::new`].
pub(crate) const TARGET_SUPPORTED: bool = cfg!(all(
    unix,
    any(target_arch = "x86_64", target_arch = "aarch64", target_arch = "riscv64", target_arch = "s390x")
));

/// The Compiler engine.
pub(crate) struct Compiler {
    isa: OwnedTargetIsa,
    /// The native stack compiled code may use below the point where the host first enters it,
    /// in bytes; deeper recursion traps with "call stack exhausted".
    stack_budget: usize,
    /// The fuel and interrupt checks to compile into every function.
    instr: Instrumentation,
    /// Whether memories are reservations and out-of-bounds accesses fault into the signal
    /// handler ([`signals`]) instead of being checked explicitly.
    guarded: bool,
    /// The store's funcrefs, at a fixed address for every link group's code.
    funcrefs: funcrefs::FuncRefArray,
}

impl Compiler {
    /// A Compiler for the host ISA (detected with cranelift-native) whose code may use
    /// `stack_budget` bytes of native stack, with memory traps from guard pages if
    /// `signals_based_traps` and the host supports them ([`signals`]). Errors: the host is not
    /// supported.
    pub fn new(stack_budget: usize, instr: Instrumentation, signals_based_traps: bool) -> Result<Compiler, String> {
        if !TARGET_SUPPORTED {
            return Err("the Compiler does not support this target".into());
        }
        let guarded = signals_based_traps && signals::SUPPORTED && signals::install().is_ok();
        let mut flags = settings::builder();
        let set = |f: &mut settings::Builder, k: &str, v: &str| f.set(k, v).map_err(|e| format!("{k}={v}: {e}"));
        set(&mut flags, "opt_level", "speed")?;
        set(&mut flags, "enable_verifier", if cfg!(debug_assertions) { "true" } else { "false" })?;
        // Functions may return more values than there are return registers.
        set(&mut flags, "enable_multi_ret_implicit_sret", "true")?;
        set(&mut flags, "unwind_info", "false")?;
        // The signal handler walks frame pointers for a memory trap's backtrace, and Cranelift's
        // tail calls (`return_call`) rely on frame pointers on every ISA (x64 asserts it), so
        // they are kept with explicit bounds checks too.
        set(&mut flags, "preserve_frame_pointers", "true")?;
        let isa_builder = cranelift_native::builder().map_err(|e| format!("host ISA: {e}"))?;
        let isa = isa_builder.finish(settings::Flags::new(flags)).map_err(|e| format!("host ISA: {e}"))?;
        let funcrefs = funcrefs::FuncRefArray::new()?;
        Ok(Compiler { isa, stack_budget, instr, guarded, funcrefs })
    }

    /// Whether the Compiler can run on this host (detected once per process).
    pub fn is_supported() -> bool {
        static SUPPORTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *SUPPORTED.get_or_init(|| TARGET_SUPPORTED && cranelift_native::builder().is_ok())
    }

    fn host_cc(&self) -> CallConv {
        self.isa.default_call_conv()
    }

    fn compile_function(
        &self,
        env: &translate::Env<'_>,
        index: usize,
        fctx: &mut FunctionBuilderContext,
        ctx: &mut cranelift_codegen::Context,
    ) -> Result<Emitted, CompileError> {
        let m = env.module;
        let ty = m.func_type(m.num_imported_funcs + index as u32);
        ctx.clear();
        ctx.func.signature = translate::wasm_signature(ty);
        ctx.func.name = UserFuncName::user(0, index as u32);
        if let Err(e) = translate::translate(env, index, &mut ctx.func, fctx) {
            // A translation stopped half-way leaves the builder context dirty.
            *fctx = FunctionBuilderContext::new();
            return Err(e);
        }
        self.emit(ctx, &format!("function {}", m.num_imported_funcs as usize + index))
    }

    /// Compiles the function in `ctx` to machine code. The only relocations allowed are
    /// direct calls to the module's own functions, which placement patches.
    fn emit(&self, ctx: &mut cranelift_codegen::Context, what: &str) -> Result<Emitted, CompileError> {
        let code = ctx.compile(&*self.isa, &mut ControlPlane::default()).map_err(|e| CompileError {
            message: format!("Cranelift cannot compile {what}: {:?}", e.inner),
            offset: None,
        })?;
        let bytes = code.code_buffer().to_vec();
        let traps = code
            .buffer
            .traps()
            .iter()
            .filter(|t| t.code == cranelift_codegen::ir::TrapCode::HEAP_OUT_OF_BOUNDS)
            .map(|t| t.offset)
            .collect();
        let relocs: Vec<_> = code.buffer.relocs().to_vec();
        let mut calls = Vec::new();
        for r in relocs {
            let callee = match (&r.target, r.kind) {
                (FinalizedRelocTarget::ExternalName(ExternalName::User(name)), Reloc::X86CallPCRel4 | Reloc::X86CallPLTRel4 | Reloc::Arm64Call) => {
                    let n = &ctx.func.params.user_named_funcs()[*name];
                    (n.namespace == 0).then_some(n.index)
                }
                _ => None,
            };
            let Some(callee) = callee else {
                return Err(CompileError {
                    message: format!("Cranelift emitted an unexpected relocation in {what}: {:?} to {}", r.kind, r.target.display(None)),
                    offset: None,
                });
            };
            calls.push(CallReloc { offset: r.offset as usize, kind: r.kind, callee, addend: r.addend });
        }
        Ok(Emitted { bytes, calls, traps })
    }

    /// The entry trampoline for functions of type `ty`: `extern "C" fn(code, vmctx, values)`
    /// reads the arguments from the cell array `values`, calls `code` and writes the results
    /// back to `values`.
    fn compile_trampoline(&self, ty: &crate::wasm::types::FuncType) -> Result<Emitted, CompileError> {
        let mut sig = Signature::new(self.host_cc());
        sig.params.extend([AbiParam::new(I64), AbiParam::new(I64), AbiParam::new(I64)]);
        let mut func = Function::with_name_signature(UserFuncName::user(1, 0), sig);
        let mut fctx = FunctionBuilderContext::new();
        {
            let mut b = FunctionBuilder::new(&mut func, &mut fctx);
            let entry = b.create_block();
            b.append_block_params_for_function_params(entry);
            b.switch_to_block(entry);
            b.seal_block(entry);
            let p = b.block_params(entry).to_vec();
            let (code, vmctx, values) = (p[0], p[1], p[2]);
            let mut args = vec![vmctx];
            let mut off = 0;
            for t in ty.params() {
                let t = translate::clif_type(*t);
                args.push(translate::load_cell(&mut b, t, values, off));
                off += if t == cranelift_codegen::ir::types::I8X16 { 16 } else { 8 };
            }
            let wsig = b.import_signature(translate::wasm_signature(ty));
            let inst = b.ins().call_indirect(wsig, code, &args);
            let results = b.inst_results(inst).to_vec();
            let mut off = 0;
            for r in results {
                let wide = b.func.dfg.value_type(r) == cranelift_codegen::ir::types::I8X16;
                translate::store_cell(&mut b, r, values, off);
                off += if wide { 16 } else { 8 };
            }
            b.ins().return_(&[]);
            b.finalize();
        }
        let mut ctx = cranelift_codegen::Context::for_function(func);
        self.emit(&mut ctx, "an entry trampoline")
    }
}

/// One function's machine code, the direct calls in it to patch and the offsets of its linear
/// memory accesses (guarded memories only).
struct Emitted {
    bytes: Vec<u8>,
    calls: Vec<CallReloc>,
    traps: Vec<u32>,
}

/// A direct call from one of the module's functions to another.
struct CallReloc {
    /// Where the relocation applies, from the start of the calling function.
    offset: usize,
    kind: Reloc,
    /// The callee's defined-function index.
    callee: u32,
    addend: i64,
}

/// Patches the direct call `r` of the function placed at `at` in `blob` to the function at
/// `target`.
fn patch_call(blob: &mut [u8], at: usize, r: &CallReloc, target: usize) {
    let site = at + r.offset;
    let delta = target as i64 + r.addend - site as i64;
    match r.kind {
        Reloc::X86CallPCRel4 | Reloc::X86CallPLTRel4 => {
            let d = i32::try_from(delta).expect("code is smaller than 2 GiB");
            blob[site..site + 4].copy_from_slice(&d.to_le_bytes());
        }
        Reloc::Arm64Call => {
            assert!(delta % 4 == 0 && (-(1 << 27)..(1 << 27)).contains(&delta), "a branch within 128 MiB");
            let insn = u32::from_le_bytes(blob[site..site + 4].try_into().expect("4 bytes"));
            let insn = (insn & 0xfc00_0000) | ((delta >> 2) as u32 & 0x03ff_ffff);
            blob[site..site + 4].copy_from_slice(&insn.to_le_bytes());
        }
        k => unreachable!("emit only accepts call relocations, not {k:?}"),
    }
}

/// A module compiled by the Compiler: its machine code and where each function starts.
pub(crate) struct CompiledCode {
    pub module: Arc<Module>,
    pub offsets: VMOffsets,
    /// The code's registration with the signal handler (guarded memories). Declared before
    /// `code` so that it is dropped first: the address is unregistered before it is unmapped
    /// and can be mapped again for another module.
    _registration: Option<signals::CodeRegistration>,
    code: CodeMemory,
    /// Offset in `code` of each of the module's own functions.
    funcs: Vec<usize>,
    /// Offset in `code` of the entry trampoline for each type index (if a function has it).
    trampolines: Vec<Option<usize>>,
    /// Bytes of machine code in `code`.
    code_len: usize,
    /// Where the functions end (the entry trampolines follow).
    funcs_end: usize,
    /// Offsets in `code` of the linear memory accesses that may fault (guarded memories).
    trap_sites: Vec<u32>,
}

impl CompiledCode {
    /// Places `blob` in code memory; registers it with the signal handler if `guarded`.
    #[allow(clippy::too_many_arguments)]
    fn new(
        module: Arc<Module>,
        blob: &[u8],
        funcs: Vec<usize>,
        funcs_end: usize,
        trampolines: Vec<Option<usize>>,
        trap_sites: Vec<u32>,
        guarded: bool,
    ) -> Result<CompiledCode, String> {
        let code = CodeMemory::new(blob)?;
        let _registration = guarded.then(|| {
            let start = code.base() as usize;
            signals::CodeRegistration::new(signals::CodeMap {
                start,
                end: start + blob.len(),
                funcs: funcs.clone(),
                funcs_end,
                trap_sites: trap_sites.clone(),
            })
        });
        let offsets = VMOffsets::new(&module);
        Ok(CompiledCode { module, offsets, _registration, code, funcs, trampolines, code_len: blob.len(), funcs_end, trap_sites })
    }

    fn func_ptr(&self, index: u32) -> *const u8 {
        // SAFETY: the offset lies within the code memory.
        unsafe { self.code.base().add(self.funcs[index as usize]) }
    }
    fn trampoline(&self, type_index: u32) -> *const u8 {
        let off = self.trampolines[type_index as usize].expect("a trampoline for every defined function's type");
        // SAFETY: the offset lies within the code memory.
        unsafe { self.code.base().add(off) }
    }
}

/// The Compiler's state per link group: the VM context its instances share (trap code, stack
/// limit, call depth), used by one thread at a time (the group's lock holder).
pub(crate) struct GroupState {
    ctx: Pinned<VMStoreContext>,
}

/// The Compiler's state per instance: its VMContext.
pub(crate) struct InstanceState {
    vmctx: VMContext,
}

thread_local! {
    /// The lowest stack pointer compiled code on this thread may run with, set by the outermost
    /// entry into compiled code (0 while none runs): nested entries, into any group, share it.
    static STACK_LIMIT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Compiler {
    /// The VM context of the view's group, made on first use.
    fn group_ctx(&self, store: &mut Store) -> *mut VMStoreContext {
        let limits = store.vm_limits();
        let state = &mut store.group_state().engine_state;
        if state.is_none() {
            let ctx = VMStoreContext {
                trap_code: trap_code::NONE,
                stack_limit: 0,
                limits,
                call_depth: 0,
                exception: 0,
                funcrefs: self.funcrefs.base(),
                store: std::ptr::null_mut(),
                libcalls: libcalls::table(),
                pending: None,
            };
            *state = Some(GroupEngineState::Compiled(GroupState { ctx: Pinned::new(ctx) }));
        }
        let Some(GroupEngineState::Compiled(s)) = state else { unreachable!("made just above") };
        s.ctx.as_ptr()
    }
}

fn compiled(store: &Store, instance: u32) -> Option<(&CompiledCode, &InstanceState)> {
    let inst = store.inst(instance);
    let (Some(EngineCode::Compiled(code)), Some(InstanceEngineState::Compiled(state))) = (&inst.code, &inst.engine_state)
    else {
        return None;
    };
    Some((code, state))
}

/// The funcref of store function `addr`, of the view's group (or a host function).
fn funcref_of(store: &Store, addr: u32) -> VMFuncRef {
    match store.funcs()[addr as usize] {
        FuncEntity::Wasm { instance, index, type_id } => match compiled(store, instance) {
            Some((code, state)) => VMFuncRef { code: code.func_ptr(index), vmctx: state.vmctx.as_ptr(), type_id },
            None => VMFuncRef { code: std::ptr::null(), vmctx: std::ptr::null_mut(), type_id },
        },
        FuncEntity::Host { type_id, .. } => VMFuncRef { code: std::ptr::null(), vmctx: std::ptr::null_mut(), type_id },
    }
}

/// Adds the frames a memory fault unwound ([`signals::enter`]) to the trap's backtrace. A frame
/// names its module's code, not its instance: frames of the entered instance's module are
/// taken to be that instance's, others the first instance of their module.
fn record_fault_frames(store: &mut Store, entered: u32, frames: &[signals::FaultFrame]) {
    let base_of = |store: &Store, i: u32| {
        let Some(EngineCode::Compiled(code)) = &store.inst(i).code else { return None };
        Some((code.code.base() as usize, code.module.num_imported_funcs))
    };
    // Compiled frames on this stack are of the entered instance's group only.
    let members = store.group_state().members.clone();
    for f in frames {
        let found = std::iter::once(entered)
            .chain(members.iter().copied())
            .find_map(|i| base_of(store, i).filter(|(b, _)| *b == f.code_start).map(|(_, imported)| (i, imported)));
        if let Some((i, imported)) = found {
            store.record_trap_frame(i, imported + f.func);
        }
    }
}

/// An address a little below the caller's stack pointer.
#[inline(never)]
fn approximate_sp() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

impl Engine for Compiler {
    fn compile(&self, module: &Arc<Module>) -> Result<EngineCode, CompileError> {
        let offsets = VMOffsets::new(module);
        // Direct calls where we know how to patch them.
        let direct_calls = cfg!(any(target_arch = "x86_64", target_arch = "aarch64"));
        let env = translate::Env {
            module,
            offsets: &offsets,
            host_cc: self.host_cc(),
            direct_calls,
            instr: self.instr,
            guarded: self.guarded,
        };
        let n = module.bodies.len();
        // Functions are compiled in parallel: each thread takes the largest body left, so that
        // a few huge functions (a third of spidermonkey's time is in three) start first and
        // the rest fill in around them.
        let threads = std::thread::available_parallelism().map_or(1, |p| p.get()).min(n.max(1)).min(16);
        let mut bodies: Vec<Option<Result<Emitted, CompileError>>> = (0..n).map(|_| None).collect();
        if threads <= 1 || n < 8 {
            let mut fctx = FunctionBuilderContext::new();
            let mut ctx = cranelift_codegen::Context::new();
            for (i, b) in bodies.iter_mut().enumerate() {
                *b = Some(self.compile_function(&env, i, &mut fctx, &mut ctx));
            }
        } else {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by_key(|&i| std::cmp::Reverse(module.bodies[i].range.len()));
            let next = std::sync::atomic::AtomicUsize::new(0);
            let results: Vec<Vec<(usize, Result<Emitted, CompileError>)>> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..threads)
                    .map(|_| {
                        let (env, order, next) = (&env, &order, &next);
                        s.spawn(move || {
                            let mut fctx = FunctionBuilderContext::new();
                            let mut ctx = cranelift_codegen::Context::new();
                            let mut done = Vec::new();
                            loop {
                                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                let Some(&i) = order.get(k) else { break done };
                                done.push((i, self.compile_function(env, i, &mut fctx, &mut ctx)));
                            }
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().expect("a compiler thread panicked")).collect()
            });
            for (i, r) in results.into_iter().flatten() {
                bodies[i] = Some(r);
            }
        }

        let mut blob: Vec<u8> = Vec::new();
        let mut place = |code: &[u8]| {
            while !blob.len().is_multiple_of(16) {
                blob.push(0);
            }
            let at = blob.len();
            blob.extend_from_slice(code);
            at
        };
        let mut funcs = Vec::with_capacity(n);
        let mut calls = Vec::new();
        let mut trap_sites = Vec::new();
        for b in bodies {
            let code = b.expect("every body compiled")?;
            let at = place(&code.bytes);
            funcs.push(at);
            calls.push((at, code.calls));
            trap_sites.extend(code.traps.iter().map(|t| at as u32 + t));
        }
        let funcs_end = place(&[]);
        trap_sites.sort_unstable();
        let mut trampolines = vec![None; module.types.len()];
        for i in 0..n {
            let t = module.funcs[module.num_imported_funcs as usize + i] as usize;
            if trampolines[t].is_none() {
                let code = self.compile_trampoline(&module.types[t])?;
                trampolines[t] = Some(place(&code.bytes));
            }
        }
        for (at, relocs) in &calls {
            for r in relocs {
                patch_call(&mut blob, *at, r, funcs[r.callee as usize]);
            }
        }
        let code = CompiledCode::new(module.clone(), &blob, funcs, funcs_end, trampolines, trap_sites, self.guarded)
            .map_err(|message| CompileError { message, offset: None })?;
        Ok(EngineCode::Compiled(Arc::new(code)))
    }

    fn fingerprint(&self) -> String {
        let flags: Vec<String> = self.isa.isa_flags().iter().map(|f| f.to_string()).collect();
        let traps = if self.guarded { "guard-page memory traps" } else { "explicit bounds checks" };
        format!("compiler {} {} [{}] {traps}", self.isa.triple(), self.isa.flags(), flags.join(","))
    }

    /// Layout: function count, their offsets, type count, trampoline offsets (`u32::MAX`: none),
    /// where the functions end, trap site count and offsets, then the machine code; integers
    /// little-endian u32. The code is position-independent
    /// (direct calls are PC-relative, everything else goes through the VMContext).
    fn serialize(&self, code: &EngineCode) -> Option<Vec<u8>> {
        let EngineCode::Compiled(c) = code else { return None };
        let mut out = Vec::with_capacity(c.code_len + 8 * (c.funcs.len() + c.trampolines.len()) + 12);
        let mut put = |v: usize| out.extend_from_slice(&(v as u32).to_le_bytes());
        put(c.funcs.len());
        c.funcs.iter().for_each(|f| put(*f));
        put(c.trampolines.len());
        c.trampolines.iter().for_each(|t| put(t.unwrap_or(u32::MAX as usize)));
        put(c.funcs_end);
        put(c.trap_sites.len());
        c.trap_sites.iter().for_each(|t| put(*t as usize));
        put(c.code_len);
        // SAFETY: the mapping holds `code_len` readable bytes of code.
        out.extend_from_slice(unsafe { std::slice::from_raw_parts(c.code.base(), c.code_len) });
        Some(out)
    }

    fn deserialize(&self, module: &Arc<Module>, bytes: &[u8]) -> Option<EngineCode> {
        let mut at = 0usize;
        let mut get = || -> Option<usize> {
            let v = u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?);
            at += 4;
            Some(v as usize)
        };
        let n = get()?;
        if n != module.bodies.len() {
            return None;
        }
        let funcs = (0..n).map(|_| get()).collect::<Option<Vec<_>>>()?;
        let nt = get()?;
        if nt != module.types.len() {
            return None;
        }
        let trampolines = (0..nt)
            .map(|_| get().map(|t| (t != u32::MAX as usize).then_some(t)))
            .collect::<Option<Vec<_>>>()?;
        let funcs_end = get()?;
        let nsites = get()?;
        let trap_sites = (0..nsites).map(|_| get().map(|t| t as u32)).collect::<Option<Vec<_>>>()?;
        let code_len = get()?;
        let blob = bytes.get(at..)?;
        if blob.len() != code_len
            || funcs.iter().chain(trampolines.iter().flatten()).any(|o| *o >= code_len.max(1))
            || funcs_end > code_len
            || !funcs.is_sorted()
            || funcs.last().is_some_and(|f| *f > funcs_end)
            || !trap_sites.is_sorted()
            || trap_sites.last().is_some_and(|t| *t as usize >= funcs_end)
        {
            return None;
        }
        // Every defined function's type needs its entry trampoline.
        for i in 0..n {
            let t = module.funcs[module.num_imported_funcs as usize + i] as usize;
            trampolines[t]?;
        }
        let code = CompiledCode::new(module.clone(), blob, funcs, funcs_end, trampolines, trap_sites, self.guarded).ok()?;
        Some(EngineCode::Compiled(Arc::new(code)))
    }

    fn reserves_memories(&self) -> bool {
        self.guarded
    }

    fn instantiate(&self, store: &mut Store, instance: u32) -> Result<(), InstantiationError> {
        let ctx_ptr = self.group_ctx(store);
        let inst = store.reg().instance(instance);
        let code = store
            .inst(instance)
            .code
            .as_ref()
            .and_then(|c| match c {
                EngineCode::Compiled(c) => Some(&**c),
                EngineCode::Interp(_) => None,
            })
            .expect("a module compiled by the Compiler");
        let (m, o) = (&code.module, &code.offsets);
        let vmctx = VMContext::new(o.size);
        // SAFETY: every offset comes from `VMOffsets` for this module, within `o.size` and
        // aligned for what is written.
        unsafe {
            vmctx.write(vmctx::VMCTX_STORE_CTX, ctx_ptr);
            let mem0 = inst.memories.first().map_or(std::ptr::null_mut(), |m| store.memories()[*m as usize].definition());
            vmctx.write(vmctx::VMCTX_MEMORY0, mem0);
            vmctx.write(vmctx::VMCTX_INSTANCE, instance);
            for (i, id) in inst.type_ids.iter().enumerate() {
                vmctx.write(o.type_id(i as u32), *id);
            }
            for (i, addr) in inst.funcs.iter().enumerate() {
                vmctx.write(o.func_addr(i as u32), *addr);
            }
            for i in 0..m.num_imported_funcs {
                let fr = funcref_of(store, inst.funcs[i as usize]);
                vmctx.write(o.imported_func(i) + vmctx::IMPORT_CODE, fr.code);
                vmctx.write(o.imported_func(i) + vmctx::IMPORT_VMCTX, fr.vmctx);
            }
            for i in 0..m.bodies.len() {
                vmctx.write(o.defined_code(i as u32), code.func_ptr(i as u32));
            }
            for (i, g) in inst.globals.iter().enumerate() {
                vmctx.write(o.global(i as u32), store.globals()[*g as usize].definition());
            }
            for (i, t) in inst.tables.iter().enumerate() {
                vmctx.write(o.table(i as u32), store.tables()[*t as usize].definition());
            }
            for (i, mm) in inst.memories.iter().enumerate() {
                vmctx.write(o.memory(i as u32), store.memories()[*mm as usize].definition());
            }
        }
        store.inst_mut(instance).engine_state = Some(InstanceEngineState::Compiled(InstanceState { vmctx }));
        // The instance's own functions' funcrefs (imported ones were written by their owners).
        for f in inst.funcs.iter().filter(|f| store.funcs().owner(**f as usize) == instance) {
            self.funcrefs.set(*f, funcref_of(store, *f)).map_err(InstantiationError::Resource)?;
        }
        Ok(())
    }

    fn add_host_funcs(&self, store: &mut Store, funcs: &[u32]) -> Result<(), InstantiationError> {
        for f in funcs {
            self.funcrefs.set(*f, funcref_of(store, *f)).map_err(InstantiationError::Resource)?;
        }
        Ok(())
    }

    fn merge(&self, store: &mut Store, moved: &[u32]) {
        let ctx = self.group_ctx(store);
        for i in moved {
            if let Some((_, state)) = compiled(store, *i) {
                // SAFETY: the header is at the start of every VMContext; both groups are locked
                // by this thread, so no compiled code of the instance runs.
                unsafe { state.vmctx.write(vmctx::VMCTX_STORE_CTX, ctx) };
            }
        }
    }

    fn release(&self, store: &mut Store, funcs: &[u32]) {
        // The freed functions are host functions now: null code sends calls through `host_call`.
        for f in funcs {
            // Entries were written when the functions were added, so this cannot fail.
            let _ = self.funcrefs.set(*f, funcref_of(store, *f));
        }
    }

    fn call(&self, store: &mut Store, func: u32, args: &[u64], results: &mut [u64]) -> Result<(), Trap> {
        let (instance, index) = match store.funcs()[func as usize] {
            FuncEntity::Host { .. } => return store.invoke_host(func, None, args, results),
            FuncEntity::Wasm { instance, index, .. } => (instance, index),
        };
        let ctx = self.group_ctx(store);
        let (code, state) = compiled(store, instance).expect("an instance compiled by the Compiler");
        let type_index = code.module.funcs[(code.module.num_imported_funcs + index) as usize];
        let trampoline = code.trampoline(type_index);
        let callee = code.func_ptr(index);
        let vmctx = state.vmctx.as_ptr();
        crate::vm::with_cells(args.len().max(results.len()).max(1), |values| {
            values[..args.len()].copy_from_slice(args);
            // SAFETY: `ctx` is the store's context (a fixed address); the trampoline was compiled
            // for the callee's type, which `values` is laid out for; code and VMContext live as
            // long as the instance, which outlives the call. Compiled code uses the store only
            // through libcalls, while this frame does not touch it.
            unsafe {
                let thread_limit = STACK_LIMIT.with(|l| l.get());
                let outermost = thread_limit == 0;
                // A trap skips the decrements of the frames it unwinds: restore the depth.
                let depth = (*ctx).call_depth;
                let (saved_limit, saved_store) = ((*ctx).stack_limit, (*ctx).store);
                (*ctx).stack_limit = if outermost {
                    let limit = approximate_sp().saturating_sub(self.stack_budget);
                    STACK_LIMIT.with(|l| l.set(limit));
                    limit
                } else {
                    thread_limit
                };
                (*ctx).store = store as *mut Store;
                let fault = if self.guarded {
                    signals::enter(trampoline, callee, vmctx, values.as_mut_ptr()).err()
                } else {
                    let entry: unsafe extern "C" fn(*const u8, *mut u8, *mut u64) = std::mem::transmute(trampoline);
                    entry(callee, vmctx, values.as_mut_ptr());
                    None
                };
                if outermost {
                    STACK_LIMIT.with(|l| l.set(0));
                }
                (*ctx).stack_limit = saved_limit;
                (*ctx).store = saved_store;
                (*ctx).call_depth = depth;
                if let Some(frames) = fault {
                    record_fault_frames(store, instance, &frames);
                    return Err(Trap::MemoryOutOfBounds);
                }
                let code = std::mem::replace(&mut (*ctx).trap_code, trap_code::NONE);
                if code == crate::vm::TrapCode::Interrupted as u32 {
                    // The request is consumed by the trap it caused.
                    store.clear_interrupt();
                }
                if code == trap_code::EXCEPTION {
                    let rt = store.owner.upgrade().expect("the runtime outlives every call into it");
                    return Err(Trap::Exception(crate::vm::Exception { rt, addr: ((*ctx).exception - 1) as u32 }));
                }
                if code != trap_code::NONE {
                    return Err(match (*ctx).pending.take() {
                        Some(Pending::Trap(t)) if code == trap_code::PENDING => t,
                        Some(Pending::Panic(p)) if code == trap_code::PENDING => std::panic::resume_unwind(p),
                        _ => vmctx::trap_of(code),
                    });
                }
            }
            results.copy_from_slice(&values[..results.len()]);
            Ok(())
        })
    }
}
