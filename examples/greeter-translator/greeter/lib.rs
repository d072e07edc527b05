//! Core module for the `greeter` world of ../world.wit:
//!
//!     interface translator { translate: func(text: string, lang: string) -> string; }
//!     world greeter { import translator; export greet: func(name: string) -> string; }
//!
//! greet(name) = translate("friend", "es") + ", " + name + "!", so greet("World") is
//! "Hola friend, World!" when wired to the translator component.
//!
//! There is no bindings generator here, so the canonical-ABI glue is written by hand: the
//! allocation and string handling shared with the translator is in ../cabi.rs, the import and
//! the export are below. Section names in the comments refer to
//! component-model-spec/CanonicalABI.md.
//! Build (see ../build.sh):
//!   /usr/bin/rustc --target wasm32-unknown-unknown --crate-type cdylib -C opt-level=s \
//!       -C panic=abort -C strip=symbols lib.rs -o greeter.core.wasm
//!
//! The module imports `translate` from module `cyber:demo/translator` and exports `memory`
//! (rustc does by default), `cabi_realloc` (from ../cabi.rs), `greet` and its post-return
//! function.

use std::mem::MaybeUninit;

#[path = "../cabi.rs"]
mod cabi;

/// The component's business logic, free of any ABI concerns. Works on bytes: `name` is valid
/// UTF-8 (lifting a `string` traps otherwise, "Loading": `load_string_from_range`), so is the
/// translator's answer, and a concatenation of valid UTF-8 is valid UTF-8.
fn greet(name: &[u8]) -> Vec<u8> {
    let hello = call_translate(b"friend", b"es");
    let mut out = Vec::with_capacity(hello.len() + 2 + name.len() + 1);
    out.extend_from_slice(&hello);
    out.extend_from_slice(b", ");
    out.extend_from_slice(name);
    out.push(b'!');
    out
}

// ---------------------------------------------------------------------------------------------
// Canonical-ABI glue: the import (the shared part is in ../cabi.rs)
// ---------------------------------------------------------------------------------------------

#[link(wasm_import_module = "cyber:demo/translator")]
extern "C" {
    /// `translate` as `canon lower` presents it ("Flattening": `flatten_functype`, context
    /// 'lower'): the two `string` params flatten to `(i32 i32 i32 i32)`; the `string` result
    /// flattens to two values, more than `MAX_FLAT_RESULTS = 1`, so it becomes one more i32
    /// parameter, a caller-allocated return area, and the core function returns nothing.
    #[link_name = "translate"]
    fn import_translate(
        text_ptr: *const u8,
        text_len: usize,
        lang_ptr: *const u8,
        lang_len: usize,
        ret_area: *mut cabi::RetArea,
    );
}

/// Calls the imported `translate` and returns its result as an owned buffer.
fn call_translate(text: &[u8], lang: &[u8]) -> Vec<u8> {
    // The return area (`cabi::RetArea`, `{ ptr: u32 @0, len: u32 @4 }`) lives on the
    // (linear-memory) shadow stack; the host stores the result's pointer and length into it.
    let mut ret = MaybeUninit::<cabi::RetArea>::uninit();
    let [ptr, len] = unsafe {
        // Arguments are lifted (copied out of our memory) by the host; we keep ownership of
        // `text` and `lang` ("Flat Lifting": `lift_flat` reads them, nothing frees them).
        import_translate(text.as_ptr(), text.len(), lang.as_ptr(), lang.len(), ret.as_mut_ptr());
        ret.assume_init()
    };
    // The result string was stored into our memory through our `cabi_realloc`
    // (`store_string_copy` → `cx.allocate(1, len)`), so we own it now and free it by dropping.
    unsafe { cabi::take_string(ptr as usize as *mut u8, len as usize) }
}

// ---------------------------------------------------------------------------------------------
// Canonical-ABI glue: the export
// ---------------------------------------------------------------------------------------------

/// `greet`, a function exported by the world itself, keeps its plain name in the core module.
/// Core signature: `string` param → `(i32 i32)`, `string` result → one i32 return-area pointer
/// (see `cabi::RetArea`). The callee owns its lowered arguments, so `name` is freed when this
/// returns.
#[export_name = "greet"]
pub unsafe extern "C" fn export_greet(name_ptr: *mut u8, name_len: usize) -> *mut cabi::RetArea {
    let name = cabi::take_string(name_ptr, name_len);
    cabi::return_string(greet(&name))
}

/// Post-return function for `greet`; wit-component attaches `cabi_post_<export name>` as the
/// `post-return` canonopt of the lifted function. Its parameters are the core results of
/// `export_greet` and it returns nothing.
#[export_name = "cabi_post_greet"]
pub unsafe extern "C" fn post_return_greet(area: *mut cabi::RetArea) {
    cabi::free_returned_string(area);
}
