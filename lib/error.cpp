#include <fmt/format.h>

#include "shard/result.h"

namespace shard {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Malformed: return "malformed";
    case ErrorKind::Invalid: return "invalid";
    case ErrorKind::Unlinkable: return "unlinkable";
    case ErrorKind::Uninstantiable: return "uninstantiable";
    case ErrorKind::Io: return "i/o error";
    case ErrorKind::Unsupported: return "unsupported";
    case ErrorKind::Trap: return "trap";
    case ErrorKind::Usage: return "usage error";
  }
  return "error";
}

std::string Error::to_string() const {
  if (kind == ErrorKind::Trap) {
    std::string s = message;
    // Deep recursion gives thousands of frames: show the innermost ones and the outermost.
    constexpr size_t kHead = 24, kTail = 4;
    for (size_t i = 0; i < backtrace.size(); ++i) {
      if (backtrace.size() > kHead + kTail && i == kHead) {
        s += fmt::format("\n  ... {} more frames ...", backtrace.size() - kHead - kTail);
        i = backtrace.size() - kTail;
      }
      const TrapFrame& f = backtrace[i];
      if (f.host) {
        s += "\n  at <host function>";
        continue;
      }
      std::string name = f.func_name.empty() ? fmt::format("func[{}]", f.func_index) : f.func_name;
      if (f.offset != SIZE_MAX) s += fmt::format("\n  at {} (func {}, offset 0x{:x})", name, f.func_index, f.offset);
      else s += fmt::format("\n  at {} (func {})", name, f.func_index);
    }
    return s;
  }
  if (line != 0) return fmt::format("{}:{}: {}", line, column, message);
  if (offset != SIZE_MAX) return fmt::format("offset 0x{:x}: {}", offset, message);
  return message;
}

}  // namespace shard
