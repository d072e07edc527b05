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
  }
  return "error";
}

std::string Error::to_string() const {
  if (line != 0) return fmt::format("{}:{}: {}", line, column, message);
  if (offset != SIZE_MAX) return fmt::format("offset 0x{:x}: {}", offset, message);
  return message;
}

}  // namespace shard
