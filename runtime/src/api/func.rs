//! [`Func`] and its typed form [`TypedFunc`].

use super::runtime::RuntimeInner;
use super::*;
use super::cells::{RegistryVals, StoreVals};
use crate::vm::Store;
use std::marker::PhantomData;
use std::sync::Arc;

/// A [function](https://webassembly.github.io/spec/core/exec/runtime.html#function-instances)
/// of a runtime's store: a wasm function of some instance, or a host function.
#[derive(Clone)]
pub struct Func {
    pub(crate) rt: Arc<RuntimeInner>,
    pub(crate) addr: u32,
}

impl std::fmt::Debug for Func {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Func({})", self.addr)
    }
}

impl PartialEq for Func {
    fn eq(&self, other: &Func) -> bool {
        Arc::ptr_eq(&self.rt, &other.rt) && self.addr == other.addr
    }
}

impl Func {
    pub(crate) fn from_addr(rt: Option<Arc<RuntimeInner>>, addr: u32) -> Func {
        Func { rt: rt.expect("the runtime outlives every call into it"), addr }
    }
    pub(crate) fn addr(&self) -> u32 {
        self.addr
    }

    /// The function's type.
    pub fn ty(&self) -> FuncType {
        self.rt.registry().func_type(self.addr).clone()
    }

    /// The identity of the function's type (which [`Func::ty`] describes).
    pub(crate) fn type_id(&self) -> crate::wasm::types::TypeId {
        crate::wasm::types::TypeId(self.rt.registry().func_type_id(self.addr))
    }

    /// Calls the function with `args`, returning its results.
    ///
    /// Calls on instances of different link groups run in parallel; calls into one group take
    /// turns (see the crate docs, "Threads").
    ///
    /// Errors: [`CallError::Trap`] with the [`Trap`] that stopped execution, or (nothing ran)
    /// [`CallError::Api`] with [`ApiError::TypeMismatch`] when `args` do not match the
    /// function's parameter types (count or types), [`ApiError::ForeignRuntime`] for a
    /// reference of another runtime, [`ApiError::Reentered`] when called from inside a host
    /// function running in the same link group (use [`Caller::call`] there),
    /// [`ApiError::WouldDeadlock`] when waiting for the group would deadlock,
    /// [`ApiError::InstanceClosed`] when its instance was closed.
    pub fn call(&self, args: &[Val]) -> Result<Vec<Val>, CallError> {
        let owner = self.rt.registry().funcs[self.addr as usize].owner;
        self.rt.try_store_of(owner)?.call(self.addr, args)
    }

    /// A statically typed view of this function, `Params` and `Results` being a [`WasmTy`],
    /// `()` or a tuple of them.
    ///
    /// Errors: [`ApiError::TypeMismatch`] if the types are not the function's type.
    pub fn typed<Params: WasmParams, Results: WasmResults>(
        &self,
    ) -> Result<TypedFunc<Params, Results>, ApiError> {
        let ty = self.ty();
        if ty.params() != Params::types().as_slice() || ty.results() != Results::types().as_slice() {
            return Err(ApiError::TypeMismatch(format!(
                "function has type {ty}, not {}",
                FuncType::new(Params::types(), Results::types())
            )));
        }
        Ok(TypedFunc::new_unchecked(self.clone()))
    }
}

/// A [`Func`] whose type was checked once against `Params` and `Results`; calls skip the
/// per-call conversion to [`Val`]s.
pub struct TypedFunc<Params, Results> {
    func: Func,
    /// The instance that defined `func` (fixed for its life), looked up once.
    owner: u32,
    _marker: PhantomData<fn(Params) -> Results>,
}

impl<Params, Results> Clone for TypedFunc<Params, Results> {
    fn clone(&self) -> Self {
        TypedFunc { func: self.func.clone(), owner: self.owner, _marker: PhantomData }
    }
}

impl<Params, Results> std::fmt::Debug for TypedFunc<Params, Results> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TypedFunc({})", self.func.addr)
    }
}

impl<Params: WasmParams, Results: WasmResults> TypedFunc<Params, Results> {
    /// Wraps `func`, whose type the caller checked.
    pub(crate) fn new_unchecked(func: Func) -> Self {
        let owner = func.rt.registry().funcs[func.addr as usize].owner;
        TypedFunc { func, owner, _marker: PhantomData }
    }

    /// Calls the function.
    ///
    /// Errors: as [`Func::call`] (the types were checked once, when the view was made).
    pub fn call(&self, params: Params) -> Result<Results, CallError> {
        let owner = self.owner;
        let mut store = self.func.rt.try_store_of(owner)?;
        store.check_open(owner)?;
        // At most 8 values of at most 2 cells each, so both fit on the stack.
        let mut args = [0u64; 16];
        let mut w = CellWriter::new(&mut store, &mut args);
        params.into_cells(&mut w)?;
        let np = w.at;
        let mut results = [0u64; 16];
        let n = Results::CELLS;
        store.invoke(self.func.addr, &args[..np], &mut results[..n])?;
        Ok(Results::from_cells(&mut CellReader::new(&store, &results[..n])))
    }
    /// The untyped function.
    pub fn func(&self) -> &Func {
        &self.func
    }
}

/// Where [`WasmTy`] values are written as the store's raw cells. Not for use outside zerowasm.
#[doc(hidden)]
pub struct CellWriter<'a> {
    store: &'a mut Store,
    cells: &'a mut [u64],
    at: usize,
}

impl<'a> CellWriter<'a> {
    /// Writes from the start of `cells`, which has room for every value to be written.
    pub(crate) fn new(store: &'a mut Store, cells: &'a mut [u64]) -> Self {
        CellWriter { store, cells, at: 0 }
    }

    #[inline]
    fn push(&mut self, cell: u64) {
        self.cells[self.at] = cell;
        self.at += 1;
    }
}

/// Where [`WasmTy`] values are read from the store's raw cells. Not for use outside zerowasm.
#[doc(hidden)]
pub struct CellReader<'a> {
    store: &'a Store,
    cells: &'a [u64],
}

impl<'a> CellReader<'a> {
    /// Reads from the start of `cells`.
    pub(crate) fn new(store: &'a Store, cells: &'a [u64]) -> Self {
        CellReader { store, cells }
    }

    fn take(&mut self) -> u64 {
        let (first, rest) = self.cells.split_first().expect("as many cells as the types need");
        self.cells = rest;
        *first
    }
}

/// A Rust type that maps to a wasm value type: `i32`, `u32` (as i32), `i64`, `u64` (as i64),
/// `f32`, `f64`, `u128` (v128, lane 0 in the low bits), `Option<Func>` (funcref, `None` is
/// null) and `Option<ExternRef>` (externref, `None` is null). Used by [`TypedFunc`] and by
/// host closures ([`HostModuleBuilder::func`]).
pub trait WasmTy: Sized + Send + 'static {
    /// The wasm type.
    const TYPE: ValType;
    /// How many 64-bit cells a value takes (2 for v128, 1 otherwise).
    #[doc(hidden)]
    const CELLS: usize = 1;
    /// The value from a [`Val`] of the right type.
    fn from_val(v: &Val) -> Option<Self>;
    /// The value as a [`Val`].
    fn into_val(self) -> Val;
    /// Appends the value's raw cells.
    #[doc(hidden)]
    fn write_cells(self, out: &mut CellWriter<'_>) -> Result<(), ApiError>;
    /// Reads the value from its raw cells.
    #[doc(hidden)]
    fn read_cells(from: &mut CellReader<'_>) -> Self;
}

macro_rules! wasm_num {
    ($t:ty, $vt:ident, |$x:ident| $to:expr, |$c:ident| $from:expr, $valpat:pat => $valx:expr, $val:expr) => {
        impl WasmTy for $t {
            const TYPE: ValType = ValType::$vt;
            fn from_val(v: &Val) -> Option<Self> {
                match v {
                    $valpat => Some($valx),
                    _ => None,
                }
            }
            fn into_val(self) -> Val {
                let $x = self;
                $val
            }
            #[inline]
            fn write_cells(self, out: &mut CellWriter<'_>) -> Result<(), ApiError> {
                let $x = self;
                out.push($to);
                Ok(())
            }
            #[inline]
            fn read_cells(from: &mut CellReader<'_>) -> Self {
                let $c = from.take();
                $from
            }
        }
    };
}
wasm_num!(i32, I32, |x| x as u32 as u64, |c| c as u32 as i32, Val::I32(v) => *v, Val::I32(x));
wasm_num!(u32, I32, |x| x as u64, |c| c as u32, Val::I32(v) => *v as u32, Val::I32(x as i32));
wasm_num!(i64, I64, |x| x as u64, |c| c as i64, Val::I64(v) => *v, Val::I64(x));
wasm_num!(u64, I64, |x| x, |c| c, Val::I64(v) => *v as u64, Val::I64(x as i64));
wasm_num!(f32, F32, |x| x.to_bits() as u64, |c| f32::from_bits(c as u32), Val::F32(v) => f32::from_bits(*v), Val::f32(x));
wasm_num!(f64, F64, |x| x.to_bits(), |c| f64::from_bits(c), Val::F64(v) => f64::from_bits(*v), Val::f64(x));

impl WasmTy for u128 {
    const TYPE: ValType = ValType::V128;
    const CELLS: usize = 2;
    fn from_val(v: &Val) -> Option<Self> {
        match v {
            Val::V128(x) => Some(*x),
            _ => None,
        }
    }
    fn into_val(self) -> Val {
        Val::V128(self)
    }
    fn write_cells(self, out: &mut CellWriter<'_>) -> Result<(), ApiError> {
        // Two cells, low half first, as everywhere in the vm.
        out.push(self as u64);
        out.push((self >> 64) as u64);
        Ok(())
    }
    fn read_cells(from: &mut CellReader<'_>) -> Self {
        let lo = from.take() as u128;
        lo | (from.take() as u128) << 64
    }
}

macro_rules! wasm_ref {
    ($t:ty, $vt:ident, $ty:expr) => {
        impl WasmTy for $t {
            const TYPE: ValType = $ty;
            fn from_val(v: &Val) -> Option<Self> {
                match v {
                    Val::$vt(r) => Some(r.clone()),
                    _ => None,
                }
            }
            fn into_val(self) -> Val {
                Val::$vt(self)
            }
            fn write_cells(self, out: &mut CellWriter<'_>) -> Result<(), ApiError> {
                let cell = out.store.val_to_cell(&Val::$vt(self))?;
                out.push(cell);
                Ok(())
            }
            fn read_cells(from: &mut CellReader<'_>) -> Self {
                let c = from.take();
                match from.store.cell_to_val(c, $ty) {
                    Val::$vt(r) => r,
                    _ => unreachable!("cell_to_val returns the type asked for"),
                }
            }
        }
    };
}
wasm_ref!(Option<Func>, FuncRef, ValType::FUNCREF);
wasm_ref!(Option<ExternRef>, ExternRef, ValType::EXTERNREF);

/// Parameters of a [`TypedFunc`]: `()`, a [`WasmTy`], or a tuple of up to 8 of them.
pub trait WasmParams: Send {
    /// The wasm types, in order.
    fn types() -> Vec<ValType>;
    /// Appends the values' raw cells.
    #[doc(hidden)]
    fn into_cells(self, out: &mut CellWriter<'_>) -> Result<(), ApiError>;
}

/// Results of a [`TypedFunc`]: `()`, a [`WasmTy`], or a tuple of up to 8 of them.
pub trait WasmResults: Sized {
    /// The wasm types, in order.
    fn types() -> Vec<ValType>;
    /// How many 64-bit cells the results take (a call sizes its result buffer with this
    /// constant: `types()` would allocate on every call).
    #[doc(hidden)]
    const CELLS: usize;
    /// The values from their raw cells.
    #[doc(hidden)]
    fn from_cells(from: &mut CellReader<'_>) -> Self;
}

impl<T: WasmTy> WasmParams for T {
    fn types() -> Vec<ValType> {
        vec![T::TYPE]
    }
    #[inline]
    fn into_cells(self, out: &mut CellWriter<'_>) -> Result<(), ApiError> {
        self.write_cells(out)
    }
}
impl<T: WasmTy> WasmResults for T {
    fn types() -> Vec<ValType> {
        vec![T::TYPE]
    }
    const CELLS: usize = T::CELLS;
    fn from_cells(from: &mut CellReader<'_>) -> Self {
        T::read_cells(from)
    }
}

macro_rules! tuples {
    ($($n:ident $i:tt),*) => {
        impl<$($n: WasmTy),*> WasmParams for ($($n,)*) {
            fn types() -> Vec<ValType> {
                vec![$($n::TYPE),*]
            }
            #[allow(unused_variables)]
            #[inline]
            fn into_cells(self, out: &mut CellWriter<'_>) -> Result<(), ApiError> {
                $(self.$i.write_cells(out)?;)*
                Ok(())
            }
        }
        impl<$($n: WasmTy),*> WasmResults for ($($n,)*) {
            fn types() -> Vec<ValType> {
                vec![$($n::TYPE),*]
            }
            const CELLS: usize = 0 $(+ $n::CELLS)*;
            #[allow(unused_variables, clippy::unused_unit)]
            fn from_cells(from: &mut CellReader<'_>) -> Self {
                ($($n::read_cells(from),)*)
            }
        }
    };
}
tuples!();
tuples!(A 0);
tuples!(A 0, B 1);
tuples!(A 0, B 1, C 2);
tuples!(A 0, B 1, C 2, D 3);
tuples!(A 0, B 1, C 2, D 3, E 4);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
