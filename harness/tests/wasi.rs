//! The official WASI preview 1 test suite, one test per (.wasm × engine), in-process through
//! zerowasm's public API (the same runner as `zerowasm-harness wasi`). Tests of engines that
//! are not built, and cases the runner cannot run, are ignored with the reason.
//! Without the suite (../shared/wasi-testsuite or $ZEROWASM_WASI_TESTSUITE) one test fails
//! and says where it looked.

use libtest_mimic::{Arguments, Failed, Trial};
use zerowasm_harness::spectest::Engine;
use zerowasm_harness::wasi::{self, Outcome};

fn main() {
    let args = Arguments::from_args();
    let trials = match wasi::suite_dir(None).and_then(|d| wasi::discover(&d)) {
        Err(e) => vec![Trial::test("wasi-testsuite", move || Err(Failed::from(e.clone())))],
        Ok(cases) => {
            let mut t = Vec::new();
            for engine in Engine::ALL {
                for case in &cases {
                    let name = format!("{}/{}/{}", engine.name(), case.suite, case.name());
                    let case = case.clone();
                    let skip = case.spec.unsupported.is_some() || engine.kind().is_none();
                    let trial = Trial::test(name, move || match wasi::run_case(&case, engine).outcome {
                        Outcome::Passed | Outcome::Skipped(_) => Ok(()),
                        Outcome::Failed(why) => Err(Failed::from(why)),
                    });
                    t.push(trial.with_ignored_flag(skip));
                }
            }
            t
        }
    };
    libtest_mimic::run(&args, trials).exit();
}
