//! [`WasiConfig`]: what a guest sees of the world: args, environment, stdio, directory
//! mounts, clocks, sleep and randomness.

use super::memfs::MemFs;
use super::stream::{SharedBuffer, WasiInput, WasiOutput};
use std::path::PathBuf;
use std::time::Duration;

/// A clock override: returns the time in nanoseconds (since the Unix epoch for the wall
/// clock, since an arbitrary fixed point for the monotonic one).
pub type ClockFn = Box<dyn FnMut() -> u64 + Send>;
/// A sleep override: called by `poll_oneoff` with how long the guest wants to wait.
pub type SleepFn = Box<dyn FnMut(Duration) + Send>;
/// A randomness override: fills the buffer (`random_get`).
pub type RandomFn = Box<dyn FnMut(&mut [u8]) + Send>;

/// Where a mount's files come from.
pub(crate) enum MountSource {
    Host(PathBuf),
    Mem(MemFs),
}

/// One preopened directory.
pub(crate) struct Mount {
    pub source: MountSource,
    pub guest: String,
    pub read_only: bool,
}

/// The configuration of a `wasi_snapshot_preview1` instance, in the manner of wazero's
/// `ModuleConfig`/`FSConfig`. Everything is off by default: no args, no environment
/// variables (the host's are never passed unless asked for), stdin empty, stdout and stderr
/// discarded, no directories, the host's clocks, sleep and random source.
///
/// ```
/// use zerowasm::wasi::{SharedBuffer, WasiConfig};
/// let out = SharedBuffer::new();
/// let config = WasiConfig::new()
///     .with_args(["prog", "--flag"])
///     .with_env("HOME", "/")
///     .with_stdout_buffer(out.clone())
///     .with_dir_ro("/srv/data", "/data");
/// ```
pub struct WasiConfig {
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<(Vec<u8>, Vec<u8>)>,
    pub(crate) stdin: WasiInput,
    pub(crate) stdout: WasiOutput,
    pub(crate) stderr: WasiOutput,
    pub(crate) mounts: Vec<Mount>,
    pub(crate) wall_clock: Option<ClockFn>,
    pub(crate) monotonic_clock: Option<ClockFn>,
    pub(crate) sleep: Option<SleepFn>,
    pub(crate) random: Option<RandomFn>,
    pub(crate) listeners: Vec<std::net::TcpListener>,
    pub(crate) unstable_alias: bool,
}

impl Default for WasiConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl WasiConfig {
    /// The defaults described on the type.
    pub fn new() -> Self {
        WasiConfig {
            args: Vec::new(),
            env: Vec::new(),
            stdin: WasiInput::Empty,
            stdout: WasiOutput::Null,
            stderr: WasiOutput::Null,
            mounts: Vec::new(),
            wall_clock: None,
            monotonic_clock: None,
            sleep: None,
            random: None,
            listeners: Vec::new(),
            unstable_alias: false,
        }
    }
    /// Sets the command-line arguments, argv\[0\] (the program name) first.
    pub fn with_args<S: AsRef<[u8]>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.args = args.into_iter().map(|a| a.as_ref().to_vec()).collect();
        self
    }
    /// Appends one argument.
    pub fn with_arg(mut self, arg: impl AsRef<[u8]>) -> Self {
        self.args.push(arg.as_ref().to_vec());
        self
    }
    /// Adds the environment variable `key=value` (replacing an earlier one of that name).
    pub fn with_env(mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Self {
        let k = key.as_ref().to_vec();
        self.env.retain(|(e, _)| *e != k);
        self.env.push((k, value.as_ref().to_vec()));
        self
    }
    /// Adds every environment variable of the host process.
    pub fn with_inherited_env(mut self) -> Self {
        use std::os::unix::ffi::OsStrExt;
        for (k, v) in std::env::vars_os() {
            self = self.with_env(k.as_bytes(), v.as_bytes());
        }
        self
    }
    /// Sets stdin.
    pub fn with_stdin(mut self, input: WasiInput) -> Self {
        self.stdin = input;
        self
    }
    /// Sets stdout.
    pub fn with_stdout(mut self, output: WasiOutput) -> Self {
        self.stdout = output;
        self
    }
    /// Sets stderr.
    pub fn with_stderr(mut self, output: WasiOutput) -> Self {
        self.stderr = output;
        self
    }
    /// stdout into a buffer the caller keeps a clone of.
    pub fn with_stdout_buffer(self, buf: SharedBuffer) -> Self {
        self.with_stdout(WasiOutput::Buffer(buf))
    }
    /// stderr into a buffer the caller keeps a clone of.
    pub fn with_stderr_buffer(self, buf: SharedBuffer) -> Self {
        self.with_stderr(WasiOutput::Buffer(buf))
    }
    /// Inherits the host process's stdin, stdout and stderr.
    pub fn with_inherited_stdio(self) -> Self {
        self.with_stdin(WasiInput::Inherit).with_stdout(WasiOutput::Inherit).with_stderr(WasiOutput::Inherit)
    }
    /// Mounts host directory `host` read-write at guest path `guest` (a preopen, fd 3 onwards
    /// in the order mounts are added). The directory is opened at instantiation
    /// (error: [`WasiError::Mount`](super::WasiError::Mount)).
    pub fn with_dir(self, host: impl Into<PathBuf>, guest: impl Into<String>) -> Self {
        self.with_mount(host, guest, false)
    }
    /// Mounts host directory `host` read-only at `guest`: every write, create, rename,
    /// removal or time change beneath it fails with `rofs`.
    pub fn with_dir_ro(self, host: impl Into<PathBuf>, guest: impl Into<String>) -> Self {
        self.with_mount(host, guest, true)
    }
    /// Mounts `host` at `guest`, read-only if `read_only`.
    pub fn with_mount(mut self, host: impl Into<PathBuf>, guest: impl Into<String>, read_only: bool) -> Self {
        self.mounts.push(Mount { source: MountSource::Host(host.into()), guest: guest.into(), read_only });
        self
    }
    /// Mounts the in-memory filesystem `fs` at `guest`, read-only if `read_only`.
    pub fn with_memfs(mut self, fs: MemFs, guest: impl Into<String>, read_only: bool) -> Self {
        self.mounts.push(Mount { source: MountSource::Mem(fs), guest: guest.into(), read_only });
        self
    }
    /// Replaces the wall clock (`clock_time_get(realtime)`), in ns since the Unix epoch.
    pub fn with_wall_clock(mut self, clock: impl FnMut() -> u64 + Send + 'static) -> Self {
        self.wall_clock = Some(Box::new(clock));
        self
    }
    /// Replaces the monotonic clock (`clock_time_get(monotonic)`), in ns.
    pub fn with_monotonic_clock(mut self, clock: impl FnMut() -> u64 + Send + 'static) -> Self {
        self.monotonic_clock = Some(Box::new(clock));
        self
    }
    /// Replaces sleeping (clock subscriptions of `poll_oneoff`).
    pub fn with_sleep(mut self, sleep: impl FnMut(Duration) + Send + 'static) -> Self {
        self.sleep = Some(Box::new(sleep));
        self
    }
    /// Replaces the random source (`random_get`; the default is the OS's).
    pub fn with_random(mut self, random: impl FnMut(&mut [u8]) + Send + 'static) -> Self {
        self.random = Some(Box::new(random));
        self
    }
    /// Hands a listening TCP socket to the guest as a preopened descriptor (after the
    /// directory mounts): `sock_accept` on it returns connections for `sock_recv`,
    /// `sock_send` and `sock_shutdown`.
    pub fn with_tcp_listener(mut self, listener: std::net::TcpListener) -> Self {
        self.listeners.push(listener);
        self
    }
    /// Also offers the functions under the old module name `wasi_unstable` (snapshot 0) where
    /// their ABI did not change (all but `fd_seek`, `fd_filestat_get`, `path_filestat_get` and
    /// `poll_oneoff`), so old binaries run.
    pub fn with_unstable_alias(mut self, yes: bool) -> Self {
        self.unstable_alias = yes;
        self
    }
}

impl std::fmt::Debug for WasiConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasiConfig")
            .field("args", &self.args.len())
            .field("env", &self.env.len())
            .field("stdin", &self.stdin)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .field("mounts", &self.mounts.iter().map(|m| m.guest.clone()).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}
