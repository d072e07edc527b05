// Text module → binary module (text/modules.rst → binary/modules.rst). Internal to lib/text.
//
// Two passes over the module's tokens: the first collects every identifier of the module-level
// index spaces and the explicit type definitions (so uses may precede definitions); the
// second encodes each field straight into its section. Implicit types from typeuses are
// appended after all explicit ones, in order of appearance (text/modules.rst: type uses).
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "text/cursor.h"

namespace shard::text {

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};

/// One index space (text/modules.rst: identifier contexts).
struct IndexSpace {
  const char* what;  ///< "function", "table", ... for "unknown function $f"
  std::unordered_map<std::string, uint32_t> names;
  uint32_t count = 0;

  explicit IndexSpace(const char* w) : what(w) {}
  /// Binds the next index, optionally to `id`; duplicate ids are malformed.
  uint32_t bind(const Cursor& c, const Token* id);
};

/// A parsed typeuse: an optional `(type x)` and inline params/results.
struct TypeUse {
  std::optional<uint32_t> index;
  const Token* index_token = nullptr;
  bool has_inline = false;
  FuncType sig;
  std::vector<std::string> param_names;  ///< "" where unnamed; parallel to sig.params
};

/// Module-level state the instruction parser resolves against.
class ModuleContext {
 public:
  std::vector<FuncType> types;
  IndexSpace type_space{"type"}, funcs{"function"}, tables{"table"}, mems{"memory"}, globals{"global"},
      elems{"elem"}, datas{"data"}, tags{"tag"};
  bool uses_data_count = false;

  /// var: a u32 or an identifier bound in `space`.
  uint32_t var(Cursor& c, IndexSpace& space);
  bool at_var(const Cursor& c, size_t ahead = 0) const {
    return c.at(TokenKind::Id, ahead) || c.at_nat(ahead);
  }
  /// typeuse (text/modules.rst); `allow_names` for functions, not for blocks/call_indirect.
  TypeUse typeuse(Cursor& c, bool allow_names);
  /// The type index a typeuse denotes, appending an implicit type when none matches.
  uint32_t resolve(const Cursor& c, const TypeUse& tu);
  /// The signature of a typeuse (from the type definition when only `(type x)` is given).
  FuncType signature(const TypeUse& tu) const;

  /// (param ...)* (result ...)* into `sig`.
  void params_results(Cursor& c, FuncType& sig, std::vector<std::string>* names, bool allow_names);
};

/// Encodes the module fields at the cursor, up to (not including) the closing `)` or Eof.
/// Throws TextError.
/// With `names`, a "name" custom section (appendix/custom.rst) records the module's and the
/// functions' identifiers, so backtraces can show them.
std::vector<uint8_t> encode_module_fields(Cursor& c, bool names = false, std::string_view module_name = {});

}  // namespace shard::text
