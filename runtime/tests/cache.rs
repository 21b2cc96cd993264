//! The compilation cache: shared in memory by runtimes, kept on disk across "processes" (fresh
//! cache objects on the same directory), keyed by configuration, and never trusting a corrupt,
//! truncated, foreign or stale entry.

use std::path::PathBuf;
use zerowasm::*;

const PROGRAM: &str = r#"(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "v") (param v128) (result v128) (i32x4.add (local.get 0) (local.get 0))))"#;

fn fresh_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("zerowasm-cache-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Compiles and runs PROGRAM on a runtime using `cache`; checks the results.
fn run(config: RuntimeConfig, cache: &CompilationCache) {
    let rt = Runtime::with_config(config.with_compilation_cache(cache.clone()));
    if rt.config().consume_fuel() {
        rt.set_fuel(u64::MAX).unwrap();
    }
    let m = rt.compile(PROGRAM).unwrap();
    let i = rt.instantiate(&m, ModuleConfig::new()).unwrap();
    assert_eq!(i.func("fib").unwrap().call(&[Val::I32(20)]), Ok(vec![Val::I32(6765)]));
    let v = i.func("v").unwrap().call(&[Val::V128(0x0000_0004_0000_0003_0000_0002_0000_0001)]);
    assert_eq!(v, Ok(vec![Val::V128(0x0000_0008_0000_0006_0000_0004_0000_0002)]));
}

fn stats(memory_hits: u64, disk_hits: u64, misses: u64, rejected: u64) -> CacheStats {
    CacheStats { memory_hits, disk_hits, misses, rejected }
}

#[test]
fn runtimes_share_compiled_modules_in_memory() {
    for config in [RuntimeConfig::interpreter(), RuntimeConfig::compiler()] {
        let cache = CompilationCache::new();
        run(config.clone(), &cache);
        run(config.clone(), &cache);
        run(config.clone(), &cache);
        assert_eq!(cache.stats(), stats(2, 0, 1, 0));
        // Another configuration is another entry.
        run(config.clone().with_consume_fuel(true).with_max_call_depth(1000), &cache);
        run(config.clone().with_core_features(CoreFeatures::V2_0).with_interruptible(true), &cache);
        assert_eq!(cache.stats().misses, 3);
    }
}

#[test]
fn compiled_code_survives_on_disk() {
    let dir = fresh_dir("disk");
    let first = CompilationCache::with_dir(&dir).unwrap();
    run(RuntimeConfig::compiler(), &first);
    assert_eq!(first.stats(), stats(0, 0, 1, 0));
    if EngineKind::Compiler.is_available() {
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 1, "{files:?}");
        assert!(files[0].extension().is_some_and(|e| e == "zwc"));
        // A new cache on the same directory, as a later process would have.
        let second = CompilationCache::with_dir(&dir).unwrap();
        run(RuntimeConfig::compiler(), &second);
        assert_eq!(second.stats(), stats(0, 1, 0, 0));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_entries_are_detected_and_replaced() {
    if !EngineKind::Compiler.is_available() {
        return;
    }
    let dir = fresh_dir("bad");
    run(RuntimeConfig::compiler(), &CompilationCache::with_dir(&dir).unwrap());
    let entry = std::fs::read_dir(&dir).unwrap().next().unwrap().unwrap().path();
    let good = std::fs::read(&entry).unwrap();
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x40; // in the machine code
    let mut bad_magic = good.clone();
    bad_magic[0] = b'X';
    let mut other_key = good.clone();
    other_key[8] ^= 1; // an entry for another module or configuration (stale or foreign)
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a flipped byte", flipped),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("header only", good[..80].to_vec()),
        ("empty", Vec::new()),
        ("bad magic", bad_magic),
        ("another key", other_key),
        ("random bytes", (0..5000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect()),
    ];
    for (what, bytes) in cases {
        std::fs::write(&entry, &bytes).unwrap();
        let cache = CompilationCache::with_dir(&dir).unwrap();
        run(RuntimeConfig::compiler(), &cache);
        assert_eq!(cache.stats(), stats(0, 0, 1, 1), "{what}");
        // Recompiled and rewritten: sound again.
        assert_eq!(std::fs::read(&entry).unwrap(), good, "{what}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn concurrent_writers_leave_only_whole_entries() {
    let dir = fresh_dir("concurrent");
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let dir = dir.clone();
            std::thread::spawn(move || run(RuntimeConfig::compiler(), &CompilationCache::with_dir(&dir).unwrap()))
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| n.ends_with(".zwc")), "temporary files left: {names:?}");
    if EngineKind::Compiler.is_available() {
        assert_eq!(names.len(), 1);
        let cache = CompilationCache::with_dir(&dir).unwrap();
        run(RuntimeConfig::compiler(), &cache);
        assert_eq!(cache.stats().disk_hits, 1);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn invalid_modules_are_not_cached() {
    let cache = CompilationCache::new();
    let rt = Runtime::with_config(RuntimeConfig::new().with_compilation_cache(cache.clone()));
    for _ in 0..2 {
        assert!(rt.compile("(module (func (result i32) (i64.const 1)))").is_err());
    }
    assert_eq!(cache.stats(), stats(0, 0, 0, 0));
}

#[test]
fn caches_are_send_sync_and_compare_by_identity() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<CompilationCache>();
    let a = CompilationCache::new();
    assert_eq!(a, a.clone());
    assert_ne!(a, CompilationCache::new());
}
