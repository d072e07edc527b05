//! Core module for the `translator-service` world of ../world.wit:
//!
//!     interface translator { translate: func(text: string, lang: string) -> string; }
//!     world translator-service { export translator; }
//!
//! There is no bindings generator here, so the canonical-ABI glue is written by hand.
//! Section names in the comments refer to component-model-spec/CanonicalABI.md.
//! Build (see ../build.sh):
//!   /usr/bin/rustc --target wasm32-unknown-unknown --crate-type cdylib -C opt-level=s \
//!       -C panic=abort -C strip=symbols lib.rs -o translator.core.wasm
//!
//! The module exports `memory` (rustc does by default), `cabi_realloc`,
//! `cyber:demo/translator#translate` and its post-return function.

use std::alloc::{alloc, dealloc, realloc, Layout};

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
// Canonical-ABI glue
// ---------------------------------------------------------------------------------------------

/// `realloc` canonopt ("Canonical ABI Options", "Lifting and Lowering Context":
/// `reallocate(old, old_byte_length, alignment, new_byte_length)`; `allocate(a, n)` is
/// `reallocate(0, 0, a, n)`). The host calls it to place lowered arguments in our memory: the
/// two `string` parameters of `translate` are copied here by `store_string_copy` with
/// alignment 1 before the call.
///
/// The result must be aligned and lie inside memory, else the host traps
/// (`trap_if(ptr != align_to(ptr, alignment))`, `trap_if(ptr + n > len(memory))`). A zero-byte
/// request (an empty string) gets a non-null, aligned, dangling pointer, which is never read.
#[no_mangle]
pub unsafe extern "C" fn cabi_realloc(
    old_ptr: *mut u8,
    old_size: usize,
    align: usize,
    new_size: usize,
) -> *mut u8 {
    let layout = match Layout::from_size_align(old_size, align) {
        Ok(l) => l,
        Err(_) => std::process::abort(),
    };
    if new_size == 0 {
        if old_size != 0 {
            dealloc(old_ptr, layout);
        }
        return align as *mut u8;
    }
    let ptr = if old_size == 0 {
        match Layout::from_size_align(new_size, align) {
            Ok(l) => alloc(l),
            Err(_) => std::process::abort(),
        }
    } else {
        realloc(old_ptr, layout, new_size)
    };
    if ptr.is_null() {
        // Out of memory: trap rather than hand the host a pointer that would fail its checks.
        std::process::abort();
    }
    ptr
}

/// Takes ownership of a `string` argument that `canon lift` lowered into our memory.
/// "Flattening": `string` flattens to `[ptr, len]` (`flatten_type`: `StringType`), and with the
/// default utf8 encoding `len` counts bytes ("Loading": `load_string_from_range`, case 'utf8').
/// The buffer was allocated with our `cabi_realloc(0, 0, 1, len)`, i.e. the layout of a
/// `Vec<u8>` of capacity `len`, so dropping the Vec frees it: the callee owns its arguments.
unsafe fn take_string_arg(ptr: *mut u8, len: usize) -> Vec<u8> {
    if len == 0 {
        // Zero-length strings were given a dangling pointer; nothing to free.
        return Vec::new();
    }
    Vec::from_raw_parts(ptr, len, len)
}

/// The return area: `translate` returns one `string`, which flattens to two i32s, more than
/// `MAX_FLAT_RESULTS = 1` ("Flattening": `flatten_functype`, context 'lift'), so the core
/// function returns a single i32 pointing at the result tuple in memory, from which the host
/// loads it (`lift_flat_values`: `load(cx, ptr, tuple_type)`). A tuple of one `string` is laid
/// out as `{ ptr: u32 @0, len: u32 @4 }` ("Alignment" 4, "Element Size" 8). The host checks the
/// pointer's alignment, so the area is a `[u32; 2]`. One static area suffices: a synchronous
/// export is not re-entered before its post-return has run.
static mut RET_AREA: [u32; 2] = [0; 2];

/// Hands a result string to the host through the return area. The bytes stay allocated until
/// the post-return function below runs (`canon lift` lifts the results before post-return).
unsafe fn return_string(s: Vec<u8>) -> *mut [u32; 2] {
    // A boxed slice has capacity == length, so post-return can rebuild it from (ptr, len).
    let s: Box<[u8]> = s.into_boxed_slice();
    let len = s.len();
    let ptr = Box::into_raw(s) as *mut u8;
    let area = std::ptr::addr_of_mut!(RET_AREA);
    (*area)[0] = ptr as u32;
    (*area)[1] = len as u32;
    area
}

/// Frees what `return_string` handed out. "`canon lift`": after lifting the results the host
/// calls `post_return` with the same core results (`call_and_trap_on_throw(opts.post_return,
/// flat_results)`), here the return-area pointer.
unsafe fn free_returned_string(area: *mut [u32; 2]) {
    let ptr = (*area)[0] as usize as *mut u8;
    let len = (*area)[1] as usize;
    // A zero-length Box<[u8]> holds a dangling pointer and dropping it frees nothing.
    drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)));
}

/// `cyber:demo/translator#translate`: an export of interface `cyber:demo/translator` is named
/// `<interface>#<func>` in the core module (the name wit-component expects). Core signature:
/// the two `string` params flatten to `(i32 i32 i32 i32)`, the `string` result to one i32
/// return-area pointer (see `RET_AREA`).
#[export_name = "cyber:demo/translator#translate"]
pub unsafe extern "C" fn export_translate(
    text_ptr: *mut u8,
    text_len: usize,
    lang_ptr: *mut u8,
    lang_len: usize,
) -> *mut [u32; 2] {
    let text = take_string_arg(text_ptr, text_len);
    let lang = take_string_arg(lang_ptr, lang_len);
    return_string(translate(&text, &lang))
}

/// Post-return function for `translate`; wit-component attaches `cabi_post_<export name>` as
/// the `post-return` canonopt of the lifted function. Its parameters are the core results of
/// `export_translate` and it returns nothing.
#[export_name = "cabi_post_cyber:demo/translator#translate"]
pub unsafe extern "C" fn post_return_translate(area: *mut [u32; 2]) {
    free_returned_string(area);
}
