// Text-format inputs found by tests/fuzz (fuzz_wat), kept as regressions.
#include <catch2/catch.hpp>

#include <string_view>

#include "text/wat.h"

namespace {

void malformed(std::string_view text, std::string_view message) {
  auto r = shard::wat_to_binary(text);
  INFO(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == shard::ErrorKind::Malformed);
  CHECK(r.error().message == message);
}

}  // namespace

// fuzz_wat: `(else)` / `(end)` were taken as folded plain instructions and encoded as bare
// 0x05 / 0x0b opcodes, so the text "encoded" into a binary that does not decode.
TEST_CASE("wat: else and end are not folded instructions", "[text][wat][fuzz]") {
  malformed("(module (func (else)))", "unexpected token");
  malformed("(module (func (end)))", "unexpected token");
  malformed("(module (func (nop (else))))", "unexpected token");
  malformed("(module (func (block (result f64) (block (result f64) (br 1 (f64.const 1.0))) (else))))",
            "unexpected token");
  // The real forms still parse.
  CHECK(shard::wat_to_binary("(module (func (if (i32.const 1) (then) (else))))").ok());
  CHECK(shard::wat_to_binary("(module (func i32.const 1 if else end))").ok());
}
