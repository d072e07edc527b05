// fuzz_wat: arbitrary text -> wat_to_binary -> load_module.
//
// Property (text -> binary round trip): whatever wat_to_binary accepts decodes. Every text
// rule that mirrors a binary decoding rule (u32 ranges, UTF-8 names, the data count section,
// section order) is checked by the text parser itself (text/*.rst), and everything else --
// typing, index bounds, constant expressions, alignment, lane indices, select arity, multiple
// memories or tables -- is validation, so load_module may say Invalid but not Malformed.
// One exception, deliberate:
//   - The decoder's implementation limit kMaxFunctionLocals ("too many locals") has no text
//     counterpart (and needs more text than the fuzzer's max_len anyway).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "binary/decoder.h"
#include "fuzz_support.h"
#include "text/wat.h"
#include "valid/validator.h"

using namespace shard;

namespace {

std::string hex(const std::vector<uint8_t>& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s += '\\';
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<std::vector<uint8_t>> bin = wat_to_binary(text);
  if (!bin) {
    // Unsupported: text of a feature Shard does not implement (tags, shared memories)
    if (bin.error().kind != ErrorKind::Malformed && bin.error().kind != ErrorKind::Unsupported)
      fuzz::property_failed("text error is neither Malformed nor Unsupported", fuzz::describe(bin.error()));
    return 0;
  }
  Result<WasmModule> m = decode_module(*bin);
  if (!m) {
    if (m.error().message.find("too many locals") != std::string::npos) return 0;
    fuzz::property_failed("wat_to_binary accepted text whose binary does not decode",
                          fuzz::describe(m.error()) + "\nbinary: \"" + hex(*bin) + "\"");
  }
  Result<void> v = validate_module(*m);
  if (!v && v.error().kind == ErrorKind::Malformed)
    fuzz::property_failed("wat_to_binary accepted text with a malformed function body",
                          fuzz::describe(v.error()) + "\nbinary: \"" + hex(*bin) + "\"");
  return 0;
}
