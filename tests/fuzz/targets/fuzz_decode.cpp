// fuzz_decode: arbitrary bytes -> decode_module -> validate_module.
// Neither may crash, hang, leak or hit UB; every error must be Malformed (decoder) or
// Malformed/Invalid (validator), and a module that validates must validate again the same way.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "binary/decoder.h"
#include "fuzz_support.h"
#include "valid/validator.h"

using namespace shard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Result<WasmModule> m = decode_module(std::vector<uint8_t>(data, data + size));
  if (!m) {
    if (m.error().kind != ErrorKind::Malformed) fuzz::property_failed("decode error is not Malformed", fuzz::describe(m.error()));
    return 0;
  }
  Result<void> v = validate_module(*m);
  if (!v && v.error().kind != ErrorKind::Malformed && v.error().kind != ErrorKind::Invalid)
    fuzz::property_failed("validation error is neither Malformed nor Invalid", fuzz::describe(v.error()));

  // load_module is decode + validate; it must agree with the two steps above.
  Result<WasmModule> l = load_module(std::vector<uint8_t>(data, data + size));
  if (l.ok() != v.ok() || (!l.ok() && l.error().kind != v.error().kind))
    fuzz::property_failed("load_module disagrees with decode_module + validate_module",
                          (l.ok() ? std::string("load ok") : fuzz::describe(l.error())) + " vs " +
                              (v.ok() ? std::string("validate ok") : fuzz::describe(v.error())));
  return 0;
}
