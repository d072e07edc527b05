// Validation of exception handling (valid/instructions.rst: throw, throw_ref, try_table;
// valid/types.rst: tag types), through the one body decoder, and the hooks the visitor sees.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "text/wat.h"
#include "valid/body_decoder.h"
#include "valid/validator.h"

using namespace shard;

namespace {

Result<WasmModule> load_wat(std::string_view text) {
  auto bin = wat_to_binary(text);
  REQUIRE(bin);
  return load_module(std::move(bin).value());
}

std::string invalid(std::string_view text) {
  auto m = load_wat(text);
  if (m) return "<valid>";
  CHECK(m.error().kind == ErrorKind::Invalid);
  return m.error().message;
}

struct TryRecorder : VisitorBase {
  std::vector<std::string> log;
  template <class F> void on_try_table(const Instr& i, std::vector<F>& frames) {
    std::string s = "try_table h=" + std::to_string(i.height) + " depth=" + std::to_string(frames.size());
    for (const CatchClause& c : i.catches)
      s += " " + std::to_string(static_cast<int>(c.kind)) + ":" + std::to_string(c.tag) + "->" + std::to_string(c.label);
    log.push_back(s);
  }
  void on_op(const Instr& i) {
    if (i.op == Op::Throw || i.op == Op::ThrowRef) log.push_back(std::string(info(i.op).name) + " h=" + std::to_string(i.height));
  }
};

}  // namespace

TEST_CASE("valid: throw, throw_ref and try_table", "[valid][exceptions]") {
  auto m = load_wat(R"((module
    (tag $e (param i32 i64))
    (tag $n)
    (func
      (block $r (result exnref)
        (block $h (result i32 i64)
          (try_table (catch $e $h) (catch_all_ref $r) (catch_all 2)
            (throw $e (i32.const 1) (i64.const 2)))
          (unreachable))
        (drop)
        (drop)
        (return))
      (throw_ref))
  ))");
  if (!m) FAIL(m.error().to_string());
  TryRecorder rec;
  auto r = decode_function(*m, 0, rec);
  REQUIRE(r);
  REQUIRE(rec.log.size() == 3);
  CHECK(rec.log[0] == "try_table h=0 depth=4 0:0->0 3:0->1 2:0->2");
  CHECK(rec.log[1] == "throw h=2");
  CHECK(rec.log[2] == "throw_ref h=1");
}

TEST_CASE("valid: exception handling errors", "[valid][exceptions]") {
  CHECK(invalid("(module (func (throw 0)))").find("unknown tag 0") != std::string::npos);
  CHECK(invalid("(module (tag (param i32)) (func (throw 0)))").find("type mismatch") != std::string::npos);
  CHECK(invalid("(module (func (throw_ref (i32.const 0))))").find("type mismatch") != std::string::npos);
  CHECK(invalid("(module (tag (param i32)) (func (block $h (try_table (catch 0 $h)))))").find("type mismatch") !=
        std::string::npos);
  CHECK(invalid("(module (func (block $h (result i32) (try_table (catch_all_ref $h)) (unreachable)) (drop)))")
            .find("type mismatch") != std::string::npos);
  CHECK(invalid("(module (func (block (try_table (catch_all 2)))))").find("unknown label") != std::string::npos);
  CHECK(invalid("(module (type (func (result i32))) (tag (type 0)))").find("non-empty tag result type") !=
        std::string::npos);
  CHECK(invalid("(module (export \"t\" (tag 0)))").find("unknown tag 0") != std::string::npos);
  // try_table's own label is the block's: a branch to it carries the block's results.
  CHECK(load_wat("(module (func (result i32) (try_table (result i32) (br 0 (i32.const 1)))))"));
}
