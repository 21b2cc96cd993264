//! Streams behind descriptors: stdin, stdout, stderr (inherited, a byte buffer, a file, or any
//! `Read`/`Write`), and sockets the host handed in (a TCP listener and the connections
//! `sock_accept` gives).

use super::fs::{from_rustix, Readiness, WasiFile};
use super::types::{fdflags, filetype, Errno, Filestat};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

/// A byte buffer shared between the host and a WASI stream: give a clone to
/// [`WasiConfig::with_stdout`](super::WasiConfig::with_stdout) (or stdin, stderr) and read
/// what the guest wrote with [`SharedBuffer::contents`].
#[derive(Clone, Debug, Default)]
pub struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl SharedBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }
    /// A copy of the bytes written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    /// The bytes written so far as UTF-8 (invalid sequences replaced).
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.contents()).into_owned()
    }
    fn append(&self, b: &[u8]) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(b);
    }
}

/// Where a guest's stdin comes from.
pub enum WasiInput {
    /// Nothing: reads return end of file (the default).
    Empty,
    /// The host process's stdin.
    Inherit,
    /// These bytes, then end of file.
    Bytes(Vec<u8>),
    /// A host file.
    File(std::fs::File),
    /// Any reader.
    Reader(Box<dyn Read + Send>),
}

/// Where a guest's stdout or stderr goes.
pub enum WasiOutput {
    /// Discarded (the default).
    Null,
    /// The host process's stdout (for the guest's stdout) or stderr (for its stderr).
    Inherit,
    /// Appended to a buffer the host keeps a clone of.
    Buffer(SharedBuffer),
    /// A host file.
    File(std::fs::File),
    /// Any writer.
    Writer(Box<dyn Write + Send>),
}

impl std::fmt::Debug for WasiInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WasiInput::Empty => "Empty",
            WasiInput::Inherit => "Inherit",
            WasiInput::Bytes(_) => "Bytes(..)",
            WasiInput::File(_) => "File(..)",
            WasiInput::Reader(_) => "Reader(..)",
        })
    }
}
impl std::fmt::Debug for WasiOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WasiOutput::Null => "Null",
            WasiOutput::Inherit => "Inherit",
            WasiOutput::Buffer(_) => "Buffer(..)",
            WasiOutput::File(_) => "File(..)",
            WasiOutput::Writer(_) => "Writer(..)",
        })
    }
}

/// The filetype and tty-ness of a host descriptor.
fn host_type(fd: std::os::fd::BorrowedFd<'_>) -> (u8, bool) {
    let tty = rustix::termios::isatty(fd);
    let ft = match rustix::fs::fstat(fd) {
        Ok(st) => match rustix::fs::FileType::from_raw_mode(st.st_mode) {
            rustix::fs::FileType::RegularFile => filetype::REGULAR_FILE,
            rustix::fs::FileType::Directory => filetype::DIRECTORY,
            rustix::fs::FileType::CharacterDevice => filetype::CHARACTER_DEVICE,
            rustix::fs::FileType::BlockDevice => filetype::BLOCK_DEVICE,
            rustix::fs::FileType::Socket => filetype::SOCKET_STREAM,
            _ => filetype::UNKNOWN,
        },
        Err(_) => filetype::UNKNOWN,
    };
    (if tty { filetype::CHARACTER_DEVICE } else { ft }, tty)
}

fn now_stat(ft: u8) -> Filestat {
    Filestat { filetype: ft, nlink: 1, ..Filestat::default() }
}

/// stdin.
pub(crate) struct InputStream(pub WasiInput, pub u16);

impl WasiFile for InputStream {
    fn filetype(&self) -> u8 {
        match &self.0 {
            WasiInput::Inherit => host_type(std::io::stdin().as_fd_borrowed()).0,
            WasiInput::File(f) => host_type(std::os::fd::AsFd::as_fd(f)).0,
            _ => filetype::UNKNOWN,
        }
    }
    fn readable(&self) -> bool {
        true
    }
    fn writable(&self) -> bool {
        false
    }
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        Ok(match &mut self.0 {
            WasiInput::Empty => 0,
            WasiInput::Inherit => std::io::stdin().lock().read(buf)?,
            WasiInput::Bytes(b) => {
                let n = buf.len().min(b.len());
                buf[..n].copy_from_slice(&b[..n]);
                b.drain(..n);
                n
            }
            WasiInput::File(f) => f.read(buf)?,
            WasiInput::Reader(r) => r.read(buf)?,
        })
    }
    fn write(&mut self, _buf: &[u8]) -> Result<usize, Errno> {
        Err(Errno::BADF)
    }
    fn stat(&self) -> Result<Filestat, Errno> {
        Ok(now_stat(self.filetype()))
    }
    fn fdflags(&self) -> u16 {
        self.1
    }
    fn set_fdflags(&mut self, flags: u16) -> Result<(), Errno> {
        if flags & !fdflags::NONBLOCK != 0 {
            return Err(Errno::NOTSUP);
        }
        self.1 = flags;
        Ok(())
    }
    fn readiness(&self, _write: bool) -> Readiness {
        match &self.0 {
            WasiInput::Inherit => Readiness::Host(0),
            WasiInput::Bytes(b) => Readiness::Ready(b.len() as u64),
            _ => Readiness::Ready(0),
        }
    }
}

trait AsFdBorrowed {
    fn as_fd_borrowed(&self) -> std::os::fd::BorrowedFd<'_>;
}
impl<T: std::os::fd::AsFd> AsFdBorrowed for T {
    fn as_fd_borrowed(&self) -> std::os::fd::BorrowedFd<'_> {
        self.as_fd()
    }
}

/// stdout or stderr.
pub(crate) struct OutputStream {
    pub out: WasiOutput,
    pub is_stderr: bool,
    pub flags: u16,
}

impl WasiFile for OutputStream {
    fn filetype(&self) -> u8 {
        match &self.out {
            WasiOutput::Inherit if self.is_stderr => host_type(std::io::stderr().as_fd_borrowed()).0,
            WasiOutput::Inherit => host_type(std::io::stdout().as_fd_borrowed()).0,
            WasiOutput::File(f) => host_type(std::os::fd::AsFd::as_fd(f)).0,
            _ => filetype::UNKNOWN,
        }
    }
    fn readable(&self) -> bool {
        false
    }
    fn writable(&self) -> bool {
        true
    }
    fn read(&mut self, _buf: &mut [u8]) -> Result<usize, Errno> {
        Err(Errno::BADF)
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        match &mut self.out {
            WasiOutput::Null => {}
            WasiOutput::Inherit if self.is_stderr => {
                let mut e = std::io::stderr().lock();
                e.write_all(buf)?;
            }
            WasiOutput::Inherit => {
                // Unbuffered, like the guest's own write(2): output interleaves correctly with
                // stderr and survives a later proc_exit.
                let mut o = std::io::stdout().lock();
                o.write_all(buf)?;
                o.flush()?;
            }
            WasiOutput::Buffer(b) => b.append(buf),
            WasiOutput::File(f) => f.write_all(buf)?,
            WasiOutput::Writer(w) => {
                w.write_all(buf)?;
                w.flush()?;
            }
        }
        Ok(buf.len())
    }
    fn stat(&self) -> Result<Filestat, Errno> {
        Ok(now_stat(self.filetype()))
    }
    fn fdflags(&self) -> u16 {
        self.flags
    }
    fn set_fdflags(&mut self, flags: u16) -> Result<(), Errno> {
        if flags & !(fdflags::NONBLOCK | fdflags::APPEND) != 0 {
            return Err(Errno::NOTSUP);
        }
        self.flags = flags;
        Ok(())
    }
}

/// The socket operations (`sock_*`).
pub(crate) trait WasiSocket {
    fn accept(&mut self, nonblock: bool) -> Result<Box<dyn WasiFile>, Errno>;
    fn recv(&mut self, buf: &mut [u8], peek: bool) -> Result<usize, Errno>;
    fn send(&mut self, buf: &[u8]) -> Result<usize, Errno>;
    fn shutdown(&mut self, how: std::net::Shutdown) -> Result<(), Errno>;
}

/// A TCP listener the host handed in (`WasiConfig::with_tcp_listener`).
pub(crate) struct Listener(pub std::net::TcpListener, pub u16);

impl WasiFile for Listener {
    fn filetype(&self) -> u8 {
        filetype::SOCKET_STREAM
    }
    fn readable(&self) -> bool {
        true
    }
    fn writable(&self) -> bool {
        true
    }
    fn read(&mut self, _buf: &mut [u8]) -> Result<usize, Errno> {
        Err(Errno::NOTCONN)
    }
    fn write(&mut self, _buf: &[u8]) -> Result<usize, Errno> {
        Err(Errno::NOTCONN)
    }
    fn stat(&self) -> Result<Filestat, Errno> {
        Ok(now_stat(filetype::SOCKET_STREAM))
    }
    fn fdflags(&self) -> u16 {
        self.1
    }
    fn set_fdflags(&mut self, flags: u16) -> Result<(), Errno> {
        if flags & !fdflags::NONBLOCK != 0 {
            return Err(Errno::NOTSUP);
        }
        self.0.set_nonblocking(flags & fdflags::NONBLOCK != 0)?;
        self.1 = flags;
        Ok(())
    }
    fn readiness(&self, _write: bool) -> Readiness {
        Readiness::Host(std::os::fd::AsRawFd::as_raw_fd(&self.0))
    }
    fn as_socket(&mut self) -> Option<&mut dyn WasiSocket> {
        Some(self)
    }
}

impl WasiSocket for Listener {
    fn accept(&mut self, nonblock: bool) -> Result<Box<dyn WasiFile>, Errno> {
        let (s, _) = self.0.accept()?;
        s.set_nonblocking(nonblock)?;
        Ok(Box::new(Connection(s, if nonblock { fdflags::NONBLOCK } else { 0 })))
    }
    fn recv(&mut self, _buf: &mut [u8], _peek: bool) -> Result<usize, Errno> {
        Err(Errno::NOTCONN)
    }
    fn send(&mut self, _buf: &[u8]) -> Result<usize, Errno> {
        Err(Errno::NOTCONN)
    }
    fn shutdown(&mut self, _how: std::net::Shutdown) -> Result<(), Errno> {
        Err(Errno::NOTCONN)
    }
}

/// A connection `sock_accept` returned.
pub(crate) struct Connection(pub std::net::TcpStream, pub u16);

impl WasiFile for Connection {
    fn filetype(&self) -> u8 {
        filetype::SOCKET_STREAM
    }
    fn readable(&self) -> bool {
        true
    }
    fn writable(&self) -> bool {
        true
    }
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        Ok(self.0.read(buf)?)
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        Ok(self.0.write(buf)?)
    }
    fn stat(&self) -> Result<Filestat, Errno> {
        Ok(now_stat(filetype::SOCKET_STREAM))
    }
    fn fdflags(&self) -> u16 {
        self.1
    }
    fn set_fdflags(&mut self, flags: u16) -> Result<(), Errno> {
        if flags & !fdflags::NONBLOCK != 0 {
            return Err(Errno::NOTSUP);
        }
        self.0.set_nonblocking(flags & fdflags::NONBLOCK != 0)?;
        self.1 = flags;
        Ok(())
    }
    fn readiness(&self, _write: bool) -> Readiness {
        Readiness::Host(std::os::fd::AsRawFd::as_raw_fd(&self.0))
    }
    fn as_socket(&mut self) -> Option<&mut dyn WasiSocket> {
        Some(self)
    }
}

impl WasiSocket for Connection {
    fn accept(&mut self, _nonblock: bool) -> Result<Box<dyn WasiFile>, Errno> {
        Err(Errno::INVAL)
    }
    fn recv(&mut self, buf: &mut [u8], peek: bool) -> Result<usize, Errno> {
        Ok(if peek { self.0.peek(buf)? } else { self.0.read(buf)? })
    }
    fn send(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        Ok(self.0.write(buf)?)
    }
    fn shutdown(&mut self, how: std::net::Shutdown) -> Result<(), Errno> {
        self.0.shutdown(how).map_err(|e| {
            let _ = from_rustix;
            Errno::from(e)
        })
    }
}
