// The JIT against the interpreter: every test runs the same module and calls in both tiers
// and requires the same results, or the same trap with the same message and backtrace.
// Compiled only in builds with the JIT.
#include <catch2/catch.hpp>

// Built only with the JIT (SHARD_HAVE_JIT comes with the shard_jit target).
#ifdef SHARD_HAVE_JIT
#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "interp/interp.h"
#include "jit/jit.h"
#include "runtime/runtime.h"
#include "text/wat.h"
#include "valid/validator.h"

using namespace shard;

namespace {

std::shared_ptr<const WasmModule> load_wat(std::string_view text) {
  auto bin = wat_to_binary(text);
  if (!bin) FAIL(bin.error().to_string());
  auto m = load_module(std::move(bin).value());
  if (!m) FAIL(m.error().to_string());
  return std::make_shared<const WasmModule>(std::move(m).value());
}

/// The same module instantiated in one store per tier (a fresh module object each, so the
/// JIT's statistics count only its own functions).
struct Pair {
  rt::Store interp_store{rt::StoreConfig{}, &interp::tier()};
  rt::Store jit_store;
  rt::Instance* a = nullptr;
  rt::Instance* b = nullptr;

  explicit Pair(std::string_view text, const std::function<std::vector<rt::Extern>(rt::Store&)>& imports = {},
                rt::Tier* jit_tier = &jit::tier())
      : jit_store(rt::StoreConfig{}, jit_tier) {
    auto ia = rt::instantiate(interp_store, load_wat(text), imports ? imports(interp_store) : std::vector<rt::Extern>{});
    auto ib = rt::instantiate(jit_store, load_wat(text), imports ? imports(jit_store) : std::vector<rt::Extern>{});
    if (!ia) FAIL(ia.error().to_string());
    if (!ib) FAIL(ib.error().to_string());
    a = *ia;
    b = *ib;
  }

  /// Calls `name` in both tiers and requires identical outcomes; returns the JIT's.
  rt::CallResult same(const std::string& name, std::vector<rt::Value> args = {}) {
    rt::FuncInst* fa = a->find_func(name);
    rt::FuncInst* fb = b->find_func(name);
    REQUIRE(fa != nullptr);
    REQUIRE(fb != nullptr);
    rt::CallResult ra = rt::call(interp_store, fa, args);
    rt::CallResult rb = rt::call(jit_store, fb, args);
    INFO(name);
    REQUIRE(ra.ok() == rb.ok());
    if (!ra.ok()) {
      CHECK(ra.trap->kind == rb.trap->kind);
      CHECK(ra.trap->message == rb.trap->message);
      REQUIRE(ra.trap->backtrace.size() == rb.trap->backtrace.size());
      for (size_t i = 0; i < ra.trap->backtrace.size(); ++i) {
        CHECK(ra.trap->backtrace[i].func_index == rb.trap->backtrace[i].func_index);
        CHECK(ra.trap->backtrace[i].offset == rb.trap->backtrace[i].offset);
      }
      return rb;
    }
    REQUIRE(ra.values.size() == rb.values.size());
    for (size_t i = 0; i < ra.values.size(); ++i) {
      CHECK(ra.values[i].type == rb.values[i].type);
      // exec/numerics.rst: with two NaN operands either may propagate, and the C++ compiler
      // may commute a + b in the interpreter; any two NaNs agree here.
      if (ra.values[i].type == ValType::F32 && std::isnan(ra.values[i].f32) && std::isnan(rb.values[i].f32)) continue;
      if (ra.values[i].type == ValType::F64 && std::isnan(ra.values[i].f64) && std::isnan(rb.values[i].f64)) continue;
      size_t n = ra.values[i].type == ValType::I32 || ra.values[i].type == ValType::F32 ? 4
               : ra.values[i].type == ValType::V128 ? 16 : 8;
      CHECK(std::memcmp(&ra.values[i].v128, &rb.values[i].v128, n) == 0);
    }
    return rb;
  }
};

const uint32_t kI32s[] = {0, 1, 2, 3, 7, 31, 32, 33, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 12345678, 0x80000001};
const uint64_t kI64s[] = {0, 1, 2, 63, 64, 65, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff,
                          0xfffffffffffffffe, 0x123456789abcdef0, 0xffffffff, 0x100000000};

}  // namespace


TEST_CASE("jit: integer arithmetic, comparisons and conversions match the interpreter", "[jit]") {
  const char* ops32[] = {"i32.add", "i32.sub", "i32.mul", "i32.div_s", "i32.div_u", "i32.rem_s", "i32.rem_u",
                         "i32.and", "i32.or", "i32.xor", "i32.shl", "i32.shr_s", "i32.shr_u", "i32.rotl", "i32.rotr",
                         "i32.eq", "i32.ne", "i32.lt_s", "i32.lt_u", "i32.gt_s", "i32.gt_u", "i32.le_s", "i32.le_u",
                         "i32.ge_s", "i32.ge_u"};
  std::string text = "(module\n";
  for (const char* op : ops32) {
    // Register/register, register/constant and constant/register forms of each.
    text += fmt::format("(func (export \"{0}\") (param i32 i32) (result i32) (local.get 0) (local.get 1) ({0}))\n", op);
    text += fmt::format("(func (export \"{0}/k\") (param i32) (result i32) (local.get 0) (i32.const 7) ({0}))\n", op);
    text += fmt::format("(func (export \"{0}/m\") (param i32) (result i32) (local.get 0) (i32.const -1) ({0}))\n", op);
    std::string op64 = std::string("i64") + (op + 3);
    bool cmp = std::string(op).find("eq") != std::string::npos || std::string(op).find("ne") != std::string::npos ||
               (std::string(op).find("_s") != std::string::npos && (op[4] == 'l' || op[4] == 'g')) ||
               (std::string(op).find("_u") != std::string::npos && (op[4] == 'l' || op[4] == 'g'));
    text += fmt::format("(func (export \"{0}\") (param i64 i64) (result {1}) (local.get 0) (local.get 1) ({0}))\n",
                        op64, cmp ? "i32" : "i64");
  }
  for (const char* op : {"i32.clz", "i32.ctz", "i32.popcnt", "i32.eqz", "i32.extend8_s", "i32.extend16_s"})
    text += fmt::format("(func (export \"{0}\") (param i32) (result i32) (local.get 0) ({0}))\n", op);
  for (const char* op : {"i64.clz", "i64.ctz", "i64.popcnt", "i64.extend8_s", "i64.extend16_s", "i64.extend32_s"})
    text += fmt::format("(func (export \"{0}\") (param i64) (result i64) (local.get 0) ({0}))\n", op);
  text += "(func (export \"i64.eqz\") (param i64) (result i32) (local.get 0) (i64.eqz))\n";
  text += "(func (export \"wrap\") (param i64) (result i32) (local.get 0) (i32.wrap_i64))\n";
  text += "(func (export \"ext_s\") (param i32) (result i64) (local.get 0) (i64.extend_i32_s))\n";
  text += "(func (export \"ext_u\") (param i32) (result i64) (local.get 0) (i64.extend_i32_u))\n";
  text += ")";
  Pair p(text);
  using V = rt::Value;
  for (const char* op : ops32) {
    std::string op64 = std::string("i64") + (op + 3);
    for (uint32_t x : kI32s) {
      p.same(std::string(op) + "/k", {V::from_i32(x)});
      p.same(std::string(op) + "/m", {V::from_i32(x)});
      for (uint32_t y : kI32s) p.same(op, {V::from_i32(x), V::from_i32(y)});
    }
    for (uint64_t x : kI64s)
      for (uint64_t y : kI64s) p.same(op64, {V::from_i64(x), V::from_i64(y)});
  }
  for (uint32_t x : kI32s) {
    for (const char* op : {"i32.clz", "i32.ctz", "i32.popcnt", "i32.eqz", "i32.extend8_s", "i32.extend16_s"})
      p.same(op, {V::from_i32(x)});
    p.same("ext_s", {V::from_i32(x)});
    p.same("ext_u", {V::from_i32(x)});
  }
  for (uint64_t x : kI64s) {
    for (const char* op : {"i64.clz", "i64.ctz", "i64.popcnt", "i64.extend8_s", "i64.extend16_s", "i64.extend32_s",
                           "i64.eqz", "wrap"})
      p.same(op, {V::from_i64(x)});
  }
}

TEST_CASE("jit: float arithmetic, comparisons and conversions are bit-exact", "[jit]") {
  std::string text = "(module\n";
  const char* bin[] = {"add", "sub", "mul", "div", "min", "max", "copysign"};
  const char* cmp[] = {"eq", "ne", "lt", "gt", "le", "ge"};
  const char* un[] = {"abs", "neg", "sqrt", "ceil", "floor", "trunc", "nearest"};
  for (const char* t : {"f32", "f64"}) {
    for (const char* op : bin)
      text += fmt::format("(func (export \"{0}.{1}\") (param {0} {0}) (result {0}) (local.get 0) (local.get 1) ({0}.{1}))\n", t, op);
    for (const char* op : cmp) {
      text += fmt::format("(func (export \"{0}.{1}\") (param {0} {0}) (result i32) (local.get 0) (local.get 1) ({0}.{1}))\n", t, op);
      // The same comparison feeding a branch (compare-and-jump).
      text += fmt::format("(func (export \"{0}.{1}/br\") (param {0} {0}) (result i32) (block (br_if 0 ({0}.{1} (local.get 0) "
                          "(local.get 1))) (return (i32.const 0))) (i32.const 1))\n", t, op);
    }
    for (const char* op : un) text += fmt::format("(func (export \"{0}.{1}\") (param {0}) (result {0}) (local.get 0) ({0}.{1}))\n", t, op);
  }
  const char* conv[][3] = {
      {"i32.trunc_f32_s", "f32", "i32"}, {"i32.trunc_f32_u", "f32", "i32"}, {"i32.trunc_f64_s", "f64", "i32"},
      {"i32.trunc_f64_u", "f64", "i32"}, {"i64.trunc_f32_s", "f32", "i64"}, {"i64.trunc_f64_u", "f64", "i64"},
      {"i32.trunc_sat_f32_s", "f32", "i32"}, {"i64.trunc_sat_f64_u", "f64", "i64"},
      {"f32.demote_f64", "f64", "f32"}, {"f64.promote_f32", "f32", "f64"},
      {"i32.reinterpret_f32", "f32", "i32"}, {"i64.reinterpret_f64", "f64", "i64"},
      {"f32.convert_i32_s", "i32", "f32"}, {"f32.convert_i32_u", "i32", "f32"}, {"f32.convert_i64_s", "i64", "f32"},
      {"f32.convert_i64_u", "i64", "f32"}, {"f64.convert_i32_s", "i32", "f64"}, {"f64.convert_i32_u", "i32", "f64"},
      {"f64.convert_i64_s", "i64", "f64"}, {"f64.convert_i64_u", "i64", "f64"},
      {"f32.reinterpret_i32", "i32", "f32"}, {"f64.reinterpret_i64", "i64", "f64"}};
  for (auto& c : conv)
    text += fmt::format("(func (export \"{0}\") (param {1}) (result {2}) (local.get 0) ({0}))\n", c[0], c[1], c[2]);
  text += ")";
  Pair p(text);
  using V = rt::Value;
  const uint32_t f32s[] = {0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
                           0x7fa00000, 0x7f800001, 0x00000001, 0x4f000000, 0xcf000000, 0x3fc00000, 0x40200000,
                           0x5f000000, 0x4effffff};
  const uint64_t f64s[] = {0, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000, 0x7ff0000000000000,
                           0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000000, 0x7ff4000000000000,
                           0x0000000000000001, 0x41e0000000000000, 0xc1e0000000000000, 0x3ff8000000000000,
                           0x4004000000000000, 0x43e0000000000000, 0x41dfffffffc00000};
  auto f32 = [](uint32_t b) { float f; std::memcpy(&f, &b, 4); return V::from_f32(f); };
  auto f64 = [](uint64_t b) { double d; std::memcpy(&d, &b, 8); return V::from_f64(d); };
  for (uint32_t x : f32s) {
    for (const char* op : un) p.same(std::string("f32.") + op, {f32(x)});
    for (uint32_t y : f32s) {
      for (const char* op : bin) p.same(std::string("f32.") + op, {f32(x), f32(y)});
      for (const char* op : cmp) {
        p.same(std::string("f32.") + op, {f32(x), f32(y)});
        p.same(std::string("f32.") + op + "/br", {f32(x), f32(y)});
      }
    }
  }
  for (uint64_t x : f64s) {
    for (const char* op : un) p.same(std::string("f64.") + op, {f64(x)});
    for (uint64_t y : f64s) {
      for (const char* op : bin) p.same(std::string("f64.") + op, {f64(x), f64(y)});
      for (const char* op : cmp) {
        p.same(std::string("f64.") + op, {f64(x), f64(y)});
        p.same(std::string("f64.") + op + "/br", {f64(x), f64(y)});
      }
    }
  }
  for (auto& c : conv) {
    std::string from = c[1];
    if (from == "f32") for (uint32_t x : f32s) p.same(c[0], {f32(x)});
    if (from == "f64") for (uint64_t x : f64s) p.same(c[0], {f64(x)});
    if (from == "i32") for (uint32_t x : kI32s) p.same(c[0], {V::from_i32(x)});
    if (from == "i64") for (uint64_t x : kI64s) p.same(c[0], {V::from_i64(x)});
  }
}

TEST_CASE("jit: control flow, multi-value, register pressure and spills", "[jit]") {
  Pair p(R"((module
    (func $swap (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
    (func (export "multi") (param i32 i64) (result i64 i32 i64)
      (call $swap (local.get 0) (local.get 1))
      (block (param i64 i32) (result i64 i32 i64)
        (i64.const 5)
        (br_if 0 (i32.eqz (local.get 0)))
        (drop) (i64.const 9)))
    (func (export "br_table") (param i32) (result i32)
      (block $d (result i32)
        (block $c (result i32)
          (block $b (result i32)
            (block $a (result i32)
              (i32.const 100) (local.get 0) (br_table $a $b $c $d))
            (i32.add (i32.const 1)) (br $d))
          (i32.add (i32.const 2)) (br $d))
        (i32.add (i32.const 3))))
    (func (export "loop") (param i32) (result i64)
      (local $acc i64)
      (loop $l
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get 0))))
        (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (local.get $acc))
    ;; 20 live i32 values and 20 live f64 values: more than the registers, so values spill.
    (func (export "pressure") (param i32 f64) (result i32 f64)
      (local.get 0) (i32.const 1) (i32.add) (local.get 0) (i32.const 2) (i32.mul) (local.get 0) (i32.const 3) (i32.xor)
      (local.get 0) (i32.const 4) (i32.sub) (local.get 0) (i32.const 5) (i32.or) (local.get 0) (i32.const 6) (i32.and)
      (local.get 0) (i32.const 7) (i32.shl) (local.get 0) (i32.const 8) (i32.rotl) (local.get 0) (i32.const 9) (i32.add)
      (local.get 0) (i32.const 10) (i32.mul)
      (local.get 1) (f64.const 1) (f64.add) (local.get 1) (f64.const 2) (f64.mul) (local.get 1) (f64.const 3) (f64.sub)
      (local.get 1) (f64.const 4) (f64.div) (local.get 1) (f64.sqrt) (local.get 1) (f64.neg) (local.get 1) (f64.abs)
      (local.get 1) (f64.const 8) (f64.add) (local.get 1) (f64.const 9) (f64.mul) (local.get 1) (f64.const 10) (f64.sub)
      (local.get 1) (f64.const 11) (f64.add) (local.get 1) (f64.const 12) (f64.add) (local.get 1) (f64.const 13) (f64.add)
      (local.get 1) (f64.const 14) (f64.add) (local.get 1) (f64.const 15) (f64.add) (local.get 1) (f64.const 16) (f64.add)
      (local.get 1) (f64.const 17) (f64.add)
      (f64.add) (f64.add) (f64.add) (f64.add) (f64.add) (f64.add) (f64.add) (f64.add) (f64.add) (f64.add)
      (f64.add) (f64.add) (f64.add) (f64.add) (f64.add) (f64.add)
      (local.set 1)
      (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add)
      (local.get 1))
    (func (export "select") (param i32 i64 i64 f32 f32) (result i64 f32)
      (select (local.get 1) (local.get 2) (local.get 0))
      (select (local.get 3) (local.get 4) (i32.lt_u (local.get 0) (i32.const 3))))
    (func (export "tee-old-value") (param i32) (result i32)
      ;; local.get 0 is still on the stack when local 0 changes: it must keep the old value.
      (local.get 0) (local.set 0 (i32.const 77)) (local.get 0) (i32.sub))
    ;; 40 declared locals (zeroed with a loop rather than one store each), read after a call
    ;; that dirtied the value stack above the frame.
    (func $dirty (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32) (local.get 7))
    (func (export "many-locals") (param i32) (result i64)
      (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
      (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
      (drop (call $dirty (local.get 0) (local.get 0) (local.get 0) (local.get 0)
                         (local.get 0) (local.get 0) (local.get 0) (local.get 0)))
      (local.set 3 (i64.extend_i32_u (local.get 0)))
      (i64.add (i64.add (local.get 3) (local.get 20)) (i64.extend_i32_u (local.get 40))))
    (func (export "if-else") (param i32) (result i32)
      (if (result i32) (i32.ge_s (local.get 0) (i32.const 10))
        (then (i32.const 1))
        (else (if (result i32) (local.get 0) (then (i32.const 2)) (else (i32.const 3))))))
  ))");
  using V = rt::Value;
  for (uint32_t x : kI32s) {
    p.same("multi", {V::from_i32(x), V::from_i64(x * 3ull)});
    p.same("br_table", {V::from_i32(x)});
    p.same("pressure", {V::from_i32(x), V::from_f64(x * 0.5)});
    p.same("select", {V::from_i32(x), V::from_i64(1), V::from_i64(2), V::from_f32(1.5f), V::from_f32(2.5f)});
    p.same("tee-old-value", {V::from_i32(x)});
    p.same("if-else", {V::from_i32(x)});
    p.same("many-locals", {V::from_i32(x)});
  }
  for (uint32_t x : {1u, 2u, 10u, 1000u}) p.same("loop", {V::from_i32(x)});
  auto r = p.same("br_table", {V::from_i32(2)});
  CHECK(r.values[0].i32 == 103);
}

TEST_CASE("jit: memory, globals and their traps", "[jit]") {
  Pair p(R"((module
    (memory 1 3)
    (global $g (mut i64) (i64.const 5))
    (data (i32.const 0) "\01\02\03\04\05\06\07\08\f0\f1\f2\f3")
    (func (export "loads") (param i32) (result i32 i32 i32 i32 i64 i64 i64 f32 f64)
      (i32.load8_s (local.get 0)) (i32.load8_u offset=1 (local.get 0)) (i32.load16_s offset=8 (local.get 0))
      (i32.load (local.get 0)) (i64.load (local.get 0)) (i64.load32_s offset=8 (local.get 0))
      (i64.load16_u offset=2 (local.get 0)) (f32.load (local.get 0)) (f64.load (local.get 0)))
    (func (export "store") (param i32 i64) (result i64)
      (i64.store offset=3 (local.get 0) (local.get 1))
      (i32.store8 (local.get 0) (i32.const 0x1ff))
      (i64.load offset=0 (local.get 0)))
    (func (export "big-offset") (param i32) (result i32) (i32.load offset=0xfffffff0 (local.get 0)))
    (func (export "grow") (param i32) (result i32 i32) (memory.grow (local.get 0)) (memory.size))
    (func (export "global") (param i64) (result i64)
      (global.set $g (i64.add (global.get $g) (local.get 0))) (global.get $g))
    (func (export "fill-copy") (param i32 i32 i32) (result i64)
      (memory.fill (local.get 0) (i32.const 0xab) (local.get 2))
      (memory.copy (local.get 1) (local.get 0) (local.get 2))
      (i64.load (local.get 1)))
  ))");
  using V = rt::Value;
  for (uint32_t a : {0u, 1u, 100u, 65520u, 65528u, 65532u, 65535u, 65536u, 0xffffffffu}) {
    p.same("loads", {V::from_i32(a)});
    p.same("store", {V::from_i32(a), V::from_i64(0x1122334455667788)});
    p.same("big-offset", {V::from_i32(a)});
    p.same("fill-copy", {V::from_i32(a), V::from_i32(8), V::from_i32(16)});
  }
  for (uint32_t d : {0u, 1u, 1u, 5u}) p.same("grow", {V::from_i32(d)});
  p.same("loads", {V::from_i32(131060)});  // inside the grown memory now
  for (uint64_t x : kI64s) p.same("global", {V::from_i64(x)});
}

TEST_CASE("jit: calls in any mix with the interpreter and host functions, traps keep their backtrace", "[jit]") {
  auto imports = [](rt::Store& s) {
    rt::FuncInst* host = s.create_host_func(FuncType{{ValType::I32}, {ValType::I32}},
                                            [](rt::HostCall& hc, const rt::Value* a, rt::Value* r) {
      if (a[0].i32 == 99) {
        hc.message = "host says no";
        return TrapKind::HostError;
      }
      r[0] = rt::Value::from_i32(a[0].i32 * 2);
      return TrapKind::None;
    });
    return std::vector<rt::Extern>{rt::Extern::func(host)};
  };
  // $interp (function 2) runs in the interpreter: calls cross tiers both ways.
  auto mixed = jit::make_tier({.interpret = [](const WasmModule&, uint32_t i) { return i == 2; }});
  Pair p(R"((module
    (import "env" "double" (func $double (param i32) (result i32)))
    (type $t (func (param i32) (result i32)))
    (table 4 funcref)
    (elem (i32.const 0) $inc $interp $double)
    (tag $never)
    (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func $interp (export "interp") (param i32) (result i32)
      (block (try_table (catch_all 0) (drop (call $inc (local.get 0)))))
      (if (i32.eq (local.get 0) (i32.const 13)) (then unreachable))
      (call $double (call $inc (local.get 0))))
    (func (export "mix") (param i32) (result i32)
      (call $interp (call $double (local.get 0))))
    (func (export "indirect") (param i32 i32) (result i32)
      (call_indirect (type $t) (local.get 1) (local.get 0)))
    (func (export "indirect-bad-type") (param i32) (result i64)
      (call_indirect (param i32) (result i64) (i32.const 1) (local.get 0)))
    (func $deep (export "deep") (param i32) (result i32)
      (if (result i32) (local.get 0)
        (then (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)))))
        (else (i32.div_u (i32.const 1) (local.get 0)))))
    (func $forever (export "forever") (param i32) (result i32) (call $forever (local.get 0)))
  ))", imports, mixed.get());
  using V = rt::Value;
  for (uint32_t x : {0u, 1u, 6u, 13u, 99u, 49u}) {
    p.same("mix", {V::from_i32(x)});
    p.same("interp", {V::from_i32(x)});
    for (uint32_t i : {0u, 1u, 2u, 3u, 4u, 0xffffffffu}) p.same("indirect", {V::from_i32(i), V::from_i32(x)});
  }
  for (uint32_t i : {0u, 1u, 3u, 9u}) p.same("indirect-bad-type", {V::from_i32(i)});
  auto r = p.same("deep", {V::from_i32(5)});  // integer divide by zero, 6 frames deep
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap->backtrace.size() == 6);
  auto ex = p.same("forever", {V::from_i32(0)});
  REQUIRE_FALSE(ex.ok());
  CHECK(ex.trap->kind == TrapKind::CallStackExhausted);
  // The store stays usable after a trap deep in JIT code.
  p.same("mix", {V::from_i32(3)});
}

TEST_CASE("jit: functions left to the interpreter are counted", "[jit]") {
  jit::Stats before = jit::stats();
  auto tier = jit::make_tier({.interpret = [](const WasmModule&, uint32_t i) { return i == 0; }});
  rt::Store store(rt::StoreConfig{}, tier.get());
  auto inst = rt::instantiate(store, load_wat(R"((module
    (func (export "f") (result i32) (i32.const 1))
    (func (export "g") (result i32) (call 0) (i32.const 2) (i32.add))))"), {});
  REQUIRE(inst);
  auto r = rt::call(store, (*inst)->find_func("g"), {});
  REQUIRE(r.ok());
  CHECK(r.values[0].i32 == 3);
  jit::Stats after = jit::stats();
  CHECK(after.compiled == before.compiled + 1);
  CHECK(after.fallbacks == before.fallbacks + 1);
  CHECK(after.fallback_reasons["interpreted by option"] == before.fallback_reasons["interpreted by option"] + 1);
  CHECK(jit::stats_report().find("fell back") != std::string::npos);
}

TEST_CASE("jit: exception handling matches the interpreter (clauses, nesting, rethrow, loops)", "[jit]") {
  Pair p(R"((module
    (tag $a (param i64))
    (tag $b (param i32 f64))
    (tag $c)
    (func $raise (param i32)
      (if (i32.eq (local.get 0) (i32.const 1)) (then (throw $a (i64.const 77))))
      (if (i32.eq (local.get 0) (i32.const 2)) (then (throw $b (i32.const 5) (f64.const 2.5))))
      (if (i32.eq (local.get 0) (i32.const 3)) (then (throw $c)))
      (if (i32.eq (local.get 0) (i32.const 4)) (then (unreachable))))
    (func $pass (param i32) (result i32) (call $raise (local.get 0)) (i32.const 100))
    (func (export "which") (param i32) (result i64)
      (local $keep i64)
      (local.set $keep (i64.const 1000))
      (i64.const 9)  ;; below the handlers: must survive the unwind
      (block $ha (result i64)
        (block $hb (result i32 f64)
          (block $hc
            (try_table (catch $a $ha) (catch $b $hb) (catch_all $hc)
              (drop (call $pass (local.get 0))))
            (return (i64.const -1)))
          (return (i64.const -3)))
        (drop) (i64.extend_i32_u) (return))
      (i64.add))
    (func (export "rethrow") (param i32) (result i32)
      (block $outer (result exnref)
        (try_table (catch_all_ref $outer)
          (block $inner (result exnref)
            (try_table (catch_ref $c $inner) (call $raise (local.get 0)))
            (return (i32.const 0)))
          (throw_ref))
        (return (i32.const 1)))
      (drop) (i32.const 2))
    (func (export "to-function") (param i32) (result i64)
      (try_table (catch $a 0) (call $raise (local.get 0)))
      (i64.const 0))
    (func (export "loop") (param i32) (result i32) (local i32)
      (loop $l
        (block $h
          (try_table (catch_all $h) (throw $c)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (local.get 1))
    (func (export "null") (throw_ref (ref.null exn)))
  ))");
  using V = rt::Value;
  for (uint32_t x : {0u, 1u, 2u, 3u, 4u}) {
    p.same("which", {V::from_i32(x)});
    p.same("rethrow", {V::from_i32(x)});
    p.same("to-function", {V::from_i32(x)});
  }
  CHECK(p.same("which", {V::from_i32(1)}).values[0].i64 == 86);
  CHECK(p.same("loop", {V::from_i32(10000)}).values[0].i32 == 10000);
  CHECK(p.jit_store.exec().depth == 0);
  auto r = p.same("null");
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap->message == "null exception reference");
}

#endif  // SHARD_HAVE_JIT
