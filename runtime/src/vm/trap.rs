//! [Traps](https://webassembly.github.io/spec/core/intro/overview.html#trap), declared once.
//!
//! [`for_each_trap!`] lists every trap wasm code can raise with its spec message and its
//! integer code (what the Compiler's code stores in the VM context, `vmctx::trap_code`). The
//! public [`Trap`] enum, its messages, the [`TrapCode`] enum the engines raise and the mapping
//! between them are expanded from that one list; a new trap is one line there.

use std::fmt;
use std::sync::Arc;

/// Every trap wasm code raises: `Variant = code, "spec message";` with its documentation.
/// Codes start at 1 (0 is "no trap" in the VM context).
macro_rules! for_each_trap {
    ($m:ident) => {
        $m! {
            /// `unreachable` was executed.
            Unreachable = 1, "unreachable";
            /// Integer division or remainder by zero.
            IntegerDivideByZero = 2, "integer divide by zero";
            /// Signed division overflow (`MIN / -1`) or a float-to-int truncation out of range.
            IntegerOverflow = 3, "integer overflow";
            /// Float-to-int truncation of a NaN.
            InvalidConversionToInteger = 4, "invalid conversion to integer";
            /// A load, store or bulk memory operation outside linear memory.
            MemoryOutOfBounds = 5, "out of bounds memory access";
            /// A table access outside the table (Core 2.0 table instructions).
            TableOutOfBounds = 6, "out of bounds table access";
            /// `call_indirect` with an index outside the table.
            UndefinedElement = 7, "undefined element";
            /// `call_indirect` through a null table entry.
            UninitializedElement = 8, "uninitialized element";
            /// `call_indirect` whose callee has a different type than the instruction expects.
            IndirectCallTypeMismatch = 9, "indirect call type mismatch";
            /// The call depth or value stack limit was reached.
            CallStackExhausted = 10, "call stack exhausted";
            /// The runtime ran out of fuel ([`RuntimeConfig::with_consume_fuel`](crate::RuntimeConfig::with_consume_fuel));
            /// [`Runtime::add_fuel`](crate::Runtime::add_fuel) lets later calls go on.
            FuelExhausted = 12, "fuel exhausted";
            /// An [`InterruptHandle`](crate::InterruptHandle) stopped the call.
            Interrupted = 13, "interrupted";
            /// `call_ref` or `return_call_ref` of a null reference (typed function references).
            NullFunctionReference = 14, "null function reference";
            /// `ref.as_non_null` of a null reference (typed function references).
            NullReference = 15, "null reference";
            /// An atomic access (threads proposal) at an address that is not a multiple of its
            /// width.
            UnalignedAtomic = 16, "unaligned atomic";
            /// `memory.atomic.wait32`/`wait64` on a memory that is not shared.
            ExpectedSharedMemory = 17, "expected shared memory";
            /// `throw_ref` of a null reference (exception handling).
            NullExceptionReference = 18, "null exception reference";
        }
    };
}

macro_rules! define_traps {
    ($($(#[$doc:meta])* $name:ident = $code:literal, $msg:literal;)*) => {
        /// A [trap](https://webassembly.github.io/spec/core/intro/overview.html#trap): execution
        /// stopped abnormally. `Display` gives the spec's message for each kind.
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Trap {
            $($(#[$doc])* $name,)*
            /// A host function failed with this error (what it returned, kept whole: see
            /// [`HostError::downcast_ref`]).
            Host(HostError),
            /// Wasm code called a function of an instance that was closed and freed (through a
            /// funcref kept in a table or global of another instance). The host's own use of a
            /// closed instance is refused before anything runs instead
            /// ([`ApiError::InstanceClosed`](crate::ApiError::InstanceClosed)).
            InstanceClosed,
            /// The guest asked to end the program with this exit status (WASI
            /// [`proc_exit`](https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-proc_exitrval-exitcode));
            /// not a failure of its code. A host function returns it to stop the guest at once;
            /// [`wasi::run_start`](crate::wasi::run_start) turns it into an exit code.
            Exit(i32),
            /// Not a trap: an exception (exception handling) leaving a host function, which
            /// throws it into the wasm code that called it, or passes back out one that a call
            /// it made returned ([`CallError::Exception`](crate::CallError::Exception)). A call
            /// from the host returns an uncaught exception as `CallError::Exception`, never as
            /// this.
            Exception(super::exceptions::Exception),
        }

        /// A trap wasm code raises, as the engines name it; its `u32` value is the code the
        /// Compiler's machine code stores in the VM context.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u32)]
        pub(crate) enum TrapCode {
            $($name = $code,)*
        }

        impl TrapCode {
            /// The trap with integer code `code`, if there is one.
            pub(crate) fn from_u32(code: u32) -> Option<TrapCode> {
                match code {
                    $($code => Some(TrapCode::$name),)*
                    _ => None,
                }
            }
            /// The spec's message.
            pub(crate) fn message(self) -> &'static str {
                match self {
                    $(TrapCode::$name => $msg,)*
                }
            }
        }

        impl From<TrapCode> for Trap {
            fn from(c: TrapCode) -> Trap {
                match c {
                    $(TrapCode::$name => Trap::$name,)*
                }
            }
        }

        impl Trap {
            /// The engines' code of a trap wasm code raises; `None` for the host-side kinds.
            pub(crate) fn code(&self) -> Option<TrapCode> {
                match self {
                    $(Trap::$name => Some(TrapCode::$name),)*
                    Trap::Host(_) | Trap::InstanceClosed | Trap::Exit(_) | Trap::Exception(_) => None,
                }
            }
        }
    };
}

for_each_trap!(define_traps);

/// The error a host function failed with ([`Trap::Host`]): any `std::error::Error`, kept for
/// the embedder to downcast, or a message. Two compare equal when their messages do.
///
/// ```
/// use zerowasm::{HostError, Trap};
/// #[derive(Debug)]
/// struct NotFound(u32);
/// impl std::fmt::Display for NotFound {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, "key {} not found", self.0) }
/// }
/// impl std::error::Error for NotFound {}
///
/// let t = Trap::Host(HostError::new(NotFound(7)));
/// let Trap::Host(e) = &t else { unreachable!() };
/// assert_eq!(e.downcast_ref::<NotFound>().map(|n| n.0), Some(7));
/// assert_eq!(t.to_string(), "host function failed: key 7 not found");
/// assert_eq!(Trap::Host("oops".into()).to_string(), "host function failed: oops");
/// ```
#[derive(Clone)]
pub struct HostError(Arc<dyn std::error::Error + Send + Sync>);

impl HostError {
    /// Wraps `error`.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> HostError {
        HostError(Arc::new(error))
    }
    /// The error, if it is an `E`.
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        self.0.downcast_ref()
    }
    /// The error as a trait object.
    pub fn error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

/// A message as an error, for [`HostError`]s made from text.
#[derive(Debug)]
struct Message(String);
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Message {}

impl From<String> for HostError {
    fn from(m: String) -> HostError {
        HostError::new(Message(m))
    }
}
impl From<&str> for HostError {
    fn from(m: &str) -> HostError {
        HostError::new(Message(m.to_string()))
    }
}
impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}
impl fmt::Debug for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0.to_string())
    }
}
impl PartialEq for HostError {
    fn eq(&self, other: &HostError) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}
impl Eq for HostError {}

impl Trap {
    /// A [`Trap::Host`] with `message`.
    pub fn host(message: impl Into<String>) -> Trap {
        Trap::Host(HostError::from(message.into()))
    }

    /// The exit status if this is [`Trap::Exit`] (the guest called `proc_exit`).
    pub fn exit_code(&self) -> Option<i32> {
        match self {
            Trap::Exit(c) => Some(*c),
            _ => None,
        }
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(c) = self.code() {
            return f.write_str(c.message());
        }
        match self {
            Trap::Host(m) => write!(f, "host function failed: {m}"),
            Trap::Exit(c) => write!(f, "exit status {c}"),
            Trap::InstanceClosed => f.write_str("instance closed"),
            Trap::Exception(_) => f.write_str("uncaught exception"),
            // Every wasm trap has a code (above).
            _ => f.write_str("trap"),
        }
    }
}
impl std::error::Error for Trap {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_messages_and_traps_round_trip() {
        let mut n = 0;
        for code in 0..64 {
            if let Some(c) = TrapCode::from_u32(code) {
                n += 1;
                assert_eq!(c as u32, code);
                let t = Trap::from(c);
                assert_eq!(t.code(), Some(c));
                assert_eq!(t.to_string(), c.message());
            }
        }
        assert_eq!(n, 17);
        assert_eq!(TrapCode::from_u32(0), None, "0 means no trap");
        assert_eq!(Trap::Host("x".into()).code(), None);
    }
}
