//! [Instantiation](https://webassembly.github.io/spec/core/exec/modules.html#instantiation):
//! import resolution with type matching, allocation, segment initialisation, start function.

use super::*;
use super::registry::LockError;
use crate::wasm::types::{ExternType, IndexType, MemoryType, TableType, TypeId, ValType};
use crate::vm::{InstantiationError, LinkError, Trap};
use crate::wasm::{ConstExpr, ConstOp, DataMode, ElemMode, ImportDesc, Module};
use std::collections::HashMap;
use std::sync::Arc;

/// The most elements one table may have: 2^24 cells = 128 MiB, so that a hostile module cannot
/// make the host allocate without bound.
pub(crate) const MAX_TABLE_ELEMS: u32 = 1 << 24;

/// [Limits subtyping](https://webassembly.github.io/spec/core/valid/types.html#limits).
fn limits_match(actual_min: u64, actual_max: Option<u64>, min: u64, max: Option<u64>) -> bool {
    actual_min >= min
        && match (max, actual_max) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(m), Some(a)) => a <= m,
        }
}

fn import_matches(actual: &ExternType, expected: &ExternType) -> bool {
    match (actual, expected) {
        (ExternType::Func(a), ExternType::Func(e)) => a == e,
        (ExternType::Table(a), ExternType::Table(e)) => {
            a.element == e.element && a.index == e.index && limits_match(a.min, a.max, e.min, e.max)
        }
        (ExternType::Memory(a), ExternType::Memory(e)) => {
            a.index == e.index
                && a.shared == e.shared
                && a.page_size_log2 == e.page_size_log2
                && limits_match(a.min, a.max, e.min, e.max)
        }
        // An immutable global may be of a subtype; a mutable one is read and written through
        // the import, so its type must be the same.
        (ExternType::Global(a), ExternType::Global(e)) => {
            a.mutable == e.mutable
                && match (a.content, e.content) {
                    (ValType::Ref(ar), ValType::Ref(er)) if !a.mutable => ar.matches(&er),
                    (ac, ec) => ac == ec,
                }
        }
        _ => false,
    }
}

/// Renamings applied to a module's imports before they are resolved
/// ([`crate::ModuleConfig::with_import_module`], [`crate::ModuleConfig::with_import`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct ImportRenames {
    /// Whole modules: every import from the first name is looked up in the second.
    pub modules: HashMap<String, String>,
    /// Single imports: (module, name) → (module, name); takes precedence over `modules`.
    pub items: HashMap<(String, String), (String, String)>,
}

impl ImportRenames {
    /// The (module, name) an import is resolved by.
    pub fn resolve<'a>(&'a self, module: &'a str, name: &'a str) -> (&'a str, &'a str) {
        if !self.items.is_empty() {
            if let Some((m, n)) = self.items.get(&(module.to_string(), name.to_string())) {
                return (m, n);
            }
        }
        (self.modules.get(module).map_or(module, |m| m.as_str()), name)
    }
}

/// Why [`lock_import_groups`] failed.
pub(crate) enum GroupsError {
    Link(LinkError),
    Lock(LockError),
}

/// The store address of each import of `module` (after `renames`), looked up by name among the
/// open instances; no type check yet.
fn find_imports(reg: &Registry, module: &Module, renames: &ImportRenames) -> Result<Vec<ExternAddr>, LinkError> {
    let names = reg.names();
    let mut found = Vec::with_capacity(module.imports.len());
    for import in &module.imports {
        let (module_name, name) = renames.resolve(&import.module, &import.name);
        let addr = names.get(module_name).and_then(|i| reg.instances[*i as usize].export(name)).ok_or_else(|| {
            LinkError::UnknownImport {
                module: module_name.to_string(),
                name: name.to_string(),
                expected: module.import_type(&import.desc),
            }
        })?;
        found.push(addr);
    }
    Ok(found)
}

/// The instance that defined the entity at `addr`.
fn owner_of(reg: &Registry, addr: ExternAddr) -> u32 {
    match addr {
        ExternAddr::Func(a) => reg.funcs[a as usize].owner,
        ExternAddr::Table(a) => reg.tables[a as usize].owner,
        ExternAddr::Memory(a) => reg.memories[a as usize].owner,
        ExternAddr::Global(a) => reg.globals[a as usize].owner,
        ExternAddr::Tag(a) => reg.tags[a as usize].owner,
    }
}

/// Resolves `module`'s imports and prepares the link group its instance will join, leaving
/// this thread holding that group's lock: the groups of every instance it imports a memory,
/// table, global or wasm function from are merged into one (the lowest id); a module that
/// imports only host functions (or nothing) gets a new group. The host instances it imports
/// functions from are locked while it is decided, so that they cannot be freed in between
/// (`instantiate` pins them). Returns the group and the imports' addresses, type-checked.
pub(crate) fn lock_import_groups(
    reg: &Registry,
    module: &Module,
    renames: &ImportRenames,
) -> Result<(u32, Vec<ExternAddr>), GroupsError> {
    loop {
        let imports = find_imports(reg, module, renames).map_err(GroupsError::Link)?;
        let owners: Vec<u32> = imports.iter().map(|a| owner_of(reg, *a)).collect();
        // Tags never change: importing one shares no state.
        let merged = |addr: &ExternAddr, owner: u32| match addr {
            ExternAddr::Func(_) => !reg.instances[owner as usize].is_host,
            ExternAddr::Tag(_) => false,
            ExternAddr::Table(_) | ExternAddr::Memory(_) | ExternAddr::Global(_) => true,
        };
        let mut groups: Vec<u32> = owners.iter().map(|o| reg.group_of(*o)).collect();
        groups.sort_unstable();
        groups.dedup();
        // Locks in ascending order; a thread holding none cannot deadlock here.
        for (n, g) in groups.iter().enumerate() {
            if let Err(e) = reg.lock_group(*g) {
                groups[..n].iter().for_each(|g| reg.unlock_group(*g));
                return Err(GroupsError::Lock(e));
            }
        }
        let unlock_all = |groups: &[u32]| groups.iter().for_each(|g| reg.unlock_group(*g));
        // A merge between the lookup and the locks may have moved an owner: start again.
        if owners.iter().any(|o| groups.binary_search(&reg.group_of(*o)).is_err()) {
            unlock_all(&groups);
            continue;
        }
        let mut targets: Vec<u32> =
            imports.iter().zip(&owners).filter(|(a, o)| merged(a, **o)).map(|(_, o)| reg.group_of(*o)).collect();
        targets.sort_unstable();
        targets.dedup();
        let target = match targets.first() {
            Some(g) => *g,
            None => {
                let g = reg.add_group();
                // (With one group per runtime, the new group may be one locked above.)
                if groups.contains(&g) {
                    g
                } else if let Err(e) = reg.lock_group(g) {
                    unlock_all(&groups);
                    return Err(GroupsError::Lock(e));
                } else {
                    g
                }
            }
        };
        // SAFETY: this thread holds `target`'s lock; the view reads the other locked groups'
        // entities only through shared indexing, which their locks (held too) make safe.
        let mut view = unsafe { reg.view(target) };
        if let Err(e) = check_imports(&view, module, renames, &imports) {
            if !groups.contains(&target) {
                reg.unlock_group(target);
            }
            unlock_all(&groups);
            return Err(GroupsError::Link(e));
        }
        for g in targets.iter().skip(1) {
            view.merge_group(*g);
        }
        for g in &groups {
            if *g != target {
                reg.unlock_group(*g);
            }
        }
        return Ok((target, imports));
    }
}

/// Checks that each import is still open and its type matches what `module` expects.
fn check_imports(store: &Store, module: &Module, renames: &ImportRenames, imports: &[ExternAddr]) -> Result<(), LinkError> {
    for (import, addr) in module.imports.iter().zip(imports) {
        let expected = module.import_type(&import.desc);
        let (module_name, name) = renames.resolve(&import.module, &import.name);
        if store.check_open(owner_of(store, *addr)).is_err() {
            return Err(LinkError::UnknownImport { module: module_name.to_string(), name: name.to_string(), expected });
        }
        let actual = store.extern_type(*addr);
        let matches = match (import.desc, *addr) {
            // A function's type is compared by identity (equal function types of different
            // recursion groups are different types), and may be a declared subtype.
            (ImportDesc::Func(t), ExternAddr::Func(f)) => {
                TypeId(store.funcs[f as usize].type_id()).is_subtype_of(module.type_ids[t as usize])
            }
            // A tag's type must be the same type, by identity.
            (ImportDesc::Tag(t), ExternAddr::Tag(a)) => store.tag_type_id(a) == module.type_ids[t as usize].0,
            _ => import_matches(&actual, &expected),
        };
        if !matches {
            return Err(LinkError::IncompatibleImportType {
                module: module_name.to_string(),
                name: name.to_string(),
                expected,
                actual,
            });
        }
    }
    Ok(())
}

/// Evaluates a constant expression in the context of a (partially built) instance.
pub(crate) fn eval_const(store: &Store, globals: &[u32], funcs: &[u32], e: &ConstExpr) -> u128 {
    match *e {
        ConstExpr::I32(v) => v as u32 as u128,
        ConstExpr::I64(v) => v as u64 as u128,
        ConstExpr::F32(v) => v as u128,
        ConstExpr::F64(v) => v as u128,
        ConstExpr::V128(v) => v,
        ConstExpr::RefNull => 0,
        ConstExpr::RefFunc(f) => funcs[f as usize] as u128 + 1,
        ConstExpr::GlobalGet(g) => store.globals[globals[g as usize] as usize].bits(),
        ConstExpr::Extended(ref ops) => {
            // Integers only (the validator's rule), each kept as 64 bits, an i32 zero-extended
            // as everywhere else.
            let mut stack: Vec<u64> = Vec::with_capacity(ops.len());
            macro_rules! run {
                ($($op:ident $ty:ident $uty:ident $f:ident;)*) => {
                    for op in ops.iter() {
                        let v = match *op {
                            ConstOp::I32(v) => v as u32 as u64,
                            ConstOp::I64(v) => v as u64,
                            ConstOp::GlobalGet(g) => store.globals[globals[g as usize] as usize].bits() as u64,
                            $(ConstOp::$op => {
                                let b = stack.pop().unwrap_or(0) as $ty;
                                let a = stack.pop().unwrap_or(0) as $ty;
                                a.$f(b) as $uty as u64
                            })*
                        };
                        stack.push(v);
                    }
                };
            }
            crate::wasm::for_each_const_binop!(run);
            stack.pop().unwrap_or(0) as u128
        }
    }
}

pub(crate) fn new_table(ty: TableType) -> Result<TableEntity, InstantiationError> {
    if ty.min > MAX_TABLE_ELEMS as u64 {
        return Err(InstantiationError::Resource(format!(
            "table of {} elements exceeds the limit of {MAX_TABLE_ELEMS}",
            ty.min
        )));
    }
    let mut elems = Vec::new();
    elems
        .try_reserve_exact(ty.min as usize)
        .map_err(|_| InstantiationError::Resource(format!("cannot allocate a table of {} elements", ty.min)))?;
    elems.resize(ty.min as usize, 0);
    Ok(TableEntity::new(elems, ty))
}

pub(crate) fn new_memory(store: &Store, ty: MemoryType) -> Result<MemoryEntity, InstantiationError> {
    MemoryEntity::new(ty, store.limits.memory_pages, store.engine.reserves_memories()).map_err(InstantiationError::Resource)
}

/// Instantiates `module` (compiled to `code`) in `store`; returns the new instance's address.
/// On failure nothing is registered and the half-built instance is closed (so its memories and
/// tables are freed unless something still refers to them); (Core 2.0) segment writes into
/// imported tables and memories before a trap remain visible, as the spec prescribes.
pub(crate) fn instantiate(
    store: &mut Store,
    module: &Arc<Module>,
    code: &EngineCode,
    imports: &[ExternAddr],
) -> Result<u32, InstantiationError> {
    let (idx, alloc) = store.reg().next_instance();
    let mut inst = InstanceShape {
        is_host: false,
        type_ids: module.type_ids.iter().map(|t| t.0).collect(),
        funcs: Vec::with_capacity(module.funcs.len()),
        tables: Vec::new(),
        memories: Vec::new(),
        globals: Vec::new(),
        global_defs: Vec::new(),
        tags: Vec::with_capacity(module.tags.len()),
        exports: Vec::new(),
    };
    let mut state = InstanceState {
        module: Some(module.clone()),
        code: Some(code.clone()),
        dropped_elems: vec![false; module.elems.len()],
        dropped_datas: vec![false; module.datas.len()],
        engine_state: None,
        pins: Vec::new(),
    };
    for addr in imports {
        match *addr {
            ExternAddr::Func(a) => inst.funcs.push(a),
            ExternAddr::Table(a) => inst.tables.push(a),
            ExternAddr::Memory(a) => inst.memories.push(a),
            ExternAddr::Global(a) => inst.globals.push(a),
            ExternAddr::Tag(a) => inst.tags.push(a),
        }
    }
    // Allocate everything before touching the store so a resource error leaves it unchanged.
    let mut tables = Vec::new();
    for ty in &module.tables[module.num_imported_tables as usize..] {
        tables.push(new_table(*ty)?);
    }
    let mut memories = Vec::new();
    for ty in &module.memories[module.num_imported_memories as usize..] {
        memories.push(new_memory(store, *ty)?);
    }
    for i in 0..module.bodies.len() {
        let func_index = module.num_imported_funcs as usize + i;
        let type_id = inst.type_ids[module.funcs[func_index] as usize];
        let addr = store.add_func(FuncEntity::Wasm { instance: idx, index: i as u32, type_id });
        inst.funcs.push(addr);
    }
    for (i, mut t) in tables.into_iter().enumerate() {
        // A table with an initializer (typed function references) starts with every element
        // its value; it may name the imported globals and any function.
        if let Some(init) = &module.table_inits[i] {
            let cell = eval_const(store, &inst.globals, &inst.funcs, init) as u64;
            t.elems.fill(cell);
        }
        let addr = store.add_table(t, idx);
        inst.tables.push(addr);
    }
    for m in memories {
        let addr = store.add_memory(m, idx);
        inst.memories.push(addr);
    }
    for (i, init) in module.global_inits.iter().enumerate() {
        let ty = module.globals[module.num_imported_globals as usize + i];
        let bits = eval_const(store, &inst.globals, &inst.funcs, init);
        let addr = store.add_global(GlobalEntity::new(bits, ty), idx);
        inst.globals.push(addr);
    }
    for t in &module.tags[module.num_imported_tags as usize..] {
        let addr = store.add_tag(inst.type_ids[*t as usize], idx);
        inst.tags.push(addr);
    }
    inst.global_defs = inst.globals.iter().map(|g| GlobalDef(store.globals[*g as usize].definition())).collect();
    for e in &module.exports {
        let i = e.index as usize;
        let addr = match e.kind {
            crate::wasm::ExternKind::Func => ExternAddr::Func(inst.funcs[i]),
            crate::wasm::ExternKind::Table => ExternAddr::Table(inst.tables[i]),
            crate::wasm::ExternKind::Memory => ExternAddr::Memory(inst.memories[i]),
            crate::wasm::ExternKind::Global => ExternAddr::Global(inst.globals[i]),
            crate::wasm::ExternKind::Tag => ExternAddr::Tag(inst.tags[i]),
        };
        inst.exports.push((e.name.clone(), addr));
    }
    // Host instances of other groups whose functions this one imports are kept while it lives
    // (their groups are locked by `lock_import_groups` until it returns, so none was freed).
    for addr in imports {
        if let ExternAddr::Func(f) = addr {
            let owner = store.funcs.owner(*f as usize);
            if store.group_of(owner) != store.group && !state.pins.contains(&owner) {
                store.instances[owner as usize].importers.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
                state.pins.push(owner);
            }
        }
    }
    let added = store.add_instance(inst, state);
    drop(alloc);
    debug_assert_eq!(added, idx);
    match initialize(store, idx, module) {
        Ok(()) => Ok(idx),
        Err(e) => {
            store.close_instance(idx);
            Err(e)
        }
    }
}

/// The steps of instantiation after allocation: the engine's set-up, segments, start function.
fn initialize(store: &mut Store, idx: u32, module: &Module) -> Result<(), InstantiationError> {
    let engine = store.engine.clone();
    engine.instantiate(store, idx)?;

    if module.features.contains(wasmparser::WasmFeatures::BULK_MEMORY) {
        init_segments_in_order(store, idx, module)?;
    } else {
        init_segments_checked_first(store, idx, module)?;
    }

    if let Some(start) = module.start {
        let f = store.instances[idx as usize].funcs[start as usize];
        store.invoke(f, &[], &mut []).map_err(InstantiationError::Trap)?;
    }
    Ok(())
}

fn elem_items(store: &Store, inst: u32, items: &[ConstExpr]) -> Vec<u64> {
    let i = &store.instances[inst as usize];
    items.iter().map(|e| eval_const(store, &i.globals, &i.funcs, e) as u64).collect()
}

/// A segment's offset into a table or memory whose addresses are i64 if `is64` (memory64,
/// table64), else i32.
fn offset_of(store: &Store, inst: u32, e: &ConstExpr, is64: bool) -> u64 {
    let i = &store.instances[inst as usize];
    let bits = eval_const(store, &i.globals, &i.funcs, e);
    if is64 { bits as u64 } else { bits as u32 as u64 }
}

/// `off..off + n` if it lies within `len` (no overflow), as `usize`s.
fn segment_range(off: u64, n: usize, len: usize) -> Option<std::ops::Range<usize>> {
    let end = off.checked_add(n as u64)?;
    (end <= len as u64).then_some(off as usize..end as usize)
}

/// Core 2.0 ([§4.5.4 steps 13–15](https://webassembly.github.io/spec/core/exec/modules.html#instantiation)):
/// each active segment is applied in order as `table.init`/`memory.init` followed by a drop;
/// the first out-of-bounds one traps, leaving earlier writes in place.
fn init_segments_in_order(store: &mut Store, inst: u32, module: &Module) -> Result<(), Trap> {
    for (s, seg) in module.elems.iter().enumerate() {
        match &seg.mode {
            ElemMode::Active { table, offset } => {
                let t = store.instances[inst as usize].tables[*table as usize];
                let off = offset_of(store, inst, offset, store.tables[t as usize].ty.index == IndexType::I64);
                let items = elem_items(store, inst, &seg.items);
                let elems = &mut store.tables[t as usize].elems;
                let Some(range) = segment_range(off, items.len(), elems.len()) else {
                    return Err(Trap::TableOutOfBounds);
                };
                elems[range].copy_from_slice(&items);
                store.inst_mut(inst).dropped_elems[s] = true;
            }
            ElemMode::Declared => store.inst_mut(inst).dropped_elems[s] = true,
            ElemMode::Passive => {}
        }
    }
    for (s, seg) in module.datas.iter().enumerate() {
        if let DataMode::Active { memory, offset } = &seg.mode {
            let m = store.instances[inst as usize].memories[*memory as usize];
            let off = offset_of(store, inst, offset, store.memories[m as usize].is64());
            let bytes = module.data_bytes(seg);
            let data = &mut store.memories[m as usize].data;
            let Some(range) = segment_range(off, bytes.len(), data.len()) else {
                return Err(Trap::MemoryOutOfBounds);
            };
            data[range].copy_from_slice(bytes);
            store.inst_mut(inst).dropped_datas[s] = true;
        }
    }
    Ok(())
}

/// Core 1.0 ([§4.5.4 of 1.0](https://www.w3.org/TR/wasm-core-1/#instantiation%E2%91%A1)): every
/// segment is bounds-checked before any is written, so a failing instantiation writes nothing.
fn init_segments_checked_first(store: &mut Store, inst: u32, module: &Module) -> Result<(), InstantiationError> {
    let mut elem_writes = Vec::new();
    for seg in &module.elems {
        if let ElemMode::Active { table, offset } = &seg.mode {
            let t = store.instances[inst as usize].tables[*table as usize];
            let off = offset_of(store, inst, offset, store.tables[t as usize].ty.index == IndexType::I64);
            let Some(range) = segment_range(off, seg.items.len(), store.tables[t as usize].elems.len()) else {
                return Err(InstantiationError::SegmentDoesNotFit("elements segment does not fit".into()));
            };
            elem_writes.push((t, range.start, elem_items(store, inst, &seg.items)));
        }
    }
    let mut data_writes = Vec::new();
    for seg in &module.datas {
        if let DataMode::Active { memory, offset } = &seg.mode {
            let m = store.instances[inst as usize].memories[*memory as usize];
            let off = offset_of(store, inst, offset, store.memories[m as usize].is64());
            let Some(range) = segment_range(off, seg.data.len(), store.memories[m as usize].data.len()) else {
                return Err(InstantiationError::SegmentDoesNotFit("data segment does not fit".into()));
            };
            data_writes.push((m, range.start, module.data_bytes(seg)));
        }
    }
    for (t, off, items) in elem_writes {
        store.tables[t as usize].elems[off..off + items.len()].copy_from_slice(&items);
    }
    for (m, off, bytes) in data_writes {
        store.memories[m as usize].data[off..off + bytes.len()].copy_from_slice(bytes);
    }
    Ok(())
}
