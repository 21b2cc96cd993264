//! WASI preview 1 (`wasi_snapshot_preview1`,
//! <https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md>): every function of
//! the snapshot as a host module, a sandboxed filesystem, and the configuration a host gives a
//! guest ([`WasiConfig`]).
//!
//! ```no_run
//! use zerowasm::{ModuleConfig, Runtime};
//! use zerowasm::wasi::{self, WasiConfig};
//! let runtime = Runtime::new();
//! wasi::instantiate(&runtime, WasiConfig::new().with_args(["hello"]).with_inherited_stdio())?;
//! let module = runtime.compile(std::fs::read("hello.wasm")?)?;
//! let instance = runtime.instantiate(&module, ModuleConfig::new())?;
//! let exit_code = wasi::run_start(&instance)?; // proc_exit(n) gives Ok(n)
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Guarantees: every guest pointer and length is bounds-checked (a bad one returns `fault`,
//! never a host fault); a guest sees only its mounts, and no path, `..`, absolute path or
//! symlink resolves outside one (paths are resolved beneath an open directory handle, see
//! `fs.rs`); it gets no host environment variable it was not given.

mod config;
mod fs;
mod memfs;
mod stream;
mod types;

pub use config::{ClockFn, RandomFn, SleepFn, WasiConfig};
pub use memfs::MemFs;
pub use stream::{SharedBuffer, WasiInput, WasiOutput};
pub use types::{clockid, fdflags, filetype, fstflags, oflags, rights, Errno, Filestat, LOOKUP_SYMLINK_FOLLOW};

use crate::{CallError, ExportError, FuncType, HostModuleBuilder, Instance, InstantiationError, Runtime, Trap, Val, ValType};
use fs::{OpenReq, Opened, Readiness, TimeSet, WasiDir, WasiFile};
use std::io::SeekFrom;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use types::*;

/// The module name of WASI preview 1.
pub const MODULE_NAME: &str = "wasi_snapshot_preview1";
/// The module name of the older WASI snapshot 0, offered with
/// [`WasiConfig::with_unstable_alias`].
pub const UNSTABLE_MODULE_NAME: &str = "wasi_unstable";

/// Setting up WASI or running a command module failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum WasiError {
    /// A directory could not be mounted: its host path and the OS's error.
    Mount {
        /// The host path given.
        host: std::path::PathBuf,
        /// Why it could not be opened.
        error: std::io::Error,
    },
    /// Registering the host module failed (its name is taken in this runtime).
    Instantiation(InstantiationError),
    /// [`run_start`]: the instance has no `_start` function of type `[] -> []`.
    Start(ExportError),
    /// [`run_start`]: `_start` trapped (other than by `proc_exit`) or the call was refused.
    Call(CallError),
}

impl std::fmt::Display for WasiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WasiError::Mount { host, error } => write!(f, "cannot mount directory {}: {error}", host.display()),
            WasiError::Instantiation(e) => write!(f, "{e}"),
            WasiError::Start(e) => write!(f, "cannot run `_start`: {e}"),
            WasiError::Call(e) => write!(f, "{e}"),
        }
    }
}
impl std::error::Error for WasiError {}

/// Installs `wasi_snapshot_preview1` (and, with [`WasiConfig::with_unstable_alias`],
/// `wasi_unstable`) in `runtime`, configured by `config`. Modules instantiated afterwards
/// import from it by name; a module that imports only some functions links fine.
///
/// Errors: [`WasiError::Mount`] if a host directory cannot be opened,
/// [`WasiError::Instantiation`] if the module name is already registered.
pub fn instantiate(runtime: &Runtime, config: WasiConfig) -> Result<Instance, WasiError> {
    let alias = config.unstable_alias;
    let ctx = Arc::new(Mutex::new(WasiCtx::new(config)?));
    let inst = builder(MODULE_NAME, &ctx, false).instantiate(runtime).map_err(WasiError::Instantiation)?;
    if alias {
        builder(UNSTABLE_MODULE_NAME, &ctx, true).instantiate(runtime).map_err(WasiError::Instantiation)?;
    }
    Ok(inst)
}

/// Runs a command module's `_start` export and returns its exit code: 0 when `_start`
/// returns, `n` when the guest calls `proc_exit(n)` ([`Trap::Exit`]).
///
/// Errors: [`WasiError::Start`] if the instance exports no `_start` function of type
/// `[] -> []`; [`WasiError::Call`] with the trap that stopped the guest otherwise, or the
/// call's refusal ([`CallError::Api`]).
pub fn run_start(instance: &Instance) -> Result<i32, WasiError> {
    let start = instance.typed_func::<(), ()>("_start").map_err(WasiError::Start)?;
    match start.call(()) {
        Ok(()) => Ok(0),
        Err(CallError::Trap(Trap::Exit(code))) => Ok(code),
        Err(e) => Err(WasiError::Call(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// The descriptor table.

enum Desc {
    File(Box<dyn WasiFile>),
    Dir { dir: Box<dyn WasiDir>, preopen: Option<Vec<u8>> },
}

struct Entry {
    desc: Desc,
    base: u64,
    inheriting: u64,
}

/// The state of one WASI instance.
struct WasiCtx {
    args: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    fds: Vec<Option<Entry>>,
    wall: Option<config::ClockFn>,
    mono: Option<config::ClockFn>,
    sleep: Option<config::SleepFn>,
    random: Option<config::RandomFn>,
    start: Instant,
}

impl WasiCtx {
    fn new(c: WasiConfig) -> Result<WasiCtx, WasiError> {
        let mut fds: Vec<Option<Entry>> = Vec::new();
        let stream = |f: Box<dyn WasiFile>| {
            Some(Entry { desc: Desc::File(f), base: rights::STREAM, inheriting: 0 })
        };
        fds.push(stream(Box::new(stream::InputStream(c.stdin, 0))));
        fds.push(stream(Box::new(stream::OutputStream { out: c.stdout, is_stderr: false, flags: fdflags::APPEND })));
        fds.push(stream(Box::new(stream::OutputStream { out: c.stderr, is_stderr: true, flags: fdflags::APPEND })));
        for m in c.mounts {
            let dir: Box<dyn WasiDir> = match m.source {
                config::MountSource::Host(p) => {
                    let d = cap_std::fs::Dir::open_ambient_dir(&p, cap_std::ambient_authority())
                        .map_err(|error| WasiError::Mount { host: p.clone(), error })?;
                    Box::new(fs::HostDir { dir: d, read_only: m.read_only })
                }
                config::MountSource::Mem(fs) => Box::new(fs.root_dir(m.read_only)),
            };
            fds.push(Some(Entry {
                desc: Desc::Dir { dir, preopen: Some(m.guest.into_bytes()) },
                base: rights::DIRECTORY,
                inheriting: rights::ALL,
            }));
        }
        for l in c.listeners {
            fds.push(Some(Entry { desc: Desc::File(Box::new(stream::Listener(l, 0))), base: rights::SOCKET, inheriting: rights::SOCKET }));
        }
        let env = c
            .env
            .into_iter()
            .map(|(k, v)| {
                let mut e = k;
                e.push(b'=');
                e.extend_from_slice(&v);
                e
            })
            .collect();
        Ok(WasiCtx {
            args: c.args,
            env,
            fds,
            wall: c.wall_clock,
            mono: c.monotonic_clock,
            sleep: c.sleep,
            random: c.random,
            start: Instant::now(),
        })
    }

    fn entry(&mut self, fd: u32, need: u64) -> Result<&mut Entry, Errno> {
        let e = self.fds.get_mut(fd as usize).and_then(|e| e.as_mut()).ok_or(Errno::BADF)?;
        if e.base & need != need {
            return Err(Errno::NOTCAPABLE);
        }
        Ok(e)
    }
    fn file(&mut self, fd: u32, need: u64) -> Result<&mut Box<dyn WasiFile>, Errno> {
        match &mut self.entry(fd, 0)?.desc {
            Desc::File(_) => {}
            Desc::Dir { .. } => return Err(Errno::ISDIR),
        }
        match &mut self.entry(fd, need)?.desc {
            Desc::File(f) => Ok(f),
            Desc::Dir { .. } => Err(Errno::ISDIR),
        }
    }
    fn dir(&mut self, fd: u32, need: u64) -> Result<&dyn WasiDir, Errno> {
        match &self.entry(fd, 0)?.desc {
            Desc::Dir { .. } => {}
            Desc::File(_) => return Err(Errno::NOTDIR),
        }
        match &self.entry(fd, need)?.desc {
            Desc::Dir { dir, .. } => Ok(dir.as_ref()),
            Desc::File(_) => Err(Errno::NOTDIR),
        }
    }
    fn alloc(&mut self, e: Entry) -> Result<u32, Errno> {
        if let Some(i) = self.fds.iter().position(|e| e.is_none()) {
            self.fds[i] = Some(e);
            return Ok(i as u32);
        }
        if self.fds.len() >= u32::MAX as usize / 2 {
            return Err(Errno::MFILE);
        }
        self.fds.push(Some(e));
        Ok(self.fds.len() as u32 - 1)
    }

    fn wall_now(&mut self) -> u64 {
        match &mut self.wall {
            Some(f) => f(),
            None => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0),
        }
    }
    fn mono_now(&mut self) -> u64 {
        match &mut self.mono {
            Some(f) => f(),
            None => self.start.elapsed().as_nanos() as u64,
        }
    }
    fn do_sleep(&mut self, d: Duration) {
        match &mut self.sleep {
            Some(f) => f(d),
            None => std::thread::sleep(d),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Guest memory, bounds-checked: every access outside the memory is `fault`.

struct Mem<'a>(&'a mut [u8]);

impl Mem<'_> {
    fn range(&self, ptr: u32, len: u32) -> Result<std::ops::Range<usize>, Errno> {
        let end = (ptr as u64).checked_add(len as u64).ok_or(Errno::FAULT)?;
        if end > self.0.len() as u64 {
            return Err(Errno::FAULT);
        }
        Ok(ptr as usize..end as usize)
    }
    fn slice(&self, ptr: u32, len: u32) -> Result<&[u8], Errno> {
        let r = self.range(ptr, len)?;
        Ok(&self.0[r])
    }
    fn slice_mut(&mut self, ptr: u32, len: u32) -> Result<&mut [u8], Errno> {
        let r = self.range(ptr, len)?;
        Ok(&mut self.0[r])
    }
    fn write(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), Errno> {
        let len = u32::try_from(bytes.len()).map_err(|_| Errno::FAULT)?;
        self.slice_mut(ptr, len)?.copy_from_slice(bytes);
        Ok(())
    }
    fn u32(&self, ptr: u32) -> Result<u32, Errno> {
        Ok(u32::from_le_bytes(self.slice(ptr, 4)?.try_into().expect("4 bytes")))
    }
    fn put_u32(&mut self, ptr: u32, v: u32) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }
    fn put_u64(&mut self, ptr: u32, v: u64) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }
    /// The `(buf, len)` pairs of an `iovec`/`ciovec` array, each checked to lie in memory.
    fn iovecs(&self, ptr: u32, count: u32) -> Result<Vec<(u32, u32)>, Errno> {
        let bytes = count.checked_mul(8).ok_or(Errno::FAULT)?;
        self.range(ptr, bytes)?;
        let mut v = Vec::with_capacity(count as usize);
        for i in 0..count {
            let (b, l) = (self.u32(ptr + i * 8)?, self.u32(ptr + i * 8 + 4)?);
            self.range(b, l)?;
            v.push((b, l));
        }
        Ok(v)
    }
    fn path(&self, ptr: u32, len: u32) -> Result<Vec<u8>, Errno> {
        Ok(self.slice(ptr, len)?.to_vec())
    }
}

// ---------------------------------------------------------------------------------------------
// The functions.

struct Args<'a>(&'a [Val]);
impl Args<'_> {
    fn u32(&self, i: usize) -> u32 {
        match self.0[i] {
            Val::I32(v) => v as u32,
            _ => 0,
        }
    }
    fn u64(&self, i: usize) -> u64 {
        match self.0[i] {
            Val::I64(v) => v as u64,
            _ => 0,
        }
    }
}

type Handler = fn(&mut WasiCtx, &mut Mem<'_>, &Args<'_>) -> Result<Errno, Trap>;

/// Turns an errno result into the value returned to the guest.
fn ok(r: Result<(), Errno>) -> Result<Errno, Trap> {
    Ok(match r {
        Ok(()) => Errno::SUCCESS,
        Err(e) => e,
    })
}

/// Each function: name, signature (`i` = i32, `I` = i64), whether its ABI is unchanged from
/// `wasi_unstable`, handler. All return an errno (i32) except `proc_exit`.
const FUNCS: &[(&str, &str, bool, Handler)] = &[
    ("args_get", "ii", true, |c, m, a| ok(strings_get(&c.args, m, a.u32(0), a.u32(1)))),
    ("args_sizes_get", "ii", true, |c, m, a| ok(strings_sizes(&c.args, m, a.u32(0), a.u32(1)))),
    ("environ_get", "ii", true, |c, m, a| ok(strings_get(&c.env, m, a.u32(0), a.u32(1)))),
    ("environ_sizes_get", "ii", true, |c, m, a| ok(strings_sizes(&c.env, m, a.u32(0), a.u32(1)))),
    ("clock_res_get", "ii", true, |c, m, a| ok(clock_res_get(c, m, a.u32(0), a.u32(1)))),
    ("clock_time_get", "iIi", true, |c, m, a| ok(clock_time_get(c, m, a.u32(0), a.u32(2)))),
    ("fd_advise", "iIIi", true, |c, _, a| ok(fd_advise(c, a.u32(0), a.u64(1), a.u64(2), a.u32(3)))),
    ("fd_allocate", "iII", true, |c, _, a| ok(c.file(a.u32(0), rights::FD_ALLOCATE).and_then(|f| f.allocate(a.u64(1), a.u64(2))))),
    ("fd_close", "i", true, |c, _, a| ok(fd_close(c, a.u32(0)))),
    ("fd_datasync", "i", true, |c, _, a| ok(fd_sync(c, a.u32(0), true))),
    ("fd_fdstat_get", "ii", true, |c, m, a| ok(fd_fdstat_get(c, m, a.u32(0), a.u32(1)))),
    ("fd_fdstat_set_flags", "ii", true, |c, _, a| ok(fd_fdstat_set_flags(c, a.u32(0), a.u32(1)))),
    ("fd_fdstat_set_rights", "iII", true, |c, _, a| ok(fd_fdstat_set_rights(c, a.u32(0), a.u64(1), a.u64(2)))),
    ("fd_filestat_get", "ii", false, |c, m, a| ok(fd_filestat_get(c, m, a.u32(0), a.u32(1)))),
    ("fd_filestat_set_size", "iI", true, |c, _, a| ok(c.file(a.u32(0), rights::FD_FILESTAT_SET_SIZE).and_then(|f| f.set_size(a.u64(1))))),
    ("fd_filestat_set_times", "iIIi", true, |c, _, a| ok(fd_filestat_set_times(c, a.u32(0), a.u64(1), a.u64(2), a.u32(3)))),
    ("fd_pread", "iiiIi", true, |c, m, a| ok(fd_read(c, m, a.u32(0), a.u32(1), a.u32(2), Some(a.u64(3)), a.u32(4)))),
    ("fd_prestat_get", "ii", true, |c, m, a| ok(fd_prestat_get(c, m, a.u32(0), a.u32(1)))),
    ("fd_prestat_dir_name", "iii", true, |c, m, a| ok(fd_prestat_dir_name(c, m, a.u32(0), a.u32(1), a.u32(2)))),
    ("fd_pwrite", "iiiIi", true, |c, m, a| ok(fd_write(c, m, a.u32(0), a.u32(1), a.u32(2), Some(a.u64(3)), a.u32(4)))),
    ("fd_read", "iiii", true, |c, m, a| ok(fd_read(c, m, a.u32(0), a.u32(1), a.u32(2), None, a.u32(3)))),
    ("fd_readdir", "iiiIi", true, |c, m, a| ok(fd_readdir(c, m, a.u32(0), a.u32(1), a.u32(2), a.u64(3), a.u32(4)))),
    ("fd_renumber", "ii", true, |c, _, a| ok(fd_renumber(c, a.u32(0), a.u32(1)))),
    ("fd_seek", "iIii", false, |c, m, a| ok(fd_seek(c, m, a.u32(0), a.u64(1) as i64, a.u32(2), a.u32(3)))),
    ("fd_sync", "i", true, |c, _, a| ok(fd_sync(c, a.u32(0), false))),
    ("fd_tell", "ii", true, |c, m, a| ok(fd_tell(c, m, a.u32(0), a.u32(1)))),
    ("fd_write", "iiii", true, |c, m, a| ok(fd_write(c, m, a.u32(0), a.u32(1), a.u32(2), None, a.u32(3)))),
    ("path_create_directory", "iii", true, |c, m, a| ok(path_op(c, m, a.u32(0), rights::PATH_CREATE_DIRECTORY, a.u32(1), a.u32(2), |d, p| d.create_dir(p)))),
    ("path_filestat_get", "iiiii", false, |c, m, a| ok(path_filestat_get(c, m, a.u32(0), a.u32(1), a.u32(2), a.u32(3), a.u32(4)))),
    ("path_filestat_set_times", "iiiiIIi", true, |c, m, a| ok(path_filestat_set_times(c, m, a))),
    ("path_link", "iiiiiii", true, |c, m, a| ok(path_link(c, m, a))),
    ("path_open", "iiiiiIIii", true, |c, m, a| ok(path_open(c, m, a))),
    ("path_readlink", "iiiiii", true, |c, m, a| ok(path_readlink(c, m, a))),
    ("path_remove_directory", "iii", true, |c, m, a| ok(path_op(c, m, a.u32(0), rights::PATH_REMOVE_DIRECTORY, a.u32(1), a.u32(2), |d, p| d.remove_dir(p)))),
    ("path_rename", "iiiiii", true, |c, m, a| ok(path_rename(c, m, a))),
    ("path_symlink", "iiiii", true, |c, m, a| ok(path_symlink(c, m, a))),
    ("path_unlink_file", "iii", true, |c, m, a| ok(path_op(c, m, a.u32(0), rights::PATH_UNLINK_FILE, a.u32(1), a.u32(2), |d, p| d.unlink_file(p)))),
    ("poll_oneoff", "iiii", false, |c, m, a| ok(poll_oneoff(c, m, a.u32(0), a.u32(1), a.u32(2), a.u32(3)))),
    ("proc_exit", "i", true, |_, _, a| Err(Trap::Exit(a.u32(0) as i32))),
    ("proc_raise", "i", true, |_, _, _| Ok(Errno::NOTSUP)),
    ("sched_yield", "", true, |_, _, _| {
        std::thread::yield_now();
        Ok(Errno::SUCCESS)
    }),
    ("random_get", "ii", true, |c, m, a| ok(random_get(c, m, a.u32(0), a.u32(1)))),
    ("sock_accept", "iii", false, |c, m, a| ok(sock_accept(c, m, a.u32(0), a.u32(1), a.u32(2)))),
    ("sock_recv", "iiiiii", true, |c, m, a| ok(sock_recv(c, m, a))),
    ("sock_send", "iiiii", true, |c, m, a| ok(sock_send(c, m, a))),
    ("sock_shutdown", "ii", true, |c, _, a| ok(sock_shutdown(c, a.u32(0), a.u32(1)))),
];

fn builder(name: &str, ctx: &Arc<Mutex<WasiCtx>>, unstable: bool) -> HostModuleBuilder {
    let mut b = HostModuleBuilder::new(name);
    for &(fname, sig, unchanged, handler) in FUNCS {
        if unstable && !unchanged {
            continue;
        }
        let params = sig.chars().map(|c| if c == 'I' { ValType::I64 } else { ValType::I32 });
        let results: &[ValType] = if fname == "proc_exit" { &[] } else { &[ValType::I32] };
        let ty = FuncType::new(params, results.iter().copied());
        let ctx = ctx.clone();
        b = b.func_dynamic(fname, ty, move |caller, args, results| {
            let mut ctx = ctx.lock().unwrap_or_else(|e| e.into_inner());
            let mut empty = [0u8; 0];
            let data = match caller.memory_data_mut() {
                Some(d) => d,
                None => &mut empty[..],
            };
            let mut mem = Mem(data);
            let errno = handler(&mut ctx, &mut mem, &Args(args))?;
            if let Some(r) = results.first_mut() {
                *r = Val::I32(errno.0 as i32);
            }
            Ok(())
        });
    }
    b
}

fn strings_get(list: &[Vec<u8>], m: &mut Mem<'_>, ptrs: u32, buf: u32) -> Result<(), Errno> {
    let total: u64 = list.iter().map(|s| s.len() as u64 + 1).sum();
    m.range(ptrs, u32::try_from(list.len() * 4).map_err(|_| Errno::FAULT)?)?;
    m.range(buf, u32::try_from(total).map_err(|_| Errno::FAULT)?)?;
    let mut at = buf;
    for (i, s) in list.iter().enumerate() {
        m.put_u32(ptrs + 4 * i as u32, at)?;
        m.write(at, s)?;
        m.write(at + s.len() as u32, &[0])?;
        at += s.len() as u32 + 1;
    }
    Ok(())
}

fn strings_sizes(list: &[Vec<u8>], m: &mut Mem<'_>, count: u32, size: u32) -> Result<(), Errno> {
    let total: usize = list.iter().map(|s| s.len() + 1).sum();
    m.range(count, 4)?;
    m.range(size, 4)?;
    m.put_u32(count, list.len() as u32)?;
    m.put_u32(size, u32::try_from(total).map_err(|_| Errno::OVERFLOW)?)
}

fn cpu_time(id: u32) -> Result<u64, Errno> {
    let c = match id {
        clockid::PROCESS_CPUTIME_ID => rustix::time::ClockId::ProcessCPUTime,
        _ => rustix::time::ClockId::ThreadCPUTime,
    };
    let t = rustix::time::clock_gettime(c);
    Ok(fs::ns(t.tv_sec as i64, t.tv_nsec as i64))
}

fn clock_res_get(c: &mut WasiCtx, m: &mut Mem<'_>, id: u32, ptr: u32) -> Result<(), Errno> {
    let res = match id {
        clockid::REALTIME => 1_000,
        clockid::MONOTONIC => 1,
        clockid::PROCESS_CPUTIME_ID | clockid::THREAD_CPUTIME_ID => 1,
        _ => return Err(Errno::INVAL),
    };
    let _ = c;
    m.put_u64(ptr, res)
}

fn clock_time_get(c: &mut WasiCtx, m: &mut Mem<'_>, id: u32, ptr: u32) -> Result<(), Errno> {
    m.range(ptr, 8)?;
    let t = match id {
        clockid::REALTIME => c.wall_now(),
        clockid::MONOTONIC => c.mono_now(),
        clockid::PROCESS_CPUTIME_ID | clockid::THREAD_CPUTIME_ID => cpu_time(id)?,
        _ => return Err(Errno::INVAL),
    };
    m.put_u64(ptr, t)
}

fn fd_advise(c: &mut WasiCtx, fd: u32, offset: u64, len: u64, advice: u32) -> Result<(), Errno> {
    let f = c.file(fd, rights::FD_ADVISE)?;
    if advice > 5 {
        return Err(Errno::INVAL);
    }
    offset.checked_add(len).ok_or(Errno::INVAL)?;
    if (offset as i64) < 0 || (len as i64) < 0 {
        return Err(Errno::INVAL);
    }
    if f.filetype() != filetype::REGULAR_FILE {
        return Err(Errno::BADF);
    }
    // Advice is only a hint; zerowasm does not act on it.
    Ok(())
}

fn fd_close(c: &mut WasiCtx, fd: u32) -> Result<(), Errno> {
    let slot = c.fds.get_mut(fd as usize).ok_or(Errno::BADF)?;
    if slot.is_none() {
        return Err(Errno::BADF);
    }
    *slot = None;
    Ok(())
}

fn fd_sync(c: &mut WasiCtx, fd: u32, data_only: bool) -> Result<(), Errno> {
    let need = if data_only { rights::FD_DATASYNC } else { rights::FD_SYNC };
    match &mut c.entry(fd, need)?.desc {
        Desc::File(f) if data_only => f.datasync(),
        Desc::File(f) => f.sync(),
        Desc::Dir { dir, .. } => dir.sync(),
    }
}

fn fd_fdstat_get(c: &mut WasiCtx, m: &mut Mem<'_>, fd: u32, ptr: u32) -> Result<(), Errno> {
    m.range(ptr, 24)?;
    let e = c.entry(fd, 0)?;
    let (ft, flags) = match &e.desc {
        Desc::File(f) => (f.filetype(), f.fdflags()),
        Desc::Dir { .. } => (filetype::DIRECTORY, 0),
    };
    m.write(ptr, &fdstat_bytes(ft, flags, e.base, e.inheriting))
}

fn fd_fdstat_set_flags(c: &mut WasiCtx, fd: u32, flags: u32) -> Result<(), Errno> {
    let flags = u16::try_from(flags).map_err(|_| Errno::INVAL)?;
    if flags & !0x1f != 0 {
        return Err(Errno::INVAL);
    }
    match &mut c.entry(fd, rights::FD_FDSTAT_SET_FLAGS)?.desc {
        Desc::File(f) => f.set_fdflags(flags),
        Desc::Dir { .. } => {
            if flags == 0 {
                Ok(())
            } else {
                Err(Errno::NOTSUP)
            }
        }
    }
}

fn fd_fdstat_set_rights(c: &mut WasiCtx, fd: u32, base: u64, inheriting: u64) -> Result<(), Errno> {
    let e = c.entry(fd, 0)?;
    // Rights can only be dropped, never gained.
    if base & !e.base != 0 || inheriting & !e.inheriting != 0 {
        return Err(Errno::NOTCAPABLE);
    }
    e.base = base;
    e.inheriting = inheriting;
    Ok(())
}

fn fd_filestat_get(c: &mut WasiCtx, m: &mut Mem<'_>, fd: u32, ptr: u32) -> Result<(), Errno> {
    m.range(ptr, 64)?;
    let st = match &c.entry(fd, rights::FD_FILESTAT_GET)?.desc {
        Desc::File(f) => f.stat()?,
        Desc::Dir { dir, .. } => dir.stat()?,
    };
    m.write(ptr, &st.to_bytes())
}

fn time_sets(atim: u64, mtim: u64, flags: u32) -> Result<(TimeSet, TimeSet), Errno> {
    let f = u16::try_from(flags).map_err(|_| Errno::INVAL)?;
    if f & !0xf != 0
        || (f & fstflags::ATIM != 0 && f & fstflags::ATIM_NOW != 0)
        || (f & fstflags::MTIM != 0 && f & fstflags::MTIM_NOW != 0)
    {
        return Err(Errno::INVAL);
    }
    let pick = |set: u16, now: u16, t: u64| {
        if f & now != 0 {
            TimeSet::Now
        } else if f & set != 0 {
            TimeSet::At(t)
        } else {
            TimeSet::Omit
        }
    };
    Ok((pick(fstflags::ATIM, fstflags::ATIM_NOW, atim), pick(fstflags::MTIM, fstflags::MTIM_NOW, mtim)))
}

fn fd_filestat_set_times(c: &mut WasiCtx, fd: u32, atim: u64, mtim: u64, flags: u32) -> Result<(), Errno> {
    let (a, mt) = time_sets(atim, mtim, flags)?;
    match &mut c.entry(fd, rights::FD_FILESTAT_SET_TIMES)?.desc {
        Desc::File(f) => f.set_times(a, mt),
        Desc::Dir { dir, .. } => dir.set_times(a, mt),
    }
}

fn fd_read(c: &mut WasiCtx, m: &mut Mem<'_>, fd: u32, iovs: u32, n: u32, at: Option<u64>, out: u32) -> Result<(), Errno> {
    let need = if at.is_some() { rights::FD_READ | rights::FD_SEEK } else { rights::FD_READ };
    let iov = m.iovecs(iovs, n)?;
    m.range(out, 4)?;
    if !c.file(fd, 0)?.readable() {
        return Err(Errno::BADF);
    }
    let f = c.file(fd, need)?;
    if let Some(off) = at {
        if off > i64::MAX as u64 {
            return Err(Errno::INVAL);
        }
    }
    let mut total: u64 = 0;
    for (buf, len) in iov {
        let dst = m.slice_mut(buf, len)?;
        let got = match at {
            Some(off) => f.pread(dst, off + total)?,
            None => f.read(dst)?,
        };
        total += got as u64;
        if got < len as usize {
            break;
        }
    }
    m.put_u32(out, total as u32)
}

fn fd_write(c: &mut WasiCtx, m: &mut Mem<'_>, fd: u32, iovs: u32, n: u32, at: Option<u64>, out: u32) -> Result<(), Errno> {
    let need = if at.is_some() { rights::FD_WRITE | rights::FD_SEEK } else { rights::FD_WRITE };
    let iov = m.iovecs(iovs, n)?;
    m.range(out, 4)?;
    if !c.file(fd, 0)?.writable() {
        return Err(Errno::BADF);
    }
    let f = c.file(fd, need)?;
    if let Some(off) = at {
        if off > i64::MAX as u64 {
            return Err(Errno::INVAL);
        }
    }
    let mut total: u64 = 0;
    for (buf, len) in iov {
        let src = m.slice(buf, len)?;
        let put = match at {
            Some(off) => f.pwrite(src, off + total)?,
            None => f.write(src)?,
        };
        total += put as u64;
        if put < len as usize {
            break;
        }
    }
    m.put_u32(out, total as u32)
}

fn fd_prestat_get(c: &mut WasiCtx, m: &mut Mem<'_>, fd: u32, ptr: u32) -> Result<(), Errno> {
    m.range(ptr, 8)?;
    match &c.entry(fd, 0)?.desc {
        Desc::Dir { preopen: Some(name), .. } => {
            let mut b = [0u8; 8];
            b[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
            m.write(ptr, &b)
        }
        _ => Err(Errno::BADF),
    }
}

fn fd_prestat_dir_name(c: &mut WasiCtx, m: &mut Mem<'_>, fd: u32, ptr: u32, len: u32) -> Result<(), Errno> {
    match &c.entry(fd, 0)?.desc {
        Desc::Dir { preopen: Some(name), .. } => {
            if (len as usize) < name.len() {
                return Err(Errno::NAMETOOLONG);
            }
            m.range(ptr, len)?;
            m.write(ptr, name)
        }
        _ => Err(Errno::BADF),
    }
}

fn fd_readdir(c: &mut WasiCtx, m: &mut Mem<'_>, fd: u32, buf: u32, len: u32, cookie: u64, used: u32) -> Result<(), Errno> {
    m.range(buf, len)?;
    m.range(used, 4)?;
    // A descriptor that is not a directory cannot be read as one: `badf` (as wazero says).
    let dir = c.dir(fd, rights::FD_READDIR).map_err(|e| if e == Errno::NOTDIR { Errno::BADF } else { e })?;
    let me = dir.stat()?;
    let parent_ino = dir.stat_at(b"..", false).map(|s| s.ino).unwrap_or(me.ino);
    let mut entries = vec![
        fs::DirEntry { name: b".".to_vec(), ino: me.ino, filetype: filetype::DIRECTORY },
        fs::DirEntry { name: b"..".to_vec(), ino: parent_ino, filetype: filetype::DIRECTORY },
    ];
    entries.extend(dir.entries()?);
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate().skip(usize::try_from(cookie).unwrap_or(usize::MAX)) {
        if out.len() >= len as usize {
            break;
        }
        out.extend_from_slice(&dirent_bytes(i as u64 + 1, e.ino, e.name.len() as u32, e.filetype));
        out.extend_from_slice(&e.name);
    }
    out.truncate(len as usize);
    m.write(buf, &out)?;
    m.put_u32(used, out.len() as u32)
}

fn fd_renumber(c: &mut WasiCtx, from: u32, to: u32) -> Result<(), Errno> {
    c.entry(from, 0)?;
    c.entry(to, 0)?;
    if from == to {
        return Ok(());
    }
    let e = c.fds[from as usize].take();
    c.fds[to as usize] = e;
    Ok(())
}

fn fd_seek(c: &mut WasiCtx, m: &mut Mem<'_>, fd: u32, offset: i64, whence: u32, out: u32) -> Result<(), Errno> {
    m.range(out, 8)?;
    let need = if offset == 0 && whence == WHENCE_CUR as u32 { rights::FD_TELL } else { rights::FD_SEEK };
    let pos = match whence {
        w if w == WHENCE_SET as u32 => {
            if offset < 0 {
                return Err(Errno::INVAL);
            }
            SeekFrom::Start(offset as u64)
        }
        w if w == WHENCE_CUR as u32 => SeekFrom::Current(offset),
        w if w == WHENCE_END as u32 => SeekFrom::End(offset),
        _ => return Err(Errno::INVAL),
    };
    let f = match &mut c.entry(fd, 0)?.desc {
        Desc::Dir { .. } => return Err(Errno::BADF),
        Desc::File(_) => c.file(fd, need)?,
    };
    let p = f.seek(pos)?;
    m.put_u64(out, p)
}

fn fd_tell(c: &mut WasiCtx, m: &mut Mem<'_>, fd: u32, out: u32) -> Result<(), Errno> {
    m.range(out, 8)?;
    let f = match &mut c.entry(fd, 0)?.desc {
        Desc::Dir { .. } => return Err(Errno::BADF),
        Desc::File(_) => c.file(fd, rights::FD_TELL)?,
    };
    let p = f.seek(SeekFrom::Current(0))?;
    m.put_u64(out, p)
}

fn path_op(
    c: &mut WasiCtx,
    m: &mut Mem<'_>,
    fd: u32,
    need: u64,
    ptr: u32,
    len: u32,
    op: impl FnOnce(&dyn WasiDir, &[u8]) -> Result<(), Errno>,
) -> Result<(), Errno> {
    let p = m.path(ptr, len)?;
    let d = c.dir(fd, need)?;
    op(d, &p)
}

fn path_filestat_get(c: &mut WasiCtx, m: &mut Mem<'_>, fd: u32, flags: u32, ptr: u32, len: u32, out: u32) -> Result<(), Errno> {
    let p = m.path(ptr, len)?;
    m.range(out, 64)?;
    let st = c.dir(fd, rights::PATH_FILESTAT_GET)?.stat_at(&p, flags & LOOKUP_SYMLINK_FOLLOW != 0)?;
    m.write(out, &st.to_bytes())
}

fn path_filestat_set_times(c: &mut WasiCtx, m: &mut Mem<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let p = m.path(a.u32(2), a.u32(3))?;
    let (at, mt) = time_sets(a.u64(4), a.u64(5), a.u32(6))?;
    let follow = a.u32(1) & LOOKUP_SYMLINK_FOLLOW != 0;
    c.dir(a.u32(0), rights::PATH_FILESTAT_SET_TIMES)?.set_times_at(&p, follow, at, mt)
}

/// Two directory descriptors at once (`path_link`, `path_rename`).
fn two_dirs(c: &mut WasiCtx, a: u32, ra: u64, b: u32, rb: u64) -> Result<(&dyn WasiDir, &dyn WasiDir), Errno> {
    c.dir(a, ra)?;
    c.dir(b, rb)?;
    let get = |fd: u32| match c.fds[fd as usize].as_ref().map(|e| &e.desc) {
        Some(Desc::Dir { dir, .. }) => dir.as_ref(),
        _ => unreachable!("checked above"),
    };
    Ok((get(a), get(b)))
}

fn path_link(c: &mut WasiCtx, m: &mut Mem<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let old = m.path(a.u32(2), a.u32(3))?;
    let new = m.path(a.u32(5), a.u32(6))?;
    let (d1, d2) = two_dirs(c, a.u32(0), rights::PATH_LINK_SOURCE, a.u32(4), rights::PATH_LINK_TARGET)?;
    d1.link(&old, a.u32(1) & LOOKUP_SYMLINK_FOLLOW != 0, d2, &new)
}

fn path_rename(c: &mut WasiCtx, m: &mut Mem<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let old = m.path(a.u32(1), a.u32(2))?;
    let new = m.path(a.u32(4), a.u32(5))?;
    let (d1, d2) = two_dirs(c, a.u32(0), rights::PATH_RENAME_SOURCE, a.u32(3), rights::PATH_RENAME_TARGET)?;
    d1.rename(&old, d2, &new)
}

fn path_symlink(c: &mut WasiCtx, m: &mut Mem<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let target = m.path(a.u32(0), a.u32(1))?;
    let new = m.path(a.u32(3), a.u32(4))?;
    c.dir(a.u32(2), rights::PATH_SYMLINK)?.symlink(&target, &new)
}

fn path_readlink(c: &mut WasiCtx, m: &mut Mem<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let p = m.path(a.u32(1), a.u32(2))?;
    let (buf, len, used) = (a.u32(3), a.u32(4), a.u32(5));
    m.range(buf, len)?;
    m.range(used, 4)?;
    let target = c.dir(a.u32(0), rights::PATH_READLINK)?.readlink(&p)?;
    let n = target.len().min(len as usize);
    m.write(buf, &target[..n])?;
    m.put_u32(used, n as u32)
}

fn path_open(c: &mut WasiCtx, m: &mut Mem<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let (fd, dirflags, ptr, len, of, base, inh, fdfl, out) =
        (a.u32(0), a.u32(1), a.u32(2), a.u32(3), a.u32(4), a.u64(5), a.u64(6), a.u32(7), a.u32(8));
    let p = m.path(ptr, len)?;
    m.range(out, 4)?;
    let oflags = u16::try_from(of).map_err(|_| Errno::INVAL)?;
    let fdflags = u16::try_from(fdfl).map_err(|_| Errno::INVAL)?;
    if oflags & !0xf != 0 || fdflags & !0x1f != 0 {
        return Err(Errno::INVAL);
    }
    let mut need = rights::PATH_OPEN;
    if oflags & oflags::CREAT != 0 {
        need |= rights::PATH_CREATE_FILE;
    }
    if oflags & oflags::TRUNC != 0 {
        need |= rights::PATH_FILESTAT_SET_SIZE;
    }
    let dir_inh = c.entry(fd, 0)?.inheriting;
    let d = c.dir(fd, need)?;
    // The rights asked for choose the open mode, as in wasi-libc: writing rights open for
    // writing; reading rights, or no writing right at all, open for reading. Beyond that,
    // rights are advisory (as in today's runtimes): a descriptor gets every right that fits
    // its type, and only `fd_fdstat_set_rights` takes rights away (then `notcapable`).
    let write = base & WRITE_RIGHTS != 0;
    let read = base & (rights::FD_READ | rights::FD_READDIR) != 0 || !write;
    let _ = inh;
    let req = OpenReq { follow: dirflags & LOOKUP_SYMLINK_FOLLOW != 0, oflags, fdflags, read, write };
    let opened = d.open(&p, &req)?;
    let entry = match opened {
        Opened::File(f) => {
            let mut kind = if f.filetype() == filetype::REGULAR_FILE { rights::REGULAR_FILE } else { rights::STREAM };
            if !f.readable() {
                kind &= !(rights::FD_READ | rights::FD_READDIR);
            }
            if !f.writable() {
                kind &= !WRITE_RIGHTS;
            }
            Entry { desc: Desc::File(f), base: kind & dir_inh, inheriting: 0 }
        }
        Opened::Dir(dir) => Entry {
            desc: Desc::Dir { dir, preopen: None },
            base: rights::DIRECTORY & dir_inh,
            inheriting: dir_inh,
        },
    };
    let new = c.alloc(entry)?;
    m.put_u32(out, new)
}

/// The rights that open a file for writing (as wasi-libc asks for them for `O_WRONLY`).
const WRITE_RIGHTS: u64 = rights::FD_WRITE | rights::FD_DATASYNC | rights::FD_ALLOCATE | rights::FD_FILESTAT_SET_SIZE;

fn random_get(c: &mut WasiCtx, m: &mut Mem<'_>, buf: u32, len: u32) -> Result<(), Errno> {
    let dst = m.slice_mut(buf, len)?;
    match &mut c.random {
        Some(f) => f(dst),
        None => getrandom::fill(dst).map_err(|_| Errno::IO)?,
    }
    Ok(())
}

fn sock_accept(c: &mut WasiCtx, m: &mut Mem<'_>, fd: u32, flags: u32, out: u32) -> Result<(), Errno> {
    m.range(out, 4)?;
    if flags & !(fdflags::NONBLOCK as u32) != 0 {
        return Err(Errno::INVAL);
    }
    if c.file(fd, 0)?.as_socket().is_none() {
        return Err(Errno::NOTSOCK);
    }
    let f = c.file(fd, rights::SOCK_ACCEPT)?;
    let s = f.as_socket().ok_or(Errno::NOTSOCK)?.accept(flags != 0)?;
    let new = c.alloc(Entry { desc: Desc::File(s), base: rights::SOCKET, inheriting: 0 })?;
    m.put_u32(out, new)
}

fn sock_recv(c: &mut WasiCtx, m: &mut Mem<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let (fd, iovs, n, riflags, out_len, out_flags) = (a.u32(0), a.u32(1), a.u32(2), a.u32(3), a.u32(4), a.u32(5));
    let iov = m.iovecs(iovs, n)?;
    m.range(out_len, 4)?;
    m.range(out_flags, 2)?;
    if riflags & !((RIFLAGS_RECV_PEEK | RIFLAGS_RECV_WAITALL) as u32) != 0 {
        return Err(Errno::INVAL);
    }
    if c.file(fd, 0)?.as_socket().is_none() {
        return Err(Errno::NOTSOCK);
    }
    let f = c.file(fd, rights::FD_READ)?;
    let s = f.as_socket().ok_or(Errno::NOTSOCK)?;
    let mut total = 0usize;
    for (buf, len) in iov {
        let dst = m.slice_mut(buf, len)?;
        let got = s.recv(dst, riflags & RIFLAGS_RECV_PEEK as u32 != 0)?;
        total += got;
        if got < len as usize {
            break;
        }
    }
    m.put_u32(out_len, total as u32)?;
    m.write(out_flags, &0u16.to_le_bytes())
}

fn sock_send(c: &mut WasiCtx, m: &mut Mem<'_>, a: &Args<'_>) -> Result<(), Errno> {
    let (fd, iovs, n, _siflags, out_len) = (a.u32(0), a.u32(1), a.u32(2), a.u32(3), a.u32(4));
    let iov = m.iovecs(iovs, n)?;
    m.range(out_len, 4)?;
    if c.file(fd, 0)?.as_socket().is_none() {
        return Err(Errno::NOTSOCK);
    }
    let f = c.file(fd, rights::FD_WRITE)?;
    let s = f.as_socket().ok_or(Errno::NOTSOCK)?;
    let mut total = 0usize;
    for (buf, len) in iov {
        let put = s.send(m.slice(buf, len)?)?;
        total += put;
        if put < len as usize {
            break;
        }
    }
    m.put_u32(out_len, total as u32)
}

fn sock_shutdown(c: &mut WasiCtx, fd: u32, how: u32) -> Result<(), Errno> {
    let how = match how as u8 {
        _ if how > 3 => return Err(Errno::INVAL),
        SDFLAGS_RD => std::net::Shutdown::Read,
        SDFLAGS_WR => std::net::Shutdown::Write,
        3 => std::net::Shutdown::Both,
        _ => return Err(Errno::INVAL),
    };
    if c.file(fd, 0)?.as_socket().is_none() {
        return Err(Errno::NOTSOCK);
    }
    let f = c.file(fd, rights::SOCK_SHUTDOWN)?;
    f.as_socket().ok_or(Errno::NOTSOCK)?.shutdown(how)
}

// ---------------------------------------------------------------------------------------------
// poll_oneoff: clock subscriptions and fd read/write readiness.

struct Event {
    userdata: u64,
    error: Errno,
    ty: u8,
    nbytes: u64,
    flags: u16,
}

fn poll_oneoff(c: &mut WasiCtx, m: &mut Mem<'_>, inp: u32, out: u32, nsubs: u32, nevents: u32) -> Result<(), Errno> {
    if nsubs == 0 {
        return Err(Errno::INVAL);
    }
    let in_len = nsubs.checked_mul(SUBSCRIPTION_SIZE as u32).ok_or(Errno::FAULT)?;
    let out_len = nsubs.checked_mul(EVENT_SIZE as u32).ok_or(Errno::FAULT)?;
    let subs = m.slice(inp, in_len)?.to_vec();
    m.range(out, out_len)?;
    m.range(nevents, 4)?;
    let rd_u64 = |b: &[u8], o: usize| u64::from_le_bytes(b[o..o + 8].try_into().expect("8 bytes"));
    let rd_u32 = |b: &[u8], o: usize| u32::from_le_bytes(b[o..o + 4].try_into().expect("4 bytes"));

    let mut events: Vec<Event> = Vec::new();
    // (userdata, deadline on the monotonic clock in ns)
    let mut clocks: Vec<(u64, u64)> = Vec::new();
    // (userdata, type, host fd)
    let mut waits: Vec<(u64, u8, i32)> = Vec::new();
    let now = c.mono_now();
    for s in subs.chunks_exact(SUBSCRIPTION_SIZE) {
        let userdata = rd_u64(s, 0);
        let tag = s[8];
        match tag {
            EVENTTYPE_CLOCK => {
                let id = rd_u32(s, 16);
                let timeout = rd_u64(s, 24);
                let flags = u16::from_le_bytes([s[40], s[41]]);
                let abs = flags & SUBCLOCK_ABSTIME != 0;
                let deadline = match id {
                    clockid::MONOTONIC if abs => timeout,
                    clockid::REALTIME if abs => {
                        let wall = c.wall_now();
                        now.saturating_add(timeout.saturating_sub(wall))
                    }
                    clockid::MONOTONIC | clockid::REALTIME => now.saturating_add(timeout),
                    _ => {
                        events.push(Event { userdata, error: Errno::INVAL, ty: tag, nbytes: 0, flags: 0 });
                        continue;
                    }
                };
                clocks.push((userdata, deadline));
            }
            EVENTTYPE_FD_READ | EVENTTYPE_FD_WRITE => {
                let fd = rd_u32(s, 16);
                let write = tag == EVENTTYPE_FD_WRITE;
                let r = match c.entry(fd, rights::POLL_FD_READWRITE) {
                    Err(e) => Err(e),
                    Ok(Entry { desc: Desc::Dir { .. }, .. }) => Err(Errno::BADF),
                    Ok(Entry { desc: Desc::File(f), .. }) => Ok(f.readiness(write)),
                };
                match r {
                    Err(e) => events.push(Event { userdata, error: e, ty: tag, nbytes: 0, flags: 0 }),
                    Ok(Readiness::Ready(n)) => events.push(Event { userdata, error: Errno::SUCCESS, ty: tag, nbytes: n, flags: 0 }),
                    Ok(Readiness::Host(raw)) => {
                        if write && raw == 0 {
                            events.push(Event { userdata, error: Errno::SUCCESS, ty: tag, nbytes: 0, flags: 0 });
                        } else {
                            waits.push((userdata, tag, raw));
                        }
                    }
                }
            }
            _ => return Err(Errno::INVAL),
        }
    }
    let first_deadline = clocks.iter().map(|c| c.1).min();
    if events.is_empty() && !waits.is_empty() {
        // Wait on the host descriptors, up to the first clock deadline.
        let timeout = first_deadline.map(|d| Duration::from_nanos(d.saturating_sub(now)));
        poll_host(&waits, timeout, &mut events)?;
    } else if events.is_empty() {
        if let Some(d) = first_deadline {
            let wait = d.saturating_sub(now);
            if wait > 0 {
                c.do_sleep(Duration::from_nanos(wait));
            }
        }
    }
    if events.is_empty() {
        // Woken by the first deadline: report every clock that expired by then.
        let after = c.mono_now().max(first_deadline.unwrap_or(0));
        for &(userdata, d) in &clocks {
            if d <= after {
                events.push(Event { userdata, error: Errno::SUCCESS, ty: EVENTTYPE_CLOCK, nbytes: 0, flags: 0 });
            }
        }
    } else {
        let after = c.mono_now();
        for &(userdata, d) in &clocks {
            if d <= after {
                events.push(Event { userdata, error: Errno::SUCCESS, ty: EVENTTYPE_CLOCK, nbytes: 0, flags: 0 });
            }
        }
    }
    for (i, e) in events.iter().enumerate() {
        let mut b = [0u8; EVENT_SIZE];
        b[0..8].copy_from_slice(&e.userdata.to_le_bytes());
        b[8..10].copy_from_slice(&e.error.0.to_le_bytes());
        b[10] = e.ty;
        b[16..24].copy_from_slice(&e.nbytes.to_le_bytes());
        b[24..26].copy_from_slice(&e.flags.to_le_bytes());
        m.write(out + (i * EVENT_SIZE) as u32, &b)?;
    }
    m.put_u32(nevents, events.len() as u32)
}

fn poll_host(waits: &[(u64, u8, i32)], timeout: Option<Duration>, events: &mut Vec<Event>) -> Result<(), Errno> {
    use rustix::event::{PollFd, PollFlags};
    use std::os::fd::BorrowedFd;
    // SAFETY: the raw descriptors belong to streams owned by the descriptor table, which is
    // locked for the duration of this call, so they stay open while borrowed.
    let borrowed: Vec<BorrowedFd<'_>> = waits.iter().map(|w| unsafe { BorrowedFd::borrow_raw(w.2) }).collect();
    let mut fds: Vec<PollFd<'_>> = waits
        .iter()
        .zip(&borrowed)
        .map(|(w, fd)| PollFd::new(fd, if w.1 == EVENTTYPE_FD_WRITE { PollFlags::OUT } else { PollFlags::IN }))
        .collect();
    let ts = timeout.map(|d| rustix::event::Timespec {
        tv_sec: d.as_secs().min(i64::MAX as u64) as _,
        tv_nsec: d.subsec_nanos() as _,
    });
    loop {
        match rustix::event::poll(&mut fds, ts.as_ref()) {
            Ok(_) => break,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(fs::from_rustix(e)),
        }
    }
    for (w, p) in waits.iter().zip(&fds) {
        let r = p.revents();
        if r.is_empty() {
            continue;
        }
        let hup = r.intersects(PollFlags::HUP);
        let err = if r.intersects(PollFlags::NVAL) { Errno::BADF } else { Errno::SUCCESS };
        events.push(Event { userdata: w.0, error: err, ty: w.1, nbytes: 0, flags: if hup { EVENT_HANGUP } else { 0 } });
    }
    Ok(())
}
