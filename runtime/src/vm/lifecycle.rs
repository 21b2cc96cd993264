//! Closing instances and freeing what they own.
//!
//! Store addresses are never reused: handles and table cells hold them, and reusing one would
//! make a stale handle refer to another instance's entity. Closing therefore works in two steps:
//!
//! - [`Store::close_instance`] marks the instance [`InstanceStatus::Closed`] and removes its
//!   names. Every API operation through one of its handles now fails with
//!   [`ApiError::InstanceClosed`](crate::ApiError::InstanceClosed).
//! - [`Store::collect`] then frees every closed instance that no open instance can still reach
//!   (by importing from it, or through a funcref in a table or global), transitively: its
//!   linear memories' bytes, tables' elements, host closures, engine state (the Compiler's
//!   VMContext) and its reference to the module's compiled code. What is left is a tombstone
//!   per address (a few dozen bytes each). A closed instance that is still reachable keeps
//!   working for the wasm code that calls into it, and is freed by a later collection.
//!
//! The freed instance's functions become host functions that trap with `InstanceClosed`, so
//! even a path that escaped the reachability analysis cannot run freed code.

use super::*;
use crate::vm::{Trap};
use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};

/// The closure every freed function is replaced with.
fn closed_stub() -> Arc<HostFn> {
    static STUB: OnceLock<Arc<HostFn>> = OnceLock::new();
    STUB.get_or_init(|| Arc::new(|_: &mut Store, _: Option<u32>, _: &mut [u64]| Err(Trap::InstanceClosed))).clone()
}

/// What a store holds right now, for [`crate::Runtime::stats`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct StoreCounts {
    pub open: usize,
    pub closed: usize,
    pub freed: usize,
    pub memory_bytes: usize,
    pub table_elements: usize,
}

impl Store {
    /// Closes instance `idx` of this view's group (a no-op if it already is) and frees whatever
    /// became unreachable in the group.
    pub fn close_instance(&mut self, idx: u32) {
        if !self.group_state().open.remove(&idx) {
            return;
        }
        self.instances[idx as usize].set_status(InstanceStatus::Closed);
        self.group_state().kept.push(idx);
        self.names_mut().retain(|_, i| *i != idx);
        self.collect();
    }

    /// Closes and frees every instance of this view's group ([`crate::Runtime::close`] does
    /// this for every group, then clears the names).
    pub fn close_all(&mut self) {
        for idx in std::mem::take(&mut self.group_state().open) {
            self.instances[idx as usize].set_status(InstanceStatus::Closed);
            self.group_state().kept.push(idx);
        }
        self.collect_all(true);
    }

    /// Frees every closed instance of this group that no open instance can reach: marks from
    /// the open instances (and the host instances other groups import from), then sweeps the
    /// closed ones not yet freed. References never cross groups (a cross-group reference
    /// merges the groups, see [`Group`]), so the group alone decides. Costs what is alive, not
    /// what was ever instantiated.
    pub fn collect(&mut self) {
        self.collect_all(false)
    }

    fn collect_all(&mut self, everything: bool) {
        if self.group_state().kept.is_empty() {
            return;
        }
        let mut live: HashSet<u32> = HashSet::new();
        let reg = self.reg();
        let mut stack: Vec<u32> = self.group_state().open.iter().copied().collect();
        if !everything {
            let kept = &self.group_state().kept;
            stack.extend(kept.iter().filter(|i| reg.instances[**i as usize].importers.load(Ordering::Acquire) > 0));
        }
        while let Some(i) = stack.pop() {
            if !live.insert(i) {
                continue;
            }
            let inst = &reg.instances[i as usize];
            let func_owner = |cell: u64| self.funcs.owner((cell - 1) as usize);
            // Functions of other groups (host functions, pinned instead) are not followed.
            stack.extend(inst.funcs.iter().map(|f| self.funcs.owner(*f as usize)).filter(|o| reg.group_of(*o) == self.group));
            stack.extend(inst.memories.iter().map(|m| self.memories.owner(*m as usize)));
            for t in &inst.tables {
                let table = &self.tables[*t as usize];
                stack.push(table.owner);
                if table.ty.element.heap_type.is_func() {
                    stack.extend(table.elems.iter().filter(|c| **c != 0).map(|c| func_owner(*c)));
                }
            }
            for g in &inst.globals {
                let global = &self.globals[*g as usize];
                stack.push(global.owner);
                if global.ty.content.as_ref().is_some_and(|r| r.heap_type.is_func()) && global.bits() != 0 {
                    stack.push(func_owner(global.bits() as u64));
                }
            }
        }
        for idx in std::mem::take(&mut self.group_state().kept) {
            if live.contains(&idx) {
                self.group_state().kept.push(idx);
            } else {
                self.free_instance(idx);
            }
        }
        let mut uncollected = reg.uncollected.lock().unwrap_or_else(|e| e.into_inner());
        if self.group_state().kept.is_empty() {
            uncollected.remove(&self.group);
        } else {
            uncollected.insert(self.group);
        }
    }

    /// Frees what instance `idx` owns and leaves tombstones at its addresses. Its shape (the
    /// addresses of its entities and its exports) stays: other threads may read it unlocked.
    fn free_instance(&mut self, idx: u32) {
        let reg = self.reg();
        let shape = &reg.instances[idx as usize].shape;
        reg.instances[idx as usize].set_status(InstanceStatus::Freed);
        let state = self.inst_mut(idx);
        state.dropped_elems = Vec::new();
        state.dropped_datas = Vec::new();
        state.engine_state = None;
        state.code = None;
        state.module = None;
        for h in std::mem::take(&mut state.pins) {
            reg.instances[h as usize].importers.fetch_sub(1, Ordering::AcqRel);
        }
        let own_funcs: Vec<u32> = shape.funcs.iter().copied().filter(|f| self.funcs.owner(*f as usize) == idx).collect();
        for f in &own_funcs {
            let type_id = self.funcs[*f as usize].type_id();
            self.funcs[*f as usize] = FuncEntity::Host { type_id, func: closed_stub(), instance: idx };
        }
        for t in &shape.tables {
            if self.tables.owner(*t as usize) == idx {
                self.tables[*t as usize].free();
            }
        }
        for m in &shape.memories {
            if self.memories.owner(*m as usize) == idx {
                self.memories[*m as usize].free();
            }
        }
        let engine = self.engine.clone();
        engine.release(self, &own_funcs);
    }

    /// Collects in the other groups that keep closed instances and that no thread uses right
    /// now, so that any close frees what became unreachable anywhere (as a single store did).
    pub(crate) fn collect_elsewhere(reg: &Registry, except: u32) {
        let groups: Vec<u32> = reg.uncollected.lock().unwrap_or_else(|e| e.into_inner()).iter().copied().collect();
        for g in groups.into_iter().filter(|g| *g != except) {
            if reg.try_lock_group(g) {
                // SAFETY: locked just above, released below; `reg` outlives the view.
                unsafe { reg.view(g) }.collect();
                reg.unlock_group(g);
            }
        }
    }

    /// Adds this group's counts of instances by status and the bytes and elements still
    /// allocated to `c`.
    pub fn count_into(&mut self, c: &mut StoreCounts) {
        let reg = self.reg();
        for i in self.group_state().members.clone() {
            let inst = &reg.instances[i as usize];
            match inst.status() {
                InstanceStatus::Open => c.open += 1,
                InstanceStatus::Closed => c.closed += 1,
                InstanceStatus::Freed => c.freed += 1,
            }
            c.memory_bytes += inst.memories.iter().filter(|m| self.memories.owner(**m as usize) == i).map(|m| self.memories[*m as usize].data.len()).sum::<usize>();
            c.table_elements += inst.tables.iter().filter(|t| self.tables.owner(**t as usize) == i).map(|t| self.tables[*t as usize].elems.len()).sum::<usize>();
        }
    }
}
