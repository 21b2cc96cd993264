//! Proves the differential fuzzer can fail: built with the test-only feature `inject-bug`
//! (the Interpreter's `i32.add` is one too large when the operands agree in their low 4 bits),
//! a campaign must report an Interpreter-vs-Compiler divergence within 60 seconds, write it to
//! the corpus, and the replay `cargo test` runs must then reject it.
//!
//! Run by `make test`: `cargo test -p zerowasm-harness --features inject-bug --test fuzz_catches_bug`.
#![cfg(feature = "inject-bug")]

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;
use zerowasm_harness::fuzz::{self, corpus, Options};

#[test]
fn fuzzer_catches_an_injected_i32_add_bug_within_60_seconds() {
    if !zerowasm::EngineKind::Compiler.is_available() {
        eprintln!("the Compiler is not available on this host: nothing to compare the Interpreter with");
        return;
    }
    let dir = std::env::temp_dir().join(format!("zerowasm-fuzz-inject-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut opts = Options::new(Duration::from_secs(60), 1, 1, dir.clone());
    opts.stop_on_first = true;
    let s = fuzz::run(&opts, &Arc::new(AtomicBool::new(false)));
    eprintln!("fuzz: {} modules, {} calls, {} divergences, in {:.1} s", s.modules, s.calls, s.divergences, s.seconds);
    assert!(s.divergences >= 1, "the injected i32.add bug went unnoticed for 60 s ({} modules)", s.modules);
    assert_eq!(s.regressions.len(), 1, "the divergence was written to the corpus");
    let case = dir.join("regressions").join(&s.regressions[0]);
    let meta = std::fs::read_to_string(case.join("case.json")).unwrap();
    assert!(meta.contains("interpreter vs compiler"), "{meta}");
    let report = std::fs::read_to_string(case.join("report.md")).unwrap();
    assert!(report.contains("```diff"), "the report has the traces' diff");
    // The replay `cargo test` runs over corpus/regressions/ flags it while the bug is there.
    let replay = corpus::replay(&case);
    assert!(replay.is_err(), "the replay accepted a diverging case");
    let _ = std::fs::remove_dir_all(&dir);
}
