// Comparing action results against .wast result patterns (SCRIPT-FORMAT.md: result_pat).
#include <fmt/format.h>

#include <cstring>

#include "wast/session.h"

namespace shard::wast {

namespace {

using Kind = ResultPat::Kind;

uint32_t u32(const uint8_t* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
uint64_t u64(const uint8_t* p) { uint64_t v; std::memcpy(&v, p, 8); return v; }

// exec/numerics.rst: NaN propagation. A canonical NaN has only the quiet bit of the payload
// set; an arithmetic NaN has the quiet bit set (any payload).
bool f32_matches(Kind k, uint32_t bits, uint32_t want) {
  const uint32_t exp = 0x7f800000u, quiet = 0x00400000u, payload = 0x007fffffu;
  switch (k) {
    case Kind::NanCanonical: return (bits & ~0x80000000u) == (exp | quiet);
    case Kind::NanArithmetic: return (bits & exp) == exp && (bits & quiet) && (bits & payload);
    default: return bits == want;
  }
}
bool f64_matches(Kind k, uint64_t bits, uint64_t want) {
  const uint64_t exp = 0x7ff0000000000000ull, quiet = 0x0008000000000000ull, payload = 0x000fffffffffffffull;
  switch (k) {
    case Kind::NanCanonical: return (bits & ~0x8000000000000000ull) == (exp | quiet);
    case Kind::NanArithmetic: return (bits & exp) == exp && (bits & quiet) && (bits & payload);
    default: return bits == want;
  }
}

bool v128_matches(const ResultPat& p, const Value& v) {
  switch (p.shape) {
    case LaneShape::F32x4:
      for (int i = 0; i < 4; ++i)
        if (!f32_matches(p.lanes[i], u32(v.bits.data() + 4 * i), u32(p.bits.data() + 4 * i))) return false;
      return true;
    case LaneShape::F64x2:
      for (int i = 0; i < 2; ++i)
        if (!f64_matches(p.lanes[i], u64(v.bits.data() + 8 * i), u64(p.bits.data() + 8 * i))) return false;
      return true;
    default:
      return v.bits == p.bits;
  }
}

bool matches(const ResultPat& p, const Value& v) {
  switch (p.kind) {
    case Kind::Either:
      for (const ResultPat& alt : p.alternatives)
        if (matches(alt, v)) return true;
      return false;
    case Kind::RefNull:
      return is_ref(v.type) && v.is_null && (p.type == ValType::Bot || p.type == v.type);
    case Kind::RefFunc:
      return v.type == ValType::FuncRef && !v.is_null;
    case Kind::RefExtern:
      return v.type == ValType::ExternRef && !v.is_null && (!p.extern_index || *p.extern_index == v.extern_index);
    default:
      break;
  }
  if (v.type != p.type) return false;
  switch (p.type) {
    case ValType::I32: return u32(v.bits.data()) == u32(p.bits.data());
    case ValType::I64: return u64(v.bits.data()) == u64(p.bits.data());
    case ValType::F32: return f32_matches(p.kind, u32(v.bits.data()), u32(p.bits.data()));
    case ValType::F64: return f64_matches(p.kind, u64(v.bits.data()), u64(p.bits.data()));
    case ValType::V128: return v128_matches(p, v);
    default: return false;
  }
}

std::string format_pat(const ResultPat& p) {
  switch (p.kind) {
    case Kind::Either: {
      std::string s = "(either";
      for (const ResultPat& a : p.alternatives) s += " " + format_pat(a);
      return s + ")";
    }
    case Kind::RefNull: return "(ref.null)";
    case Kind::RefFunc: return "(ref.func)";
    case Kind::RefExtern: return p.extern_index ? fmt::format("(ref.extern {})", *p.extern_index) : "(ref.extern)";
    case Kind::NanCanonical: return fmt::format("({}.const nan:canonical)", to_string(p.type));
    case Kind::NanArithmetic: return fmt::format("({}.const nan:arithmetic)", to_string(p.type));
    case Kind::Exact: break;
  }
  Value v;
  v.type = p.type;
  v.bits = p.bits;
  return format_values({v});
}

}  // namespace

std::string format_values(const std::vector<Value>& values) {
  std::string out;
  for (const Value& v : values) {
    if (!out.empty()) out += ' ';
    switch (v.type) {
      case ValType::I32: out += fmt::format("(i32.const 0x{:08x})", u32(v.bits.data())); break;
      case ValType::I64: out += fmt::format("(i64.const 0x{:016x})", u64(v.bits.data())); break;
      case ValType::F32: {
        float f; std::memcpy(&f, v.bits.data(), 4);
        out += fmt::format("(f32.const {} ;0x{:08x})", f, u32(v.bits.data()));
        break;
      }
      case ValType::F64: {
        double d; std::memcpy(&d, v.bits.data(), 8);
        out += fmt::format("(f64.const {} ;0x{:016x})", d, u64(v.bits.data()));
        break;
      }
      case ValType::V128:
        out += fmt::format("(v128.const i32x4 0x{:08x} 0x{:08x} 0x{:08x} 0x{:08x})", u32(v.bits.data()),
                           u32(v.bits.data() + 4), u32(v.bits.data() + 8), u32(v.bits.data() + 12));
        break;
      case ValType::FuncRef: out += v.is_null ? "(ref.null func)" : "(ref.func)"; break;
      case ValType::ExternRef: out += v.is_null ? "(ref.null extern)" : fmt::format("(ref.extern {})", v.extern_index); break;
      default: out += "(?)"; break;
    }
  }
  return out.empty() ? "()" : out;
}

std::string match_results(const std::vector<ResultPat>& expected, const std::vector<Value>& got) {
  bool ok = expected.size() == got.size();
  for (size_t i = 0; ok && i < got.size(); ++i) ok = matches(expected[i], got[i]);
  if (ok) return {};
  std::string want;
  for (const ResultPat& p : expected) want += (want.empty() ? "" : " ") + format_pat(p);
  return fmt::format("expected {}, got {}", want.empty() ? "()" : want, format_values(got));
}

}  // namespace shard::wast
