//! Memory traps on the Compiler, with guard pages (`RuntimeConfig::with_signals_based_traps`, the
//! default; a signal handler on x86_64 Linux) and with explicit bounds checks: the same traps,
//! the same memory contents after them, backtraces, traps inside nested calls, memory growth,
//! many memories, several threads at once, and faults that are not wasm's (they must still
//! kill the process, not become traps).

use zerowasm::*;

const SRC: &str = r#"(module $m
    (memory (export "mem") 1 4)
    (func $inner (param i32) (result i32) (i32.load (local.get 0)))
    (func $mid (param i32) (result i32) (i32.add (call $inner (local.get 0)) (i32.const 1)))
    (func (export "load") (param i32) (result i32) (call $mid (local.get 0)))
    (func (export "load_far") (param i32) (result i64) (i64.load offset=0xffffffff (local.get 0)))
    (func (export "store") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
    (func (export "v128_store") (param i32) (v128.store (local.get 0) (v128.const i64x2 -1 -1)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size))
    (func (export "sum") (param i32 i32) (result i32) (local $s i32)
        (block $done (loop $l
            (br_if $done (i32.ge_u (local.get 0) (local.get 1)))
            (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get 0))))
            (local.set 0 (i32.add (local.get 0) (i32.const 1)))
            (br $l)))
        (local.get $s)))"#;

fn runtime(signals: bool) -> Runtime {
    Runtime::with_config(RuntimeConfig::compiler().with_signals_based_traps(signals))
}

fn instance(rt: &Runtime) -> Instance {
    let m = rt.compile(SRC).expect("compiles");
    rt.instantiate(&m, ModuleConfig::new()).expect("instantiates")
}

fn both(test: impl Fn(&Runtime, &Instance)) {
    for signals in [true, false] {
        let rt = runtime(signals);
        test(&rt, &instance(&rt));
    }
}

fn call(i: &Instance, name: &str, args: &[Val]) -> Result<Vec<Val>, Trap> {
    i.func(name).unwrap().call(args).map_err(Trap::from)
}

#[test]
fn accesses_up_to_the_end_run_and_past_it_trap() {
    both(|_, i| {
        assert_eq!(call(i, "load", &[Val::I32(65532)]), Ok(vec![Val::I32(1)]));
        for addr in [65533, 65536, 1 << 20, -1] {
            assert_eq!(call(i, "load", &[Val::I32(addr)]), Err(Trap::MemoryOutOfBounds), "address {addr}");
        }
        // The furthest an access can reach: address and offset both 2^32 - 1.
        assert_eq!(call(i, "load_far", &[Val::I32(-1)]), Err(Trap::MemoryOutOfBounds));
        assert_eq!(call(i, "load_far", &[Val::I32(0)]), Err(Trap::MemoryOutOfBounds));
        // The runtime stays usable.
        assert_eq!(call(i, "load", &[Val::I32(0)]), Ok(vec![Val::I32(1)]));
    });
}

#[test]
fn a_store_that_straddles_the_end_writes_nothing() {
    both(|_, i| {
        let mem = i.memory("mem").unwrap();
        assert_eq!(call(i, "store", &[Val::I32(65532), Val::I64(-1)]), Err(Trap::MemoryOutOfBounds));
        assert_eq!(call(i, "v128_store", &[Val::I32(65530)]), Err(Trap::MemoryOutOfBounds));
        let mut tail = [1u8; 8];
        mem.read(65528, &mut tail).unwrap();
        assert_eq!(tail, [0; 8]);
        assert_eq!(call(i, "v128_store", &[Val::I32(65520)]), Ok(vec![]));
        mem.read(65528, &mut tail).unwrap();
        assert_eq!(tail, [0xff; 8]);
    });
}

#[test]
fn growth_makes_the_next_pages_accessible_and_no_further() {
    both(|_, i| {
        let mem = i.memory("mem").unwrap();
        assert_eq!(call(i, "load", &[Val::I32(65536)]), Err(Trap::MemoryOutOfBounds));
        assert_eq!(call(i, "grow", &[Val::I32(1)]), Ok(vec![Val::I32(1)]));
        assert_eq!(call(i, "size", &[]), Ok(vec![Val::I32(2)]));
        mem.write(65536, &[41, 0, 0, 0]).unwrap();
        assert_eq!(call(i, "load", &[Val::I32(65536)]), Ok(vec![Val::I32(42)]));
        assert_eq!(call(i, "load", &[Val::I32(2 * 65536 - 3)]), Err(Trap::MemoryOutOfBounds));
        // Growth from the host is seen too; past the maximum (4 pages) it fails.
        assert_eq!(mem.grow(2), Some(2));
        assert_eq!(call(i, "load", &[Val::I32(4 * 65536 - 4)]), Ok(vec![Val::I32(1)]));
        assert_eq!(call(i, "grow", &[Val::I32(1)]), Ok(vec![Val::I32(-1)]));
        assert_eq!(call(i, "load", &[Val::I32(4 * 65536)]), Err(Trap::MemoryOutOfBounds));
        // A loop running off the end traps; its sum up to there is not returned.
        mem.write(4 * 65536 - 2, &[5, 6]).unwrap();
        assert_eq!(call(i, "sum", &[Val::I32(4 * 65536 - 2), Val::I32(4 * 65536)]), Ok(vec![Val::I32(11)]));
        assert_eq!(call(i, "sum", &[Val::I32(4 * 65536 - 2), Val::I32(4 * 65536 + 1)]), Err(Trap::MemoryOutOfBounds));
    });
}

#[test]
fn the_backtrace_names_the_frames_the_trap_unwound() {
    both(|_, i| {
        assert_eq!(call(i, "load", &[Val::I32(-4)]), Err(Trap::MemoryOutOfBounds));
        let bt = WasmBacktrace::last().expect("a backtrace");
        assert_eq!(bt.trap(), Some(&Trap::MemoryOutOfBounds));
        let names: Vec<_> = bt.frames().iter().map(|f| f.to_string()).collect();
        assert_eq!(names, ["m!inner", "m!mid", "m!<wasm function 2>"]);
    });
}

#[test]
fn a_trap_inside_a_nested_call_returns_to_the_host_function_that_made_it() {
    for signals in [true, false] {
        let rt = runtime(signals);
        HostModuleBuilder::new("env")
            .func("try_load", |caller: &mut Caller<'_>, addr: i32| -> Result<i32, Trap> {
                let Some(Extern::Func(f)) = caller.export("load") else { panic!("load is exported") };
                match caller.call(&f, &[Val::I32(addr)]) {
                    Ok(v) => Ok(v[0].i32().unwrap()),
                    Err(CallError::Trap(Trap::MemoryOutOfBounds)) => Ok(-1),
                    Err(e) => Err(e.into()),
                }
            })
            .instantiate(&rt)
            .unwrap();
        let i = rt
            .instantiate(
                &rt.compile(
                    r#"(module
                    (import "env" "try_load" (func $try (param i32) (result i32)))
                    (memory 1)
                    (data (i32.const 8) "\07")
                    (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
                    (func (export "both") (param i32 i32) (result i32)
                        (i32.add (i32.mul (call $try (local.get 0)) (i32.const 100)) (call $try (local.get 1)))))"#,
                )
                .unwrap(),
                ModuleConfig::new(),
            )
            .unwrap();
        // The first nested call traps, the host function recovers, and the outer code goes on.
        assert_eq!(call(&i, "both", &[Val::I32(70000), Val::I32(8)]), Ok(vec![Val::I32(-93)]));
        assert_eq!(call(&i, "both", &[Val::I32(8), Val::I32(-1)]), Ok(vec![Val::I32(699)]));
    }
}

#[test]
fn many_memories_live_at_once() {
    let rt = runtime(true);
    let m = rt.compile(SRC).unwrap();
    // 300 reservations of 8 GiB: 2.4 TiB of address space, none of it committed beyond a page.
    let all: Vec<Instance> = (0..300).map(|_| rt.instantiate(&m, ModuleConfig::new()).unwrap()).collect();
    for (n, i) in all.iter().enumerate() {
        i.memory("mem").unwrap().write(0, &(n as u32).to_le_bytes()).unwrap();
    }
    for (n, i) in all.iter().enumerate() {
        assert_eq!(call(i, "load", &[Val::I32(0)]), Ok(vec![Val::I32(n as i32 + 1)]));
        assert_eq!(call(i, "load", &[Val::I32(65536)]), Err(Trap::MemoryOutOfBounds));
    }
}

#[test]
fn threads_trap_independently() {
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                let rt = runtime(true);
                let i = instance(&rt);
                for k in 0..2000 {
                    let r = call(&i, "load", &[Val::I32(65536 + k + t)]);
                    assert_eq!(r, Err(Trap::MemoryOutOfBounds));
                    assert_eq!(call(&i, "load", &[Val::I32(k)]), Ok(vec![Val::I32(1)]));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn the_interpreter_and_the_checked_compiler_agree_with_guard_pages() {
    let rts = [
        Runtime::with_config(RuntimeConfig::interpreter()),
        runtime(false),
        runtime(true),
    ];
    let results: Vec<Vec<Result<Vec<Val>, Trap>>> = rts
        .iter()
        .map(|rt| {
            let i = instance(rt);
            (0..40)
                .map(|k| {
                    let addr = 65536 - 20 + k;
                    call(&i, "store", &[Val::I32(addr), Val::I64(0x0102030405060708)])
                        .and_then(|_| call(&i, "load", &[Val::I32(addr - 2)]))
                })
                .collect()
        })
        .collect();
    assert_eq!(results[0], results[1]);
    assert_eq!(results[0], results[2]);
}

/// The child process of `a_fault_outside_wasm_still_kills_the_process`: a host function called
/// from compiled code dereferences an unmapped address.
#[test]
fn fault_child() {
    if std::env::var_os("ZEROWASM_FAULT_CHILD").is_none() {
        return;
    }
    let rt = runtime(true);
    HostModuleBuilder::new("env")
        .func("crash", || -> i32 {
            // SAFETY: none; this is the bug the test stands for. Address 16 is never mapped.
            unsafe { std::ptr::read_volatile(16 as *const i32) }
        })
        .instantiate(&rt)
        .unwrap();
    let i = rt
        .instantiate(
            &rt.compile(
                r#"(module (import "env" "crash" (func $c (result i32))) (memory 1)
                (func (export "go") (result i32) (i32.add (call $c) (i32.load (i32.const 0)))))"#,
            )
            .unwrap(),
            ModuleConfig::new(),
        )
        .unwrap();
    let r = call(&i, "go", &[]);
    println!("NOT KILLED: {r:?}");
}

#[test]
#[cfg(unix)]
fn a_fault_outside_wasm_still_kills_the_process() {
    use std::os::unix::process::ExitStatusExt;
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "fault_child", "--nocapture", "--test-threads=1"])
        .env("ZEROWASM_FAULT_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("NOT KILLED"), "the fault became a result: {stdout}");
    // Killed by SIGSEGV (11), as without the handler.
    assert_eq!(out.status.signal(), Some(11), "{:?}\n{stdout}", out.status);
}
