//! [`Func`] and its typed form [`TypedFunc`].

use super::runtime::RuntimeInner;
use super::*;
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
    pub(crate) fn belongs_to(&self, store: &Store) -> bool {
        std::ptr::eq(store.runtime.as_ptr(), Arc::as_ptr(&self.rt))
    }

    /// The function's type.
    pub fn ty(&self) -> FuncType {
        self.rt.store().func_type(self.addr).clone()
    }

    /// Calls the function with `args`, returning its results.
    ///
    /// Errors: the [`Trap`] that stopped execution, or [`Trap::InvalidArguments`] (nothing ran)
    /// when `args` do not match the function's parameter types.
    /// Panics if called from inside a host function of the same runtime: use [`Caller::call`].
    pub fn call(&self, args: &[Val]) -> Result<Vec<Val>, Trap> {
        self.rt.store().call(self.addr, args)
    }

    /// A statically typed view of this function, `Params` and `Results` being a [`WasmTy`],
    /// `()` or a tuple of them.
    ///
    /// Errors: [`Trap::InvalidArguments`] if the types do not match the function's type.
    pub fn typed<Params: WasmParams, Results: WasmResults>(
        &self,
    ) -> Result<TypedFunc<Params, Results>, Trap> {
        let ty = self.ty();
        if ty.params() != Params::types().as_slice() || ty.results() != Results::types().as_slice() {
            return Err(Trap::InvalidArguments(format!(
                "function has type {ty}, not {}",
                FuncType::new(Params::types(), Results::types())
            )));
        }
        Ok(TypedFunc { func: self.clone(), _marker: PhantomData })
    }
}

/// A [`Func`] whose type was checked once against `Params` and `Results`.
pub struct TypedFunc<Params, Results> {
    func: Func,
    _marker: PhantomData<fn(Params) -> Results>,
}

impl<Params: WasmParams, Results: WasmResults> TypedFunc<Params, Results> {
    /// Calls the function. Errors: the [`Trap`] that stopped execution.
    pub fn call(&self, params: Params) -> Result<Results, Trap> {
        let mut args = Vec::with_capacity(8);
        params.into_cells(&mut args);
        let mut results = [0u64; 16];
        let n = crate::vm::cell_count(&Results::types());
        let mut store = self.func.rt.store();
        store.invoke(self.func.addr, &args, &mut results[..n])?;
        Ok(Results::from_cells(&results[..n]))
    }
    /// The untyped function.
    pub fn func(&self) -> &Func {
        &self.func
    }
}

/// A Rust type that maps to a wasm number type: `i32`, `u32` (as i32), `i64`, `u64` (as i64),
/// `f32`, `f64`.
pub trait WasmTy: Sized + Send + 'static {
    /// The wasm type.
    const TYPE: ValType;
    /// The value's raw bits.
    fn into_cell(self) -> u64;
    /// The value from its raw bits.
    fn from_cell(cell: u64) -> Self;
    /// The value from a [`Val`] of the right type.
    fn from_val(v: &Val) -> Option<Self>;
    /// The value as a [`Val`].
    fn into_val(self) -> Val;
}

macro_rules! wasm_ty {
    ($t:ty, $vt:ident, |$x:ident| $to:expr, |$c:ident| $from:expr, $valpat:pat => $valx:expr, $val:expr) => {
        impl WasmTy for $t {
            const TYPE: ValType = ValType::$vt;
            fn into_cell(self) -> u64 {
                let $x = self;
                $to
            }
            fn from_cell($c: u64) -> Self {
                $from
            }
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
        }
    };
}
wasm_ty!(i32, I32, |x| x as u32 as u64, |c| c as u32 as i32, Val::I32(v) => *v, Val::I32(x));
wasm_ty!(u32, I32, |x| x as u64, |c| c as u32, Val::I32(v) => *v as u32, Val::I32(x as i32));
wasm_ty!(i64, I64, |x| x as u64, |c| c as i64, Val::I64(v) => *v, Val::I64(x));
wasm_ty!(u64, I64, |x| x, |c| c, Val::I64(v) => *v as u64, Val::I64(x as i64));
wasm_ty!(f32, F32, |x| x.to_bits() as u64, |c| f32::from_bits(c as u32), Val::F32(v) => f32::from_bits(*v), Val::f32(x));
wasm_ty!(f64, F64, |x| x.to_bits(), |c| f64::from_bits(c), Val::F64(v) => f64::from_bits(*v), Val::f64(x));

/// Parameters of a [`TypedFunc`]: `()`, a [`WasmTy`], or a tuple of up to 8 of them.
pub trait WasmParams: Send {
    /// The wasm types, in order.
    fn types() -> Vec<ValType>;
    /// Appends the values' raw bits.
    fn into_cells(self, out: &mut Vec<u64>);
}

/// Results of a [`TypedFunc`]: `()`, a [`WasmTy`], or a tuple of up to 8 of them.
pub trait WasmResults: Sized {
    /// The wasm types, in order.
    fn types() -> Vec<ValType>;
    /// The values from their raw bits.
    fn from_cells(cells: &[u64]) -> Self;
}

impl<T: WasmTy> WasmParams for T {
    fn types() -> Vec<ValType> {
        vec![T::TYPE]
    }
    fn into_cells(self, out: &mut Vec<u64>) {
        out.push(self.into_cell());
    }
}
impl<T: WasmTy> WasmResults for T {
    fn types() -> Vec<ValType> {
        vec![T::TYPE]
    }
    fn from_cells(cells: &[u64]) -> Self {
        T::from_cell(cells[0])
    }
}

macro_rules! tuples {
    ($($n:ident $i:tt),*) => {
        impl<$($n: WasmTy),*> WasmParams for ($($n,)*) {
            fn types() -> Vec<ValType> {
                vec![$($n::TYPE),*]
            }
            #[allow(unused_variables)]
            fn into_cells(self, out: &mut Vec<u64>) {
                $(out.push(self.$i.into_cell());)*
            }
        }
        impl<$($n: WasmTy),*> WasmResults for ($($n,)*) {
            fn types() -> Vec<ValType> {
                vec![$($n::TYPE),*]
            }
            #[allow(unused_variables)]
            fn from_cells(cells: &[u64]) -> Self {
                ($($n::from_cell(cells[$i]),)*)
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
