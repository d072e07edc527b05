// fuzz_wat: arbitrary text -> wat_to_binary -> load_module.
//
// Property (text -> binary round trip): whatever wat_to_binary accepts, it encodes into a binary
// module that decodes. The text format has no well-formed text whose binary is malformed: every
// text rule that mirrors a binary decoding rule (u32 ranges, UTF-8 names, section order, the
// data count section) is checked by the text parser itself (text/*.rst), and the rest --
// typing, index bounds, constant expressions, alignment, lane indices, multiple memories or
// tables, select arity -- is validation, so load_module may say Invalid but never Malformed.
// The one exception is an implementation limit with no text counterpart, the decoder's
// kMaxFunctionLocals, which text longer than the fuzzer's max_len would need anyway.
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
    if (bin.error().kind != ErrorKind::Malformed)
      fuzz::property_failed("text error is not Malformed", fuzz::describe(bin.error()));
    return 0;
  }
  Result<WasmModule> m = load_module(*bin);
  if (!m && m.error().kind == ErrorKind::Malformed &&
      m.error().message.find("too many locals") == std::string::npos)
    fuzz::property_failed("wat_to_binary accepted text whose binary is malformed",
                          fuzz::describe(m.error()) + "\nbinary: \"" + hex(*bin) + "\"");
  return 0;
}
