//! Values passed between the host and WebAssembly.

use super::func::Func;
use crate::wasm::types::{HeapType, RefType, ValType};
use std::any::Any;
use std::sync::Arc;

/// An opaque reference to a host value, the payload of an `externref`
/// ([§4.2.1 reference values](https://webassembly.github.io/spec/core/exec/runtime.html#values)).
/// WebAssembly code can pass it around and store it in tables, but can neither forge one nor look
/// inside; the host gets the same value back. Clones refer to the same value.
#[derive(Clone)]
pub struct ExternRef(Arc<dyn Any + Send + Sync>);

impl ExternRef {
    /// Wraps a host value.
    pub fn new<T: Any + Send + Sync>(value: T) -> ExternRef {
        ExternRef(Arc::new(value))
    }
    /// The host value, if it is a `T`.
    pub fn downcast_ref<T: Any>(&self) -> Option<&T> {
        self.0.downcast_ref()
    }
    /// The host value.
    pub fn data(&self) -> &(dyn Any + Send + Sync) {
        &*self.0
    }
    /// Identity of the referenced value (for interning).
    /// The host value as the store keeps it.
    pub(crate) fn host_ref(&self) -> &crate::vm::HostRef {
        &self.0
    }
    /// An externref of a value the store kept.
    pub(crate) fn from_host_ref(r: crate::vm::HostRef) -> ExternRef {
        ExternRef(r)
    }
}

impl PartialEq for ExternRef {
    /// Identity: the same host value.
    fn eq(&self, other: &ExternRef) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for ExternRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExternRef({:#x})", Arc::as_ptr(&self.0) as *const () as usize)
    }
}

/// A WebAssembly [value](https://webassembly.github.io/spec/core/exec/runtime.html#values).
///
/// Floats are carried as their raw IEEE 754 bits so that NaN payloads and the sign of zero
/// cross the host boundary unchanged; use [`Val::f32`]/[`Val::f64`] to build them from floats.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Val {
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A 32-bit float, as its bits.
    F32(u32),
    /// A 64-bit float, as its bits.
    F64(u64),
    /// A 128-bit vector, lane 0 in the least significant bits (the little-endian byte order
    /// of `v128.store`).
    V128(u128),
    /// A function reference; `None` is `ref.null func`.
    FuncRef(Option<Func>),
    /// A reference to a host value; `None` is `ref.null extern`.
    ExternRef(Option<ExternRef>),
    /// A reference to an exception (exception handling); `None` is `ref.null exn`.
    ExnRef(Option<crate::vm::Exception>),
}

impl Val {
    /// A `Val::F32` holding `v`'s bits.
    pub fn f32(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
    /// A `Val::F64` holding `v`'s bits.
    pub fn f64(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FUNCREF,
            Val::ExternRef(_) => ValType::EXTERNREF,
            Val::ExnRef(_) => ValType::EXNREF,
        }
    }
    /// Whether this value is one of type `ty`
    /// ([matching](https://webassembly.github.io/spec/core/valid/matching.html#value-types)):
    /// a number or vector of that type, or a reference of its heap type (null only if `ty` is
    /// nullable; a function of a concrete type only if the function's type is that type or
    /// declares it as a supertype).
    pub fn matches(&self, ty: ValType) -> bool {
        // A reference's own type is non-nullable unless it is null; a null is of the bottom
        // type of its hierarchy, which matches every nullable type there.
        let heap_type = match self {
            Val::FuncRef(Some(f)) => HeapType::Concrete(f.type_id()),
            Val::FuncRef(None) => HeapType::NoFunc,
            Val::ExternRef(Some(_)) => HeapType::Extern,
            Val::ExternRef(None) => HeapType::NoExtern,
            Val::ExnRef(Some(_)) => HeapType::Exn,
            Val::ExnRef(None) => HeapType::NoExn,
            _ => return self.ty() == ty,
        };
        let null = matches!(self, Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None));
        matches!(ty, ValType::Ref(r) if RefType::new(null, heap_type).matches(&r))
    }
    /// The default value of a type: zero, or null for a nullable reference
    /// ([§4.2.1](https://webassembly.github.io/spec/core/exec/runtime.html#default-val)).
    /// `None` for a non-nullable reference type, which has no default.
    pub fn default_for(ty: ValType) -> Option<Val> {
        ty.is_defaultable().then(|| Val::zero_or_null(ty))
    }
    /// Zero of a number or vector type, null of a reference type (nullable or not: a
    /// placeholder that a type check refuses where null is not allowed).
    pub(crate) fn zero_or_null(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::Ref(r) => Val::null(r.heap_type),
        }
    }
    /// The null reference of heap type `heap_type`.
    pub fn null(heap_type: HeapType) -> Val {
        match heap_type {
            HeapType::Func | HeapType::Concrete(_) | HeapType::NoFunc => Val::FuncRef(None),
            HeapType::Extern | HeapType::NoExtern => Val::ExternRef(None),
            HeapType::Exn | HeapType::NoExn => Val::ExnRef(None),
        }
    }
    /// The `i32`, if this is one.
    pub fn i32(&self) -> Option<i32> {
        if let Val::I32(v) = self { Some(*v) } else { None }
    }
    /// The `i64`, if this is one.
    pub fn i64(&self) -> Option<i64> {
        if let Val::I64(v) = self { Some(*v) } else { None }
    }
    /// The `f32` bits as a float, if this is one.
    pub fn as_f32(&self) -> Option<f32> {
        if let Val::F32(v) = self { Some(f32::from_bits(*v)) } else { None }
    }
    /// The `f64` bits as a float, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        if let Val::F64(v) = self { Some(f64::from_bits(*v)) } else { None }
    }
}

impl PartialEq for Val {
    /// Bitwise equality (NaNs with equal bits are equal); references compare by identity.
    fn eq(&self, other: &Val) -> bool {
        match (self, other) {
            (Val::I32(a), Val::I32(b)) => a == b,
            (Val::I64(a), Val::I64(b)) => a == b,
            (Val::F32(a), Val::F32(b)) => a == b,
            (Val::F64(a), Val::F64(b)) => a == b,
            (Val::V128(a), Val::V128(b)) => a == b,
            (Val::FuncRef(a), Val::FuncRef(b)) => a == b,
            (Val::ExternRef(a), Val::ExternRef(b)) => a == b,
            (Val::ExnRef(a), Val::ExnRef(b)) => a == b,
            _ => false,
        }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::f32(v)
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::f64(v)
    }
}
