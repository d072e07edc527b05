// The decoded form of a module (syntax/modules.rst). Produced by the binary decoder
// (lib/binary), checked by the validator (lib/valid), consumed by the runtime and tiers.
// Function bodies stay as byte ranges into `bytes`: they are walked once by the body
// decoder (lib/valid/body_decoder.h), which drives validation and code generation.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "types.h"

namespace shard {

/// One instruction of a constant expression (valid/instructions.rst: Constant Expressions).
/// Wasm 2.0 allows t.const, ref.null, ref.func and global.get; a vector keeps room for
/// the extended-const proposal.
struct ConstInstr {
  Op op = Op::I32Const;
  uint32_t index = 0;            ///< funcidx for ref.func, globalidx for global.get
  ValType ref_type = ValType::FuncRef;  ///< for ref.null
  uint8_t bytes[16] = {};        ///< little-endian immediate for const ops (i32/i64 sign-extended to 8 bytes)
};

struct ConstExpr {
  std::vector<ConstInstr> instrs;
  size_t offset = 0;  ///< byte offset of the expression in the module (for errors)
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t func_type = 0;  ///< type index, for Func
  TableType table;
  MemoryType memory;
  GlobalType global;
  TagType tag;  ///< for Tag
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
};

struct Function {
  uint32_t type_index = 0;
  std::vector<ValType> locals;  ///< declared locals only (params come from the type), expanded
  size_t body_offset = 0;       ///< offset of the first instruction (after the locals) in WasmModule::bytes
  size_t body_end = 0;          ///< one past the final `end`
  size_t code_offset = 0;       ///< offset of the function's size field, for error messages
};

struct GlobalDef {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { Passive, Active, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Passive;
  uint32_t table = 0;
  ConstExpr offset;               ///< for Active
  ValType type = ValType::FuncRef;
  std::vector<ConstExpr> inits;   ///< function indices are stored as ref.func expressions
  size_t byte_offset = 0;
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Passive;
  uint32_t memory = 0;
  ConstExpr offset;
  size_t data_offset = 0;  ///< in WasmModule::bytes
  size_t data_size = 0;
  size_t byte_offset = 0;
};

struct CustomSection {
  std::string name;
  size_t data_offset = 0;
  size_t data_size = 0;
};

/// Names from the "name" custom section (appendix/custom.rst). Malformed name sections are
/// ignored, as the spec allows for custom sections.
struct NameSection {
  std::string module_name;
  std::unordered_map<uint32_t, std::string> functions;
  std::unordered_map<uint32_t, std::unordered_map<uint32_t, std::string>> locals;
};

/// Data a later layer derives from a module once and shares between all its users: the
/// runtime's instantiation plan, a tier's compiled code. Opaque at this layer.
struct ModuleCache {
  virtual ~ModuleCache() = default;
};

/// Who owns a slot of ModuleCaches (one each, so layers never see each other's types).
enum class CacheKind : uint8_t { Runtime, Interpreter, Jit, Count };

/// Lazily filled per-module caches. A WasmModule is shared between threads (as
/// std::shared_ptr<const WasmModule>), so a slot is filled at most once, lock-free: the
/// first get() to finish publishes its object with compare-exchange and a racing loser's
/// object is discarded. What a cache holds must be safe to share the same way (immutable,
/// or internally synchronised). A copied or moved-to module starts with empty caches, and a
/// moved-from one loses its own: they belong to one module object's contents, and are cheap
/// to derive again. (Moving or assigning a module that is shared is a data race anyway.)
class ModuleCaches {
 public:
  ModuleCaches() = default;
  ModuleCaches(const ModuleCaches&) noexcept {}
  ModuleCaches(ModuleCaches&& o) noexcept { o.clear(); }
  ModuleCaches& operator=(const ModuleCaches& o) noexcept {
    if (this != &o) clear();
    return *this;
  }
  ModuleCaches& operator=(ModuleCaches&& o) noexcept {
    if (this != &o) {
      clear();
      o.clear();
    }
    return *this;
  }
  ~ModuleCaches() { clear(); }

  /// The cache of `kind`, created by `make()` (returning std::unique_ptr<T>) if it's not
  /// there yet. T must be the type every caller of this kind uses.
  template <class T, class Make>
  T& get(CacheKind kind, Make&& make) const {
    std::atomic<ModuleCache*>& slot = slots_[static_cast<size_t>(kind)];
    ModuleCache* p = slot.load(std::memory_order_acquire);
    if (p == nullptr) {
      std::unique_ptr<ModuleCache> fresh = make();
      ModuleCache* expected = nullptr;
      if (slot.compare_exchange_strong(expected, fresh.get(), std::memory_order_acq_rel,
                                       std::memory_order_acquire)) {
        p = fresh.release();
      } else {
        p = expected;
      }
    }
    return static_cast<T&>(*p);
  }
  /// The cache of `kind` if it was created, else null.
  template <class T>
  T* find(CacheKind kind) const {
    return static_cast<T*>(slots_[static_cast<size_t>(kind)].load(std::memory_order_acquire));
  }

 private:
  void clear() noexcept {
    for (auto& s : slots_) delete s.exchange(nullptr, std::memory_order_acq_rel);
  }
  mutable std::atomic<ModuleCache*> slots_[static_cast<size_t>(CacheKind::Count)] = {};
};

struct WasmModule {
  std::vector<uint8_t> bytes;  ///< the whole binary; bodies and data refer into it

  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<Function> functions;  ///< defined functions only
  std::vector<TableType> tables;    ///< defined tables only
  std::vector<MemoryType> memories; ///< defined memories only
  std::vector<GlobalDef> globals;      ///< defined globals only
  std::vector<TagType> tags;           ///< defined tags only (binary/modules.rst: tag section, id 13)
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  std::vector<CustomSection> customs;
  NameSection names;

  // Whole index spaces, imports first (syntax/modules.rst: Indices), filled by the decoder
  // as it goes so lookups are O(1).
  std::vector<uint32_t> func_type_indices;  ///< type index of every function
  std::vector<TableType> all_tables;
  std::vector<MemoryType> all_memories;
  std::vector<GlobalType> all_globals;
  std::vector<TagType> all_tags;
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;
  uint32_t num_imported_tags = 0;

  /// Set by load_module once validation passed: tiers may then walk bodies without checks.
  bool validated = false;
  /// Per-module derived data (runtime plan, compiled code), shared by every instance.
  ModuleCaches caches;

  uint32_t num_funcs() const { return static_cast<uint32_t>(func_type_indices.size()); }
  uint32_t num_tables() const { return static_cast<uint32_t>(all_tables.size()); }
  uint32_t num_memories() const { return static_cast<uint32_t>(all_memories.size()); }
  uint32_t num_globals() const { return static_cast<uint32_t>(all_globals.size()); }
  uint32_t num_tags() const { return static_cast<uint32_t>(all_tags.size()); }

  /// Caller checks bounds (the validator does; later layers run on valid modules only).
  const FuncType& func_type(uint32_t idx) const { return types[func_type_indices[idx]]; }

  /// A name for function `idx` for messages and backtraces: from the name section, else the
  /// first export name of the function, else empty.
  std::string_view func_name(uint32_t idx) const;
};

}  // namespace shard
