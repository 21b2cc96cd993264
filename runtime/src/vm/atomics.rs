//! `memory.atomic.wait32`, `memory.atomic.wait64` and `memory.atomic.notify` of the
//! [threads proposal](https://github.com/WebAssembly/threads/blob/main/proposals/threads/Overview.md#wait-and-notify-operators),
//! shared by both engines (the Interpreter calls them from its handlers, the Compiler through
//! libcalls).
//!
//! Calls into one link group take turns (a shared memory links every instance that imports
//! it into one group), so while a wait runs no other thread can run code that could notify
//! it: `notify` wakes no one and returns 0, and a wait whose value matches sleeps out its
//! timeout and returns 2 ("timed-out"), checking the interrupt flag as it goes so
//! [`InterruptHandle`](crate::InterruptHandle) stops it like any loop; with no timeout it waits
//! until interrupted. Blocking waits woken by other threads arrive with shared memories used
//! by several threads at once.

use super::{Store, Trap};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// The alignment and bounds checks of an atomic access of `bytes` at address `addr` plus
/// `offset` in a memory of `len` bytes: "unaligned atomic" first (see `wasm::atomics`; the
/// wrapping sum has the true sum's low bits), then "out of bounds memory access" (a sum past
/// 2^64 included, never wrapped). Returns the effective address.
#[inline]
pub(crate) fn check_access(len: usize, addr: u64, offset: u64, bytes: u64) -> Result<usize, Trap> {
    if addr.wrapping_add(offset) & (bytes - 1) != 0 {
        return Err(Trap::UnalignedAtomic);
    }
    match addr.checked_add(offset).and_then(|ea| Some((ea, ea.checked_add(bytes)?))) {
        Some((ea, end)) if end <= len as u64 => Ok(ea as usize),
        _ => Err(Trap::MemoryOutOfBounds),
    }
}

/// An atomic access (`wasm::atomics`) of `2^width_log2` bytes at `addr` plus `offset` of store
/// memory `memory`, for the Interpreter's accesses to memories other than its fast memory 0:
/// returns what the instruction pushes (the value read; 0 for a store, which pushes nothing).
/// `v` is the stored value or RMW operand, or the expected value of a compare-exchange, whose
/// replacement is `replacement`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn access(
    store: &mut Store,
    memory: u32,
    addr: u64,
    offset: u64,
    op: crate::wasm::atomics::AtomicOp,
    width_log2: u8,
    v: u64,
    replacement: u64,
) -> Result<u64, Trap> {
    use crate::wasm::atomics::AtomicOp;
    let m = &mut store.memories_mut()[memory as usize];
    let bytes = 1u64 << width_log2;
    let at = check_access(m.data.len(), addr, offset, bytes)?;
    let cell = &mut m.data[at..at + bytes as usize];
    let mut le = [0u8; 8];
    le[..cell.len()].copy_from_slice(cell);
    let old = u64::from_le_bytes(le);
    let mask = u64::MAX >> (64 - 8 * bytes);
    let new = match op {
        AtomicOp::Load => return Ok(old),
        AtomicOp::Store => Some(v),
        AtomicOp::Rmw(r) => Some(r.apply(old, v)),
        AtomicOp::Cmpxchg => (old == v & mask).then_some(replacement),
    };
    if let Some(new) = new {
        cell.copy_from_slice(&(new & mask).to_le_bytes()[..bytes as usize]);
    }
    Ok(if op == AtomicOp::Store { 0 } else { old })
}

/// `memory.atomic.notify` at address `addr` plus `offset` of store memory `memory`: checks
/// the access (4 bytes) and returns how many waiters it woke, 0 (see the module docs).
pub(crate) fn notify(store: &Store, memory: u32, addr: u64, offset: u64) -> Result<u32, Trap> {
    let m = &store.memories()[memory as usize];
    check_access(m.data.len(), addr, offset, 4)?;
    Ok(0)
}

/// `memory.atomic.wait32` (`bytes` 4) or `wait64` (`bytes` 8) at address `addr` plus `offset`
/// of store memory `memory`: traps with "expected shared memory" on an unshared memory, checks
/// the access, returns 1 ("not-equal") if the value there is not `expected` (wrapped to the
/// width), else sleeps `timeout_ns` nanoseconds (forever if negative) unless interrupted and
/// returns 2 ("timed-out").
pub(crate) fn wait(store: &Store, memory: u32, addr: u64, offset: u64, expected: u64, bytes: u64, timeout_ns: i64) -> Result<u32, Trap> {
    let m = &store.memories()[memory as usize];
    if !m.decl.shared {
        return Err(Trap::ExpectedSharedMemory);
    }
    let at = check_access(m.data.len(), addr, offset, bytes)?;
    let current = match bytes {
        4 => u32::from_le_bytes(m.data[at..at + 4].try_into().expect("4 bytes")) as u64,
        _ => u64::from_le_bytes(m.data[at..at + 8].try_into().expect("8 bytes")),
    };
    let expected = if bytes == 4 { expected as u32 as u64 } else { expected };
    if current != expected {
        return Ok(1);
    }
    let deadline = (timeout_ns >= 0).then(|| Instant::now() + Duration::from_nanos(timeout_ns as u64));
    loop {
        if store.interrupt.load(Ordering::Relaxed) != 0 {
            store.clear_interrupt();
            return Err(Trap::Interrupted);
        }
        let slice = Duration::from_millis(10);
        match deadline {
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    return Ok(2);
                }
                std::thread::sleep(slice.min(d - now));
            }
            None => std::thread::sleep(slice),
        }
    }
}
