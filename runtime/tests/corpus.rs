//! Corpus programs (../shared/corpus/programs, see PROGRAMS.md there) that need an embedder
//! (host functions), or checks beyond what the CLI runs: every offset/size pair of hugestack's
//! memory fill. The CLI runs all of them where it can (cli/tests/cli.rs).
//! Without the corpus ($ZEROWASM_CORPUS) these tests fail and say so.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use zerowasm::{CallError, HostModuleBuilder, ModuleConfig, Runtime, RuntimeConfig, Trap, Val};

fn corpus(file: &str) -> Vec<u8> {
    let dir = match std::env::var_os("ZEROWASM_CORPUS") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/programs"),
    };
    std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("corpus program {file}: {e} (set $ZEROWASM_CORPUS)"))
}

#[test]
fn hugestack_returns_180_values() {
    for config in [RuntimeConfig::interpreter(), RuntimeConfig::compiler()] {
        hugestack(Runtime::with_config(config));
    }
}

fn hugestack(rt: Runtime) {
    let m = rt.compile(corpus("wat/hugestack.wasm")).unwrap();
    let inst = rt.instantiate(&m, ModuleConfig::new()).unwrap();
    let main = inst.func("main").unwrap();
    let args: Vec<Val> = main.ty().params().iter().map(|t| Val::default_for(*t).expect("defaultable parameter")).collect();
    assert_eq!(cells(&main.call(&args).unwrap()), (1..=180).collect::<Vec<u64>>());
    // memory_fill_after_main(offset, byte, size) fills the (unexported) memory, then returns
    // the same values; past the page's end it traps.
    let fill = inst.func("memory_fill_after_main").unwrap();
    let sizes: Vec<i32> = std::iter::once(0).chain((1..=15).map(|k| 1 << k)).collect();
    for &offset in &sizes {
        for &size in &sizes {
            let r = fill.call(&[Val::I32(offset), Val::I32(0xff), Val::I32(size)]).unwrap();
            assert_eq!(cells(&r), (1..=180).collect::<Vec<u64>>(), "offset {offset} size {size}");
        }
    }
    let past = fill.call(&[Val::I32(32770), Val::I32(0xff), Val::I32(32768)]);
    assert!(matches!(past, Err(CallError::Trap(Trap::MemoryOutOfBounds))), "{past:?}");
}

/// Results as the 64-bit cells wazero's test counts: a v128 is two (low half first).
fn cells(results: &[Val]) -> Vec<u64> {
    let mut cells = Vec::new();
    for v in results {
        match v {
            Val::I32(x) => cells.push(*x as u32 as u64),
            Val::I64(x) => cells.push(*x as u64),
            Val::F32(b) => cells.push(*b as u64),
            Val::F64(b) => cells.push(*b),
            Val::V128(b) => cells.extend([*b as u64, (*b >> 64) as u64]),
            _ => panic!("unexpected result {v:?}"),
        }
    }
    cells
}

#[test]
fn greet_rust_logs_through_a_host_function() {
    let rt = Runtime::new();
    let logged = Arc::new(Mutex::new(Vec::<String>::new()));
    let l2 = logged.clone();
    HostModuleBuilder::new("env")
        .func("log", move |caller: &mut zerowasm::Caller<'_>, ptr: u32, len: u32| -> Result<(), Trap> {
            let mut b = vec![0u8; len as usize];
            caller.read(ptr as u64, &mut b)?;
            l2.lock().unwrap().push(String::from_utf8_lossy(&b).into_owned());
            Ok(())
        })
        .instantiate(&rt)
        .unwrap();
    let m = rt.compile(corpus("rust/greet.wasm")).unwrap();
    let inst = rt.instantiate(&m, ModuleConfig::new()).unwrap();
    let mem = inst.memory("memory").unwrap();
    let name = b"wazero";
    let alloc = inst.func("allocate").unwrap().typed::<u32, u32>().unwrap();
    let ptr = alloc.call(name.len() as u32).unwrap();
    mem.write(ptr as u64, name).unwrap();
    inst.func("greet").unwrap().typed::<(u32, u32), ()>().unwrap().call((ptr, name.len() as u32)).unwrap();
    // (The Rust build prefixes its log lines with "wasm >> ".)
    let logged = logged.lock().unwrap().clone();
    assert!(logged.len() == 1 && logged[0].ends_with("Hello, wazero!"), "{logged:?}");
    let pl = inst.func("greeting").unwrap().typed::<(u32, u32), u64>().unwrap().call((ptr, name.len() as u32)).unwrap();
    let mut b = vec![0u8; (pl & 0xffff_ffff) as usize];
    mem.read(pl >> 32, &mut b).unwrap();
    assert_eq!(b, b"Hello, wazero!");
}
