//! [Instantiation](https://webassembly.github.io/spec/core/exec/modules.html#instantiation):
//! import resolution with type matching, allocation, segment initialisation, start function.

use super::*;
use crate::api::{ExternType, InstantiationError, LinkError, MemoryType, TableType, Trap};
use crate::wasm::{ConstExpr, DataMode, ElemMode, ImportDesc, Module};
use std::collections::HashMap;
use std::sync::Arc;

/// The most elements one table may have: 2^24 cells = 128 MiB, so that a hostile module cannot
/// make the host allocate without bound.
pub(crate) const MAX_TABLE_ELEMS: u32 = 1 << 24;

/// [Limits subtyping](https://webassembly.github.io/spec/core/valid/types.html#limits).
fn limits_match(actual_min: u32, actual_max: Option<u32>, min: u32, max: Option<u32>) -> bool {
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
            a.element == e.element && limits_match(a.min, a.max, e.min, e.max)
        }
        (ExternType::Memory(a), ExternType::Memory(e)) => limits_match(a.min, a.max, e.min, e.max),
        (ExternType::Global(a), ExternType::Global(e)) => a == e,
        _ => false,
    }
}

fn import_type(module: &Module, desc: &ImportDesc) -> ExternType {
    match desc {
        ImportDesc::Func(t) => ExternType::Func(module.types[*t as usize].clone()),
        ImportDesc::Table(t) => ExternType::Table(*t),
        ImportDesc::Memory(t) => ExternType::Memory(*t),
        ImportDesc::Global(t) => ExternType::Global(*t),
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

fn resolve_imports(store: &Store, module: &Module, renames: &ImportRenames) -> Result<Vec<ExternAddr>, LinkError> {
    let mut resolved = Vec::with_capacity(module.imports.len());
    for import in &module.imports {
        let expected = import_type(module, &import.desc);
        let (module_name, name) = renames.resolve(&import.module, &import.name);
        let addr = store
            .names
            .get(module_name)
            .and_then(|i| store.instances[*i as usize].export(name))
            .ok_or_else(|| LinkError::UnknownImport {
                module: module_name.to_string(),
                name: name.to_string(),
                expected: expected.clone(),
            })?;
        let actual = store.extern_type(addr);
        if !import_matches(&actual, &expected) {
            return Err(LinkError::IncompatibleImportType {
                module: module_name.to_string(),
                name: name.to_string(),
                expected,
                actual,
            });
        }
        resolved.push(addr);
    }
    Ok(resolved)
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
    }
}

pub(crate) fn new_table(ty: TableType) -> Result<TableEntity, InstantiationError> {
    if ty.min > MAX_TABLE_ELEMS {
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
    renames: &ImportRenames,
) -> Result<u32, InstantiationError> {
    let imports = resolve_imports(store, module, renames)?;
    let idx = store.instances.len() as u32;
    let mut inst = InstanceEntity::new(Some(module.clone()), Some(code.clone()));
    inst.type_ids = module.types.iter().map(|t| store.intern_type(t)).collect();
    inst.funcs.reserve(module.funcs.len());
    inst.dropped_elems = vec![false; module.elems.len()];
    inst.dropped_datas = vec![false; module.datas.len()];
    for addr in &imports {
        match *addr {
            ExternAddr::Func(a) => inst.funcs.push(a),
            ExternAddr::Table(a) => inst.tables.push(a),
            ExternAddr::Memory(a) => inst.memories.push(a),
            ExternAddr::Global(a) => inst.globals.push(a),
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
    for t in tables {
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
    inst.global_defs = inst.globals.iter().map(|g| GlobalDef(store.globals[*g as usize].definition())).collect();
    for e in &module.exports {
        let i = e.index as usize;
        let addr = match e.kind {
            crate::wasm::ExternKind::Func => ExternAddr::Func(inst.funcs[i]),
            crate::wasm::ExternKind::Table => ExternAddr::Table(inst.tables[i]),
            crate::wasm::ExternKind::Memory => ExternAddr::Memory(inst.memories[i]),
            crate::wasm::ExternKind::Global => ExternAddr::Global(inst.globals[i]),
        };
        inst.exports.push((e.name.clone(), addr));
    }
    store.add_instance(inst);
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
        store.call(f, &[]).map_err(InstantiationError::Trap)?;
    }
    Ok(())
}

fn elem_items(store: &Store, inst: u32, items: &[ConstExpr]) -> Vec<u64> {
    let i = &store.instances[inst as usize];
    items.iter().map(|e| eval_const(store, &i.globals, &i.funcs, e) as u64).collect()
}

fn offset_of(store: &Store, inst: u32, e: &ConstExpr) -> u32 {
    let i = &store.instances[inst as usize];
    eval_const(store, &i.globals, &i.funcs, e) as u32
}

/// Core 2.0 ([§4.5.4 steps 13–15](https://webassembly.github.io/spec/core/exec/modules.html#instantiation)):
/// each active segment is applied in order as `table.init`/`memory.init` followed by a drop;
/// the first out-of-bounds one traps, leaving earlier writes in place.
fn init_segments_in_order(store: &mut Store, inst: u32, module: &Module) -> Result<(), Trap> {
    for (s, seg) in module.elems.iter().enumerate() {
        match &seg.mode {
            ElemMode::Active { table, offset } => {
                let off = offset_of(store, inst, offset) as usize;
                let items = elem_items(store, inst, &seg.items);
                let t = store.instances[inst as usize].tables[*table as usize];
                let elems = &mut store.tables[t as usize].elems;
                if off.checked_add(items.len()).is_none_or(|end| end > elems.len()) {
                    return Err(Trap::TableOutOfBounds);
                }
                elems[off..off + items.len()].copy_from_slice(&items);
                store.instances[inst as usize].dropped_elems[s] = true;
            }
            ElemMode::Declared => store.instances[inst as usize].dropped_elems[s] = true,
            ElemMode::Passive => {}
        }
    }
    for (s, seg) in module.datas.iter().enumerate() {
        if let DataMode::Active { memory, offset } = &seg.mode {
            let off = offset_of(store, inst, offset) as usize;
            let bytes = module.data_bytes(seg);
            let m = store.instances[inst as usize].memories[*memory as usize];
            let data = &mut store.memories[m as usize].data;
            if off.checked_add(bytes.len()).is_none_or(|end| end > data.len()) {
                return Err(Trap::MemoryOutOfBounds);
            }
            data[off..off + bytes.len()].copy_from_slice(bytes);
            store.instances[inst as usize].dropped_datas[s] = true;
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
            let off = offset_of(store, inst, offset) as usize;
            let t = store.instances[inst as usize].tables[*table as usize];
            if off + seg.items.len() > store.tables[t as usize].elems.len() {
                return Err(InstantiationError::SegmentDoesNotFit("elements segment does not fit".into()));
            }
            elem_writes.push((t, off, elem_items(store, inst, &seg.items)));
        }
    }
    let mut data_writes = Vec::new();
    for seg in &module.datas {
        if let DataMode::Active { memory, offset } = &seg.mode {
            let off = offset_of(store, inst, offset) as usize;
            let m = store.instances[inst as usize].memories[*memory as usize];
            if off + seg.data.len() > store.memories[m as usize].data.len() {
                return Err(InstantiationError::SegmentDoesNotFit("data segment does not fit".into()));
            }
            data_writes.push((m, off, module.data_bytes(seg)));
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
