//! The WASI preview 1 subset the sightglass and wasmi-benchmarks modules import, for running
//! them on wasmi in-process (wasmi's own WASI crate is not a dependency). Read-only: one
//! preopened directory (guest name `.`), files read whole on open, stdout and stderr kept in
//! memory, no arguments, no environment except `WASM_BENCH_USE_SMALL_WORKLOAD` when set.
//! Errors follow the spec's errno values
//! (<https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md>).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use wasmi::{Caller, Extern, Linker};

const ESUCCESS: i32 = 0;
const EBADF: i32 = 8;
const EFAULT: i32 = 21;
const EINVAL: i32 = 28;
const EISDIR: i32 = 31;
const ENOENT: i32 = 44;
const ENOSYS: i32 = 52;
const ENOTDIR: i32 = 54;
const EROFS: i32 = 69;

const FILETYPE_CHAR: u8 = 2;
const FILETYPE_DIR: u8 = 3;
const FILETYPE_FILE: u8 = 4;

/// An open descriptor.
enum Fd {
    Stdin,
    Stdout,
    Stderr,
    /// A directory: its host path, and the guest name if preopened.
    Dir(PathBuf, Option<String>),
    /// A file read whole, and the position in it.
    File(Vec<u8>, u64),
}

/// The state of one run: descriptors, captured output and the bench marks.
pub struct WasiState {
    fds: HashMap<u32, Fd>,
    next: u32,
    env: Vec<String>,
    /// What the guest wrote to stdout.
    pub stdout: Vec<u8>,
    /// What the guest wrote to stderr.
    pub stderr: Vec<u8>,
    /// CPU seconds at `bench.start` and `bench.end`.
    pub marks: (Option<f64>, Option<f64>),
}

impl WasiState {
    /// A state with `dir` preopened as `.` (fd 3).
    pub fn new(dir: &Path) -> WasiState {
        let mut fds = HashMap::new();
        fds.insert(0, Fd::Stdin);
        fds.insert(1, Fd::Stdout);
        fds.insert(2, Fd::Stderr);
        fds.insert(3, Fd::Dir(dir.to_path_buf(), Some(".".into())));
        let env = std::env::var("WASM_BENCH_USE_SMALL_WORKLOAD")
            .map(|v| vec![format!("WASM_BENCH_USE_SMALL_WORKLOAD={v}")])
            .unwrap_or_default();
        WasiState { fds, next: 4, env, stdout: Vec::new(), stderr: Vec::new(), marks: (None, None) }
    }
}

type C<'a> = Caller<'a, WasiState>;

fn mem<'a>(c: &'a mut C<'_>) -> Option<(&'a mut [u8], &'a mut WasiState)> {
    match c.get_export("memory") {
        Some(Extern::Memory(m)) => Some(m.data_and_store_mut(c)),
        _ => None,
    }
}

fn slice(m: &[u8], ptr: i32, len: u32) -> Option<&[u8]> {
    m.get(ptr as u32 as usize..(ptr as u32 as usize).checked_add(len as usize)?)
}

fn put(m: &mut [u8], ptr: i32, bytes: &[u8]) -> bool {
    let start = ptr as u32 as usize;
    match m.get_mut(start..start.saturating_add(bytes.len())) {
        Some(s) if s.len() == bytes.len() => {
            s.copy_from_slice(bytes);
            true
        }
        _ => false,
    }
}

fn u32_at(m: &[u8], ptr: u32) -> Option<u32> {
    Some(u32::from_le_bytes(m.get(ptr as usize..ptr as usize + 4)?.try_into().ok()?))
}

/// The (buf, len) pairs of an iovec array.
fn iovs(m: &[u8], ptr: i32, n: i32) -> Option<Vec<(u32, u32)>> {
    (0..n as u32).map(|i| Some((u32_at(m, ptr as u32 + 8 * i)?, u32_at(m, ptr as u32 + 8 * i + 4)?))).collect()
}

/// A relative path below a directory, with no `..` or absolute part.
fn resolve(dir: &Path, path: &[u8]) -> Option<PathBuf> {
    let p = Path::new(std::str::from_utf8(path).ok()?);
    let mut out = dir.to_path_buf();
    for c in p.components() {
        match c {
            Component::Normal(x) => out.push(x),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

fn filestat(m: &mut [u8], ptr: i32, filetype: u8, size: u64) -> i32 {
    let mut b = [0u8; 64];
    b[16] = filetype;
    b[24..32].copy_from_slice(&1u64.to_le_bytes());
    b[32..40].copy_from_slice(&size.to_le_bytes());
    if put(m, ptr, &b) {
        ESUCCESS
    } else {
        EFAULT
    }
}

/// The WASI functions [`define`] implements; [`define_rest`] stubs the others.
const DEFINED: [&str; 20] = [
    "proc_exit", "args_sizes_get", "args_get", "environ_sizes_get", "environ_get", "clock_time_get", "random_get",
    "poll_oneoff", "fd_sync", "fd_close", "fd_fdstat_get", "fd_filestat_get", "fd_prestat_get", "fd_prestat_dir_name",
    "fd_seek", "fd_read", "fd_write", "path_open", "path_filestat_get", "fd_datasync",
];

/// Defines every other `wasi_snapshot_preview1` function `module` imports as returning
/// `ENOSYS`, so that modules importing more than the benchmarks call still instantiate.
pub fn define_rest(linker: &mut Linker<WasiState>, module: &wasmi::Module) -> Result<(), String> {
    for imp in module.imports() {
        if imp.module() != "wasi_snapshot_preview1" || DEFINED.contains(&imp.name()) {
            continue;
        }
        if let wasmi::ExternType::Func(ft) = imp.ty() {
            let errno = ft.results().len() == 1;
            linker
                .func_new(imp.module(), imp.name(), ft.clone(), move |_, _, results| {
                    if errno {
                        results[0] = wasmi::Val::I32(ENOSYS);
                    }
                    Ok(())
                })
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Defines `wasi_snapshot_preview1` (the subset) and `bench.start`/`bench.end` in `linker`.
pub fn define(linker: &mut Linker<WasiState>) -> Result<(), wasmi::Error> {
    const W: &str = "wasi_snapshot_preview1";
    linker.func_wrap("bench", "start", |mut c: C<'_>| c.data_mut().marks.0 = Some(super::cpu_seconds()))?;
    linker.func_wrap("bench", "end", |mut c: C<'_>| c.data_mut().marks.1 = Some(super::cpu_seconds()))?;
    linker.func_wrap(W, "proc_exit", |code: i32| -> Result<(), wasmi::Error> { Err(wasmi::Error::i32_exit(code)) })?;
    linker.func_wrap(W, "args_sizes_get", |mut c: C<'_>, argc: i32, size: i32| -> i32 {
        let Some((m, _)) = mem(&mut c) else { return EFAULT };
        if put(m, argc, &0u32.to_le_bytes()) && put(m, size, &0u32.to_le_bytes()) { ESUCCESS } else { EFAULT }
    })?;
    linker.func_wrap(W, "args_get", |_: i32, _: i32| -> i32 { ESUCCESS })?;
    linker.func_wrap(W, "environ_sizes_get", |mut c: C<'_>, count: i32, size: i32| -> i32 {
        let Some((m, s)) = mem(&mut c) else { return EFAULT };
        let n = s.env.len() as u32;
        let bytes: u32 = s.env.iter().map(|e| e.len() as u32 + 1).sum();
        if put(m, count, &n.to_le_bytes()) && put(m, size, &bytes.to_le_bytes()) { ESUCCESS } else { EFAULT }
    })?;
    linker.func_wrap(W, "environ_get", |mut c: C<'_>, ptrs: i32, buf: i32| -> i32 {
        let Some((m, s)) = mem(&mut c) else { return EFAULT };
        let mut at = buf as u32;
        for (i, e) in s.env.iter().enumerate() {
            let mut z = e.as_bytes().to_vec();
            z.push(0);
            if !(put(m, ptrs + 4 * i as i32, &at.to_le_bytes()) && put(m, at as i32, &z)) {
                return EFAULT;
            }
            at += z.len() as u32;
        }
        ESUCCESS
    })?;
    linker.func_wrap(W, "clock_time_get", |mut c: C<'_>, id: i32, _precision: i64, out: i32| -> i32 {
        let ns: u64 = match id {
            0 => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0),
            1..=3 => (super::cpu_seconds() * 1e9) as u64,
            _ => return EINVAL,
        };
        let Some((m, _)) = mem(&mut c) else { return EFAULT };
        if put(m, out, &ns.to_le_bytes()) { ESUCCESS } else { EFAULT }
    })?;
    linker.func_wrap(W, "random_get", |mut c: C<'_>, buf: i32, len: i32| -> i32 {
        let Some((m, _)) = mem(&mut c) else { return EFAULT };
        // Deterministic bytes: the benchmarks only need them to exist.
        let mut x: u32 = 0x9e37_79b9;
        let bytes: Vec<u8> = (0..len as u32)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        if put(m, buf, &bytes) { ESUCCESS } else { EFAULT }
    })?;
    linker.func_wrap(W, "poll_oneoff", |_: i32, _: i32, _: i32, _: i32| -> i32 { ENOSYS })?;
    linker.func_wrap(W, "fd_sync", |c: C<'_>, fd: i32| -> i32 { if c.data().fds.contains_key(&(fd as u32)) { ESUCCESS } else { EBADF } })?;
    linker.func_wrap(W, "fd_datasync", |c: C<'_>, fd: i32| -> i32 { if c.data().fds.contains_key(&(fd as u32)) { ESUCCESS } else { EBADF } })?;
    linker.func_wrap(W, "fd_close", |mut c: C<'_>, fd: i32| -> i32 {
        if c.data_mut().fds.remove(&(fd as u32)).is_some() { ESUCCESS } else { EBADF }
    })?;
    linker.func_wrap(W, "fd_fdstat_get", |mut c: C<'_>, fd: i32, out: i32| -> i32 {
        let Some((m, s)) = mem(&mut c) else { return EFAULT };
        let ft = match s.fds.get(&(fd as u32)) {
            Some(Fd::Stdin | Fd::Stdout | Fd::Stderr) => FILETYPE_CHAR,
            Some(Fd::Dir(..)) => FILETYPE_DIR,
            Some(Fd::File(..)) => FILETYPE_FILE,
            None => return EBADF,
        };
        let mut b = [0u8; 24];
        b[0] = ft;
        b[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
        b[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
        if put(m, out, &b) { ESUCCESS } else { EFAULT }
    })?;
    linker.func_wrap(W, "fd_filestat_get", |mut c: C<'_>, fd: i32, out: i32| -> i32 {
        let Some((m, s)) = mem(&mut c) else { return EFAULT };
        match s.fds.get(&(fd as u32)) {
            Some(Fd::File(d, _)) => filestat(m, out, FILETYPE_FILE, d.len() as u64),
            Some(Fd::Dir(..)) => filestat(m, out, FILETYPE_DIR, 0),
            Some(_) => filestat(m, out, FILETYPE_CHAR, 0),
            None => EBADF,
        }
    })?;
    linker.func_wrap(W, "fd_prestat_get", |mut c: C<'_>, fd: i32, out: i32| -> i32 {
        let Some((m, s)) = mem(&mut c) else { return EFAULT };
        match s.fds.get(&(fd as u32)) {
            Some(Fd::Dir(_, Some(name))) => {
                let mut b = [0u8; 8];
                b[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
                if put(m, out, &b) { ESUCCESS } else { EFAULT }
            }
            _ => EBADF,
        }
    })?;
    linker.func_wrap(W, "fd_prestat_dir_name", |mut c: C<'_>, fd: i32, out: i32, len: i32| -> i32 {
        let Some((m, s)) = mem(&mut c) else { return EFAULT };
        match s.fds.get(&(fd as u32)) {
            Some(Fd::Dir(_, Some(name))) => {
                let n = name.as_bytes();
                if put(m, out, &n[..n.len().min(len as u32 as usize)]) { ESUCCESS } else { EFAULT }
            }
            _ => EBADF,
        }
    })?;
    linker.func_wrap(W, "fd_seek", |mut c: C<'_>, fd: i32, off: i64, whence: i32, out: i32| -> i32 {
        let Some((m, s)) = mem(&mut c) else { return EFAULT };
        let (len, pos) = match s.fds.get_mut(&(fd as u32)) {
            Some(Fd::File(d, pos)) => (d.len() as i64, pos),
            Some(Fd::Dir(..)) => return EISDIR,
            Some(_) => return 70, // ESPIPE
            None => return EBADF,
        };
        let base = match whence {
            0 => 0,
            1 => *pos as i64,
            2 => len,
            _ => return EINVAL,
        };
        let Some(new) = base.checked_add(off).filter(|n| *n >= 0) else { return EINVAL };
        *pos = new as u64;
        if put(m, out, &(new as u64).to_le_bytes()) { ESUCCESS } else { EFAULT }
    })?;
    linker.func_wrap(W, "fd_read", |mut c: C<'_>, fd: i32, iov: i32, n: i32, out: i32| -> i32 {
        let Some((m, s)) = mem(&mut c) else { return EFAULT };
        let Some(v) = iovs(m, iov, n) else { return EFAULT };
        let (data, pos) = match s.fds.get_mut(&(fd as u32)) {
            Some(Fd::File(d, pos)) => (d, pos),
            Some(Fd::Stdin) => return if put(m, out, &0u32.to_le_bytes()) { ESUCCESS } else { EFAULT },
            Some(Fd::Dir(..)) => return EISDIR,
            Some(_) | None => return EBADF,
        };
        let mut total = 0u32;
        for (buf, len) in v {
            let start = (*pos as usize).min(data.len());
            let k = (len as usize).min(data.len() - start);
            if !put(m, buf as i32, &data[start..start + k]) {
                return EFAULT;
            }
            *pos += k as u64;
            total += k as u32;
            if k < len as usize {
                break;
            }
        }
        if put(m, out, &total.to_le_bytes()) { ESUCCESS } else { EFAULT }
    })?;
    linker.func_wrap(W, "fd_write", |mut c: C<'_>, fd: i32, iov: i32, n: i32, out: i32| -> i32 {
        let Some((m, s)) = mem(&mut c) else { return EFAULT };
        let Some(v) = iovs(m, iov, n) else { return EFAULT };
        let sink = match s.fds.get(&(fd as u32)) {
            Some(Fd::Stdout) => &mut s.stdout,
            Some(Fd::Stderr) => &mut s.stderr,
            Some(Fd::File(..)) => return EROFS,
            Some(_) | None => return EBADF,
        };
        let mut total = 0u32;
        for (buf, len) in v {
            let Some(b) = slice(m, buf as i32, len) else { return EFAULT };
            sink.extend_from_slice(b);
            total += len;
        }
        if put(m, out, &total.to_le_bytes()) { ESUCCESS } else { EFAULT }
    })?;
    linker.func_wrap(
        W,
        "path_open",
        |mut c: C<'_>, dirfd: i32, _df: i32, path: i32, plen: i32, oflags: i32, _rb: i64, _ri: i64, _fdflags: i32, out: i32| -> i32 {
            let Some((m, s)) = mem(&mut c) else { return EFAULT };
            let Some(Fd::Dir(dir, _)) = s.fds.get(&(dirfd as u32)) else { return EBADF };
            let Some(p) = slice(m, path, plen as u32).and_then(|p| resolve(dir, p)) else { return EINVAL };
            if oflags & (1 | 4 | 8) != 0 {
                return EROFS; // creat, excl, trunc: the mount is read-only
            }
            let fd = if p.is_dir() {
                Fd::Dir(p, None)
            } else if oflags & 2 != 0 {
                return ENOTDIR;
            } else {
                match std::fs::read(&p) {
                    Ok(d) => Fd::File(d, 0),
                    Err(_) => return ENOENT,
                }
            };
            let n = s.next;
            s.next += 1;
            s.fds.insert(n, fd);
            if put(m, out, &n.to_le_bytes()) { ESUCCESS } else { EFAULT }
        },
    )?;
    linker.func_wrap(W, "path_filestat_get", |mut c: C<'_>, dirfd: i32, _flags: i32, path: i32, plen: i32, out: i32| -> i32 {
        let Some((m, s)) = mem(&mut c) else { return EFAULT };
        let Some(Fd::Dir(dir, _)) = s.fds.get(&(dirfd as u32)) else { return EBADF };
        let Some(p) = slice(m, path, plen as u32).and_then(|p| resolve(dir, p)) else { return EINVAL };
        match std::fs::metadata(&p) {
            Ok(md) if md.is_dir() => filestat(m, out, FILETYPE_DIR, 0),
            Ok(md) => filestat(m, out, FILETYPE_FILE, md.len()),
            Err(_) => ENOENT,
        }
    })?;
    Ok(())
}
