//! Type descriptions of values and externals, as the spec defines them in
//! [§2.3 Types](https://webassembly.github.io/spec/core/syntax/types.html).

use std::fmt;

/// A value type ([§2.3.1–2.3.4](https://webassembly.github.io/spec/core/syntax/types.html#value-types)).
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
    /// Reference to a function (or null).
    FuncRef,
    /// Opaque reference to a host value (or null).
    ExternRef,
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
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

/// A memory type: limits in pages of 64 KiB
/// ([§2.3.8](https://webassembly.github.io/spec/core/syntax/types.html#memory-types)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemoryType {
    /// Initial size, in pages.
    pub min: u32,
    /// Maximum size, in pages, if declared.
    pub max: Option<u32>,
}

/// A table type: element reference type and limits in elements
/// ([§2.3.9](https://webassembly.github.io/spec/core/syntax/types.html#table-types)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    /// Element type: [`ValType::FuncRef`] or [`ValType::ExternRef`].
    pub element: ValType,
    /// Initial size, in elements.
    pub min: u32,
    /// Maximum size, in elements, if declared.
    pub max: Option<u32>,
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
}

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lim = |min: u32, max: Option<u32>| match max {
            Some(m) => format!("{min} {m}"),
            None => format!("{min}"),
        };
        match self {
            ExternType::Func(t) => write!(f, "{t}"),
            ExternType::Table(t) => write!(f, "(table {} {})", lim(t.min, t.max), t.element),
            ExternType::Memory(t) => write!(f, "(memory {})", lim(t.min, t.max)),
            ExternType::Global(t) if t.mutable => write!(f, "(global (mut {}))", t.content),
            ExternType::Global(t) => write!(f, "(global {})", t.content),
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
