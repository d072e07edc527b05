// WAT → binary: abbreviations checked against their expansions (text/modules.rst,
// text/instructions.rst), exact bytes of chosen instructions, and malformed modules.
#include <catch2/catch.hpp>

#include <algorithm>

#include "text/wat.h"

namespace {

std::vector<uint8_t> wasm(std::string_view text) {
  auto r = shard::wat_to_binary(text);
  INFO(text);
  if (!r) INFO(r.error().to_string());
  REQUIRE(r.ok());
  return std::move(r).value();
}

bool contains(const std::vector<uint8_t>& hay, std::initializer_list<uint8_t> needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

shard::Error failure(std::string_view text) {
  auto r = shard::wat_to_binary(text);
  INFO(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == shard::ErrorKind::Malformed);
  return r.error();
}

void same(std::string_view a, std::string_view b) {
  INFO(a << "\n  vs\n" << b);
  CHECK(wasm(a) == wasm(b));
}

}  // namespace

TEST_CASE("wat: empty module and the optional wrapper", "[text][wat]") {
  CHECK(wasm("(module)") == std::vector<uint8_t>{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
  CHECK(wasm("") == wasm("(module $m)"));
  same("(func (export \"f\"))", "(module $m (func (export \"f\")))");
  // Exact bytes of a small function (binary/modules.rst).
  CHECK(wasm("(func (param i32) (result i32) local.get 0)") ==
        std::vector<uint8_t>{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f,
                             0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x20, 0x00, 0x0b});
}

TEST_CASE("wat: inline imports, exports, elem and data", "[text][wat]") {
  same(R"((func $f (import "m" "f") (param i32)) (global $g (export "g") (import "m" "g") i32) (memory (export "mem") 1))",
       R"((type (func (param i32))) (import "m" "f" (func $f (type 0))) (import "m" "g" (global i32))
          (memory 1) (export "g" (global 0)) (export "mem" (memory 0)))");
  CHECK(failure(R"((memory 1) (global (import "m" "g") i32))").message == "import after memory");
  same("(func $f) (func $g) (table $t funcref (elem $f $g))",
       "(func $f) (func $g) (table $t 2 2 funcref) (elem (table $t) (i32.const 0) func $f $g)");
  same("(func $f) (table funcref (elem $f))", "(func $f) (table 1 1 funcref) (elem (offset (i32.const 0)) $f)");
  same("(memory (data \"ab\" \"c\"))", "(memory 1 1) (data (i32.const 0) \"abc\")");
  same("(memory $m 1) (data (memory $m) (offset i32.const 8) \"x\")", "(memory 1) (data (i32.const 8) \"x\")");
  // The MVP-era abbreviation with a bare memory index, as wabt and wasm-tools accept it.
  same("(memory 1) (data 0 (i32.const 8) \"x\")", "(memory 1) (data (memory 0) (i32.const 8) \"x\")");
  same("(memory 1) (memory 1) (data 1 (offset (i32.const 8)) \"x\")",
       "(memory 1) (memory 1) (data (memory 1) (i32.const 8) \"x\")");
  same("(memory 1) (data $d (i32.const 8) \"x\")", "(memory 1) (data (i32.const 8) \"x\")");
  failure("(memory 1) (data 0 \"x\")");  // the index form needs an offset
}

TEST_CASE("wat: element segment forms", "[text][wat]") {
  // Flags of binary/modules.rst: 0 active funcidx, 1 passive, 3 declarative, 5 passive exprs,
  // 6 explicit table with exprs.
  auto m = wasm("(table 1 funcref) (func $f) (elem (i32.const 0) $f) (elem func $f) (elem declare func $f)"
                "(elem funcref (ref.null func) (item ref.func $f)) (table $e 1 externref)"
                "(elem (table $e) (i32.const 0) externref (ref.null extern))");
  CHECK(contains(m, {0x09, 0x22, 0x05, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x03, 0x00,
                     0x01, 0x00, 0x05, 0x70, 0x02, 0xd0, 0x70, 0x0b, 0xd2, 0x00, 0x0b, 0x06, 0x01, 0x41, 0x00,
                     0x0b, 0x6f, 0x01, 0xd0, 0x6f, 0x0b}));
  same("(func $f) (elem funcref (ref.func $f))", "(func $f) (elem func $f)");
}

TEST_CASE("wat: folded and plain instructions encode alike", "[text][wat]") {
  same("(func (result i32) (i32.add (i32.const 1) (i32.const 2)))",
       "(func (result i32) i32.const 1 i32.const 2 i32.add)");
  same("(func (param i32) (result i32) (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))",
       "(func (param i32) (result i32) local.get 0 if (result i32) i32.const 1 else i32.const 2 end)");
  same("(func (block $a (loop $b (br_if $b (i32.const 0)) (br $a))))",
       "(func block $a loop $b i32.const 0 br_if 0 br 1 end $b end $a)");
  same("(func (param $x i32) (local $y i64) (local f32 f32) (local.set $y (i64.extend_i32_u (local.get $x))))",
       "(func (param i32) (local i64 f32 f32) local.get 0 i64.extend_i32_u local.set 1)");
  // Shadowed labels resolve to the innermost.
  same("(func (block $l (block $l (br $l))))", "(func (block (block (br 0))))");
  // An empty else is left out, as the reference encoder does.
  same("(func (if (i32.const 0) (then nop) (else)))", "(func i32.const 0 if nop end)");
}

TEST_CASE("wat: type uses and block types", "[text][wat]") {
  // Implicit types go after all explicit ones, reusing the first match (text/modules.rst).
  same("(func (param i32)) (type (func)) (func (param i32)) (func)",
       "(type (func)) (type (func (param i32))) (func (type 1)) (func (type 1)) (func (type 0))");
  same("(type $t (func (param i32))) (func (type $t) (param i32))", "(type (func (param i32))) (func (type 0))");
  // Multi-value block types need a type index; single results are inline.
  auto m = wasm("(func (block (result i32 i64) (i32.const 0) (i64.const 0)) drop drop)");
  CHECK(contains(m, {0x60, 0x00, 0x02, 0x7f, 0x7e}));
  CHECK(contains(m, {0x02, 0x01, 0x41, 0x00, 0x42, 0x00, 0x0b}));
  CHECK(contains(wasm("(func (block (result f64) (f64.const 0)) drop)"), {0x02, 0x7c}));
  CHECK(contains(wasm("(func (i32.const 1) (block (param i32) (drop)))"), {0x02, 0x01}));
  // call_indirect: table then typeuse, encoded type index first.
  auto ci = wasm("(table 0 funcref) (table $t 0 funcref) (type $s (func)) (func (call_indirect $t (type $s) (i32.const 0)))");
  CHECK(contains(ci, {0x41, 0x00, 0x11, 0x00, 0x01, 0x0b}));
}

TEST_CASE("wat: immediates", "[text][wat]") {
  CHECK(contains(wasm("(memory 1) (func (drop (i32.load offset=4 align=1 (i32.const 0))))"), {0x28, 0x00, 0x04}));
  CHECK(contains(wasm("(memory 1) (func (drop (i64.load (i32.const 0))))"), {0x29, 0x03, 0x00}));
  CHECK(contains(wasm("(func (result i32) (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0)))"),
                 {0x1c, 0x01, 0x7f}));
  CHECK(contains(wasm("(func (drop (select (i32.const 1) (i32.const 2) (i32.const 0))))"), {0x1b, 0x1a}));
  CHECK(contains(wasm("(func (block (block (br_table 0 1 0 (i32.const 0)))))"), {0x0e, 0x02, 0x00, 0x01, 0x00}));
  CHECK(contains(wasm("(func (drop (i32.const -1)))"), {0x41, 0x7f}));
  CHECK(contains(wasm("(func (drop (i32.const 0xffffffff)))"), {0x41, 0x7f}));
  CHECK(contains(wasm("(func (drop (i64.const 0x8000000000000000)))"),
                 {0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}));
  CHECK(contains(wasm("(func (drop (f32.const -0x1p-1)))"), {0x43, 0x00, 0x00, 0x00, 0xbf}));
  CHECK(contains(wasm("(func (drop (ref.null extern)))"), {0xd0, 0x6f}));
  CHECK(contains(wasm("(table $a 1 funcref) (table $b 1 funcref) (elem $e func) (func (table.init $b $e (i32.const 0) (i32.const 0) (i32.const 0)) (table.copy $a $b (i32.const 0) (i32.const 0) (i32.const 0)))"),
                 {0xfc, 0x0c, 0x00, 0x01}));
  // memory.init / data.drop need the data count section (id 12) before the code section.
  auto dc = wasm("(memory 1) (data $d \"x\") (func (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0)) (data.drop $d))");
  CHECK(contains(dc, {0x0c, 0x01, 0x01, 0x0a}));
  CHECK(contains(dc, {0xfc, 0x08, 0x00, 0x00, 0xfc, 0x09, 0x00}));
  CHECK_FALSE(contains(wasm("(memory 1) (data \"x\")"), {0x0c, 0x01, 0x01}));
}

TEST_CASE("wat: SIMD constants, shuffles and lanes", "[text][wat]") {
  CHECK(contains(wasm("(func (drop (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1)))"),
                 {0xfd, 0x0c, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0xff}));
  CHECK(contains(wasm("(func (drop (v128.const i16x8 1 2 3 4 5 6 7 0xffff)))"),
                 {0xfd, 0x0c, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0xff, 0xff}));
  CHECK(contains(wasm("(func (drop (v128.const i32x4 1 -1 0x10 0)))"),
                 {0xfd, 0x0c, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0, 0, 0, 0, 0}));
  CHECK(contains(wasm("(func (drop (v128.const i64x2 -2 1)))"),
                 {0xfd, 0x0c, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0, 0, 0, 0}));
  CHECK(contains(wasm("(func (drop (v128.const f32x4 1 -0 inf nan)))"),
                 {0xfd, 0x0c, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x80, 0, 0, 0x80, 0x7f, 0, 0, 0xc0, 0x7f}));
  CHECK(contains(wasm("(func (drop (v128.const f64x2 0x1p0 -nan:0x1)))"),
                 {0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 1, 0, 0, 0, 0, 0, 0xf0, 0xff}));
  auto sh = wasm("(func (param v128) (drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31 (local.get 0) (local.get 0))))");
  CHECK(contains(sh, {0xfd, 0x0d, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31}));
  CHECK(contains(wasm("(func (param v128) (drop (i32x4.extract_lane 3 (local.get 0))))"), {0xfd, 0x1b, 0x03}));
  CHECK(contains(wasm("(memory 1) (func (param v128) (drop (v128.load8_lane offset=2 15 (i32.const 0) (local.get 0))))"),
                 {0xfd, 0x54, 0x00, 0x02, 0x0f}));
  CHECK(contains(wasm("(memory 1) (func (param v128) (v128.store64_lane 1 (i32.const 0) (local.get 0)))"),
                 {0xfd, 0x5b, 0x03, 0x00, 0x01}));
}

TEST_CASE("wat: well-formed but invalid modules still encode", "[text][wat]") {
  wasm("(func (result i32) (i64.const 0))");
  wasm("(func (call 7) (local.get 9) (br 5))");
  wasm("(func (block (type 3)))");
  wasm("(memory 1) (func (drop (i32.load align=64 (i32.const 0))))");
}

TEST_CASE("wat: malformed modules", "[text][wat]") {
  auto e = failure("(module\n  (func (i32.const0)))");
  CHECK(e.message == "unknown operator i32.const0");
  CHECK(e.line == 2);
  CHECK(e.column == 10);
  CHECK(failure("(func (br $nowhere))").message.starts_with("unknown label"));
  CHECK(failure("(func (call $g))").message.starts_with("unknown function"));
  CHECK(failure("(func (local.get $x))").message.starts_with("unknown local"));
  CHECK(failure("(func (type $t))").message.starts_with("unknown type"));
  CHECK(failure("(func block $a end $b)").message == "mismatching label");
  CHECK(failure("(func (i32.const 0x100000000))").message == "constant out of range");
  CHECK(failure("(func (f32.const 1e39))").message == "constant out of range");
  CHECK(failure("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))").message ==
        "alignment must be a power of two");
  CHECK(failure("(type $t (func)) (func (type $t) (param i32))").message == "inline function type");
  CHECK(failure("(func) (import \"m\" \"f\" (func))").message == "import after function");
  CHECK(failure("(func $f) (func $f)").message.starts_with("duplicate function"));
  CHECK(failure("(func (param $x i32) (local $x i32))").message.starts_with("duplicate local"));
  CHECK(failure("(func (block (param $x i32)))").message == "unexpected token");
  CHECK(failure("(func (result i32) (param i32))").message == "unexpected token");
  CHECK(failure("(func (v128.const i32x4 0 0 0))").message == "wrong number of lane literals");
  CHECK(failure("(func (export \"\\ff\"))").message == "malformed UTF-8 encoding");
  CHECK(failure("(func br 0drop)").message == "unknown operator");
  CHECK(failure("(func (nop)").message == "unexpected end of input");
  CHECK(failure("(start 0) (start 0)").message == "multiple start sections");
  CHECK(failure("(module) (module)").message == "unexpected token");
  std::string deep = "(func ";
  for (int i = 0; i < 3500; ++i) deep += "(block ";
  deep += std::string(3501, ')');
  CHECK(failure(deep).message == "nesting too deep");
}

TEST_CASE("wat: multi-memory memories, memory indices and data segments", "[text][wat][multi-memory]") {
  const char* mems = "(memory $a 1) (memory $b 2) ";
  auto with = [&](const std::string& rest) { return wasm(std::string(mems) + rest); };
  // Two entries in the memory section.
  CHECK(contains(with(""), {0x05, 0x05, 0x02, 0x00, 0x01, 0x00, 0x02}));
  // memarg: memory 0 is implicit; another memory sets flag bit 6 and adds its index.
  CHECK(contains(with("(func (drop (i32.load $a offset=4 (i32.const 0))))"), {0x28, 0x02, 0x04}));
  CHECK(contains(with("(func (drop (i32.load $b offset=4 align=1 (i32.const 0))))"), {0x28, 0x40, 0x01, 0x04}));
  CHECK(contains(with("(func (i64.store 1 (i32.const 0) (i64.const 0)))"), {0x37, 0x43, 0x01, 0x00}));
  same(std::string(mems) + "(func (drop (f32.load $b (i32.const 0))))",
       std::string(mems) + "(func (drop (f32.load 1 (i32.const 0))))");
  // A lone number after a lane instruction is the lane; with two, the first is the memory.
  CHECK(contains(with("(func (param v128) (drop (v128.load8_lane $b 15 (i32.const 0) (local.get 0))))"),
                 {0xfd, 0x54, 0x40, 0x01, 0x00, 0x0f}));
  CHECK(contains(with("(func (param v128) (drop (v128.load8_lane 1 15 (i32.const 0) (local.get 0))))"),
                 {0xfd, 0x54, 0x40, 0x01, 0x00, 0x0f}));
  CHECK(contains(with("(func (param v128) (drop (v128.load8_lane 15 (i32.const 0) (local.get 0))))"),
                 {0xfd, 0x54, 0x00, 0x00, 0x0f}));
  // memory.size/grow/fill x, memory.copy x y (destination first), memory.init x d.
  CHECK(contains(with("(func (drop (memory.size $b)))"), {0x3f, 0x01, 0x1a}));
  CHECK(contains(with("(func (drop (memory.grow $b (i32.const 1))))"), {0x40, 0x01, 0x1a}));
  CHECK(contains(with("(func (memory.fill $b (i32.const 0) (i32.const 0) (i32.const 0)))"), {0xfc, 0x0b, 0x01}));
  CHECK(contains(with("(func (memory.copy $a $b (i32.const 0) (i32.const 0) (i32.const 0)))"), {0xfc, 0x0a, 0x00, 0x01}));
  CHECK(contains(with("(func (memory.copy $b $a (i32.const 0) (i32.const 0) (i32.const 0)))"), {0xfc, 0x0a, 0x01, 0x00}));
  CHECK(contains(with("(data $d \"x\") (func (memory.init $b $d (i32.const 0) (i32.const 0) (i32.const 0)))"),
                 {0xfc, 0x08, 0x00, 0x01}));
  // Data segments: flags 2 with the memory index for memories other than 0.
  CHECK(contains(with("(data (memory $b) (i32.const 8) \"x\")"), {0x0b, 0x08, 0x01, 0x02, 0x01, 0x41, 0x08, 0x0b, 0x01, 'x'}));
  CHECK(contains(with("(data (memory $a) (i32.const 8) \"x\")"), {0x0b, 0x07, 0x01, 0x00, 0x41, 0x08, 0x0b, 0x01, 'x'}));
  // (memory (data ...)) on a second memory targets that memory.
  CHECK(contains(wasm("(memory 1) (memory (data \"hi\"))"), {0x02, 0x01, 0x41, 0x00, 0x0b, 0x02, 'h', 'i'}));
  // Imports and exports of several memories.
  same(R"((import "m" "a" (memory 1)) (import "m" "b" (memory $b 2)) (export "b" (memory $b)))",
       R"((memory (import "m" "a") 1) (memory $b (export "b") (import "m" "b") 2))");
  CHECK(failure("(memory $a 1) (func (drop (i32.load $c (i32.const 0))))").message.starts_with("unknown memory"));
}
