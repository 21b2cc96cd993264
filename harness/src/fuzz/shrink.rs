//! Minimising a diverging module with [wasm-shrink](https://docs.rs/wasm-shrink). Each
//! candidate is checked in a child process (`zerowasm-harness fuzz --check`) with a time
//! limit: shrinking can delete the fuel checks that make a module terminate, and a hang or a
//! crash must not take the campaign down.

use super::gen::Case;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Time limit of one candidate's check.
const CANDIDATE_SECS: u64 = 5;
/// Time limit of the whole shrink.
const TOTAL_SECS: u64 = 90;

/// The smallest module found that still shows the divergence `pair` between the same engines.
pub fn shrink(case: &Case, oracle: bool, pair: &str) -> Result<Vec<u8>, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let dir = std::env::temp_dir().join(format!("zerowasm-shrink-{}-{}", std::process::id(), case.seed));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join("candidate.wasm");
    let start = Instant::now();
    let predicate = |wasm: &[u8]| -> anyhow::Result<bool> {
        if start.elapsed() > Duration::from_secs(TOTAL_SECS) {
            return Ok(false);
        }
        std::fs::write(&file, wasm)?;
        let mut cmd = Command::new(&exe);
        cmd.args(["fuzz", "--check"]).arg(&file);
        cmd.args(["--features", case.features.name(), "--arg-seed", &case.arg_seed.to_string()]);
        if oracle {
            cmd.args(["--oracle", "wasmi"]);
        }
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn()?;
        let deadline = Instant::now() + Duration::from_secs(CANDIDATE_SECS);
        loop {
            if let Some(status) = child.try_wait()? {
                let mut out = String::new();
                use std::io::Read;
                if let Some(mut s) = child.stdout.take() {
                    let _ = s.read_to_string(&mut out);
                }
                return Ok(status.code() == Some(1) && out.trim() == pair);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Ok(false);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    };
    let result = wasm_shrink::WasmShrink::default()
        .attempts(400)
        .seed(case.seed)
        .run(case.wasm.clone(), predicate)
        .map_err(|e| e.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    Ok(result?.output)
}

