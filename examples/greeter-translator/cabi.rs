//! Canonical-ABI glue shared by the two guests, translator/lib.rs and greeter/lib.rs: the
//! `realloc` canonopt (`cabi_realloc`), taking ownership of a `string` the host stored in our
//! memory, and returning a `string` from an export through a return area that post-return frees.
//! What belongs to one function (its core import or export, their names and signatures) stays
//! in that guest's lib.rs.
//!
//! There is no bindings generator and no Cargo workspace: build.sh compiles each lib.rs as a
//! crate of its own with plain rustc, and each includes this file as a module:
//!
//!     #[path = "../cabi.rs"]
//!     mod cabi;
//!
//! Section names in the comments refer to component-model-spec/CanonicalABI.md.

use std::alloc::{alloc, dealloc, realloc, Layout};

/// The `realloc` canonopt ("Canonical ABI Options", "Lifting and Lowering Context":
/// `reallocate(old, old_byte_length, alignment, new_byte_length)`; `allocate(a, n)` is
/// `reallocate(0, 0, a, n)`). The host calls it to put values in our memory: the lowered
/// arguments of an export before the call (`translate`'s `text` and `lang`, `greet`'s `name`)
/// and the result of an import before the import returns (the greeter's `translate`). Each
/// string is stored by `store_string_copy` with `cx.allocate(1, len)`, alignment 1 for utf8.
///
/// The result must be aligned and lie inside memory, else the host traps
/// (`trap_if(ptr != align_to(ptr, alignment))`, `trap_if(ptr + n > len(memory))`). A zero-byte
/// request (an empty string) gets a non-null, aligned, dangling pointer, which is never read.
///
/// A `#[no_mangle]` function is exported from the cdylib even though this module is private,
/// so the core module still exports `cabi_realloc`, the name wit-component looks for.
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

/// Takes ownership of a `string` the host stored in our memory: an argument of one of our
/// exports (the callee owns its arguments) or the result of one of our imports (the caller owns
/// the result). "Flattening": `string` flattens to `[ptr, len]` (`flatten_type`: `StringType`),
/// and with the default utf8 encoding `len` counts bytes ("Loading": `load_string_from_range`,
/// case 'utf8'). The buffer was allocated with our `cabi_realloc(0, 0, 1, len)`, i.e. the layout
/// of a `Vec<u8>` of capacity `len`, so dropping the returned Vec frees it.
pub unsafe fn take_string(ptr: *mut u8, len: usize) -> Vec<u8> {
    if len == 0 {
        // Zero-length strings were given a dangling pointer; nothing to free.
        return Vec::new();
    }
    Vec::from_raw_parts(ptr, len, len)
}

/// A return area holding one `string`: a function returning a `string` has more flat results
/// (two i32s) than `MAX_FLAT_RESULTS = 1` ("Flattening": `flatten_functype`), so the string is
/// passed in memory as a tuple of one `string`, laid out as `{ ptr: u32 @0, len: u32 @4 }`
/// ("Alignment" 4, "Element Size" 8). The host checks the area's alignment (`lift_flat_values`,
/// `lower_flat_values`: `trap_if(ptr != align_to(ptr, alignment(tuple_type, ...)))`), hence u32s.
/// An export returns a pointer to one (context 'lift', see `return_string`); an import is passed
/// a pointer to one as its last parameter (context 'lower', see greeter/lib.rs).
pub type RetArea = [u32; 2];

/// The return area of our exports. One static area suffices: a synchronous export is not
/// re-entered before its post-return has run, and every export here returns one `string`.
static mut RET_AREA: RetArea = [0; 2];

/// Hands `s` to the host as an export's `string` result: stores `{ptr, len}` in `RET_AREA` and
/// returns its address, the export's single core result, from which the host loads the string
/// (`lift_flat_values`: `load(cx, ptr, tuple_type)`). The bytes stay allocated until the
/// export's post-return function calls `free_returned_string` (`canon lift` lifts the results
/// before it calls post-return).
pub unsafe fn return_string(s: Vec<u8>) -> *mut RetArea {
    // A boxed slice has capacity == length, so post-return can rebuild it from (ptr, len).
    let s: Box<[u8]> = s.into_boxed_slice();
    let len = s.len();
    let ptr = Box::into_raw(s) as *mut u8;
    let area = std::ptr::addr_of_mut!(RET_AREA);
    (*area)[0] = ptr as u32;
    (*area)[1] = len as u32;
    area
}

/// Frees what `return_string` handed out; the body of an export's post-return function.
/// "`canon lift`": once the results are lifted the host calls the `post-return` canonopt with
/// the same core results (`call_and_trap_on_throw(opts.post_return, flat_results)`), here the
/// return-area pointer, so post-return functions have the core signature `(i32) -> ()`.
pub unsafe fn free_returned_string(area: *mut RetArea) {
    let ptr = (*area)[0] as usize as *mut u8;
    let len = (*area)[1] as usize;
    // A zero-length Box<[u8]> holds a dangling pointer and dropping it frees nothing.
    drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)));
}
