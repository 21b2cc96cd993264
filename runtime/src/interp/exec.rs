//! The executor: runs IR with an explicit frame stack (no Rust recursion per wasm call) over
//! one value stack of untyped 64-bit cells.

use super::ir::Op;
use super::num::*;
use super::{InterpFunc, InterpModule};
use crate::api::Trap;
use crate::vm::{FuncEntity, Store};
use std::ptr;

/// The most cells the value stack may grow to (1 GiB), beyond which calls trap with
/// "call stack exhausted".
const MAX_STACK_CELLS: usize = 1 << 27;
/// Nested host → wasm entries (each uses native stack) allowed before trapping.
const MAX_REENTRY: u32 = 100;

/// A suspended caller.
struct Frame {
    /// Where to continue in the caller.
    ip: *const Op,
    /// The caller's code (branch targets are relative to it).
    code: *const Op,
    /// The caller's frame base, in cells.
    fp: usize,
    /// The caller's instance.
    instance: u32,
}

/// What the executor caches about the running instance; reloaded when a call crosses instances
/// and (memory) after anything that can grow or move linear memory.
struct Ctx {
    instance: u32,
    module: *const InterpModule,
    funcs: *const u32,
    globals: *const u32,
    type_ids: *const u32,
    tables: *const u32,
    memory: Option<u32>,
    mem: *mut u8,
    mem_len: usize,
}

impl Ctx {
    fn load(store: &mut Store, instance: u32) -> Ctx {
        let inst = &store.instances[instance as usize];
        let module = inst
            .code
            .as_ref()
            .and_then(|c| c.downcast_ref::<InterpModule>())
            .expect("a wasm instance compiled by the Interpreter") as *const InterpModule;
        let mut ctx = Ctx {
            instance,
            module,
            funcs: inst.funcs.as_ptr(),
            globals: inst.globals.as_ptr(),
            type_ids: inst.type_ids.as_ptr(),
            tables: inst.tables.as_ptr(),
            memory: inst.memories.first().copied(),
            mem: ptr::null_mut(),
            mem_len: 0,
        };
        ctx.reload_memory(store);
        ctx
    }

    #[inline]
    fn reload_memory(&mut self, store: &mut Store) {
        if let Some(m) = self.memory {
            let data = &mut store.memories[m as usize].data;
            self.mem = data.as_mut_ptr();
            self.mem_len = data.len();
        }
    }
}

/// Calls store function `func` with argument cells, writing result cells.
pub(crate) fn call(store: &mut Store, func: u32, args: &[u64], results: &mut [u64]) -> Result<(), Trap> {
    let (instance, index) = match store.funcs[func as usize] {
        FuncEntity::Host { .. } => return store.invoke_host(func, None, args, results),
        FuncEntity::Wasm { instance, index, .. } => (instance, index),
    };
    if store.reentry >= MAX_REENTRY {
        return Err(Trap::CallStackExhausted);
    }
    store.reentry += 1;
    let r = run(store, instance, index, args, results);
    store.reentry -= 1;
    r
}

fn run(store: &mut Store, instance: u32, index: u32, args: &[u64], results: &mut [u64]) -> Result<(), Trap> {
    let mut ctx = Ctx::load(store, instance);
    // SAFETY: the module's code lives as long as the instance, which outlives this call.
    let f: &InterpFunc = unsafe { &(&(*ctx.module).funcs)[index as usize] };
    let mut stack: Vec<u64> = vec![0; (f.frame_size as usize).max(1024)];
    stack[..args.len()].copy_from_slice(args);
    let max_depth = store.limits.max_call_depth as usize;
    let mut frames: Vec<Frame> = Vec::with_capacity(16);
    let mut fp_idx: usize = 0;
    let mut code: *const Op = f.code.as_ptr();
    let mut ip: *const Op = code;
    let mut fp: *mut u64 = stack.as_mut_ptr();

    macro_rules! get {
        ($s:expr) => {
            *fp.add($s as usize)
        };
    }
    macro_rules! set {
        ($s:expr, $v:expr) => {
            *fp.add($s as usize) = $v
        };
    }
    macro_rules! i32_ {
        ($s:expr) => {
            get!($s) as u32 as i32
        };
    }
    macro_rules! u32_ {
        ($s:expr) => {
            get!($s) as u32
        };
    }
    macro_rules! f32_ {
        ($s:expr) => {
            f32::from_bits(get!($s) as u32)
        };
    }
    macro_rules! f64_ {
        ($s:expr) => {
            f64::from_bits(get!($s))
        };
    }
    macro_rules! w32 {
        ($d:expr, $v:expr) => {
            set!($d, ($v) as u32 as u64)
        };
    }
    macro_rules! w64 {
        ($d:expr, $v:expr) => {
            set!($d, ($v) as u64)
        };
    }
    macro_rules! wf32 {
        ($d:expr, $v:expr) => {
            set!($d, ($v).to_bits() as u64)
        };
    }
    macro_rules! wf64 {
        ($d:expr, $v:expr) => {
            set!($d, ($v).to_bits())
        };
    }
    macro_rules! jump {
        ($t:expr) => {
            ip = code.add($t as usize)
        };
    }
    // Effective address check: `addr + offset + N <= len`, computed in u64 so it cannot wrap.
    macro_rules! ea {
        ($addr:expr, $off:expr, $n:expr) => {{
            let ea = u32_!($addr) as u64 + $off as u64;
            if ea + $n > ctx.mem_len as u64 {
                return Err(Trap::MemoryOutOfBounds);
            }
            ctx.mem.add(ea as usize)
        }};
    }
    macro_rules! load {
        ($dst:expr, $addr:expr, $off:expr, $t:ty, $w:ident, $conv:ty) => {{
            let p = ea!($addr, $off, std::mem::size_of::<$t>() as u64);
            let v = <$t>::from_le(ptr::read_unaligned(p as *const $t));
            $w!($dst, v as $conv)
        }};
    }
    macro_rules! store {
        ($addr:expr, $src:expr, $off:expr, $t:ty) => {{
            let p = ea!($addr, $off, std::mem::size_of::<$t>() as u64);
            ptr::write_unaligned(p as *mut $t, (get!($src) as $t).to_le())
        }};
    }
    // Enters a wasm function of the current instance (`ctx`) at frame base `base`.
    macro_rules! enter {
        ($f:expr, $base:expr, $caller_instance:expr) => {{
            let f: &InterpFunc = $f;
            if frames.len() >= max_depth {
                return Err(Trap::CallStackExhausted);
            }
            let new_fp = fp_idx + $base as usize;
            let need = new_fp + f.frame_size as usize;
            if need > stack.len() {
                if need > MAX_STACK_CELLS {
                    return Err(Trap::CallStackExhausted);
                }
                stack.resize(need.max(stack.len() * 2).min(MAX_STACK_CELLS), 0);
            }
            let base_ptr = stack.as_mut_ptr();
            ptr::write_bytes(
                base_ptr.add(new_fp + f.num_params as usize),
                0,
                (f.num_locals - f.num_params) as usize,
            );
            frames.push(Frame { ip, code, fp: fp_idx, instance: $caller_instance });
            fp_idx = new_fp;
            fp = base_ptr.add(fp_idx);
            code = f.code.as_ptr();
            ip = code;
        }};
    }
    // Calls store function `$addr` with its frame at `base`.
    macro_rules! call_addr {
        ($addr:expr, $base:expr) => {{
            let addr = $addr;
            match store.funcs[addr as usize] {
                FuncEntity::Wasm { instance, index, .. } => {
                    let caller = ctx.instance;
                    if instance != ctx.instance {
                        ctx = Ctx::load(store, instance);
                    }
                    enter!(&(&(*ctx.module).funcs)[index as usize], $base, caller);
                }
                FuncEntity::Host { type_id, .. } => {
                    let ty = &store.types[type_id as usize];
                    let (np, nr) = (ty.params().len(), ty.results().len());
                    let argp = fp.add($base as usize);
                    let host_args: Vec<u64> = std::slice::from_raw_parts(argp, np).to_vec();
                    let mut host_results = vec![0u64; nr];
                    store.invoke_host(addr, Some(ctx.instance), &host_args, &mut host_results)?;
                    // The frame has room for the results: translation reserved their heights.
                    ptr::copy_nonoverlapping(host_results.as_ptr(), fp.add($base as usize), nr);
                    ctx.reload_memory(store);
                }
            }
        }};
    }

    // SAFETY: the translator guarantees every slot index is below the function's frame size,
    // which `enter!` makes available on the value stack; branch targets are inside the code;
    // memory accesses are bounds-checked against the cached length, reloaded after anything
    // that can change it (calls, memory.grow).
    unsafe {
        loop {
            let op = *ip;
            ip = ip.add(1);
            match op {
                Op::Unreachable => return Err(Trap::Unreachable),
                Op::Br { target } => jump!(target),
                Op::BrIfNez { cond, target } => {
                    if u32_!(cond) != 0 {
                        jump!(target)
                    }
                }
                Op::BrIfEqz { cond, target } => {
                    if u32_!(cond) == 0 {
                        jump!(target)
                    }
                }
                Op::BrIfI32Eq { a, b, target } => if u32_!(a) == u32_!(b) { jump!(target) },
                Op::BrIfI32Ne { a, b, target } => if u32_!(a) != u32_!(b) { jump!(target) },
                Op::BrIfI32LtS { a, b, target } => if i32_!(a) < i32_!(b) { jump!(target) },
                Op::BrIfI32LtU { a, b, target } => if u32_!(a) < u32_!(b) { jump!(target) },
                Op::BrIfI32GtS { a, b, target } => if i32_!(a) > i32_!(b) { jump!(target) },
                Op::BrIfI32GtU { a, b, target } => if u32_!(a) > u32_!(b) { jump!(target) },
                Op::BrIfI32LeS { a, b, target } => if i32_!(a) <= i32_!(b) { jump!(target) },
                Op::BrIfI32LeU { a, b, target } => if u32_!(a) <= u32_!(b) { jump!(target) },
                Op::BrIfI32GeS { a, b, target } => if i32_!(a) >= i32_!(b) { jump!(target) },
                Op::BrIfI32GeU { a, b, target } => if u32_!(a) >= u32_!(b) { jump!(target) },
                Op::BrIfI32EqImm { a, imm, target } => if i32_!(a) == imm { jump!(target) },
                Op::BrIfI32NeImm { a, imm, target } => if i32_!(a) != imm { jump!(target) },
                Op::BrIfI32LtSImm { a, imm, target } => if i32_!(a) < imm { jump!(target) },
                Op::BrIfI32LtUImm { a, imm, target } => if u32_!(a) < imm as u32 { jump!(target) },
                Op::BrIfI32GtSImm { a, imm, target } => if i32_!(a) > imm { jump!(target) },
                Op::BrIfI32GtUImm { a, imm, target } => if u32_!(a) > imm as u32 { jump!(target) },
                Op::BrIfI32LeSImm { a, imm, target } => if i32_!(a) <= imm { jump!(target) },
                Op::BrIfI32LeUImm { a, imm, target } => if u32_!(a) <= imm as u32 { jump!(target) },
                Op::BrIfI32GeSImm { a, imm, target } => if i32_!(a) >= imm { jump!(target) },
                Op::BrIfI32GeUImm { a, imm, target } => if u32_!(a) >= imm as u32 { jump!(target) },
                Op::BrTable { index, len } => {
                    ip = ip.add(u32_!(index).min(len) as usize);
                }
                Op::Return | Op::Return1 { .. } => {
                    if let Op::Return1 { src } = op {
                        *fp = get!(src);
                    }
                    match frames.pop() {
                        Some(frame) => {
                            ip = frame.ip;
                            code = frame.code;
                            fp_idx = frame.fp;
                            fp = stack.as_mut_ptr().add(fp_idx);
                            if frame.instance != ctx.instance {
                                ctx = Ctx::load(store, frame.instance);
                            }
                        }
                        None => {
                            results.copy_from_slice(&stack[..results.len()]);
                            return Ok(());
                        }
                    }
                }
                Op::Call { func, base } => {
                    let caller = ctx.instance;
                    enter!(&(&(*ctx.module).funcs)[func as usize], base, caller);
                }
                Op::CallImported { func, base } => call_addr!(*ctx.funcs.add(func as usize), base),
                Op::CallIndirect { ty, index, base, table } => {
                    let t = *ctx.tables.add(table as usize);
                    let elems = &store.tables[t as usize].elems;
                    let i = u32_!(index) as usize;
                    let Some(&r) = elems.get(i) else { return Err(Trap::UndefinedElement) };
                    if r == 0 {
                        return Err(Trap::UninitializedElement);
                    }
                    let addr = (r - 1) as u32;
                    if store.funcs[addr as usize].type_id() != *ctx.type_ids.add(ty as usize) {
                        return Err(Trap::IndirectCallTypeMismatch);
                    }
                    call_addr!(addr, base)
                }

                Op::Copy { dst, src } => set!(dst, get!(src)),
                Op::Const32 { dst, value } => set!(dst, value as u64),
                Op::Const64 { dst, lo, hi } => set!(dst, (hi as u64) << 32 | lo as u64),
                Op::Select { dst, b, cond } => {
                    if u32_!(cond) == 0 {
                        set!(dst, get!(b))
                    }
                }
                Op::GlobalGet { dst, global } => {
                    let g = *ctx.globals.add(global as usize);
                    set!(dst, store.globals.get_unchecked(g as usize).bits as u64)
                }
                Op::GlobalSet { src, global } => {
                    let g = *ctx.globals.add(global as usize);
                    store.globals.get_unchecked_mut(g as usize).bits = get!(src) as u128
                }

                Op::I32Load { dst, addr, offset } => load!(dst, addr, offset, u32, w32, u32),
                Op::I64Load { dst, addr, offset } => load!(dst, addr, offset, u64, w64, u64),
                Op::F32Load { dst, addr, offset } => load!(dst, addr, offset, u32, w32, u32),
                Op::F64Load { dst, addr, offset } => load!(dst, addr, offset, u64, w64, u64),
                Op::I32Load8S { dst, addr, offset } => load!(dst, addr, offset, i8, w32, i32),
                Op::I32Load8U { dst, addr, offset } => load!(dst, addr, offset, u8, w32, u32),
                Op::I32Load16S { dst, addr, offset } => load!(dst, addr, offset, i16, w32, i32),
                Op::I32Load16U { dst, addr, offset } => load!(dst, addr, offset, u16, w32, u32),
                Op::I64Load8S { dst, addr, offset } => load!(dst, addr, offset, i8, w64, i64),
                Op::I64Load8U { dst, addr, offset } => load!(dst, addr, offset, u8, w64, u64),
                Op::I64Load16S { dst, addr, offset } => load!(dst, addr, offset, i16, w64, i64),
                Op::I64Load16U { dst, addr, offset } => load!(dst, addr, offset, u16, w64, u64),
                Op::I64Load32S { dst, addr, offset } => load!(dst, addr, offset, i32, w64, i64),
                Op::I64Load32U { dst, addr, offset } => load!(dst, addr, offset, u32, w64, u64),
                Op::I32Store { addr, src, offset } => store!(addr, src, offset, u32),
                Op::I64Store { addr, src, offset } => store!(addr, src, offset, u64),
                Op::I32Store8 { addr, src, offset } => store!(addr, src, offset, u8),
                Op::I32Store16 { addr, src, offset } => store!(addr, src, offset, u16),
                Op::I64Store8 { addr, src, offset } => store!(addr, src, offset, u8),
                Op::I64Store16 { addr, src, offset } => store!(addr, src, offset, u16),
                Op::I64Store32 { addr, src, offset } => store!(addr, src, offset, u32),
                Op::MemorySize { dst } => w32!(dst, ctx.mem_len / crate::vm::PAGE_SIZE),
                Op::MemoryGrow { dst, delta } => {
                    let m = ctx.memory.expect("validated: the module has a memory");
                    let r = store.memories[m as usize].grow(u32_!(delta)).map_or(-1i32, |old| old as i32);
                    ctx.reload_memory(store);
                    w32!(dst, r)
                }

                Op::I32Eqz { dst, src } => w32!(dst, (u32_!(src) == 0) as u32),
                Op::I32Eq { dst, a, b } => w32!(dst, (u32_!(a) == u32_!(b)) as u32),
                Op::I32Ne { dst, a, b } => w32!(dst, (u32_!(a) != u32_!(b)) as u32),
                Op::I32LtS { dst, a, b } => w32!(dst, (i32_!(a) < i32_!(b)) as u32),
                Op::I32LtU { dst, a, b } => w32!(dst, (u32_!(a) < u32_!(b)) as u32),
                Op::I32GtS { dst, a, b } => w32!(dst, (i32_!(a) > i32_!(b)) as u32),
                Op::I32GtU { dst, a, b } => w32!(dst, (u32_!(a) > u32_!(b)) as u32),
                Op::I32LeS { dst, a, b } => w32!(dst, (i32_!(a) <= i32_!(b)) as u32),
                Op::I32LeU { dst, a, b } => w32!(dst, (u32_!(a) <= u32_!(b)) as u32),
                Op::I32GeS { dst, a, b } => w32!(dst, (i32_!(a) >= i32_!(b)) as u32),
                Op::I32GeU { dst, a, b } => w32!(dst, (u32_!(a) >= u32_!(b)) as u32),
                Op::I32EqImm { dst, a, imm } => w32!(dst, (i32_!(a) == imm) as u32),
                Op::I32NeImm { dst, a, imm } => w32!(dst, (i32_!(a) != imm) as u32),
                Op::I32LtSImm { dst, a, imm } => w32!(dst, (i32_!(a) < imm) as u32),
                Op::I32LtUImm { dst, a, imm } => w32!(dst, (u32_!(a) < imm as u32) as u32),
                Op::I32GtSImm { dst, a, imm } => w32!(dst, (i32_!(a) > imm) as u32),
                Op::I32GtUImm { dst, a, imm } => w32!(dst, (u32_!(a) > imm as u32) as u32),
                Op::I32LeSImm { dst, a, imm } => w32!(dst, (i32_!(a) <= imm) as u32),
                Op::I32LeUImm { dst, a, imm } => w32!(dst, (u32_!(a) <= imm as u32) as u32),
                Op::I32GeSImm { dst, a, imm } => w32!(dst, (i32_!(a) >= imm) as u32),
                Op::I32GeUImm { dst, a, imm } => w32!(dst, (u32_!(a) >= imm as u32) as u32),
                Op::I32Clz { dst, src } => w32!(dst, u32_!(src).leading_zeros()),
                Op::I32Ctz { dst, src } => w32!(dst, u32_!(src).trailing_zeros()),
                Op::I32Popcnt { dst, src } => w32!(dst, u32_!(src).count_ones()),
                Op::I32Add { dst, a, b } => w32!(dst, u32_!(a).wrapping_add(u32_!(b))),
                Op::I32Sub { dst, a, b } => w32!(dst, u32_!(a).wrapping_sub(u32_!(b))),
                Op::I32Mul { dst, a, b } => w32!(dst, u32_!(a).wrapping_mul(u32_!(b))),
                Op::I32DivS { dst, a, b } => {
                    let (x, y) = (i32_!(a), i32_!(b));
                    if y == 0 {
                        return Err(Trap::IntegerDivideByZero);
                    }
                    if x == i32::MIN && y == -1 {
                        return Err(Trap::IntegerOverflow);
                    }
                    w32!(dst, x / y)
                }
                Op::I32DivU { dst, a, b } => {
                    let y = u32_!(b);
                    if y == 0 {
                        return Err(Trap::IntegerDivideByZero);
                    }
                    w32!(dst, u32_!(a) / y)
                }
                Op::I32RemS { dst, a, b } => {
                    let y = i32_!(b);
                    if y == 0 {
                        return Err(Trap::IntegerDivideByZero);
                    }
                    w32!(dst, i32_!(a).wrapping_rem(y))
                }
                Op::I32RemU { dst, a, b } => {
                    let y = u32_!(b);
                    if y == 0 {
                        return Err(Trap::IntegerDivideByZero);
                    }
                    w32!(dst, u32_!(a) % y)
                }
                Op::I32And { dst, a, b } => w32!(dst, u32_!(a) & u32_!(b)),
                Op::I32Or { dst, a, b } => w32!(dst, u32_!(a) | u32_!(b)),
                Op::I32Xor { dst, a, b } => w32!(dst, u32_!(a) ^ u32_!(b)),
                Op::I32Shl { dst, a, b } => w32!(dst, u32_!(a).wrapping_shl(u32_!(b))),
                Op::I32ShrS { dst, a, b } => w32!(dst, i32_!(a).wrapping_shr(u32_!(b))),
                Op::I32ShrU { dst, a, b } => w32!(dst, u32_!(a).wrapping_shr(u32_!(b))),
                Op::I32Rotl { dst, a, b } => w32!(dst, u32_!(a).rotate_left(u32_!(b) % 32)),
                Op::I32Rotr { dst, a, b } => w32!(dst, u32_!(a).rotate_right(u32_!(b) % 32)),
                Op::I32AddImm { dst, a, imm } => w32!(dst, u32_!(a).wrapping_add(imm as u32)),
                Op::I32MulImm { dst, a, imm } => w32!(dst, u32_!(a).wrapping_mul(imm as u32)),
                Op::I32AndImm { dst, a, imm } => w32!(dst, u32_!(a) & imm as u32),
                Op::I32OrImm { dst, a, imm } => w32!(dst, u32_!(a) | imm as u32),
                Op::I32XorImm { dst, a, imm } => w32!(dst, u32_!(a) ^ imm as u32),
                Op::I32ShlImm { dst, a, imm } => w32!(dst, u32_!(a).wrapping_shl(imm as u32)),
                Op::I32ShrSImm { dst, a, imm } => w32!(dst, i32_!(a).wrapping_shr(imm as u32)),
                Op::I32ShrUImm { dst, a, imm } => w32!(dst, u32_!(a).wrapping_shr(imm as u32)),

                Op::I64Eqz { dst, src } => w32!(dst, (get!(src) == 0) as u32),
                Op::I64Eq { dst, a, b } => w32!(dst, (get!(a) == get!(b)) as u32),
                Op::I64Ne { dst, a, b } => w32!(dst, (get!(a) != get!(b)) as u32),
                Op::I64LtS { dst, a, b } => w32!(dst, ((get!(a) as i64) < get!(b) as i64) as u32),
                Op::I64LtU { dst, a, b } => w32!(dst, (get!(a) < get!(b)) as u32),
                Op::I64GtS { dst, a, b } => w32!(dst, (get!(a) as i64 > get!(b) as i64) as u32),
                Op::I64GtU { dst, a, b } => w32!(dst, (get!(a) > get!(b)) as u32),
                Op::I64LeS { dst, a, b } => w32!(dst, (get!(a) as i64 <= get!(b) as i64) as u32),
                Op::I64LeU { dst, a, b } => w32!(dst, (get!(a) <= get!(b)) as u32),
                Op::I64GeS { dst, a, b } => w32!(dst, (get!(a) as i64 >= get!(b) as i64) as u32),
                Op::I64GeU { dst, a, b } => w32!(dst, (get!(a) >= get!(b)) as u32),
                Op::I64Clz { dst, src } => w64!(dst, get!(src).leading_zeros()),
                Op::I64Ctz { dst, src } => w64!(dst, get!(src).trailing_zeros()),
                Op::I64Popcnt { dst, src } => w64!(dst, get!(src).count_ones()),
                Op::I64Add { dst, a, b } => w64!(dst, get!(a).wrapping_add(get!(b))),
                Op::I64Sub { dst, a, b } => w64!(dst, get!(a).wrapping_sub(get!(b))),
                Op::I64Mul { dst, a, b } => w64!(dst, get!(a).wrapping_mul(get!(b))),
                Op::I64DivS { dst, a, b } => {
                    let (x, y) = (get!(a) as i64, get!(b) as i64);
                    if y == 0 {
                        return Err(Trap::IntegerDivideByZero);
                    }
                    if x == i64::MIN && y == -1 {
                        return Err(Trap::IntegerOverflow);
                    }
                    w64!(dst, x / y)
                }
                Op::I64DivU { dst, a, b } => {
                    let y = get!(b);
                    if y == 0 {
                        return Err(Trap::IntegerDivideByZero);
                    }
                    w64!(dst, get!(a) / y)
                }
                Op::I64RemS { dst, a, b } => {
                    let y = get!(b) as i64;
                    if y == 0 {
                        return Err(Trap::IntegerDivideByZero);
                    }
                    w64!(dst, (get!(a) as i64).wrapping_rem(y))
                }
                Op::I64RemU { dst, a, b } => {
                    let y = get!(b);
                    if y == 0 {
                        return Err(Trap::IntegerDivideByZero);
                    }
                    w64!(dst, get!(a) % y)
                }
                Op::I64And { dst, a, b } => w64!(dst, get!(a) & get!(b)),
                Op::I64Or { dst, a, b } => w64!(dst, get!(a) | get!(b)),
                Op::I64Xor { dst, a, b } => w64!(dst, get!(a) ^ get!(b)),
                Op::I64Shl { dst, a, b } => w64!(dst, get!(a).wrapping_shl(get!(b) as u32)),
                Op::I64ShrS { dst, a, b } => w64!(dst, (get!(a) as i64).wrapping_shr(get!(b) as u32)),
                Op::I64ShrU { dst, a, b } => w64!(dst, get!(a).wrapping_shr(get!(b) as u32)),
                Op::I64Rotl { dst, a, b } => w64!(dst, get!(a).rotate_left((get!(b) % 64) as u32)),
                Op::I64Rotr { dst, a, b } => w64!(dst, get!(a).rotate_right((get!(b) % 64) as u32)),
                Op::I64AddImm { dst, a, imm } => w64!(dst, get!(a).wrapping_add(imm as i64 as u64)),
                Op::I64AndImm { dst, a, imm } => w64!(dst, get!(a) & imm as i64 as u64),
                Op::I64ShlImm { dst, a, imm } => w64!(dst, get!(a) << imm as u32),
                Op::I64ShrSImm { dst, a, imm } => w64!(dst, (get!(a) as i64) >> imm as u32),
                Op::I64ShrUImm { dst, a, imm } => w64!(dst, get!(a) >> imm as u32),

                Op::F32Eq { dst, a, b } => w32!(dst, (f32_!(a) == f32_!(b)) as u32),
                Op::F32Ne { dst, a, b } => w32!(dst, (f32_!(a) != f32_!(b)) as u32),
                Op::F32Lt { dst, a, b } => w32!(dst, (f32_!(a) < f32_!(b)) as u32),
                Op::F32Gt { dst, a, b } => w32!(dst, (f32_!(a) > f32_!(b)) as u32),
                Op::F32Le { dst, a, b } => w32!(dst, (f32_!(a) <= f32_!(b)) as u32),
                Op::F32Ge { dst, a, b } => w32!(dst, (f32_!(a) >= f32_!(b)) as u32),
                Op::F64Eq { dst, a, b } => w32!(dst, (f64_!(a) == f64_!(b)) as u32),
                Op::F64Ne { dst, a, b } => w32!(dst, (f64_!(a) != f64_!(b)) as u32),
                Op::F64Lt { dst, a, b } => w32!(dst, (f64_!(a) < f64_!(b)) as u32),
                Op::F64Gt { dst, a, b } => w32!(dst, (f64_!(a) > f64_!(b)) as u32),
                Op::F64Le { dst, a, b } => w32!(dst, (f64_!(a) <= f64_!(b)) as u32),
                Op::F64Ge { dst, a, b } => w32!(dst, (f64_!(a) >= f64_!(b)) as u32),
                // Sign operations are bit operations so that NaN payloads are kept.
                Op::F32Abs { dst, src } => w32!(dst, u32_!(src) & 0x7fff_ffff),
                Op::F32Neg { dst, src } => w32!(dst, u32_!(src) ^ 0x8000_0000),
                Op::F32Ceil { dst, src } => wf32!(dst, f32_quiet(f32_!(src).ceil())),
                Op::F32Floor { dst, src } => wf32!(dst, f32_quiet(f32_!(src).floor())),
                Op::F32Trunc { dst, src } => wf32!(dst, f32_quiet(f32_!(src).trunc())),
                Op::F32Nearest { dst, src } => wf32!(dst, f32_quiet(f32_nearest(f32_!(src)))),
                Op::F32Sqrt { dst, src } => wf32!(dst, f32_!(src).sqrt()),
                Op::F32Add { dst, a, b } => wf32!(dst, f32_!(a) + f32_!(b)),
                Op::F32Sub { dst, a, b } => wf32!(dst, f32_!(a) - f32_!(b)),
                Op::F32Mul { dst, a, b } => wf32!(dst, f32_!(a) * f32_!(b)),
                Op::F32Div { dst, a, b } => wf32!(dst, f32_!(a) / f32_!(b)),
                Op::F32Min { dst, a, b } => wf32!(dst, f32_min(f32_!(a), f32_!(b))),
                Op::F32Max { dst, a, b } => wf32!(dst, f32_max(f32_!(a), f32_!(b))),
                Op::F32Copysign { dst, a, b } => {
                    w32!(dst, (u32_!(a) & 0x7fff_ffff) | (u32_!(b) & 0x8000_0000))
                }
                Op::F64Abs { dst, src } => w64!(dst, get!(src) & 0x7fff_ffff_ffff_ffff),
                Op::F64Neg { dst, src } => w64!(dst, get!(src) ^ 0x8000_0000_0000_0000),
                Op::F64Ceil { dst, src } => wf64!(dst, f64_quiet(f64_!(src).ceil())),
                Op::F64Floor { dst, src } => wf64!(dst, f64_quiet(f64_!(src).floor())),
                Op::F64Trunc { dst, src } => wf64!(dst, f64_quiet(f64_!(src).trunc())),
                Op::F64Nearest { dst, src } => wf64!(dst, f64_quiet(f64_nearest(f64_!(src)))),
                Op::F64Sqrt { dst, src } => wf64!(dst, f64_!(src).sqrt()),
                Op::F64Add { dst, a, b } => wf64!(dst, f64_!(a) + f64_!(b)),
                Op::F64Sub { dst, a, b } => wf64!(dst, f64_!(a) - f64_!(b)),
                Op::F64Mul { dst, a, b } => wf64!(dst, f64_!(a) * f64_!(b)),
                Op::F64Div { dst, a, b } => wf64!(dst, f64_!(a) / f64_!(b)),
                Op::F64Min { dst, a, b } => wf64!(dst, f64_min(f64_!(a), f64_!(b))),
                Op::F64Max { dst, a, b } => wf64!(dst, f64_max(f64_!(a), f64_!(b))),
                Op::F64Copysign { dst, a, b } => w64!(
                    dst,
                    (get!(a) & 0x7fff_ffff_ffff_ffff) | (get!(b) & 0x8000_0000_0000_0000)
                ),

                Op::I32WrapI64 { dst, src } => w32!(dst, get!(src)),
                Op::I32TruncF32S { dst, src } => w32!(dst, i32_trunc_f32_s(f32_!(src))?),
                Op::I32TruncF32U { dst, src } => w32!(dst, i32_trunc_f32_u(f32_!(src))?),
                Op::I32TruncF64S { dst, src } => w32!(dst, i32_trunc_f64_s(f64_!(src))?),
                Op::I32TruncF64U { dst, src } => w32!(dst, i32_trunc_f64_u(f64_!(src))?),
                Op::I64ExtendI32S { dst, src } => w64!(dst, i32_!(src) as i64),
                Op::I64ExtendI32U { dst, src } => w64!(dst, u32_!(src)),
                Op::I64TruncF32S { dst, src } => w64!(dst, i64_trunc_f32_s(f32_!(src))?),
                Op::I64TruncF32U { dst, src } => w64!(dst, i64_trunc_f32_u(f32_!(src))?),
                Op::I64TruncF64S { dst, src } => w64!(dst, i64_trunc_f64_s(f64_!(src))?),
                Op::I64TruncF64U { dst, src } => w64!(dst, i64_trunc_f64_u(f64_!(src))?),
                Op::F32ConvertI32S { dst, src } => wf32!(dst, i32_!(src) as f32),
                Op::F32ConvertI32U { dst, src } => wf32!(dst, u32_!(src) as f32),
                Op::F32ConvertI64S { dst, src } => wf32!(dst, get!(src) as i64 as f32),
                Op::F32ConvertI64U { dst, src } => wf32!(dst, get!(src) as f32),
                Op::F32DemoteF64 { dst, src } => wf32!(dst, f64_!(src) as f32),
                Op::F64ConvertI32S { dst, src } => wf64!(dst, i32_!(src) as f64),
                Op::F64ConvertI32U { dst, src } => wf64!(dst, u32_!(src) as f64),
                Op::F64ConvertI64S { dst, src } => wf64!(dst, get!(src) as i64 as f64),
                Op::F64ConvertI64U { dst, src } => wf64!(dst, get!(src) as f64),
                Op::F64PromoteF32 { dst, src } => wf64!(dst, f32_!(src) as f64),
                Op::I32Extend8S { dst, src } => w32!(dst, get!(src) as i8 as i32),
                Op::I32Extend16S { dst, src } => w32!(dst, get!(src) as i16 as i32),
                Op::I64Extend8S { dst, src } => w64!(dst, get!(src) as i8 as i64),
                Op::I64Extend16S { dst, src } => w64!(dst, get!(src) as i16 as i64),
                Op::I64Extend32S { dst, src } => w64!(dst, get!(src) as i32 as i64),
                // Rust's float-to-int `as` saturates and maps NaN to 0, exactly trunc_sat.
                Op::I32TruncSatF32S { dst, src } => w32!(dst, f32_!(src) as i32),
                Op::I32TruncSatF32U { dst, src } => w32!(dst, f32_!(src) as u32),
                Op::I32TruncSatF64S { dst, src } => w32!(dst, f64_!(src) as i32),
                Op::I32TruncSatF64U { dst, src } => w32!(dst, f64_!(src) as u32),
                Op::I64TruncSatF32S { dst, src } => w64!(dst, f32_!(src) as i64),
                Op::I64TruncSatF32U { dst, src } => w64!(dst, f32_!(src) as u64),
                Op::I64TruncSatF64S { dst, src } => w64!(dst, f64_!(src) as i64),
                Op::I64TruncSatF64U { dst, src } => w64!(dst, f64_!(src) as u64),
            }
        }
    }
}
