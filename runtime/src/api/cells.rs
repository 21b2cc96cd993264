//! Between the API's values and the store's cells: [`Val`]s to cells and back (funcrefs become
//! [`Func`] handles of the runtime, externrefs [`ExternRef`]s), calls with values, host
//! closures on values run on cells, the function listener and backtrace publishing. The `vm`
//! layer below knows cells only; this is where they meet the embedder's types.

use super::backtrace;
use super::runtime::RuntimeInner;
use super::*;
use crate::vm::{cell_count, CallObserver, HostFn, Registry, Store};
use std::sync::Arc;

/// A host function on dynamic values ([`HostModuleBuilder::func_dynamic`]).
pub(crate) type ValsHostFn = dyn Fn(&mut Caller<'_>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync;

/// The runtime that owns `reg` (alive while a view of it, or a handle into it, is).
pub(crate) fn runtime_of(reg: &Registry) -> Option<Arc<RuntimeInner>> {
    reg.owner.upgrade()?.downcast::<RuntimeInner>().ok()
}

/// Whether `rt` owns `reg`.
pub(crate) fn is_runtime_of(reg: &Registry, rt: &Arc<RuntimeInner>) -> bool {
    std::ptr::addr_eq(reg.owner.as_ptr(), Arc::as_ptr(rt))
}

/// Values to cells and back as the registry alone can do it, without a link group's view: what
/// the store views use, and what exceptions (read and made outside any call) use directly.
pub(crate) trait RegistryVals {
    /// A one-cell value (anything but v128) as a cell. Fails for references from another
    /// runtime or of a closed instance, and for v128. References are not made reachable from
    /// any link group here ([`StoreVals::val_to_cell`] does that).
    fn val_cell(&self, v: &Val) -> Result<u64, ApiError>;
    /// The value of type `t` at cell `*at` of `cells`; moves `*at` past it.
    fn read_val(&self, cells: &[u64], at: &mut usize, t: ValType) -> Val;
    /// A one-cell value of type `ty` from its cell.
    fn cell_to_val(&self, c: u64, ty: ValType) -> Val;
    /// Values of types `tys` from their cells.
    fn vals_from_cells(&self, cells: &[u64], tys: &[ValType]) -> Vec<Val>;
}

impl RegistryVals for Registry {
    fn val_cell(&self, v: &Val) -> Result<u64, ApiError> {
        Ok(match v {
            Val::I32(x) => *x as u32 as u64,
            Val::I64(x) => *x as u64,
            Val::F32(x) => *x as u64,
            Val::F64(x) => *x,
            Val::V128(_) => return Err(ApiError::TypeMismatch("a v128 takes two cells".into())),
            Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None) => 0,
            Val::ExnRef(Some(e)) => {
                let rt = runtime_of(self).ok_or(ApiError::ForeignRuntime)?;
                e.cell_in(&rt).ok_or(ApiError::ForeignRuntime)?
            }
            Val::FuncRef(Some(f)) => {
                if !is_runtime_of(self, &f.rt) {
                    return Err(ApiError::ForeignRuntime);
                }
                // A function of a closed instance must not become reachable again.
                self.check_open(self.funcs[f.addr() as usize].owner)?;
                f.addr() as u64 + 1
            }
            Val::ExternRef(Some(r)) => self.extern_cell(r.host_ref()),
        })
    }

    fn read_val(&self, cells: &[u64], at: &mut usize, t: ValType) -> Val {
        if t == ValType::V128 {
            *at += 2;
            Val::V128(cells[*at - 2] as u128 | (cells[*at - 1] as u128) << 64)
        } else {
            *at += 1;
            self.cell_to_val(cells[*at - 1], t)
        }
    }

    fn cell_to_val(&self, c: u64, ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(c as u32 as i32),
            ValType::I64 => Val::I64(c as i64),
            ValType::F32 => Val::F32(c as u32),
            ValType::F64 => Val::F64(c),
            ValType::V128 => Val::V128(c as u128),
            ValType::Ref(r) => match r.heap_type {
                HeapType::Func | HeapType::Concrete(_) | HeapType::NoFunc => {
                    Val::FuncRef((c != 0).then(|| Func::from_addr(runtime_of(self), (c - 1) as u32)))
                }
                HeapType::Extern | HeapType::NoExtern => {
                    Val::ExternRef((c != 0).then(|| ExternRef::from_host_ref(self.extern_at(c))))
                }
                HeapType::Exn | HeapType::NoExn => {
                    Val::ExnRef((c != 0).then(|| Exception::of_cell(&runtime_of(self).expect("the runtime outlives every call into it"), c)))
                }
            },
        }
    }

    fn vals_from_cells(&self, cells: &[u64], tys: &[ValType]) -> Vec<Val> {
        let mut at = 0;
        tys.iter().map(|t| self.read_val(cells, &mut at, *t)).collect()
    }
}

/// Values to cells and back, and calls with values, on a store view.
pub(crate) trait StoreVals {
    /// [`RegistryVals::val_cell`], and a reference of another link group (a funcref, or an
    /// exnref whose payload holds one) joins that group to this view's (see
    /// [`Store::adopt_func`]).
    fn val_to_cell(&mut self, v: &Val) -> Result<u64, ApiError>;
    /// Appends a value's cells (two for v128, low half first).
    fn val_to_cells(&mut self, v: &Val, out: &mut Vec<u64>) -> Result<(), ApiError>;
    /// Writes `v` at cell `*at` of `cells` (a v128: low half first) and moves `*at` past it.
    fn write_val(&mut self, v: &Val, cells: &mut [u64], at: &mut usize) -> Result<(), ApiError>;
    /// Checks a host function's results `vals` against `tys` and writes them to `cells`.
    fn write_host_results(&mut self, vals: &[Val], tys: &[ValType], cells: &mut [u64]) -> Result<(), Trap>;
    /// Calls function `func` with dynamic values, checking them against its type.
    /// Errors: [`ApiError::InstanceClosed`] if the function's instance was closed,
    /// [`ApiError::TypeMismatch`] for arguments of the wrong number or types, the trap that
    /// stopped it.
    fn call(&mut self, func: u32, args: &[Val]) -> Result<Vec<Val>, CallError>;
}

impl StoreVals for Store {
    fn val_to_cell(&mut self, v: &Val) -> Result<u64, ApiError> {
        let c = self.val_cell(v)?;
        match v {
            Val::FuncRef(Some(f)) => self.adopt_func(f.addr())?,
            Val::ExnRef(Some(_)) => self.adopt_exception(c)?,
            _ => {}
        }
        Ok(c)
    }

    fn val_to_cells(&mut self, v: &Val, out: &mut Vec<u64>) -> Result<(), ApiError> {
        let (mut buf, mut n) = ([0u64; 2], 0);
        self.write_val(v, &mut buf, &mut n)?;
        out.extend_from_slice(&buf[..n]);
        Ok(())
    }

    fn write_val(&mut self, v: &Val, cells: &mut [u64], at: &mut usize) -> Result<(), ApiError> {
        match v {
            Val::V128(x) => {
                cells[*at] = *x as u64;
                cells[*at + 1] = (*x >> 64) as u64;
                *at += 2;
            }
            v => {
                cells[*at] = self.val_to_cell(v)?;
                *at += 1;
            }
        }
        Ok(())
    }

    fn write_host_results(&mut self, vals: &[Val], tys: &[ValType], cells: &mut [u64]) -> Result<(), Trap> {
        let mut at = 0;
        for (i, (v, t)) in vals.iter().zip(tys).enumerate() {
            if !v.matches(*t) {
                return Err(Trap::host(format!("host function returned {} for result {i}, expected {t}", v.ty())));
            }
            self.write_val(v, cells, &mut at)?;
        }
        Ok(())
    }

    fn call(&mut self, func: u32, args: &[Val]) -> Result<Vec<Val>, CallError> {
        self.check_open(self.funcs().owner(func as usize))?;
        // A function of another link group (a host function's `Caller::call` of any `Func`)
        // runs in this view only once its group is merged into this one.
        self.adopt_func(func)?;
        let ty = self.func_type(func).clone();
        if args.len() != ty.params().len() {
            return Err(ApiError::TypeMismatch(format!(
                "expected {} arguments, got {}",
                ty.params().len(),
                args.len()
            ))
            .into());
        }
        let mut cells = Vec::with_capacity(args.len());
        for (i, (a, t)) in args.iter().zip(ty.params()).enumerate() {
            if !a.matches(*t) {
                return Err(ApiError::TypeMismatch(format!("argument {i} has type {}, expected {t}", a.ty())).into());
            }
            self.val_to_cells(a, &mut cells)?;
        }
        let mut results = vec![0u64; cell_count(ty.results())];
        self.invoke(func, &cells, &mut results)?;
        Ok(self.vals_from_cells(&results, ty.results()))
    }
}

/// Host functions of at most this many parameters and results take the allocation-free path.
const HOST_FAST_ARITY: usize = 8;

/// A host function on cells that runs closure `f` on [`Val`]s of type `ty`: converts the
/// argument cells to values, calls `f` with a [`Caller`] for the calling instance, checks the
/// results against `ty` and writes them back. Signatures of at most [`HOST_FAST_ARITY`]
/// parameters and results (nearly all) keep the values in arrays on the stack, so a call
/// allocates nothing (the general path allocates; see RATIONALE.md).
pub(crate) fn vals_host_fn(ty: FuncType, f: Arc<ValsHostFn>) -> Arc<HostFn> {
    if ty.params().len() <= HOST_FAST_ARITY && ty.results().len() <= HOST_FAST_ARITY {
        return Arc::new(move |store: &mut Store, caller: Option<u32>, cells: &mut [u64]| {
            let (np, nr) = (ty.params().len(), ty.results().len());
            let mut rtys = [ValType::I32; HOST_FAST_ARITY];
            rtys[..nr].copy_from_slice(ty.results());
            let mut vargs: [Val; HOST_FAST_ARITY] = std::array::from_fn(|_| Val::I32(0));
            let mut at = 0;
            for (v, t) in vargs.iter_mut().zip(ty.params()) {
                *v = store.read_val(cells, &mut at, *t);
            }
            let mut vres: [Val; HOST_FAST_ARITY] =
                std::array::from_fn(|i| if i < nr { Val::zero_or_null(rtys[i]) } else { Val::I32(0) });
            f(&mut Caller::new(store, caller), &vargs[..np], &mut vres[..nr])?;
            store.write_host_results(&vres[..nr], &rtys[..nr], cells)
        });
    }
    Arc::new(move |store: &mut Store, caller: Option<u32>, cells: &mut [u64]| {
        let vargs = store.vals_from_cells(&cells[..cell_count(ty.params())], ty.params());
        let mut vres: Vec<Val> = ty.results().iter().map(|t| Val::zero_or_null(*t)).collect();
        f(&mut Caller::new(store, caller), &vargs, &mut vres)?;
        store.write_host_results(&vres, ty.results(), cells)
    })
}

/// The runtime's [`FunctionListener`] as the store's [`CallObserver`]: cells become values and
/// addresses become [`FrameInfo`]s.
pub(crate) struct ListenerObserver(pub Arc<dyn FunctionListener>);

impl ListenerObserver {
    /// Calls the listener's `before` (`enter`) with the arguments or `after` with the results
    /// of a function of type `ty`, from their `cells`.
    fn tell(&self, store: &Store, info: &FrameInfo, host: bool, ty: &FuncType, enter: bool, cells: &[u64]) {
        let tys = if enter { ty.params() } else { ty.results() };
        let vals = store.vals_from_cells(&cells[..cell_count(tys)], tys);
        if enter {
            self.0.before(info, host, &vals)
        } else {
            self.0.after(info, host, &vals)
        }
    }
}

impl CallObserver for ListenerObserver {
    fn wasm(&self, store: &Store, instance: u32, func: u32, enter: bool, cells: &[u64]) {
        let info = backtrace::frame_info(store, instance, func);
        let Some(module) = store.inst(instance).module.as_ref() else { return };
        let ty = module.func_type(func);
        self.tell(store, &info, false, ty, enter, cells)
    }

    fn host(&self, store: &Store, func: u32, enter: bool, cells: &[u64]) {
        let info = backtrace::host_frame_info(store, func);
        let ty = store.func_type(func);
        self.tell(store, &info, true, ty, enter, cells)
    }
}
