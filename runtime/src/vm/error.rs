//! The errors of linking and instantiation: [`LinkError`] (import resolution) and
//! [`InstantiationError`] (everything instantiation can fail on).

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
            InstantiationError::InvalidStartFunction(m) => write!(f, "invalid start function: {m}"),
        }
    }
}
impl std::error::Error for InstantiationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InstantiationError::Link(e) => Some(e),
            InstantiationError::Trap(t) => Some(t),
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

