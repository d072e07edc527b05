// Shard's one error model: fallible operations return Result<T>, a value or an Error.
// Errors are data with a place (byte offset, or line:column for text), never exceptions
// thrown across module boundaries, never abort() on input a guest or user controls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "shard/trap.h"

namespace shard {

/// What went wrong, by phase. The spec test runner uses the phase to tell
/// assert_malformed from assert_invalid from assert_unlinkable.
enum class ErrorKind : uint8_t {
  Malformed,       ///< binary or text that does not decode/parse (binary/*.rst, text/*.rst)
  Invalid,         ///< decodes but breaks a validation rule (valid/*.rst)
  Unlinkable,      ///< imports do not match what the linker provides
  Uninstantiable,  ///< instantiation trapped (segment out of bounds, start function trap)
  Io,              ///< file could not be read
  Unsupported,     ///< a feature Shard does not implement (yet)
  Trap,            ///< a call trapped (Error::trap says how; Error::backtrace where)
  Usage,           ///< the API was used wrongly: no such export, wrong argument types, ...
};

/// One frame of a wasm backtrace, innermost first.
struct TrapFrame {
  uint32_t func_index = 0;  ///< in the module's function index space
  std::string func_name;    ///< from the name section, empty if none
  size_t offset = SIZE_MAX; ///< byte offset of the instruction in the module binary
  bool host = false;        ///< a host function
};

/// An error with a location. `offset` is a byte offset into the binary (or SIZE_MAX when
/// not applicable); `line`/`column` are 1-based positions in a text source (0 when not text).
struct Error {
  Error() = default;
  Error(ErrorKind k, std::string msg, size_t off = SIZE_MAX, uint32_t ln = 0, uint32_t col = 0)
      : kind(k), message(std::move(msg)), offset(off), line(ln), column(col) {}

  ErrorKind kind = ErrorKind::Malformed;
  std::string message;
  size_t offset = SIZE_MAX;
  uint32_t line = 0;
  uint32_t column = 0;
  /// For ErrorKind::Trap: the trap kind, the wasm backtrace (innermost first), and for
  /// TrapKind::Exit the code the guest exited with.
  TrapKind trap = TrapKind::None;
  std::vector<TrapFrame> backtrace;
  int32_t exit_code = 0;

  /// "offset 0x1f: type mismatch" / "3:14: unknown operator" / a trap message followed by
  /// one "  at NAME (offset 0x..)" line per backtrace frame / plain message.
  std::string to_string() const;
};

const char* to_string(ErrorKind kind);

namespace detail {
/// Taking the value of a failed Result (or the error of a successful one) is a bug in the
/// calling program, never something input can cause: Shard promises not to throw, so it
/// says what happened and aborts instead of letting std::get throw bad_variant_access.
[[noreturn]] inline void bad_result_access(const char* what, const Error* error) {
  std::fprintf(stderr, "shard: %s%s%s\n", what, error ? ": " : "", error ? error->message.c_str() : "");
  std::abort();
}
}  // namespace detail

/// A value of type T or an Error. Deliberately small: C++20 has no std::expected. Check
/// ok() before value(): value() of an error (and error() of a value) aborts with a message.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return *value_ptr(); }
  const T& value() const& { return *const_cast<Result*>(this)->value_ptr(); }
  T&& value() && { return std::move(*value_ptr()); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return *const_cast<Result*>(this)->error_ptr(); }
  Error&& error() && { return std::move(*error_ptr()); }

 private:
  T* value_ptr() {
    if (T* v = std::get_if<0>(&v_)) return v;
    detail::bad_result_access("Result::value() called on an error", std::get_if<1>(&v_));
  }
  Error* error_ptr() {
    if (Error* e = std::get_if<1>(&v_)) return e;
    detail::bad_result_access("Result::error() called on a value", nullptr);
  }

  std::variant<T, Error> v_;
};

/// Result of an operation with no value.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : err_(std::move(error)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& { return err_; }
  Error&& error() && { return std::move(err_); }

 private:
  Error err_;
  bool ok_ = true;
};

}  // namespace shard
