// The .wast runner counts and classifies correctly (module phase; execution needs a tier).
#include <catch2/catch.hpp>

#include <cstdio>

#include "wast/runner.h"

using namespace shard;

namespace {
WastStats run(std::string_view text) {
  WastOptions opts;
  opts.quiet = true;
  auto r = wast::run_script_text(text, "test.wast", opts, nullptr);
  REQUIRE(r.ok());
  return *r;
}
}  // namespace

TEST_CASE("wast runner: malformed and invalid assertions pass in the right phase only") {
  auto s = run(R"wast(
    (assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
    (assert_malformed (module quote "(func (i32.bogus))") "unknown operator")
    (assert_invalid (module (func (result i32) (i64.const 1))) "type mismatch")
  )wast");
  CHECK(s.passed == 3);
  CHECK(s.failed == 0);

  // A valid module under assert_invalid, and an invalid one under assert_malformed, fail.
  s = run(R"wast(
    (assert_invalid (module (func (result i32) (i32.const 1))) "type mismatch")
    (assert_malformed (module (func (result i32) (i64.const 1))) "unexpected")
  )wast");
  CHECK(s.passed == 0);
  CHECK(s.failed == 2);
}

TEST_CASE("wast runner: modules count, actions are skipped without a tier") {
  auto s = run(R"wast(
    (module (func (export "f") (result i32) (i32.const 7)))
    (assert_return (invoke "f") (i32.const 7))
    (module (func (result i32) (i64.const 1)))
  )wast");
  CHECK(s.passed == 1);
  CHECK(s.skipped == 1);
  CHECK(s.failed == 1);  // the invalid module
}

TEST_CASE("wast runner: a script that does not parse is an error with a place") {
  WastOptions opts;
  opts.quiet = true;
  auto r = wast::run_script_text("(module (func)\n (assert_return", "bad.wast", opts, nullptr);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().line >= 1);
}

TEST_CASE("wast runner: message mismatches are counted, not failed") {
  auto s = run(R"wast((assert_malformed (module binary "\00asm\02\00\00\00") "something else"))wast");
  CHECK(s.passed == 1);
  CHECK(s.message_mismatches == 1);
}
