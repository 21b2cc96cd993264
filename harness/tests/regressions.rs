//! Replays every case in corpus/regressions/ (found by `zerowasm-harness fuzz`) on both
//! engines, and on wasmi when the case was found with it: they must agree, so a bug found once
//! stays fixed. One test per case.

use libtest_mimic::{Arguments, Failed, Trial};
use zerowasm_harness::fuzz::corpus;

fn main() {
    let args = Arguments::from_args();
    let dir = corpus::regressions_dir();
    let mut trials: Vec<Trial> = corpus::cases(&dir)
        .into_iter()
        .map(|case| {
            let name = case.file_name().unwrap().to_string_lossy().to_string();
            Trial::test(name, move || corpus::replay(&case).map_err(Failed::from))
        })
        .collect();
    // The corpus folder itself must be there (committed), even with no case in it yet.
    trials.push(Trial::test("corpus-regressions-folder-exists", move || {
        if dir.is_dir() {
            Ok(())
        } else {
            Err(format!("{} is missing", dir.display()).into())
        }
    }));
    libtest_mimic::run(&args, trials).exit();
}
