//! Type descriptions of values and externals, as the spec defines them in
//! [§2.3 Types](https://webassembly.github.io/spec/core/syntax/types.html).

use std::fmt;

/// A value type ([§2.3.1–2.3.4](https://webassembly.github.io/spec/core/syntax/types.html#value-types)).
/// The Core 2.0 reference types are the constants [`ValType::FUNCREF`] and
/// [`ValType::EXTERNREF`] (usable as patterns); Wasm 3.0's typed references are further
/// [`RefType`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE 754 float.
    F32,
    /// 64-bit IEEE 754 float.
    F64,
    /// 128-bit vector (Core 2.0 SIMD).
    V128,
    /// A reference.
    Ref(RefType),
}

impl ValType {
    /// `funcref`: a nullable reference to any function.
    pub const FUNCREF: ValType = ValType::Ref(RefType::FUNCREF);
    /// `externref`: a nullable reference to a host value.
    pub const EXTERNREF: ValType = ValType::Ref(RefType::EXTERNREF);
    /// `exnref`: a nullable reference to an exception (exception handling, Wasm 3.0).
    pub const EXNREF: ValType = ValType::Ref(RefType::EXNREF);

    /// The reference type, if this is one.
    pub fn as_ref(&self) -> Option<RefType> {
        match self {
            ValType::Ref(r) => Some(*r),
            ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64 | ValType::V128 => None,
        }
    }

    /// Whether a value of this type has a default (zero or null) value, so that a local or a
    /// table element of it needs no initializer
    /// ([defaultable](https://webassembly.github.io/spec/core/valid/types.html#defaultable-types)):
    /// every type but the non-nullable references.
    pub fn is_defaultable(&self) -> bool {
        self.as_ref().is_none_or(|r| r.nullable)
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValType::I32 => f.write_str("i32"),
            ValType::I64 => f.write_str("i64"),
            ValType::F32 => f.write_str("f32"),
            ValType::F64 => f.write_str("f64"),
            ValType::V128 => f.write_str("v128"),
            ValType::Ref(r) => write!(f, "{r}"),
        }
    }
}

/// A reference type: whether null is one of its values, and the heap type of what it refers to
/// ([§2.3.3](https://webassembly.github.io/spec/versions/core/WebAssembly-3.0-draft.pdf),
/// reference types). Core 2.0 has the nullable [`RefType::FUNCREF`] and
/// [`RefType::EXTERNREF`]; non-nullable references come with Wasm 3.0's typed function
/// references, which validation does not accept yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RefType {
    /// Whether null is a value of this type (`ref null ht`) or not (`ref ht`).
    pub nullable: bool,
    /// What the reference refers to.
    pub heap_type: HeapType,
}

impl RefType {
    /// `funcref`, that is `(ref null func)`.
    pub const FUNCREF: RefType = RefType { nullable: true, heap_type: HeapType::Func };
    /// `externref`, that is `(ref null extern)`.
    pub const EXTERNREF: RefType = RefType { nullable: true, heap_type: HeapType::Extern };
    /// `exnref`, that is `(ref null exn)`.
    pub const EXNREF: RefType = RefType { nullable: true, heap_type: HeapType::Exn };

    /// A reference to `heap_type`, nullable or not.
    pub fn new(nullable: bool, heap_type: HeapType) -> RefType {
        RefType { nullable, heap_type }
    }

    /// Whether every value of this type is also one of `other`
    /// ([§3.3.3 matching](https://webassembly.github.io/spec/core/valid/matching.html#reference-types)):
    /// its heap type [matches](HeapType::matches) `other`'s, and null is allowed in `other` if
    /// it is here.
    pub fn matches(&self, other: &RefType) -> bool {
        self.heap_type.matches(&other.heap_type) && (other.nullable || !self.nullable)
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The text format's shorthands for the two Core 2.0 types, the long form otherwise.
        match (self.nullable, self.heap_type) {
            (true, HeapType::Func) => f.write_str("funcref"),
            (true, HeapType::Extern) => f.write_str("externref"),
            (true, HeapType::Exn) => f.write_str("exnref"),
            (true, h) => write!(f, "(ref null {h})"),
            (false, h) => write!(f, "(ref {h})"),
        }
    }
}

/// The heap type of a reference: what kind of thing it refers to
/// ([§2.3.3](https://webassembly.github.io/spec/versions/core/WebAssembly-3.0-draft.pdf), heap
/// types). Wasm 3.0's other heap types (`any`, `eq`, `i31`, `struct`, `array` and their bottom
/// types) are added with GC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeapType {
    /// Any function (`func`).
    Func,
    /// A host value (`extern`).
    Extern,
    /// A function of one function type (typed function references: `(ref $t)`), named by its
    /// canonical identity ([`TypeId`]), which equivalent types of different modules share.
    Concrete(TypeId),
    /// The bottom of the function types (`nofunc`): only null has it.
    NoFunc,
    /// The bottom of the external types (`noextern`): only null has it.
    NoExtern,
    /// An exception (`exn`, exception handling): what `catch_ref` and `catch_all_ref` hand
    /// over and `throw_ref` throws again.
    Exn,
    /// The bottom of the exception types (`noexn`): only null has it.
    NoExn,
}

/// The three hierarchies of heap types without GC: a reference of one never matches a type of
/// another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hierarchy {
    Func,
    Extern,
    Exn,
}

impl HeapType {
    /// Whether references of this type refer to functions (their cells hold function
    /// addresses, which keep their instances alive).
    pub fn is_func(&self) -> bool {
        self.hierarchy() == Hierarchy::Func
    }

    /// Whether references of this type refer to exceptions (their cells hold exception
    /// addresses, see `vm::exceptions`).
    pub fn is_exn(&self) -> bool {
        self.hierarchy() == Hierarchy::Exn
    }

    fn hierarchy(&self) -> Hierarchy {
        match self {
            HeapType::Func | HeapType::Concrete(_) | HeapType::NoFunc => Hierarchy::Func,
            HeapType::Extern | HeapType::NoExtern => Hierarchy::Extern,
            HeapType::Exn | HeapType::NoExn => Hierarchy::Exn,
        }
    }

    /// Whether every reference of this heap type is also one of `other`
    /// ([§3.3.3 matching](https://webassembly.github.io/spec/core/valid/matching.html#heap-types)):
    /// the same type; a concrete function type below `func` and below its declared supertypes;
    /// a bottom type below every type of its hierarchy.
    pub fn matches(&self, other: &HeapType) -> bool {
        match (*self, *other) {
            (a, b) if a == b => true,
            (HeapType::Concrete(_), HeapType::Func) => true,
            (HeapType::Concrete(a), HeapType::Concrete(b)) => a.is_subtype_of(b),
            (HeapType::NoFunc | HeapType::NoExtern | HeapType::NoExn, b) => self.hierarchy() == b.hierarchy(),
            (HeapType::Func | HeapType::Extern | HeapType::Concrete(_) | HeapType::Exn, _) => false,
        }
    }
}

impl fmt::Display for HeapType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeapType::Func => f.write_str("func"),
            HeapType::Extern => f.write_str("extern"),
            HeapType::Concrete(t) => write!(f, "{t}"),
            HeapType::NoFunc => f.write_str("nofunc"),
            HeapType::NoExtern => f.write_str("noextern"),
            HeapType::Exn => f.write_str("exn"),
            HeapType::NoExn => f.write_str("noexn"),
        }
    }
}

/// The identity of a defined (function) type, the same for every module that defines an
/// equivalent type: types are equivalent when their recursion groups are the same after
/// their references to earlier types are replaced by those types' identities
/// ([§3.2 type equivalence](https://webassembly.github.io/spec/core/valid/conventions.html#type-equivalence),
/// iso-recursive). Identities are process-wide and never reused (see RATIONALE.md, "Typed
/// function references").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub(crate) u32);

impl TypeId {
    /// The identity of `ty` as a type of its own: final, with no supertype, alone in its
    /// recursion group (what a host function's type is, and what `(type (func ...))` defines).
    pub fn of(ty: &FuncType) -> TypeId {
        crate::wasm::canon::intern_func(ty)
    }

    /// The function type this identity stands for.
    pub fn func_type(&self) -> &'static FuncType {
        &crate::wasm::canon::entry(*self).ty
    }

    /// Whether this type is `other` or declares it as a (transitive) supertype
    /// ([§3.3.3](https://webassembly.github.io/spec/core/valid/matching.html#heap-types)).
    pub fn is_subtype_of(&self, other: TypeId) -> bool {
        let mut t = Some(*self);
        while let Some(id) = t {
            if id == other {
                return true;
            }
            t = crate::wasm::canon::entry(id).supertype;
        }
        false
    }
}

impl fmt::Display for TypeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The text format names a module's types by index; an identity is module-free.
        write!(f, "$type{}", self.0)
    }
}

/// A function type: parameter and result types
/// ([§2.3.5](https://webassembly.github.io/spec/core/syntax/types.html#function-types)).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncType {
    params: Box<[ValType]>,
    results: Box<[ValType]>,
}

impl FuncType {
    /// Creates a function type from its parameter and result types.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> Self {
        FuncType { params: params.into_iter().collect(), results: results.into_iter().collect() }
    }
    /// The parameter types, in order.
    pub fn params(&self) -> &[ValType] {
        &self.params
    }
    /// The result types, in order.
    pub fn results(&self) -> &[ValType] {
        &self.results
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The text format's notation, leaving out empty clauses: `(func (param i32) (result i64))`.
        f.write_str("(func")?;
        for (clause, types) in [("param", &self.params), ("result", &self.results)] {
            if !types.is_empty() {
                write!(f, " ({clause}")?;
                for t in types.iter() {
                    write!(f, " {t}")?;
                }
                f.write_str(")")?;
            }
        }
        f.write_str(")")
    }
}

/// The type of the addresses of a memory or table
/// ([§2.3.8](https://webassembly.github.io/spec/versions/core/WebAssembly-3.0-draft.pdf), address
/// types): `i32`, or `i64` with Wasm 3.0's memory64 ([`RuntimeConfig::with_wasm_memory64`](crate::RuntimeConfig::with_wasm_memory64)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum IndexType {
    /// 32-bit addresses (Core 1.0 and 2.0).
    #[default]
    I32,
    /// 64-bit addresses (memory64).
    I64,
}

/// A memory type: limits in pages, the address type, whether it is shared between threads, and
/// the page size
/// ([§2.3.8](https://webassembly.github.io/spec/core/syntax/types.html#memory-types)). Core 1.0
/// and 2.0 memories are [`MemoryType::new`]: 32-bit, unshared, pages of 64 KiB; Wasm 3.0's
/// memory64 makes [`MemoryType::new64`] ones, the custom-page-sizes proposal pages of 1 byte
/// ([`MemoryType::with_page_size_log2`]). Shared memories (threads) are not implemented:
/// instantiating one fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct MemoryType {
    /// Initial size, in pages.
    pub min: u64,
    /// Maximum size, in pages, if declared.
    pub max: Option<u64>,
    /// The type of addresses into it.
    pub index: IndexType,
    /// Whether several threads may use it at once (threads proposal).
    pub shared: bool,
    /// log2 of the page size in bytes: 16 (64 KiB) unless the custom-page-sizes proposal says.
    pub page_size_log2: u8,
}

impl MemoryType {
    /// A 32-bit, unshared memory of pages of 64 KiB, `min` pages initially, at most `max`.
    pub fn new(min: u32, max: Option<u32>) -> MemoryType {
        MemoryType { min: min as u64, max: max.map(u64::from), index: IndexType::I32, shared: false, page_size_log2: 16 }
    }
    /// A 32-bit [shared](https://github.com/WebAssembly/threads/blob/main/proposals/threads/Overview.md#shared-linear-memory)
    /// memory (threads proposal) of pages of 64 KiB, `min` pages initially, at most `max` (a
    /// shared memory must declare its maximum).
    pub fn shared(min: u32, max: u32) -> MemoryType {
        MemoryType { shared: true, ..MemoryType::new(min, Some(max)) }
    }
    /// A 64-bit (memory64), unshared memory of pages of 64 KiB, `min` pages initially, at most
    /// `max`.
    pub fn new64(min: u64, max: Option<u64>) -> MemoryType {
        MemoryType { min, max, index: IndexType::I64, shared: false, page_size_log2: 16 }
    }
    /// The same type with pages of `2^log2` bytes (the custom-page-sizes proposal allows 0, pages
    /// of 1 byte, and 16, the default 64 KiB).
    pub fn with_page_size_log2(self, log2: u8) -> MemoryType {
        MemoryType { page_size_log2: log2, ..self }
    }
    /// The page size in bytes.
    pub fn page_size(&self) -> u64 {
        1 << self.page_size_log2
    }
}

/// A table type: element reference type, limits in elements and address type
/// ([§2.3.9](https://webassembly.github.io/spec/core/syntax/types.html#table-types)). Core 1.0
/// and 2.0 tables are [`TableType::new`] (32-bit); Wasm 3.0's table64 makes
/// [`TableType::new64`] ones, indexed by i64.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TableType {
    /// The type of its elements.
    pub element: RefType,
    /// Initial size, in elements.
    pub min: u64,
    /// Maximum size, in elements, if declared.
    pub max: Option<u64>,
    /// The type of indices into it.
    pub index: IndexType,
}

impl TableType {
    /// A 32-bit table of `element` references, `min` elements initially, at most `max`.
    pub fn new(element: RefType, min: u32, max: Option<u32>) -> TableType {
        TableType { element, min: min as u64, max: max.map(u64::from), index: IndexType::I32 }
    }
    /// A 64-bit table (table64) of `element` references, `min` elements initially, at most `max`.
    pub fn new64(element: RefType, min: u64, max: Option<u64>) -> TableType {
        TableType { element, min, max, index: IndexType::I64 }
    }
}

/// A [tag type](https://webassembly.github.io/spec/core/syntax/types.html#tag-types)
/// (exception handling, Wasm 3.0): the types of the values an exception of the tag carries, as
/// the parameters of a function type with no results. Tag types match when their function types
/// are the same type (by identity, [`TypeId`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TagType {
    /// The payload's types, as the parameters of a function type.
    pub ty: FuncType,
}

impl TagType {
    /// The tag type of exceptions carrying values of types `payload`.
    pub fn new(payload: impl IntoIterator<Item = ValType>) -> TagType {
        TagType { ty: FuncType::new(payload, []) }
    }
    /// The payload's types.
    pub fn payload(&self) -> &[ValType] {
        self.ty.params()
    }
}

/// A global type: content type and mutability
/// ([§2.3.10](https://webassembly.github.io/spec/core/syntax/types.html#global-types)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalType {
    /// The type of the value held.
    pub content: ValType,
    /// Whether `global.set` may change it.
    pub mutable: bool,
}

/// The type of an import or export
/// ([§2.3.11](https://webassembly.github.io/spec/core/syntax/types.html#external-types)).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExternType {
    /// A function.
    Func(FuncType),
    /// A table.
    Table(TableType),
    /// A linear memory.
    Memory(MemoryType),
    /// A global.
    Global(GlobalType),
    /// A tag (exception handling).
    Tag(TagType),
}

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lim = |min: u64, max: Option<u64>| match max {
            Some(m) => format!("{min} {m}"),
            None => format!("{min}"),
        };
        match self {
            ExternType::Func(t) => write!(f, "{t}"),
            ExternType::Table(t) => {
                let i64 = if t.index == IndexType::I64 { "i64 " } else { "" };
                write!(f, "(table {i64}{} {})", lim(t.min, t.max), t.element)
            }
            ExternType::Memory(t) => {
                let i64 = if t.index == IndexType::I64 { "i64 " } else { "" };
                let shared = if t.shared { " shared" } else { "" };
                let page = if t.page_size_log2 != 16 { format!(" (pagesize {})", t.page_size()) } else { String::new() };
                write!(f, "(memory {i64}{}{shared}{page})", lim(t.min, t.max))
            }
            ExternType::Global(t) if t.mutable => write!(f, "(global (mut {}))", t.content),
            ExternType::Global(t) => write!(f, "(global {})", t.content),
            ExternType::Tag(t) => write!(f, "(tag {})", t.ty),
        }
    }
}

/// One import of a module: the (module, name) pair it is resolved by and its expected type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportType {
    /// The module name the import is resolved in.
    pub module: String,
    /// The field name within that module.
    pub name: String,
    /// The type the import must match.
    pub ty: ExternType,
}

/// One export of a module: its name and type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportType {
    /// The export's name.
    pub name: String,
    /// The exported item's type.
    pub ty: ExternType,
}
