//! Chooses the Interpreter's dispatch: threaded (each handler tail-calls the next) when the build
//! optimizes, so LLVM turns those calls into jumps; a loop otherwise, since unoptimized builds do
//! not eliminate sibling calls and would grow the native stack with every instruction.
//! `ZEROWASM_DISPATCH=loop` forces the loop (to test it in optimized builds);
//! `ZEROWASM_DISPATCH=profile` forces it and counts the instructions executed and the pairs
//! that run one after the other (`zerowasm::op_profile`, for choosing superinstructions).

fn main() {
    println!("cargo:rustc-check-cfg=cfg(zerowasm_tail_dispatch)");
    println!("cargo:rustc-check-cfg=cfg(zerowasm_op_profile)");
    println!("cargo:rerun-if-env-changed=ZEROWASM_DISPATCH");
    let opt = std::env::var("OPT_LEVEL").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let optimized = matches!(opt.as_str(), "2" | "3" | "s" | "z");
    // Targets where LLVM reliably performs sibling-call optimisation for these signatures.
    let sibcalls = matches!(arch.as_str(), "x86_64" | "aarch64" | "riscv64" | "s390x");
    let dispatch = std::env::var("ZEROWASM_DISPATCH").unwrap_or_default();
    let profile = dispatch == "profile";
    let forced_loop = dispatch == "loop" || profile;
    if profile {
        println!("cargo:rustc-cfg=zerowasm_op_profile");
    }
    if optimized && sibcalls && !forced_loop {
        println!("cargo:rustc-cfg=zerowasm_tail_dispatch");
    }
}
