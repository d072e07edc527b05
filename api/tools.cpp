#include <fmt/format.h>

#include <fstream>

#include "shard/validate.h"
#include "text/wat.h"
#include "valid/validator.h"

namespace shard {

Result<std::vector<uint8_t>> wat_to_wasm(std::string_view text) { return wat_to_binary(text, WatOptions{.names = true}); }

Result<std::vector<uint8_t>> read_module_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorKind::Io, fmt::format("cannot read {}", path)};
  std::vector<uint8_t> bytes;
  std::streamoff size = in.seekg(0, std::ios::end) ? std::streamoff(in.tellg()) : -1;
  if (size >= 0 && in.seekg(0, std::ios::beg)) {
    // A regular file: its size up front, then one read.
    bytes.resize(static_cast<size_t>(size));
    if (!in.read(reinterpret_cast<char*>(bytes.data()), size))
      return Error{ErrorKind::Io, fmt::format("cannot read {}", path)};
  } else {
    // Not seekable (a pipe, /dev/stdin): read it as a stream, in blocks.
    in.clear();
    char buf[1 << 16];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) bytes.insert(bytes.end(), buf, buf + in.gcount());
  }
  if (bytes.size() >= 4 && bytes[0] == 0 && bytes[1] == 'a' && bytes[2] == 's' && bytes[3] == 'm') return bytes;
  return wat_to_wasm(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Result<void> validate(std::span<const uint8_t> bytes) {
  auto module = load_module(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  if (!module) return std::move(module).error();
  return {};
}

}  // namespace shard
