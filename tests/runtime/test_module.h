// A tiny binary-module assembler for runtime and interpreter tests (binary/modules.rst), so
// these layers can be tested without the text parser. Bodies are raw instruction bytes.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interp/interp.h"
#include "module.h"
#include "runtime/runtime.h"
#include "valid/validator.h"

namespace shard::test {

using Bytes = std::vector<uint8_t>;

inline void uleb(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v != 0) b |= 0x80;
    out.push_back(b);
  } while (v != 0);
}
inline void sleb(Bytes& out, int64_t v) {
  for (;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : (b | 0x80));
    if (done) break;
  }
}
inline void name(Bytes& out, const std::string& s) {
  uleb(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

/// Instruction helpers (little DSL over raw bytes).
namespace op {
inline Bytes i32_const(int32_t v) { Bytes b{0x41}; sleb(b, v); return b; }
inline Bytes i64_const(int64_t v) { Bytes b{0x42}; sleb(b, v); return b; }
inline Bytes local_get(uint32_t i) { Bytes b{0x20}; uleb(b, i); return b; }
inline Bytes local_set(uint32_t i) { Bytes b{0x21}; uleb(b, i); return b; }
inline Bytes local_tee(uint32_t i) { Bytes b{0x22}; uleb(b, i); return b; }
inline Bytes call(uint32_t f) { Bytes b{0x10}; uleb(b, f); return b; }
inline Bytes global_get(uint32_t i) { Bytes b{0x23}; uleb(b, i); return b; }
inline Bytes br(uint32_t d) { Bytes b{0x0c}; uleb(b, d); return b; }
inline Bytes br_if(uint32_t d) { Bytes b{0x0d}; uleb(b, d); return b; }
/// A load/store with its memarg; a memory other than 0 sets flag bit 6 and adds its index
/// (binary/instructions.rst: memarg).
inline Bytes mem(uint8_t opcode, uint32_t offset = 0, uint32_t align = 0, uint32_t memidx = 0) {
  Bytes b{opcode};
  uleb(b, memidx == 0 ? align : (align | 0x40));
  if (memidx != 0) uleb(b, memidx);
  uleb(b, offset);
  return b;
}
inline Bytes memory_size(uint32_t memidx = 0) { Bytes b{0x3f}; uleb(b, memidx); return b; }
inline Bytes memory_grow(uint32_t memidx = 0) { Bytes b{0x40}; uleb(b, memidx); return b; }
inline Bytes memory_fill(uint32_t memidx = 0) { Bytes b{0xfc, 0x0b}; uleb(b, memidx); return b; }
inline Bytes memory_copy(uint32_t dst, uint32_t src) { Bytes b{0xfc, 0x0a}; uleb(b, dst); uleb(b, src); return b; }
inline Bytes memory_init(uint32_t data, uint32_t memidx = 0) {
  Bytes b{0xfc, 0x08};
  uleb(b, data);
  uleb(b, memidx);
  return b;
}
}  // namespace op

/// Concatenates instruction byte sequences.
inline Bytes code(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

class ModuleBuilder {
 public:
  uint32_t type(std::vector<ValType> params, std::vector<ValType> results) {
    types_.push_back({std::move(params), std::move(results)});
    return static_cast<uint32_t>(types_.size() - 1);
  }
  uint32_t import_func(const std::string& mod, const std::string& nm, uint32_t type) {
    Bytes e;
    name(e, mod);
    name(e, nm);
    e.push_back(0x00);
    uleb(e, type);
    imports_.push_back(e);
    return num_imported_funcs_++;
  }
  void import_memory(const std::string& mod, const std::string& nm, uint32_t min, std::optional<uint32_t> max) {
    Bytes e;
    name(e, mod);
    name(e, nm);
    e.push_back(0x02);
    limits(e, min, max);
    imports_.push_back(e);
  }
  void import_table(const std::string& mod, const std::string& nm, uint32_t min, std::optional<uint32_t> max) {
    Bytes e;
    name(e, mod);
    name(e, nm);
    e.push_back(0x01);
    e.push_back(0x70);
    limits(e, min, max);
    imports_.push_back(e);
  }
  void import_global(const std::string& mod, const std::string& nm, ValType t, bool mut) {
    Bytes e;
    name(e, mod);
    name(e, nm);
    e.push_back(0x03);
    e.push_back(static_cast<uint8_t>(t));
    e.push_back(mut ? 1 : 0);
    imports_.push_back(e);
  }
  /// Defines a function; `body` excludes the final `end`. Returns its function index.
  uint32_t func(uint32_t type, std::vector<ValType> locals, const Bytes& body) {
    funcs_.push_back(type);
    Bytes c;
    uleb(c, locals.size());
    for (ValType t : locals) {
      c.push_back(1);
      c.push_back(static_cast<uint8_t>(t));
    }
    c.insert(c.end(), body.begin(), body.end());
    c.push_back(0x0b);
    bodies_.push_back(c);
    return num_imported_funcs_ + static_cast<uint32_t>(funcs_.size() - 1);
  }
  /// Defines the next memory (multi-memory: call again for memory 1, 2, ...).
  void memory(uint32_t min, std::optional<uint32_t> max = std::nullopt) {
    Bytes m;
    limits(m, min, max);
    memories_.push_back(m);
  }
  void table(uint32_t min, std::optional<uint32_t> max = std::nullopt) {
    table_.push_back(0x70);
    limits(table_, min, max);
    has_table_ = true;
  }
  void global_i32(bool mut, int32_t init) {
    Bytes g{static_cast<uint8_t>(ValType::I32), static_cast<uint8_t>(mut ? 1 : 0)};
    Bytes c = op::i32_const(init);
    g.insert(g.end(), c.begin(), c.end());
    g.push_back(0x0b);
    globals_.push_back(g);
  }
  void export_(const std::string& nm, ExternKind kind, uint32_t idx) {
    Bytes e;
    name(e, nm);
    e.push_back(static_cast<uint8_t>(kind));
    uleb(e, idx);
    exports_.push_back(e);
  }
  void start(uint32_t f) { start_ = f; }
  /// Active element segment for table 0 at a constant offset.
  void elem(int32_t offset, std::vector<uint32_t> funcs) {
    Bytes e{0x00};
    Bytes c = op::i32_const(offset);
    e.insert(e.end(), c.begin(), c.end());
    e.push_back(0x0b);
    uleb(e, funcs.size());
    for (uint32_t f : funcs) uleb(e, f);
    elems_.push_back(e);
  }
  /// Active data segment for memory `memidx` at a constant offset (flags 0, or 2 with an
  /// explicit memory index).
  void data(int32_t offset, const std::string& bytes, uint32_t memidx = 0) {
    Bytes d{static_cast<uint8_t>(memidx == 0 ? 0x00 : 0x02)};
    if (memidx != 0) uleb(d, memidx);
    Bytes c = op::i32_const(offset);
    d.insert(d.end(), c.begin(), c.end());
    d.push_back(0x0b);
    name(d, bytes);
    datas_.push_back(d);
  }
  /// Passive data segment (for memory.init).
  void passive_data(const std::string& bytes) {
    Bytes d{0x01};
    name(d, bytes);
    datas_.push_back(d);
  }

  Bytes build() const {
    Bytes out{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    auto section = [&](uint8_t id, const Bytes& content) {
      out.push_back(id);
      uleb(out, content.size());
      out.insert(out.end(), content.begin(), content.end());
    };
    auto vec = [](const std::vector<Bytes>& items) {
      Bytes b;
      uleb(b, items.size());
      for (const Bytes& i : items) b.insert(b.end(), i.begin(), i.end());
      return b;
    };
    if (!types_.empty()) {
      std::vector<Bytes> ts;
      for (const FuncType& t : types_) {
        Bytes b{0x60};
        uleb(b, t.params.size());
        for (ValType v : t.params) b.push_back(static_cast<uint8_t>(v));
        uleb(b, t.results.size());
        for (ValType v : t.results) b.push_back(static_cast<uint8_t>(v));
        ts.push_back(b);
      }
      section(1, vec(ts));
    }
    if (!imports_.empty()) section(2, vec(imports_));
    if (!funcs_.empty()) {
      Bytes b;
      uleb(b, funcs_.size());
      for (uint32_t t : funcs_) uleb(b, t);
      section(3, b);
    }
    if (has_table_) section(4, vec({table_}));
    if (!memories_.empty()) section(5, vec(memories_));
    if (!globals_.empty()) section(6, vec(globals_));
    if (!exports_.empty()) section(7, vec(exports_));
    if (start_) {
      Bytes b;
      uleb(b, *start_);
      section(8, b);
    }
    if (!elems_.empty()) section(9, vec(elems_));
    if (!datas_.empty()) {  // data count: lets bodies use memory.init / data.drop
      Bytes b;
      uleb(b, datas_.size());
      section(12, b);
    }
    if (!bodies_.empty()) {
      std::vector<Bytes> bs;
      for (const Bytes& body : bodies_) {
        Bytes b;
        uleb(b, body.size());
        b.insert(b.end(), body.begin(), body.end());
        bs.push_back(b);
      }
      section(10, vec(bs));
    }
    if (!datas_.empty()) section(11, vec(datas_));
    return out;
  }

  /// Decodes and validates; fails the test (via the returned null) when the module is bad.
  std::shared_ptr<const WasmModule> load() const {
    auto m = load_module(build());
    if (!m) return nullptr;
    return std::make_shared<const WasmModule>(std::move(*m));
  }

 private:
  static void limits(Bytes& b, uint32_t min, std::optional<uint32_t> max) {
    b.push_back(max ? 1 : 0);
    uleb(b, min);
    if (max) uleb(b, *max);
  }
  std::vector<FuncType> types_;
  std::vector<Bytes> imports_;
  std::vector<uint32_t> funcs_;
  std::vector<Bytes> bodies_;
  std::vector<Bytes> globals_, exports_, elems_, datas_, memories_;
  Bytes table_;
  bool has_table_ = false;
  std::optional<uint32_t> start_;
  uint32_t num_imported_funcs_ = 0;
};

inline constexpr ValType I32 = ValType::I32;
inline constexpr ValType I64 = ValType::I64;

}  // namespace shard::test
