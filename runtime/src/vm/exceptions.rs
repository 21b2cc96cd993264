//! Tags and exceptions ([exception handling](https://webassembly.github.io/spec/core/exec/runtime.html#exception-instances),
//! Wasm 3.0), as both engines see them.
//!
//! - A **tag** is an immutable entity: the store type id of its function type (parameters are
//!   the payload's types, no results). Tags match by address: two tags are the same tag only if
//!   one is the other imported, whatever their types.
//! - An **exception** is an immutable object: its tag's address and its payload as cells. An
//!   `exnref` cell holds `address + 1` (0 is null), as other references do. Exceptions live in
//!   the registry (every link group may hold exnrefs to them: a payload crosses host functions)
//!   and are not freed until the runtime is: there is no collector before GC (issue 20), see
//!   RATIONALE.md, "Exception handling".

use std::any::Any;
use std::sync::Arc;

/// An [exception](https://webassembly.github.io/spec/core/exec/runtime.html#exception-instances)
/// (exception handling, Wasm 3.0): a tag and the values it carries, made by wasm's `throw` or
/// by the host ([`Exception::new`]). A call that ends with an exception nothing caught returns
/// it ([`CallError::Exception`](crate::CallError::Exception)); a host function throws one by
/// returning [`Trap::Exception`](crate::Trap::Exception). Clones refer to the same exception;
/// two compare equal when they are the same exception.
#[derive(Clone)]
pub struct Exception {
    /// The runtime whose store holds it (the API's `RuntimeInner`).
    pub(crate) rt: Arc<dyn Any + Send + Sync>,
    /// Its address in the store.
    pub(crate) addr: u32,
}

impl PartialEq for Exception {
    fn eq(&self, other: &Exception) -> bool {
        Arc::ptr_eq(&self.rt, &other.rt) && self.addr == other.addr
    }
}
impl Eq for Exception {}

impl std::fmt::Debug for Exception {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Exception({})", self.addr)
    }
}

/// A tag ([§4.2.11](https://webassembly.github.io/spec/core/exec/runtime.html#tag-instances)).
pub(crate) struct TagEntity {
    /// The store type id of its function type.
    pub type_id: u32,
}

/// An exception ([§4.2.12](https://webassembly.github.io/spec/core/exec/runtime.html#exception-instances)):
/// what `throw` makes and `catch_ref` hands over.
pub(crate) struct ExnObj {
    /// The store address of its tag.
    pub tag: u32,
    /// Its payload, as cells (a v128 takes two, low half first).
    pub payload: Box<[u64]>,
}

impl super::Registry {
    /// The store type id of tag `tag`'s function type.
    pub fn tag_type_id(&self, tag: u32) -> u32 {
        // SAFETY: a tag never changes after it is added, so any thread may read it.
        unsafe { self.tags[tag as usize].cell.get() }.type_id
    }
    /// The payload types of tag `tag`.
    pub fn tag_payload(&self, tag: u32) -> &'static [crate::wasm::types::ValType] {
        crate::wasm::types::TypeId(self.tag_type_id(tag)).func_type().params()
    }
    /// Makes an exception of tag `tag` with payload `payload` (cells); returns its exnref cell.
    pub fn new_exception(&self, tag: u32, payload: &[u64]) -> u64 {
        self.exceptions.push(ExnObj { tag, payload: payload.into() }) as u64 + 1
    }
    /// The exception behind non-null exnref cell `c`.
    pub fn exception(&self, c: u64) -> &ExnObj {
        &self.exceptions[(c - 1) as usize]
    }
}

impl super::Store {
    /// The exnref cell of exception `e`, which a host function threw into this view's group
    /// (both engines then unwind with it): its functions join the group
    /// ([`adopt_exception`](Self::adopt_exception)). Errors: an exception of another runtime,
    /// or a group that cannot be joined, as a host error.
    pub fn throw_into(&mut self, e: &Exception) -> Result<u64, super::Trap> {
        let ours = self.owner.upgrade().is_some_and(|rt| Arc::ptr_eq(&rt, &e.rt));
        if !ours {
            return Err(super::Trap::host("a host function threw an exception of another runtime"));
        }
        let c = e.addr as u64 + 1;
        self.adopt_exception(c).map_err(|e| super::Trap::Host(e.to_string().into()))?;
        Ok(c)
    }

    /// Makes every function the exception behind exnref cell `c` carries (in its payload, or in
    /// the payload of an exception it carries) reachable from this view's group, as
    /// [`adopt_func`](super::Store::adopt_func) does for one: an exception made in one group
    /// (or by the host) may be thrown into another.
    /// Errors: [`ApiError::WouldDeadlock`](crate::ApiError::WouldDeadlock), as `adopt_func`.
    pub fn adopt_exception(&mut self, c: u64) -> Result<(), crate::ApiError> {
        let mut pending = vec![c];
        while let Some(c) = pending.pop() {
            let exn = self.exception(c);
            let (tag, payload) = (exn.tag, &exn.payload);
            let mut at = 0;
            let mut funcs = Vec::new();
            for t in self.tag_payload(tag) {
                let cell = payload[at];
                at += if *t == crate::wasm::types::ValType::V128 { 2 } else { 1 };
                match t.as_ref() {
                    Some(r) if cell != 0 && r.heap_type.is_func() => funcs.push((cell - 1) as u32),
                    Some(r) if cell != 0 && r.heap_type.is_exn() => pending.push(cell),
                    _ => {}
                }
            }
            for f in funcs {
                self.adopt_func(f)?;
            }
        }
        Ok(())
    }
}
