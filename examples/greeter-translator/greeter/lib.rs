//! Core module for the `greeter` world of ../world.wit:
//!
//!     interface translator { translate: func(text: string, lang: string) -> string; }
//!     world greeter { import translator; export greet: func(name: string) -> string; }
//!
//! greet(name) = translate("friend", "es") + ", " + name + "!", so greet("World") is
//! "Hola friend, World!" when wired to the translator component.
//!
//! There is no bindings generator here, so the canonical-ABI glue is written by hand.
//! Section names in the comments refer to component-model-spec/CanonicalABI.md.
//! Build (see ../build.sh):
//!   /usr/bin/rustc --target wasm32-unknown-unknown --crate-type cdylib -C opt-level=s \
//!       -C panic=abort -C strip=symbols lib.rs -o greeter.core.wasm
//!
//! The module imports `translate` from module `cyber:demo/translator` and exports `memory`
//! (rustc does by default), `cabi_realloc`, `greet` and its post-return function.

use std::alloc::{alloc, dealloc, realloc, Layout};
use std::mem::MaybeUninit;

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
// Canonical-ABI glue: the import
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
        ret_area: *mut [u32; 2],
    );
}

/// Calls the imported `translate` and returns its result as an owned buffer.
fn call_translate(text: &[u8], lang: &[u8]) -> Vec<u8> {
    // The return area holds a tuple of one `string`: `{ ptr: u32 @0, len: u32 @4 }`
    // ("Alignment" 4, "Element Size" 8). `lower_flat_values` with an out-param checks its
    // alignment, hence `[u32; 2]`. It lives on the (linear-memory) shadow stack.
    let mut ret = MaybeUninit::<[u32; 2]>::uninit();
    let [ptr, len] = unsafe {
        // Arguments are lifted (copied out of our memory) by the host; we keep ownership of
        // `text` and `lang` ("Flat Lifting": `lift_flat` reads them, nothing frees them).
        import_translate(text.as_ptr(), text.len(), lang.as_ptr(), lang.len(), ret.as_mut_ptr());
        ret.assume_init()
    };
    // The result string was stored into our memory through our `cabi_realloc`
    // (`store_string_copy` → `cx.allocate(1, len)`), so we own it now and free it by dropping.
    unsafe { take_string(ptr as usize as *mut u8, len as usize) }
}

// ---------------------------------------------------------------------------------------------
// Canonical-ABI glue: allocation, shared by the import's result and the export's argument
// ---------------------------------------------------------------------------------------------

/// `realloc` canonopt ("Canonical ABI Options", "Lifting and Lowering Context":
/// `reallocate(old, old_byte_length, alignment, new_byte_length)`; `allocate(a, n)` is
/// `reallocate(0, 0, a, n)`). Used by the host to lower `greet`'s argument and `translate`'s
/// result into our memory. The result must be aligned and lie inside memory, else the host
/// traps; a zero-byte request (an empty string) gets a non-null, aligned, dangling pointer.
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

/// Takes ownership of a utf8 `string` ("Flattening": `[ptr, len]`, `len` in bytes for utf8)
/// that the host stored in our memory with `cabi_realloc(0, 0, 1, len)`, the layout of a
/// `Vec<u8>` of capacity `len`, so dropping the Vec frees it.
unsafe fn take_string(ptr: *mut u8, len: usize) -> Vec<u8> {
    if len == 0 {
        // Zero-length strings were given a dangling pointer; nothing to free.
        return Vec::new();
    }
    Vec::from_raw_parts(ptr, len, len)
}

// ---------------------------------------------------------------------------------------------
// Canonical-ABI glue: the export
// ---------------------------------------------------------------------------------------------

/// Return area of `greet`: the `string` result flattens to two i32s, more than
/// `MAX_FLAT_RESULTS = 1` ("Flattening": `flatten_functype`, context 'lift'), so the core
/// function returns one i32 pointing at `{ ptr: u32 @0, len: u32 @4 }` and the host loads the
/// string from there (`lift_flat_values`). One static area suffices: a synchronous export is
/// not re-entered before its post-return has run.
static mut RET_AREA: [u32; 2] = [0; 2];

/// `greet`, a function exported by the world itself, keeps its plain name in the core module.
/// Core signature: `string` param → `(i32 i32)`, `string` result → one i32 (see `RET_AREA`).
/// The callee owns its lowered arguments, so `name` is freed when this returns.
#[export_name = "greet"]
pub unsafe extern "C" fn export_greet(name_ptr: *mut u8, name_len: usize) -> *mut [u32; 2] {
    let name = take_string(name_ptr, name_len);
    // A boxed slice has capacity == length, so post-return can rebuild it from (ptr, len).
    let out: Box<[u8]> = greet(&name).into_boxed_slice();
    let len = out.len();
    let ptr = Box::into_raw(out) as *mut u8;
    let area = std::ptr::addr_of_mut!(RET_AREA);
    (*area)[0] = ptr as u32;
    (*area)[1] = len as u32;
    area
}

/// Post-return for `greet` (wit-component wires `cabi_post_<export name>` as the
/// `post-return` canonopt). "`canon lift`": called with the same core results once the host
/// has lifted the string, so the buffer can be freed now.
#[export_name = "cabi_post_greet"]
pub unsafe extern "C" fn post_return_greet(area: *mut [u32; 2]) {
    let ptr = (*area)[0] as usize as *mut u8;
    let len = (*area)[1] as usize;
    // A zero-length Box<[u8]> holds a dangling pointer and dropping it frees nothing.
    drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)));
}
