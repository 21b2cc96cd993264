//! [`Instance`] and handles to its exports: [`Memory`], [`Global`], [`Table`].

use super::runtime::RuntimeInner;
use super::*;
use crate::vm::{ExternAddr, PAGE_SIZE};
use std::sync::Arc;

/// A [module instance](https://webassembly.github.io/spec/core/exec/runtime.html#module-instances)
/// living in a [`Runtime`]'s store.
#[derive(Clone)]
pub struct Instance {
    pub(crate) rt: Arc<RuntimeInner>,
    pub(crate) idx: u32,
}

/// An exported item.
#[derive(Clone)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A table.
    Table(Table),
    /// A linear memory.
    Memory(Memory),
    /// A global.
    Global(Global),
}

impl Extern {
    pub(crate) fn from_addr(rt: &Arc<RuntimeInner>, addr: ExternAddr) -> Extern {
        let rt = rt.clone();
        match addr {
            ExternAddr::Func(a) => Extern::Func(Func { rt, addr: a }),
            ExternAddr::Table(a) => Extern::Table(Table { rt, addr: a }),
            ExternAddr::Memory(a) => Extern::Memory(Memory { rt, addr: a }),
            ExternAddr::Global(a) => Extern::Global(Global { rt, addr: a }),
        }
    }
}

impl Instance {
    pub(crate) fn new(rt: Arc<RuntimeInner>, idx: u32) -> Self {
        Instance { rt, idx }
    }

    /// The export called `name`, if any.
    pub fn export(&self, name: &str) -> Option<Extern> {
        let addr = self.rt.store().instances[self.idx as usize].export(name)?;
        Some(Extern::from_addr(&self.rt, addr))
    }

    /// All exports, in declaration order.
    pub fn exports(&self) -> Vec<(String, Extern)> {
        let store = self.rt.store();
        store.instances[self.idx as usize]
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
    /// The exported table `name`, if there is one.
    pub fn table(&self, name: &str) -> Option<Table> {
        match self.export(name)? {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }
}

/// A [linear memory](https://webassembly.github.io/spec/core/exec/runtime.html#memory-instances):
/// bytes in pages of 64 KiB. All accesses are bounds-checked.
#[derive(Clone)]
pub struct Memory {
    pub(crate) rt: Arc<RuntimeInner>,
    pub(crate) addr: u32,
}

impl Memory {
    /// The memory's type: current size in pages as the minimum, and its declared maximum.
    pub fn ty(&self) -> MemoryType {
        self.rt.store().memories[self.addr as usize].ty()
    }
    /// The current size in pages of 64 KiB.
    pub fn size(&self) -> u32 {
        self.rt.store().memories[self.addr as usize].pages()
    }
    /// The current size in bytes.
    pub fn data_size(&self) -> usize {
        self.rt.store().memories[self.addr as usize].data.len()
    }
    /// Copies `buf.len()` bytes starting at byte `offset` into `buf`.
    /// Errors: [`Trap::MemoryOutOfBounds`] if the range is not inside the memory (nothing is read).
    pub fn read(&self, offset: u64, buf: &mut [u8]) -> Result<(), Trap> {
        let store = self.rt.store();
        let data = &store.memories[self.addr as usize].data;
        let range = byte_range(offset, buf.len(), data.len())?;
        buf.copy_from_slice(&data[range]);
        Ok(())
    }
    /// Copies `bytes` into the memory at byte `offset`.
    /// Errors: [`Trap::MemoryOutOfBounds`] if the range is not inside the memory (nothing is written).
    pub fn write(&self, offset: u64, bytes: &[u8]) -> Result<(), Trap> {
        let mut store = self.rt.store();
        let data = &mut store.memories[self.addr as usize].data;
        let range = byte_range(offset, bytes.len(), data.len())?;
        data[range].copy_from_slice(bytes);
        Ok(())
    }
    /// Grows the memory by `delta` pages, like
    /// [`memory.grow`](https://webassembly.github.io/spec/core/exec/instructions.html#xref-syntax-instructions-syntax-instr-memory-mathsf-memory-grow):
    /// returns the previous size in pages, or `None` if the maximum (declared or the runtime's
    /// limit) would be exceeded or the allocation failed.
    pub fn grow(&self, delta: u32) -> Option<u32> {
        self.rt.store().memories[self.addr as usize].grow(delta)
    }
}

/// The range `offset..offset+len` if it lies within `size` bytes.
pub(crate) fn byte_range(offset: u64, len: usize, size: usize) -> Result<std::ops::Range<usize>, Trap> {
    let end = offset.checked_add(len as u64).ok_or(Trap::MemoryOutOfBounds)?;
    if end > size as u64 {
        return Err(Trap::MemoryOutOfBounds);
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
        self.rt.store().globals[self.addr as usize].ty
    }
    /// The current value.
    pub fn get(&self) -> Val {
        let store = self.rt.store();
        let g = &store.globals[self.addr as usize];
        match g.ty.content {
            ValType::V128 => Val::V128(g.bits()),
            t => store.cell_to_val(g.bits() as u64, t),
        }
    }
    /// Sets the value.
    /// Errors: [`Trap::InvalidArguments`] if the global is immutable or `v` has the wrong type.
    pub fn set(&self, v: Val) -> Result<(), Trap> {
        let mut store = self.rt.store();
        let ty = store.globals[self.addr as usize].ty;
        if !ty.mutable {
            return Err(Trap::InvalidArguments("global is immutable".into()));
        }
        if v.ty() != ty.content {
            return Err(Trap::InvalidArguments(format!("global has type {}, got {}", ty.content, v.ty())));
        }
        let bits = match v {
            Val::V128(x) => x,
            v => store.val_to_cell(&v)? as u128,
        };
        store.globals[self.addr as usize].set_bits(bits);
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
        self.rt.store().tables[self.addr as usize].ty()
    }
    /// The current size in elements.
    pub fn size(&self) -> u32 {
        self.rt.store().tables[self.addr as usize].elems.len() as u32
    }
    /// The element at `index`, or `None` if `index` is out of bounds.
    pub fn get(&self, index: u32) -> Option<Val> {
        let store = self.rt.store();
        let t = &store.tables[self.addr as usize];
        let cell = *t.elems.get(index as usize)?;
        Some(store.cell_to_val(cell, t.ty.element))
    }
    /// Sets the element at `index`.
    /// Errors: [`Trap::TableOutOfBounds`] if `index` is out of bounds; [`Trap::InvalidArguments`]
    /// if `v` is not of the table's element type or belongs to another runtime.
    pub fn set(&self, index: u32, v: Val) -> Result<(), Trap> {
        let mut store = self.rt.store();
        let elem_ty = store.tables[self.addr as usize].ty.element;
        if v.ty() != elem_ty {
            return Err(Trap::InvalidArguments(format!("table holds {elem_ty}, got {}", v.ty())));
        }
        let cell = store.val_to_cell(&v)?;
        let slot = store.tables[self.addr as usize]
            .elems
            .get_mut(index as usize)
            .ok_or(Trap::TableOutOfBounds)?;
        *slot = cell;
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
        }
    }
}
