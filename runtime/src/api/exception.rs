//! Tags and exceptions in the API (exception handling, Wasm 3.0): [`Tag`] and the methods of
//! [`Exception`] (defined in `vm`, which the engines make them in).

use super::cells::RegistryVals;
use super::runtime::RuntimeInner;
use super::*;
use std::sync::Arc;

/// A [tag](https://webassembly.github.io/spec/core/exec/runtime.html#tag-instances)
/// (exception handling): what an exception is thrown and caught by. Wasm code catches an
/// exception by its tag's identity, never by its type: a tag is only ever the same tag as
/// itself, however often it is imported and re-exported. Get one from an instance's exports
/// ([`Instance::tag`]).
#[derive(Clone)]
pub struct Tag {
    pub(crate) rt: Arc<RuntimeInner>,
    pub(crate) addr: u32,
}

impl PartialEq for Tag {
    /// Identity: the same tag.
    fn eq(&self, other: &Tag) -> bool {
        Arc::ptr_eq(&self.rt, &other.rt) && self.addr == other.addr
    }
}
impl Eq for Tag {}

impl std::fmt::Debug for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tag({})", self.addr)
    }
}

impl Tag {
    /// The tag's type: the types of the values its exceptions carry.
    pub fn ty(&self) -> TagType {
        TagType { ty: self.rt.registry().type_of(self.rt.registry().tag_type_id(self.addr)).clone() }
    }
}

impl Exception {
    /// An exception of `tag` carrying `payload`, for a host function to throw
    /// ([`Trap::Exception`]).
    ///
    /// Errors: [`ApiError::TypeMismatch`] if `payload` does not match the tag's type (count or
    /// types); [`ApiError::ForeignRuntime`] for a reference of another runtime than the tag's;
    /// [`ApiError::InstanceClosed`] for a function of a closed instance.
    pub fn new(tag: &Tag, payload: &[Val]) -> Result<Exception, ApiError> {
        let reg = tag.rt.registry();
        let tys = reg.tag_payload(tag.addr);
        if payload.len() != tys.len() || !payload.iter().zip(tys).all(|(v, t)| v.matches(*t)) {
            let want: Vec<String> = tys.iter().map(|t| t.to_string()).collect();
            let got: Vec<String> = payload.iter().map(|v| v.ty().to_string()).collect();
            return Err(ApiError::TypeMismatch(format!("the tag carries ({}), got ({})", want.join(" "), got.join(" "))));
        }
        // Functions in the payload join a link group when the exception is thrown into one
        // (`Store::throw_into`), not here.
        let mut cells = Vec::with_capacity(payload.len());
        for v in payload {
            match v {
                Val::V128(x) => cells.extend([*x as u64, (*x >> 64) as u64]),
                v => cells.push(reg.val_cell(v)?),
            }
        }
        let c = reg.new_exception(tag.addr, &cells);
        Ok(Exception::of_cell(&tag.rt, c))
    }

    /// The exception behind non-null exnref cell `c` of `rt`'s store.
    pub(crate) fn of_cell(rt: &Arc<RuntimeInner>, c: u64) -> Exception {
        Exception { rt: rt.clone(), addr: (c - 1) as u32 }
    }

    /// Its exnref cell, if it belongs to runtime `rt`.
    pub(crate) fn cell_in(&self, rt: &Arc<RuntimeInner>) -> Option<u64> {
        std::ptr::addr_eq(Arc::as_ptr(&self.rt), Arc::as_ptr(rt)).then_some(self.addr as u64 + 1)
    }

    fn runtime(&self) -> Arc<RuntimeInner> {
        self.rt.clone().downcast::<RuntimeInner>().expect("an exception's runtime is a RuntimeInner")
    }

    /// The tag it was thrown with.
    pub fn tag(&self) -> Tag {
        let rt = self.runtime();
        let tag = rt.registry().exception(self.addr as u64 + 1).tag;
        Tag { rt, addr: tag }
    }

    /// The values it carries, of the types of its tag's type.
    pub fn payload(&self) -> Vec<Val> {
        let rt = self.runtime();
        let reg = rt.registry();
        let exn = reg.exception(self.addr as u64 + 1);
        reg.vals_from_cells(&exn.payload, reg.tag_payload(exn.tag))
    }
}
