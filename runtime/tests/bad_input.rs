//! No input may panic, hang or crash the host: truncated and random binaries, wrong headers,
//! absurd declared sizes and unbounded recursion all end in a typed error.
//!
//! Uses `coremark.wasm` from the shared benchmark folder (`$ZEROWASM_BENCH`, else
//! `../shared/bench` beside the checkout) as a real module; the tests that need it print a note
//! and skip when it is absent.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;
use zerowasm::*;

/// Longest any one test below may run before it counts as a hang.
const WATCHDOG: Duration = Duration::from_secs(300);

/// Runs `f` on its own thread and fails if it panics or does not finish within [`WATCHDOG`].
fn no_hang<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .name(what.to_string())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .unwrap();
    match rx.recv_timeout(WATCHDOG) {
        Ok(v) => {
            handle.join().unwrap();
            v
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: still running after {WATCHDOG:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(p) => std::panic::resume_unwind(p),
            Ok(()) => unreachable!("the thread sends before it ends"),
        },
    }
}

/// A deterministic xorshift64* generator, so every run sees the same inputs.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

const HEADER: &[u8] = b"\0asm\x01\0\0\0";

/// The error compiling `input`; fails the test (saying `what`) if it compiles.
/// The runtime for tests of decoding and validation, shared by both engines: the Interpreter,
/// whose translation is cheap, so that thousands of inputs run quickly in unoptimized tests.
fn decoder_runtime() -> Runtime {
    Runtime::with_config(RuntimeConfig::interpreter())
}

fn compile_err(rt: &Runtime, input: impl AsRef<[u8]>, what: &str) -> CompileError {
    match rt.compile(input) {
        Ok(_) => panic!("{what}"),
        Err(e) => e,
    }
}

fn real_module() -> Option<Vec<u8>> {
    let dir = match std::env::var_os("ZEROWASM_BENCH") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench"),
    };
    let path = dir.join("wasmi-benchmarks/coremark.wasm");
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) => {
            eprintln!("note: skipping, cannot read {} ({e}); set ZEROWASM_BENCH", path.display());
            None
        }
    }
}

/// The module's imports, satisfied with host functions returning zeros, so that mutated modules
/// get as far as instantiation.
fn provide_imports(rt: &Runtime, module: &CompiledModule) {
    let mut builders: BTreeMap<String, HostModuleBuilder> = BTreeMap::new();
    for import in module.imports() {
        let b = builders.remove(&import.module).unwrap_or_else(|| HostModuleBuilder::new(&import.module));
        let b = match import.ty {
            ExternType::Func(ty) => b.func_dynamic(import.name, ty, |_, _, _| Ok(())),
            ExternType::Global(g) => b.global(import.name, Val::default_for(g.content).expect("defaultable global"), g.mutable),
            ExternType::Memory(t) => b.memory(import.name, t),
            ExternType::Table(t) => b.table(import.name, t),
            // A kind this test cannot provide: instantiation then fails with a link error.
            _ => b,
        };
        builders.insert(import.module, b);
    }
    for b in builders.into_values() {
        let _ = b.instantiate(rt);
    }
}

/// The end offsets of the top-level sections of a well-formed binary module.
fn section_ends(wasm: &[u8]) -> Vec<usize> {
    let mut ends = vec![HEADER.len()];
    let mut pos = HEADER.len();
    while pos < wasm.len() {
        pos += 1; // section id
        let (mut size, mut shift) = (0usize, 0);
        loop {
            let b = wasm[pos];
            pos += 1;
            size |= ((b & 0x7f) as usize) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        pos += size;
        ends.push(pos);
    }
    assert_eq!(pos, wasm.len(), "sections do not tile the module");
    ends
}

#[test]
fn every_truncation_of_a_real_module_is_a_compile_error() {
    let Some(wasm) = real_module() else { return };
    no_hang("truncations", move || {
        let ends = section_ends(&wasm);
        let rt = decoder_runtime();
        rt.compile(&wasm).expect("the whole module compiles");
        let mut errors = 0;
        for len in 1..wasm.len() {
            match rt.compile(&wasm[..len]) {
                Err(e) => {
                    errors += 1;
                    if len >= 4 {
                        let offset = e.offset.unwrap_or_else(|| panic!("prefix {len}: no offset in {e}"));
                        assert!(offset <= len, "prefix {len}: offset {offset} beyond the input ({e})");
                    }
                }
                // Cut exactly between two sections, the rest may still be a valid module.
                Ok(_) => assert!(ends.contains(&len), "prefix of {len} bytes compiled"),
            }
        }
        assert!(errors >= wasm.len() - 1 - ends.len(), "{errors} errors");
    });
}

#[test]
fn random_bytes_after_a_valid_header() {
    no_hang("random binaries", || {
        let rt = decoder_runtime();
        let mut rng = Rng(0x5eed_0001);
        let mut rejected = 0;
        for i in 0..4000 {
            let len = rng.below(200);
            let mut input = HEADER.to_vec();
            input.extend(rng.bytes(len));
            // Bias some inputs toward plausible section ids.
            if i % 2 == 0 && len > 0 {
                input[8] = (rng.below(13)) as u8;
            }
            match rt.compile(&input) {
                Err(e) => {
                    rejected += 1;
                    let offset = e.offset.expect("binary errors carry an offset");
                    assert!(offset <= input.len(), "offset {offset} beyond {} bytes: {e}", input.len());
                }
                Ok(m) => {
                    provide_imports(&rt, &m);
                    let _ = rt.instantiate(&m, ModuleConfig::new());
                }
            }
        }
        assert!(rejected > 3000, "only {rejected} of 4000 random modules rejected");
    });
}

#[test]
fn random_bytes_as_text() {
    no_hang("random text", || {
        let rt = decoder_runtime();
        let mut rng = Rng(0x5eed_0002);
        const ALPHABET: &[u8] = b"() \n\"$;0123456789.xabcdefimnoprstuglq_-+=";
        for i in 0..3000 {
            let len = 1 + rng.below(120);
            let input: Vec<u8> = if i % 2 == 0 {
                rng.bytes(len)
            } else {
                (0..len).map(|_| ALPHABET[rng.below(ALPHABET.len())]).collect()
            };
            if input.starts_with(b"\0asm") {
                continue;
            }
            let _ = rt.compile(&input);
        }
        // Almost-valid text.
        for src in ["(module", "(module (func", "(module (func (result i32)))", "(module (memory 1) (data (i32.const 0) \"", ")"] {
            assert!(rt.compile(src).is_err(), "{src:?} compiled");
        }
    });
}

#[test]
fn mutations_of_a_real_module() {
    let Some(wasm) = real_module() else { return };
    no_hang("mutations", move || {
        let rt = decoder_runtime();
        let mut rng = Rng(0x5eed_0003);
        let mut compiled = 0;
        for _ in 0..3000 {
            let mut input = wasm.clone();
            for _ in 0..1 + rng.below(4) {
                let at = HEADER.len() + rng.below(input.len() - HEADER.len());
                input[at] = rng.next() as u8;
            }
            match rt.compile(&input) {
                Err(e) => assert!(e.offset.is_some_and(|o| o <= input.len()), "{e:?}"),
                Ok(_) => {
                    compiled += 1;
                    // Instantiate (in a fresh runtime each time, so import names are free) but do
                    // not call: mutated code may legitimately loop forever. The first few also
                    // go through the Compiler (slow in unoptimized tests; the fuzzer does more).
                    let mut configs = vec![RuntimeConfig::interpreter()];
                    if compiled <= 10 {
                        configs.push(RuntimeConfig::compiler());
                    }
                    for config in configs {
                        let rt = Runtime::with_config(config);
                        let m = rt.compile(&input).unwrap();
                        provide_imports(&rt, &m);
                        let _ = rt.instantiate(&m, ModuleConfig::new());
                    }
                }
            }
        }
        eprintln!("{compiled} of 3000 mutated modules still validated");
    });
}

#[test]
fn wrong_magic_and_version() {
    let rt = decoder_runtime();
    // A binary whose magic is wrong is not binary; as text it is not valid either.
    for input in [&b"\0asn\x01\0\0\0"[..], b"\0ASM\x01\0\0\0", b"\x7fELF\x02\x01\x01\0", b"\0"] {
        assert!(rt.compile(input).is_err(), "{input:?} compiled");
    }
    for version in [[0u8, 0, 0, 0], [2, 0, 0, 0], [1, 0, 0, 1], [0x0d, 0, 1, 0]] {
        let mut input = b"\0asm".to_vec();
        input.extend(version);
        let e = compile_err(&rt, &input, "wrong version compiled");
        // At the version field, or at the start for the component-model "version" 0x0d.
        assert!(matches!(e.offset, Some(0 | 4)), "{e}");
        assert!(e.message.contains("version"), "{e}");
    }
    let e = compile_err(&rt, b"\0asm\x01\0", "truncated header");
    assert!(e.offset.is_some_and(|o| o <= 6), "{e:?}");
    rt.compile(HEADER).expect("the empty module");
}

/// `HEADER` followed by one section of id `id` whose header claims `size` bytes (LEB128),
/// followed by `payload`.
fn section(id: u8, size: u32, payload: &[u8]) -> Vec<u8> {
    let mut v = HEADER.to_vec();
    v.push(id);
    let mut s = size;
    loop {
        let b = (s & 0x7f) as u8;
        s >>= 7;
        if s == 0 {
            v.push(b);
            break;
        }
        v.push(b | 0x80);
    }
    v.extend_from_slice(payload);
    v
}

const COUNT_MAX: &[u8] = &[0xff, 0xff, 0xff, 0xff, 0x0f]; // 2^32 - 1 as LEB128

#[test]
fn absurd_declared_sizes_are_compile_errors() {
    no_hang("absurd sizes", || {
        let rt = decoder_runtime();
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("type section of 4 GiB", section(1, u32::MAX, &[1, 0x60, 0, 0])),
            ("custom section of 4 GiB", section(0, u32::MAX, b"\x04name")),
            ("code section of 4 GiB", section(10, u32::MAX, &[1])),
            ("2^32-1 types", section(1, 5, COUNT_MAX)),
            ("2^32-1 functions", section(3, 5, COUNT_MAX)),
            ("2^32-1 imports", section(2, 5, COUNT_MAX)),
            ("2^32-1 globals", section(6, 5, COUNT_MAX)),
            ("2^32-1 exports", section(7, 5, COUNT_MAX)),
            ("2^32-1 data segments", section(11, 5, COUNT_MAX)),
            ("2^32-1 function bodies", section(10, 5, COUNT_MAX)),
            ("a 5-byte LEB128 overflowing u32", section(1, 5, &[0xff, 0xff, 0xff, 0xff, 0x7f])),
            ("an unterminated LEB128 section size", {
                let mut v = HEADER.to_vec();
                v.extend([1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
                v
            }),
        ];
        for (what, input) in &cases {
            match rt.compile(input) {
                Err(e) => assert!(e.offset.is_some_and(|o| o <= input.len()), "{what}: {e:?}"),
                Ok(_) => panic!("{what}: compiled"),
            }
        }
        // 2^32-1 locals in one function, and a memory beyond 4 GiB.
        let mut body_locals = Vec::new();
        body_locals.extend([1u8, 0x60, 0, 0]); // type section payload: (func)
        let mut m = section(1, 4, &body_locals);
        m.extend([3, 2, 1, 0]); // function section: one function of type 0
        let mut code = vec![1u8, 8, 1];
        code.extend(COUNT_MAX);
        code.extend([0x7f, 0x0b]); // i32 locals, end
        m.push(10);
        m.push(code.len() as u8);
        m.extend(code);
        let e = compile_err(&rt, &m, "2^32-1 locals compiled");
        assert!(e.message.contains("locals"), "{e}");
        let e = compile_err(&rt, "(module (memory 65537))", "memory of 65537 pages compiled");
        assert!(e.message.contains("memory size"), "{e}");
    });
}

#[test]
fn memory_beyond_the_runtime_limit_is_a_resource_error() {
    let rt = Runtime::with_config(RuntimeConfig::interpreter().with_memory_limit_pages(1));
    let m = rt.compile("(module (memory 65536))").unwrap();
    match rt.instantiate(&m, ModuleConfig::new().with_name("big")) {
        Err(InstantiationError::Resource(msg)) => assert!(msg.contains("65536"), "{msg}"),
        other => panic!("expected a resource error, got {:?}", other.err()),
    }
    assert!(rt.instance("big").is_none());
    // Within the limit it works, and growth stops at the limit.
    let m = rt.compile(r#"(module (memory (export "m") 1) (func (export "grow") (result i32) (memory.grow (i32.const 1))))"#).unwrap();
    let i = rt.instantiate(&m, ModuleConfig::new()).unwrap();
    assert_eq!(i.func("grow").unwrap().call(&[]).unwrap(), vec![Val::I32(-1)]);
    assert_eq!(i.memory("m").unwrap().grow(u32::MAX as u64), None);
    // A host memory beyond the limit fails the same way.
    let e = HostModuleBuilder::new("h").memory("m", MemoryType::new(2, None)).instantiate(&rt);
    assert!(matches!(e, Err(InstantiationError::Resource(_))), "{:?}", e.err());
}

#[test]
fn huge_table_is_a_resource_error() {
    let rt = decoder_runtime();
    for src in ["(module (table 0xffffffff funcref))", "(module (table 0xffffffff 0xffffffff funcref))"] {
        let m = rt.compile(src).unwrap();
        match rt.instantiate(&m, ModuleConfig::new()) {
            Err(InstantiationError::Resource(msg)) => assert!(msg.contains("4294967295"), "{msg}"),
            other => panic!("{src}: expected a resource error, got {:?}", other.err()),
        }
    }
    let e = HostModuleBuilder::new("h")
        .table("t", TableType::new(RefType::FUNCREF, u32::MAX, None))
        .instantiate(&rt);
    assert!(matches!(e, Err(InstantiationError::Resource(_))), "{:?}", e.err());
}

#[test]
fn segments_at_absurd_offsets_do_not_fit() {
    let cases = [
        (r#"(module (memory 1) (data (i32.const -1) "ab"))"#, Trap::MemoryOutOfBounds),
        (r#"(module (memory 0) (data (i32.const 0x10000) "a"))"#, Trap::MemoryOutOfBounds),
        (r#"(module (table 1 funcref) (func) (elem (i32.const -1) 0 0))"#, Trap::TableOutOfBounds),
        (r#"(module (memory 1) (data (i32.const 0) "ok") (data (i32.const 65535) "no"))"#, Trap::MemoryOutOfBounds),
    ];
    // Core 1.0: every segment is checked before any is written; the failure is a link-time one.
    let v1 = Runtime::with_config(RuntimeConfig::interpreter().with_core_features(CoreFeatures::V1_0));
    // Core 2.0: segments are applied in order and the first one out of bounds traps.
    let v2 = Runtime::with_config(RuntimeConfig::interpreter().with_core_features(CoreFeatures::V2_0));
    for (src, trap) in cases {
        let m = v1.compile(src).unwrap();
        match v1.instantiate(&m, ModuleConfig::new()) {
            Err(InstantiationError::SegmentDoesNotFit(_)) => {}
            other => panic!("{src}: expected SegmentDoesNotFit with Core 1.0, got {:?}", other.err()),
        }
        let m = v2.compile(src).unwrap();
        match v2.instantiate(&m, ModuleConfig::new()) {
            Err(InstantiationError::Trap(t)) if t == trap => {}
            other => panic!("{src}: expected a {trap} trap with Core 2.0, got {:?}", other.err()),
        }
    }
}

#[test]
fn compile_error_has_the_validators_message_and_offset() {
    // (func (result i32) i32.add): the i32.add at byte 24 finds an empty operand stack.
    let mut wasm = HEADER.to_vec();
    wasm.extend([0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f]); // type section, bytes 8..15
    wasm.extend([0x03, 0x02, 0x01, 0x00]); // function section, bytes 15..19
    wasm.extend([0x0a, 0x05, 0x01, 0x03, 0x00, 0x6a, 0x0b]); // code section, i32.add at 24
    assert_eq!(wasm[24], 0x6a);
    let e = compile_err(&decoder_runtime(), &wasm, "invalid module compiled");
    assert!(e.message.contains("type mismatch"), "{e}");
    assert_eq!(e.offset, Some(24), "{e}");
    assert_eq!(e.to_string(), format!("{} (at offset 0x18)", e.message));

    // An unknown opcode (0xff) in the same place: malformed, at the same offset.
    wasm[24] = 0xff;
    let e = compile_err(&decoder_runtime(), &wasm, "unknown opcode compiled");
    assert_eq!(e.offset, Some(24), "{e}");
    // A call to a function that does not exist.
    wasm.truncate(19);
    wasm.extend([0x0a, 0x06, 0x01, 0x04, 0x00, 0x10, 0x05, 0x0b]); // call 5 at byte 24
    let e = compile_err(&decoder_runtime(), &wasm, "call to an unknown function compiled");
    assert!(e.message.contains("unknown function"), "{e}");
    assert_eq!(e.offset, Some(24), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Unbounded recursion

const RECURSION: &str = r#"(module
    (type $t (func (param i32) (result i32)))
    (table 2 funcref)
    (elem (i32.const 0) $ping $pong)
    ;; Direct self-recursion without end.
    (func $forever (export "forever") (result i32) (i32.add (call $forever) (i32.const 1)))
    ;; Mutual recursion through call_indirect, $ping -> table[1] -> $pong -> table[0] -> ...
    (func $ping (export "ping") (param i32) (result i32)
        (call_indirect (type $t) (i32.add (local.get 0) (i32.const 1)) (i32.const 1)))
    (func $pong (param i32) (result i32)
        (call_indirect (type $t) (local.get 0) (i32.const 0)))
    ;; Recursion of a given depth, returning the depth reached.
    (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0))
            (then (i32.const 0))
            (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))
    ;; Self-recursion with a large frame.
    (func $wide (export "wide") (param i64) (result i64)
        (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
               i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
               i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
               i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
        (i64.add (call $wide (local.get 0)) (local.get 63))))"#;

/// Runs `f` on a thread with only 256 KiB of native stack: the Interpreter's wasm calls must not
/// recurse in Rust; the Compiler's use native stack and must stay within its configured budget.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(256 * 1024).spawn(f).unwrap().join().unwrap()
}

#[test]
fn deep_recursion_exhausts_the_call_stack() {
    on_small_stack(|| {
        let rt = Runtime::with_config(RuntimeConfig::interpreter());
        let m = rt.compile(RECURSION).unwrap();
        let i = rt.instantiate(&m, ModuleConfig::new()).unwrap();
        assert_eq!(i.func("forever").unwrap().call(&[]).unwrap_err(), CallError::Trap(Trap::CallStackExhausted));
        assert_eq!(i.func("ping").unwrap().call(&[Val::I32(0)]).unwrap_err(), CallError::Trap(Trap::CallStackExhausted));
        assert_eq!(i.func("wide").unwrap().call(&[Val::I64(0)]).unwrap_err(), CallError::Trap(Trap::CallStackExhausted));
        // The instance is still usable afterwards, and the default depth allows real recursion.
        let down = i.func("down").unwrap().typed::<i32, i32>().unwrap();
        assert_eq!(down.call(10_000).unwrap(), 10_000);
        assert_eq!(down.call(1_000_000).unwrap_err(), CallError::Trap(Trap::CallStackExhausted));
    });
}

#[test]
fn compiled_recursion_stays_within_the_native_stack_budget() {
    // The Compiler's wasm frames are native frames: on a small thread stack, a budget below it
    // turns endless recursion into a trap instead of a stack overflow.
    // Compiling (Cranelift, unoptimized in tests) needs more stack than this: not on the thread.
    let rt = Runtime::with_config(RuntimeConfig::compiler().with_max_wasm_stack(128 << 10));
    let m = rt.compile(RECURSION).unwrap();
    on_small_stack(move || {
        let i = rt.instantiate(&m, ModuleConfig::new()).unwrap();
        assert_eq!(i.func("forever").unwrap().call(&[]).unwrap_err(), CallError::Trap(Trap::CallStackExhausted));
        assert_eq!(i.func("ping").unwrap().call(&[Val::I32(0)]).unwrap_err(), CallError::Trap(Trap::CallStackExhausted));
        assert_eq!(i.func("wide").unwrap().call(&[Val::I64(0)]).unwrap_err(), CallError::Trap(Trap::CallStackExhausted));
        let down = i.func("down").unwrap().typed::<i32, i32>().unwrap();
        assert_eq!(down.call(1_000).unwrap(), 1_000);
        assert_eq!(down.call(1_000_000).unwrap_err(), CallError::Trap(Trap::CallStackExhausted));
    });
}

#[test]
fn call_depth_limit_is_configurable() {
    for config in [RuntimeConfig::interpreter(), RuntimeConfig::compiler()] {
        let rt = Runtime::with_config(config.with_max_call_depth(100));
        let m = rt.compile(RECURSION).unwrap();
        on_small_stack(move || call_depth_100(rt, m));
    }
}


/// Recursion under a call depth of 100, on a small native stack.
fn call_depth_100(rt: Runtime, m: CompiledModule) {
    {
        let i = rt.instantiate(&m, ModuleConfig::new()).unwrap();
        let down = i.func("down").unwrap().typed::<i32, i32>().unwrap();
        assert_eq!(down.call(50).unwrap(), 50);
        assert_eq!(down.call(200).unwrap_err(), CallError::Trap(Trap::CallStackExhausted));
        assert_eq!(i.func("ping").unwrap().call(&[Val::I32(0)]).unwrap_err(), CallError::Trap(Trap::CallStackExhausted));
        // The depth is back to 0 after a trap: the full depth is available again.
        assert_eq!(down.call(99).unwrap(), 99);
    }
}

#[test]
fn recursion_through_a_host_function_exhausts_the_call_stack() {
    // wasm -> host -> wasm -> host ... each host level re-enters the engine from Rust; the
    // runtime must stop this before the native stack overflows (a crash, not a trap).
    no_hang("host recursion", || for config in [RuntimeConfig::interpreter(), RuntimeConfig::compiler()] {
        let rt = Runtime::with_config(config);
        HostModuleBuilder::new("env")
            .func("again", |caller: &mut Caller<'_>, n: i32| -> Result<i32, Trap> {
                let Some(Extern::Func(f)) = caller.export("recurse") else {
                    return Err(Trap::Host("no export recurse".into()));
                };
                Ok(caller.call(&f, &[Val::I32(n + 1)])?[0].i32().unwrap())
            })
            .instantiate(&rt)
            .unwrap();
        let m = rt
            .compile(
                r#"(module (import "env" "again" (func $again (param i32) (result i32)))
                (func (export "recurse") (param i32) (result i32) (call $again (local.get 0))))"#,
            )
            .unwrap();
        let i = rt.instantiate(&m, ModuleConfig::new()).unwrap();
        assert_eq!(i.func("recurse").unwrap().call(&[Val::I32(0)]).unwrap_err(), CallError::Trap(Trap::CallStackExhausted));
    });
}
