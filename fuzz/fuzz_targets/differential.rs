//! libFuzzer target: the bytes libFuzzer gives become a module (wasm-smith) and call arguments;
//! the Interpreter and the Compiler must agree on everything `zerowasm-harness fuzz` compares.
//! The raw bytes also go to `Runtime::compile` on both engines (validation must agree, nothing
//! may panic). A divergence panics, which libFuzzer reports as a crash with its input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zerowasm_harness::fuzz::{self, gen};

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let features = gen::FeatureSet::ALL[u.int_in_range(0..=2usize).unwrap_or(0)];
    if let Ok((wasm, arg_seed)) = gen::from_unstructured(&mut u, features) {
        let case = gen::Case { seed: 0, features, wasm, arg_seed };
        if let Some(d) = fuzz::check(&case, false).divergence {
            panic!("{}: {}", d.pair, d.what);
        }
    }
    if let Some(d) = fuzz::check_validation(data, features) {
        panic!("{}: {}", d.pair, d.what);
    }
});
