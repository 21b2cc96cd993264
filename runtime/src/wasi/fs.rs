//! The filesystem behind WASI descriptors: the [`WasiDir`] and [`WasiFile`] traits, and their
//! host implementation on top of `cap-std`, which resolves every path beneath a directory
//! handle (`openat2(RESOLVE_BENEATH)` where the kernel has it, component by component
//! otherwise), so no path, `..`, absolute path or symlink reaches outside it.
//! The in-memory implementation is in `memfs.rs`; stdio and sockets in `stream.rs`.

use super::types::{fdflags, filetype, oflags, Errno, Filestat};
use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt, OpenOptionsSyncExt};
use cap_std::fs::{Dir, MetadataExt, OpenOptions};
use std::any::Any;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// What `path_open` asks for.
pub(crate) struct OpenReq {
    /// Follow a symlink in the last component (`lookupflags.symlink_follow`).
    pub follow: bool,
    /// `oflags`.
    pub oflags: u16,
    /// `fdflags`.
    pub fdflags: u16,
    /// Open for reading (the rights asked for include `fd_read` or `fd_readdir`).
    pub read: bool,
    /// Open for writing (the rights asked for include `fd_write` or another writing right).
    pub write: bool,
}

/// A new timestamp for `*_set_times`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimeSet {
    /// Leave it unchanged.
    Omit,
    /// The current time.
    Now,
    /// This time, in ns since the Unix epoch.
    At(u64),
}

/// What opening a path gave.
pub(crate) enum Opened {
    File(Box<dyn WasiFile>),
    Dir(Box<dyn WasiDir>),
}

/// One directory entry, without `.` and `..`.
pub(crate) struct DirEntry {
    pub name: Vec<u8>,
    pub ino: u64,
    pub filetype: u8,
}

/// A directory a descriptor refers to. Every path is relative to it and must stay beneath it.
pub(crate) trait WasiDir: Send {
    fn as_any(&self) -> &dyn Any;
    fn stat(&self) -> Result<Filestat, Errno>;
    fn set_times(&self, atim: TimeSet, mtim: TimeSet) -> Result<(), Errno>;
    fn sync(&self) -> Result<(), Errno> {
        Ok(())
    }
    fn open(&self, path: &[u8], req: &OpenReq) -> Result<Opened, Errno>;
    fn create_dir(&self, path: &[u8]) -> Result<(), Errno>;
    fn remove_dir(&self, path: &[u8]) -> Result<(), Errno>;
    fn unlink_file(&self, path: &[u8]) -> Result<(), Errno>;
    /// Renames `old` (beneath `self`) to `new` beneath `to` (of the same kind of filesystem,
    /// else `xdev`).
    fn rename(&self, old: &[u8], to: &dyn WasiDir, new: &[u8]) -> Result<(), Errno>;
    fn link(&self, old: &[u8], follow: bool, to: &dyn WasiDir, new: &[u8]) -> Result<(), Errno>;
    fn symlink(&self, target: &[u8], new: &[u8]) -> Result<(), Errno>;
    fn readlink(&self, path: &[u8]) -> Result<Vec<u8>, Errno>;
    fn stat_at(&self, path: &[u8], follow: bool) -> Result<Filestat, Errno>;
    fn set_times_at(&self, path: &[u8], follow: bool, atim: TimeSet, mtim: TimeSet) -> Result<(), Errno>;
    /// The entries, without `.` and `..`, in a stable order.
    fn entries(&self) -> Result<Vec<DirEntry>, Errno>;
}

/// How a stream or file can be waited on by `poll_oneoff`.
pub(crate) enum Readiness {
    /// Ready now, with this many bytes available (0 if unknown).
    Ready(u64),
    /// Backed by a host descriptor that `poll(2)` can wait on.
    #[cfg(unix)]
    Host(std::os::fd::RawFd),
}

/// A non-directory a descriptor refers to: a file, a stream or a socket.
pub(crate) trait WasiFile: Send {
    fn filetype(&self) -> u8;
    /// Was it opened for reading / writing (else `badf`)?
    fn readable(&self) -> bool;
    fn writable(&self) -> bool;
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno>;
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno>;
    fn pread(&mut self, _buf: &mut [u8], _offset: u64) -> Result<usize, Errno> {
        Err(Errno::SPIPE)
    }
    fn pwrite(&mut self, _buf: &[u8], _offset: u64) -> Result<usize, Errno> {
        Err(Errno::SPIPE)
    }
    fn seek(&mut self, _pos: SeekFrom) -> Result<u64, Errno> {
        Err(Errno::SPIPE)
    }
    fn stat(&self) -> Result<Filestat, Errno>;
    fn set_size(&mut self, _size: u64) -> Result<(), Errno> {
        Err(Errno::INVAL)
    }
    fn set_times(&mut self, _atim: TimeSet, _mtim: TimeSet) -> Result<(), Errno> {
        Err(Errno::NOTSUP)
    }
    fn sync(&mut self) -> Result<(), Errno> {
        Ok(())
    }
    fn datasync(&mut self) -> Result<(), Errno> {
        Ok(())
    }
    fn allocate(&mut self, _offset: u64, _len: u64) -> Result<(), Errno> {
        Err(Errno::NOTSUP)
    }
    fn fdflags(&self) -> u16 {
        0
    }
    fn set_fdflags(&mut self, _flags: u16) -> Result<(), Errno> {
        Err(Errno::NOTSUP)
    }
    fn readiness(&self, _write: bool) -> Readiness {
        Readiness::Ready(0)
    }
    /// Sockets: the socket operations.
    fn as_socket(&mut self) -> Option<&mut dyn super::stream::WasiSocket> {
        None
    }
}

/// Nanoseconds since the epoch from (seconds, nanoseconds), clamped at 0.
pub(crate) fn ns(sec: i64, nsec: i64) -> u64 {
    (sec as i128 * 1_000_000_000 + nsec as i128).clamp(0, u64::MAX as i128) as u64
}

fn filetype_of(ft: cap_std::fs::FileType) -> u8 {
    use cap_std::fs::FileTypeExt;
    if ft.is_dir() {
        filetype::DIRECTORY
    } else if ft.is_file() {
        filetype::REGULAR_FILE
    } else if ft.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else {
        let s = std_file_type(ft);
        match s {
            Some(t) if t.is_block_device() => filetype::BLOCK_DEVICE,
            Some(t) if t.is_char_device() => filetype::CHARACTER_DEVICE,
            Some(t) if t.is_socket() => filetype::SOCKET_STREAM,
            _ => filetype::UNKNOWN,
        }
    }
}

fn std_file_type(ft: cap_std::fs::FileType) -> Option<cap_std::fs::FileType> {
    Some(ft)
}

fn stat_of(m: &cap_std::fs::Metadata) -> Filestat {
    Filestat {
        dev: m.dev(),
        ino: m.ino(),
        filetype: filetype_of(m.file_type()),
        nlink: m.nlink(),
        size: m.size(),
        atim: ns(m.atime(), m.atime_nsec()),
        mtim: ns(m.mtime(), m.mtime_nsec()),
        ctim: ns(m.ctime(), m.ctime_nsec()),
    }
}

fn std_stat_of(m: &std::fs::Metadata) -> Filestat {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let ft = m.file_type();
    let filetype = if ft.is_dir() {
        filetype::DIRECTORY
    } else if ft.is_file() {
        filetype::REGULAR_FILE
    } else if ft.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else if ft.is_block_device() {
        filetype::BLOCK_DEVICE
    } else if ft.is_char_device() {
        filetype::CHARACTER_DEVICE
    } else if ft.is_socket() {
        filetype::SOCKET_STREAM
    } else {
        filetype::UNKNOWN
    };
    Filestat {
        dev: m.dev(),
        ino: m.ino(),
        filetype,
        nlink: m.nlink(),
        size: m.size(),
        atim: ns(m.atime(), m.atime_nsec()),
        mtim: ns(m.mtime(), m.mtime_nsec()),
        ctim: ns(m.ctime(), m.ctime_nsec()),
    }
}

fn to_path(p: &[u8]) -> Result<&Path, Errno> {
    if p.contains(&0) {
        return Err(Errno::ILSEQ);
    }
    if p.is_empty() {
        return Err(Errno::NOENT);
    }
    Ok(Path::new(std::ffi::OsStr::from_bytes(p)))
}

fn timestamps(atim: TimeSet, mtim: TimeSet) -> rustix::fs::Timestamps {
    let spec = |t: TimeSet| match t {
        TimeSet::Omit => rustix::fs::Timespec { tv_sec: 0, tv_nsec: rustix::fs::UTIME_OMIT },
        TimeSet::Now => rustix::fs::Timespec { tv_sec: 0, tv_nsec: rustix::fs::UTIME_NOW },
        TimeSet::At(ns) => rustix::fs::Timespec {
            tv_sec: (ns / 1_000_000_000) as _,
            tv_nsec: (ns % 1_000_000_000) as _,
        },
    };
    rustix::fs::Timestamps { last_access: spec(atim), last_modification: spec(mtim) }
}

fn time_spec(t: TimeSet) -> Option<cap_fs_ext::SystemTimeSpec> {
    match t {
        TimeSet::Omit => None,
        TimeSet::Now => Some(cap_fs_ext::SystemTimeSpec::SymbolicNow),
        TimeSet::At(ns) => Some(cap_fs_ext::SystemTimeSpec::Absolute(cap_std::time::SystemTime::from_std(
            std::time::UNIX_EPOCH + std::time::Duration::from_nanos(ns),
        ))),
    }
}

/// Does `p` end in a slash (`foo/`), which only names a directory?
fn trailing_slash(p: &[u8]) -> bool {
    p.len() > 1 && p.ends_with(b"/")
}

/// A host directory, read-write or read-only.
pub(crate) struct HostDir {
    pub dir: Dir,
    pub read_only: bool,
}

impl HostDir {
    fn writable(&self) -> Result<(), Errno> {
        if self.read_only {
            Err(Errno::ROFS)
        } else {
            Ok(())
        }
    }
    fn other<'a>(&self, to: &'a dyn WasiDir) -> Result<&'a HostDir, Errno> {
        to.as_any().downcast_ref::<HostDir>().ok_or(Errno::XDEV)
    }
    /// A file named with a trailing slash is not a directory: `notdir`.
    fn check_trailing(&self, p: &[u8]) -> Result<(), Errno> {
        if trailing_slash(p) {
            let m = self.dir.symlink_metadata(to_path(p.trim_ascii_end_slash())?)?;
            if !m.is_dir() && !m.is_symlink() {
                return Err(Errno::NOTDIR);
            }
        }
        Ok(())
    }
}

trait TrimSlash {
    fn trim_ascii_end_slash(&self) -> &[u8];
}
impl TrimSlash for [u8] {
    fn trim_ascii_end_slash(&self) -> &[u8] {
        let mut s = self;
        while s.len() > 1 && s.ends_with(b"/") {
            s = &s[..s.len() - 1];
        }
        s
    }
}

impl WasiDir for HostDir {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn stat(&self) -> Result<Filestat, Errno> {
        Ok(stat_of(&self.dir.dir_metadata()?))
    }
    fn set_times(&self, atim: TimeSet, mtim: TimeSet) -> Result<(), Errno> {
        self.writable()?;
        rustix::fs::futimens(&self.dir, &timestamps(atim, mtim)).map_err(|e| from_rustix(e))
    }
    fn sync(&self) -> Result<(), Errno> {
        // Directories cannot be fsync'ed everywhere; succeed like the host's `fsync` on a
        // read-only directory descriptor would on Linux.
        let _ = rustix::fs::fsync(&self.dir);
        Ok(())
    }
    fn open(&self, path: &[u8], req: &OpenReq) -> Result<Opened, Errno> {
        let p = to_path(path)?;
        let creates = req.oflags & (oflags::CREAT | oflags::TRUNC) != 0;
        if req.oflags & oflags::DIRECTORY != 0 {
            if creates || req.oflags & oflags::EXCL != 0 {
                return Err(Errno::INVAL);
            }
            if req.write {
                return Err(Errno::ISDIR);
            }
            let d = if req.follow { self.dir.open_dir(p)? } else { self.dir.open_dir_nofollow(p)? };
            return Ok(Opened::Dir(Box::new(HostDir { dir: d, read_only: self.read_only })));
        }
        if self.read_only && (req.write || creates) {
            // Say `rofs` only about what would be written; a missing file stays `noent`, a
            // directory `isdir`, as the host would answer.
            match self.dir.metadata(p) {
                Ok(m) if m.is_dir() && req.write => return Err(Errno::ISDIR),
                Err(e) if req.oflags & oflags::CREAT == 0 => return Err(e.into()),
                _ => return Err(Errno::ROFS),
            }
        }
        let mut o = OpenOptions::new();
        let append = req.fdflags & fdflags::APPEND != 0;
        o.read(req.read || !req.write)
            .write(req.write)
            .truncate(req.oflags & oflags::TRUNC != 0)
            .follow(if req.follow { FollowSymlinks::Yes } else { FollowSymlinks::No })
            .maybe_dir(true)
            .nonblock(req.fdflags & fdflags::NONBLOCK != 0)
            .sync(req.fdflags & fdflags::SYNC != 0)
            .dsync(req.fdflags & fdflags::DSYNC != 0);
        if req.oflags & oflags::CREAT != 0 {
            if req.oflags & oflags::EXCL != 0 {
                o.create_new(true);
            } else {
                o.create(true);
            }
            if !req.write {
                // The host needs write access to create; the guest still cannot write.
                o.write(true);
            }
        } else if req.oflags & oflags::TRUNC != 0 && !req.write {
            o.write(true);
        }
        if req.oflags & oflags::EXCL != 0 && req.oflags & oflags::CREAT == 0 {
            // `excl` alone means nothing; keep POSIX behaviour (ignored).
        }
        let f = match self.dir.open_with(p, &o) {
            Ok(f) => f,
            Err(e) => {
                let errno = Errno::from(e);
                // Opening a directory for writing: `isdir`.
                return Err(errno);
            }
        };
        let f = f.into_std();
        let meta = f.metadata().map_err(Errno::from)?;
        if append && !meta.is_dir() {
            // Set O_APPEND after opening: the host refuses `append` together with `truncate`.
            let fl = rustix::fs::fcntl_getfl(&f).map_err(from_rustix)?;
            rustix::fs::fcntl_setfl(&f, fl | rustix::fs::OFlags::APPEND).map_err(from_rustix)?;
        }
        if meta.is_dir() {
            if req.write {
                return Err(Errno::ISDIR);
            }
            let d = Dir::from_std_file(f);
            return Ok(Opened::Dir(Box::new(HostDir { dir: d, read_only: self.read_only })));
        }
        if trailing_slash(path) {
            return Err(Errno::NOTDIR);
        }
        Ok(Opened::File(Box::new(HostFile {
            file: f,
            read: req.read,
            write: req.write || append,
            flags: req.fdflags & (fdflags::APPEND | fdflags::NONBLOCK | fdflags::SYNC | fdflags::DSYNC | fdflags::RSYNC),
        })))
    }
    fn create_dir(&self, path: &[u8]) -> Result<(), Errno> {
        let p = to_path(path)?;
        if self.read_only {
            return match self.dir.symlink_metadata(p) {
                Ok(_) => Err(Errno::EXIST),
                Err(_) => Err(Errno::ROFS),
            };
        }
        Ok(self.dir.create_dir(p)?)
    }
    fn remove_dir(&self, path: &[u8]) -> Result<(), Errno> {
        let p = to_path(path)?;
        self.writable()?;
        Ok(self.dir.remove_dir(p)?)
    }
    fn unlink_file(&self, path: &[u8]) -> Result<(), Errno> {
        let p = to_path(path)?;
        self.writable()?;
        if trailing_slash(path) {
            let m = self.dir.symlink_metadata(p)?;
            return Err(if m.is_dir() { Errno::ISDIR } else { Errno::NOTDIR });
        }
        match self.dir.remove_file_or_symlink(p) {
            Ok(()) => Ok(()),
            Err(e) => {
                let errno = Errno::from(e);
                // Linux says `eisdir` for unlink(2) of a directory; POSIX allows `eperm`.
                if errno == Errno::PERM {
                    if let Ok(m) = self.dir.symlink_metadata(p) {
                        if m.is_dir() {
                            return Err(Errno::ISDIR);
                        }
                    }
                }
                Err(errno)
            }
        }
    }
    fn rename(&self, old: &[u8], to: &dyn WasiDir, new: &[u8]) -> Result<(), Errno> {
        let to = self.other(to)?;
        let (po, pn) = (to_path(old)?, to_path(new)?);
        self.writable()?;
        to.writable()?;
        self.check_trailing(old)?;
        if trailing_slash(new) {
            let m = self.dir.symlink_metadata(to_path(old.trim_ascii_end_slash())?)?;
            if !m.is_dir() {
                return Err(Errno::NOTDIR);
            }
        }
        Ok(self.dir.rename(po, &to.dir, pn)?)
    }
    fn link(&self, old: &[u8], follow: bool, to: &dyn WasiDir, new: &[u8]) -> Result<(), Errno> {
        let to = self.other(to)?;
        let (po, pn) = (to_path(old)?, to_path(new)?);
        self.writable()?;
        to.writable()?;
        if follow {
            // linkat(AT_SYMLINK_FOLLOW) cannot be confined; refuse rather than escape.
            return Err(Errno::INVAL);
        }
        if trailing_slash(old) || trailing_slash(new) {
            let m = self.dir.symlink_metadata(to_path(old.trim_ascii_end_slash())?)?;
            if m.is_dir() {
                return Err(Errno::PERM);
            }
            if trailing_slash(old) {
                return Err(Errno::NOTDIR);
            }
            // `link/` names a directory that does not exist (or a file that is not one).
            return match self.dir.symlink_metadata(to_path(new.trim_ascii_end_slash())?) {
                Ok(_) => Err(Errno::EXIST),
                Err(_) => Err(Errno::NOENT),
            };
        }
        Ok(self.dir.hard_link(po, &to.dir, pn)?)
    }
    fn symlink(&self, target: &[u8], new: &[u8]) -> Result<(), Errno> {
        let t = to_path(target)?;
        let pn = to_path(new)?;
        self.writable()?;
        if trailing_slash(new) {
            return match self.dir.symlink_metadata(pn) {
                Ok(_) => Err(Errno::EXIST),
                Err(_) => Err(Errno::NOENT),
            };
        }
        // The link's contents are not resolved now; when followed later, resolution stays
        // beneath the directory it is followed from (an absolute or escaping target fails).
        Ok(self.dir.symlink(t, pn)?)
    }
    fn readlink(&self, path: &[u8]) -> Result<Vec<u8>, Errno> {
        let p = to_path(path)?;
        let t = self.dir.read_link_contents(p)?;
        Ok(t.as_os_str().as_bytes().to_vec())
    }
    fn stat_at(&self, path: &[u8], follow: bool) -> Result<Filestat, Errno> {
        let p = to_path(path)?;
        let m = if follow { self.dir.metadata(p)? } else { self.dir.symlink_metadata(p)? };
        if trailing_slash(path) && !m.is_dir() {
            return Err(Errno::NOTDIR);
        }
        Ok(stat_of(&m))
    }
    fn set_times_at(&self, path: &[u8], follow: bool, atim: TimeSet, mtim: TimeSet) -> Result<(), Errno> {
        let p = to_path(path)?;
        self.writable()?;
        if follow {
            Ok(self.dir.set_times(p, time_spec(atim), time_spec(mtim))?)
        } else {
            Ok(self.dir.set_symlink_times(p, time_spec(atim), time_spec(mtim))?)
        }
    }
    fn entries(&self) -> Result<Vec<DirEntry>, Errno> {
        let mut out = Vec::new();
        for e in self.dir.entries()? {
            let e = e?;
            let ft = e.file_type()?;
            let ino = {
                use rustix::fs::DirEntryExt;
                e.ino()
            };
            out.push(DirEntry { name: e.file_name().as_bytes().to_vec(), ino, filetype: filetype_of(ft) });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }
}

pub(crate) fn from_rustix(e: rustix::io::Errno) -> Errno {
    super::types::from_host_errno(e.raw_os_error())
}

/// A host file opened beneath a preopen.
pub(crate) struct HostFile {
    pub file: std::fs::File,
    pub read: bool,
    pub write: bool,
    pub flags: u16,
}

impl WasiFile for HostFile {
    fn filetype(&self) -> u8 {
        self.file.metadata().map(|m| std_stat_of(&m).filetype).unwrap_or(filetype::REGULAR_FILE)
    }
    fn readable(&self) -> bool {
        self.read
    }
    fn writable(&self) -> bool {
        self.write
    }
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        Ok(self.file.read(buf)?)
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        Ok(self.file.write(buf)?)
    }
    fn pread(&mut self, buf: &mut [u8], offset: u64) -> Result<usize, Errno> {
        use std::os::unix::fs::FileExt;
        Ok(self.file.read_at(buf, offset)?)
    }
    fn pwrite(&mut self, buf: &[u8], offset: u64) -> Result<usize, Errno> {
        use std::os::unix::fs::FileExt;
        if self.flags & fdflags::APPEND != 0 {
            // pwrite(2) on an O_APPEND descriptor appends on Linux; WASI means the offset.
            // Clear the flag for the duration of the write.
            let fl = rustix::fs::fcntl_getfl(&self.file).map_err(from_rustix)?;
            rustix::fs::fcntl_setfl(&self.file, fl - rustix::fs::OFlags::APPEND).map_err(from_rustix)?;
            let r = self.file.write_at(buf, offset);
            rustix::fs::fcntl_setfl(&self.file, fl).map_err(from_rustix)?;
            return Ok(r?);
        }
        Ok(self.file.write_at(buf, offset)?)
    }
    fn seek(&mut self, pos: SeekFrom) -> Result<u64, Errno> {
        Ok(self.file.seek(pos)?)
    }
    fn stat(&self) -> Result<Filestat, Errno> {
        Ok(std_stat_of(&self.file.metadata()?))
    }
    fn set_size(&mut self, size: u64) -> Result<(), Errno> {
        if !self.write {
            return Err(Errno::BADF);
        }
        Ok(self.file.set_len(size)?)
    }
    fn set_times(&mut self, atim: TimeSet, mtim: TimeSet) -> Result<(), Errno> {
        rustix::fs::futimens(&self.file, &timestamps(atim, mtim)).map_err(from_rustix)
    }
    fn sync(&mut self) -> Result<(), Errno> {
        Ok(self.file.sync_all()?)
    }
    fn datasync(&mut self) -> Result<(), Errno> {
        Ok(self.file.sync_data()?)
    }
    fn allocate(&mut self, offset: u64, len: u64) -> Result<(), Errno> {
        let end = offset.checked_add(len).ok_or(Errno::FBIG)?;
        if !self.write {
            return Err(Errno::BADF);
        }
        let size = self.file.metadata()?.len();
        if end > size {
            self.file.set_len(end)?;
        }
        Ok(())
    }
    fn fdflags(&self) -> u16 {
        self.flags
    }
    fn set_fdflags(&mut self, flags: u16) -> Result<(), Errno> {
        if flags & !(fdflags::APPEND | fdflags::NONBLOCK) != 0 {
            return Err(Errno::NOTSUP);
        }
        let mut fl = rustix::fs::fcntl_getfl(&self.file).map_err(from_rustix)?;
        fl.set(rustix::fs::OFlags::APPEND, flags & fdflags::APPEND != 0);
        fl.set(rustix::fs::OFlags::NONBLOCK, flags & fdflags::NONBLOCK != 0);
        rustix::fs::fcntl_setfl(&self.file, fl).map_err(from_rustix)?;
        self.flags = (self.flags & !(fdflags::APPEND | fdflags::NONBLOCK)) | flags;
        Ok(())
    }
    fn readiness(&self, _write: bool) -> Readiness {
        // Regular files are always ready; report the bytes left to read.
        let left = (|| {
            let size = self.file.metadata().ok()?.len();
            let pos = rustix::fs::seek(&self.file, rustix::fs::SeekFrom::Current(0)).ok()?;
            Some(size.saturating_sub(pos))
        })();
        Readiness::Ready(left.unwrap_or(0))
    }
}
