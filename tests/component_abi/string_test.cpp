// Strings: lifting in each encoding, lowering host (UTF-8) strings, transcoding between
// components with different encodings (the realloc sequences of § Storing), and the traps.
#include "abi_test_util.h"

using namespace shard::component::abi;
using namespace shard::component::abi::test;
using shard::Result;

namespace {

constexpr uint64_t kTag32 = uint64_t{1} << 31;

Result<Value> lift_str(Guest& g, uint64_t ptr, uint64_t units) {
  auto cx = g.cx();
  std::vector<Flat> flat{{ptr_core_type(cx.addr), ptr}, {ptr_core_type(cx.addr), units}};
  FlatListSource src(flat);
  return lift_flat(cx, src, *ValType::string());
}

/// Lowers `v` as a flat string; returns (ptr, tagged code units).
std::pair<uint64_t, uint64_t> lower_str(Guest& g, const Value& v) {
  auto cx = g.cx();
  std::vector<Flat> flat;
  auto r = lower_flat(cx, v, *ValType::string(), flat);
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  REQUIRE(flat.size() == 2);
  return {flat[0].bits, flat[1].bits};
}

std::string utf16le(std::u16string_view s) {
  std::string out;
  for (char16_t c : s) {
    out += static_cast<char>(c & 0xff);
    out += static_cast<char>(c >> 8);
  }
  return out;
}

}  // namespace

TEST_CASE("strings: lifting utf8", "[abi][string]") {
  Guest g;
  g.put_bytes(100, "h\xC3\xA9llo \xF0\x9F\x98\x80");
  auto v = lift_str(g, 100, 11);
  REQUIRE(v.ok());
  CHECK(v->as_string() == "h\xC3\xA9llo \xF0\x9F\x98\x80");
  CHECK(v->string_hint().encoding == StringEncoding::Utf8);
  CHECK(v->string_hint().tagged_code_units == 11);
  CHECK(lift_str(g, 100, 0)->as_string().empty());
  CHECK(lift_str(g, 4096, 0).ok());  // empty string at the end of memory
}

TEST_CASE("strings: lifting utf16 and latin1+utf16", "[abi][string]") {
  Guest g16(StringEncoding::Utf16);
  g16.put_bytes(100, utf16le(u"h\u00e9\u20ac\U0001F600"));
  auto v = lift_str(g16, 100, 5);
  REQUIRE(v.ok());
  CHECK(v->as_string() == "h\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");

  Guest gl(StringEncoding::Latin1Utf16);
  gl.put_bytes(100, "caf\xE9");
  auto latin = lift_str(gl, 100, 4);
  REQUIRE(latin.ok());
  CHECK(latin->as_string() == "caf\xC3\xA9");
  gl.put_bytes(200, utf16le(u"\u20ac1"));
  auto wide = lift_str(gl, 200, 2 | kTag32);
  REQUIRE(wide.ok());
  CHECK(wide->as_string() == "\xE2\x82\xAC" "1");
  CHECK(wide->string_hint().tagged_code_units == (2 | kTag32));
}

TEST_CASE("strings: lifting traps", "[abi][string][trap]") {
  Guest g(StringEncoding::Utf8, 1024);
  for (std::string bad : {std::string("\xC0\x80"), std::string("\xFF"), std::string("\xED\xA0\x80"),
                          std::string("\xF4\x90\x80\x80"), std::string("a\xE2\x82")}) {
    g.put_bytes(10, bad);
    CHECK(trap_of(lift_str(g, 10, bad.size())) == AbiTrap::InvalidUtf8);
  }
  CHECK(trap_of(lift_str(g, 1000, 25)) == AbiTrap::OutOfBounds);
  CHECK(trap_of(lift_str(g, UINT32_MAX, 2)) == AbiTrap::OutOfBounds);
  CHECK(trap_of(lift_str(g, 0, uint64_t{1} << 28)) == AbiTrap::StringTooLong);
  CHECK(trap_of(lift_str(g, 0, (uint64_t{1} << 28) - 1)) == AbiTrap::OutOfBounds);

  Guest g16(StringEncoding::Utf16, 1024);
  g16.put_bytes(10, utf16le(u"a\xD800"));
  CHECK(trap_of(lift_str(g16, 10, 2)) == AbiTrap::InvalidUtf16);  // high surrogate at the end
  g16.put_bytes(10, utf16le(u"\xDC00" "a"));
  CHECK(trap_of(lift_str(g16, 10, 2)) == AbiTrap::InvalidUtf16);  // lone low surrogate
  g16.put_bytes(10, utf16le(u"\xD800" "a"));
  CHECK(trap_of(lift_str(g16, 10, 2)) == AbiTrap::InvalidUtf16);  // high surrogate then non-low
  CHECK(trap_of(lift_str(g16, 11, 1)) == AbiTrap::MisalignedPointer);
  CHECK(trap_of(lift_str(g16, 0, uint64_t{1} << 27)) == AbiTrap::StringTooLong);
  CHECK(trap_of(lift_str(g16, 1000, 20)) == AbiTrap::OutOfBounds);

  Guest gl(StringEncoding::Latin1Utf16, 1024);
  CHECK(trap_of(lift_str(gl, 11, 1)) == AbiTrap::MisalignedPointer);  // alignment 2 even for latin-1
  CHECK(trap_of(lift_str(gl, 0, (uint64_t{1} << 27) | kTag32)) == AbiTrap::StringTooLong);
  gl.put_bytes(10, utf16le(u"\xDFFF"));
  CHECK(trap_of(lift_str(gl, 10, 1 | kTag32)) == AbiTrap::InvalidUtf16);
}

TEST_CASE("strings: load reads the pointer pair from memory", "[abi][string]") {
  Guest g;
  g.put_bytes(300, "abc");
  g.put32(16, 300);
  g.put32(20, 3);
  auto cx = g.cx();
  CHECK(load(cx, 16, *ValType::string())->as_string() == "abc");
  CHECK(trap_of(load(cx, 18, *ValType::string())) == AbiTrap::MisalignedPointer);
  auto r = store(cx, Value::string("xyz!"), *ValType::string(), 24);
  REQUIRE(r.ok());
  CHECK(g.bytes_at(g.get32(24), g.get32(28)) == "xyz!");
}

TEST_CASE("strings: lowering host strings into each encoding", "[abi][string]") {
  SECTION("utf8: one exact allocation") {
    Guest g;
    auto [ptr, units] = lower_str(g, Value::string("h\xC3\xA9llo"));
    CHECK(units == 6);
    CHECK(g.bytes_at(ptr, 6) == "h\xC3\xA9llo");
    CHECK(g.calls == std::vector<ReallocCall>{{0, 0, 1, 6}});
  }
  SECTION("utf16: worst case, then shrink") {
    Guest g(StringEncoding::Utf16);
    auto [ptr, units] = lower_str(g, Value::string("h\xC3\xA9llo"));
    CHECK(units == 5);
    CHECK(g.bytes_at(ptr, 10) == utf16le(u"h\u00e9llo"));
    REQUIRE(g.calls.size() == 2);
    CHECK(g.calls[0] == ReallocCall{0, 0, 2, 12});
    CHECK(g.calls[1] == ReallocCall{ptr, 12, 2, 10});
  }
  SECTION("utf16: ASCII needs no shrink") {
    Guest g(StringEncoding::Utf16);
    auto [ptr, units] = lower_str(g, Value::string("abc"));
    CHECK(units == 3);
    CHECK(g.bytes_at(ptr, 6) == utf16le(u"abc"));
    CHECK(g.calls == std::vector<ReallocCall>{{0, 0, 2, 6}});
  }
  SECTION("utf16: astral code points become surrogate pairs") {
    Guest g(StringEncoding::Utf16);
    auto [ptr, units] = lower_str(g, Value::string("\xF0\x9F\x98\x80"));
    CHECK(units == 2);
    CHECK(g.bytes_at(ptr, 4) == utf16le(u"\U0001F600"));
  }
  SECTION("latin1+utf16: Latin-1 fits, shrink to its length") {
    Guest g(StringEncoding::Latin1Utf16);
    auto [ptr, units] = lower_str(g, Value::string("h\xC3\xA9llo"));
    CHECK(units == 5);
    CHECK(g.bytes_at(ptr, 5) == "h\xE9llo");
    REQUIRE(g.calls.size() == 2);
    CHECK(g.calls[0] == ReallocCall{0, 0, 2, 6});
    CHECK(g.calls[1] == ReallocCall{ptr, 6, 2, 5});
  }
  SECTION("latin1+utf16: inflate in place to UTF-16 at the first wide code point") {
    Guest g(StringEncoding::Latin1Utf16);
    auto [ptr, units] = lower_str(g, Value::string("ab\xE2\x82\xAC"));  // "ab€": 5 UTF-8 bytes
    CHECK(units == (3 | kTag32));
    CHECK(g.bytes_at(ptr, 6) == utf16le(u"ab\u20ac"));
    REQUIRE(g.calls.size() == 3);
    CHECK(g.calls[0] == ReallocCall{0, 0, 2, 5});
    CHECK(g.calls[1].old_size == 5);
    CHECK(g.calls[1].new_size == 10);
    CHECK(g.calls[2] == ReallocCall{ptr, 10, 2, 6});
  }
  SECTION("latin1+utf16 in a 64-bit memory uses the 64th bit as tag") {
    Guest g(StringEncoding::Latin1Utf16, 4096, AddrType::I64);
    auto cx = g.cx();
    std::vector<Flat> flat;
    REQUIRE(lower_flat(cx, Value::string("\xE2\x82\xAC"), *ValType::string(), flat).ok());
    REQUIRE(flat.size() == 2);
    CHECK(flat[0].type == CoreType::I64);
    CHECK(flat[1].bits == (1 | (uint64_t{1} << 63)));
    FlatListSource src(flat);
    CHECK(lift_flat(cx, src, *ValType::string())->as_string() == "\xE2\x82\xAC");
  }
  SECTION("empty strings") {
    Guest g(StringEncoding::Latin1Utf16);
    auto [ptr, units] = lower_str(g, Value::string(""));
    (void)ptr;
    CHECK(units == 0);
  }
}

TEST_CASE("strings: transcoding between components", "[abi][string]") {
  // Each case lifts from a source component, then lowers into a destination component.
  auto lift_from = [](StringEncoding enc, const std::string& bytes, uint64_t units) {
    Guest src(enc);
    src.put_bytes(512, bytes);
    auto v = lift_str(src, 512, units);
    REQUIRE(v.ok());
    return *v;
  };

  SECTION("utf16 → utf8: optimistic, worst case, shrink") {
    Value v = lift_from(StringEncoding::Utf16, utf16le(u"h\u00e9!"), 3);
    Guest dst;
    auto [ptr, units] = lower_str(dst, v);
    CHECK(units == 4);
    CHECK(dst.bytes_at(ptr, 4) == "h\xC3\xA9!");
    REQUIRE(dst.calls.size() == 3);
    CHECK(dst.calls[0] == ReallocCall{0, 0, 1, 3});
    CHECK(dst.calls[1].new_size == 9);  // 3 code units * 3
    CHECK(dst.calls[2] == ReallocCall{ptr, 9, 1, 4});
  }
  SECTION("utf16 ASCII → utf8: a single allocation") {
    Value v = lift_from(StringEncoding::Utf16, utf16le(u"abc"), 3);
    Guest dst;
    auto [ptr, units] = lower_str(dst, v);
    CHECK(units == 3);
    CHECK(dst.bytes_at(ptr, 3) == "abc");
    CHECK(dst.calls.size() == 1);
  }
  SECTION("latin1 → utf8: worst case is twice the code units") {
    Value v = lift_from(StringEncoding::Latin1Utf16, "\xE9t\xE9", 3);
    Guest dst;
    auto [ptr, units] = lower_str(dst, v);
    CHECK(units == 5);
    CHECK(dst.bytes_at(ptr, 5) == "\xC3\xA9t\xC3\xA9");
    REQUIRE(dst.calls.size() == 3);
    CHECK(dst.calls[0] == ReallocCall{0, 0, 1, 3});
    CHECK(dst.calls[1].new_size == 6);
    CHECK(dst.calls[2].new_size == 5);
  }
  SECTION("latin1 → utf16: inflating copy") {
    Value v = lift_from(StringEncoding::Latin1Utf16, "\xE9t", 2);
    Guest dst(StringEncoding::Utf16);
    auto [ptr, units] = lower_str(dst, v);
    CHECK(units == 2);
    CHECK(dst.bytes_at(ptr, 4) == utf16le(u"\u00e9t"));
    CHECK(dst.calls == std::vector<ReallocCall>{{0, 0, 2, 4}});
  }
  SECTION("utf16 → utf16: exact copy") {
    Value v = lift_from(StringEncoding::Utf16, utf16le(u"\U0001F600x"), 3);
    Guest dst(StringEncoding::Utf16);
    auto [ptr, units] = lower_str(dst, v);
    CHECK(units == 3);
    CHECK(dst.bytes_at(ptr, 6) == utf16le(u"\U0001F600x"));
    CHECK(dst.calls == std::vector<ReallocCall>{{0, 0, 2, 6}});
  }
  SECTION("latin1 → latin1+utf16: byte copy") {
    Value v = lift_from(StringEncoding::Latin1Utf16, "\xE9t\xE9", 3);
    Guest dst(StringEncoding::Latin1Utf16);
    auto [ptr, units] = lower_str(dst, v);
    CHECK(units == 3);
    CHECK(dst.bytes_at(ptr, 3) == "\xE9t\xE9");
    CHECK(dst.calls == std::vector<ReallocCall>{{0, 0, 2, 3}});
  }
  SECTION("tagged utf16 that fits Latin-1 → latin1+utf16: deflated") {
    Value v = lift_from(StringEncoding::Latin1Utf16, utf16le(u"\u00e9a"), 2 | kTag32);
    Guest dst(StringEncoding::Latin1Utf16);
    auto [ptr, units] = lower_str(dst, v);
    CHECK(units == 2);
    CHECK(dst.bytes_at(ptr, 2) == "\xE9" "a");
    REQUIRE(dst.calls.size() == 2);
    CHECK(dst.calls[0] == ReallocCall{0, 0, 2, 4});
    CHECK(dst.calls[1] == ReallocCall{ptr, 4, 1, 2});
  }
  SECTION("tagged utf16 with wide code points → latin1+utf16: stays UTF-16") {
    Value v = lift_from(StringEncoding::Latin1Utf16, utf16le(u"\u20ac"), 1 | kTag32);
    Guest dst(StringEncoding::Latin1Utf16);
    auto [ptr, units] = lower_str(dst, v);
    CHECK(units == (1 | kTag32));
    CHECK(dst.bytes_at(ptr, 2) == utf16le(u"\u20ac"));
    CHECK(dst.calls.size() == 1);
  }
  SECTION("utf16 → latin1+utf16: Latin-1 when possible") {
    Value v = lift_from(StringEncoding::Utf16, utf16le(u"ok\u00e9"), 3);
    Guest dst(StringEncoding::Latin1Utf16);
    auto [ptr, units] = lower_str(dst, v);
    CHECK(units == 3);
    CHECK(dst.bytes_at(ptr, 3) == "ok\xE9");
    CHECK(dst.calls.size() == 1);  // 3 units allocated, 3 used: no shrink
  }
  SECTION("utf8 → latin1+utf16 with an astral code point") {
    Value v = lift_from(StringEncoding::Utf8, "x\xF0\x9F\x98\x80", 5);
    Guest dst(StringEncoding::Latin1Utf16);
    auto [ptr, units] = lower_str(dst, v);
    CHECK(units == (3 | kTag32));
    CHECK(dst.bytes_at(ptr, 6) == utf16le(u"x\U0001F600"));
    REQUIRE(dst.calls.size() == 3);
    CHECK(dst.calls[1].new_size == 10);
    CHECK(dst.calls[2].new_size == 6);
  }
}

TEST_CASE("strings: lowering traps on bad realloc results", "[abi][string][trap]") {
  SECTION("realloc's own trap propagates") {
    Guest g;
    g.fail_realloc = true;
    auto cx = g.cx();
    std::vector<Flat> flat;
    auto r = lower_flat(cx, Value::string("abc"), *ValType::string(), flat);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().trap == shard::TrapKind::Unreachable);
    CHECK(g.inst.may_leave);  // restored after the call
  }
  SECTION("misaligned pointer from realloc") {
    Guest g(StringEncoding::Utf16);
    g.fixed_result = 101;
    auto cx = g.cx();
    std::vector<Flat> flat;
    CHECK(trap_of(lower_flat(cx, Value::string("abc"), *ValType::string(), flat)) == AbiTrap::MisalignedPointer);
  }
  SECTION("out-of-bounds pointer from realloc") {
    Guest g(StringEncoding::Utf8, 256);
    g.fixed_result = 254;
    auto cx = g.cx();
    std::vector<Flat> flat;
    CHECK(trap_of(lower_flat(cx, Value::string("abc"), *ValType::string(), flat)) == AbiTrap::OutOfBounds);
  }
  SECTION("out-of-bounds after the worst-case reallocation") {
    Guest g(StringEncoding::Utf8, 256);
    g.fixed_result = 250;  // fits 3 bytes (optimistic), not 9 (worst case)
    Guest src(StringEncoding::Utf16);
    src.put_bytes(0, utf16le(u"ab\u00e9"));
    auto v = lift_str(src, 0, 3);
    REQUIRE(v.ok());
    auto cx = g.cx();
    std::vector<Flat> flat;
    CHECK(trap_of(lower_flat(cx, *v, *ValType::string(), flat)) == AbiTrap::OutOfBounds);
    CHECK(g.calls.size() == 2);
  }
  SECTION("realloc is called with may_leave cleared") {
    Guest g;
    bool seen = true;
    auto inner = g.opts.realloc;
    g.opts.realloc = [&](uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
      seen = g.inst.may_leave;
      return inner(a, b, c, d);
    };
    lower_str(g, Value::string("abc"));
    CHECK_FALSE(seen);
    CHECK(g.inst.may_leave);
  }
  SECTION("missing realloc is a usage error") {
    Guest g;
    g.opts.realloc = nullptr;
    auto cx = g.cx();
    std::vector<Flat> flat;
    auto r = lower_flat(cx, Value::string("abc"), *ValType::string(), flat);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == shard::ErrorKind::Usage);
  }
  SECTION("invalid host UTF-8 is a usage error") {
    Guest g;
    auto cx = g.cx();
    std::vector<Flat> flat;
    auto r = lower_flat(cx, Value::string("\xFF"), *ValType::string(), flat);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == shard::ErrorKind::Usage);
    CHECK(g.calls.empty());
  }
}
