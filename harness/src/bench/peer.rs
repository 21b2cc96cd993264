//! The peer runtimes driven out of process: wasmtime (PyPI `wasmtime`, wasmtime's C API) and
//! wasm3 (PyPI `pywasm3`), each in a long-lived `python3 scripts/bench_peer.py NAME` process
//! that answers one JSON job per line (the protocol is described in that script). The Python
//! comes from `$ZEROWASM_PEER_PYTHON`, else `.peers/venv/bin/python3` (made by
//! `make bench-peers`), else `python3` on the PATH.

use super::{report, Contender};
use std::cell::RefCell;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// The out-of-process peers.
pub const NAMES: [&str; 2] = ["wasmtime", "wasm3"];

/// One peer process.
pub struct PeerProc {
    /// `wasmtime` or `wasm3`.
    pub name: &'static str,
    child: Option<(Child, ChildStdin, BufReader<ChildStdout>)>,
    /// The runtime's version, or why it is missing.
    pub status: Result<String, String>,
}

impl PeerProc {
    fn start(name: &'static str) -> PeerProc {
        Self::start_with(name, &python())
    }

    /// Starts the driver for `name` with the given Python interpreter; a peer that cannot be
    /// started or does not answer is kept with its reason in [`PeerProc::status`].
    pub fn start_with(name: &'static str, python: &std::path::Path) -> PeerProc {
        let script = super::workspace().join("scripts/bench_peer.py");
        let spawned = Command::new(python)
            .arg(&script)
            .arg(name)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn();
        let mut p = match spawned {
            Ok(mut c) => {
                let stdin = c.stdin.take().expect("piped");
                let stdout = BufReader::new(c.stdout.take().expect("piped"));
                PeerProc { name, child: Some((c, stdin, stdout)), status: Err(String::new()) }
            }
            Err(e) => {
                return PeerProc {
                    name,
                    child: None,
                    status: Err(format!("cannot start {} ({e}); run `make bench-peers`", python.display())),
                }
            }
        };
        p.status = match p.call(json!({"task": "version"})) {
            Ok(v) => Ok(v["version"].as_str().unwrap_or("unknown").to_string()),
            Err(e) => Err(e),
        };
        if p.status.is_err() {
            p.stop();
        }
        p
    }

    /// Whether the runtime is installed and answering.
    pub fn ok(&self) -> bool {
        self.status.is_ok()
    }

    /// Sends one job and reads its answer. Errors: the peer's own error message, or a broken
    /// pipe (the process died: it is not asked again).
    pub fn call(&mut self, job: Value) -> Result<Value, String> {
        let Some((_, stdin, stdout)) = self.child.as_mut() else {
            return Err(self.status.clone().err().unwrap_or_else(|| "not running".into()));
        };
        let mut line = job.to_string();
        line.push('\n');
        let mut answer = String::new();
        let io = stdin.write_all(line.as_bytes()).and_then(|_| stdin.flush()).and_then(|_| stdout.read_line(&mut answer));
        match io {
            Ok(n) if n > 0 => {}
            Ok(_) | Err(_) => {
                self.stop();
                self.status = Err(format!("{}: the driver process ended", self.name));
                return Err(self.status.clone().unwrap_err());
            }
        }
        let v: Value = serde_json::from_str(&answer).map_err(|e| format!("{}: bad answer {answer:?}: {e}", self.name))?;
        if v["ok"].as_bool() == Some(true) {
            Ok(v)
        } else {
            Err(v["error"].as_str().unwrap_or("unknown error").to_string())
        }
    }

    fn stop(&mut self) {
        if let Some((mut c, stdin, _)) = self.child.take() {
            drop(stdin);
            let _ = c.wait();
        }
    }
}

impl Drop for PeerProc {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The Python interpreter that runs the driver.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("ZEROWASM_PEER_PYTHON").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let venv = super::workspace().join(".peers/venv/bin/python3");
    if venv.is_file() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

/// All peers of a run.
pub struct Peers {
    /// Whether `--peers` was given.
    pub enabled: bool,
    /// The out-of-process peers (empty without `--peers`).
    pub procs: Vec<RefCell<PeerProc>>,
}

impl Peers {
    /// Starts the out-of-process peers when `enabled`.
    pub fn start(enabled: bool) -> Peers {
        let procs = if enabled { NAMES.iter().map(|n| RefCell::new(PeerProc::start(n))).collect() } else { Vec::new() };
        Peers { enabled, procs }
    }

    /// The peers driven by the given Python interpreter (for tests).
    pub fn start_with(python: &std::path::Path) -> Peers {
        Peers { enabled: true, procs: NAMES.iter().map(|n| RefCell::new(PeerProc::start_with(n, python))).collect() }
    }

    /// The peer called `name`, if started and installed.
    pub fn get(&self, name: &str) -> Option<&RefCell<PeerProc>> {
        self.procs.iter().find(|p| p.borrow().name == name && p.borrow().ok())
    }

    /// One contender per out-of-process peer: `make(name)` gives how that peer takes a sample
    /// (from its process), or (status, reason) when it cannot run this benchmark. Peers that
    /// are not installed or not enabled are `missing`.
    pub fn contenders<'a>(
        &'a self,
        mut make: impl FnMut(&'static str) -> Result<PeerSample<'a>, (String, String)>,
    ) -> Vec<Contender<'a>> {
        NAMES
            .iter()
            .map(|&name| match self.get(name) {
                None => Contender::unavailable(name, "missing", self.missing_reason(name)),
                Some(cell) => match make(name) {
                    Ok(mut f) => Contender::new(name, move || f(&mut cell.borrow_mut())),
                    Err((status, reason)) => Contender::unavailable(name, &status, reason),
                },
            })
            .collect()
    }

    /// How each peer runs, for the report.
    pub fn describe(&self) -> Vec<report::Peer> {
        let procs: Vec<std::cell::Ref<'_, PeerProc>> = self.procs.iter().map(|p| p.borrow()).collect();
        let mut v = vec![report::Peer {
            runtime: "wasmi".into(),
            status: "ok".into(),
            detail: format!(
                "wasmi {} (crate, in-process, wasmi's default configuration); sightglass modules get the harness's own WASI preview 1 subset (bench/wasi_shim.rs)",
                wasmi_version()
            ),
        }];
        for name in NAMES {
            let how = match name {
                "wasmtime" => "PyPI `wasmtime` (wasmtime's C API: Cranelift, parallel compilation on) in scripts/bench_peer.py",
                _ => "PyPI `pywasm3` (wasm3's interpreter) in scripts/bench_peer.py",
            };
            v.push(match procs.iter().find(|p| p.name == name).map(|p| &**p) {
                Some(PeerProc { status: Ok(version), .. }) => {
                    report::Peer { runtime: name.into(), status: "ok".into(), detail: format!("{name} {version}: {how}") }
                }
                Some(PeerProc { status: Err(e), .. }) => report::Peer { runtime: name.into(), status: "missing".into(), detail: e.clone() },
                None => report::Peer {
                    runtime: name.into(),
                    status: "missing".into(),
                    detail: "not run: give --peers (`make bench` does)".into(),
                },
            });
        }
        v
    }

    /// A contender status for a peer that cannot run: `missing` with why.
    pub fn missing_reason(&self, name: &str) -> String {
        match self.procs.iter().map(|p| p.borrow()).find(|p| p.name == name) {
            Some(p) if p.status.is_err() => p.status.clone().unwrap_err(),
            Some(_) => String::new(),
            None => "not run: give --peers (`make bench` does)".into(),
        }
    }
}

/// How a peer takes one sample, given its process.
pub type PeerSample<'a> = Box<dyn FnMut(&mut PeerProc) -> Result<Vec<f64>, String> + 'a>;

/// The wasmi crate's version: the workspace's requirement (Cargo.lock pins the exact one).
pub fn wasmi_version() -> &'static str {
    "2.x"
}
