//! Shared by the Wasm 3.0 feature tests: a module's instance from its text.

use zerowasm::*;

/// An instance of the module in `src` (text), registered as `name` if given. Panics (the test
/// fails) if it does not compile or instantiate.
pub fn instance(rt: &Runtime, src: &str, name: Option<&str>) -> Instance {
    let module = rt.compile(src).expect("compiles");
    let config = match name {
        Some(n) => ModuleConfig::new().with_name(n),
        None => ModuleConfig::new(),
    };
    rt.instantiate(&module, config).expect("instantiates")
}
