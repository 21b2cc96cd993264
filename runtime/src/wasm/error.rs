//! [`CompileError`]: a module that does not decode or validate.

use std::fmt;

/// A module failed to decode ([malformed](https://webassembly.github.io/spec/core/binary/index.html))
/// or to [validate](https://webassembly.github.io/spec/core/valid/index.html), or the text format
/// failed to parse. Carries the validator's message and the byte offset it points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// The decoder's or validator's message.
    pub message: String,
    /// Byte offset into the binary module where the problem was found, if known.
    pub offset: Option<usize>,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(o) => write!(f, "{} (at offset 0x{o:x})", self.message),
            None => f.write_str(&self.message),
        }
    }
}
impl std::error::Error for CompileError {}

impl From<wasmparser::BinaryReaderError> for CompileError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        CompileError { message: e.message().to_string(), offset: Some(e.offset() as usize) }
    }
}

