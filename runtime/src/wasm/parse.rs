//! Decoding + validation in one pass with wasmparser.

use super::*;
use crate::wasm::error::CompileError;
use crate::wasm::types::{HeapType, IndexType, RefType};
use wasmparser::{
    ExternalKind, FunctionBody, Operator, Parser, Payload, TypeRef, Validator, WasmFeatures,
};

fn err(message: impl Into<String>, offset: usize) -> CompileError {
    CompileError { message: message.into(), offset: Some(offset) }
}

/// Our type for a value type wasmparser validated. Errors: a heap type none of our features
/// brings (validation refuses them first, so this is a second line, not a path that runs).
pub(crate) fn val_type(t: wasmparser::ValType) -> Result<ValType, CompileError> {
    Ok(match t {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) => ValType::Ref(ref_type(r)?),
    })
}

fn ref_type(r: wasmparser::RefType) -> Result<RefType, CompileError> {
    use wasmparser::{AbstractHeapType as A, HeapType as H};
    let heap_type = match r.heap_type() {
        H::Abstract { shared: false, ty: A::Func } => HeapType::Func,
        H::Abstract { shared: false, ty: A::Extern } => HeapType::Extern,
        h => return Err(CompileError { message: format!("unsupported heap type {h:?}"), offset: None }),
    };
    Ok(RefType { nullable: r.is_nullable(), heap_type })
}

fn table_type(t: &wasmparser::TableType) -> Result<TableType, CompileError> {
    // Without memory64/table64 the validator bounds these to u32.
    Ok(TableType {
        element: ref_type(t.element_type)?,
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

fn global_type(t: &wasmparser::GlobalType) -> Result<GlobalType, CompileError> {
    Ok(GlobalType { content: val_type(t.content_type)?, mutable: t.mutable })
}

fn const_expr(e: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, CompileError> {
    let mut reader = e.get_operators_reader();
    let offset = reader.original_position() as usize;
    let value = match reader.read()? {
        Operator::I32Const { value } => ConstExpr::I32(value),
        Operator::I64Const { value } => ConstExpr::I64(value),
        Operator::F32Const { value } => ConstExpr::F32(value.bits()),
        Operator::F64Const { value } => ConstExpr::F64(value.bits()),
        Operator::V128Const { value } => ConstExpr::V128(u128::from_le_bytes(*value.bytes())),
        Operator::RefNull { .. } => ConstExpr::RefNull,
        Operator::RefFunc { function_index } => ConstExpr::RefFunc(function_index),
        Operator::GlobalGet { global_index } => ConstExpr::GlobalGet(global_index),
        op => return Err(err(format!("unsupported constant expression {op:?}"), offset)),
    };
    // The validator has checked that exactly one instruction precedes `end`.
    Ok(value)
}

/// Decodes and validates `bytes` with the given feature set.
pub(crate) fn parse(bytes: Arc<[u8]>, features: WasmFeatures) -> Result<Module, CompileError> {
    let mut validator = Validator::new_with_features(features);
    let mut m = Module {
        bytes: bytes.clone(),
        types: Vec::new(),
        imports: Vec::new(),
        funcs: Vec::new(),
        num_imported_funcs: 0,
        tables: Vec::new(),
        num_imported_tables: 0,
        memories: Vec::new(),
        num_imported_memories: 0,
        globals: Vec::new(),
        num_imported_globals: 0,
        global_inits: Vec::new(),
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
                for rec_group in reader {
                    for sub in rec_group?.into_types() {
                        match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(f) => m.types.push(FuncType::new(
                                f.params().iter().map(|t| val_type(*t)).collect::<Result<Vec<_>, _>>()?,
                                f.results().iter().map(|t| val_type(*t)).collect::<Result<Vec<_>, _>>()?,
                            )),
                            _ => return Err(err("non-function types are not supported", 0)),
                        }
                    }
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
                            m.tables.push(table_type(&t)?);
                            m.num_imported_tables += 1;
                            ImportDesc::Table(table_type(&t)?)
                        }
                        TypeRef::Memory(t) => {
                            m.memories.push(memory_type(&t));
                            m.num_imported_memories += 1;
                            ImportDesc::Memory(memory_type(&t))
                        }
                        TypeRef::Global(t) => {
                            m.globals.push(global_type(&t)?);
                            m.num_imported_globals += 1;
                            ImportDesc::Global(global_type(&t)?)
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
                    m.tables.push(table_type(&t.ty)?);
                }
            }
            Payload::MemorySection(reader) => {
                for t in reader {
                    m.memories.push(memory_type(&t?));
                }
            }
            Payload::GlobalSection(reader) => {
                for g in reader {
                    let g = g?;
                    m.globals.push(global_type(&g.ty)?);
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
                        check_core1_br_table(&m.types, ty.results(), &body)?;
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
fn check_core1_br_table(types: &[FuncType], results: &[ValType], body: &FunctionBody<'_>) -> Result<(), CompileError> {
    let mut labels: Vec<Vec<ValType>> = vec![results.to_vec()];
    let block_results = |bt: wasmparser::BlockType| -> Result<Vec<ValType>, CompileError> {
        Ok(match bt {
            wasmparser::BlockType::Empty => vec![],
            wasmparser::BlockType::Type(t) => vec![val_type(t)?],
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
