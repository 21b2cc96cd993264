//! The module after decoding and validation: what both engines compile from and what
//! instantiation reads. Built in one pass over the binary with wasmparser's parser and validator
//! ([§5 binary format](https://webassembly.github.io/spec/core/binary/index.html),
//! [§3 validation](https://webassembly.github.io/spec/core/valid/index.html)).

pub(crate) mod atomics;
pub(crate) mod canon;
pub(crate) mod error;
pub(crate) mod fuel;
pub(crate) mod func;
pub mod types;
mod parse;

pub(crate) use parse::{body, parse, val_type};

use types::{FuncType, GlobalType, MemoryType, TableType, ValType};
use std::ops::Range;
use std::sync::Arc;

/// A validated module.
#[derive(Debug)]
pub(crate) struct Module {
    /// The binary the module was decoded from; function bodies are ranges into it.
    pub bytes: Arc<[u8]>,
    /// The type section.
    pub types: Vec<FuncType>,
    /// The identity of each type of the type section ([`canon`]).
    pub type_ids: Vec<types::TypeId>,
    /// Imports in declaration order.
    pub imports: Vec<Import>,
    /// Type index of every function, imported ones first.
    pub funcs: Vec<u32>,
    pub num_imported_funcs: u32,
    /// Every table, imported ones first.
    pub tables: Vec<TableType>,
    pub num_imported_tables: u32,
    /// The initializer of each of the module's own tables (index `num_imported_tables + i`):
    /// the value of every element at first, null if there is none.
    pub table_inits: Vec<Option<ConstExpr>>,
    /// Every memory, imported ones first.
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: u32,
    /// Every global, imported ones first.
    pub globals: Vec<GlobalType>,
    pub num_imported_globals: u32,
    /// Initialisers of the module's own globals (index `num_imported_globals + i`).
    pub global_inits: Vec<ConstExpr>,
    /// The type index of every tag (exception handling), imported ones first: a function type
    /// with no results whose parameters are the payload's types.
    pub tags: Vec<u32>,
    pub num_imported_tags: u32,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    /// Bodies of the module's own functions (function index `num_imported_funcs + i`).
    pub bodies: Vec<FuncBody>,
    /// The feature set the module was validated with; instantiation follows its semantics.
    pub features: wasmparser::WasmFeatures,
    /// Names from the name section, for backtraces.
    pub names: Names,
}

/// What the [name section](https://webassembly.github.io/spec/core/appendix/custom.html#name-section)
/// says, if the module has one.
#[derive(Debug, Default)]
pub(crate) struct Names {
    /// The module's name.
    pub module: Option<String>,
    /// Function names by function index (imports included).
    pub funcs: std::collections::HashMap<u32, String>,
}

#[derive(Debug)]
pub(crate) struct Import {
    pub module: String,
    pub name: String,
    pub desc: ImportDesc,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum ImportDesc {
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
    /// A tag of the function type with this index.
    Tag(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExternKind {
    Func,
    Table,
    Memory,
    Global,
    Tag,
}

#[derive(Debug)]
pub(crate) struct Export {
    pub name: String,
    pub kind: ExternKind,
    pub index: u32,
}

/// A [constant expression](https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions).
/// One instruction, the only form before Wasm 3.0, has a variant of its own;
/// [extended constant expressions](https://github.com/WebAssembly/extended-const) are the
/// `Extended` program.
#[derive(Clone, Debug)]
pub(crate) enum ConstExpr {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    RefNull,
    RefFunc(u32),
    GlobalGet(u32),
    /// Two or more instructions, run on a stack of integers; the validator has checked the
    /// types and that one value is left.
    Extended(std::sync::Arc<[ConstOp]>),
}

/// Every integer arithmetic instruction an extended constant expression may hold, once: its
/// wasmparser operator and [`ConstOp`] variant, its operand type, that type's unsigned twin
/// (results are kept zero-extended, as `ConstExpr::I32` is) and the wrapping operation.
macro_rules! for_each_const_binop {
    ($m:ident) => {
        $m! {
            I32Add i32 u32 wrapping_add;
            I32Sub i32 u32 wrapping_sub;
            I32Mul i32 u32 wrapping_mul;
            I64Add i64 u64 wrapping_add;
            I64Sub i64 u64 wrapping_sub;
            I64Mul i64 u64 wrapping_mul;
        }
    };
}
pub(crate) use for_each_const_binop;

macro_rules! const_op_enum {
    ($($op:ident $ty:ident $uty:ident $f:ident;)*) => {
        /// One instruction of an extended constant expression.
        #[derive(Clone, Copy, Debug)]
        pub(crate) enum ConstOp {
            I32(i32),
            I64(i64),
            GlobalGet(u32),
            $($op,)*
        }
    };
}
for_each_const_binop!(const_op_enum);

#[derive(Debug)]
pub(crate) enum ElemMode {
    Passive,
    Active { table: u32, offset: ConstExpr },
    Declared,
}

#[derive(Debug)]
pub(crate) struct ElemSegment {
    pub mode: ElemMode,
    pub items: Vec<ConstExpr>,
}

#[derive(Debug)]
pub(crate) enum DataMode {
    Passive,
    Active { memory: u32, offset: ConstExpr },
}

#[derive(Debug)]
pub(crate) struct DataSegment {
    pub mode: DataMode,
    /// Range of the segment's bytes in [`Module::bytes`].
    pub data: Range<usize>,
}

/// A function body: where its bytes are (locals and code) in [`Module::bytes`].
#[derive(Debug)]
pub(crate) struct FuncBody {
    pub range: Range<usize>,
}

/// The memory that a load or store's immediate names. Errors: a GC array target (the
/// multibyte-array-access proposal, which no feature set of ours validates, so this is a second
/// line, not a path that runs).
pub(crate) fn memarg_memory(memarg: &wasmparser::MemArg) -> Result<u32, error::CompileError> {
    match memarg.target {
        wasmparser::MemArgTarget::Memory(m) => Ok(m),
        wasmparser::MemArgTarget::Array(_) => Err(error::CompileError {
            message: "memory accesses to arrays (multibyte array access) are not supported".into(),
            offset: None,
        }),
    }
}

impl Module {
    pub fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.funcs[func_index as usize] as usize]
    }
    /// The payload types of tag `tag`.
    pub fn tag_payload(&self, tag: u32) -> &[ValType] {
        self.types[self.tags[tag as usize] as usize].params()
    }
    /// The type an import described by `desc` must match.
    pub fn import_type(&self, desc: &ImportDesc) -> types::ExternType {
        use types::{ExternType, TagType};
        match desc {
            ImportDesc::Func(t) => ExternType::Func(self.types[*t as usize].clone()),
            ImportDesc::Table(t) => ExternType::Table(*t),
            ImportDesc::Memory(t) => ExternType::Memory(*t),
            ImportDesc::Global(t) => ExternType::Global(*t),
            ImportDesc::Tag(t) => ExternType::Tag(TagType { ty: self.types[*t as usize].clone() }),
        }
    }
    /// What a catch clause of tag `tag` receives: its payload types; none for a `catch_all`
    /// (`None`).
    pub fn caught_payload(&self, tag: Option<u32>) -> &[ValType] {
        tag.map_or(&[], |t| self.tag_payload(t))
    }
    pub fn data_bytes(&self, seg: &DataSegment) -> &[u8] {
        &self.bytes[seg.data.clone()]
    }
}
