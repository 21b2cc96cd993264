//! Several runtimes sharing one compilation cache, kept in a directory so that later runs of
//! the program compile nothing: the first compile of a module pays for Cranelift, every later
//! one (in this process or the next) is a cache hit.
//!
//! ```text
//! cargo run --example multiple_runtimes_with_cache -- /tmp/zerowasm-cache
//! runtime 1: fib(25) = 75025 (compiled)
//! runtime 2: fib(25) = 75025 (cache hit)
//! runtime 3: fib(25) = 75025 (cache hit)
//! ```
//!
//! (On a second run, runtime 1 also says "cache hit": its code comes from the directory.)

use zerowasm::{CompilationCache, ModuleConfig, Runtime, RuntimeConfig};

const FIB: &str = r#"
(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2))))))))
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).map(std::path::PathBuf::from).unwrap_or_else(|| {
        std::env::temp_dir().join(format!("zerowasm-example-cache-{}", std::process::id()))
    });
    let cache = CompilationCache::with_dir(&dir)?;
    for n in 1..=3 {
        // Each runtime has its own store (instances, memories); the cache is shared.
        let runtime = Runtime::with_config(RuntimeConfig::new().with_compilation_cache(cache.clone()));
        let before = cache.stats();
        let module = runtime.compile(FIB)?;
        let after = cache.stats();
        let how = if after.misses > before.misses { "compiled" } else { "cache hit" };
        let instance = runtime.instantiate(&module, ModuleConfig::new())?;
        let fib = instance.func("fib").ok_or("no fib export")?.typed::<i32, i32>()?;
        println!("runtime {n}: fib(25) = {} ({how})", fib.call(25)?);
    }
    Ok(())
}
