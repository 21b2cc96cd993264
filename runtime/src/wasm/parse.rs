//! Decoding + validation in one pass with wasmparser.

use super::*;
use crate::wasm::error::CompileError;
use crate::wasm::canon::{self, KeySuper, KeyVal, SubKey};
use crate::wasm::types::{HeapType, IndexType, RefType, TypeId};
use wasmparser::{
    ExternalKind, FunctionBody, Operator, Parser, Payload, TypeRef, Validator, WasmFeatures,
};

fn err(message: impl Into<String>, offset: usize) -> CompileError {
    CompileError { message: message.into(), offset: Some(offset) }
}

/// Our type for a value type wasmparser validated, in a module whose types have the identities
/// `type_ids` (by type index). Errors: a heap type none of our features brings (validation
/// refuses most first), or one that the engines do not implement yet (GC's).
pub(crate) fn val_type(t: wasmparser::ValType, type_ids: &[TypeId]) -> Result<ValType, CompileError> {
    Ok(match t {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) => ValType::Ref(ref_type(r, type_ids)?),
    })
}

/// Our type for a reference type (see [`val_type`]).
pub(crate) fn ref_type(r: wasmparser::RefType, type_ids: &[TypeId]) -> Result<RefType, CompileError> {
    Ok(RefType { nullable: r.is_nullable(), heap_type: heap_type(r.heap_type(), type_ids)? })
}

/// Our type for a heap type (see [`val_type`]).
pub(crate) fn heap_type(h: wasmparser::HeapType, type_ids: &[TypeId]) -> Result<HeapType, CompileError> {
    use wasmparser::{AbstractHeapType as A, HeapType as H};
    Ok(match h {
        H::Abstract { shared: false, ty: A::Func } => HeapType::Func,
        H::Abstract { shared: false, ty: A::Extern } => HeapType::Extern,
        H::Abstract { shared: false, ty: A::NoFunc } => HeapType::NoFunc,
        H::Abstract { shared: false, ty: A::NoExtern } => HeapType::NoExtern,
        H::Abstract { shared: false, ty: A::Exn } => HeapType::Exn,
        H::Abstract { shared: false, ty: A::NoExn } => HeapType::NoExn,
        H::Concrete(i) => match i.as_module_index().and_then(|i| type_ids.get(i as usize)) {
            Some(id) => HeapType::Concrete(*id),
            None => return Err(CompileError { message: format!("unsupported heap type {h:?}"), offset: None }),
        },
        h => return Err(CompileError { message: format!("unsupported heap type {h:?}"), offset: None }),
    })
}

/// A value type of a recursion group being registered whose first type is the module's type
/// `start` (earlier types have the identities `type_ids`).
fn key_val(t: wasmparser::ValType, start: u32, type_ids: &[TypeId]) -> Result<KeyVal, CompileError> {
    if let wasmparser::ValType::Ref(r) = t {
        if let wasmparser::HeapType::Concrete(i) = r.heap_type() {
            if let Some(i) = i.as_module_index().filter(|i| *i >= start) {
                return Ok(KeyVal::Rec { nullable: r.is_nullable(), rec: i - start });
            }
        }
    }
    Ok(KeyVal::Plain(val_type(t, type_ids)?))
}

/// Registers the recursion group `group`, whose first type is the module's type `start`, and
/// returns its types' identities ([`canon`]). Errors: a type other than a function type (GC's
/// structs and arrays, not implemented yet), a shared one.
fn rec_group(group: wasmparser::RecGroup, start: u32, type_ids: &[TypeId]) -> Result<Vec<TypeId>, CompileError> {
    let mut keys = Vec::new();
    for sub in group.into_types() {
        let f = match &sub.composite_type.inner {
            wasmparser::CompositeInnerType::Func(f) if !sub.composite_type.shared => f,
            _ => return Err(err("non-function types are not supported", 0)),
        };
        let supertype = match sub.supertype_idxs.first().and_then(|i| i.as_module_index()) {
            Some(i) if i >= start => Some(KeySuper::Rec(i - start)),
            Some(i) => Some(KeySuper::Id(type_ids[i as usize])),
            None => None,
        };
        let vals = |ts: &[wasmparser::ValType]| ts.iter().map(|t| key_val(*t, start, type_ids)).collect::<Result<Vec<_>, _>>();
        keys.push(SubKey { is_final: sub.is_final, supertype, params: vals(f.params())?, results: vals(f.results())? });
    }
    Ok(canon::intern_group(keys))
}

fn table_type(t: &wasmparser::TableType, type_ids: &[TypeId]) -> Result<TableType, CompileError> {
    // Without memory64/table64 the validator bounds these to u32.
    Ok(TableType {
        element: ref_type(t.element_type, type_ids)?,
        min: t.initial,
        max: t.maximum,
        index: if t.table64 { IndexType::I64 } else { IndexType::I32 },
    })
}

fn memory_type(t: &wasmparser::MemoryType) -> MemoryType {
    MemoryType {
        min: t.initial,
        max: t.maximum,
        index: if t.memory64 { IndexType::I64 } else { IndexType::I32 },
        shared: t.shared,
        page_size_log2: t.page_size_log2.map_or(16, |l| l as u8),
    }
}

fn global_type(t: &wasmparser::GlobalType, type_ids: &[TypeId]) -> Result<GlobalType, CompileError> {
    Ok(GlobalType { content: val_type(t.content_type, type_ids)?, mutable: t.mutable })
}

fn const_expr(e: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, CompileError> {
    let mut reader = e.get_operators_reader();
    let mut ops: Vec<(Operator<'_>, usize)> = Vec::new();
    loop {
        let offset = reader.original_position() as usize;
        match reader.read()? {
            Operator::End => break,
            op => ops.push((op, offset)),
        }
    }
    // The validator has checked the expression: one instruction, or (extended constant
    // expressions) integer arithmetic over constants and globals that leaves one value.
    if let [(op, offset)] = &ops[..] {
        return Ok(match op {
            Operator::I32Const { value } => ConstExpr::I32(*value),
            Operator::I64Const { value } => ConstExpr::I64(*value),
            Operator::F32Const { value } => ConstExpr::F32(value.bits()),
            Operator::F64Const { value } => ConstExpr::F64(value.bits()),
            Operator::V128Const { value } => ConstExpr::V128(u128::from_le_bytes(*value.bytes())),
            Operator::RefNull { .. } => ConstExpr::RefNull,
            Operator::RefFunc { function_index } => ConstExpr::RefFunc(*function_index),
            Operator::GlobalGet { global_index } => ConstExpr::GlobalGet(*global_index),
            op => return Err(err(format!("unsupported constant expression {op:?}"), *offset)),
        });
    }
    macro_rules! extended {
        ($($op:ident $ty:ident $uty:ident $f:ident;)*) => {
            ops.iter()
                .map(|(op, offset)| {
                    Ok(match op {
                        Operator::I32Const { value } => ConstOp::I32(*value),
                        Operator::I64Const { value } => ConstOp::I64(*value),
                        Operator::GlobalGet { global_index } => ConstOp::GlobalGet(*global_index),
                        $(Operator::$op => ConstOp::$op,)*
                        op => return Err(err(format!("unsupported constant expression {op:?}"), *offset)),
                    })
                })
                .collect::<Result<std::sync::Arc<[ConstOp]>, CompileError>>()
        };
    }
    Ok(ConstExpr::Extended(for_each_const_binop!(extended)?))
}

/// Decodes and validates `bytes` with the given feature set.
pub(crate) fn parse(bytes: Arc<[u8]>, features: WasmFeatures) -> Result<Module, CompileError> {
    let mut validator = Validator::new_with_features(features);
    let mut m = Module {
        bytes: bytes.clone(),
        types: Vec::new(),
        type_ids: Vec::new(),
        imports: Vec::new(),
        funcs: Vec::new(),
        num_imported_funcs: 0,
        tables: Vec::new(),
        num_imported_tables: 0,
        table_inits: Vec::new(),
        memories: Vec::new(),
        num_imported_memories: 0,
        globals: Vec::new(),
        num_imported_globals: 0,
        global_inits: Vec::new(),
        tags: Vec::new(),
        num_imported_tags: 0,
        exports: Vec::new(),
        start: None,
        elems: Vec::new(),
        datas: Vec::new(),
        bodies: Vec::new(),
        features,
        names: Names::default(),
    };
    let mut func_validator_allocs = wasmparser::FuncValidatorAllocations::default();
    // The parser too must know the feature set: it decides, for example, the width of limits.
    let mut parser = Parser::new(0);
    parser.set_features(features);
    for payload in parser.parse_all(&bytes) {
        let payload = payload?;
        let valid = validator.payload(&payload)?;
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader {
                    let ids = rec_group(group?, m.type_ids.len() as u32, &m.type_ids)?;
                    m.types.extend(ids.iter().map(|id| id.func_type().clone()));
                    m.type_ids.extend(ids);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import?;
                    let desc = match import.ty {
                        TypeRef::Func(t) => {
                            m.funcs.push(t);
                            m.num_imported_funcs += 1;
                            ImportDesc::Func(t)
                        }
                        TypeRef::Table(t) => {
                            m.tables.push(table_type(&t, &m.type_ids)?);
                            m.num_imported_tables += 1;
                            ImportDesc::Table(table_type(&t, &m.type_ids)?)
                        }
                        TypeRef::Memory(t) => {
                            m.memories.push(memory_type(&t));
                            m.num_imported_memories += 1;
                            ImportDesc::Memory(memory_type(&t))
                        }
                        TypeRef::Global(t) => {
                            m.globals.push(global_type(&t, &m.type_ids)?);
                            m.num_imported_globals += 1;
                            ImportDesc::Global(global_type(&t, &m.type_ids)?)
                        }
                        TypeRef::Tag(t) => {
                            m.tags.push(t.func_type_idx);
                            m.num_imported_tags += 1;
                            ImportDesc::Tag(t.func_type_idx)
                        }
                        _ => return Err(err("unsupported import kind", 0)),
                    };
                    m.imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        desc,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader {
                    m.funcs.push(t?);
                }
            }
            Payload::TableSection(reader) => {
                for t in reader {
                    let t = t?;
                    m.tables.push(table_type(&t.ty, &m.type_ids)?);
                    m.table_inits.push(match t.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(const_expr(&e)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for t in reader {
                    m.memories.push(memory_type(&t?));
                }
            }
            Payload::TagSection(reader) => {
                for t in reader {
                    m.tags.push(t?.func_type_idx);
                }
            }
            Payload::GlobalSection(reader) => {
                for g in reader {
                    let g = g?;
                    m.globals.push(global_type(&g.ty, &m.type_ids)?);
                    m.global_inits.push(const_expr(&g.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader {
                    let e = e?;
                    let kind = match e.kind {
                        ExternalKind::Func => ExternKind::Func,
                        ExternalKind::Table => ExternKind::Table,
                        ExternalKind::Memory => ExternKind::Memory,
                        ExternalKind::Global => ExternKind::Global,
                        ExternalKind::Tag => ExternKind::Tag,
                        _ => return Err(err("unsupported export kind", 0)),
                    };
                    m.exports.push(Export { name: e.name.to_string(), kind, index: e.index });
                }
            }
            Payload::StartSection { func, .. } => m.start = Some(func),
            Payload::ElementSection(reader) => {
                for e in reader {
                    let e = e?;
                    let mode = match e.kind {
                        wasmparser::ElementKind::Passive => ElemMode::Passive,
                        wasmparser::ElementKind::Declared => ElemMode::Declared,
                        wasmparser::ElementKind::Active { table_index, offset_expr } => ElemMode::Active {
                            table: table_index.unwrap_or(0),
                            offset: const_expr(&offset_expr)?,
                        },
                    };
                    let items = match e.items {
                        wasmparser::ElementItems::Functions(r) => {
                            let mut v = Vec::new();
                            for f in r {
                                v.push(ConstExpr::RefFunc(f?));
                            }
                            v
                        }
                        wasmparser::ElementItems::Expressions(_, r) => {
                            let mut v = Vec::new();
                            for x in r {
                                v.push(const_expr(&x?)?);
                            }
                            v
                        }
                    };
                    m.elems.push(ElemSegment { mode, items });
                }
            }
            Payload::DataSection(reader) => {
                for d in reader {
                    let d = d?;
                    let mode = match d.kind {
                        wasmparser::DataKind::Passive => DataMode::Passive,
                        wasmparser::DataKind::Active { memory_index, offset_expr } => {
                            DataMode::Active { memory: memory_index, offset: const_expr(&offset_expr)? }
                        }
                    };
                    let end = d.range.end as usize;
                    m.datas.push(DataSegment { mode, data: end - d.data.len()..end });
                }
            }
            Payload::CodeSectionEntry(body) => {
                let range = body.range();
                if let wasmparser::ValidPayload::Func(func, body) = valid {
                    let mut fv = func.into_validator(func_validator_allocs);
                    fv.validate(&body)?;
                    func_validator_allocs = fv.into_allocations();
                    if !features.contains(WasmFeatures::REFERENCE_TYPES) {
                        let ty = m.func_type(m.num_imported_funcs + m.bodies.len() as u32);
                        check_core1_br_table(&m.types, &m.type_ids, ty.results(), &body)?;
                    }
                }
                m.bodies.push(FuncBody { range: range.start as usize..range.end as usize });
            }
            Payload::CustomSection(reader) => {
                if let wasmparser::KnownCustom::Name(names) = reader.as_known() {
                    m.names = read_names(names);
                }
            }
            Payload::End(_) => {}
            _ => {}
        }
    }
    Ok(m)
}

/// The module and function names of a
/// [name section](https://webassembly.github.io/spec/core/appendix/custom.html#name-section).
/// Custom sections are not validated: a malformed one is ignored from the first error on.
fn read_names(reader: wasmparser::NameSectionReader<'_>) -> Names {
    let mut names = Names::default();
    for sub in reader {
        match sub {
            Ok(wasmparser::Name::Module { name, .. }) => names.module = Some(name.to_string()),
            Ok(wasmparser::Name::Function(map)) => {
                for naming in map {
                    let Ok(n) = naming else { break };
                    names.funcs.insert(n.index, n.name.to_string());
                }
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    names
}

/// Core 1.0 requires every label of a `br_table` to have the same type, also in unreachable code
/// where the operand stack is polymorphic ([1.0 §3.3.5](https://www.w3.org/TR/wasm-core-1/#valid-br-table)).
/// Core 2.0 relaxed this (the 2.0 suite dropped those assertions) and wasmparser implements the
/// relaxed rule, so for 1.0 this extra pass runs over bodies wasmparser already accepted.
fn check_core1_br_table(
    types: &[FuncType],
    type_ids: &[TypeId],
    results: &[ValType],
    body: &FunctionBody<'_>,
) -> Result<(), CompileError> {
    let mut labels: Vec<Vec<ValType>> = vec![results.to_vec()];
    let block_results = |bt: wasmparser::BlockType| -> Result<Vec<ValType>, CompileError> {
        Ok(match bt {
            wasmparser::BlockType::Empty => vec![],
            wasmparser::BlockType::Type(t) => vec![val_type(t, type_ids)?],
            wasmparser::BlockType::FuncType(i) => types[i as usize].results().to_vec(),
        })
    };
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        let offset = reader.original_position() as usize;
        match reader.read()? {
            Operator::Block { blockty } | Operator::If { blockty } => labels.push(block_results(blockty)?),
            // A loop's label carries its parameters, which Core 1.0 loops do not have.
            Operator::Loop { .. } => labels.push(vec![]),
            Operator::End => {
                labels.pop();
            }
            Operator::BrTable { targets } => {
                let label = |d: u32| &labels[labels.len() - 1 - d as usize];
                let default = label(targets.default());
                for d in targets.targets() {
                    if label(d?) != default {
                        return Err(err("type mismatch: br_table labels have different types", offset));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Reopens a function body of a validated module.
pub(crate) fn body<'a>(m: &'a Module, index: usize) -> FunctionBody<'a> {
    let r = m.bodies[index].range.clone();
    FunctionBody::new(wasmparser::BinaryReader::new(&m.bytes[r.clone()], r.start as u64))
}
