// Fused calls between guests (a lowered guest export of scalars: abi::call_scalars) on the
// runtime, with the canonical ABI's wrapping and traps, and the reentrance rule
// (CanonicalABI.md: Store.lift's may_enter_from check).
#include <catch2/catch.hpp>

#include "rt_test_util.h"

using namespace shard;
using namespace shard::component;
using namespace shard::component::test;
namespace abi = shard::component::abi;

TEST_CASE("fused scalar calls between components wrap, check and trap like the ABI", "[component_rt][fused]") {
  // $Lib's core functions return out-of-range bits on purpose; $App's core code passes its
  // i32 straight to the lowered imports and returns what comes back.
  auto def = load_text(R"((component
    (component $Lib
      (core module $M
        (func (export "narrow") (param i32) (result i32) (i32.add (local.get 0) (i32.const 0x100)))
        (func (export "echo") (param i32) (result i32) (local.get 0))
        (func (export "neg") (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))
        (func (export "half") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 0.5))))
      (core instance $m (instantiate $M))
      (func (export "narrow") (param "x" u32) (result u8) (canon lift (core func $m "narrow")))
      (func (export "echo") (param "c" char) (result char) (canon lift (core func $m "echo")))
      (func (export "neg") (param "x" s8) (result s16) (canon lift (core func $m "neg")))
      (func (export "half") (param "x" f64) (result f64) (canon lift (core func $m "half"))))
    (component $App
      (import "narrow" (func $narrow (param "x" u32) (result u8)))
      (import "echo" (func $echo (param "c" char) (result char)))
      (import "neg" (func $neg (param "x" s8) (result s16)))
      (import "half" (func $half (param "x" f64) (result f64)))
      (core func $narrow' (canon lower (func $narrow)))
      (core func $echo' (canon lower (func $echo)))
      (core func $neg' (canon lower (func $neg)))
      (core func $half' (canon lower (func $half)))
      (core module $A
        (import "env" "narrow" (func $narrow (param i32) (result i32)))
        (import "env" "echo" (func $echo (param i32) (result i32)))
        (import "env" "neg" (func $neg (param i32) (result i32)))
        (import "env" "half" (func $half (param f64) (result f64)))
        (func (export "narrow") (param i32) (result i32) (call $narrow (local.get 0)))
        (func (export "echo") (param i32) (result i32) (call $echo (local.get 0)))
        (func (export "neg") (param i32) (result i32) (call $neg (local.get 0)))
        (func (export "half") (param f64) (result f64) (call $half (local.get 0))))
      (core instance $a (instantiate $A (with "env" (instance
        (export "narrow" (func $narrow')) (export "echo" (func $echo'))
        (export "neg" (func $neg')) (export "half" (func $half'))))))
      (func (export "narrow") (param "x" u32) (result u32) (canon lift (core func $a "narrow")))
      (func (export "echo") (param "c" u32) (result u32) (canon lift (core func $a "echo")))
      (func (export "neg") (param "x" u32) (result u32) (canon lift (core func $a "neg")))
      (func (export "half") (param "x" f64) (result f64) (canon lift (core func $a "half"))))
    (instance $lib (instantiate $Lib))
    (instance $app (instantiate $App (with "narrow" (func $lib "narrow")) (with "echo" (func $lib "echo"))
                                     (with "neg" (func $lib "neg")) (with "half" (func $lib "half"))))
    (export "narrow" (func $app "narrow"))
    (export "echo" (func $app "echo"))
    (export "neg" (func $app "neg"))
    (export "half" (func $app "half"))
  ))");
  run::Store store(rt::StoreConfig{}, &interp::tier());
  auto inst = store.instantiate(def, {});
  INFO((inst ? std::string() : inst.error().to_string()));
  REQUIRE(inst.ok());
  auto u32_of = [&](const std::string& f, uint32_t x) {
    auto r = call(*inst, f, {abi::Value::u32(x)});
    INFO((r ? std::string() : r.error().to_string()));
    REQUIRE(r.ok());
    return (*r)[0].as_unsigned();
  };
  CHECK(u32_of("narrow", 5) == 5);         // (5 + 0x100) lifted as u8
  CHECK(u32_of("narrow", 0xff) == 0xff);   // u32 passes whole; the u8 result wraps
  CHECK(u32_of("echo", 0x1F600) == 0x1F600);
  CHECK(u32_of("neg", 1) == 0xffffffff);   // s8 1 → -1 as s16, sign-extended into the i32
  CHECK(u32_of("neg", 0x180) == 0x80);     // the s8 argument wraps to -128; -(-128) = 128 fits s16
  auto h = call(*inst, "half", {abi::Value::f64(3.0)});
  REQUIRE(h.ok());
  CHECK((*h)[0].as_f64() == 1.5);
  // a char argument that is no Unicode scalar value traps in the adapter (convert_i32_to_char)
  auto bad = call(*inst, "echo", {abi::Value::u32(0xD800)});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind == ErrorKind::Trap);
  CHECK(bad.error().message.find("invalid `char` bit pattern") != std::string::npos);
}

TEST_CASE("reentering a component instance on the stack traps: cannot enter component instance",
          "[component_rt][fused]") {
  // CanonicalABI.md, ComponentInstance.may_enter_from: the host calls C.f (re-exported by its
  // parent P), so C and P are entered; C.f calls its import cb, which P implements (entering
  // nothing new: P is held by C); P's cb calls C.f again through a table, and C.entering_set(P)
  // = {C} is already entered: the call traps. Every hop is a fused scalar adapter.
  auto def = load_text(R"((component
    (core module $Tab
      (type $t (func (param i32) (result i32)))
      (table (export "t") 1 funcref)
      (func (export "cb") (param i32) (result i32) (call_indirect (type $t) (local.get 0) (i32.const 0))))
    (core instance $tab (instantiate $Tab))
    (func $cb (param "x" u32) (result u32) (canon lift (core func $tab "cb")))
    (component $C
      (import "cb" (func $cb (param "x" u32) (result u32)))
      (core func $cb' (canon lower (func $cb)))
      (core module $CM
        (import "env" "cb" (func $cb (param i32) (result i32)))
        (func (export "f") (param i32) (result i32)
          (if (result i32) (local.get 0)
            (then (call $cb (i32.sub (local.get 0) (i32.const 1))))
            (else (i32.const 42)))))
      (core instance $cm (instantiate $CM (with "env" (instance (export "cb" (func $cb'))))))
      (func (export "f") (param "x" u32) (result u32) (canon lift (core func $cm "f"))))
    (instance $c (instantiate $C (with "cb" (func $cb))))
    (core func $f' (canon lower (func $c "f")))
    (core module $Fill
      (import "env" "t" (table 1 funcref))
      (import "env" "f" (func $f (param i32) (result i32)))
      (elem (i32.const 0) func $f))
    (core instance (instantiate $Fill (with "env" (instance (export "t" (table $tab "t")) (export "f" (func $f'))))))
    (export "f" (func $c "f"))
  ))");
  run::Store store(rt::StoreConfig{}, &interp::tier());
  auto inst = store.instantiate(def, {});
  INFO((inst ? std::string() : inst.error().to_string()));
  REQUIRE(inst.ok());
  auto ok = call(*inst, "f", {abi::Value::u32(0)});
  INFO((ok ? std::string() : ok.error().to_string()));
  REQUIRE(ok.ok());
  CHECK((*ok)[0].as_unsigned() == 42);
  auto r = call(*inst, "f", {abi::Value::u32(1)});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Trap);
  CHECK(r.error().message.find("cannot enter component instance") != std::string::npos);
  // the trap left C entered: it cannot be called any more
  auto again = call(*inst, "f", {abi::Value::u32(0)});
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message.find("cannot enter component instance") != std::string::npos);
}
