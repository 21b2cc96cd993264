//! Corpus programs (../shared/corpus/programs, see PROGRAMS.md there) that need an embedder:
//! host functions, or values the CLI cannot print. The CLI runs the others (runtime/tests/cli.rs).
//! Without the corpus ($ZEROWASM_CORPUS) these tests fail and say so.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use zerowasm::{HostModuleBuilder, ModuleConfig, Runtime, Trap, Val};

fn corpus(file: &str) -> Vec<u8> {
    let dir = match std::env::var_os("ZEROWASM_CORPUS") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/programs"),
    };
    std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("corpus program {file}: {e} (set $ZEROWASM_CORPUS)"))
}

#[test]
fn hugestack_returns_180_values() {
    let rt = Runtime::new();
    let m = rt.compile(corpus("wat/hugestack.wasm")).unwrap();
    let inst = rt.instantiate(&m, ModuleConfig::new()).unwrap();
    let main = inst.func("main").unwrap();
    let args: Vec<Val> = main.ty().params().iter().map(|t| Val::default_for(*t)).collect();
    let results = main.call(&args).unwrap();
    // Counted in 64-bit cells, as wazero's test does: a v128 is two (low half first).
    let mut cells = Vec::new();
    for v in &results {
        match v {
            Val::I32(x) => cells.push(*x as u32 as u64),
            Val::I64(x) => cells.push(*x as u64),
            Val::F32(b) => cells.push(*b as u64),
            Val::F64(b) => cells.push(*b),
            Val::V128(b) => cells.extend([*b as u64, (*b >> 64) as u64]),
            _ => panic!("unexpected result {v:?}"),
        }
    }
    assert_eq!(cells, (1..=180).collect::<Vec<u64>>());
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
