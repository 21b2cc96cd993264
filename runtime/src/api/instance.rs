//! [`Instance`] and handles to its exports: [`Memory`], [`Global`], [`Table`].

use super::runtime::RuntimeInner;
use super::*;
use super::cells::{RegistryVals, StoreVals};
use crate::vm::{ExternAddr, PAGE_SIZE};
use std::sync::Arc;

/// A [module instance](https://webassembly.github.io/spec/core/exec/runtime.html#module-instances)
/// living in a [`Runtime`]'s store: made by [`Runtime::instantiate`] or
/// [`HostModuleBuilder::instantiate`], it stays there until [`Instance::close`] or
/// [`Runtime::close`] (dropping the handle does not close it). Clones are handles to the same
/// instance; they are `Send + Sync`.
#[derive(Clone)]
pub struct Instance {
    pub(crate) rt: Arc<RuntimeInner>,
    pub(crate) idx: u32,
}

/// An exported item.
#[derive(Clone)]
#[non_exhaustive]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A table.
    Table(Table),
    /// A linear memory.
    Memory(Memory),
    /// A global.
    Global(Global),
    /// A tag (exception handling).
    Tag(Tag),
}

impl Extern {
    pub(crate) fn from_addr(rt: &Arc<RuntimeInner>, addr: ExternAddr) -> Extern {
        let rt = rt.clone();
        match addr {
            ExternAddr::Func(a) => Extern::Func(Func { rt, addr: a }),
            ExternAddr::Table(a) => Extern::Table(Table { rt, addr: a }),
            ExternAddr::Memory(a) => Extern::Memory(Memory { rt, addr: a }),
            ExternAddr::Global(a) => Extern::Global(Global { rt, addr: a }),
            ExternAddr::Tag(a) => Extern::Tag(Tag { rt, addr: a }),
        }
    }
}

impl Instance {
    pub(crate) fn new(rt: Arc<RuntimeInner>, idx: u32) -> Self {
        Instance { rt, idx }
    }

    /// The export called `name`, if any; `None` as well once the instance is closed
    /// ([`Instance::get_export`] tells the two apart).
    pub fn export(&self, name: &str) -> Option<Extern> {
        self.get_export(name).ok()
    }

    /// The export called `name`.
    ///
    /// Errors: [`ExportError::NotFound`] if there is none, [`ExportError::Closed`] once the
    /// instance (or its runtime) is closed.
    pub fn get_export(&self, name: &str) -> Result<Extern, ExportError> {
        let reg = self.rt.registry();
        reg.check_open(self.idx).map_err(|_| ExportError::Closed)?;
        let addr = reg.instances[self.idx as usize]
            .export(name)
            .ok_or_else(|| ExportError::NotFound(name.to_string()))?;
        Ok(Extern::from_addr(&self.rt, addr))
    }

    /// All exports, in declaration order; empty once the instance is closed.
    pub fn exports(&self) -> Vec<(String, Extern)> {
        let reg = self.rt.registry();
        if reg.check_open(self.idx).is_err() {
            return Vec::new();
        }
        reg.instances[self.idx as usize]
            .exports
            .iter()
            .map(|(n, a)| (n.clone(), Extern::from_addr(&self.rt, *a)))
            .collect()
    }

    /// The exported function `name`, if there is one.
    pub fn func(&self, name: &str) -> Option<Func> {
        match self.export(name)? {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }

    /// The exported function `name` as a [`TypedFunc`], its type checked once against
    /// `Params` and `Results` (each a [`WasmTy`], `()` or a tuple of them).
    ///
    /// Errors: [`ExportError::NotFound`], [`ExportError::WrongKind`] if `name` is not a
    /// function, [`ExportError::TypeMismatch`] if its type differs, [`ExportError::Closed`].
    ///
    /// ```
    /// # let runtime = zerowasm::Runtime::new();
    /// # let module = runtime.compile(r#"(module (func (export "add") (param i32 i32) (result i32)
    /// #     (i32.add (local.get 0) (local.get 1))))"#).unwrap();
    /// # let instance = runtime.instantiate(&module, zerowasm::ModuleConfig::new()).unwrap();
    /// let add = instance.typed_func::<(i32, i32), i32>("add")?;
    /// assert_eq!(add.call((1, 2))?, 3);
    /// assert!(instance.typed_func::<i64, i64>("add").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn typed_func<Params: WasmParams, Results: WasmResults>(
        &self,
        name: &str,
    ) -> Result<TypedFunc<Params, Results>, ExportError> {
        let f = match self.get_export(name)? {
            Extern::Func(f) => f,
            other => {
                return Err(ExportError::WrongKind { name: name.to_string(), expected: "func", actual: other.kind() })
            }
        };
        let actual = f.ty();
        let expected = FuncType::new(Params::types(), Results::types());
        if actual != expected {
            return Err(ExportError::TypeMismatch { name: name.to_string(), expected, actual });
        }
        Ok(TypedFunc::new_unchecked(f))
    }

    /// The exported linear memory `name`, if there is one.
    pub fn memory(&self, name: &str) -> Option<Memory> {
        match self.export(name)? {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }
    /// The exported global `name`, if there is one.
    pub fn global(&self, name: &str) -> Option<Global> {
        match self.export(name)? {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }
    /// The exported tag `name` (exception handling), if there is one.
    pub fn tag(&self, name: &str) -> Option<Tag> {
        match self.export(name)? {
            Extern::Tag(t) => Some(t),
            _ => None,
        }
    }
    /// The exported table `name`, if there is one.
    pub fn table(&self, name: &str) -> Option<Table> {
        match self.export(name)? {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }

    /// Closes the instance, like wazero's `Module.Close`: removes its names (they can be used
    /// again), and frees its linear memories, tables, host functions and its reference to the
    /// compiled code as soon as no open instance refers to them any more (by importing them,
    /// or through a funcref in a table or global); until then wasm code that calls into it
    /// keeps working. Afterwards every operation through this instance's handles fails with
    /// [`ApiError::InstanceClosed`] or [`ExportError::Closed`] (or returns `None`, an empty list,
    /// or a size of 0 where the method has no error). Idempotent.
    pub fn close(&self) {
        let group = {
            let mut store = self.rt.store_of(self.idx);
            store.close_instance(self.idx);
            store.group()
        };
        crate::vm::Store::collect_elsewhere(self.rt.registry(), group);
    }

    /// Whether the instance was closed ([`Instance::close`], [`Runtime::close`]).
    pub fn is_closed(&self) -> bool {
        self.rt.registry().check_open(self.idx).is_err()
    }
}

/// Looking up an export failed ([`Instance::get_export`], [`Instance::typed_func`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExportError {
    /// The instance has no export of that name.
    NotFound(String),
    /// The export is of another kind than asked for.
    WrongKind {
        /// The export's name.
        name: String,
        /// The kind asked for: `"func"`, `"table"`, `"memory"` or `"global"`.
        expected: &'static str,
        /// The export's kind.
        actual: &'static str,
    },
    /// The exported function's type is not the one asked for.
    TypeMismatch {
        /// The export's name.
        name: String,
        /// The type asked for.
        expected: FuncType,
        /// The function's type.
        actual: FuncType,
    },
    /// The instance (or its runtime) was closed.
    Closed,
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::NotFound(n) => write!(f, "no export named {n:?}"),
            ExportError::WrongKind { name, expected, actual } => {
                write!(f, "export {name:?} is a {actual}, not a {expected}")
            }
            ExportError::TypeMismatch { name, expected, actual } => {
                write!(f, "export {name:?} has type {actual}, not {expected}")
            }
            ExportError::Closed => f.write_str("instance closed"),
        }
    }
}
impl std::error::Error for ExportError {}

impl Extern {
    /// The kind: `"func"`, `"table"`, `"memory"`, `"global"` or `"tag"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Extern::Func(_) => "func",
            Extern::Table(_) => "table",
            Extern::Memory(_) => "memory",
            Extern::Global(_) => "global",
            Extern::Tag(_) => "tag",
        }
    }
}

/// A [linear memory](https://webassembly.github.io/spec/core/exec/runtime.html#memory-instances):
/// bytes in pages of 64 KiB (or of the page size its type declares, with custom page sizes),
/// addressed by i32 or, with memory64, i64. All accesses are bounds-checked.
#[derive(Clone)]
pub struct Memory {
    pub(crate) rt: Arc<RuntimeInner>,
    pub(crate) addr: u32,
}

impl Memory {
    /// The memory's type: current size in pages as the minimum, and its declared maximum.
    /// (A closed instance's memory has 0 pages.)
    pub fn ty(&self) -> MemoryType {
        self.rt.store_of_memory(self.addr).memories()[self.addr as usize].ty()
    }
    /// The current size in pages of the memory's page size (64 KiB unless its type says
    /// otherwise; 0 once the memory's instance is closed). A u64: a memory64 memory, or one of
    /// 1-byte pages, can have more than 2^32 - 1 pages.
    pub fn size(&self) -> u64 {
        self.rt.store_of_memory(self.addr).memories()[self.addr as usize].pages()
    }
    /// The current size in bytes (0 once the memory's instance is closed).
    pub fn data_size(&self) -> usize {
        self.rt.store_of_memory(self.addr).memories()[self.addr as usize].data.len()
    }
    /// Copies `buf.len()` bytes starting at byte `offset` into `buf`.
    /// Errors: [`ApiError::OutOfBounds`] if the range is not inside the memory (nothing is
    /// read); [`ApiError::InstanceClosed`].
    pub fn read(&self, offset: u64, buf: &mut [u8]) -> Result<(), ApiError> {
        let store = self.rt.store_of_memory(self.addr);
        store.check_open(store.memories()[self.addr as usize].owner)?;
        let data = &store.memories()[self.addr as usize].data;
        let range = byte_range(offset, buf.len(), data.len())?;
        buf.copy_from_slice(&data[range]);
        Ok(())
    }
    /// Copies `bytes` into the memory at byte `offset`.
    /// Errors: [`ApiError::OutOfBounds`] if the range is not inside the memory (nothing is
    /// written); [`ApiError::InstanceClosed`].
    pub fn write(&self, offset: u64, bytes: &[u8]) -> Result<(), ApiError> {
        let mut store = self.rt.store_of_memory(self.addr);
        store.check_open(store.memories()[self.addr as usize].owner)?;
        let data = &mut store.memories_mut()[self.addr as usize].data;
        let range = byte_range(offset, bytes.len(), data.len())?;
        data[range].copy_from_slice(bytes);
        Ok(())
    }
    /// Grows the memory by `delta` pages, like
    /// [`memory.grow`](https://webassembly.github.io/spec/core/exec/instructions.html#xref-syntax-instructions-syntax-instr-memory-mathsf-memory-grow):
    /// returns the previous size in pages, or `None` if the maximum (declared or the runtime's
    /// limit) would be exceeded, the allocation failed or the memory's instance is closed.
    /// Pages are of the memory's page size ([`MemoryType::page_size`]).
    pub fn grow(&self, delta: u64) -> Option<u64> {
        let mut store = self.rt.store_of_memory(self.addr);
        store.check_open(store.memories()[self.addr as usize].owner).ok()?;
        store.memories_mut()[self.addr as usize].grow(delta)
    }
}

/// The range `offset..offset+len` if it lies within `size` bytes or elements.
/// Errors: [`ApiError::OutOfBounds`].
pub(crate) fn byte_range(offset: u64, len: usize, size: usize) -> Result<std::ops::Range<usize>, ApiError> {
    let out = ApiError::OutOfBounds { offset, len: len as u64, size: size as u64 };
    let end = offset.checked_add(len as u64).ok_or(out.clone())?;
    if end > size as u64 {
        return Err(out);
    }
    Ok(offset as usize..end as usize)
}

const _: () = assert!(PAGE_SIZE == 65536);

/// A [global](https://webassembly.github.io/spec/core/exec/runtime.html#global-instances).
#[derive(Clone)]
pub struct Global {
    pub(crate) rt: Arc<RuntimeInner>,
    pub(crate) addr: u32,
}

impl Global {
    /// The global's type.
    pub fn ty(&self) -> GlobalType {
        self.rt.store_of_global(self.addr).globals()[self.addr as usize].ty
    }
    /// The current value (a closed instance's globals keep their last value).
    pub fn get(&self) -> Val {
        let store = self.rt.store_of_global(self.addr);
        let g = &store.globals()[self.addr as usize];
        match g.ty.content {
            ValType::V128 => Val::V128(g.bits()),
            t => store.cell_to_val(g.bits() as u64, t),
        }
    }
    /// Sets the value.
    /// Errors: [`ApiError::ImmutableGlobal`]; [`ApiError::TypeMismatch`] if `v` is not of the
    /// global's type; [`ApiError::ForeignRuntime`] for a reference of another runtime;
    /// [`ApiError::InstanceClosed`].
    pub fn set(&self, v: Val) -> Result<(), ApiError> {
        let mut store = self.rt.store_of_global(self.addr);
        store.check_open(store.globals()[self.addr as usize].owner)?;
        let ty = store.globals()[self.addr as usize].ty;
        if !ty.mutable {
            return Err(ApiError::ImmutableGlobal);
        }
        if !v.matches(ty.content) {
            return Err(ApiError::TypeMismatch(format!("global has type {}, got {}", ty.content, v.ty())));
        }
        let bits = match v {
            Val::V128(x) => x,
            v => store.val_to_cell(&v)? as u128,
        };
        store.globals_mut()[self.addr as usize].set_bits(bits);
        Ok(())
    }
}

/// A [table](https://webassembly.github.io/spec/core/exec/runtime.html#table-instances) of references.
#[derive(Clone)]
pub struct Table {
    pub(crate) rt: Arc<RuntimeInner>,
    pub(crate) addr: u32,
}

impl Table {
    /// The table's type: current size in elements as the minimum.
    pub fn ty(&self) -> TableType {
        self.rt.store_of_table(self.addr).tables()[self.addr as usize].ty()
    }
    /// The current size in elements (0 once the table's instance is closed).
    pub fn size(&self) -> u32 {
        self.rt.store_of_table(self.addr).tables()[self.addr as usize].elems.len() as u32
    }
    /// The element at `index`, or `None` if `index` is out of bounds or the table's instance
    /// is closed.
    pub fn get(&self, index: u32) -> Option<Val> {
        let store = self.rt.store_of_table(self.addr);
        let t = &store.tables()[self.addr as usize];
        store.check_open(t.owner).ok()?;
        let cell = *t.elems.get(index as usize)?;
        Some(store.cell_to_val(cell, ValType::Ref(t.ty.element)))
    }
    /// Sets the element at `index`.
    /// Errors: [`ApiError::OutOfBounds`] if `index` is out of bounds; [`ApiError::TypeMismatch`]
    /// if `v` is not of the table's element type; [`ApiError::ForeignRuntime`] for a reference
    /// of another runtime; [`ApiError::InstanceClosed`]. Nothing changes on an error.
    pub fn set(&self, index: u32, v: Val) -> Result<(), ApiError> {
        let mut store = self.rt.store_of_table(self.addr);
        let table = &store.tables()[self.addr as usize];
        store.check_open(table.owner)?;
        let elem_ty = table.ty.element;
        if !v.matches(ValType::Ref(elem_ty)) {
            return Err(ApiError::TypeMismatch(format!("table holds {elem_ty}, got {}", v.ty())));
        }
        // Bounds first: converting a funcref may merge link groups.
        let i = byte_range(index as u64, 1, table.elems.len())?.start;
        let cell = store.val_to_cell(&v)?;
        store.tables_mut()[self.addr as usize].elems[i] = cell;
        Ok(())
    }
}

macro_rules! debug_handle {
    ($($t:ident => $field:ident),*) => {$(
        impl std::fmt::Debug for $t {
            /// The handle's address in its runtime's store.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($t), "({})"), self.$field)
            }
        }
    )*};
}
debug_handle!(Instance => idx, Memory => addr, Global => addr, Table => addr);

impl std::fmt::Debug for Extern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Extern::Func(x) => x.fmt(f),
            Extern::Table(x) => x.fmt(f),
            Extern::Memory(x) => x.fmt(f),
            Extern::Global(x) => x.fmt(f),
            Extern::Tag(x) => x.fmt(f),
        }
    }
}
