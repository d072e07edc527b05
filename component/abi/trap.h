// Canonical ABI failures as values. Every `trap()`/`trap_if()` of CanonicalABI.md becomes an
// Error of kind Trap (TrapKind::HostError) carrying one of the messages below; misuse of the
// library by the host (a value that does not match its type, a missing canonopt) is a Usage
// error instead. Nothing here throws or aborts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shard/result.h"

namespace shard::component::abi {

/// The reason of a canonical-ABI trap. CanonicalABI.md traps without a message; these are
/// Shard's texts, one per distinct `trap_if` condition.
enum class AbiTrap : uint8_t {
  OutOfBounds,          ///< a pointer+length range outside linear memory
  MisalignedPointer,    ///< `ptr != align_to(ptr, alignment)`
  InvalidDiscriminant,  ///< variant case index >= number of cases
  InvalidChar,          ///< not a Unicode scalar value (convert_i32_to_char)
  InvalidUtf8,          ///< load_string_from_range: decode('utf-8') failed
  InvalidUtf16,         ///< load_string_from_range: decode('utf-16-le') failed
  StringTooLong,        ///< byte length > MAX_STRING_BYTE_LENGTH
  ListTooLong,          ///< byte length > MAX_LIST_BYTE_LENGTH
  UnknownHandle,        ///< Table.get: index out of range or a hole
  NotAResource,         ///< the table element is not a ResourceHandle
  HandleTypeMismatch,   ///< `h.rt is not t.rt`
  HandleLent,           ///< `h.num_lends != 0` when moving or dropping an own handle
  NotOwned,             ///< lift_own of a borrow handle
  TableFull,            ///< Table.add past Table.MAX_LENGTH
  BorrowsOutstanding,   ///< Task.return_: `num_borrows > 0`
  CannotEnter,          ///< Store.lift: `not inst.may_enter_from(caller)`
  CannotLeave,          ///< `not inst.may_leave` (lowered import, resource.new/drop in realloc/post-return)
};

constexpr std::string_view abi_trap_message(AbiTrap t) {
  switch (t) {
    case AbiTrap::OutOfBounds: return "out of bounds";
    case AbiTrap::MisalignedPointer: return "unaligned pointer";
    case AbiTrap::InvalidDiscriminant: return "invalid variant discriminant";
    case AbiTrap::InvalidChar: return "invalid `char` bit pattern";
    case AbiTrap::InvalidUtf8: return "invalid utf-8";
    case AbiTrap::InvalidUtf16: return "invalid utf-16";
    case AbiTrap::StringTooLong: return "string too long";
    case AbiTrap::ListTooLong: return "list too long";
    case AbiTrap::UnknownHandle: return "unknown handle index";
    case AbiTrap::NotAResource: return "handle is not a resource";
    case AbiTrap::HandleTypeMismatch: return "handle type mismatch";
    case AbiTrap::HandleLent: return "handle has outstanding borrows";
    case AbiTrap::NotOwned: return "borrowed handle where an owned one is required";
    case AbiTrap::TableFull: return "handle table full";
    case AbiTrap::BorrowsOutstanding: return "borrowed handles not dropped before return";
    case AbiTrap::CannotEnter: return "cannot enter component instance";
    case AbiTrap::CannotLeave: return "cannot leave component instance";
  }
  return "canonical ABI trap";
}

/// The Error for a canonical-ABI trap.
inline Error abi_trap(AbiTrap t) {
  Error e(ErrorKind::Trap, std::string(abi_trap_message(t)));
  e.trap = TrapKind::HostError;
  return e;
}

/// The Error for a canonical-ABI trap with a more specific message (which starts with or
/// says where the generic one applies: "unknown handle index 5", "realloc return: result not
/// aligned").
inline Error abi_trap(AbiTrap /*which: the message says it*/, std::string message) {
  Error e(ErrorKind::Trap, std::move(message));
  e.trap = TrapKind::HostError;
  return e;
}

/// Which trap an Error of abi_trap() is (from its message), or nullopt for another error.
inline std::optional<AbiTrap> abi_trap_of(const Error& e) {
  if (e.kind != ErrorKind::Trap) return std::nullopt;
  const std::string_view m = e.message;
  if (m.starts_with("realloc return: result not aligned")) return AbiTrap::MisalignedPointer;
  if (m.starts_with("realloc return: beyond end of memory") || m.ends_with("out of bounds of memory"))
    return AbiTrap::OutOfBounds;
  for (int i = 0; i <= static_cast<int>(AbiTrap::CannotLeave); ++i) {
    const std::string_view base = abi_trap_message(static_cast<AbiTrap>(i));
    if (m == base || (m.starts_with(base) && m.size() > base.size() && m[base.size()] == ' ')) return static_cast<AbiTrap>(i);
  }
  return std::nullopt;
}

/// `realloc` returned a pointer the ABI cannot use (§ Storing: trap_if on the result).
inline Error realloc_misaligned() { return abi_trap(AbiTrap::MisalignedPointer, "realloc return: result not aligned"); }
inline Error realloc_out_of_bounds() { return abi_trap(AbiTrap::OutOfBounds, "realloc return: beyond end of memory"); }

/// The Error for host misuse of the library (not a guest fault).
inline Error abi_usage(std::string message) { return Error(ErrorKind::Usage, std::move(message)); }

/// Whether `e` is the canonical-ABI trap `t`.
inline bool is_abi_trap(const Error& e, AbiTrap t) {
  return e.kind == ErrorKind::Trap && e.message == abi_trap_message(t);
}

}  // namespace shard::component::abi
