//! The errors of linking and instantiation, [`LinkError`] (import resolution) and
//! [`InstantiationError`] (everything instantiation can fail on), and of the host's use of the
//! API: [`ApiError`] (refused before anything ran) and [`CallError`] (a call's two outcomes
//! other than results).

use super::Trap;
use crate::wasm::types::ExternType;
use std::fmt;

/// An import could not be resolved
/// ([§4.5.4 instantiation, step 4](https://webassembly.github.io/spec/core/exec/modules.html#instantiation)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkError {
    /// No instance is registered under the import's module name, or it has no such export.
    UnknownImport {
        /// The import's module name.
        module: String,
        /// The import's field name.
        name: String,
        /// The type the importer expects.
        expected: ExternType,
    },
    /// The export exists but its type does not
    /// [match](https://webassembly.github.io/spec/core/valid/types.html#import-subtyping) the import.
    IncompatibleImportType {
        /// The import's module name.
        module: String,
        /// The import's field name.
        name: String,
        /// The type the importer expects.
        expected: ExternType,
        /// The type the export actually has.
        actual: ExternType,
    },
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::UnknownImport { module, name, expected } => {
                write!(f, "unknown import: {module}.{name} (expected {expected})")
            }
            LinkError::IncompatibleImportType { module, name, expected, actual } => write!(
                f,
                "incompatible import type for {module}.{name}: expected {expected}, got {actual}"
            ),
        }
    }
}
impl std::error::Error for LinkError {}

/// Instantiation failed; nothing of the failed instance is registered.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InstantiationError {
    /// An import could not be resolved.
    Link(LinkError),
    /// A resource limit was hit, for example a memory's initial size exceeds the runtime's
    /// memory limit (in pages) or could not be allocated.
    Resource(String),
    /// Core 1.0 only: a data or element segment does not fit its memory or table
    /// ("data segment does not fit", "elements segment does not fit"); nothing was written.
    SegmentDoesNotFit(String),
    /// A segment initialisation (Core 2.0 semantics) or the start function trapped.
    Trap(Trap),
    /// The module name given with [`ModuleConfig::with_name`](crate::ModuleConfig::with_name)
    /// is already taken in this runtime.
    DuplicateName(String),
    /// The module was compiled by a different [`Runtime`](crate::Runtime).
    ForeignModule,
    /// The runtime was closed ([`Runtime::close`](crate::Runtime::close)).
    RuntimeClosed,
    /// The host's request was refused ([`ApiError`]), e.g.
    /// [`Runtime::register`](crate::Runtime::register) given a closed instance
    /// ([`ApiError::InstanceClosed`]).
    Api(ApiError),
    /// A start function named with
    /// [`ModuleConfig::with_start_functions`](crate::ModuleConfig::with_start_functions) is
    /// exported but is not a function of type `[] -> []`.
    InvalidStartFunction(String),
}

impl fmt::Display for InstantiationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstantiationError::Link(e) => write!(f, "{e}"),
            InstantiationError::Resource(m) => write!(f, "resource limit: {m}"),
            InstantiationError::SegmentDoesNotFit(m) => f.write_str(m),
            InstantiationError::Trap(t) => write!(f, "{t}"),
            InstantiationError::DuplicateName(n) => write!(f, "module name {n:?} is already in use"),
            InstantiationError::ForeignModule => f.write_str("module was compiled by another runtime"),
            InstantiationError::RuntimeClosed => f.write_str("runtime closed"),
            InstantiationError::Api(e) => write!(f, "{e}"),
            InstantiationError::InvalidStartFunction(m) => write!(f, "invalid start function: {m}"),
        }
    }
}
impl std::error::Error for InstantiationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InstantiationError::Link(e) => Some(e),
            InstantiationError::Trap(t) => Some(t),
            InstantiationError::Api(e) => Some(e),
            _ => None,
        }
    }
}
impl From<LinkError> for InstantiationError {
    fn from(e: LinkError) -> Self {
        InstantiationError::Link(e)
    }
}
impl From<Trap> for InstantiationError {
    fn from(t: Trap) -> Self {
        InstantiationError::Trap(t)
    }
}
impl From<ApiError> for InstantiationError {
    fn from(e: ApiError) -> Self {
        InstantiationError::Api(e)
    }
}
impl From<CallError> for InstantiationError {
    fn from(e: CallError) -> Self {
        match e {
            CallError::Trap(t) => InstantiationError::Trap(t),
            CallError::Exception(e) => InstantiationError::Trap(Trap::Exception(e)),
            CallError::Api(e) => InstantiationError::Api(e),
        }
    }
}


/// The host used the API in a way it does not allow, or at a time it does not allow; nothing
/// ran and nothing changed. These are not [traps](Trap): wasm code never raises them, and a
/// host function that gets one from a nested call and returns it with `?` hands it to the
/// guest's caller as [`Trap::Host`] (downcastable to `ApiError`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiError {
    /// Values of the wrong number or types for a function's parameters (or a typed view's
    /// signature), a global or a table; says what was expected and what was given.
    TypeMismatch(String),
    /// A function, or a reference in the values given, belongs to another runtime.
    ForeignRuntime,
    /// The function, memory, table or global belongs to an instance that was closed
    /// ([`Instance::close`](crate::Instance::close), [`Runtime::close`](crate::Runtime::close)).
    InstanceClosed,
    /// A host-side access to `len` units at `offset` does not fit in `size` (bytes of a linear
    /// memory, elements of a table).
    OutOfBounds {
        /// Where the access starts (bytes or elements).
        offset: u64,
        /// How many bytes or elements it covers.
        len: u64,
        /// The memory's size in bytes, or the table's in elements.
        size: u64,
    },
    /// [`Global::set`](crate::Global::set) on a global declared immutable.
    ImmutableGlobal,
    /// This thread is already running a call in the item's link group: a handle
    /// ([`Func::call`](crate::Func::call), [`Memory::read`](crate::Memory::read), ...) used
    /// inside a host function called from that group; use the host function's
    /// [`Caller`](crate::Caller) there (see the crate docs, "Threads").
    Reentered,
    /// The item's link group is in use by a thread that waits for this one: waiting would
    /// deadlock.
    WouldDeadlock,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::TypeMismatch(m) => write!(f, "type mismatch: {m}"),
            ApiError::ForeignRuntime => f.write_str("belongs to another runtime"),
            ApiError::InstanceClosed => f.write_str("instance closed"),
            ApiError::OutOfBounds { offset, len, size } => {
                write!(f, "out of bounds: {len} at offset {offset} does not fit in a size of {size}")
            }
            ApiError::ImmutableGlobal => f.write_str("global is immutable"),
            ApiError::Reentered => f.write_str(
                "this thread is already running a call in the instance's link group (inside a host function, use its Caller)",
            ),
            ApiError::WouldDeadlock => f.write_str("the instance is in use by a thread that waits for this one (a deadlock)"),
        }
    }
}
impl std::error::Error for ApiError {}

impl From<ApiError> for Trap {
    /// A refused nested call, returned by a host function with `?`: a host error.
    fn from(e: ApiError) -> Trap {
        Trap::Host(super::HostError::new(e))
    }
}

/// Why a call from the host into wasm ([`Func::call`](crate::Func::call),
/// [`TypedFunc::call`](crate::TypedFunc::call), [`Caller::call`](crate::Caller::call)) returned
/// no results.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallError {
    /// The call ran and trapped (or a host function it called failed, [`Trap::Host`]).
    Trap(Trap),
    /// The call ran and ended with an exception (exception handling) that nothing caught.
    Exception(super::exceptions::Exception),
    /// The call was refused before any wasm code ran.
    Api(ApiError),
}

impl CallError {
    /// The trap, if the call ran and trapped.
    pub fn trap(&self) -> Option<&Trap> {
        match self {
            CallError::Trap(t) => Some(t),
            CallError::Exception(_) | CallError::Api(_) => None,
        }
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Trap(t) => write!(f, "{t}"),
            CallError::Exception(_) => f.write_str("uncaught exception"),
            CallError::Api(e) => write!(f, "{e}"),
        }
    }
}
impl std::error::Error for CallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CallError::Trap(t) => Some(t),
            CallError::Exception(_) => None,
            CallError::Api(e) => Some(e),
        }
    }
}
impl From<Trap> for CallError {
    /// A trap, or the exception a [`Trap::Exception`] carries.
    fn from(t: Trap) -> Self {
        match t {
            Trap::Exception(e) => CallError::Exception(e),
            t => CallError::Trap(t),
        }
    }
}
impl From<ApiError> for CallError {
    fn from(e: ApiError) -> Self {
        CallError::Api(e)
    }
}
impl From<CallError> for Trap {
    /// A failed nested call, returned by a host function with `?`: its trap as it is (so a
    /// guest's `proc_exit` or an interrupt passes through), a refusal as a host error.
    fn from(e: CallError) -> Trap {
        match e {
            CallError::Trap(t) => t,
            CallError::Exception(e) => Trap::Exception(e),
            CallError::Api(e) => e.into(),
        }
    }
}
