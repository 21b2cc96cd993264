//! Host functions: [`HostModuleBuilder`] turns Rust closures (and globals, memories, tables)
//! into a module instance that wasm modules import by name.

use super::*;
use super::func::{CellReader, CellWriter};
use super::cells::{is_runtime_of, runtime_of, StoreVals};
use crate::vm::{self, ExternAddr, FuncEntity, GlobalDef, GlobalEntity, HostFn, InstanceShape, InstanceState, Store};
use std::sync::Arc;

/// What a [host function](https://webassembly.github.io/spec/core/exec/runtime.html#function-instances)
/// sees of its caller: the calling instance's exports and linear memory (memory 0), and the
/// store, for calling back into wasm. The calling instance's link group is locked for the
/// duration of the call, so inside a host function this is the way into that instance (handles
/// of the same group fail or panic there; see the crate docs, "Threads"). When the host calls
/// a host function directly there is no calling instance: no memory and no exports.
pub struct Caller<'a> {
    store: &'a mut Store,
    instance: Option<u32>,
}

impl<'a> Caller<'a> {
    pub(crate) fn new(store: &'a mut Store, instance: Option<u32>) -> Self {
        Caller { store, instance }
    }

    /// The store of the running call.
    pub(crate) fn store_mut(&mut self) -> &mut Store {
        self.store
    }

    fn memory_addr(&self) -> Option<u32> {
        self.store.instances[self.instance? as usize].memories.first().copied()
    }

    /// The calling instance's linear memory (its memory 0), if it has one.
    pub fn memory_data(&self) -> Option<&[u8]> {
        let m = self.memory_addr()?;
        Some(&self.store.memories()[m as usize].data)
    }

    /// The calling instance's linear memory (its memory 0) for writing, if it has one.
    pub fn memory_data_mut(&mut self) -> Option<&mut [u8]> {
        let m = self.memory_addr()?;
        Some(&mut self.store.memories_mut()[m as usize].data)
    }

    /// Copies bytes at `offset` of the caller's memory into `buf`.
    /// Errors: [`Trap::MemoryOutOfBounds`] if the range is outside the memory or there is none:
    /// a trap, not an [`ApiError`], because a host function reads where its guest pointed, and
    /// a bad pointer stops the guest as a bad load would.
    pub fn read(&self, offset: u64, buf: &mut [u8]) -> Result<(), Trap> {
        let data = self.memory_data().ok_or(Trap::MemoryOutOfBounds)?;
        let r = instance::byte_range(offset, buf.len(), data.len()).map_err(|_| Trap::MemoryOutOfBounds)?;
        buf.copy_from_slice(&data[r]);
        Ok(())
    }

    /// Copies `bytes` into the caller's memory at `offset`.
    /// Errors: [`Trap::MemoryOutOfBounds`] if the range is outside the memory or there is none.
    pub fn write(&mut self, offset: u64, bytes: &[u8]) -> Result<(), Trap> {
        let data = self.memory_data_mut().ok_or(Trap::MemoryOutOfBounds)?;
        let r = instance::byte_range(offset, bytes.len(), data.len()).map_err(|_| Trap::MemoryOutOfBounds)?;
        data[r].copy_from_slice(bytes);
        Ok(())
    }

    /// The calling instance's export `name` (none when called directly from the host).
    pub fn export(&self, name: &str) -> Option<Extern> {
        let addr = self.store.instances[self.instance? as usize].export(name)?;
        let rt = runtime_of(self.store)?;
        Some(Extern::from_addr(&rt, addr))
    }

    /// Calls `func` (of this runtime) from inside the host function; the nested call uses
    /// the native stack, and the Interpreter allows at most 100 such nested entries.
    /// Errors: as [`Func::call`]; [`ApiError::ForeignRuntime`] for a function of another
    /// runtime. A host function may return either with `?` (see [`CallError`]'s conversion
    /// into [`Trap`]).
    pub fn call(&mut self, func: &Func, args: &[Val]) -> Result<Vec<Val>, CallError> {
        if !is_runtime_of(self.store, &func.rt) {
            return Err(ApiError::ForeignRuntime.into());
        }
        self.store.call(func.addr(), args)
    }
}

/// Marks the closures whose first parameter is `&mut Caller`, for [`IntoHostFunc`].
pub struct WithCaller;

/// A Rust closure usable as a host function: `Fn(A1, …, An) -> R` or
/// `Fn(&mut Caller, A1, …, An) -> R` with each `Ai` a [`WasmTy`] (up to 8) and `R` a
/// [`HostFuncResult`].
pub trait IntoHostFunc<Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_host_func(self) -> (FuncType, HostFuncCode);
}

/// A host function's code as [`IntoHostFunc`] makes it. Not for use outside zerowasm.
#[doc(hidden)]
pub struct HostFuncCode(pub(crate) Arc<HostFn>);

/// What a host closure may return: `()`, a [`WasmTy`], a tuple of them, or a `Result` of one
/// of those with a [`Trap`], which stops the calling wasm code.
pub trait HostFuncResult {
    /// The wasm result types.
    fn types() -> Vec<ValType>;
    /// Writes the results as cells (or returns the trap).
    #[doc(hidden)]
    fn into_cells(self, out: &mut CellWriter<'_>) -> Result<(), Trap>;
}

// A closure's results are written exactly as a typed call's parameters are.
impl<T: WasmParams> HostFuncResult for T {
    fn types() -> Vec<ValType> {
        <T as WasmParams>::types()
    }
    #[inline]
    fn into_cells(self, out: &mut CellWriter<'_>) -> Result<(), Trap> {
        Ok(WasmParams::into_cells(self, out)?)
    }
}
impl<T: WasmParams> HostFuncResult for Result<T, Trap> {
    fn types() -> Vec<ValType> {
        <T as WasmParams>::types()
    }
    #[inline]
    fn into_cells(self, out: &mut CellWriter<'_>) -> Result<(), Trap> {
        Ok(WasmParams::into_cells(self?, out)?)
    }
}

// Typed closures run on the store's cells (`vm::HostFn`): the arguments are read into
// owned Rust values first, so the closure can then borrow the store mutably through `Caller`,
// and the results are written over the arguments afterwards.
macro_rules! host_funcs {
    ($($a:ident),*) => {
        impl<F, R, $($a: WasmTy),*> IntoHostFunc<($($a,)*), R> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
            R: HostFuncResult,
        {
            fn into_host_func(self) -> (FuncType, HostFuncCode) {
                let ty = FuncType::new(vec![$($a::TYPE),*], R::types());
                let f = move |store: &mut Store, _: Option<u32>, cells: &mut [u64]| {
                    #[allow(unused_variables, unused_mut)]
                    let mut args = CellReader::new(store, cells);
                    $(#[allow(non_snake_case)] let $a = $a::read_cells(&mut args);)*
                    (self)($($a),*).into_cells(&mut CellWriter::new(store, cells))
                };
                (ty, HostFuncCode(Arc::new(f)))
            }
        }

        impl<F, R, $($a: WasmTy),*> IntoHostFunc<(WithCaller, $($a,)*), R> for F
        where
            F: Fn(&mut Caller<'_>, $($a),*) -> R + Send + Sync + 'static,
            R: HostFuncResult,
        {
            fn into_host_func(self) -> (FuncType, HostFuncCode) {
                let ty = FuncType::new(vec![$($a::TYPE),*], R::types());
                let f = move |store: &mut Store, instance: Option<u32>, cells: &mut [u64]| {
                    #[allow(unused_variables, unused_mut)]
                    let mut args = CellReader::new(store, cells);
                    $(#[allow(non_snake_case)] let $a = $a::read_cells(&mut args);)*
                    let r = (self)(&mut Caller::new(store, instance), $($a),*);
                    r.into_cells(&mut CellWriter::new(store, cells))
                };
                (ty, HostFuncCode(Arc::new(f)))
            }
        }
    };
}
host_funcs!();
host_funcs!(A);
host_funcs!(A, B);
host_funcs!(A, B, C);
host_funcs!(A, B, C, D);
host_funcs!(A, B, C, D, E);
host_funcs!(A, B, C, D, E, G);
host_funcs!(A, B, C, D, E, G, H);
host_funcs!(A, B, C, D, E, G, H, I);

/// What `HostModuleBuilder::instantiate` prepares before changing the store.
enum Allocated {
    Memory(vm::MemoryEntity),
    Table(vm::TableEntity),
    Global(u128),
}

enum HostItem {
    Func(FuncType, Arc<HostFn>),
    Global(GlobalType, Val),
    Memory(MemoryType),
    Table(TableType),
    Tag(TagType),
}

/// Builds a host module: named functions, globals, memories and tables defined in Rust, which
/// wasm modules import as `(import "<module name>" "<name>" …)`.
///
/// ```
/// use zerowasm::{HostModuleBuilder, Runtime, ModuleConfig};
/// let runtime = Runtime::new();
/// HostModuleBuilder::new("env")
///     .func("double", |x: i32| x * 2)
///     .instantiate(&runtime)
///     .unwrap();
/// let m = runtime.compile(r#"(module (import "env" "double" (func $d (param i32) (result i32)))
///     (func (export "f") (result i32) (call $d (i32.const 21))))"#).unwrap();
/// let i = runtime.instantiate(&m, ModuleConfig::new()).unwrap();
/// assert_eq!(i.func("f").unwrap().typed::<(), i32>().unwrap().call(()).unwrap(), 42);
/// ```
pub struct HostModuleBuilder {
    name: String,
    items: Vec<(String, HostItem)>,
}

impl HostModuleBuilder {
    /// A builder for a host module importable as `name`.
    pub fn new(name: impl Into<String>) -> Self {
        HostModuleBuilder { name: name.into(), items: Vec::new() }
    }

    /// Adds a function from a typed closure; its wasm type comes from the closure's signature
    /// (parameters and results of any [`WasmTy`]: i32, i64, f32, f64, v128 as `u128`,
    /// funcref as `Option<Func>`, externref as `Option<ExternRef>`). A closure returning
    /// `Result<_, Trap>` stops the calling wasm code with its `Err`: [`Trap::Host`] for a
    /// failure, [`Trap::Exit`] to end the guest with an exit status. A closure that panics
    /// unwinds to the host's call ([`Func::call`]) and the runtime stays usable.
    pub fn func<P, R>(mut self, name: impl Into<String>, f: impl IntoHostFunc<P, R>) -> Self {
        let (ty, f) = f.into_host_func();
        self.items.push((name.into(), HostItem::Func(ty, f.0)));
        self
    }

    /// Adds a function of type `ty` working on dynamic values, for host functions whose type
    /// is only known at run time. The closure gets the arguments (checked against `ty`) and
    /// fills `results` (pre-set to zeros of the result types); a result of the wrong type
    /// traps with [`Trap::Host`], and an `Err` stops the calling wasm code as in
    /// [`HostModuleBuilder::func`].
    pub fn func_dynamic(
        mut self,
        name: impl Into<String>,
        ty: FuncType,
        f: impl Fn(&mut Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Self {
        self.items.push((name.into(), HostItem::Func(ty.clone(), super::cells::vals_host_fn(ty, Arc::new(f)))));
        self
    }

    /// Adds a [global](https://webassembly.github.io/spec/core/exec/runtime.html#global-instances)
    /// holding `value`, of `value`'s type; `mutable` allows `global.set` and [`Global::set`].
    pub fn global(mut self, name: impl Into<String>, value: Val, mutable: bool) -> Self {
        let ty = GlobalType { content: value.ty(), mutable };
        self.items.push((name.into(), HostItem::Global(ty, value)));
        self
    }

    /// Adds a zeroed [linear memory](https://webassembly.github.io/spec/core/exec/runtime.html#memory-instances)
    /// of type `ty` (limits in pages of 64 KiB), for modules that import their memory.
    pub fn memory(mut self, name: impl Into<String>, ty: MemoryType) -> Self {
        self.items.push((name.into(), HostItem::Memory(ty)));
        self
    }

    /// Adds a [table](https://webassembly.github.io/spec/core/exec/runtime.html#table-instances)
    /// of type `ty` (limits in elements), all elements null: its element type must be nullable
    /// ([`HostModuleBuilder::instantiate`] refuses a table of non-nullable references, which
    /// null would not be a value of).
    pub fn table(mut self, name: impl Into<String>, ty: TableType) -> Self {
        self.items.push((name.into(), HostItem::Table(ty)));
        self
    }

    /// Adds a [tag](https://webassembly.github.io/spec/core/exec/runtime.html#tag-instances)
    /// (exception handling) of type `ty`: a tag of its own, which wasm modules import to throw
    /// and catch exceptions the host makes ([`Exception::new`](crate::Exception::new)) or
    /// inspects. Its function type is final and alone in its recursion group, as
    /// `(tag (param …))` in a module declares one.
    pub fn tag(mut self, name: impl Into<String>, ty: TagType) -> Self {
        self.items.push((name.into(), HostItem::Tag(ty)));
        self
    }

    /// Instantiates the host module in `runtime` and registers it under its name.
    ///
    /// Errors: [`InstantiationError::DuplicateName`] if the name is taken,
    /// [`InstantiationError::Resource`] if a memory or table exceeds the runtime's limits or a
    /// global's value is a funcref of another runtime, [`InstantiationError::RuntimeClosed`],
    /// [`InstantiationError::Api`] with [`ApiError::TypeMismatch`](crate::ApiError::TypeMismatch)
    /// for a table whose element type is not nullable; [`InstantiationError::Link`] never.
    pub fn instantiate(self, runtime: &Runtime) -> Result<Instance, InstantiationError> {
        if runtime.inner.is_closed() {
            return Err(InstantiationError::RuntimeClosed);
        }
        for (name, item) in &self.items {
            if let HostItem::Table(ty) = item {
                if !ty.element.nullable {
                    let m = format!("host table {name} of {} would start with nulls", ty.element);
                    return Err(InstantiationError::Api(crate::ApiError::TypeMismatch(m)));
                }
            }
        }
        if runtime.inner.registry().names().contains_key(&self.name) {
            return Err(InstantiationError::DuplicateName(self.name));
        }
        let mut store = runtime.inner.new_group()?;
        let mut inst = InstanceShape {
            is_host: true,
            type_ids: Vec::new(),
            funcs: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            global_defs: Vec::new(),
            tags: Vec::new(),
            exports: Vec::new(),
        };
        // Allocate fallible resources first so an error leaves the store unchanged.
        let mut allocated = Vec::new();
        for (_, item) in &self.items {
            allocated.push(match item {
                HostItem::Memory(ty) => Some(Allocated::Memory(vm::instantiate_helpers::new_memory(&store, *ty)?)),
                HostItem::Table(ty) => Some(Allocated::Table(vm::instantiate_helpers::new_table(*ty)?)),
                HostItem::Global(_, v) => Some(Allocated::Global(match v {
                    Val::V128(x) => *x,
                    v => store.val_to_cell(v).map_err(|t| InstantiationError::Resource(t.to_string()))? as u128,
                })),
                HostItem::Func(..) | HostItem::Tag(_) => None,
            });
        }
        let (idx, alloc_lock) = store.reg().next_instance();
        for ((name, item), alloc) in self.items.into_iter().zip(allocated) {
            let addr = match (item, alloc) {
                (HostItem::Func(ty, func), _) => {
                    let type_id = store.intern_type(&ty);
                    let addr = store.add_func(FuncEntity::Host { type_id, func, instance: idx });
                    inst.funcs.push(addr);
                    ExternAddr::Func(addr)
                }
                (HostItem::Global(ty, _), Some(Allocated::Global(bits))) => {
                    let addr = store.add_global(GlobalEntity::new(bits, ty), idx);
                    inst.globals.push(addr);
                    inst.global_defs.push(GlobalDef(store.globals()[addr as usize].definition()));
                    ExternAddr::Global(addr)
                }
                (HostItem::Memory(_), Some(Allocated::Memory(m))) => {
                    let addr = store.add_memory(m, idx);
                    inst.memories.push(addr);
                    ExternAddr::Memory(addr)
                }
                (HostItem::Table(_), Some(Allocated::Table(t))) => {
                    let addr = store.add_table(t, idx);
                    inst.tables.push(addr);
                    ExternAddr::Table(addr)
                }
                (HostItem::Tag(ty), _) => {
                    let type_id = store.intern_type(&ty.ty);
                    let addr = store.add_tag(type_id, idx);
                    inst.tags.push(addr);
                    ExternAddr::Tag(addr)
                }
                _ => unreachable!("allocated in the loop above"),
            };
            inst.exports.push((name, addr));
        }
        let state = InstanceState {
            module: None,
            code: None,
            dropped_elems: Vec::new(),
            dropped_datas: Vec::new(),
            engine_state: None,
            pins: Vec::new(),
        };
        let funcs = inst.funcs.clone();
        store.add_instance(inst, state);
        drop(alloc_lock);
        let engine = store.engine.clone();
        if let Err(e) = engine.add_host_funcs(&mut store, &funcs) {
            store.close_instance(idx);
            return Err(e);
        }
        let mut names = store.names_mut();
        if names.contains_key(&self.name) {
            drop(names);
            store.close_instance(idx);
            return Err(InstantiationError::DuplicateName(self.name));
        }
        names.insert(self.name, idx);
        Ok(Instance::new(runtime.inner.clone(), idx))
    }
}
