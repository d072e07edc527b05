// Constant-expression decoding cases found by tests/fuzz (fuzz_wat), kept as regressions.
#include <catch2/catch.hpp>

#include "binary/decoder.h"
#include "valid/validator.h"
#include "wasm_builder.h"

using namespace shard;
using namespace shard::test;

// fuzz_wat: (global (mut i32) (i32.const 0 (if (then)))) encodes as `if [] end i32.const 0 end`.
// The decoder took the if's own `end` for the end of the expression and then reported the
// rest as "section size mismatch" (Malformed); the expression is well-formed and merely not
// constant, which is the validator's "constant expression required" (Invalid).
TEST_CASE("a block inside a constant expression has its own end", "[binary][fuzz]") {
  for (uint8_t block_op : {0x02, 0x03}) {  // block, loop
    Bytes m = module({section(6, {0x01, 0x7f, 0x00, block_op, 0x40, 0x0b, 0x41, 0x00, 0x0b})});
    auto r = decode_module(m);
    REQUIRE(r.ok());
    REQUIRE(r->globals.size() == 1);
    auto v = validate_module(*r);
    REQUIRE_FALSE(v.ok());
    CHECK(v.error().kind == ErrorKind::Invalid);
    CHECK(v.error().message.find("constant expression required") != std::string::npos);
  }
  // The fuzzer's module: if [] end, i32.const 0, then the global's own end.
  Bytes m = module({section(6, {0x01, 0x7f, 0x01, 0x41, 0x00, 0x04, 0x40, 0x0b, 0x0b})});
  auto r = load_module(m);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Invalid);
  // An unclosed nested block runs off the section: still malformed.
  Bytes open = module({section(6, {0x01, 0x7f, 0x00, 0x02, 0x40, 0x41, 0x00, 0x0b})});
  auto o = decode_module(open);
  REQUIRE_FALSE(o.ok());
  CHECK(o.error().kind == ErrorKind::Malformed);
}
