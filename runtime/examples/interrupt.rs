//! Stopping a guest that never ends: another thread interrupts an infinite loop, on both
//! engines, and the example measures how long the stop took after the request.
//!
//! ```text
//! cargo run --example interrupt
//! interpreter: interrupted after 100 ms; stopped 0.0xx ms after the request
//! compiler: interrupted after 100 ms; stopped 0.0xx ms after the request
//! ```

use std::sync::mpsc;
use std::time::{Duration, Instant};
use zerowasm::{CallError, EngineKind, ModuleConfig, Runtime, RuntimeConfig, Trap};

/// A guest that spins forever, counting in a global.
const SPIN: &str = r#"
(module
  (global $n (export "iterations") (mut i64) (i64.const 0))
  (func (export "spin")
    (loop $forever
      (global.set $n (i64.add (global.get $n) (i64.const 1)))
      (br $forever))))
"#;

/// How long the guest runs before the watchdog interrupts it.
const RUN_FOR: Duration = Duration::from_millis(100);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for (name, config) in [("interpreter", RuntimeConfig::interpreter()), ("compiler", RuntimeConfig::compiler())] {
        if config.engine() == EngineKind::Interpreter && name == "compiler" {
            println!("compiler: not available on this host");
            continue;
        }
        // Interruption is opt-in: the engines only compile the checks in when asked.
        let runtime = Runtime::with_config(config.with_interruptible(true));
        let module = runtime.compile(SPIN)?;
        let instance = runtime.instantiate(&module, ModuleConfig::new())?;
        let spin = instance.func("spin").ok_or("no spin export")?;

        // The watchdog: after RUN_FOR, interrupt, and report when it asked.
        let handle = runtime.interrupt_handle()?;
        let (tx, rx) = mpsc::channel();
        let start = Instant::now();
        std::thread::spawn(move || {
            std::thread::sleep(RUN_FOR);
            let requested = Instant::now();
            handle.interrupt();
            let _ = tx.send(requested);
        });

        let result = spin.call(&[]);
        let stopped = Instant::now();
        let requested = rx.recv()?;
        assert_eq!(result, Err(CallError::Trap(Trap::Interrupted)));
        let latency = stopped.saturating_duration_since(requested);
        println!(
            "{name}: interrupted after {} ms; stopped {:.3} ms after the request",
            (requested - start).as_millis(),
            latency.as_secs_f64() * 1e3
        );
        // The instance is still usable: its state is whatever the guest had done.
        let n = instance.global("iterations").ok_or("no iterations export")?.get();
        assert!(n.i64().is_some_and(|n| n > 0));
    }
    Ok(())
}
