// Checks shard::sem against the spec test suite's expected values, without an engine: for each
// module in a .wast file, exported functions whose body is a single numeric instruction applied
// to the parameters in order, e.g.
//   (func (export "add") (param $x i32) (param $y i32) (result i32) (i32.add (local.get $x) (local.get $y)))
// are mapped to that instruction; every later assert_return/assert_trap invoking such an export
// with constant arguments is evaluated through sem::<Id> and compared bit for bit (NaN results
// by the nan:canonical / nan:arithmetic patterns). Anything else in the file is skipped.
#include <catch2/catch.hpp>

#include <bit>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "runtime/simd.h"
#include "types.h"

using namespace shard;

namespace {

// ----- S-expressions ---------------------------------------------------------------------------

struct Sexp {
  bool list = false;
  std::string atom;  // for atoms; strings keep their quotes
  std::vector<Sexp> kids;
  int line = 0;
  bool is(std::string_view head) const { return list && !kids.empty() && !kids[0].list && kids[0].atom == head; }
};

class SexpReader {
 public:
  explicit SexpReader(std::string text) : s_(std::move(text)) {}

  std::vector<Sexp> read_all() {
    std::vector<Sexp> out;
    for (;;) {
      skip_space();
      if (pos_ >= s_.size()) break;
      out.push_back(read());
    }
    return out;
  }

 private:
  void skip_space() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == ';' && peek(1) == ';') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (c == '(' && peek(1) == ';') {
        int depth = 0;
        do {
          if (s_[pos_] == '(' && peek(1) == ';') {
            ++depth;
            pos_ += 2;
          } else if (s_[pos_] == ';' && peek(1) == ')') {
            --depth;
            pos_ += 2;
          } else {
            if (s_[pos_] == '\n') ++line_;
            ++pos_;
          }
        } while (depth > 0 && pos_ < s_.size());
      } else {
        break;
      }
    }
  }
  char peek(size_t k) const { return pos_ + k < s_.size() ? s_[pos_ + k] : '\0'; }

  Sexp read() {
    Sexp e;
    e.line = line_;
    if (s_[pos_] == '(') {
      e.list = true;
      ++pos_;
      for (;;) {
        skip_space();
        if (pos_ >= s_.size()) break;
        if (s_[pos_] == ')') {
          ++pos_;
          break;
        }
        e.kids.push_back(read());
      }
      return e;
    }
    size_t start = pos_;
    if (s_[pos_] == '"') {
      ++pos_;
      while (pos_ < s_.size() && s_[pos_] != '"') pos_ += s_[pos_] == '\\' ? 2 : 1;
      ++pos_;
    } else {
      while (pos_ < s_.size() && !std::isspace(static_cast<unsigned char>(s_[pos_])) && s_[pos_] != '(' &&
             s_[pos_] != ')')
        ++pos_;
    }
    e.atom = s_.substr(start, pos_ - start);
    return e;
  }

  std::string s_;
  size_t pos_ = 0;
  int line_ = 1;
};

// ----- Literals --------------------------------------------------------------------------------

std::string strip_underscores(std::string_view s) {
  std::string r;
  for (char c : s)
    if (c != '_') r += c;
  return r;
}

std::optional<uint64_t> parse_int(std::string_view text) {
  std::string s = strip_underscores(text);
  bool neg = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  int base = 10;
  if (s.compare(i, 2, "0x") == 0) {
    base = 16;
    i += 2;
  }
  if (i >= s.size()) return std::nullopt;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    int d;
    char c = s[i];
    if (c >= '0' && c <= '9') d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return std::nullopt;
    v = v * base + d;  // wraps modulo 2^64 like the literal's two's complement meaning
  }
  return neg ? uint64_t(0) - v : v;
}

enum class NanPattern { None, Canonical, Arithmetic };

/// A float literal as bits of F; nan:canonical / nan:arithmetic set `pattern` instead.
template <class F>
std::optional<typename sem::FloatBits<F>::Bits> parse_float(std::string_view text, NanPattern* pattern) {
  using B = sem::FloatBits<F>;
  using Bits = typename B::Bits;
  std::string s = strip_underscores(text);
  if (s == "nan:canonical" || s == "nan:arithmetic") {
    if (!pattern) return std::nullopt;
    *pattern = s == "nan:canonical" ? NanPattern::Canonical : NanPattern::Arithmetic;
    return Bits(0);
  }
  Bits sign = 0;
  std::string body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    if (body[0] == '-') sign = B::kSign;
    body = body.substr(1);
  }
  if (body == "inf") return Bits(sign | B::kExp);
  if (body == "nan") return Bits(sign | B::kExp | B::kQuiet);
  if (body.rfind("nan:0x", 0) == 0) {
    auto payload = parse_int(body.substr(4));
    if (!payload) return std::nullopt;
    return Bits(sign | B::kExp | (Bits(*payload) & B::kMantissa));
  }
  // strtof/strtod round correctly (hex and decimal) in the default rounding mode.
  char* end = nullptr;
  F v;
  if constexpr (std::is_same_v<F, float>) v = std::strtof(body.c_str(), &end);
  else v = std::strtod(body.c_str(), &end);
  if (end != body.c_str() + body.size()) return std::nullopt;
  return Bits(sem::bits_of(v) | sign);
}

// ----- Values ----------------------------------------------------------------------------------

struct Value {
  OpType type = OpType::None;
  uint64_t bits = 0;  // scalars
  V128 v{};
  std::string shape;                   // v128.const shape, for reporting and lane patterns
  std::vector<NanPattern> nan;         // per lane (float shapes) or one entry (scalar floats)
};

std::optional<Value> parse_const(const Sexp& e, bool allow_patterns) {
  if (!e.list || e.kids.empty() || e.kids[0].list) return std::nullopt;
  const std::string& head = e.kids[0].atom;
  Value val;
  auto atom = [&](size_t i) -> std::optional<std::string> {
    if (i >= e.kids.size() || e.kids[i].list) return std::nullopt;
    return e.kids[i].atom;
  };
  NanPattern pat = NanPattern::None;
  NanPattern* pp = allow_patterns ? &pat : nullptr;
  if (head == "i32.const" || head == "i64.const") {
    auto a = atom(1);
    auto v = a ? parse_int(*a) : std::nullopt;
    if (!v || e.kids.size() != 2) return std::nullopt;
    val.type = head == "i32.const" ? OpType::I32 : OpType::I64;
    val.bits = val.type == OpType::I32 ? (*v & 0xffff'ffffu) : *v;
    return val;
  }
  if (head == "f32.const" || head == "f64.const") {
    auto a = atom(1);
    if (!a || e.kids.size() != 2) return std::nullopt;
    std::optional<uint64_t> b;
    if (head == "f32.const") b = parse_float<float>(*a, pp);
    else b = parse_float<double>(*a, pp);
    if (!b) return std::nullopt;
    val.type = head == "f32.const" ? OpType::F32 : OpType::F64;
    val.bits = *b;
    val.nan = {pat};
    return val;
  }
  if (head == "v128.const") {
    auto shape = atom(1);
    if (!shape) return std::nullopt;
    val.type = OpType::V128;
    val.shape = *shape;
    size_t lane_bytes = 0;
    bool is_float = false;
    if (*shape == "i8x16") lane_bytes = 1;
    else if (*shape == "i16x8") lane_bytes = 2;
    else if (*shape == "i32x4") lane_bytes = 4;
    else if (*shape == "i64x2") lane_bytes = 8;
    else if (*shape == "f32x4") lane_bytes = 4, is_float = true;
    else if (*shape == "f64x2") lane_bytes = 8, is_float = true;
    else return std::nullopt;
    size_t n = 16 / lane_bytes;
    if (e.kids.size() != 2 + n) return std::nullopt;
    for (size_t i = 0; i < n; ++i) {
      auto a = atom(2 + i);
      if (!a) return std::nullopt;
      std::optional<uint64_t> b;
      pat = NanPattern::None;
      if (!is_float) b = parse_int(*a);
      else if (lane_bytes == 4) b = parse_float<float>(*a, pp);
      else b = parse_float<double>(*a, pp);
      if (!b) return std::nullopt;
      std::memcpy(val.v.bytes + i * lane_bytes, &*b, lane_bytes);  // little-endian host
      val.nan.push_back(pat);
    }
    return val;
  }
  return std::nullopt;
}

template <class T>
T from_value(const Value& v) {
  if constexpr (std::is_same_v<T, V128>) return v.v;
  else if constexpr (std::is_same_v<T, float>) return std::bit_cast<float>(static_cast<uint32_t>(v.bits));
  else if constexpr (std::is_same_v<T, double>) return std::bit_cast<double>(v.bits);
  else return static_cast<T>(v.bits);
}
template <class T>
Value to_value(T x) {
  Value v;
  if constexpr (std::is_same_v<T, V128>) v.type = OpType::V128, v.v = x;
  else if constexpr (std::is_same_v<T, float>) v.type = OpType::F32, v.bits = std::bit_cast<uint32_t>(x);
  else if constexpr (std::is_same_v<T, double>) v.type = OpType::F64, v.bits = std::bit_cast<uint64_t>(x);
  else if constexpr (std::is_same_v<T, uint64_t>) v.type = OpType::I64, v.bits = x;
  else v.type = OpType::I32, v.bits = x;
  return v;
}

struct Outcome {
  TrapKind trap = TrapKind::None;
  Value result;
};

/// Immediates of the instruction in the wrapper body: a lane index or 16 shuffle indices.
struct Immediates {
  uint8_t lanes[16] = {};
};

using Invoker = std::function<Outcome(const std::vector<Value>&, const Immediates&)>;

template <class T>
T arg_from(const std::vector<Value>& args, const Immediates& imm, size_t i) {
  if constexpr (std::is_same_v<T, uint8_t>) return imm.lanes[0];
  else if constexpr (std::is_same_v<T, const uint8_t*>) return imm.lanes;
  else return from_value<T>(args[i]);
}

template <class R, class... A, size_t... I>
Outcome call(R (*f)(A...), const std::vector<Value>& args, const Immediates& imm, std::index_sequence<I...>) {
  using Tup = std::tuple<A...>;
  Outcome o;
  if constexpr (std::is_same_v<R, TrapKind>) {
    using Out = std::remove_reference_t<std::tuple_element_t<sizeof...(A) - 1, Tup>>;
    Out out{};
    o.trap = f(arg_from<std::tuple_element_t<I, Tup>>(args, imm, I)..., out);
    if (o.trap == TrapKind::None) o.result = to_value(out);
  } else {
    o.result = to_value(f(arg_from<std::tuple_element_t<I, Tup>>(args, imm, I)...));
  }
  return o;
}
template <class R, class... A>
Invoker make_invoker(R (*f)(A...)) {
  constexpr size_t kValueArgs = std::is_same_v<R, TrapKind> ? sizeof...(A) - 1 : sizeof...(A);
  return [f](const std::vector<Value>& args, const Immediates& imm) {
    return call(f, args, imm, std::make_index_sequence<kValueArgs>{});
  };
}

const std::map<Op, Invoker>& invokers() {
  static const std::map<Op, Invoker> table = [] {
    std::map<Op, Invoker> t;
#define SHARD_SEM_OP(id, name, imm, p0, p1, p2, r) t[Op::id] = make_invoker(&sem::id);
#include "sem_ops.h"
    return t;
  }();
  return table;
}

// ----- Driver ----------------------------------------------------------------------------------

struct Wrapper {
  Op op;
  Immediates imm;
  size_t params = 0;
};

/// The instruction a trivial wrapper function applies, if it is one.
std::optional<std::pair<std::string, Wrapper>> trivial_wrapper(const Sexp& func) {
  std::string export_name;
  std::vector<std::string> param_names;  // "" for unnamed params
  const Sexp* body = nullptr;
  for (size_t i = 1; i < func.kids.size(); ++i) {
    const Sexp& k = func.kids[i];
    if (!k.list) {
      if (i == 1 && k.atom.starts_with("$")) continue;
      return std::nullopt;
    }
    if (k.is("export") && k.kids.size() == 2) {
      export_name = k.kids[1].atom;
    } else if (k.is("param")) {
      if (k.kids.size() == 3 && !k.kids[1].list && k.kids[1].atom.starts_with("$")) {
        param_names.push_back(k.kids[1].atom);
      } else {
        for (size_t j = 1; j < k.kids.size(); ++j) param_names.push_back("");
      }
    } else if (k.is("result")) {
      continue;
    } else if (body == nullptr) {
      body = &k;
    } else {
      return std::nullopt;  // more than one instruction
    }
  }
  if (export_name.size() < 2 || body == nullptr || body->kids.empty() || body->kids[0].list) return std::nullopt;
  auto op = op_from_name(body->kids[0].atom);
  if (!op || !invokers().count(*op)) return std::nullopt;
  Wrapper w{*op, {}, param_names.size()};
  size_t k = 1;
  const Imm imm_kind = info(*op).imm;
  size_t n_imm = imm_kind == Imm::Lane ? 1 : imm_kind == Imm::Shuffle ? 16 : 0;
  for (size_t j = 0; j < n_imm; ++j, ++k) {
    if (k >= body->kids.size() || body->kids[k].list) return std::nullopt;
    auto v = parse_int(body->kids[k].atom);
    if (!v) return std::nullopt;
    w.imm.lanes[j] = static_cast<uint8_t>(*v);
  }
  // The remaining operands must be (local.get i) for i = 0, 1, ... in order.
  if (body->kids.size() - k != param_names.size() || size_t(info(*op).param_count()) != param_names.size()) return std::nullopt;
  for (size_t j = 0; j < param_names.size(); ++j) {
    const Sexp& a = body->kids[k + j];
    if (!a.is("local.get") || a.kids.size() != 2) return std::nullopt;
    const std::string& ref = a.kids[1].atom;
    if (ref != std::to_string(j) && (param_names[j].empty() || ref != param_names[j])) return std::nullopt;
  }
  return std::make_pair(export_name, w);
}

bool lane_matches(uint64_t bits, NanPattern pat, uint64_t expected, bool is_f64) {
  uint64_t exp_mask = is_f64 ? sem::FloatBits<double>::kExp : sem::FloatBits<float>::kExp;
  uint64_t quiet = is_f64 ? sem::FloatBits<double>::kQuiet : sem::FloatBits<float>::kQuiet;
  uint64_t mant = is_f64 ? sem::FloatBits<double>::kMantissa : sem::FloatBits<float>::kMantissa;
  switch (pat) {
    case NanPattern::Canonical: return (bits & exp_mask) == exp_mask && (bits & mant) == quiet;
    case NanPattern::Arithmetic: return (bits & exp_mask) == exp_mask && (bits & quiet) != 0;
    case NanPattern::None: return bits == expected;
  }
  return false;
}

bool matches(const Value& got, const Value& want) {
  if (got.type != want.type) return false;
  switch (want.type) {
    case OpType::I32:
    case OpType::I64: return got.bits == want.bits;
    case OpType::F32: return lane_matches(got.bits, want.nan[0], want.bits, false);
    case OpType::F64: return lane_matches(got.bits, want.nan[0], want.bits, true);
    case OpType::V128: {
      if (want.shape == "f32x4" || want.shape == "f64x2") {
        bool f64 = want.shape == "f64x2";
        size_t w = f64 ? 8 : 4;
        for (size_t i = 0; i < 16 / w; ++i) {
          uint64_t g = 0, e = 0;
          std::memcpy(&g, got.v.bytes + i * w, w);
          std::memcpy(&e, want.v.bytes + i * w, w);
          if (!lane_matches(g, want.nan[i], e, f64)) return false;
        }
        return true;
      }
      return got.v == want.v;
    }
    default: return false;
  }
}

std::string describe(const Value& v) {
  std::ostringstream o;
  o << std::hex;
  if (v.type == OpType::V128) {
    o << "v128 bytes";
    for (uint8_t b : v.v.bytes) o << ' ' << int(b);
  } else {
    o << "0x" << v.bits;
  }
  return o.str();
}

struct FileStats {
  int checked = 0;
  int failed = 0;
};

FileStats run_file(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  std::vector<Sexp> top = SexpReader(ss.str()).read_all();

  FileStats stats;
  std::map<std::string, Wrapper> exports;
  for (const Sexp& cmd : top) {
    if (cmd.is("module")) {
      exports.clear();
      for (const Sexp& f : cmd.kids)
        if (f.is("func"))
          if (auto w = trivial_wrapper(f)) exports.emplace(w->first, w->second);
      continue;
    }
    bool is_return = cmd.is("assert_return"), is_trap = cmd.is("assert_trap");
    if ((!is_return && !is_trap) || cmd.kids.size() < 2 || !cmd.kids[1].is("invoke")) continue;
    const Sexp& inv = cmd.kids[1];
    if (inv.kids.size() < 2 || inv.kids[1].list || inv.kids[1].atom.starts_with("$")) continue;
    auto it = exports.find(inv.kids[1].atom);
    if (it == exports.end()) continue;
    const Wrapper& w = it->second;

    std::vector<Value> args;
    bool ok = true;
    for (size_t i = 2; i < inv.kids.size() && ok; ++i) {
      auto v = parse_const(inv.kids[i], false);
      if (v) args.push_back(*v);
      else ok = false;
    }
    if (!ok || args.size() != w.params) continue;
    const OpInfo& oi = info(w.op);
    for (size_t i = 0; i < args.size(); ++i) ok &= args[i].type == oi.params[i];
    if (!ok) continue;

    Outcome got = invokers().at(w.op)(args, w.imm);
    INFO(path << ":" << cmd.line << " " << oi.name);
    if (is_return) {
      if (cmd.kids.size() != 3) continue;  // no result, or several
      auto want = parse_const(cmd.kids[2], true);
      if (!want) continue;  // (either ...), references, ...
      ++stats.checked;
      INFO("got " << describe(got.result) << ", want " << describe(*want) << " trap " << trap_message(got.trap));
      bool good = got.trap == TrapKind::None && matches(got.result, *want);
      CHECK(good);
      stats.failed += !good;
    } else {
      if (cmd.kids.size() != 3 || cmd.kids[2].list) continue;
      std::string msg = cmd.kids[2].atom.substr(1, cmd.kids[2].atom.size() - 2);
      ++stats.checked;
      INFO("trap " << trap_message(got.trap) << ", want " << msg);
      bool good = got.trap != TrapKind::None && msg.starts_with(trap_message(got.trap));
      CHECK(good);
      stats.failed += !good;
    }
  }
  return stats;
}

}  // namespace

TEST_CASE("numerics: spec test suite values for single-instruction wrappers") {
  // {file, the least number of assertions the driver must find in it}: a floor guards against
  // the driver silently skipping a file whose format it no longer understands.
  const std::vector<std::pair<std::string, int>> files = {
      {"i32.wast", 336},
      {"i64.wast", 345},
      {"f32.wast", 2250},
      {"f64.wast", 2250},
      {"f32_bitwise.wast", 324},
      {"f64_bitwise.wast", 324},
      {"f32_cmp.wast", 2160},
      {"f64_cmp.wast", 2160},
      {"conversions.wast", 533},
      {"float_misc.wast", 423},
      {"simd_bit_shift.wast", 157},
      {"simd_bitwise.wast", 113},
      {"simd_boolean.wast", 71},
      {"simd_conversions.wast", 191},
      {"simd_f32x4.wast", 675},
      {"simd_f32x4_arith.wast", 1605},
      {"simd_f32x4_cmp.wast", 2311},
      {"simd_f32x4_pmin_pmax.wast", 3484},
      {"simd_f32x4_rounding.wast", 158},
      {"simd_f64x2.wast", 679},
      {"simd_f64x2_arith.wast", 1605},
      {"simd_f64x2_cmp.wast", 2381},
      {"simd_f64x2_pmin_pmax.wast", 3484},
      {"simd_f64x2_rounding.wast", 158},
      {"simd_i16x8_arith.wast", 156},
      {"simd_i16x8_arith2.wast", 84},
      {"simd_i16x8_cmp.wast", 378},
      {"simd_i16x8_extadd_pairwise_i8x16.wast", 14},
      {"simd_i16x8_extmul_i8x16.wast", 93},
      {"simd_i16x8_q15mulr_sat_s.wast", 23},
      {"simd_i16x8_sat_arith.wast", 176},
      {"simd_i32x4_arith.wast", 156},
      {"simd_i32x4_arith2.wast", 71},
      {"simd_i32x4_cmp.wast", 378},
      {"simd_i32x4_dot_i16x8.wast", 25},
      {"simd_i32x4_extadd_pairwise_i16x8.wast", 14},
      {"simd_i32x4_extmul_i16x8.wast", 93},
      {"simd_i32x4_trunc_sat_f32x4.wast", 91},
      {"simd_i32x4_trunc_sat_f64x2.wast", 91},
      {"simd_i64x2_arith.wast", 162},
      {"simd_i64x2_arith2.wast", 17},
      {"simd_i64x2_cmp.wast", 91},
      {"simd_i64x2_extmul_i32x4.wast", 93},
      {"simd_i8x16_arith.wast", 105},
      {"simd_i8x16_arith2.wast", 101},
      {"simd_i8x16_cmp.wast", 360},
      {"simd_i8x16_sat_arith.wast", 162},
      {"simd_int_to_int_extend.wast", 205},
      {"simd_lane.wast", 200},
      {"simd_splat.wast", 91},
  };
  int total = 0;
  for (const auto& [file, floor] : files) {
    const std::string path = std::string(SHARD_TESTSUITE_DIR) + "/core/" + file;
    if (!std::ifstream(path).good()) {
      WARN("spec test file not found, skipped: " << path);
      continue;
    }
    FileStats st = run_file(path);
    INFO(file << ": " << st.checked << " assertions checked, " << st.failed << " failed");
    CHECK(st.checked >= floor);
    total += st.checked;
  }
  INFO("total assertions checked: " << total);
  CHECK(total > 0);
}
