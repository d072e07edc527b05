#include <fmt/format.h>

#include <fstream>
#include <iterator>

#include "shard/validate.h"
#include "text/wat.h"
#include "valid/validator.h"

namespace shard {

Result<std::vector<uint8_t>> wat_to_wasm(std::string_view text) { return wat_to_binary(text, WatOptions{.names = true}); }

Result<std::vector<uint8_t>> read_module_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorKind::Io, fmt::format("cannot read {}", path)};
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() >= 4 && bytes[0] == 0 && bytes[1] == 'a' && bytes[2] == 's' && bytes[3] == 'm') return bytes;
  return wat_to_wasm(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Result<void> validate(std::span<const uint8_t> bytes) {
  auto module = load_module(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  if (!module) return std::move(module).error();
  return {};
}

}  // namespace shard
