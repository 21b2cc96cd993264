//! The host functions generated to satisfy a module's function imports: each returns
//! deterministic results (or traps now and then) and records its calls, so the sequence of
//! host calls is compared too.

use super::gen::{self, Ty, Value};
use std::sync::{Arc, Mutex};

/// The calls made to the host functions of one instance, shared by all of them.
#[derive(Clone, Default)]
pub struct HostLog {
    inner: Arc<Mutex<LogInner>>,
}

#[derive(Default)]
struct LogInner {
    /// Lines not yet taken into the trace.
    lines: Vec<String>,
    /// Calls so far per import index.
    counts: Vec<u64>,
}

impl HostLog {
    /// Records a call of import number `import` (named `label`) and returns its results, or
    /// `None` when this call traps.
    pub fn call(&self, import: usize, label: &str, args: &[Value], results: &[Ty]) -> Option<Vec<Value>> {
        let mut l = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if l.counts.len() <= import {
            l.counts.resize(import + 1, 0);
        }
        let n = l.counts[import];
        l.counts[import] += 1;
        let out = gen::host_results(import, n, results);
        let shown: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let res = match &out {
            Some(v) => format!("[{}]", v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ")),
            None => "trap".into(),
        };
        l.lines.push(format!("host {label}({}) -> {res}", shown.join(", ")));
        out
    }

    /// The lines recorded since the last call, in call order.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.inner.lock().unwrap_or_else(|e| e.into_inner()).lines)
    }
}
