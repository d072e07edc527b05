//! Core module for the `translator-service` world of ../world.wit:
//!
//!     interface translator { translate: func(text: string, lang: string) -> string; }
//!     world translator-service { export translator; }
//!
//! There is no bindings generator here, so the canonical-ABI glue is written by hand: the
//! allocation and string handling shared with the greeter is in ../cabi.rs, the export itself
//! is below. Section names in the comments refer to component-model-spec/CanonicalABI.md.
//! Build (see ../build.sh):
//!   /usr/bin/rustc --target wasm32-unknown-unknown --crate-type cdylib -C opt-level=s \
//!       -C panic=abort -C strip=symbols lib.rs -o translator.core.wasm
//!
//! The module exports `memory` (rustc does by default), `cabi_realloc` (from ../cabi.rs),
//! `cyber:demo/translator#translate` and its post-return function.

#[path = "../cabi.rs"]
mod cabi;

/// The component's business logic, free of any ABI concerns. Works on bytes: the inputs are
/// valid UTF-8 (lifting a `string` traps otherwise, "Loading": `load_string_from_range`), and a
/// concatenation of valid UTF-8 is valid UTF-8, so no re-validation is needed.
fn translate(text: &[u8], lang: &[u8]) -> Vec<u8> {
    let greeting: &[u8] = match lang {
        b"es" => b"Hola ",
        b"jp" => b"Konnichiwa ",
        _ => b"Hello ",
    };
    let mut out = Vec::with_capacity(greeting.len() + text.len());
    out.extend_from_slice(greeting);
    out.extend_from_slice(text);
    out
}

// ---------------------------------------------------------------------------------------------
// Canonical-ABI glue: the export (the shared part is in ../cabi.rs)
// ---------------------------------------------------------------------------------------------

/// `cyber:demo/translator#translate`: an export of interface `cyber:demo/translator` is named
/// `<interface>#<func>` in the core module (the name wit-component expects). Core signature:
/// the two `string` params flatten to `(i32 i32 i32 i32)`, the `string` result to one i32
/// return-area pointer (see `cabi::RetArea`). The callee owns its lowered arguments, so `text`
/// and `lang` are freed when this returns.
#[export_name = "cyber:demo/translator#translate"]
pub unsafe extern "C" fn export_translate(
    text_ptr: *mut u8,
    text_len: usize,
    lang_ptr: *mut u8,
    lang_len: usize,
) -> *mut cabi::RetArea {
    let text = cabi::take_string(text_ptr, text_len);
    let lang = cabi::take_string(lang_ptr, lang_len);
    cabi::return_string(translate(&text, &lang))
}

/// Post-return function for `translate`; wit-component attaches `cabi_post_<export name>` as
/// the `post-return` canonopt of the lifted function. Its parameters are the core results of
/// `export_translate` and it returns nothing.
#[export_name = "cabi_post_cyber:demo/translator#translate"]
pub unsafe extern "C" fn post_return_translate(area: *mut cabi::RetArea) {
    cabi::free_returned_string(area);
}
