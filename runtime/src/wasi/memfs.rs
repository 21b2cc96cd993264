//! An in-memory filesystem ([`MemFs`]) that can be mounted instead of a host directory: files,
//! directories, hard links and symlinks, resolved with the same rules as host mounts (no
//! absolute path, no `..` above the directory a path is resolved from, symlinks followed
//! beneath it, at most 40 of them per lookup).

use super::fs::{DirEntry, OpenReq, Opened, TimeSet, WasiDir, WasiFile};
use super::types::{fdflags, filetype, oflags, Errno, Filestat};
use std::any::Any;
use std::collections::{BTreeMap, VecDeque};
use std::io::SeekFrom;
use std::sync::{Arc, Mutex, MutexGuard};

const MAX_SYMLINKS: u32 = 40;

enum Kind {
    File(Vec<u8>),
    Dir(BTreeMap<Vec<u8>, u64>),
    Symlink(Vec<u8>),
}

struct Node {
    kind: Kind,
    nlink: u64,
    atim: u64,
    mtim: u64,
    ctim: u64,
}

struct Tree {
    nodes: BTreeMap<u64, Node>,
    next_ino: u64,
}

fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

const ROOT: u64 = 1;
/// The device number reported for every in-memory file.
const DEV: u64 = 0x6d656d; // "mem"

impl Tree {
    fn node(&self, ino: u64) -> Result<&Node, Errno> {
        self.nodes.get(&ino).ok_or(Errno::NOENT)
    }
    fn node_mut(&mut self, ino: u64) -> Result<&mut Node, Errno> {
        self.nodes.get_mut(&ino).ok_or(Errno::NOENT)
    }
    fn dir(&self, ino: u64) -> Result<&BTreeMap<Vec<u8>, u64>, Errno> {
        match &self.node(ino)?.kind {
            Kind::Dir(d) => Ok(d),
            _ => Err(Errno::NOTDIR),
        }
    }
    fn dir_mut(&mut self, ino: u64) -> Result<&mut BTreeMap<Vec<u8>, u64>, Errno> {
        match &mut self.node_mut(ino)?.kind {
            Kind::Dir(d) => Ok(d),
            _ => Err(Errno::NOTDIR),
        }
    }
    fn alloc(&mut self, kind: Kind) -> u64 {
        let ino = self.next_ino;
        self.next_ino += 1;
        let t = now_ns();
        self.nodes.insert(ino, Node { kind, nlink: 1, atim: t, mtim: t, ctim: t });
        ino
    }
    fn stat(&self, ino: u64) -> Result<Filestat, Errno> {
        let n = self.node(ino)?;
        let (ft, size) = match &n.kind {
            Kind::File(b) => (filetype::REGULAR_FILE, b.len() as u64),
            Kind::Dir(d) => (filetype::DIRECTORY, d.len() as u64),
            Kind::Symlink(t) => (filetype::SYMBOLIC_LINK, t.len() as u64),
        };
        Ok(Filestat { dev: DEV, ino, filetype: ft, nlink: n.nlink, size, atim: n.atim, mtim: n.mtim, ctim: n.ctim })
    }
    /// Drops one link to `ino`, freeing it at zero (open handles keep working on a copy-free
    /// basis only while linked; an unlinked open file reads as empty).
    fn unlink(&mut self, ino: u64) {
        if let Some(n) = self.nodes.get_mut(&ino) {
            n.nlink = n.nlink.saturating_sub(1);
            n.ctim = now_ns();
            if n.nlink == 0 {
                self.nodes.remove(&ino);
            }
        }
    }

    /// Resolves `path` from directory `start`: returns the parent directory of the last
    /// component, the last component's name, and its inode if it exists.
    fn resolve(&self, start: u64, path: &[u8], follow_last: bool) -> Result<Resolved, Errno> {
        if path.is_empty() {
            return Err(Errno::NOENT);
        }
        if path.contains(&0) {
            return Err(Errno::ILSEQ);
        }
        if path[0] == b'/' {
            return Err(Errno::PERM);
        }
        let must_dir = path.ends_with(b"/");
        let mut comps: VecDeque<Vec<u8>> =
            path.split(|b| *b == b'/').filter(|c| !c.is_empty()).map(|c| c.to_vec()).collect();
        let mut stack = vec![start];
        let mut links = 0;
        let follow_last = follow_last || must_dir;
        while let Some(comp) = comps.pop_front() {
            let is_last = comps.is_empty();
            let cur = *stack.last().expect("never empty");
            let dir = self.dir(cur)?;
            let r = match comp.as_slice() {
                b"." => Some(cur),
                b".." => {
                    if stack.len() == 1 {
                        return Err(Errno::PERM);
                    }
                    stack.pop();
                    Some(*stack.last().expect("never empty"))
                }
                name => {
                    let child = dir.get(name).copied();
                    match child.map(|c| self.node(c)).transpose()? {
                        Some(Node { kind: Kind::Symlink(target), .. }) if !is_last || follow_last => {
                            links += 1;
                            if links > MAX_SYMLINKS {
                                return Err(Errno::LOOP);
                            }
                            if target.first() == Some(&b'/') {
                                return Err(Errno::PERM);
                            }
                            let mut t: VecDeque<Vec<u8>> = target
                                .split(|b| *b == b'/')
                                .filter(|c| !c.is_empty())
                                .map(|c| c.to_vec())
                                .collect();
                            if target.ends_with(b"/") && t.is_empty() {
                                t.push_back(b".".to_vec());
                            }
                            while let Some(c) = t.pop_back() {
                                comps.push_front(c);
                            }
                            if comps.is_empty() {
                                comps.push_back(b".".to_vec());
                            }
                            continue;
                        }
                        Some(Node { kind: Kind::Dir(_), .. }) if !is_last => {
                            stack.push(child.expect("found"));
                            continue;
                        }
                        Some(_) if !is_last => return Err(Errno::NOTDIR),
                        None if !is_last => return Err(Errno::NOENT),
                        _ => {
                            let r = Resolved { parent: cur, name: comp.clone(), ino: child };
                            if must_dir {
                                if let Some(c) = child {
                                    if !matches!(self.node(c)?.kind, Kind::Dir(_)) {
                                        return Err(Errno::NOTDIR);
                                    }
                                }
                            }
                            return Ok(r);
                        }
                    }
                }
            };
            if is_last {
                let parent = if stack.len() > 1 { stack[stack.len() - 2] } else { cur };
                return Ok(Resolved { parent, name: comp, ino: r });
            }
            if comp.as_slice() == b"." {
                continue;
            }
        }
        // Only separators: the start directory itself.
        Ok(Resolved { parent: start, name: b".".to_vec(), ino: Some(start) })
    }
}

struct Resolved {
    parent: u64,
    name: Vec<u8>,
    ino: Option<u64>,
}

impl Resolved {
    fn is_dot(&self) -> bool {
        self.name == b"." || self.name == b".."
    }
}

/// An in-memory filesystem. Clones share the same tree: keep one to inspect what a guest
/// wrote, and mount another with [`WasiConfig::with_memfs`](super::WasiConfig::with_memfs).
///
/// ```
/// use zerowasm::wasi::MemFs;
/// let fs = MemFs::new();
/// fs.write_file("data/hello.txt", "hi").unwrap();
/// assert_eq!(fs.read_file("data/hello.txt").unwrap(), b"hi");
/// ```
#[derive(Clone)]
pub struct MemFs(Arc<Mutex<Tree>>);

impl Default for MemFs {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for MemFs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MemFs")
    }
}

impl MemFs {
    /// An empty filesystem (just its root directory).
    pub fn new() -> Self {
        let t = now_ns();
        let mut nodes = BTreeMap::new();
        nodes.insert(ROOT, Node { kind: Kind::Dir(BTreeMap::new()), nlink: 1, atim: t, mtim: t, ctim: t });
        MemFs(Arc::new(Mutex::new(Tree { nodes, next_ino: ROOT + 1 })))
    }

    fn lock(&self) -> MutexGuard<'_, Tree> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Creates directory `path` (relative to the root, `/`-separated) and its missing parents.
    /// Errors: [`Errno::NOTDIR`] if a component is a file.
    pub fn create_dir_all(&self, path: &str) -> Result<(), Errno> {
        let mut t = self.lock();
        let mut cur = ROOT;
        for c in path.split('/').filter(|c| !c.is_empty() && *c != ".") {
            let next = t.dir(cur)?.get(c.as_bytes()).copied();
            cur = match next {
                Some(n) => {
                    t.dir(n)?;
                    n
                }
                None => {
                    let n = t.alloc(Kind::Dir(BTreeMap::new()));
                    t.dir_mut(cur)?.insert(c.as_bytes().to_vec(), n);
                    n
                }
            };
        }
        Ok(())
    }

    /// Writes (creates or replaces) file `path`, creating missing parent directories.
    /// Errors: [`Errno::NOTDIR`] if a parent is a file, [`Errno::ISDIR`] if `path` is a directory.
    pub fn write_file(&self, path: &str, contents: impl Into<Vec<u8>>) -> Result<(), Errno> {
        let (dir, name) = match path.trim_end_matches('/').rsplit_once('/') {
            Some((d, n)) => (d, n),
            None => ("", path),
        };
        self.create_dir_all(dir)?;
        let mut t = self.lock();
        let d = t.resolve(ROOT, if dir.is_empty() { b"." } else { dir.as_bytes() }, true)?.ino.ok_or(Errno::NOENT)?;
        let existing = t.dir(d)?.get(name.as_bytes()).copied();
        match existing {
            Some(ino) => match &mut t.node_mut(ino)?.kind {
                Kind::File(b) => *b = contents.into(),
                _ => return Err(Errno::ISDIR),
            },
            None => {
                let ino = t.alloc(Kind::File(contents.into()));
                t.dir_mut(d)?.insert(name.as_bytes().to_vec(), ino);
            }
        }
        Ok(())
    }

    /// The contents of file `path`, following symlinks, or `None` if it is not a file.
    pub fn read_file(&self, path: &str) -> Option<Vec<u8>> {
        let t = self.lock();
        let ino = t.resolve(ROOT, path.as_bytes(), true).ok()?.ino?;
        match &t.node(ino).ok()?.kind {
            Kind::File(b) => Some(b.clone()),
            _ => None,
        }
    }

    /// A descriptor for the root directory.
    pub(crate) fn root_dir(&self, read_only: bool) -> MemDir {
        MemDir { fs: self.clone(), ino: ROOT, read_only }
    }
}

/// A directory of a [`MemFs`].
pub(crate) struct MemDir {
    fs: MemFs,
    ino: u64,
    read_only: bool,
}

impl MemDir {
    fn writable(&self) -> Result<(), Errno> {
        if self.read_only {
            Err(Errno::ROFS)
        } else {
            Ok(())
        }
    }
    fn other<'a>(&self, to: &'a dyn WasiDir) -> Result<&'a MemDir, Errno> {
        let o = to.as_any().downcast_ref::<MemDir>().ok_or(Errno::XDEV)?;
        if !Arc::ptr_eq(&o.fs.0, &self.fs.0) {
            return Err(Errno::XDEV);
        }
        Ok(o)
    }
}

fn set_times(n: &mut Node, atim: TimeSet, mtim: TimeSet) {
    let now = now_ns();
    match atim {
        TimeSet::Omit => {}
        TimeSet::Now => n.atim = now,
        TimeSet::At(t) => n.atim = t,
    }
    match mtim {
        TimeSet::Omit => {}
        TimeSet::Now => n.mtim = now,
        TimeSet::At(t) => n.mtim = t,
    }
    n.ctim = now;
}

impl WasiDir for MemDir {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn stat(&self) -> Result<Filestat, Errno> {
        self.fs.lock().stat(self.ino)
    }
    fn set_times(&self, atim: TimeSet, mtim: TimeSet) -> Result<(), Errno> {
        self.writable()?;
        set_times(self.fs.lock().node_mut(self.ino)?, atim, mtim);
        Ok(())
    }
    fn open(&self, path: &[u8], req: &OpenReq) -> Result<Opened, Errno> {
        let mut t = self.fs.lock();
        let r = t.resolve(self.ino, path, req.follow)?;
        let creates = req.oflags & (oflags::CREAT | oflags::TRUNC) != 0;
        if req.oflags & oflags::DIRECTORY != 0 && (creates || req.oflags & oflags::EXCL != 0) {
            return Err(Errno::INVAL);
        }
        if req.oflags & oflags::DIRECTORY != 0 && req.write {
            if let Some(ino) = r.ino {
                if matches!(t.node(ino)?.kind, Kind::Dir(_)) {
                    return Err(Errno::ISDIR);
                }
            }
        }
        let ino = match r.ino {
            Some(ino) => {
                if req.oflags & oflags::CREAT != 0 && req.oflags & oflags::EXCL != 0 {
                    return Err(Errno::EXIST);
                }
                ino
            }
            None if req.oflags & oflags::CREAT != 0 => {
                self.writable()?;
                if path.ends_with(b"/") {
                    return Err(Errno::ISDIR);
                }
                let ino = t.alloc(Kind::File(Vec::new()));
                t.dir_mut(r.parent)?.insert(r.name.clone(), ino);
                t.node_mut(r.parent)?.mtim = now_ns();
                ino
            }
            None => return Err(Errno::NOENT),
        };
        match &mut t.node_mut(ino)?.kind {
            Kind::Symlink(_) => Err(Errno::LOOP),
            Kind::Dir(_) => {
                if req.write || creates {
                    return Err(Errno::ISDIR);
                }
                Ok(Opened::Dir(Box::new(MemDir { fs: self.fs.clone(), ino, read_only: self.read_only })))
            }
            Kind::File(b) => {
                if req.oflags & oflags::DIRECTORY != 0 {
                    return Err(Errno::NOTDIR);
                }
                let append = req.fdflags & fdflags::APPEND != 0;
                if self.read_only && (req.write || append || creates) {
                    return Err(Errno::ROFS);
                }
                if req.oflags & oflags::TRUNC != 0 {
                    b.clear();
                }
                Ok(Opened::File(Box::new(MemFile {
                    fs: self.fs.clone(),
                    ino,
                    pos: 0,
                    read: req.read,
                    write: req.write || append,
                    flags: req.fdflags & (fdflags::APPEND | fdflags::NONBLOCK | fdflags::SYNC | fdflags::DSYNC | fdflags::RSYNC),
                })))
            }
        }
    }
    fn create_dir(&self, path: &[u8]) -> Result<(), Errno> {
        let mut t = self.fs.lock();
        let r = t.resolve(self.ino, path, false)?;
        if r.ino.is_some() {
            return Err(Errno::EXIST);
        }
        self.writable()?;
        let ino = t.alloc(Kind::Dir(BTreeMap::new()));
        t.dir_mut(r.parent)?.insert(r.name, ino);
        Ok(())
    }
    fn remove_dir(&self, path: &[u8]) -> Result<(), Errno> {
        let mut t = self.fs.lock();
        let r = t.resolve(self.ino, path, false)?;
        let ino = r.ino.ok_or(Errno::NOENT)?;
        if r.is_dot() {
            return Err(if r.name == b"." { Errno::INVAL } else { Errno::NOTEMPTY });
        }
        if !t.dir(ino)?.is_empty() {
            return Err(Errno::NOTEMPTY);
        }
        self.writable()?;
        t.dir_mut(r.parent)?.remove(&r.name);
        t.unlink(ino);
        Ok(())
    }
    fn unlink_file(&self, path: &[u8]) -> Result<(), Errno> {
        let mut t = self.fs.lock();
        let r = t.resolve(self.ino, path, false)?;
        let ino = r.ino.ok_or(Errno::NOENT)?;
        if matches!(t.node(ino)?.kind, Kind::Dir(_)) {
            return Err(Errno::ISDIR);
        }
        self.writable()?;
        t.dir_mut(r.parent)?.remove(&r.name);
        t.unlink(ino);
        Ok(())
    }
    fn rename(&self, old: &[u8], to: &dyn WasiDir, new: &[u8]) -> Result<(), Errno> {
        let to = self.other(to)?;
        let mut t = self.fs.lock();
        let src = t.resolve(self.ino, old, false)?;
        let sino = src.ino.ok_or(Errno::NOENT)?;
        let dst = t.resolve(to.ino, new, false)?;
        if src.is_dot() || dst.is_dot() {
            return Err(Errno::BUSY);
        }
        self.writable()?;
        to.writable()?;
        let src_is_dir = matches!(t.node(sino)?.kind, Kind::Dir(_));
        if !src_is_dir && (old.ends_with(b"/") || new.ends_with(b"/")) {
            return Err(Errno::NOTDIR);
        }
        if let Some(dino) = dst.ino {
            if dino == sino {
                return Ok(());
            }
            match (&t.node(dino)?.kind, src_is_dir) {
                (Kind::Dir(d), true) if !d.is_empty() => return Err(Errno::NOTEMPTY),
                (Kind::Dir(_), false) => return Err(Errno::ISDIR),
                (Kind::Dir(_), true) => {}
                (_, true) => return Err(Errno::NOTDIR),
                _ => {}
            }
        }
        if src_is_dir {
            // A directory cannot move beneath itself.
            let mut stack = vec![sino];
            while let Some(d) = stack.pop() {
                if d == dst.parent {
                    return Err(Errno::INVAL);
                }
                if let Ok(entries) = t.dir(d) {
                    stack.extend(entries.values().copied());
                }
            }
        }
        if let Some(dino) = dst.ino {
            t.dir_mut(dst.parent)?.remove(&dst.name);
            t.unlink(dino);
        }
        t.dir_mut(src.parent)?.remove(&src.name);
        t.dir_mut(dst.parent)?.insert(dst.name, sino);
        t.node_mut(sino)?.ctim = now_ns();
        Ok(())
    }
    fn link(&self, old: &[u8], follow: bool, to: &dyn WasiDir, new: &[u8]) -> Result<(), Errno> {
        let to = self.other(to)?;
        let mut t = self.fs.lock();
        let src = t.resolve(self.ino, old, follow)?;
        let sino = src.ino.ok_or(Errno::NOENT)?;
        let dst = t.resolve(to.ino, new, false)?;
        if dst.ino.is_some() {
            return Err(Errno::EXIST);
        }
        if matches!(t.node(sino)?.kind, Kind::Dir(_)) {
            return Err(Errno::PERM);
        }
        if old.ends_with(b"/") {
            return Err(Errno::NOTDIR);
        }
        if new.ends_with(b"/") {
            return Err(Errno::NOENT);
        }
        self.writable()?;
        to.writable()?;
        t.dir_mut(dst.parent)?.insert(dst.name, sino);
        let n = t.node_mut(sino)?;
        n.nlink += 1;
        n.ctim = now_ns();
        Ok(())
    }
    fn symlink(&self, target: &[u8], new: &[u8]) -> Result<(), Errno> {
        if target.is_empty() {
            return Err(Errno::NOENT);
        }
        if target.contains(&0) {
            return Err(Errno::ILSEQ);
        }
        let mut t = self.fs.lock();
        let dst = t.resolve(self.ino, new, false)?;
        if dst.ino.is_some() {
            return Err(Errno::EXIST);
        }
        if new.ends_with(b"/") {
            return Err(Errno::NOENT);
        }
        self.writable()?;
        let ino = t.alloc(Kind::Symlink(target.to_vec()));
        t.dir_mut(dst.parent)?.insert(dst.name, ino);
        Ok(())
    }
    fn readlink(&self, path: &[u8]) -> Result<Vec<u8>, Errno> {
        let t = self.fs.lock();
        let ino = t.resolve(self.ino, path, false)?.ino.ok_or(Errno::NOENT)?;
        match &t.node(ino)?.kind {
            Kind::Symlink(target) => Ok(target.clone()),
            _ => Err(Errno::INVAL),
        }
    }
    fn stat_at(&self, path: &[u8], follow: bool) -> Result<Filestat, Errno> {
        let t = self.fs.lock();
        let ino = t.resolve(self.ino, path, follow)?.ino.ok_or(Errno::NOENT)?;
        t.stat(ino)
    }
    fn set_times_at(&self, path: &[u8], follow: bool, atim: TimeSet, mtim: TimeSet) -> Result<(), Errno> {
        let mut t = self.fs.lock();
        let ino = t.resolve(self.ino, path, follow)?.ino.ok_or(Errno::NOENT)?;
        self.writable()?;
        set_times(t.node_mut(ino)?, atim, mtim);
        Ok(())
    }
    fn entries(&self) -> Result<Vec<DirEntry>, Errno> {
        let t = self.fs.lock();
        let d = t.dir(self.ino)?;
        let mut out = Vec::new();
        for (name, ino) in d {
            let ft = t.stat(*ino)?.filetype;
            out.push(DirEntry { name: name.clone(), ino: *ino, filetype: ft });
        }
        Ok(out)
    }
}

/// An open file of a [`MemFs`].
pub(crate) struct MemFile {
    fs: MemFs,
    ino: u64,
    pos: u64,
    read: bool,
    write: bool,
    flags: u16,
}

impl MemFile {
    fn with<R>(&self, f: impl FnOnce(&mut Node, &mut Vec<u8>) -> R) -> Result<R, Errno> {
        let mut t = self.fs.lock();
        let n = t.node_mut(self.ino).map_err(|_| Errno::BADF)?;
        let mut data = match &mut n.kind {
            Kind::File(b) => std::mem::take(b),
            _ => return Err(Errno::BADF),
        };
        let r = f(n, &mut data);
        if let Kind::File(b) = &mut n.kind {
            *b = data;
        }
        Ok(r)
    }
}

fn read_at(data: &[u8], buf: &mut [u8], off: u64) -> usize {
    if off >= data.len() as u64 {
        return 0;
    }
    let off = off as usize;
    let n = buf.len().min(data.len() - off);
    buf[..n].copy_from_slice(&data[off..off + n]);
    n
}

fn write_at(data: &mut Vec<u8>, buf: &[u8], off: u64) -> Result<usize, Errno> {
    let end = off.checked_add(buf.len() as u64).ok_or(Errno::FBIG)?;
    if end > isize::MAX as u64 {
        return Err(Errno::FBIG);
    }
    if data.len() < end as usize {
        data.try_reserve(end as usize - data.len()).map_err(|_| Errno::NOSPC)?;
        data.resize(end as usize, 0);
    }
    data[off as usize..end as usize].copy_from_slice(buf);
    Ok(buf.len())
}

impl WasiFile for MemFile {
    fn filetype(&self) -> u8 {
        filetype::REGULAR_FILE
    }
    fn readable(&self) -> bool {
        self.read
    }
    fn writable(&self) -> bool {
        self.write
    }
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        let pos = self.pos;
        let n = self.with(|n, d| {
            n.atim = now_ns();
            read_at(d, buf, pos)
        })?;
        self.pos += n as u64;
        Ok(n)
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        let append = self.flags & fdflags::APPEND != 0;
        let pos = self.pos;
        let (n, end) = self.with(|n, d| {
            let off = if append { d.len() as u64 } else { pos };
            n.mtim = now_ns();
            write_at(d, buf, off).map(|w| (w, off + w as u64))
        })??;
        self.pos = end;
        Ok(n)
    }
    fn pread(&mut self, buf: &mut [u8], offset: u64) -> Result<usize, Errno> {
        self.with(|_, d| read_at(d, buf, offset))
    }
    fn pwrite(&mut self, buf: &[u8], offset: u64) -> Result<usize, Errno> {
        self.with(|n, d| {
            n.mtim = now_ns();
            write_at(d, buf, offset)
        })?
    }
    fn seek(&mut self, pos: SeekFrom) -> Result<u64, Errno> {
        let size = self.with(|_, d| d.len() as u64)?;
        let new = match pos {
            SeekFrom::Start(o) => Some(o),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => size.checked_add_signed(d),
        };
        match new {
            Some(p) if p <= i64::MAX as u64 => {
                self.pos = p;
                Ok(p)
            }
            _ => Err(Errno::INVAL),
        }
    }
    fn stat(&self) -> Result<Filestat, Errno> {
        self.fs.lock().stat(self.ino)
    }
    fn set_size(&mut self, size: u64) -> Result<(), Errno> {
        if !self.write {
            return Err(Errno::BADF);
        }
        if size > isize::MAX as u64 {
            return Err(Errno::FBIG);
        }
        self.with(|n, d| {
            n.mtim = now_ns();
            if d.try_reserve((size as usize).saturating_sub(d.len())).is_err() {
                return Err(Errno::NOSPC);
            }
            d.resize(size as usize, 0);
            Ok(())
        })?
    }
    fn set_times(&mut self, atim: TimeSet, mtim: TimeSet) -> Result<(), Errno> {
        let mut t = self.fs.lock();
        set_times(t.node_mut(self.ino).map_err(|_| Errno::BADF)?, atim, mtim);
        Ok(())
    }
    fn allocate(&mut self, offset: u64, len: u64) -> Result<(), Errno> {
        let end = offset.checked_add(len).ok_or(Errno::FBIG)?;
        let size = self.with(|_, d| d.len() as u64)?;
        if end > size {
            self.set_size(end)?;
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
        self.flags = flags;
        Ok(())
    }
    fn readiness(&self, _write: bool) -> super::fs::Readiness {
        let size = self.with(|_, d| d.len() as u64).unwrap_or(0);
        super::fs::Readiness::Ready(size.saturating_sub(self.pos))
    }
}
