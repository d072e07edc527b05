// fuzz_wast: arbitrary text -> wast::parse_script. Every module the script carries is then
// loaded (binary and encoded text modules directly, quoted ones through wat_to_binary), so the
// parser's output is exercised too. Errors are fine; crashes, hangs, leaks and UB are not.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "text/wast.h"
#include "text/wat.h"
#include "valid/validator.h"

using namespace shard;

namespace {

void load(const wast::ModuleSource& src) {
  if (src.form == wast::ModuleSource::Form::Quote) {
    Result<std::vector<uint8_t>> bin = wat_to_binary(src.quote);
    if (bin) (void)load_module(std::move(bin).value());
    return;
  }
  if (!src.error) (void)load_module(src.bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<wast::Script> script = wast::parse_script(text);
  if (!script) {
    if (script.error().kind != ErrorKind::Malformed && script.error().kind != ErrorKind::Unsupported)
      fuzz::property_failed("script error is neither Malformed nor Unsupported", fuzz::describe(script.error()));
    return 0;
  }
  for (const wast::Command& cmd : script->commands) {
    switch (cmd.kind) {
      case wast::Command::Kind::Module:
      case wast::Command::Kind::AssertMalformed:
      case wast::Command::Kind::AssertInvalid:
      case wast::Command::Kind::AssertUnlinkable:
      case wast::Command::Kind::AssertUninstantiable:
        load(cmd.module);
        break;
      default:
        break;
    }
  }
  return 0;
}
