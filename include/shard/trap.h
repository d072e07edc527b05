// Runtime faults. A trap is a value (kind + message + wasm backtrace), never a crash of the host.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace shard {

/// Trap kinds with the spec tests' wording (exec/instructions.rst and the .wast assert_trap texts).
enum class TrapKind : uint8_t {
  None = 0,
  Unreachable,              ///< "unreachable"
  IntegerDivideByZero,      ///< "integer divide by zero"
  IntegerOverflow,          ///< "integer overflow"
  InvalidConversion,        ///< "invalid conversion to integer"
  OutOfBoundsMemory,        ///< "out of bounds memory access"
  OutOfBoundsTable,         ///< "out of bounds table access"
  IndirectCallTypeMismatch, ///< "indirect call type mismatch"
  UndefinedElement,         ///< "undefined element"
  UninitializedElement,     ///< "uninitialized element"
  CallStackExhausted,       ///< "call stack exhausted"
  NullReference,            ///< "null reference" (reserved for later proposals)
  HostError,                ///< a host function failed; the message says why
  Exit,                     ///< the guest asked to exit (WASI proc_exit); not an error
  Exception,                ///< an uncaught Wasm exception (exception handling) left the call
  OutOfFuel,                ///< "all fuel consumed" (Store::set_fuel's budget ran out)
  Interrupted,              ///< "interrupted" (the store's epoch deadline was reached)
};

/// The spec's wording for a trap kind.
constexpr std::string_view trap_message(TrapKind kind) {
  switch (kind) {
    case TrapKind::None: return "no trap";
    case TrapKind::Unreachable: return "unreachable";
    case TrapKind::IntegerDivideByZero: return "integer divide by zero";
    case TrapKind::IntegerOverflow: return "integer overflow";
    case TrapKind::InvalidConversion: return "invalid conversion to integer";
    case TrapKind::OutOfBoundsMemory: return "out of bounds memory access";
    case TrapKind::OutOfBoundsTable: return "out of bounds table access";
    case TrapKind::IndirectCallTypeMismatch: return "indirect call type mismatch";
    case TrapKind::UndefinedElement: return "undefined element";
    case TrapKind::UninitializedElement: return "uninitialized element";
    case TrapKind::CallStackExhausted: return "call stack exhausted";
    case TrapKind::NullReference: return "null reference";
    case TrapKind::HostError: return "host error";
    case TrapKind::Exit: return "exit";
    case TrapKind::Exception: return "uncaught exception";
    case TrapKind::OutOfFuel: return "all fuel consumed";
    case TrapKind::Interrupted: return "interrupted";
  }
  return "trap";
}

}  // namespace shard
