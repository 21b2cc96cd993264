//! [`CompilationCache`]: compiled modules shared by runtimes in one process and, with a
//! directory, kept across processes.
//!
//! An entry's key is a SHA-256 over everything the compiled code depends on: the module's
//! bytes, zerowasm's version, the engine and (for the Compiler) the target triple and CPU
//! features, the core features, and the instrumentation (fuel, interruption, listener, call
//! depth). On disk, an entry is one file named by its key:
//!
//! ```text
//! "ZWCACHE1" | key (32 bytes) | payload length (u64 LE) | SHA-256 of payload | payload
//! ```
//!
//! A file whose header, key, length or checksum does not match is ignored (and replaced by a
//! fresh compilation), never trusted. Files are written to a temporary name in the same
//! directory and renamed into place, so concurrent writers (threads or processes) never leave
//! a half-written entry under a key.

use super::runtime::RuntimeInner;
use super::CompileError;
use crate::vm::EngineCode;
use crate::wasm::Module;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

const MAGIC: &[u8; 8] = b"ZWCACHE1";
const HEADER: usize = 8 + 32 + 8 + 32;

/// A cache of compiled modules, shared by the [`Runtime`](crate::Runtime)s configured with it
/// ([`RuntimeConfig::with_compilation_cache`](crate::RuntimeConfig::with_compilation_cache)).
/// Cheap to clone (clones share the cache); `Send + Sync`.
///
/// In memory, a hit skips compilation entirely. With a directory
/// ([`CompilationCache::with_dir`]), the Compiler's machine code is also written to disk and
/// reused by later processes: a hit then costs decoding and validating the module plus
/// mapping the code. The Interpreter's code is cached in memory only (translating is cheap).
///
/// ```
/// use zerowasm::{CompilationCache, Runtime, RuntimeConfig};
/// let cache = CompilationCache::new();
/// let a = Runtime::with_config(RuntimeConfig::new().with_compilation_cache(cache.clone()));
/// let b = Runtime::with_config(RuntimeConfig::new().with_compilation_cache(cache.clone()));
/// a.compile("(module)").unwrap();
/// b.compile("(module)").unwrap(); // not compiled again
/// assert_eq!(cache.stats().memory_hits, 1);
/// ```
#[derive(Clone, Default)]
pub struct CompilationCache {
    inner: Arc<CacheInner>,
}

#[derive(Default)]
struct CacheInner {
    entries: Mutex<HashMap<[u8; 32], (Arc<Module>, EngineCode)>>,
    dir: Option<PathBuf>,
    memory_hits: AtomicU64,
    disk_hits: AtomicU64,
    misses: AtomicU64,
    rejected: AtomicU64,
}

/// How a [`CompilationCache`] has been used so far (counts of `Runtime::compile` calls).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Modules found in memory.
    pub memory_hits: u64,
    /// Modules found on disk.
    pub disk_hits: u64,
    /// Modules compiled (not found, or found unusable).
    pub misses: u64,
    /// Entries on disk that were corrupt, truncated, foreign or stale and so recompiled.
    pub rejected: u64,
}

impl std::fmt::Debug for CompilationCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompilationCache").field("dir", &self.inner.dir).field("stats", &self.stats()).finish()
    }
}

impl PartialEq for CompilationCache {
    /// The same cache (clones of one another).
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}
impl Eq for CompilationCache {}

impl CompilationCache {
    /// An empty in-memory cache.
    pub fn new() -> Self {
        Self::default()
    }
    /// A cache that also keeps the Compiler's code in directory `dir` (created if missing),
    /// for later processes. Errors: the directory cannot be created.
    pub fn with_dir(dir: impl AsRef<Path>) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir.as_ref())?;
        Ok(CompilationCache {
            inner: Arc::new(CacheInner { dir: Some(dir.as_ref().to_path_buf()), ..Default::default() }),
        })
    }
    /// The directory, if the cache has one.
    pub fn dir(&self) -> Option<&Path> {
        self.inner.dir.as_deref()
    }
    /// Counts of hits, misses and rejected disk entries so far.
    pub fn stats(&self) -> CacheStats {
        let i = &self.inner;
        CacheStats {
            memory_hits: i.memory_hits.load(Ordering::Relaxed),
            disk_hits: i.disk_hits.load(Ordering::Relaxed),
            misses: i.misses.load(Ordering::Relaxed),
            rejected: i.rejected.load(Ordering::Relaxed),
        }
    }

    fn path(&self, key: &[u8; 32]) -> Option<PathBuf> {
        Some(self.inner.dir.as_ref()?.join(format!("{}.zwc", hex(key))))
    }

    /// The payload of the entry for `key` on disk, if there is a sound one.
    fn read(&self, key: &[u8; 32]) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.path(key)?).ok()?;
        let ok = bytes.len() >= HEADER
            && &bytes[..8] == MAGIC
            && bytes[8..40] == key[..]
            && u64::from_le_bytes(bytes[40..48].try_into().ok()?) == (bytes.len() - HEADER) as u64
            && Sha256::digest(&bytes[HEADER..])[..] == bytes[48..80];
        if !ok {
            self.inner.rejected.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        Some(bytes[HEADER..].to_vec())
    }

    /// Writes the entry for `key` (best effort: a cache that cannot be written is only slower).
    fn write(&self, key: &[u8; 32], payload: &[u8]) {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let Some(path) = self.path(key) else { return };
        let tmp = path.with_extension(format!(
            "tmp.{}.{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let mut file = Vec::with_capacity(HEADER + payload.len());
        file.extend_from_slice(MAGIC);
        file.extend_from_slice(key);
        file.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        file.extend_from_slice(&Sha256::digest(payload));
        file.extend_from_slice(payload);
        if std::fs::write(&tmp, &file).is_err() || std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The cache key of `binary` compiled by runtime `rt`.
fn key(rt: &RuntimeInner, binary: &[u8]) -> [u8; 32] {
    let c = &rt.config;
    let mut h = Sha256::new();
    let config = format!(
        "zerowasm {} | {} | {:?} | fuel {} interrupt {} listen {} depth {:?}",
        env!("CARGO_PKG_VERSION"),
        rt.engine.fingerprint(),
        c.features,
        c.consume_fuel,
        c.interruptible,
        c.listener.is_some(),
        c.call_depth_set.then_some(c.max_call_depth),
    );
    h.update((config.len() as u64).to_le_bytes());
    h.update(config.as_bytes());
    h.update(binary);
    h.finalize().into()
}

/// Decodes, validates and compiles `binary` for runtime `rt`, through its cache if it has one.
pub(crate) fn compile(rt: &RuntimeInner, binary: Arc<[u8]>) -> Result<(Arc<Module>, EngineCode), CompileError> {
    let features = rt.config.features;
    let Some(cache) = &rt.config.cache else {
        let module = Arc::new(crate::wasm::parse(binary, features)?);
        let code = rt.engine.compile(&module)?;
        return Ok((module, code));
    };
    let key = key(rt, &binary);
    let found = cache.inner.entries.lock().unwrap_or_else(|e| e.into_inner()).get(&key).cloned();
    if let Some(hit) = found {
        cache.inner.memory_hits.fetch_add(1, Ordering::Relaxed);
        return Ok(hit);
    }
    // Validation always runs: the cached code is only ever paired with a module that passed it.
    let module = Arc::new(crate::wasm::parse(binary, features)?);
    let from_disk = cache.read(&key).and_then(|payload| {
        let code = rt.engine.deserialize(&module, &payload);
        if code.is_none() {
            cache.inner.rejected.fetch_add(1, Ordering::Relaxed);
        }
        code
    });
    let code = match from_disk {
        Some(code) => {
            cache.inner.disk_hits.fetch_add(1, Ordering::Relaxed);
            code
        }
        None => {
            cache.inner.misses.fetch_add(1, Ordering::Relaxed);
            let code = rt.engine.compile(&module)?;
            if cache.inner.dir.is_some() {
                if let Some(payload) = rt.engine.serialize(&code) {
                    cache.write(&key, &payload);
                }
            }
            code
        }
    };
    cache.inner.entries.lock().unwrap_or_else(|e| e.into_inner()).insert(key, (module.clone(), code.clone()));
    Ok((module, code))
}
