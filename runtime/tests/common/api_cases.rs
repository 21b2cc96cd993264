// The API test cases, shared by `api.rs` (the default engine) and `api_compiler.rs` (the
// Compiler): each includes this file as a module and defines `config()`, the configuration its
// runtimes start from.

use super::config;
use zerowasm::*;

/// A runtime of the engine under test.
fn new_runtime() -> Runtime {
    Runtime::with_config(config())
}

/// Compiles and instantiates `src` (text or binary) anonymously.
fn instance(rt: &Runtime, src: &str) -> Instance {
    let module = rt.compile(src).expect("compiles");
    rt.instantiate(&module, ModuleConfig::new()).expect("instantiates")
}

fn func_ty(params: &[ValType], results: &[ValType]) -> FuncType {
    FuncType::new(params.iter().copied(), results.iter().copied())
}

const ADD: &str = r#"(module
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))"#;

// ---------------------------------------------------------------------------------------------
// Compiling

#[test]
fn compiles_text_and_binary_to_the_same_module() {
    let rt = new_runtime();
    let binary = wat::parse_str(ADD).unwrap();
    assert!(binary.starts_with(b"\0asm"));
    let from_text = rt.compile(ADD).unwrap();
    let from_binary = rt.compile(&binary).unwrap();
    assert_eq!(from_text.exports(), from_binary.exports());
    for module in [&from_text, &from_binary] {
        let i = rt.instantiate(module, ModuleConfig::new()).unwrap();
        let add = i.func("add").unwrap();
        assert_eq!(add.call(&[Val::I32(40), Val::I32(2)]).unwrap(), vec![Val::I32(42)]);
    }
}

#[test]
fn text_syntax_error_is_a_compile_error() {
    let rt = new_runtime();
    let e = rt.compile("(module (func (export \"f\") (result i32) i32.cosnt 1))").err().unwrap();
    assert!(e.message.contains("cosnt"), "{e}");
}

#[test]
fn invalid_module_is_a_compile_error_with_offset() {
    let rt = new_runtime();
    let e = rt.compile("(module (func (result i32) (i64.const 1)))").err().unwrap();
    assert!(e.message.contains("type mismatch"), "{e}");
    assert!(e.offset.is_some(), "{e:?}");
    assert!(e.to_string().contains("at offset 0x"), "{e}");
}

#[test]
fn core_features_gate_validation() {
    // Sign-extension operators are Core 2.0.
    let src = "(module (func (param i32) (result i32) (i32.extend8_s (local.get 0))))";
    let v1 = Runtime::with_config(config().with_core_features(CoreFeatures::V1_0));
    assert!(v1.compile(src).is_err());
    let v2 = Runtime::with_config(config().with_core_features(CoreFeatures::V2_0));
    assert!(v2.compile(src).is_ok());
    assert_eq!(v2.config().core_features(), CoreFeatures::V2_0);
}

// ---------------------------------------------------------------------------------------------
// Import and export listings

#[test]
fn imports_and_exports_are_listed_with_their_types() {
    let rt = new_runtime();
    let m = rt
        .compile(
            r#"(module
            (import "env" "f" (func (param i32 f64) (result i64)))
            (import "env" "t" (table 2 10 funcref))
            (import "env" "m" (memory 1))
            (import "env" "g" (global (mut f32)))
            (func $h (export "h") (param i64) (result f32) (f32.const 0))
            (export "tab" (table 0))
            (export "mem" (memory 0))
            (global (export "glob") i32 (i32.const 7))
            (export "f_again" (func 0)))"#,
        )
        .unwrap();
    let expected_imports = vec![
        ImportType {
            module: "env".into(),
            name: "f".into(),
            ty: ExternType::Func(func_ty(&[ValType::I32, ValType::F64], &[ValType::I64])),
        },
        ImportType {
            module: "env".into(),
            name: "t".into(),
            ty: ExternType::Table(TableType::new(RefType::FUNCREF, 2, Some(10))),
        },
        ImportType {
            module: "env".into(),
            name: "m".into(),
            ty: ExternType::Memory(MemoryType::new(1, None)),
        },
        ImportType {
            module: "env".into(),
            name: "g".into(),
            ty: ExternType::Global(GlobalType { content: ValType::F32, mutable: true }),
        },
    ];
    assert_eq!(m.imports(), expected_imports);
    let expected_exports = vec![
        ExportType { name: "h".into(), ty: ExternType::Func(func_ty(&[ValType::I64], &[ValType::F32])) },
        ExportType {
            name: "tab".into(),
            ty: ExternType::Table(TableType::new(RefType::FUNCREF, 2, Some(10))),
        },
        ExportType { name: "mem".into(), ty: ExternType::Memory(MemoryType::new(1, None)) },
        ExportType {
            name: "glob".into(),
            ty: ExternType::Global(GlobalType { content: ValType::I32, mutable: false }),
        },
        ExportType {
            name: "f_again".into(),
            ty: ExternType::Func(func_ty(&[ValType::I32, ValType::F64], &[ValType::I64])),
        },
    ];
    assert_eq!(m.exports(), expected_exports);

    let m = rt.compile(r#"(module (table (export "t") 3 funcref) (memory (export "m") 2 5))"#).unwrap();
    assert!(m.imports().is_empty());
    assert_eq!(
        m.exports(),
        vec![
            ExportType {
                name: "t".into(),
                ty: ExternType::Table(TableType::new(RefType::FUNCREF, 3, None)),
            },
            ExportType { name: "m".into(), ty: ExternType::Memory(MemoryType::new(2, Some(5))) },
        ]
    );
}

#[test]
fn instance_exports_are_listed_in_order() {
    let rt = new_runtime();
    let i = instance(
        &rt,
        r#"(module (memory (export "a") 1) (func (export "b")) (global (export "c") i32 (i32.const 0))
            (table (export "d") 1 funcref))"#,
    );
    let kinds: Vec<(String, &str)> = i
        .exports()
        .into_iter()
        .map(|(n, e)| {
            let k = match e {
                Extern::Func(_) => "func",
                Extern::Table(_) => "table",
                Extern::Memory(_) => "memory",
                Extern::Global(_) => "global",
                _ => "other",
            };
            (n, k)
        })
        .collect();
    assert_eq!(
        kinds,
        vec![("a".into(), "memory"), ("b".into(), "func"), ("c".into(), "global"), ("d".into(), "table")]
    );
    // Typed lookups return None for an export of another kind or no export at all.
    assert!(i.func("a").is_none());
    assert!(i.memory("b").is_none());
    assert!(i.global("zzz").is_none());
    assert!(i.table("c").is_none());
    assert!(i.export("zzz").is_none());
}

// ---------------------------------------------------------------------------------------------
// Linking by name

const PROVIDER: &str = r#"(module
    (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
    (global (export "base") i32 (i32.const 100))
    (memory (export "memory") 1)
    (table (export "table") 2 funcref)
    (data (i32.const 8) "\2a"))"#;

const CONSUMER: &str = r#"(module
    (import "provider" "double" (func $double (param i32) (result i32)))
    (import "provider" "base" (global $base i32))
    (import "provider" "memory" (memory 1))
    (func (export "run") (param i32) (result i32)
        (i32.add (call $double (local.get 0))
                 (i32.add (global.get $base) (i32.load8_u (i32.const 8))))))"#;

#[test]
fn later_module_imports_from_a_named_instance() {
    let rt = new_runtime();
    let provider = rt.compile(PROVIDER).unwrap();
    rt.instantiate(&provider, ModuleConfig::new().with_name("provider")).unwrap();
    assert!(rt.instance("provider").is_some());
    assert!(rt.instance("nobody").is_none());
    let consumer = instance(&rt, CONSUMER);
    let run = consumer.func("run").unwrap().typed::<i32, i32>().unwrap();
    assert_eq!(run.call(5).unwrap(), 10 + 100 + 42);
}

#[test]
fn imported_memory_is_shared() {
    let rt = new_runtime();
    let provider = rt.compile(PROVIDER).unwrap();
    let p = rt.instantiate(&provider, ModuleConfig::new().with_name("provider")).unwrap();
    let consumer = instance(&rt, CONSUMER);
    p.memory("memory").unwrap().write(8, &[1]).unwrap();
    assert_eq!(consumer.func("run").unwrap().call(&[Val::I32(0)]).unwrap(), vec![Val::I32(101)]);
}

#[test]
fn register_makes_an_anonymous_instance_importable() {
    let rt = new_runtime();
    let p = instance(&rt, PROVIDER);
    let m = rt.compile(CONSUMER).unwrap();
    assert!(matches!(
        rt.instantiate(&m, ModuleConfig::new()),
        Err(InstantiationError::Link(LinkError::UnknownImport { .. }))
    ));
    rt.register("provider", &p).unwrap();
    let c = rt.instantiate(&m, ModuleConfig::new()).unwrap();
    assert_eq!(c.func("run").unwrap().call(&[Val::I32(1)]).unwrap(), vec![Val::I32(2 + 100 + 42)]);
}

#[test]
fn duplicate_instance_name_is_rejected() {
    let rt = new_runtime();
    let m = rt.compile(ADD).unwrap();
    rt.instantiate(&m, ModuleConfig::new().with_name("a")).unwrap();
    match rt.instantiate(&m, ModuleConfig::new().with_name("a")) {
        Err(InstantiationError::DuplicateName(n)) => assert_eq!(n, "a"),
        other => panic!("expected DuplicateName, got {:?}", other.err()),
    }
    match HostModuleBuilder::new("a").func("f", || {}).instantiate(&rt) {
        Err(InstantiationError::DuplicateName(n)) => assert_eq!(n, "a"),
        other => panic!("expected DuplicateName, got {:?}", other.err()),
    }
    // The first instance is still the one registered.
    assert!(rt.instance("a").unwrap().func("add").is_some());
}

#[test]
fn module_of_another_runtime_is_rejected() {
    let a = new_runtime();
    let b = new_runtime();
    let m = a.compile(ADD).unwrap();
    assert_eq!(b.instantiate(&m, ModuleConfig::new()).err(), Some(InstantiationError::ForeignModule));
    let i = instance(&a, ADD);
    assert_eq!(b.register("x", &i).err(), Some(InstantiationError::ForeignModule));
}

// ---------------------------------------------------------------------------------------------
// Link errors

#[test]
fn link_error_names_module_field_and_both_types() {
    let rt = new_runtime();
    HostModuleBuilder::new("env").func("log", |_: i32| {}).instantiate(&rt).unwrap();
    let m = rt.compile(r#"(module (import "env" "log" (func (param i64))))"#).unwrap();
    let e = rt.instantiate(&m, ModuleConfig::new()).err().unwrap();
    let expected = ExternType::Func(func_ty(&[ValType::I64], &[]));
    let actual = ExternType::Func(func_ty(&[ValType::I32], &[]));
    assert_eq!(
        e,
        InstantiationError::Link(LinkError::IncompatibleImportType {
            module: "env".into(),
            name: "log".into(),
            expected: expected.clone(),
            actual: actual.clone(),
        })
    );
    let text = e.to_string();
    for part in ["env", "log", &expected.to_string(), &actual.to_string()] {
        assert!(text.contains(part), "{text:?} lacks {part:?}");
    }
    assert!(std::error::Error::source(&e).is_some());
}

#[test]
fn link_error_for_a_mismatched_kind_and_limits() {
    let rt = new_runtime();
    HostModuleBuilder::new("env")
        .global("g", Val::I32(1), false)
        .memory("mem", MemoryType::new(1, None))
        .instantiate(&rt)
        .unwrap();
    // A global imported as a function.
    let m = rt.compile(r#"(module (import "env" "g" (func)))"#).unwrap();
    match rt.instantiate(&m, ModuleConfig::new()).err().unwrap() {
        InstantiationError::Link(LinkError::IncompatibleImportType { name, actual, .. }) => {
            assert_eq!(name, "g");
            assert_eq!(actual, ExternType::Global(GlobalType { content: ValType::I32, mutable: false }));
        }
        e => panic!("unexpected {e:?}"),
    }
    // A mutable global imported from an immutable one.
    let m = rt.compile(r#"(module (import "env" "g" (global (mut i32))))"#).unwrap();
    assert!(matches!(
        rt.instantiate(&m, ModuleConfig::new()),
        Err(InstantiationError::Link(LinkError::IncompatibleImportType { .. }))
    ));
    // A memory with a maximum imported from one without.
    let m = rt.compile(r#"(module (import "env" "mem" (memory 1 2)))"#).unwrap();
    match rt.instantiate(&m, ModuleConfig::new()).err().unwrap() {
        InstantiationError::Link(LinkError::IncompatibleImportType { expected, actual, .. }) => {
            assert_eq!(expected, ExternType::Memory(MemoryType::new(1, Some(2))));
            assert_eq!(actual, ExternType::Memory(MemoryType::new(1, None)));
        }
        e => panic!("unexpected {e:?}"),
    }
    // A memory larger than the one provided.
    let m = rt.compile(r#"(module (import "env" "mem" (memory 2)))"#).unwrap();
    assert!(matches!(
        rt.instantiate(&m, ModuleConfig::new()),
        Err(InstantiationError::Link(LinkError::IncompatibleImportType { .. }))
    ));
}

#[test]
fn unknown_import_names_module_field_and_type() {
    let rt = new_runtime();
    HostModuleBuilder::new("env").func("known", || {}).instantiate(&rt).unwrap();
    let m = rt.compile(r#"(module (import "nowhere" "f" (func (result i32))))"#).unwrap();
    assert_eq!(
        rt.instantiate(&m, ModuleConfig::new()).err().unwrap(),
        InstantiationError::Link(LinkError::UnknownImport {
            module: "nowhere".into(),
            name: "f".into(),
            expected: ExternType::Func(func_ty(&[], &[ValType::I32])),
        })
    );
    // A known module without that field.
    let m = rt.compile(r#"(module (import "env" "unknown" (memory 1)))"#).unwrap();
    let e = rt.instantiate(&m, ModuleConfig::new()).err().unwrap();
    assert_eq!(
        e,
        InstantiationError::Link(LinkError::UnknownImport {
            module: "env".into(),
            name: "unknown".into(),
            expected: ExternType::Memory(MemoryType::new(1, None)),
        })
    );
    assert!(e.to_string().contains("env.unknown"), "{e}");
    // A failed instantiation registers nothing under its name.
    assert!(rt.instantiate(&m, ModuleConfig::new().with_name("failed")).is_err());
    assert!(rt.instance("failed").is_none());
}

// ---------------------------------------------------------------------------------------------
// Calls

const NUMBERS: &str = r#"(module
    (func (export "mix") (param i32 i64 f32 f64) (result f64)
        (f64.add
            (f64.add (f64.convert_i32_s (local.get 0)) (f64.convert_i64_s (local.get 1)))
            (f64.add (f64.promote_f32 (local.get 2)) (local.get 3))))
    (func (export "id_f32") (param f32) (result f32) (local.get 0))
    (func (export "id_f64") (param f64) (result f64) (local.get 0))
    (func (export "neg_i64") (param i64) (result i64) (i64.sub (i64.const 0) (local.get 0)))
    (func (export "nothing")))"#;

#[test]
fn call_with_vals() {
    let rt = new_runtime();
    let i = instance(&rt, NUMBERS);
    let mix = i.func("mix").unwrap();
    assert_eq!(mix.ty(), func_ty(&[ValType::I32, ValType::I64, ValType::F32, ValType::F64], &[ValType::F64]));
    let r = mix.call(&[Val::I32(1), Val::I64(2), Val::f32(0.5), Val::f64(0.25)]).unwrap();
    assert_eq!(r, vec![Val::f64(3.75)]);
    assert_eq!(r[0].as_f64(), Some(3.75));
    assert_eq!(i.func("neg_i64").unwrap().call(&[Val::I64(i64::MAX)]).unwrap(), vec![Val::I64(-i64::MAX)]);
    assert_eq!(i.func("nothing").unwrap().call(&[]).unwrap(), vec![]);
}

#[test]
fn nan_payloads_cross_the_boundary_unchanged() {
    let rt = new_runtime();
    let i = instance(&rt, NUMBERS);
    for bits in [0x7fc0_0001u32, 0xffa0_0000, 0x7f80_0001, 0x8000_0000] {
        let r = i.func("id_f32").unwrap().call(&[Val::F32(bits)]).unwrap();
        assert_eq!(r, vec![Val::F32(bits)], "{bits:#x}");
        let t = i.func("id_f32").unwrap().typed::<f32, f32>().unwrap();
        assert_eq!(t.call(f32::from_bits(bits)).unwrap().to_bits(), bits);
    }
    for bits in [0x7ff8_0000_0000_0001u64, 0xfff4_0000_0000_0000, 0x8000_0000_0000_0000] {
        let r = i.func("id_f64").unwrap().call(&[Val::F64(bits)]).unwrap();
        assert_eq!(r, vec![Val::F64(bits)], "{bits:#x}");
    }
}

#[test]
fn typed_calls() {
    let rt = new_runtime();
    let i = instance(&rt, NUMBERS);
    let mix = i.func("mix").unwrap().typed::<(i32, i64, f32, f64), f64>().unwrap();
    assert_eq!(mix.call((-1, 10, 1.5, 2.0)).unwrap(), 12.5);
    let neg = i.func("neg_i64").unwrap().typed::<u64, u64>().unwrap();
    assert_eq!(neg.call(1).unwrap(), u64::MAX);
    let nothing = i.func("nothing").unwrap().typed::<(), ()>().unwrap();
    nothing.call(()).unwrap();
    assert_eq!(nothing.func(), &i.func("nothing").unwrap());
}

#[test]
fn typed_with_the_wrong_signature_is_rejected() {
    let rt = new_runtime();
    let i = instance(&rt, ADD);
    let add = i.func("add").unwrap();
    for result in [
        add.typed::<(i32, i32), i64>().err(),
        add.typed::<i32, i32>().err(),
        add.typed::<(i32, i32, i32), i32>().err(),
        add.typed::<(i64, i32), i32>().err(),
        add.typed::<(i32, i32), ()>().err(),
    ] {
        assert!(matches!(result, Some(ApiError::TypeMismatch(_))), "{result:?}");
    }
}

#[test]
fn wrong_argument_count_or_type_is_a_type_mismatch() {
    let rt = new_runtime();
    let i = instance(&rt, ADD);
    let add = i.func("add").unwrap();
    for args in [
        vec![],
        vec![Val::I32(1)],
        vec![Val::I32(1), Val::I32(2), Val::I32(3)],
        vec![Val::I32(1), Val::I64(2)],
        vec![Val::f32(1.0), Val::I32(2)],
        vec![Val::I32(1), Val::FuncRef(None)],
    ] {
        match add.call(&args) {
            Err(CallError::Api(ApiError::TypeMismatch(m))) => assert!(!m.is_empty()),
            other => panic!("{args:?}: expected a type mismatch, got {other:?}"),
        }
    }
    // The function still works afterwards.
    assert_eq!(add.call(&[Val::I32(1), Val::I32(2)]).unwrap(), vec![Val::I32(3)]);
}

#[test]
fn traps_are_typed_and_carry_the_spec_message() {
    let rt = new_runtime();
    let i = instance(
        &rt,
        r#"(module
            (func (export "unreachable") unreachable)
            (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
            (memory 1)
            (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))"#,
    );
    let e = i.func("unreachable").unwrap().call(&[]).unwrap_err();
    assert_eq!(e, CallError::Trap(Trap::Unreachable));
    assert_eq!(e.to_string(), "unreachable");
    let div = i.func("div").unwrap().typed::<(i32, i32), i32>().unwrap();
    assert_eq!(div.call((1, 0)).unwrap_err(), CallError::Trap(Trap::IntegerDivideByZero));
    assert_eq!(div.call((i32::MIN, -1)).unwrap_err().to_string(), "integer overflow");
    assert_eq!(div.call((7, 2)).unwrap(), 3);
    let load = i.func("load").unwrap().typed::<i32, i32>().unwrap();
    assert_eq!(load.call(65533).unwrap_err(), CallError::Trap(Trap::MemoryOutOfBounds));
    assert_eq!(load.call(65532).unwrap(), 0);
}

#[test]
fn start_function_runs_at_instantiation_and_its_trap_fails_it() {
    let rt = new_runtime();
    let i = instance(
        &rt,
        r#"(module (global $g (export "g") (mut i32) (i32.const 0))
            (func $s (global.set $g (i32.const 9))) (start $s))"#,
    );
    assert_eq!(i.global("g").unwrap().get(), Val::I32(9));
    let m = rt.compile("(module (func $s unreachable) (start $s))").unwrap();
    assert_eq!(
        rt.instantiate(&m, ModuleConfig::new().with_name("s")).err(),
        Some(InstantiationError::Trap(Trap::Unreachable))
    );
    assert!(rt.instance("s").is_none());
}

// ---------------------------------------------------------------------------------------------
// Memory

#[test]
fn memory_read_write_size_grow() {
    let rt = new_runtime();
    let i = instance(
        &rt,
        r#"(module (memory (export "mem") 1 3)
            (data (i32.const 16) "hello")
            (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
            (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    let mem = i.memory("mem").unwrap();
    assert_eq!(mem.size(), 1);
    assert_eq!(mem.data_size(), 65536);
    assert_eq!(mem.ty(), MemoryType::new(1, Some(3)));

    let mut buf = [0u8; 5];
    mem.read(16, &mut buf).unwrap();
    assert_eq!(&buf, b"hello");
    mem.write(100, &[7, 8, 9]).unwrap();
    let load8 = i.func("load8").unwrap().typed::<i32, i32>().unwrap();
    assert_eq!(load8.call(101).unwrap(), 8);

    // Bounds: the last byte is fine, one past it is not, and nothing is written on failure.
    mem.write(65535, &[1]).unwrap();
    assert_eq!(mem.write(65535, &[2, 3]), Err(ApiError::OutOfBounds { offset: 65535, len: 2, size: 65536 }));
    let mut one = [0u8; 1];
    mem.read(65535, &mut one).unwrap();
    assert_eq!(one, [1]);
    let mut two = [0u8; 2];
    assert_eq!(mem.read(65535, &mut two), Err(ApiError::OutOfBounds { offset: 65535, len: 2, size: 65536 }));
    assert_eq!(mem.read(u64::MAX, &mut one), Err(ApiError::OutOfBounds { offset: u64::MAX, len: 1, size: 65536 }));
    assert_eq!(mem.write(u64::MAX - 1, &[0; 4]), Err(ApiError::OutOfBounds { offset: u64::MAX - 1, len: 4, size: 65536 }));
    mem.read(65536, &mut []).unwrap();

    // Growth from the host and from wasm, up to the declared maximum.
    assert_eq!(mem.grow(1), Some(1));
    assert_eq!(mem.size(), 2);
    mem.write(65536 + 10, &[5]).unwrap();
    assert_eq!(load8.call(65536 + 10).unwrap(), 5);
    assert_eq!(i.func("grow").unwrap().call(&[Val::I32(1)]).unwrap(), vec![Val::I32(2)]);
    assert_eq!(mem.size(), 3);
    assert_eq!(mem.grow(1), None);
    assert_eq!(i.func("grow").unwrap().call(&[Val::I32(1)]).unwrap(), vec![Val::I32(-1)]);
    assert_eq!(mem.grow(0), Some(3));
    assert_eq!(mem.data_size(), 3 * 65536);
}

#[test]
fn memory_limit_caps_growth_and_initial_size() {
    let rt = Runtime::with_config(config().with_memory_limit_pages(2));
    assert_eq!(rt.config().memory_limit_pages(), 2);
    let i = instance(&rt, r#"(module (memory (export "mem") 1))"#);
    let mem = i.memory("mem").unwrap();
    assert_eq!(mem.grow(1), Some(1));
    assert_eq!(mem.grow(1), None);
    assert_eq!(mem.size(), 2);
    let m = rt.compile("(module (memory 3))").unwrap();
    assert!(matches!(rt.instantiate(&m, ModuleConfig::new()), Err(InstantiationError::Resource(_))));
}

// ---------------------------------------------------------------------------------------------
// Globals

#[test]
fn globals_get_and_set() {
    let rt = new_runtime();
    let i = instance(
        &rt,
        r#"(module
            (global $m (export "m") (mut i64) (i64.const -5))
            (global (export "c") f32 (f32.const 1.5))
            (func (export "get_m") (result i64) (global.get $m)))"#,
    );
    let m = i.global("m").unwrap();
    assert_eq!(m.ty(), GlobalType { content: ValType::I64, mutable: true });
    assert_eq!(m.get(), Val::I64(-5));
    m.set(Val::I64(1 << 40)).unwrap();
    assert_eq!(m.get(), Val::I64(1 << 40));
    assert_eq!(i.func("get_m").unwrap().call(&[]).unwrap(), vec![Val::I64(1 << 40)]);
    assert!(matches!(m.set(Val::I32(1)), Err(ApiError::TypeMismatch(_))));
    assert_eq!(m.get(), Val::I64(1 << 40));

    let c = i.global("c").unwrap();
    assert_eq!(c.ty(), GlobalType { content: ValType::F32, mutable: false });
    assert_eq!(c.get(), Val::f32(1.5));
    assert!(matches!(c.set(Val::f32(2.0)), Err(ApiError::ImmutableGlobal)));
    assert_eq!(c.get(), Val::f32(1.5));
}

#[test]
fn host_globals_are_imported() {
    let rt = new_runtime();
    let host = HostModuleBuilder::new("host")
        .global("counter", Val::I32(10), true)
        .global("pi", Val::f64(std::f64::consts::PI), false)
        .instantiate(&rt)
        .unwrap();
    let i = instance(
        &rt,
        r#"(module (import "host" "counter" (global $c (mut i32)))
            (import "host" "pi" (global $pi f64))
            (func (export "bump") (result i32)
                (global.set $c (i32.add (global.get $c) (i32.const 1))) (global.get $c))
            (func (export "pi") (result f64) (global.get $pi)))"#,
    );
    assert_eq!(i.func("bump").unwrap().call(&[]).unwrap(), vec![Val::I32(11)]);
    assert_eq!(host.global("counter").unwrap().get(), Val::I32(11));
    host.global("counter").unwrap().set(Val::I32(100)).unwrap();
    assert_eq!(i.func("bump").unwrap().call(&[]).unwrap(), vec![Val::I32(101)]);
    assert_eq!(i.func("pi").unwrap().call(&[]).unwrap(), vec![Val::f64(std::f64::consts::PI)]);
}

// ---------------------------------------------------------------------------------------------
// Tables

#[test]
fn tables_get_and_set() {
    let rt = new_runtime();
    let i = instance(
        &rt,
        r#"(module
            (type $t (func (result i32)))
            (table (export "tab") 3 funcref)
            (func $one (export "one") (result i32) (i32.const 1))
            (func $two (export "two") (result i32) (i32.const 2))
            (elem (i32.const 0) $one)
            (func (export "call") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))"#,
    );
    let tab = i.table("tab").unwrap();
    assert_eq!(tab.size(), 3);
    assert_eq!(tab.ty(), TableType::new(RefType::FUNCREF, 3, None));
    let one = i.func("one").unwrap();
    let two = i.func("two").unwrap();
    assert_eq!(tab.get(0), Some(Val::FuncRef(Some(one.clone()))));
    assert_eq!(tab.get(1), Some(Val::FuncRef(None)));
    assert_eq!(tab.get(3), None);

    let call = i.func("call").unwrap().typed::<i32, i32>().unwrap();
    assert_eq!(call.call(0).unwrap(), 1);
    assert_eq!(call.call(1).unwrap_err(), CallError::Trap(Trap::UninitializedElement));
    assert_eq!(call.call(3).unwrap_err(), CallError::Trap(Trap::UndefinedElement));

    tab.set(1, Val::FuncRef(Some(two.clone()))).unwrap();
    assert_eq!(call.call(1).unwrap(), 2);
    tab.set(0, Val::FuncRef(None)).unwrap();
    assert_eq!(call.call(0).unwrap_err(), CallError::Trap(Trap::UninitializedElement));

    assert_eq!(tab.set(3, Val::FuncRef(Some(one))), Err(ApiError::OutOfBounds { offset: 3, len: 1, size: 3 }));
    assert!(matches!(tab.set(2, Val::I32(0)), Err(ApiError::TypeMismatch(_))));
    // A function of another runtime cannot be stored.
    let other = new_runtime();
    let foreign = instance(&other, ADD).func("add").unwrap();
    assert!(matches!(tab.set(2, Val::FuncRef(Some(foreign))), Err(ApiError::ForeignRuntime)));
    assert_eq!(tab.get(2), Some(Val::FuncRef(None)));
}

#[test]
fn host_function_in_a_table_has_its_type_checked_by_call_indirect() {
    let rt = new_runtime();
    let host = HostModuleBuilder::new("h")
        .func("seven", || 7i32)
        .func("wide", || 7i64)
        .instantiate(&rt)
        .unwrap();
    let i = instance(
        &rt,
        r#"(module (type $t (func (result i32))) (table (export "tab") 1 funcref)
            (func (export "call") (result i32) (call_indirect (type $t) (i32.const 0))))"#,
    );
    let tab = i.table("tab").unwrap();
    let call = i.func("call").unwrap();
    tab.set(0, Val::FuncRef(host.func("seven"))).unwrap();
    assert_eq!(call.call(&[]).unwrap(), vec![Val::I32(7)]);
    tab.set(0, Val::FuncRef(host.func("wide"))).unwrap();
    assert_eq!(call.call(&[]).unwrap_err(), CallError::Trap(Trap::IndirectCallTypeMismatch));
}

// ---------------------------------------------------------------------------------------------
// Host functions

#[test]
fn host_function_reads_and_writes_the_callers_memory() {
    use std::sync::{Arc, Mutex};
    let rt = new_runtime();
    let seen = Arc::new(Mutex::new(String::new()));
    let seen2 = seen.clone();
    HostModuleBuilder::new("env")
        // Reads a string out of the caller's memory.
        .func("print", move |caller: &mut Caller<'_>, ptr: i32, len: i32| -> Result<(), Trap> {
            let mut buf = vec![0; len as u32 as usize];
            caller.read(ptr as u32 as u64, &mut buf)?;
            *seen2.lock().unwrap() = String::from_utf8_lossy(&buf).into_owned();
            Ok(())
        })
        // Writes an uppercase copy into the caller's memory, through the raw slice.
        .func("upcase", |caller: &mut Caller<'_>, ptr: i32, len: i32| -> Result<i32, Trap> {
            let data = caller.memory_data_mut().ok_or(Trap::MemoryOutOfBounds)?;
            let (p, l) = (ptr as usize, len as usize);
            let s = data.get_mut(p..p + l).ok_or(Trap::MemoryOutOfBounds)?;
            s.make_ascii_uppercase();
            Ok(l as i32)
        })
        // Writes through `write`, which bounds-checks.
        .func("poke", |caller: &mut Caller<'_>, ptr: i32| caller.write(ptr as u32 as u64, b"!!"))
        .instantiate(&rt)
        .unwrap();
    let i = instance(
        &rt,
        r#"(module
            (import "env" "print" (func $print (param i32 i32)))
            (import "env" "upcase" (func $upcase (param i32 i32) (result i32)))
            (import "env" "poke" (func $poke (param i32)))
            (memory (export "memory") 1)
            (data (i32.const 0) "hello, world")
            (func (export "run") (result i32)
                (drop (call $upcase (i32.const 0) (i32.const 5)))
                (call $poke (i32.const 10))
                (call $print (i32.const 0) (i32.const 12))
                (i32.load8_u (i32.const 1)))
            (func (export "print_oob") (call $print (i32.const 65530) (i32.const 10)))
            (func (export "poke_oob") (call $poke (i32.const 65535))))"#,
    );
    assert_eq!(i.func("run").unwrap().call(&[]).unwrap(), vec![Val::I32(b'E' as i32)]);
    assert_eq!(*seen.lock().unwrap(), "HELLO, wor!!");
    assert_eq!(i.func("print_oob").unwrap().call(&[]).unwrap_err(), CallError::Trap(Trap::MemoryOutOfBounds));
    assert_eq!(i.func("poke_oob").unwrap().call(&[]).unwrap_err(), CallError::Trap(Trap::MemoryOutOfBounds));
    let mut last = [0u8; 1];
    i.memory("memory").unwrap().read(65535, &mut last).unwrap();
    assert_eq!(last, [0], "a failed write must not write anything");
}

#[test]
fn host_function_error_propagates_to_the_caller() {
    let rt = new_runtime();
    HostModuleBuilder::new("env")
        .func("check", |x: i32| -> Result<i32, Trap> {
            if x < 0 {
                Err(Trap::host(format!("negative input {x}")))
            } else {
                Ok(x + 1)
            }
        })
        .instantiate(&rt)
        .unwrap();
    let i = instance(
        &rt,
        r#"(module (import "env" "check" (func $check (param i32) (result i32)))
            (global $after (export "after") (mut i32) (i32.const 0))
            (func (export "run") (param i32) (result i32)
                (call $check (local.get 0))
                (global.set $after (i32.const 1))))"#,
    );
    let run = i.func("run").unwrap().typed::<i32, i32>().unwrap();
    assert_eq!(run.call(1).unwrap(), 2);
    assert_eq!(i.global("after").unwrap().get(), Val::I32(1));
    i.global("after").unwrap().set(Val::I32(0)).unwrap();
    let e = run.call(-3).unwrap_err();
    assert_eq!(e, CallError::Trap(Trap::Host("negative input -3".into())));
    assert_eq!(e.to_string(), "host function failed: negative input -3");
    assert_eq!(i.global("after").unwrap().get(), Val::I32(0), "wasm code after the failed call ran");
}

#[test]
fn host_function_calls_back_into_wasm_through_the_caller() {
    let rt = new_runtime();
    HostModuleBuilder::new("env")
        .func("twice", |caller: &mut Caller<'_>, x: i32| -> Result<i32, Trap> {
            let Some(Extern::Func(inc)) = caller.export("inc") else {
                return Err(Trap::Host("no export inc".into()));
            };
            let once = caller.call(&inc, &[Val::I32(x)])?;
            let twice = caller.call(&inc, &once)?;
            Ok(twice[0].i32().unwrap())
        })
        .instantiate(&rt)
        .unwrap();
    let i = instance(
        &rt,
        r#"(module (import "env" "twice" (func $twice (param i32) (result i32)))
            (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
            (func (export "run") (param i32) (result i32) (call $twice (local.get 0))))"#,
    );
    assert_eq!(i.func("run").unwrap().call(&[Val::I32(40)]).unwrap(), vec![Val::I32(42)]);
}

#[test]
fn host_function_called_directly_from_the_host() {
    let rt = new_runtime();
    let host = HostModuleBuilder::new("env")
        .func("add", |a: i64, b: i64| a.wrapping_add(b))
        .func("no_memory", |caller: &mut Caller<'_>| -> Result<(), Trap> {
            // Called from the host, there is no calling instance and so no memory.
            assert!(caller.memory_data().is_none());
            assert!(caller.export("anything").is_none());
            caller.write(0, &[1])
        })
        .instantiate(&rt)
        .unwrap();
    let add = host.func("add").unwrap();
    assert_eq!(add.ty(), func_ty(&[ValType::I64, ValType::I64], &[ValType::I64]));
    assert_eq!(add.call(&[Val::I64(i64::MAX), Val::I64(1)]).unwrap(), vec![Val::I64(i64::MIN)]);
    assert_eq!(add.typed::<(i64, i64), i64>().unwrap().call((2, 3)).unwrap(), 5);
    assert!(matches!(add.call(&[Val::I64(1)]), Err(CallError::Api(ApiError::TypeMismatch(_)))));
    assert_eq!(host.func("no_memory").unwrap().call(&[]).unwrap_err(), CallError::Trap(Trap::MemoryOutOfBounds));
}

#[test]
fn dynamic_host_function_with_a_wrong_result_type_traps() {
    let rt = new_runtime();
    HostModuleBuilder::new("env")
        .func_dynamic("good", func_ty(&[ValType::I32], &[ValType::I32]), |_, args, results| {
            results[0] = Val::I32(args[0].i32().unwrap() * 3);
            Ok(())
        })
        .func_dynamic("bad", func_ty(&[], &[ValType::I32]), |_, _, results| {
            results[0] = Val::I64(1);
            Ok(())
        })
        .instantiate(&rt)
        .unwrap();
    let i = instance(
        &rt,
        r#"(module (import "env" "good" (func $good (param i32) (result i32)))
            (import "env" "bad" (func $bad (result i32)))
            (func (export "good") (result i32) (call $good (i32.const 5)))
            (func (export "bad") (result i32) (call $bad)))"#,
    );
    assert_eq!(i.func("good").unwrap().call(&[]).unwrap(), vec![Val::I32(15)]);
    assert!(matches!(i.func("bad").unwrap().call(&[]), Err(CallError::Trap(Trap::Host(_)))));
}

#[test]
fn reentering_the_runtime_from_a_host_function_is_an_error_not_a_deadlock() {
    use std::sync::{Arc, Mutex, OnceLock};
    let rt = new_runtime();
    let target: Arc<OnceLock<Func>> = Arc::new(OnceLock::new());
    let seen: Arc<Mutex<Option<Result<Vec<Val>, CallError>>>> = Arc::default();
    let (t, s) = (target.clone(), seen.clone());
    HostModuleBuilder::new("env")
        .func("reenter", move || {
            *s.lock().unwrap() = Some(t.get().unwrap().call(&[]));
        })
        .instantiate(&rt)
        .unwrap();
    let i = instance(
        &rt,
        r#"(module (import "env" "reenter" (func $r)) (func (export "f")) (func (export "run") (call $r)))"#,
    );
    target.set(i.func("f").unwrap()).unwrap();
    assert_eq!(i.func("run").unwrap().call(&[]), Ok(vec![]));
    let got = seen.lock().unwrap().take();
    match got {
        Some(Err(CallError::Api(ApiError::Reentered))) => {}
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn runtime_is_usable_after_a_host_function_panicked() {
    let rt = new_runtime();
    let host = HostModuleBuilder::new("env")
        .func("boom", || -> i32 { panic!("host bug") })
        .func("ok", || 1i32)
        .instantiate(&rt)
        .unwrap();
    let boom = host.func("boom").unwrap();
    assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| boom.call(&[]))).is_err());
    assert_eq!(host.func("ok").unwrap().call(&[]).unwrap(), vec![Val::I32(1)]);
}

#[test]
fn handles_work_from_other_threads() {
    let rt = new_runtime();
    let i = instance(&rt, ADD);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let add = i.func("add").unwrap();
            std::thread::spawn(move || {
                (0..100).map(|k| add.call(&[Val::I32(t), Val::I32(k)]).unwrap()[0].i32().unwrap()).sum::<i32>()
            })
        })
        .collect();
    let sums: Vec<i32> = threads.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(sums, (0..4).map(|t| 100 * t + 4950).collect::<Vec<_>>());
}

#[test]
fn a_trap_leaves_a_backtrace_with_names_across_instances() {
    let rt = new_runtime();
    // No name section module name: the registered name stands in.
    let lib = rt
        .compile(r#"(module (func $boom (export "boom") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0))))"#)
        .unwrap();
    rt.instantiate(&lib, ModuleConfig::new().with_name("lib")).unwrap();
    let app = instance(
        &rt,
        r#"(module $app
             (import "lib" "boom" (func $boom (param i32) (result i32)))
             (func $middle (param i32) (result i32) (call $boom (local.get 0)))
             (func (export "run") (param i32) (result i32) (call $middle (local.get 0))))"#,
    );
    let run = app.func("run").unwrap();
    assert_eq!(run.call(&[Val::I32(0)]), Err(CallError::Trap(Trap::IntegerDivideByZero)));
    let bt = WasmBacktrace::last().expect("a backtrace");
    assert_eq!(bt.trap(), Some(&Trap::IntegerDivideByZero));
    let shown: Vec<String> = bt.frames().iter().map(|f| f.to_string()).collect();
    assert_eq!(shown, ["lib!boom", "app!middle", "app!<wasm function 2>"]);
    assert_eq!(bt.frames()[2].func_index, 2);
    assert_eq!(bt.to_string(), "  0: lib!boom\n  1: app!middle\n  2: app!<wasm function 2>\n");
    // A successful call leaves the last backtrace alone; a typed call that traps replaces it.
    assert_eq!(run.call(&[Val::I32(1)]), Ok(vec![Val::I32(1)]));
    assert_eq!(WasmBacktrace::last().unwrap(), bt);
    let typed = run.typed::<i32, i32>().unwrap();
    assert_eq!(typed.call(0), Err(CallError::Trap(Trap::IntegerDivideByZero)));
    assert_eq!(WasmBacktrace::last().unwrap().frames().len(), 3);
}

#[test]
fn a_trap_in_a_host_function_shows_the_wasm_frames_that_called_it() {
    let rt = new_runtime();
    HostModuleBuilder::new("env")
        .func("fail", || -> Result<(), Trap> { Err(Trap::Host("nope".into())) })
        .instantiate(&rt)
        .unwrap();
    let i = instance(
        &rt,
        r#"(module (import "env" "fail" (func $fail))
             (func $a (call $fail)) (func $b (export "b") (call $a)))"#,
    );
    assert!(matches!(i.func("b").unwrap().call(&[]), Err(CallError::Trap(Trap::Host(_)))));
    let names: Vec<_> = WasmBacktrace::last().unwrap().frames().iter().map(|f| f.func_name.clone().unwrap()).collect();
    assert_eq!(names, ["a", "b"]);
}

// ---------------------------------------------------------------------------------------------
// Instances and names

/// A module with its own state: a memory, a mutable global and a counter function.
const COUNTER: &str = r#"(module
    (memory (export "memory") 1)
    (global $n (export "n") (mut i32) (i32.const 0))
    (func (export "bump") (result i32)
        (global.set $n (i32.add (global.get $n) (i32.const 1)))
        (i32.store (i32.const 0) (global.get $n))
        (global.get $n)))"#;

#[test]
fn instances_of_one_module_have_their_own_state_and_names() {
    let rt = new_runtime();
    let m = rt.compile(COUNTER).unwrap();
    let names = ["a", "b", "c"];
    let instances: Vec<Instance> =
        names.iter().map(|n| rt.instantiate(&m, ModuleConfig::new().with_name(*n)).unwrap()).collect();
    for (k, i) in instances.iter().enumerate() {
        let bump = i.typed_func::<(), i32>("bump").unwrap();
        for _ in 0..=k {
            bump.call(()).unwrap();
        }
    }
    for (k, n) in names.iter().enumerate() {
        let i = rt.instance(n).unwrap();
        assert_eq!(i.global("n").unwrap().get(), Val::I32(k as i32 + 1), "{n}");
        let mut word = [0u8; 4];
        i.memory("memory").unwrap().read(0, &mut word).unwrap();
        assert_eq!(i32::from_le_bytes(word), k as i32 + 1, "{n}");
    }
    // A later module imports from the one named "b".
    let reader = instance(
        &rt,
        r#"(module (import "b" "n" (global $n (mut i32))) (func (export "n") (result i32) (global.get $n)))"#,
    );
    assert_eq!(reader.func("n").unwrap().call(&[]).unwrap(), vec![Val::I32(2)]);
}

/// A guest importing from "env", as compiled against an older host.
const USES_ENV: &str = r#"(module
    (import "env" "scale" (func $scale (param i32) (result i32)))
    (func (export "run") (param i32) (result i32) (call $scale (local.get 0))))"#;

#[test]
fn with_import_module_resolves_a_module_under_another_name() {
    let rt = new_runtime();
    HostModuleBuilder::new("env_v2").func("scale", |x: i32| x * 100).instantiate(&rt).unwrap();
    HostModuleBuilder::new("other").func("triple", |x: i32| x * 3).instantiate(&rt).unwrap();
    let m = rt.compile(USES_ENV).unwrap();
    // Without the renaming, "env" does not exist.
    assert_eq!(
        rt.instantiate(&m, ModuleConfig::new()).err(),
        Some(InstantiationError::Link(LinkError::UnknownImport {
            module: "env".into(),
            name: "scale".into(),
            expected: ExternType::Func(func_ty(&[ValType::I32], &[ValType::I32])),
        }))
    );
    let i = rt.instantiate(&m, ModuleConfig::new().with_import_module("env", "env_v2")).unwrap();
    assert_eq!(i.typed_func::<i32, i32>("run").unwrap().call(4).unwrap(), 400);
    // A single import renamed, module and name; it wins over the module renaming.
    let config = ModuleConfig::new().with_import_module("env", "env_v2").with_import("env", "scale", "other", "triple");
    let i = rt.instantiate(&m, config).unwrap();
    assert_eq!(i.typed_func::<i32, i32>("run").unwrap().call(4).unwrap(), 12);
    // A renaming to a module without the field names what was looked up.
    match rt.instantiate(&m, ModuleConfig::new().with_import_module("env", "other")).err() {
        Some(InstantiationError::Link(LinkError::UnknownImport { module, name, .. })) => {
            assert_eq!((module.as_str(), name.as_str()), ("other", "scale"));
        }
        e => panic!("unexpected {e:?}"),
    }
}

/// Records the order its exported start functions ran in: `log = log * 10 + k`.
const STARTS: &str = r#"(module
    (global $log (export "log") (mut i32) (i32.const 0))
    (func $note (param i32) (global.set $log (i32.add (i32.mul (global.get $log) (i32.const 10)) (local.get 0))))
    (func $section (call $note (i32.const 1)))
    (start $section)
    (func (export "_initialize") (call $note (i32.const 2)))
    (func (export "_start") (call $note (i32.const 3)))
    (func (export "trap") unreachable)
    (func (export "takes_arg") (param i32))
    (global (export "not_a_func") i32 (i32.const 0)))"#;

#[test]
fn start_functions_are_configurable() {
    let rt = new_runtime();
    let m = rt.compile(STARTS).unwrap();
    let log = |config: ModuleConfig| {
        let i = rt.instantiate(&m, config).unwrap();
        i.global("log").unwrap().get()
    };
    // The start section always runs; exported start functions only when asked for.
    assert_eq!(log(ModuleConfig::new()), Val::I32(1));
    assert_eq!(log(ModuleConfig::new().with_start_functions(&[])), Val::I32(1));
    assert_eq!(log(ModuleConfig::new().with_start_functions(&["_initialize"])), Val::I32(12));
    assert_eq!(log(ModuleConfig::new().with_start_functions(&["_start"])), Val::I32(13));
    assert_eq!(log(ModuleConfig::new().with_start_functions(&["_start", "_initialize"])), Val::I32(132));
    // Names the module does not export are skipped.
    assert_eq!(log(ModuleConfig::new().with_start_functions(&["missing", "_initialize"])), Val::I32(12));

    // A trap fails instantiation; the instance is not registered (its name stays free).
    let config = ModuleConfig::new().with_name("s").with_start_functions(&["_initialize", "trap"]);
    assert_eq!(rt.instantiate(&m, config).err(), Some(InstantiationError::Trap(Trap::Unreachable)));
    assert!(rt.instance("s").is_none());
    for bad in ["takes_arg", "not_a_func"] {
        match rt.instantiate(&m, ModuleConfig::new().with_name("s").with_start_functions(&[bad])).err() {
            Some(InstantiationError::InvalidStartFunction(msg)) => assert!(msg.contains(bad), "{msg}"),
            e => panic!("{bad}: unexpected {e:?}"),
        }
    }
    rt.instantiate(&m, ModuleConfig::new().with_name("s")).unwrap();
}

#[test]
fn a_start_function_asking_to_exit_fails_instantiation_with_its_status() {
    let rt = new_runtime();
    HostModuleBuilder::new("env").func("exit", |code: i32| -> Result<(), Trap> { Err(Trap::Exit(code)) }).instantiate(&rt).unwrap();
    let m = rt
        .compile(r#"(module (import "env" "exit" (func $exit (param i32))) (memory 1)
            (func (export "_start") (call $exit (i32.const 3)) unreachable))"#)
        .unwrap();
    let e = rt.instantiate(&m, ModuleConfig::new().with_start_functions(&["_start"])).unwrap_err();
    assert_eq!(e, InstantiationError::Trap(Trap::Exit(3)));
    // The failed instance was closed and its memory freed.
    assert_eq!(rt.stats().memory_bytes, 0);
}

// ---------------------------------------------------------------------------------------------
// Closing

#[test]
fn closing_an_instance_frees_its_memory_and_code() {
    let rt = new_runtime();
    let m = rt.compile(r#"(module (memory (export "memory") 2) (table 10 funcref) (func (export "f")))"#).unwrap();
    let i = rt.instantiate(&m, ModuleConfig::new().with_name("x")).unwrap();
    let stats = rt.stats();
    assert_eq!((stats.open_instances, stats.memory_bytes, stats.table_elements), (1, 2 * 65536, 10));
    assert_eq!(stats.compiled_modules, 1);
    i.close();
    let stats = rt.stats();
    assert_eq!(
        stats,
        RuntimeStats {
            open_instances: 0,
            closed_instances: 0,
            freed_instances: 1,
            memory_bytes: 0,
            table_elements: 0,
            compiled_modules: 1, // `m` still holds it
        }
    );
    drop(m);
    assert_eq!(rt.stats().compiled_modules, 0);

    // The code lives while an instance does, even without the CompiledModule.
    let m = rt.compile(r#"(module (func (export "f") (result i32) (i32.const 5)))"#).unwrap();
    let i = rt.instantiate(&m, ModuleConfig::new()).unwrap();
    drop(m);
    assert_eq!(rt.stats().compiled_modules, 1);
    assert_eq!(i.func("f").unwrap().call(&[]).unwrap(), vec![Val::I32(5)]);
    i.close();
    assert_eq!(rt.stats().compiled_modules, 0);
}

#[test]
fn a_closed_instance_gives_typed_errors() {
    let rt = new_runtime();
    let m = rt.compile(COUNTER).unwrap();
    let i = rt.instantiate(&m, ModuleConfig::new().with_name("counter")).unwrap();
    let t = instance(&rt, r#"(module (table (export "t") 1 funcref) (global (export "g") (mut funcref) (ref.null func)))"#);
    let bump = i.func("bump").unwrap();
    let typed = bump.typed::<(), i32>().unwrap();
    let memory = i.memory("memory").unwrap();
    let n = i.global("n").unwrap();
    typed.call(()).unwrap();
    assert!(!i.is_closed());

    i.close();
    i.close(); // idempotent
    assert!(i.is_closed());
    assert_eq!(bump.call(&[]), Err(CallError::Api(ApiError::InstanceClosed)));
    assert_eq!(typed.call(()), Err(CallError::Api(ApiError::InstanceClosed)));
    assert_eq!(memory.read(0, &mut [0; 4]), Err(ApiError::InstanceClosed));
    assert_eq!(memory.write(0, &[1]), Err(ApiError::InstanceClosed));
    assert_eq!((memory.size(), memory.data_size(), memory.grow(1)), (0, 0, None));
    assert_eq!(n.set(Val::I32(5)), Err(ApiError::InstanceClosed));
    assert_eq!(n.get(), Val::I32(1), "a global keeps its last value");
    assert_eq!(i.get_export("bump").err(), Some(ExportError::Closed));
    assert!(i.export("bump").is_none());
    assert!(i.exports().is_empty());
    assert_eq!(i.typed_func::<(), i32>("bump").err(), Some(ExportError::Closed));
    assert_eq!(rt.register("again", &i), Err(InstantiationError::Api(ApiError::InstanceClosed)));
    // Its functions cannot be handed back to wasm.
    let table = t.table("t").unwrap();
    assert_eq!(table.set(0, Val::FuncRef(Some(bump.clone()))), Err(ApiError::InstanceClosed));
    assert_eq!(t.global("g").unwrap().set(Val::FuncRef(Some(bump.clone()))), Err(ApiError::InstanceClosed));
    // Its name is free again.
    assert!(rt.instance("counter").is_none());
    let again = rt.instantiate(&m, ModuleConfig::new().with_name("counter")).unwrap();
    assert_eq!(again.typed_func::<(), i32>("bump").unwrap().call(()).unwrap(), 1);
    // Closing a host module works the same way.
    let host = HostModuleBuilder::new("h").func("one", || 1i32).instantiate(&rt).unwrap();
    let one = host.func("one").unwrap();
    host.close();
    assert_eq!(one.call(&[]), Err(CallError::Api(ApiError::InstanceClosed)));
    assert!(rt.instance("h").is_none());
}

#[test]
fn a_closed_instance_is_kept_while_an_open_one_imports_from_it() {
    let rt = new_runtime();
    let provider = rt.compile(PROVIDER).unwrap();
    let p = rt.instantiate(&provider, ModuleConfig::new().with_name("provider")).unwrap();
    let c = instance(&rt, CONSUMER);
    let run = c.typed_func::<i32, i32>("run").unwrap();
    assert_eq!(run.call(5).unwrap(), 10 + 100 + 42);
    p.close();
    let stats = rt.stats();
    assert_eq!((stats.open_instances, stats.closed_instances, stats.memory_bytes), (1, 1, 65536));
    // The consumer still runs against the provider's function, global and memory ...
    assert_eq!(run.call(5).unwrap(), 10 + 100 + 42);
    // ... but the provider's own handles are closed.
    assert_eq!(p.func("double"), None);
    c.close();
    let stats = rt.stats();
    assert_eq!((stats.open_instances, stats.closed_instances, stats.freed_instances), (0, 0, 2));
    assert_eq!(stats.memory_bytes, 0);
}

#[test]
fn a_funcref_in_an_open_table_keeps_its_instance() {
    let rt = new_runtime();
    let a = instance(&rt, r#"(module (memory 1) (func (export "f") (result i32) (i32.store (i32.const 0) (i32.const 7)) (i32.load (i32.const 0))))"#);
    let b = instance(
        &rt,
        r#"(module (type $t (func (result i32))) (table (export "t") 1 funcref)
            (func (export "call") (result i32) (call_indirect (type $t) (i32.const 0))))"#,
    );
    b.table("t").unwrap().set(0, Val::FuncRef(a.func("f"))).unwrap();
    let call = b.typed_func::<(), i32>("call").unwrap();
    a.close();
    assert_eq!(rt.stats().closed_instances, 1);
    assert_eq!(call.call(()).unwrap(), 7, "wasm still reaches the closed instance's function");
    // Once the reference is gone, the next collection (any close) frees it.
    b.table("t").unwrap().set(0, Val::FuncRef(None)).unwrap();
    instance(&rt, "(module)").close();
    let stats = rt.stats();
    assert_eq!((stats.closed_instances, stats.memory_bytes), (0, 0));
    assert_eq!(call.call(()), Err(CallError::Trap(Trap::UninitializedElement)));
}

#[test]
fn closing_the_runtime_frees_everything_and_refuses_new_work() {
    let rt = new_runtime();
    let host = HostModuleBuilder::new("env").func("f", || {}).memory("mem", MemoryType::new(1, None)).instantiate(&rt).unwrap();
    let m = rt.compile(COUNTER).unwrap();
    let i = rt.instantiate(&m, ModuleConfig::new().with_name("c")).unwrap();
    assert!(rt.stats().memory_bytes >= 2 * 65536);
    rt.close();
    rt.close();
    assert!(rt.is_closed());
    let stats = rt.stats();
    assert_eq!((stats.open_instances, stats.closed_instances, stats.freed_instances), (0, 0, 2));
    assert_eq!((stats.memory_bytes, stats.compiled_modules), (0, 1));
    drop(m);
    assert_eq!(rt.stats().compiled_modules, 0);
    assert!(i.is_closed() && host.is_closed());
    assert_eq!(i.func("bump"), None);
    assert_eq!(host.memory("mem").map(|m| m.size()), None);
    assert!(rt.instance("c").is_none());
    assert!(rt.compile(COUNTER).is_err());
    assert_eq!(HostModuleBuilder::new("x").instantiate(&rt).err(), Some(InstantiationError::RuntimeClosed));
}

#[test]
fn a_failed_instantiation_is_freed() {
    let rt = new_runtime();
    let m = rt.compile("(module (memory 4) (func $s unreachable) (start $s))").unwrap();
    assert!(rt.instantiate(&m, ModuleConfig::new()).is_err());
    let stats = rt.stats();
    assert_eq!((stats.open_instances, stats.freed_instances, stats.memory_bytes), (0, 1, 0));
}

// ---------------------------------------------------------------------------------------------
// Host functions of every value type

#[test]
fn host_closures_take_and_return_every_value_type() {
    let rt = new_runtime();
    let host = HostModuleBuilder::new("env")
        .func(
            "id",
            |a: i32, b: i64, c: f32, d: f64, v: u128, f: Option<Func>, e: Option<ExternRef>| (a, b, c, d, v, f, e),
        )
        // With the Caller first: the calling instance's exports are reachable.
        .func("swap", |caller: &mut Caller<'_>, v: u128, r: Option<ExternRef>| -> Result<(Option<ExternRef>, u128), Trap> {
            assert!(matches!(caller.export("memory"), Some(Extern::Memory(_))));
            Ok((r, v.rotate_left(64)))
        })
        .instantiate(&rt)
        .unwrap();
    let i = instance(
        &rt,
        r#"(module
            (type $all (func (param i32 i64 f32 f64 v128 funcref externref)
                             (result i32 i64 f32 f64 v128 funcref externref)))
            (import "env" "id" (func $id (type $all)))
            (import "env" "swap" (func $swap (param v128 externref) (result externref v128)))
            (memory (export "memory") 1)
            (func $me (export "me") (result i32) (i32.const 99))
            (elem declare func $me)
            (func (export "through") (type $all)
                (call $id (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
                          (local.get 5) (local.get 6)))
            (func (export "me_through") (result funcref) (local $v v128) (local $f funcref)
                (call $id (i32.const 0) (i64.const 0) (f32.const 0) (f64.const 0) (local.get $v)
                    (ref.func $me) (ref.null extern))
                drop (local.set $f) drop drop drop drop drop
                (local.get $f))
            (func (export "swap") (param v128 externref) (result externref v128)
                (call $swap (local.get 0) (local.get 1))))"#,
    );
    let data = ExternRef::new(String::from("host data"));
    let me = i.func("me").unwrap();
    let v = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210u128;
    let through = i
        .typed_func::<(i32, i64, f32, f64, u128, Option<Func>, Option<ExternRef>), (i32, i64, f32, f64, u128, Option<Func>, Option<ExternRef>)>("through")
        .unwrap();
    let (a, b, c, d, v2, f, e) = through.call((-7, i64::MIN, 1.5, -0.25, v, Some(me.clone()), Some(data.clone()))).unwrap();
    assert_eq!((a, b, c, d, v2), (-7, i64::MIN, 1.5, -0.25, v));
    assert_eq!(f.as_ref(), Some(&me));
    assert_eq!(f.unwrap().call(&[]).unwrap(), vec![Val::I32(99)]);
    assert_eq!(e.as_ref().and_then(|e| e.downcast_ref::<String>()).map(String::as_str), Some("host data"));
    let (_, _, _, _, _, f, e) = through.call((0, 0, 0.0, 0.0, 0, None, None)).unwrap();
    assert!(f.is_none() && e.is_none());
    // Dynamic calls carry the same values.
    let r = i
        .func("through")
        .unwrap()
        .call(&[Val::I32(1), Val::I64(2), Val::f32(3.0), Val::f64(4.0), Val::V128(v), Val::FuncRef(None), Val::ExternRef(Some(data.clone()))])
        .unwrap();
    assert_eq!(r[4], Val::V128(v));
    assert_eq!(r[6], Val::ExternRef(Some(data.clone())));
    // A funcref made inside wasm comes back as a callable Func.
    let made = i.typed_func::<(), Option<Func>>("me_through").unwrap().call(()).unwrap().unwrap();
    assert_eq!(made.call(&[]).unwrap(), vec![Val::I32(99)]);
    let swap = i.typed_func::<(u128, Option<ExternRef>), (Option<ExternRef>, u128)>("swap").unwrap();
    let (r, w) = swap.call((v, Some(data.clone()))).unwrap();
    assert_eq!((r, w), (Some(data), v.rotate_left(64)));
    // Called directly from the host, without wasm in between.
    let id = host.func("id").unwrap();
    assert_eq!(id.ty().params(), &[ValType::I32, ValType::I64, ValType::F32, ValType::F64, ValType::V128, ValType::FUNCREF, ValType::EXTERNREF]);
}

#[test]
fn a_funcref_of_another_runtime_is_invalid_arguments_in_a_typed_call() {
    let rt = new_runtime();
    let i = instance(&rt, r#"(module (func (export "id") (param funcref) (result funcref) (local.get 0)))"#);
    let id = i.typed_func::<Option<Func>, Option<Func>>("id").unwrap();
    let other = new_runtime();
    let foreign = instance(&other, ADD).func("add");
    assert!(matches!(id.call(foreign), Err(CallError::Api(ApiError::ForeignRuntime))));
    assert_eq!(id.call(None).unwrap(), None);
}

#[test]
fn a_host_function_requests_exit() {
    let rt = new_runtime();
    HostModuleBuilder::new("env")
        .func("exit", |code: i32| -> Result<(), Trap> { Err(Trap::Exit(code)) })
        .instantiate(&rt)
        .unwrap();
    let i = instance(
        &rt,
        r#"(module (import "env" "exit" (func $exit (param i32)))
            (global $after (export "after") (mut i32) (i32.const 0))
            (func (export "run") (call $exit (i32.const 42)) (global.set $after (i32.const 1))))"#,
    );
    let e = i.func("run").unwrap().call(&[]).unwrap_err();
    assert_eq!(e.trap().and_then(Trap::exit_code), Some(42));
    assert_eq!(e.to_string(), "exit status 42");
    assert_eq!(i.global("after").unwrap().get(), Val::I32(0));
}

// ---------------------------------------------------------------------------------------------
// Bad input: lookups

#[test]
fn export_lookups_give_typed_errors() {
    let rt = new_runtime();
    let i = instance(&rt, r#"(module (memory (export "mem") 1) (func (export "f") (param i32)))"#);
    assert_eq!(i.get_export("nope").err(), Some(ExportError::NotFound("nope".into())));
    assert_eq!(
        i.typed_func::<(), ()>("mem").err(),
        Some(ExportError::WrongKind { name: "mem".into(), expected: "func", actual: "memory" })
    );
    let e = i.typed_func::<i64, ()>("f").unwrap_err();
    assert_eq!(
        e,
        ExportError::TypeMismatch {
            name: "f".into(),
            expected: func_ty(&[ValType::I64], &[]),
            actual: func_ty(&[ValType::I32], &[])
        }
    );
    assert!(e.to_string().contains("(param i32)"), "{e}");
    assert_eq!(i.typed_func::<i32, ()>("f").unwrap().call(1), Ok(()));
}

// ---------------------------------------------------------------------------------------------
// Threads

#[test]
fn api_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Runtime>();
    check::<CompiledModule>();
    check::<CompilationCache>();
    check::<Instance>();
    check::<Func>();
    check::<TypedFunc<(i32, u128), Option<ExternRef>>>();
    check::<Memory>();
    check::<Global>();
    check::<Table>();
    check::<Val>();
    check::<ExternRef>();
}

#[test]
fn eight_threads_instantiate_and_call_a_thousand_times_each() {
    let rt = new_runtime();
    HostModuleBuilder::new("env").func("offset", |x: i32| x + 1000).instantiate(&rt).unwrap();
    let m = rt
        .compile(
            r#"(module (import "env" "offset" (func $off (param i32) (result i32)))
                (memory (export "memory") 1)
                (func (export "run") (param i32) (result i32)
                    (i32.store (i32.const 8) (call $off (local.get 0)))
                    (i32.load (i32.const 8))))"#,
        )
        .unwrap();
    std::thread::scope(|s| {
        for t in 0..8 {
            let (rt, m) = (&rt, &m);
            s.spawn(move || {
                for k in 0..1000 {
                    let name = format!("t{t}-{k}");
                    let i = rt.instantiate(m, ModuleConfig::new().with_name(&name)).unwrap();
                    let run = i.typed_func::<i32, i32>("run").unwrap();
                    assert_eq!(run.call(t * 10_000 + k).unwrap(), t * 10_000 + k + 1000);
                    assert!(rt.instance(&name).is_some());
                    i.close();
                }
            });
        }
    });
    let stats = rt.stats();
    assert_eq!((stats.open_instances, stats.freed_instances, stats.memory_bytes), (1, 8000, 0));
}

// ---------------------------------------------------------------------------------------------
// Bad input: every misuse of the API, in one place

#[test]
fn every_api_misuse_is_a_typed_error() {
    let rt = new_runtime();
    let other = new_runtime();
    // A host function that misuses its Caller: wrong arguments, memory out of range.
    HostModuleBuilder::new("env")
        .func("misuse", |caller: &mut Caller<'_>| -> Result<i32, Trap> {
            let Some(Extern::Func(add)) = caller.export("add") else { return Err(Trap::Host("no add".into())) };
            let wrong = caller.call(&add, &[Val::I64(1)]);
            assert!(matches!(wrong, Err(CallError::Api(ApiError::TypeMismatch(_)))), "{wrong:?}");
            assert_eq!(caller.read(u64::MAX, &mut [0]), Err(Trap::MemoryOutOfBounds));
            assert_eq!(caller.write(65536, &[0]), Err(Trap::MemoryOutOfBounds));
            Ok(1)
        })
        .instantiate(&rt)
        .unwrap();
    let m = rt
        .compile(
            r#"(module (import "env" "misuse" (func $misuse (result i32)))
                (memory (export "memory") 1)
                (global (export "const") i32 (i32.const 1))
                (table (export "table") 1 funcref)
                (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
                (func (export "misuse") (result i32) (call $misuse)))"#,
        )
        .unwrap();
    let i = rt.instantiate(&m, ModuleConfig::new().with_name("i")).unwrap();
    let add = i.func("add").unwrap();

    // Calls: wrong count, wrong types, a reference of another runtime, a wrong typed view.
    assert!(matches!(add.call(&[Val::I32(1)]), Err(CallError::Api(ApiError::TypeMismatch(_)))));
    assert!(matches!(add.call(&[Val::I32(1), Val::f64(2.0)]), Err(CallError::Api(ApiError::TypeMismatch(_)))));
    assert!(matches!(add.typed::<(i32, i32), i64>(), Err(ApiError::TypeMismatch(_))));
    assert!(matches!(i.typed_func::<i32, i32>("add"), Err(ExportError::TypeMismatch { .. })));
    let foreign = instance(&other, ADD).func("add");
    assert!(matches!(i.table("table").unwrap().set(0, Val::FuncRef(foreign)), Err(ApiError::ForeignRuntime)));
    assert_eq!(i.func("misuse").unwrap().call(&[]).unwrap(), vec![Val::I32(1)]);

    // Memory, globals and tables out of range or of the wrong type.
    let memory = i.memory("memory").unwrap();
    assert_eq!(memory.read(65536, &mut [0]), Err(ApiError::OutOfBounds { offset: 65536, len: 1, size: 65536 }));
    assert_eq!(memory.write(u64::MAX, &[0]), Err(ApiError::OutOfBounds { offset: u64::MAX, len: 1, size: 65536 }));
    assert!(matches!(i.global("const").unwrap().set(Val::I32(2)), Err(ApiError::ImmutableGlobal)));
    assert_eq!(i.table("table").unwrap().set(1, Val::FuncRef(None)), Err(ApiError::OutOfBounds { offset: 1, len: 1, size: 1 }));
    assert!(matches!(i.table("table").unwrap().set(0, Val::I32(0)), Err(ApiError::TypeMismatch(_))));

    // Exports that do not exist or are of another kind.
    assert_eq!(i.get_export("sub").err(), Some(ExportError::NotFound("sub".into())));
    assert_eq!(i.typed_func::<(), ()>("sub").err(), Some(ExportError::NotFound("sub".into())));
    assert!(matches!(i.typed_func::<(), ()>("memory"), Err(ExportError::WrongKind { .. })));

    // Names already taken; modules and instances of another runtime.
    assert_eq!(rt.instantiate(&m, ModuleConfig::new().with_name("i")).err(), Some(InstantiationError::DuplicateName("i".into())));
    assert_eq!(HostModuleBuilder::new("env").instantiate(&rt).err(), Some(InstantiationError::DuplicateName("env".into())));
    assert_eq!(other.instantiate(&m, ModuleConfig::new()).err(), Some(InstantiationError::ForeignModule));
    assert_eq!(other.register("i", &i).err(), Some(InstantiationError::ForeignModule));

    // An instance used after close.
    i.close();
    assert_eq!(add.call(&[Val::I32(1), Val::I32(2)]), Err(CallError::Api(ApiError::InstanceClosed)));
    assert_eq!(memory.read(0, &mut [0]), Err(ApiError::InstanceClosed));
    assert_eq!(i.get_export("add").err(), Some(ExportError::Closed));
}

// ---------------------------------------------------------------------------------------------
// Calls in parallel

/// A host module whose `block` waits (up to 20 s) until `signal` was called, and returns
/// whether it was: two calls on one runtime overlap only if `signal` can run while `block`
/// waits. (With one lock per runtime, `signal` would wait for `block`, which times out.)
#[test]
fn two_calls_on_one_runtime_overlap_in_time() {
    use std::sync::{Arc, Condvar, Mutex};
    let rt = new_runtime();
    // (entered block, signalled)
    let state = Arc::new((Mutex::new((false, false)), Condvar::new()));
    let (s1, s2) = (state.clone(), state.clone());
    HostModuleBuilder::new("env")
        .func("block", move || -> i32 {
            let (m, cv) = &*s1;
            let mut g = m.lock().unwrap();
            g.0 = true;
            cv.notify_all();
            let (g, _) = cv.wait_timeout_while(g, std::time::Duration::from_secs(20), |g| !g.1).unwrap();
            g.1 as i32
        })
        .func("signal", move || {
            let (m, cv) = &*s2;
            m.lock().unwrap().1 = true;
            cv.notify_all();
        })
        .instantiate(&rt)
        .unwrap();
    let m = rt
        .compile(
            r#"(module (import "env" "block" (func $block (result i32)))
                (import "env" "signal" (func $signal))
                (memory 1)
                (func (export "wait") (result i32) (i32.store (i32.const 0) (call $block)) (i32.load (i32.const 0)))
                (func (export "signal") (call $signal)))"#,
        )
        .unwrap();
    let a = rt.instantiate(&m, ModuleConfig::new()).unwrap();
    let b = rt.instantiate(&m, ModuleConfig::new()).unwrap();
    let wait = a.typed_func::<(), i32>("wait").unwrap();
    let signal = b.typed_func::<(), ()>("signal").unwrap();
    let waiter = std::thread::spawn(move || wait.call(()));
    {
        let (m, cv) = &*state;
        let _g = cv.wait_while(m.lock().unwrap(), |g| !g.0).unwrap();
    }
    // `a`'s call is inside `block` now; `b`'s runs on this thread meanwhile.
    signal.call(()).unwrap();
    assert_eq!(waiter.join().unwrap(), Ok(1), "the second call ran while the first one was blocked");
}

/// Calls on one instance from several threads take turns: a read-modify-write of a global by
/// 4 threads x 2 000 calls loses no update.
#[test]
fn calls_on_one_instance_from_several_threads_take_turns() {
    let rt = new_runtime();
    let i = instance(
        &rt,
        r#"(module (global $n (export "n") (mut i32) (i32.const 0))
            (func (export "bump") (local i32)
                (local.set 0 (global.get $n))
                (loop $l (br_if $l (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 0))))
                (global.set $n (i32.add (global.get $n) (i32.const 1)))))"#,
    );
    let bump = i.typed_func::<(), ()>("bump").unwrap();
    std::thread::scope(|s| {
        for _ in 0..4 {
            let bump = bump.clone();
            s.spawn(move || (0..2000).for_each(|_| bump.call(()).unwrap()));
        }
    });
    assert_eq!(i.global("n").unwrap().get(), Val::I32(8000));
}

/// Closing an instance while another thread runs a call on it waits for that call; afterwards
/// calls fail with `InstanceClosed`, never crash.
#[test]
fn closing_an_instance_while_another_thread_calls_it() {
    let rt = new_runtime();
    let i = instance(
        &rt,
        r#"(module (memory 1)
            (func (export "spin") (param i32) (result i32)
                (loop $l (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
                    (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
                (i32.load (i32.const 0))))"#,
    );
    let spin = i.typed_func::<i32, i32>("spin").unwrap();
    std::thread::scope(|s| {
        let callers: Vec<_> = (0..3)
            .map(|_| {
                let spin = spin.clone();
                s.spawn(move || (0..50).map(|_| spin.call(20_000)).collect::<Vec<_>>())
            })
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(5));
        i.close();
        for c in callers {
            for r in c.join().unwrap() {
                assert!(matches!(r, Ok(_) | Err(CallError::Api(ApiError::InstanceClosed))), "{r:?}");
            }
        }
    });
    assert_eq!(spin.call(1), Err(CallError::Api(ApiError::InstanceClosed)));
    assert_eq!(rt.stats().memory_bytes, 0);
}

/// A host function may call into an instance of another link group through a handle; two such
/// calls that wait for each other's group end with one error, not a deadlock.
#[test]
fn host_functions_call_other_groups_and_a_wait_cycle_is_refused() {
    use std::sync::{Arc, Barrier, OnceLock};
    let rt = new_runtime();
    let peer: Arc<[OnceLock<Func>; 2]> = Arc::new([OnceLock::new(), OnceLock::new()]);
    let barrier = Arc::new(Barrier::new(2));
    let (p, b) = (peer.clone(), barrier.clone());
    HostModuleBuilder::new("env")
        .func("cross", move |which: i32, meet: i32| -> Result<i32, Trap> {
            if meet != 0 {
                b.wait();
            }
            let other = p[(1 - which) as usize].get().expect("set");
            match other.call(&[Val::I32(1 - which), Val::I32(0)]) {
                Ok(v) => Ok(v[0].i32().unwrap() + 10),
                Err(CallError::Api(ApiError::WouldDeadlock)) => Ok(-1),
                Err(e) => Err(e.into()),
            }
        })
        .func("leaf", |x: i32| x)
        .instantiate(&rt)
        .unwrap();
    let m = rt
        .compile(
            r#"(module (import "env" "cross" (func $cross (param i32 i32) (result i32)))
                (func (export "run") (param i32 i32) (result i32)
                    (if (result i32) (local.get 1)
                        (then (call $cross (local.get 0) (local.get 1)))
                        (else (local.get 0)))))"#,
        )
        .unwrap();
    let insts: Vec<Instance> = (0..2).map(|_| rt.instantiate(&m, ModuleConfig::new()).unwrap()).collect();
    for (k, i) in insts.iter().enumerate() {
        peer[k].set(i.func("run").unwrap()).unwrap();
    }
    // Sequentially: instance 0's host function calls into instance 1 (another group).
    let run0 = insts[0].typed_func::<(i32, i32), i32>("run").unwrap();
    assert_eq!(run0.call((0, 0)).unwrap(), 0);
    // Both at once, each waiting for the other's group: one call is refused, the other then
    // gets through.
    let results: Vec<i32> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2)
            .map(|k| {
                let f = insts[k].typed_func::<(i32, i32), i32>("run").unwrap();
                s.spawn(move || f.call((k as i32, 1)).unwrap())
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut sorted = results.clone();
    sorted.sort();
    assert!(sorted == vec![-1, 10] || sorted == vec![-1, 11], "{results:?}");
}

/// Instantiating, calling and closing from 8 threads at once, with instances that share a
/// memory (one link group) and instances on their own, loses nothing and frees everything.
#[test]
fn concurrent_instantiate_call_and_close_in_linked_and_separate_groups() {
    let rt = new_runtime();
    let provider = instance(&rt, r#"(module (memory (export "mem") 1) (global (export "g") (mut i32) (i32.const 0)))"#);
    rt.register("p", &provider).unwrap();
    let linked = rt
        .compile(
            r#"(module (import "p" "mem" (memory 1)) (import "p" "g" (global $g (mut i32)))
                (func (export "run") (param i32) (result i32)
                    (global.set $g (i32.add (global.get $g) (i32.const 1)))
                    (i32.store (i32.const 16) (local.get 0)) (i32.load (i32.const 16))))"#,
        )
        .unwrap();
    let alone = rt
        .compile(r#"(module (memory 1) (func (export "run") (param i32) (result i32) (i32.store (i32.const 16) (local.get 0)) (i32.load (i32.const 16))))"#)
        .unwrap();
    std::thread::scope(|s| {
        for t in 0..8 {
            let (rt, linked, alone) = (&rt, &linked, &alone);
            s.spawn(move || {
                for k in 0..250 {
                    let m = if (t + k) % 2 == 0 { linked } else { alone };
                    let i = rt.instantiate(m, ModuleConfig::new()).unwrap();
                    let run = i.typed_func::<i32, i32>("run").unwrap();
                    assert_eq!(run.call(t * 1000 + k).unwrap(), t * 1000 + k);
                    i.close();
                    assert_eq!(run.call(0), Err(CallError::Api(ApiError::InstanceClosed)));
                }
            });
        }
    });
    assert_eq!(provider.global("g").unwrap().get(), Val::I32(1000), "every linked call counted once");
    provider.close();
    let stats = rt.stats();
    assert_eq!((stats.open_instances, stats.memory_bytes), (0, 0));
}

/// Memory and table types carry Wasm 3.0's fields (address type, sharing, page size); Core 2.0
/// memories are 32-bit, unshared, with pages of 64 KiB; a shared memory (threads proposal) keeps
/// its sharing.
#[test]
fn memory_and_table_types_carry_the_3_0_fields() {
    let rt = new_runtime();
    let i = instance(&rt, r#"(module (memory (export "m") 1 2) (table (export "t") 3 funcref))"#);
    let m = i.memory("m").unwrap().ty();
    assert_eq!((m.min, m.max, m.index, m.shared, m.page_size()), (1, Some(2), IndexType::I32, false, 65536));
    assert_eq!(m, MemoryType::new(1, Some(2)));
    let t = i.table("t").unwrap().ty();
    assert_eq!((t.min, t.max, t.index), (3, None, IndexType::I32));
    let mut shared = MemoryType::new(1, Some(1));
    shared.shared = true;
    assert_eq!(ExternType::Memory(shared).to_string(), "(memory 1 1 shared)");
    assert_eq!(shared, MemoryType::shared(1, 1));
    let h = HostModuleBuilder::new("h").memory("m", shared).instantiate(&rt).expect("a shared memory instantiates");
    assert_eq!(h.memory("m").unwrap().ty(), shared);
}

/// Reference types carry nullability and a heap type: `funcref` and `externref` are the nullable
/// ones, tables hold a `RefType`, values match a type by heap type and nullability, and a
/// non-nullable reference type has no default value.
#[test]
fn reference_types_carry_nullability_and_heap_type() {
    let rt = new_runtime();
    let i = instance(&rt, r#"(module (table (export "t") 1 externref) (func (export "f") (param funcref externref)))"#);
    assert_eq!(i.table("t").unwrap().ty().element, RefType::EXTERNREF);
    let f = i.func("f").unwrap();
    assert_eq!(f.ty().params(), &[ValType::FUNCREF, ValType::EXTERNREF]);
    assert!(matches!(f.ty().params()[0], ValType::Ref(RefType { nullable: true, heap_type: HeapType::Func })));
    let non_null = RefType::new(false, HeapType::Func);
    assert_eq!((ValType::FUNCREF.to_string(), non_null.to_string()), ("funcref".into(), "(ref func)".into()));
    assert!(non_null.matches(&RefType::FUNCREF) && !RefType::FUNCREF.matches(&non_null));
    assert!(!RefType::EXTERNREF.matches(&RefType::FUNCREF));
    assert!(Val::FuncRef(Some(f.clone())).matches(ValType::Ref(non_null)));
    assert!(!Val::FuncRef(None).matches(ValType::Ref(non_null)));
    assert!(Val::FuncRef(None).matches(ValType::FUNCREF) && !Val::ExternRef(None).matches(ValType::FUNCREF));
    assert_eq!(Val::default_for(ValType::Ref(non_null)), None);
    assert!(matches!(Val::default_for(ValType::EXTERNREF), Some(Val::ExternRef(None))));
    assert!(!ValType::Ref(non_null).is_defaultable() && ValType::I32.is_defaultable());
}

/// A host function that returns a refused nested call with `?` fails its caller with a host
/// error that is the `ApiError`; a trap of a nested call passes through unchanged.
#[test]
fn a_refused_nested_call_returned_with_question_mark_is_a_host_error() {
    let rt = new_runtime();
    HostModuleBuilder::new("env")
        .func("nested", |caller: &mut Caller<'_>, good: i32| -> Result<(), Trap> {
            let Some(Extern::Func(f)) = caller.export("boom") else { return Err(Trap::host("no boom")) };
            let args = if good != 0 { vec![] } else { vec![Val::I32(1)] };
            caller.call(&f, &args)?;
            Ok(())
        })
        .instantiate(&rt)
        .unwrap();
    let i = instance(
        &rt,
        r#"(module (import "env" "nested" (func $n (param i32)))
            (func (export "boom") unreachable)
            (func (export "run") (param i32) (call $n (local.get 0))))"#,
    );
    let run = i.typed_func::<i32, ()>("run").unwrap();
    match run.call(0) {
        Err(CallError::Trap(Trap::Host(h))) => {
            assert!(matches!(h.downcast_ref::<ApiError>(), Some(ApiError::TypeMismatch(_))), "{h}")
        }
        other => panic!("expected a host error, got {other:?}"),
    }
    assert_eq!(run.call(1), Err(CallError::Trap(Trap::Unreachable)));
}

// ---------------------------------------------------------------------------------------------
// Wasm 3.0 memories and tables: multi-memory, memory64, table64, custom page sizes

/// A runtime of the engine under test with the Wasm 3.0 features (and custom page sizes).
fn runtime_3_0() -> Runtime {
    Runtime::with_config(config().with_core_features(CoreFeatures::V3_0).with_wasm_custom_page_sizes(true))
}

/// Each memory index reaches its own memory (never memory 0 in its place), and every exported
/// memory is reachable by name.
#[test]
fn memory_indices_reach_their_own_memory() {
    let rt = runtime_3_0();
    let i = instance(
        &rt,
        r#"(module
          (memory $a (export "a") 1)
          (memory $b (export "b") 1)
          (func (export "store") (param i32 i32)
            (i32.store $b (local.get 0) (local.get 1)))
          (func (export "load") (param i32) (result i32 i32)
            (i32.load $a (local.get 0)) (i32.load $b (local.get 0)))
          (func (export "copy") (param i32 i32 i32)
            (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2))))"#,
    );
    i.func("store").unwrap().call(&[Val::I32(8), Val::I32(0x1234_5678)]).unwrap();
    assert_eq!(i.func("load").unwrap().call(&[Val::I32(8)]).unwrap(), vec![Val::I32(0), Val::I32(0x1234_5678)]);
    let mut buf = [0u8; 4];
    i.memory("b").unwrap().read(8, &mut buf).unwrap();
    assert_eq!(u32::from_le_bytes(buf), 0x1234_5678);
    i.memory("a").unwrap().read(8, &mut buf).unwrap();
    assert_eq!(buf, [0; 4]);
    // From memory b to memory a.
    i.func("copy").unwrap().call(&[Val::I32(100), Val::I32(8), Val::I32(4)]).unwrap();
    i.memory("a").unwrap().read(100, &mut buf).unwrap();
    assert_eq!(u32::from_le_bytes(buf), 0x1234_5678);
}

/// A memory imported twice is memory 0 and memory 1 at once: growing it through one index makes
/// the new pages reachable through the other (memory 0's cached base and length follow).
#[test]
fn growing_a_memory_imported_twice() {
    let rt = runtime_3_0();
    let exporter = instance(&rt, r#"(module (memory (export "mem") 1))"#);
    rt.register("a", &exporter).unwrap();
    let i = instance(
        &rt,
        r#"(module
          (import "a" "mem" (memory $m0 1))
          (import "a" "mem" (memory $m1 1))
          (func (export "grow1") (result i32) (memory.grow $m1 (i32.const 1)))
          (func (export "store0") (param i32 i32) (i32.store $m0 (local.get 0) (local.get 1)))
          (func (export "load1") (param i32) (result i32) (i32.load $m1 (local.get 0))))"#,
    );
    assert!(i.func("store0").unwrap().call(&[Val::I32(65536), Val::I32(1)]).is_err());
    assert_eq!(i.func("grow1").unwrap().call(&[]).unwrap(), vec![Val::I32(1)]);
    i.func("store0").unwrap().call(&[Val::I32(65536), Val::I32(77)]).unwrap();
    assert_eq!(i.func("load1").unwrap().call(&[Val::I32(65536)]).unwrap(), vec![Val::I32(77)]);
}

/// memory64: i64 addresses, sizes and deltas; an address plus offset past 2^64 traps rather
/// than wrapping; growing past the runtime's limit returns -1; the API's sizes are u64.
#[test]
fn memory64_addresses_sizes_and_limits() {
    let rt = Runtime::with_config(config().with_core_features(CoreFeatures::V3_0).with_memory_limit_pages(3));
    let i = instance(
        &rt,
        r#"(module
          (memory (export "mem") i64 1)
          (func (export "load") (param i64) (result i32) (i32.load8_u (local.get 0)))
          (func (export "load_high") (param i64) (result i32) (i32.load8_u offset=0xffffffffffffffff (local.get 0)))
          (func (export "store") (param i64 i32) (i32.store8 (local.get 0) (local.get 1)))
          (func (export "size") (result i64) (memory.size))
          (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))"#,
    );
    let load = i.func("load").unwrap();
    let oob = |r: Result<Vec<Val>, CallError>| assert_eq!(r.unwrap_err(), CallError::Trap(Trap::MemoryOutOfBounds));
    i.func("store").unwrap().call(&[Val::I64(65535), Val::I32(9)]).unwrap();
    assert_eq!(load.call(&[Val::I64(65535)]).unwrap(), vec![Val::I32(9)]);
    for at in [65536, 1 << 32, (1 << 32) + 5, -1] {
        oob(load.call(&[Val::I64(at)]));
    }
    // `0 + (2^64 - 1)` is past the memory; `1 + (2^64 - 1)` wraps to 0 unless checked.
    oob(i.func("load_high").unwrap().call(&[Val::I64(1)]));
    oob(i.func("load_high").unwrap().call(&[Val::I64(0)]));
    let (size, grow) = (i.func("size").unwrap(), i.func("grow").unwrap());
    assert_eq!(size.call(&[]).unwrap(), vec![Val::I64(1)]);
    assert_eq!(grow.call(&[Val::I64(1)]).unwrap(), vec![Val::I64(1)]);
    assert_eq!(grow.call(&[Val::I64(1 << 32)]).unwrap(), vec![Val::I64(-1)]);
    assert_eq!(grow.call(&[Val::I64(-1)]).unwrap(), vec![Val::I64(-1)]);
    let mem = i.memory("mem").unwrap();
    assert_eq!((mem.size(), mem.ty().index), (2, IndexType::I64));
    assert_eq!(mem.grow(1), Some(2));
    // The runtime's limit is 3 pages.
    assert_eq!((mem.grow(1), mem.size()), (None, 3));
    assert_eq!(load.call(&[Val::I64(3 * 65536 - 1)]).unwrap(), vec![Val::I32(0)]);
}

/// A memory64 or table64 declared with a maximum near 2^64 instantiates (nothing of that size
/// is reserved) and grows only as far as the runtime's limits.
#[test]
fn memory64_and_table64_with_huge_maximums() {
    let rt = runtime_3_0();
    let i = instance(
        &rt,
        r#"(module
          (memory (export "mem") i64 1 0x1_0000_0000_0000)
          (table (export "tab") i64 1 0xffff_ffff_ffff_ffff funcref)
          (func (export "tgrow") (param i64) (result i64) (table.grow (ref.null func) (local.get 0))))"#,
    );
    assert_eq!(i.memory("mem").unwrap().size(), 1);
    let tgrow = i.func("tgrow").unwrap();
    assert_eq!(tgrow.call(&[Val::I64(2)]).unwrap(), vec![Val::I64(1)]);
    assert_eq!(tgrow.call(&[Val::I64(1 << 40)]).unwrap(), vec![Val::I64(-1)]);
    assert_eq!(i.table("tab").unwrap().size(), 3);
}

/// table64: i64 indices; one of 2^32 or more is out of bounds (not truncated to a small one).
#[test]
fn table64_indices_are_not_truncated() {
    let rt = runtime_3_0();
    let i = instance(
        &rt,
        r#"(module
          (type $t (func (result i32)))
          (table i64 2 funcref)
          (elem (i64.const 0) $f)
          (func $f (result i32) (i32.const 42))
          (func (export "call") (param i64) (result i32) (call_indirect (type $t) (local.get 0)))
          (func (export "get") (param i64) (result i32) (ref.is_null (table.get (local.get 0))))
          (func (export "size") (result i64) (table.size)))"#,
    );
    let call = i.func("call").unwrap();
    assert_eq!(call.call(&[Val::I64(0)]).unwrap(), vec![Val::I32(42)]);
    assert_eq!(call.call(&[Val::I64(1 << 32)]).unwrap_err(), CallError::Trap(Trap::UndefinedElement));
    let get = i.func("get").unwrap();
    assert_eq!(get.call(&[Val::I64(0)]).unwrap(), vec![Val::I32(0)]);
    assert_eq!(get.call(&[Val::I64(1 << 32)]).unwrap_err(), CallError::Trap(Trap::TableOutOfBounds));
    assert_eq!(i.func("size").unwrap().call(&[]).unwrap(), vec![Val::I64(2)]);
}

/// Custom page sizes: a memory of 1-byte pages ends at its exact length on both engines (guard
/// pages would leave the rest of the OS page accessible), and counts its own pages.
#[test]
fn memories_of_one_byte_pages() {
    let rt = runtime_3_0();
    let i = instance(
        &rt,
        r#"(module
          (memory (export "mem") 3 (pagesize 1))
          (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
          (func (export "size") (result i32) (memory.size))
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    let load = i.func("load").unwrap();
    assert_eq!(load.call(&[Val::I32(2)]).unwrap(), vec![Val::I32(0)]);
    assert_eq!(load.call(&[Val::I32(3)]).unwrap_err(), CallError::Trap(Trap::MemoryOutOfBounds));
    assert_eq!(i.func("grow").unwrap().call(&[Val::I32(5)]).unwrap(), vec![Val::I32(3)]);
    assert_eq!(i.func("size").unwrap().call(&[]).unwrap(), vec![Val::I32(8)]);
    assert_eq!(load.call(&[Val::I32(7)]).unwrap(), vec![Val::I32(0)]);
    assert_eq!(load.call(&[Val::I32(8)]).unwrap_err(), CallError::Trap(Trap::MemoryOutOfBounds));
    let mem = i.memory("mem").unwrap();
    assert_eq!((mem.size(), mem.data_size(), mem.ty().page_size()), (8, 8, 1));
}
