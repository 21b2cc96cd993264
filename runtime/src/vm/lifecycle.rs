//! Closing instances and freeing what they own.
//!
//! Store addresses are never reused: handles and table cells hold them, and reusing one would
//! make a stale handle refer to another instance's entity. Closing therefore works in two steps:
//!
//! - [`Store::close_instance`] marks the instance [`InstanceStatus::Closed`] and removes its
//!   names. Every API operation through one of its handles now fails with
//!   [`Trap::InstanceClosed`](crate::Trap::InstanceClosed).
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
use crate::api::Trap;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

/// The closure every freed function is replaced with.
fn closed_stub() -> Arc<HostFn> {
    static STUB: OnceLock<Arc<HostFn>> = OnceLock::new();
    STUB.get_or_init(|| Arc::new(|_: &mut crate::api::Caller<'_>, _: &[crate::api::Val], _: &mut [crate::api::Val]| Err(Trap::InstanceClosed)))
        .clone()
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
    /// Closes instance `idx` (a no-op if it already is) and frees whatever became unreachable.
    pub fn close_instance(&mut self, idx: u32) {
        if !self.open.remove(&idx) {
            return;
        }
        self.instances[idx as usize].status = InstanceStatus::Closed;
        self.kept.push(idx);
        self.names.retain(|_, i| *i != idx);
        self.collect();
    }

    /// Closes and frees every instance ([`crate::Runtime::close`]).
    pub fn close_all(&mut self) {
        for idx in std::mem::take(&mut self.open) {
            self.instances[idx as usize].status = InstanceStatus::Closed;
            self.kept.push(idx);
        }
        self.names.clear();
        self.collect();
    }

    /// Frees every closed instance no open instance can reach: marks from the open instances,
    /// then sweeps the closed ones not yet freed. Costs what is alive (open instances, their
    /// imports, tables and globals), not what was ever instantiated.
    pub fn collect(&mut self) {
        if self.kept.is_empty() {
            return;
        }
        let mut live: HashSet<u32> = HashSet::new();
        let mut stack: Vec<u32> = self.open.iter().copied().collect();
        while let Some(i) = stack.pop() {
            if !live.insert(i) {
                continue;
            }
            let inst = &self.instances[i as usize];
            let func_owner = |cell: u64| self.funcs[(cell - 1) as usize].owner();
            stack.extend(inst.funcs.iter().map(|f| self.funcs[*f as usize].owner()));
            stack.extend(inst.memories.iter().map(|m| self.memories[*m as usize].owner));
            for t in &inst.tables {
                let table = &self.tables[*t as usize];
                stack.push(table.owner);
                if table.ty.element == crate::api::ValType::FuncRef {
                    stack.extend(table.elems.iter().filter(|c| **c != 0).map(|c| func_owner(*c)));
                }
            }
            for g in &inst.globals {
                let global = &self.globals[*g as usize];
                stack.push(global.owner);
                if global.ty.content == crate::api::ValType::FuncRef && global.bits() != 0 {
                    stack.push(func_owner(global.bits() as u64));
                }
            }
        }
        for idx in std::mem::take(&mut self.kept) {
            if live.contains(&idx) {
                self.kept.push(idx);
            } else {
                self.free_instance(idx);
            }
        }
    }

    /// Frees what instance `idx` owns and leaves tombstones at its addresses.
    fn free_instance(&mut self, idx: u32) {
        let inst = &mut self.instances[idx as usize];
        inst.status = InstanceStatus::Freed;
        let funcs = std::mem::take(&mut inst.funcs);
        let tables = std::mem::take(&mut inst.tables);
        let memories = std::mem::take(&mut inst.memories);
        inst.globals.clear();
        inst.global_defs.clear();
        inst.exports.clear();
        inst.type_ids.clear();
        inst.dropped_elems.clear();
        inst.dropped_datas.clear();
        inst.engine_state = None;
        inst.code = None;
        inst.module = None;
        let own_funcs: Vec<u32> = funcs.into_iter().filter(|f| self.funcs[*f as usize].owner() == idx).collect();
        for f in &own_funcs {
            let type_id = self.funcs[*f as usize].type_id();
            self.funcs[*f as usize] = FuncEntity::Host { type_id, func: HostCode::Vals(closed_stub()), instance: idx };
        }
        for t in tables {
            if self.tables[t as usize].owner == idx {
                self.tables[t as usize].free();
            }
        }
        for m in memories {
            if self.memories[m as usize].owner == idx {
                self.memories[m as usize].free();
            }
        }
        let engine = self.engine.clone();
        engine.release(self, &own_funcs);
    }

    /// Counts of instances by status and the bytes and elements still allocated.
    pub fn counts(&self) -> StoreCounts {
        let mut c = StoreCounts::default();
        for i in &self.instances {
            match i.status {
                InstanceStatus::Open => c.open += 1,
                InstanceStatus::Closed => c.closed += 1,
                InstanceStatus::Freed => c.freed += 1,
            }
        }
        c.memory_bytes = self.memories.iter().map(|m| m.data.len()).sum();
        c.table_elements = self.tables.iter().map(|t| t.elems.len()).sum();
        c
    }
}
