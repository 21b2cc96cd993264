//! WASI through the public API: the sandbox (no `..`, absolute path or symlink, host-made or
//! guest-made, reaches outside a mount, on host directories and on the in-memory filesystem),
//! read-only mounts, wild guest pointers (`fault`, and the host carries on), exit codes,
//! clock/random overrides, environment isolation and the `wasi_unstable` alias.

use std::path::{Path, PathBuf};
use zerowasm::wasi::{self, rights, Errno, MemFs, SharedBuffer, WasiConfig};
use zerowasm::{Instance, Memory, ModuleConfig, Runtime, Val};

/// (name, params: `i` = i32, `I` = i64); every one returns an errno.
const SIGS: &[(&str, &str)] = &[
    ("path_open", "iiiiiIIii"),
    ("fd_write", "iiii"),
    ("fd_read", "iiii"),
    ("fd_close", "i"),
    ("path_create_directory", "iii"),
    ("path_remove_directory", "iii"),
    ("path_unlink_file", "iii"),
    ("path_symlink", "iiiii"),
    ("path_readlink", "iiiiii"),
    ("path_rename", "iiiiii"),
    ("path_link", "iiiiiii"),
    ("path_filestat_get", "iiiii"),
    ("args_get", "ii"),
    ("environ_sizes_get", "ii"),
    ("random_get", "ii"),
    ("poll_oneoff", "iiii"),
    ("clock_time_get", "iIi"),
    ("fd_prestat_dir_name", "iii"),
    ("sock_accept", "iii"),
    ("sock_recv", "iiiiii"),
    ("sock_send", "iiiii"),
    ("sock_shutdown", "ii"),
];

/// A guest that re-exports each function above through a wasm wrapper (so the calls come
/// from wasm and see its memory), plus `exit(code)`.
fn wat(module: &str) -> String {
    let mut s = format!("(module (import \"{module}\" \"proc_exit\" (func $proc_exit (param i32)))\n");
    for (name, sig) in SIGS {
        let params: Vec<&str> = sig.chars().map(|c| if c == 'I' { "i64" } else { "i32" }).collect();
        s += &format!("(import \"{module}\" \"{name}\" (func ${name} (param {}) (result i32)))\n", params.join(" "));
    }
    s += "(memory (export \"memory\") 1)\n";
    for (name, sig) in SIGS {
        let params: Vec<&str> = sig.chars().map(|c| if c == 'I' { "i64" } else { "i32" }).collect();
        let gets: String = (0..params.len()).map(|i| format!("(local.get {i})")).collect();
        s += &format!("(func (export \"{name}\") (param {}) (result i32) (call ${name} {gets}))\n", params.join(" "));
    }
    s += "(func (export \"exit\") (param i32) (call $proc_exit (local.get 0))))";
    s
}

struct Guest {
    inst: Instance,
    mem: Memory,
}

impl Guest {
    fn new(config: WasiConfig) -> Guest {
        let rt = Runtime::new();
        wasi::instantiate(&rt, config).expect("wasi");
        let m = rt.compile(wat(wasi::MODULE_NAME)).expect("compile");
        let inst = rt.instantiate(&m, ModuleConfig::new()).expect("instantiate");
        let mem = inst.memory("memory").unwrap();
        Guest { inst, mem }
    }
    fn call(&self, name: &str, args: &[Val]) -> u16 {
        match self.inst.func(name).unwrap().call(args).expect("no trap")[0] {
            Val::I32(e) => e as u16,
            _ => unreachable!(),
        }
    }
    /// Puts `s` at a fixed scratch address and returns (ptr, len) arguments.
    fn str(&self, at: u32, s: &str) -> [Val; 2] {
        self.mem.write(at as u64, s.as_bytes()).unwrap();
        [Val::I32(at as i32), Val::I32(s.len() as i32)]
    }
    fn u32(&self, at: u32) -> u32 {
        let mut b = [0u8; 4];
        self.mem.read(at as u64, &mut b).unwrap();
        u32::from_le_bytes(b)
    }
    /// path_open on `dir`; Ok(new fd) or Err(errno).
    fn open(&self, dir: u32, path: &str, oflags: u32, rights_base: u64, follow: bool) -> Result<u32, u16> {
        let [p, l] = self.str(1000, path);
        let e = self.call(
            "path_open",
            &[
                Val::I32(dir as i32),
                Val::I32(follow as i32),
                p,
                l,
                Val::I32(oflags as i32),
                Val::I64(rights_base as i64),
                Val::I64(rights_base as i64),
                Val::I32(0),
                Val::I32(900),
            ],
        );
        if e == 0 {
            Ok(self.u32(900))
        } else {
            Err(e)
        }
    }
    fn path1(&self, func: &str, dir: u32, path: &str) -> u16 {
        let [p, l] = self.str(1000, path);
        self.call(func, &[Val::I32(dir as i32), p, l])
    }
    fn symlink(&self, target: &str, dir: u32, link: &str) -> u16 {
        let [tp, tl] = self.str(1000, target);
        let [lp, ll] = self.str(2000, link);
        self.call("path_symlink", &[tp, tl, Val::I32(dir as i32), lp, ll])
    }
    fn rename(&self, dir: u32, from: &str, to: &str) -> u16 {
        let [fp, fl] = self.str(1000, from);
        let [tp, tl] = self.str(2000, to);
        self.call("path_rename", &[Val::I32(dir as i32), fp, fl, Val::I32(dir as i32), tp, tl])
    }
    fn stat(&self, dir: u32, path: &str, follow: bool) -> u16 {
        let [p, l] = self.str(1000, path);
        self.call("path_filestat_get", &[Val::I32(dir as i32), Val::I32(follow as i32), p, l, Val::I32(3000)])
    }
    /// Reads up to 100 bytes from `fd`.
    fn read(&self, fd: u32) -> Result<Vec<u8>, u16> {
        self.mem.write(800, &[0, 4, 0, 0, 100, 0, 0, 0]).unwrap(); // iovec{buf: 1024, len: 100}
        let e = self.call("fd_read", &[Val::I32(fd as i32), Val::I32(800), Val::I32(1), Val::I32(808)]);
        if e != 0 {
            return Err(e);
        }
        let mut b = vec![0u8; self.u32(808) as usize];
        self.mem.read(1024, &mut b).unwrap();
        Ok(b)
    }
}

const READ: u64 = rights::FD_READ | rights::FD_SEEK | rights::FD_FILESTAT_GET | rights::FD_READDIR;
const WRITE: u64 = READ | rights::FD_WRITE;
const CREAT: u32 = 1;
const DIRECTORY: u32 = 2;

fn escape_errno(e: u16) -> bool {
    e == Errno::PERM.0 || e == Errno::NOTCAPABLE.0 || e == Errno::ACCES.0
}

struct Tmp(PathBuf);
impl Tmp {
    fn new(tag: &str) -> Tmp {
        let p = std::env::temp_dir().join(format!("zerowasm-wasi-test-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Tmp(p)
    }
}
impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `outer/secret.txt` and `outer/box/inside.txt`, with host symlinks `box/up -> ../secret.txt`
/// and `box/abs -> <outer>`; `box` is what gets mounted.
fn host_tree(tag: &str) -> (Tmp, PathBuf) {
    let t = Tmp::new(tag);
    std::fs::write(t.0.join("secret.txt"), "secret").unwrap();
    let b = t.0.join("box");
    std::fs::create_dir(&b).unwrap();
    std::fs::create_dir(b.join("sub")).unwrap();
    std::fs::write(b.join("inside.txt"), "inside").unwrap();
    std::os::unix::fs::symlink("../secret.txt", b.join("up")).unwrap();
    std::os::unix::fs::symlink(&t.0, b.join("abs")).unwrap();
    (t, b)
}

/// The escape attempts every mount must refuse; `outer` is an absolute host path outside it.
fn assert_sandboxed(g: &Guest, outer: &str) {
    assert_eq!(g.read(g.open(3, "inside.txt", 0, READ, true).unwrap()).unwrap(), b"inside");
    assert_eq!(g.read(g.open(3, "sub/../inside.txt", 0, READ, true).unwrap()).unwrap(), b"inside");
    let attempts = [
        "..",
        "../secret.txt",
        "sub/../../secret.txt",
        "./sub/../../secret.txt",
        "sub/../..",
        "/secret.txt",
        "/etc/passwd",
        &format!("{outer}/secret.txt"),
    ];
    for p in attempts {
        for follow in [false, true] {
            let r = g.open(3, p, 0, READ, follow);
            assert!(matches!(r, Err(e) if escape_errno(e)), "open {p:?} (follow {follow}) gave {r:?}");
        }
        assert!(escape_errno(g.stat(3, p, true)), "stat {p:?}");
        assert!(escape_errno(g.path1("path_create_directory", 3, &format!("{p}/x"))) || p == "..", "mkdir under {p:?}");
    }
    // Symlinks made by the guest: creating them is allowed, following them out is not.
    for (name, target) in [("g1", "../secret.txt"), ("g2", "/etc/passwd"), ("g3", "sub/../../secret.txt"), ("g4", outer)] {
        let e = g.symlink(target, 3, name);
        if e != 0 {
            // Refusing to create a link to an absolute path is fine too (host mounts do).
            assert!(escape_errno(e) && target.starts_with('/'), "symlink {name} -> {target}: {e}");
            continue;
        }
        let r = g.open(3, name, 0, READ, true);
        assert!(matches!(r, Err(e) if escape_errno(e)), "open via guest symlink {name} -> {target}: {r:?}");
        let r = g.open(3, &format!("{name}/secret.txt"), 0, READ, true);
        assert!(r.is_err(), "open through guest symlink {name}: {r:?}");
        assert!(escape_errno(g.stat(3, name, true)), "stat via {name}");
    }
    // A chain of guest symlinks that climbs one level per hop.
    assert_eq!(g.path1("path_create_directory", 3, "d"), 0);
    assert_eq!(g.symlink("..", 3, "d/parent"), 0);
    let r = g.open(3, "d/parent/../secret.txt", 0, READ, true);
    assert!(matches!(r, Err(e) if escape_errno(e)), "chained symlink: {r:?}");
    // Renaming out is refused, and nothing appears outside.
    assert!(escape_errno(g.rename(3, "inside.txt", "../stolen.txt")));
    // Opening a subdirectory gives a handle that cannot climb out of itself either.
    let sub = g.open(3, "sub", DIRECTORY, READ, true).unwrap();
    let r = g.open(sub, "../inside.txt", 0, READ, true);
    assert!(matches!(r, Err(e) if escape_errno(e)), "climbing out of a subdirectory handle: {r:?}");
}

#[test]
fn host_mount_cannot_be_escaped() {
    let (t, b) = host_tree("escape");
    let g = Guest::new(WasiConfig::new().with_dir(&b, "/"));
    assert_sandboxed(&g, t.0.to_str().unwrap());
    // Host-made symlinks that point outside are refused too.
    for link in ["up", "abs/secret.txt", "abs"] {
        let r = g.open(3, link, 0, READ, true);
        assert!(matches!(r, Err(e) if escape_errno(e)), "host symlink {link}: {r:?}");
    }
    assert!(!t.0.join("stolen.txt").exists());
    assert_eq!(std::fs::read_to_string(t.0.join("secret.txt")).unwrap(), "secret");
}

#[test]
fn memfs_mount_cannot_be_escaped() {
    let fs = MemFs::new();
    fs.write_file("inside.txt", "inside").unwrap();
    fs.create_dir_all("sub").unwrap();
    let g = Guest::new(WasiConfig::new().with_memfs(fs.clone(), "/", false));
    assert_sandboxed(&g, "/tmp");
    // What the guest writes lands in the MemFs.
    let fd = g.open(3, "new.txt", CREAT, WRITE, true).unwrap();
    g.mem.write(700, b"hey").unwrap();
    g.mem.write(800, &[188, 2, 0, 0, 3, 0, 0, 0]).unwrap(); // iovec{700, 3}
    assert_eq!(g.call("fd_write", &[Val::I32(fd as i32), Val::I32(800), Val::I32(1), Val::I32(808)]), 0);
    assert_eq!(fs.read_file("new.txt").unwrap(), b"hey");
}

fn assert_read_only(g: &Guest) {
    let rofs = Errno::ROFS.0;
    assert_eq!(g.open(3, "new.txt", CREAT, WRITE, true), Err(rofs));
    assert_eq!(g.open(3, "inside.txt", 0, WRITE, true), Err(rofs));
    assert_eq!(g.open(3, "inside.txt", 8 /* trunc */, READ, true), Err(rofs));
    assert_eq!(g.path1("path_create_directory", 3, "newdir"), rofs);
    assert_eq!(g.path1("path_unlink_file", 3, "inside.txt"), rofs);
    assert_eq!(g.path1("path_remove_directory", 3, "sub"), rofs);
    assert_eq!(g.rename(3, "inside.txt", "moved.txt"), rofs);
    assert_eq!(g.symlink("inside.txt", 3, "link"), rofs);
    // Reading still works.
    assert_eq!(g.read(g.open(3, "inside.txt", 0, READ, true).unwrap()).unwrap(), b"inside");
}

#[test]
fn read_only_mounts_refuse_writes() {
    let (_t, b) = host_tree("ro");
    let g = Guest::new(WasiConfig::new().with_dir_ro(&b, "/"));
    assert_read_only(&g);
    assert_eq!(std::fs::read_to_string(b.join("inside.txt")).unwrap(), "inside");
    assert!(!b.join("new.txt").exists() && !b.join("newdir").exists() && !b.join("link").exists());

    let fs = MemFs::new();
    fs.write_file("inside.txt", "inside").unwrap();
    fs.create_dir_all("sub").unwrap();
    assert_read_only(&Guest::new(WasiConfig::new().with_memfs(fs.clone(), "/", true)));
    assert_eq!(fs.read_file("inside.txt").unwrap(), b"inside");
}

#[test]
fn wild_pointers_give_fault_and_the_host_carries_on() {
    let out = SharedBuffer::new();
    let (_t, b) = host_tree("fault");
    let g = Guest::new(WasiConfig::new().with_args(["prog", "arg"]).with_stdout_buffer(out.clone()).with_dir(&b, "/"));
    let fault = Errno::FAULT.0;
    let i = |v: u32| Val::I32(v as i32);
    let end = 65536u32;
    // iovec array outside memory, straddling its end, and huge counts.
    assert_eq!(g.call("fd_write", &[i(1), i(0xffff_fff8), i(1), i(0)]), fault);
    assert_eq!(g.call("fd_write", &[i(1), i(end - 4), i(1), i(0)]), fault);
    assert_eq!(g.call("fd_write", &[i(1), i(0), i(0x2000_0000), i(0)]), fault);
    // A buffer that runs past the end; a result pointer outside.
    g.mem.write(100, &(end - 10).to_le_bytes()).unwrap();
    g.mem.write(104, &100u32.to_le_bytes()).unwrap();
    assert_eq!(g.call("fd_write", &[i(1), i(100), i(1), i(200)]), fault);
    g.mem.write(100, &0u32.to_le_bytes()).unwrap();
    g.mem.write(104, &u32::MAX.to_le_bytes()).unwrap();
    assert_eq!(g.call("fd_write", &[i(1), i(100), i(1), i(200)]), fault);
    assert_eq!(g.call("fd_read", &[i(0), i(100), i(1), i(end)]), fault);
    assert_eq!(g.call("args_get", &[i(u32::MAX), i(0)]), fault);
    assert_eq!(g.call("args_get", &[i(0), i(end - 3)]), fault);
    assert_eq!(g.call("environ_sizes_get", &[i(end - 2), i(0)]), fault);
    assert_eq!(g.call("random_get", &[i(end - 10), i(11)]), fault);
    assert_eq!(g.call("random_get", &[i(u32::MAX), i(u32::MAX)]), fault);
    assert_eq!(g.call("clock_time_get", &[i(0), Val::I64(0), i(end - 7)]), fault);
    assert_eq!(g.call("poll_oneoff", &[i(0), i(0), i(0x7fff_ffff), i(0)]), fault);
    assert_eq!(g.call("poll_oneoff", &[i(end - 8), i(0), i(1), i(0)]), fault);
    assert_eq!(g.call("fd_prestat_dir_name", &[i(3), i(end - 1), i(100)]), fault);
    assert_eq!(
        g.call("path_open", &[i(3), i(0), i(end - 2), i(100), i(0), Val::I64(0), Val::I64(0), i(0), i(0)]),
        fault
    );
    assert_eq!(
        g.call("path_open", &[i(3), i(0), i(0), i(1), i(0), Val::I64(0), Val::I64(0), i(0), i(end)]),
        fault
    );
    let [p, l] = g.str(1000, "up");
    assert_eq!(g.call("path_readlink", &[i(3), p, l, i(end - 4), i(100), i(0)]), fault);
    // Nothing was written, the guest's memory is intact, and the next call works.
    assert!(out.contents().is_empty());
    g.mem.write(500, b"ok\n").unwrap();
    g.mem.write(100, &500u32.to_le_bytes()).unwrap();
    g.mem.write(104, &3u32.to_le_bytes()).unwrap();
    assert_eq!(g.call("fd_write", &[i(1), i(100), i(1), i(200)]), 0);
    assert_eq!(g.u32(200), 3);
    assert_eq!(out.contents(), b"ok\n");
}

#[test]
fn exit_codes_surface_as_exit_not_trap() {
    let rt = Runtime::new();
    wasi::instantiate(&rt, WasiConfig::new()).unwrap();
    let m = rt
        .compile(r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $e (param i32)))
            (func (export "_start") (call $e (i32.const 3)) unreachable))"#)
        .unwrap();
    let inst = rt.instantiate(&m, ModuleConfig::new()).unwrap();
    assert_eq!(wasi::run_start(&inst).unwrap(), 3);
    assert_eq!(inst.func("_start").unwrap().call(&[]).unwrap_err().trap().and_then(zerowasm::Trap::exit_code), Some(3));
}

#[test]
fn clocks_and_random_can_be_made_deterministic() {
    let g = Guest::new(
        WasiConfig::new()
            .with_wall_clock(|| 1_600_000_000_000_000_000)
            .with_monotonic_clock(|| 42)
            .with_random(|b| b.fill(7)),
    );
    let i = |v: u32| Val::I32(v as i32);
    let mut b = [0u8; 8];
    assert_eq!(g.call("clock_time_get", &[i(0), Val::I64(1), i(64)]), 0);
    g.mem.read(64, &mut b).unwrap();
    assert_eq!(u64::from_le_bytes(b), 1_600_000_000_000_000_000);
    assert_eq!(g.call("clock_time_get", &[i(1), Val::I64(1), i(64)]), 0);
    g.mem.read(64, &mut b).unwrap();
    assert_eq!(u64::from_le_bytes(b), 42);
    assert_eq!(g.call("random_get", &[i(64), i(8)]), 0);
    g.mem.read(64, &mut b).unwrap();
    assert_eq!(b, [7; 8]);
    assert_eq!(g.call("clock_time_get", &[i(9), Val::I64(1), i(64)]), Errno::INVAL.0);
}

#[test]
fn the_host_environment_is_not_passed() {
    std::env::set_var("ZEROWASM_TEST_SECRET", "1");
    let g = Guest::new(WasiConfig::new().with_env("A", "b"));
    assert_eq!(g.call("environ_sizes_get", &[Val::I32(0), Val::I32(4)]), 0);
    assert_eq!((g.u32(0), g.u32(4)), (1, 4)); // "A=b\0"
    let g = Guest::new(WasiConfig::new().with_inherited_env());
    assert_eq!(g.call("environ_sizes_get", &[Val::I32(0), Val::I32(4)]), 0);
    assert!(g.u32(0) >= 1);
}

#[test]
fn wasi_unstable_alias() {
    let rt = Runtime::new();
    wasi::instantiate(&rt, WasiConfig::new()).unwrap();
    let m = rt.compile(r#"(module (import "wasi_unstable" "proc_exit" (func (param i32))))"#).unwrap();
    assert!(rt.instantiate(&m, ModuleConfig::new()).is_err(), "no alias unless asked for");
    let rt = Runtime::new();
    wasi::instantiate(&rt, WasiConfig::new().with_unstable_alias(true)).unwrap();
    let g = rt.compile(wat(wasi::UNSTABLE_MODULE_NAME));
    // poll_oneoff and path_filestat_get changed their ABI since snapshot 0: not offered.
    let err = rt.instantiate(&g.unwrap(), ModuleConfig::new()).err().expect("link error").to_string();
    assert!(
        ["path_filestat_get", "poll_oneoff", "sock_accept"].iter().any(|f| err.contains(&format!("wasi_unstable.{f}"))),
        "{err}"
    );
    let m = rt.compile(r#"(module (import "wasi_unstable" "proc_exit" (func (param i32))))"#).unwrap();
    assert!(rt.instantiate(&m, ModuleConfig::new()).is_ok());
}

#[test]
fn a_module_importing_part_of_wasi_links_and_a_bad_mount_is_an_error() {
    let rt = Runtime::new();
    let err = wasi::instantiate(&rt, WasiConfig::new().with_dir("/does/not/exist", "/")).unwrap_err();
    assert!(err.to_string().contains("cannot mount directory /does/not/exist"), "{err}");
    wasi::instantiate(&rt, WasiConfig::new()).unwrap();
    let m = rt.compile(r#"(module (import "wasi_snapshot_preview1" "sched_yield" (func (result i32))))"#).unwrap();
    rt.instantiate(&m, ModuleConfig::new()).unwrap();
    let _ = Path::new("");
}

#[test]
fn poll_oneoff_clock_uses_the_sleep_override() {
    use std::sync::{Arc, Mutex};
    let slept = Arc::new(Mutex::new(Vec::new()));
    let s2 = slept.clone();
    let g = Guest::new(WasiConfig::new().with_monotonic_clock(|| 1_000).with_sleep(move |d| s2.lock().unwrap().push(d)));
    let i = |v: u32| Val::I32(v as i32);
    // Two clock subscriptions (relative 5 ms, userdata 11; absolute 1 s, userdata 22) and an
    // fd_write subscription on stdout: stdout is ready, so nothing sleeps.
    let mut subs = vec![0u8; 3 * 48];
    subs[0..8].copy_from_slice(&11u64.to_le_bytes());
    subs[8] = 0; // clock
    subs[16..20].copy_from_slice(&1u32.to_le_bytes()); // monotonic
    subs[24..32].copy_from_slice(&5_000_000u64.to_le_bytes());
    subs[48..56].copy_from_slice(&22u64.to_le_bytes());
    subs[56] = 0;
    subs[64..68].copy_from_slice(&1u32.to_le_bytes());
    subs[72..80].copy_from_slice(&1_000_000_000u64.to_le_bytes());
    subs[88..90].copy_from_slice(&1u16.to_le_bytes()); // abstime
    subs[96..104].copy_from_slice(&33u64.to_le_bytes());
    subs[104] = 2; // fd_write
    subs[112..116].copy_from_slice(&1u32.to_le_bytes());
    g.mem.write(4096, &subs).unwrap();
    assert_eq!(g.call("poll_oneoff", &[i(4096), i(8192), i(3), i(64)]), 0);
    assert_eq!(g.u32(64), 1);
    assert_eq!(g.u32(8192), 33);
    assert!(slept.lock().unwrap().is_empty());
    // Only the clocks: the first deadline (5 ms from now) is slept, and its event reported.
    g.mem.write(4096, &subs[..96]).unwrap();
    assert_eq!(g.call("poll_oneoff", &[i(4096), i(8192), i(2), i(64)]), 0);
    assert_eq!(g.u32(64), 1);
    assert_eq!(g.u32(8192), 11);
    assert_eq!(*slept.lock().unwrap(), vec![std::time::Duration::from_millis(5)]);
    // No subscriptions: inval.
    assert_eq!(g.call("poll_oneoff", &[i(4096), i(8192), i(0), i(64)]), Errno::INVAL.0);
}

#[test]
fn sockets_handed_in_by_the_host() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let g = Guest::new(WasiConfig::new().with_tcp_listener(listener));
    let i = |v: u32| Val::I32(v as i32);
    let client = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let mut c = std::net::TcpStream::connect(addr).unwrap();
        c.write_all(b"wazero\n").unwrap();
        let mut back = Vec::new();
        c.read_to_end(&mut back).unwrap();
        back
    });
    // fd 3 is the listener (no mounts); accept, receive, echo, shut down.
    assert_eq!(g.call("sock_accept", &[i(3), i(0), i(64)]), 0);
    let conn = g.u32(64);
    g.mem.write(100, &[0, 2, 0, 0, 7, 0, 0, 0]).unwrap(); // iovec{512, 7}
    assert_eq!(g.call("sock_recv", &[i(conn), i(100), i(1), i(0), i(200), i(204)]), 0);
    assert_eq!(g.u32(200), 7);
    assert_eq!(g.call("sock_send", &[i(conn), i(100), i(1), i(0), i(208)]), 0);
    assert_eq!(g.u32(208), 7);
    assert_eq!(g.call("sock_shutdown", &[i(conn), i(3)]), 0);
    assert_eq!(client.join().unwrap(), b"wazero\n");
    // Socket calls on something that is not a socket: notsock; bad flags: inval.
    assert_eq!(g.call("sock_shutdown", &[i(1), i(1)]), Errno::NOTSOCK.0);
    assert_eq!(g.call("sock_accept", &[i(0), i(0), i(64)]), Errno::NOTSOCK.0);
    assert_eq!(g.call("sock_shutdown", &[i(conn), i(9)]), Errno::INVAL.0);
}
