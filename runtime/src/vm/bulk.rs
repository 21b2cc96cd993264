//! Bulk memory, table and segment instructions, shared by both engines (Core 2.0,
//! [§4.4.7 table](https://webassembly.github.io/spec/core/exec/instructions.html#table-instructions)
//! and [memory](https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions)
//! instructions). Every range is checked before anything is written: a zero-length operation at
//! the exact end is fine, one element beyond traps with nothing changed.

use crate::vm::{Trap};
use crate::vm::{eval_const, Store};
use crate::wasm::Module;
use std::ops::Range;

/// `start..start+n` if it lies within `len`.
#[inline]
fn range(start: u32, n: u32, len: usize, trap: Trap) -> Result<Range<usize>, Trap> {
    range64(start as u64, n as u64, len, trap)
}

/// `start..start+n` if it lies within `len`, for 64-bit operands (memory64): a range whose end
/// overflows 2^64 is out of bounds, never wrapped.
#[inline]
fn range64(start: u64, n: u64, len: usize, trap: Trap) -> Result<Range<usize>, Trap> {
    match start.checked_add(n) {
        Some(end) if end <= len as u64 => Ok(start as usize..end as usize),
        _ => Err(trap),
    }
}

/// `memory.copy`: memmove of `n` bytes from `s` in the memory of `src_len` bytes at `src` to
/// `d` in the memory of `dst_len` bytes at `dst` (the same memory or two different ones).
/// Operands are zero-extended to 64 bits (i32 ones by the caller).
///
/// # Safety
/// `dst` must point to `dst_len` writable bytes and `src` to `src_len` readable ones.
#[inline]
pub(crate) unsafe fn memory_copy(dst: *mut u8, dst_len: usize, src: *const u8, src_len: usize, d: u64, s: u64, n: u64) -> Result<(), Trap> {
    let sr = range64(s, n, src_len, Trap::MemoryOutOfBounds)?;
    let dr = range64(d, n, dst_len, Trap::MemoryOutOfBounds)?;
    // SAFETY: `range64` checked `sr` and `dr` (each `n` bytes) against the lengths, and the
    // pointers cover them (the caller's contract); `copy` allows the ranges to overlap.
    unsafe { std::ptr::copy(src.add(sr.start), dst.add(dr.start), sr.len()) };
    Ok(())
}

/// `memory.fill`: memset within one memory of `len` bytes at `mem` (operands zero-extended).
///
/// # Safety
/// `mem` must point to `len` writable bytes.
#[inline]
pub(crate) unsafe fn memory_fill(mem: *mut u8, len: usize, d: u64, val: u8, n: u64) -> Result<(), Trap> {
    let dst = range64(d, n, len, Trap::MemoryOutOfBounds)?;
    // SAFETY: `range64` checked `dst` (`n` bytes) against `len`, and `mem` points to `len`
    // writable bytes (the caller's contract).
    unsafe { std::ptr::write_bytes(mem.add(dst.start), val, dst.len()) };
    Ok(())
}

/// The store address of memory `mem` (an index validated against the module) of `inst`.
#[inline]
pub(crate) fn memory_addr(store: &Store, inst: u32, mem: u32) -> usize {
    store.instances[inst as usize].memories[mem as usize] as usize
}

/// Base and length of memory `mem` of `inst`.
#[inline]
fn memory_raw(store: &mut Store, inst: u32, mem: u32) -> (*mut u8, usize) {
    let m = memory_addr(store, inst, mem);
    let data = &mut store.memories_mut()[m].data;
    (data.as_mut_ptr(), data.len())
}

/// `memory.copy` from memory `src_mem` to memory `dst_mem` of instance `inst` (operands
/// zero-extended to 64 bits).
pub(crate) fn memory_copy_in(store: &mut Store, inst: u32, dst_mem: u32, src_mem: u32, d: u64, s: u64, n: u64) -> Result<(), Trap> {
    let (dp, dl) = memory_raw(store, inst, dst_mem);
    let (sp, sl) = memory_raw(store, inst, src_mem);
    // SAFETY: both are the current bytes of live memories of the store (no reference into
    // them is held), `dl` and `sl` bytes long.
    unsafe { memory_copy(dp, dl, sp, sl, d, s, n) }
}

/// `memory.fill` of memory `mem` of instance `inst` (operands zero-extended to 64 bits).
pub(crate) fn memory_fill_in(store: &mut Store, inst: u32, mem: u32, d: u64, val: u8, n: u64) -> Result<(), Trap> {
    let (p, len) = memory_raw(store, inst, mem);
    // SAFETY: the current bytes of a live memory, `len` long.
    unsafe { memory_fill(p, len, d, val, n) }
}

/// `memory.size` of memory `mem` of instance `inst`, in pages of the memory's page size.
pub(crate) fn memory_size(store: &Store, inst: u32, mem: u32) -> u64 {
    store.memories()[memory_addr(store, inst, mem)].pages()
}

/// `memory.grow` of memory `mem` of instance `inst`: the old size in pages, or `u64::MAX` (the
/// instruction's -1, also as an i32 once truncated).
pub(crate) fn memory_grow(store: &mut Store, inst: u32, mem: u32, delta: u64) -> u64 {
    let m = memory_addr(store, inst, mem);
    store.memories_mut()[m].grow(delta).unwrap_or(u64::MAX)
}

/// `memory.init`: copies bytes `s..s+n` of data segment `seg` (empty once dropped) to `d` of
/// memory `mem` (`d` zero-extended to 64 bits).
#[allow(clippy::too_many_arguments)]
pub(crate) fn memory_init(store: &mut Store, inst: u32, module: &Module, mem: u32, seg: u32, d: u64, s: u32, n: u32) -> Result<(), Trap> {
    let bytes: &[u8] =
        if store.inst(inst).dropped_datas[seg as usize] { &[] } else { module.data_bytes(&module.datas[seg as usize]) };
    let m = memory_addr(store, inst, mem);
    let data = &mut store.memories[m].data;
    let src = range(s, n, bytes.len(), Trap::MemoryOutOfBounds)?;
    let dst = range64(d, n as u64, data.len(), Trap::MemoryOutOfBounds)?;
    data[dst].copy_from_slice(&bytes[src]);
    Ok(())
}

pub(crate) fn data_drop(store: &mut Store, inst: u32, seg: u32) {
    store.inst_mut(inst).dropped_datas[seg as usize] = true;
}

pub(crate) fn elem_drop(store: &mut Store, inst: u32, seg: u32) {
    store.inst_mut(inst).dropped_elems[seg as usize] = true;
}

fn table_addr(store: &Store, inst: u32, table: u32) -> usize {
    store.instances[inst as usize].tables[table as usize] as usize
}

/// `table.copy`: memmove of references between (or within) tables.
pub(crate) fn table_copy(store: &mut Store, inst: u32, dst: u32, src: u32, d: u32, s: u32, n: u32) -> Result<(), Trap> {
    let (ta, sa) = (table_addr(store, inst, dst), table_addr(store, inst, src));
    let srange = range(s, n, store.tables[sa].elems.len(), Trap::TableOutOfBounds)?;
    let drange = range(d, n, store.tables[ta].elems.len(), Trap::TableOutOfBounds)?;
    if ta == sa {
        store.tables[ta].elems.copy_within(srange, drange.start);
    } else {
        let items: Vec<u64> = store.tables[sa].elems[srange].to_vec();
        store.tables[ta].elems[drange].copy_from_slice(&items);
    }
    Ok(())
}

/// `table.init`: writes items `s..s+n` of element segment `seg` (empty once dropped) at `d`.
pub(crate) fn table_init(store: &mut Store, inst: u32, module: &Module, table: u32, seg: u32, d: u32, s: u32, n: u32) -> Result<(), Trap> {
    let i = &store.reg().instances[inst as usize];
    let items: &[crate::wasm::ConstExpr] =
        if store.inst(inst).dropped_elems[seg as usize] { &[] } else { &module.elems[seg as usize].items };
    let src = range(s, n, items.len(), Trap::TableOutOfBounds)?;
    let t = table_addr(store, inst, table);
    let dst = range(d, n, store.tables[t].elems.len(), Trap::TableOutOfBounds)?;
    let cells: Vec<u64> =
        items[src].iter().map(|e| eval_const(store, &i.globals, &i.funcs, e) as u64).collect();
    store.tables[t].elems[dst].copy_from_slice(&cells);
    Ok(())
}

pub(crate) fn table_get(store: &Store, inst: u32, table: u32, index: u32) -> Result<u64, Trap> {
    let t = table_addr(store, inst, table);
    store.tables[t].elems.get(index as usize).copied().ok_or(Trap::TableOutOfBounds)
}

pub(crate) fn table_set(store: &mut Store, inst: u32, table: u32, index: u32, r: u64) -> Result<(), Trap> {
    let t = table_addr(store, inst, table);
    *store.tables[t].elems.get_mut(index as usize).ok_or(Trap::TableOutOfBounds)? = r;
    Ok(())
}

pub(crate) fn table_size(store: &Store, inst: u32, table: u32) -> u32 {
    store.tables[table_addr(store, inst, table)].elems.len() as u32
}

/// `table.grow`: the old size, or -1 past the table's maximum, the runtime's table limit, or
/// when memory runs out.
pub(crate) fn table_grow(store: &mut Store, inst: u32, table: u32, init: u64, delta: u32) -> i32 {
    let addr = table_addr(store, inst, table);
    store.tables[addr].grow(delta, init)
}

pub(crate) fn table_fill(store: &mut Store, inst: u32, table: u32, i: u32, r: u64, n: u32) -> Result<(), Trap> {
    let t = table_addr(store, inst, table);
    let dst = range(i, n, store.tables[t].elems.len(), Trap::TableOutOfBounds)?;
    store.tables[t].elems[dst].fill(r);
    Ok(())
}
