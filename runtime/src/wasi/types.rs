//! The types of `wasi_snapshot_preview1` as its witx defines them
//! (<https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/witx/typenames.witx>):
//! errno values, rights, flags, and the byte layouts of the structs the guest reads and writes.
//! Every layout below gives the offsets and the size with the witx's alignment rules applied.

/// An error number (`errno`, a `u16` in the witx). `Errno(0)` is success.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Errno(pub u16);

macro_rules! errnos {
    ($($name:ident = $v:expr, $msg:expr;)*) => {
        #[allow(missing_docs)]
        impl Errno {
            $(pub const $name: Errno = Errno($v);)*
            /// The witx name of the error (`"badf"`, `"noent"`, …), or `"unknown"`.
            pub fn name(self) -> &'static str {
                match self.0 { $($v => $msg,)* _ => "unknown" }
            }
        }
    };
}
errnos! {
    SUCCESS = 0, "success"; TOOBIG = 1, "2big"; ACCES = 2, "acces"; ADDRINUSE = 3, "addrinuse";
    ADDRNOTAVAIL = 4, "addrnotavail"; AFNOSUPPORT = 5, "afnosupport"; AGAIN = 6, "again";
    ALREADY = 7, "already"; BADF = 8, "badf"; BADMSG = 9, "badmsg"; BUSY = 10, "busy";
    CANCELED = 11, "canceled"; CHILD = 12, "child"; CONNABORTED = 13, "connaborted";
    CONNREFUSED = 14, "connrefused"; CONNRESET = 15, "connreset"; DEADLK = 16, "deadlk";
    DESTADDRREQ = 17, "destaddrreq"; DOM = 18, "dom"; DQUOT = 19, "dquot"; EXIST = 20, "exist";
    FAULT = 21, "fault"; FBIG = 22, "fbig"; HOSTUNREACH = 23, "hostunreach"; IDRM = 24, "idrm";
    ILSEQ = 25, "ilseq"; INPROGRESS = 26, "inprogress"; INTR = 27, "intr"; INVAL = 28, "inval";
    IO = 29, "io"; ISCONN = 30, "isconn"; ISDIR = 31, "isdir"; LOOP = 32, "loop";
    MFILE = 33, "mfile"; MLINK = 34, "mlink"; MSGSIZE = 35, "msgsize"; MULTIHOP = 36, "multihop";
    NAMETOOLONG = 37, "nametoolong"; NETDOWN = 38, "netdown"; NETRESET = 39, "netreset";
    NETUNREACH = 40, "netunreach"; NFILE = 41, "nfile"; NOBUFS = 42, "nobufs"; NODEV = 43, "nodev";
    NOENT = 44, "noent"; NOEXEC = 45, "noexec"; NOLCK = 46, "nolck"; NOLINK = 47, "nolink";
    NOMEM = 48, "nomem"; NOMSG = 49, "nomsg"; NOPROTOOPT = 50, "noprotoopt"; NOSPC = 51, "nospc";
    NOSYS = 52, "nosys"; NOTCONN = 53, "notconn"; NOTDIR = 54, "notdir"; NOTEMPTY = 55, "notempty";
    NOTRECOVERABLE = 56, "notrecoverable"; NOTSOCK = 57, "notsock"; NOTSUP = 58, "notsup";
    NOTTY = 59, "notty"; NXIO = 60, "nxio"; OVERFLOW = 61, "overflow"; OWNERDEAD = 62, "ownerdead";
    PERM = 63, "perm"; PIPE = 64, "pipe"; PROTO = 65, "proto"; PROTONOSUPPORT = 66, "protonosupport";
    PROTOTYPE = 67, "prototype"; RANGE = 68, "range"; ROFS = 69, "rofs"; SPIPE = 70, "spipe";
    SRCH = 71, "srch"; STALE = 72, "stale"; TIMEDOUT = 73, "timedout"; TXTBSY = 74, "txtbsy";
    XDEV = 75, "xdev"; NOTCAPABLE = 76, "notcapable";
}

impl std::fmt::Display for Errno {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "errno {} ({})", self.0, self.name())
    }
}

impl From<std::io::Error> for Errno {
    /// Maps a host I/O error to the WASI errno of the same meaning. Errors without an OS error
    /// number (cap-std's "a path led outside of the filesystem" is one) map by kind:
    /// permission denied to `perm`, which is what WASI prescribes for sandbox escapes.
    fn from(e: std::io::Error) -> Errno {
        if let Some(code) = e.raw_os_error() {
            return from_host_errno(code);
        }
        use std::io::ErrorKind as K;
        match e.kind() {
            K::NotFound => Errno::NOENT,
            K::PermissionDenied => Errno::PERM,
            K::AlreadyExists => Errno::EXIST,
            K::WouldBlock => Errno::AGAIN,
            K::InvalidInput => Errno::INVAL,
            K::InvalidData => Errno::ILSEQ,
            K::Interrupted => Errno::INTR,
            K::Unsupported => Errno::NOTSUP,
            K::OutOfMemory => Errno::NOMEM,
            K::BrokenPipe => Errno::PIPE,
            K::UnexpectedEof => Errno::IO,
            _ => Errno::IO,
        }
    }
}

/// Maps a host `errno` (as `std::io::Error::raw_os_error` gives it) to WASI's.
pub(crate) fn from_host_errno(code: i32) -> Errno {
    let e = rustix::io::Errno::from_raw_os_error(code);
    use rustix::io::Errno as H;
    macro_rules! m { ($($h:ident => $w:ident),* $(,)?) => {
        $(if e == H::$h { return Errno::$w; })*
    } }
    m!(TOOBIG => TOOBIG, ACCESS => ACCES, ADDRINUSE => ADDRINUSE, ADDRNOTAVAIL => ADDRNOTAVAIL,
       AFNOSUPPORT => AFNOSUPPORT, AGAIN => AGAIN, ALREADY => ALREADY, BADF => BADF,
       BADMSG => BADMSG, BUSY => BUSY, CANCELED => CANCELED, CHILD => CHILD,
       CONNABORTED => CONNABORTED, CONNREFUSED => CONNREFUSED, CONNRESET => CONNRESET,
       DEADLK => DEADLK, DESTADDRREQ => DESTADDRREQ, DOM => DOM, DQUOT => DQUOT, EXIST => EXIST,
       FAULT => FAULT, FBIG => FBIG, HOSTUNREACH => HOSTUNREACH, IDRM => IDRM, ILSEQ => ILSEQ,
       INPROGRESS => INPROGRESS, INTR => INTR, INVAL => INVAL, IO => IO, ISCONN => ISCONN,
       ISDIR => ISDIR, LOOP => LOOP, MFILE => MFILE, MLINK => MLINK, MSGSIZE => MSGSIZE,
       MULTIHOP => MULTIHOP, NAMETOOLONG => NAMETOOLONG, NETDOWN => NETDOWN, NETRESET => NETRESET,
       NETUNREACH => NETUNREACH, NFILE => NFILE, NOBUFS => NOBUFS, NODEV => NODEV, NOENT => NOENT,
       NOEXEC => NOEXEC, NOLCK => NOLCK, NOLINK => NOLINK, NOMEM => NOMEM, NOMSG => NOMSG,
       NOPROTOOPT => NOPROTOOPT, NOSPC => NOSPC, NOSYS => NOSYS, NOTCONN => NOTCONN,
       NOTDIR => NOTDIR, NOTEMPTY => NOTEMPTY, NOTRECOVERABLE => NOTRECOVERABLE,
       NOTSOCK => NOTSOCK, NOTSUP => NOTSUP, OPNOTSUPP => NOTSUP, NOTTY => NOTTY, NXIO => NXIO,
       OVERFLOW => OVERFLOW, OWNERDEAD => OWNERDEAD, PERM => PERM, PIPE => PIPE, PROTO => PROTO,
       PROTONOSUPPORT => PROTONOSUPPORT, PROTOTYPE => PROTOTYPE, RANGE => RANGE, ROFS => ROFS,
       SPIPE => SPIPE, SRCH => SRCH, STALE => STALE, TIMEDOUT => TIMEDOUT, TXTBSY => TXTBSY,
       XDEV => XDEV);
    Errno::IO
}

/// `filetype` (u8).
#[allow(missing_docs)]
pub mod filetype {
    pub const UNKNOWN: u8 = 0;
    pub const BLOCK_DEVICE: u8 = 1;
    pub const CHARACTER_DEVICE: u8 = 2;
    pub const DIRECTORY: u8 = 3;
    pub const REGULAR_FILE: u8 = 4;
    pub const SOCKET_DGRAM: u8 = 5;
    pub const SOCKET_STREAM: u8 = 6;
    pub const SYMBOLIC_LINK: u8 = 7;
}

/// `rights` (u64 bit set).
#[allow(missing_docs)]
pub mod rights {
    pub const FD_DATASYNC: u64 = 1 << 0;
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_SEEK: u64 = 1 << 2;
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    pub const FD_SYNC: u64 = 1 << 4;
    pub const FD_TELL: u64 = 1 << 5;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const FD_ADVISE: u64 = 1 << 7;
    pub const FD_ALLOCATE: u64 = 1 << 8;
    pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    pub const PATH_CREATE_FILE: u64 = 1 << 10;
    pub const PATH_LINK_SOURCE: u64 = 1 << 11;
    pub const PATH_LINK_TARGET: u64 = 1 << 12;
    pub const PATH_OPEN: u64 = 1 << 13;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const PATH_READLINK: u64 = 1 << 15;
    pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
    pub const PATH_RENAME_TARGET: u64 = 1 << 17;
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
    pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    pub const PATH_SYMLINK: u64 = 1 << 24;
    pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    pub const PATH_UNLINK_FILE: u64 = 1 << 26;
    pub const POLL_FD_READWRITE: u64 = 1 << 27;
    pub const SOCK_SHUTDOWN: u64 = 1 << 28;
    pub const SOCK_ACCEPT: u64 = 1 << 29;
    /// Every right the snapshot defines.
    pub const ALL: u64 = (1 << 30) - 1;
    /// The rights that make sense on a regular file.
    pub const REGULAR_FILE: u64 = FD_DATASYNC | FD_READ | FD_SEEK | FD_FDSTAT_SET_FLAGS | FD_SYNC
        | FD_TELL | FD_WRITE | FD_ADVISE | FD_ALLOCATE | FD_FILESTAT_GET | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES | POLL_FD_READWRITE;
    /// The rights that make sense on a directory (as the base rights of its descriptor).
    pub const DIRECTORY: u64 = FD_FDSTAT_SET_FLAGS | FD_SYNC | FD_ADVISE | PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE | PATH_LINK_SOURCE | PATH_LINK_TARGET | PATH_OPEN | FD_READDIR
        | PATH_READLINK | PATH_RENAME_SOURCE | PATH_RENAME_TARGET | PATH_FILESTAT_GET
        | PATH_FILESTAT_SET_SIZE | PATH_FILESTAT_SET_TIMES | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES | PATH_SYMLINK | PATH_REMOVE_DIRECTORY | PATH_UNLINK_FILE
        | POLL_FD_READWRITE;
    /// The rights of stdin, stdout, stderr and other streams.
    pub const STREAM: u64 = FD_READ | FD_WRITE | FD_FDSTAT_SET_FLAGS | FD_FILESTAT_GET
        | POLL_FD_READWRITE;
    /// The rights of a socket.
    pub const SOCKET: u64 = FD_READ | FD_WRITE | FD_FDSTAT_SET_FLAGS | FD_FILESTAT_GET
        | POLL_FD_READWRITE | SOCK_SHUTDOWN | SOCK_ACCEPT;
}

/// `fdflags` (u16).
#[allow(missing_docs)]
pub mod fdflags {
    pub const APPEND: u16 = 1 << 0;
    pub const DSYNC: u16 = 1 << 1;
    pub const NONBLOCK: u16 = 1 << 2;
    pub const RSYNC: u16 = 1 << 3;
    pub const SYNC: u16 = 1 << 4;
}

/// `oflags` (u16).
#[allow(missing_docs)]
pub mod oflags {
    pub const CREAT: u16 = 1 << 0;
    pub const DIRECTORY: u16 = 1 << 1;
    pub const EXCL: u16 = 1 << 2;
    pub const TRUNC: u16 = 1 << 3;
}

/// `lookupflags` (u32): `symlink_follow`.
pub const LOOKUP_SYMLINK_FOLLOW: u32 = 1;

/// `fstflags` (u16).
#[allow(missing_docs)]
pub mod fstflags {
    pub const ATIM: u16 = 1 << 0;
    pub const ATIM_NOW: u16 = 1 << 1;
    pub const MTIM: u16 = 1 << 2;
    pub const MTIM_NOW: u16 = 1 << 3;
}

/// `clockid` (u32).
#[allow(missing_docs)]
pub mod clockid {
    pub const REALTIME: u32 = 0;
    pub const MONOTONIC: u32 = 1;
    pub const PROCESS_CPUTIME_ID: u32 = 2;
    pub const THREAD_CPUTIME_ID: u32 = 3;
}

/// `filestat`: size 64, align 8. dev u64 @0, ino u64 @8, filetype u8 @16, nlink u64 @24,
/// size u64 @32, atim u64 @40, mtim u64 @48, ctim u64 @56 (timestamps in ns since the epoch).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Filestat {
    /// Device ID.
    pub dev: u64,
    /// Inode number.
    pub ino: u64,
    /// `filetype`.
    pub filetype: u8,
    /// Number of hard links.
    pub nlink: u64,
    /// Size in bytes.
    pub size: u64,
    /// Last access, ns since the Unix epoch.
    pub atim: u64,
    /// Last modification, ns since the Unix epoch.
    pub mtim: u64,
    /// Last status change, ns since the Unix epoch.
    pub ctim: u64,
}

impl Filestat {
    /// The 64-byte witx layout.
    pub fn to_bytes(&self) -> [u8; 64] {
        let mut b = [0u8; 64];
        b[0..8].copy_from_slice(&self.dev.to_le_bytes());
        b[8..16].copy_from_slice(&self.ino.to_le_bytes());
        b[16] = self.filetype;
        b[24..32].copy_from_slice(&self.nlink.to_le_bytes());
        b[32..40].copy_from_slice(&self.size.to_le_bytes());
        b[40..48].copy_from_slice(&self.atim.to_le_bytes());
        b[48..56].copy_from_slice(&self.mtim.to_le_bytes());
        b[56..64].copy_from_slice(&self.ctim.to_le_bytes());
        b
    }
}

/// `fdstat`: size 24, align 8. fs_filetype u8 @0, fs_flags u16 @2, fs_rights_base u64 @8,
/// fs_rights_inheriting u64 @16.
pub(crate) fn fdstat_bytes(filetype: u8, flags: u16, base: u64, inheriting: u64) -> [u8; 24] {
    let mut b = [0u8; 24];
    b[0] = filetype;
    b[2..4].copy_from_slice(&flags.to_le_bytes());
    b[8..16].copy_from_slice(&base.to_le_bytes());
    b[16..24].copy_from_slice(&inheriting.to_le_bytes());
    b
}

/// `dirent` header: size 24, align 8. d_next u64 @0, d_ino u64 @8, d_namlen u32 @16,
/// d_type u8 @20; the name (not NUL-terminated) follows the header.
pub(crate) fn dirent_bytes(next: u64, ino: u64, namlen: u32, filetype: u8) -> [u8; 24] {
    let mut b = [0u8; 24];
    b[0..8].copy_from_slice(&next.to_le_bytes());
    b[8..16].copy_from_slice(&ino.to_le_bytes());
    b[16..20].copy_from_slice(&namlen.to_le_bytes());
    b[20] = filetype;
    b
}

/// Size of a `subscription` (align 8): userdata u64 @0, tag u8 @8, union @16. The clock arm:
/// id u32 @16, timeout u64 @24, precision u64 @32, flags u16 @40. The fd arms: fd u32 @16.
pub(crate) const SUBSCRIPTION_SIZE: usize = 48;
/// Size of an `event` (align 8): userdata u64 @0, error u16 @8, type u8 @10,
/// fd_readwrite.nbytes u64 @16, fd_readwrite.flags u16 @24.
pub(crate) const EVENT_SIZE: usize = 32;
/// `eventtype` values.
pub(crate) const EVENTTYPE_CLOCK: u8 = 0;
pub(crate) const EVENTTYPE_FD_READ: u8 = 1;
pub(crate) const EVENTTYPE_FD_WRITE: u8 = 2;
/// `subclockflags.subscription_clock_abstime`.
pub(crate) const SUBCLOCK_ABSTIME: u16 = 1;
/// `eventrwflags.fd_readwrite_hangup`.
pub(crate) const EVENT_HANGUP: u16 = 1;

/// `whence` (u8).
pub(crate) const WHENCE_SET: u8 = 0;
pub(crate) const WHENCE_CUR: u8 = 1;
pub(crate) const WHENCE_END: u8 = 2;

/// `sdflags` (u8).
pub(crate) const SDFLAGS_RD: u8 = 1;
pub(crate) const SDFLAGS_WR: u8 = 2;
/// `riflags` (u16).
pub(crate) const RIFLAGS_RECV_PEEK: u16 = 1;
pub(crate) const RIFLAGS_RECV_WAITALL: u16 = 2;
