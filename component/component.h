// The decoded form of a component binary (component-model-spec/Binary.md, Explainer.md).
//
// Components allow sections to repeat and interleave, and every definition appends to an index
// space that later definitions may use (Explainer.md: Index Spaces). So the IR keeps the
// definitions in binary order (`Component::defs`), each pointing into a per-kind vector; the
// validator replays them in that order and builds the index spaces incrementally.
//
// Core modules stay byte ranges into the outermost binary (`Component::bytes`, shared by all
// nested components); the validator decodes and validates them with load_module.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "shard/result.h"
#include "shard/types.h"

namespace shard {
struct WasmModule;
}

namespace shard::component {

/// The 13 sorts (Binary.md: sort, core:sort). Values are internal, not binary opcodes.
enum class Sort : uint8_t {
  CoreFunc, CoreTable, CoreMemory, CoreGlobal, CoreTag, CoreType, CoreModule, CoreInstance,
  Func, Value, Type, Component, Instance,
};
inline constexpr int kNumSorts = 13;
const char* to_string(Sort s);

struct SortIdx {
  Sort sort = Sort::Func;
  uint32_t index = 0;
};

// ---- Types (Binary.md: Type Definitions) --------------------------------------------------

enum class PrimType : uint8_t { Bool, S8, U8, S16, U16, S32, U32, S64, U64, F32, F64, Char, String };
const char* to_string(PrimType p);

/// valtype ::= typeidx | primvaltype
struct ValType {
  bool is_prim = true;
  PrimType prim = PrimType::Bool;
  uint32_t index = 0;  ///< type index when !is_prim
};

enum class DefValKind : uint8_t {
  Prim, Record, Variant, List, Tuple, Flags, Enum, Option, Result, Own, Borrow,
  Map,  ///< 🗺️ map<k, v>: `elem` is the key type, `err` the value type
};

struct Case {
  std::string label;
  std::optional<ValType> type;
};

/// defvaltype: only the members the kind uses are set.
struct DefValType {
  DefValKind kind = DefValKind::Prim;
  PrimType prim = PrimType::Bool;          ///< Prim
  std::vector<Case> cases;                 ///< Record fields (type always set), Variant cases
  std::vector<ValType> types;              ///< Tuple elements
  std::vector<std::string> labels;         ///< Flags, Enum
  std::optional<ValType> elem;             ///< List, Option, Result ok, Map key
  std::optional<ValType> err;              ///< Result error
  uint32_t resource = 0;                   ///< Own, Borrow: type index
};

struct Param {
  std::string name;
  ValType type;
};

struct FuncTypeDef {
  std::vector<Param> params;
  std::optional<ValType> result;
};

struct ResourceTypeDef {
  shard::ValType rep = shard::ValType::I32;
  std::optional<uint32_t> dtor;  ///< core func index
};

/// externtype (Binary.md). For Type, `bound_eq` says whether the bound is (eq index) or
/// (sub resource).
enum class ExternKind : uint8_t { CoreModule, Func, Value, Type, Component, Instance };
const char* to_string(ExternKind k);

struct ExternType {
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;     ///< type index (core type index for CoreModule)
  bool bound_eq = false;  ///< Type: (eq index) vs (sub resource)
  size_t offset = 0;
};

/// An import/export name with its attributes (Binary.md: nameattributes).
struct ExternName {
  std::string name;
  std::optional<std::string> implements;      ///< 🏷️
  std::optional<std::string> version_suffix;  ///< 🔗
  std::optional<std::string> external_id;     ///< 🏷️
  size_t offset = 0;
  bool duplicate_attribute = false;           ///< an attribute kind appeared twice
};

struct Alias;
struct CoreTypeDef;
struct TypeDef;

/// A declarator of a component or instance type (Binary.md: componentdecl, instancedecl).
struct Decl {
  enum Kind : uint8_t { CoreType, Type, Alias, Import, Export } kind = Type;
  std::shared_ptr<const CoreTypeDef> core_type;
  std::shared_ptr<const TypeDef> type;
  std::shared_ptr<const struct Alias> alias;
  ExternName name;   ///< Import, Export
  ExternType extern_type;
  size_t offset = 0;
};

/// deftype (Binary.md): defvaltype | functype | componenttype | instancetype | resourcetype.
struct TypeDef {
  enum Kind : uint8_t { DefVal, Func, Component, Instance, Resource } kind = DefVal;
  DefValType val;
  FuncTypeDef func;
  std::vector<Decl> decls;  ///< Component, Instance
  ResourceTypeDef resource;
  size_t offset = 0;
};

// ---- Core types (Binary.md: core:type) -----------------------------------------------------

struct CoreExternType {
  shard::ExternKind kind = shard::ExternKind::Func;
  uint32_t func_type = 0;  ///< type index
  TableType table;
  MemoryType memory;
  GlobalType global;
};

struct CoreModuleDecl {
  enum Kind : uint8_t { Import, Type, Alias, Export } kind = Import;
  std::string module, name;  ///< Import: both; Export: name
  CoreExternType type;       ///< Import, Export
  shard::FuncType func;      ///< Type (core function types only)
  uint32_t outer_count = 0, outer_index = 0;  ///< Alias (outer, type sort)
  size_t offset = 0;
};

/// core:deftype: a function type (core:rectype with one final func subtype) or a module type.
struct CoreTypeDef {
  bool is_module = false;
  shard::FuncType func;
  std::vector<CoreModuleDecl> decls;
  size_t offset = 0;
};

// ---- Definitions ---------------------------------------------------------------------------

struct CoreModule {
  size_t offset = 0;  ///< of the module's preamble in Component::bytes
  size_t size = 0;
};

struct InstantiateArg {
  std::string name;
  SortIdx item;
  size_t offset = 0;
};

/// core:instance and instance: (instantiate idx args) or a bag of inline exports.
struct Instance {
  bool instantiate = true;
  uint32_t target = 0;                 ///< module or component index
  std::vector<InstantiateArg> args;    ///< core: sort is always CoreInstance
  std::vector<InstantiateArg> exports; ///< inline exports (component level: names are plain)
  std::vector<ExternName> export_names;  ///< component level: the nameattributes of exports
};

struct Alias {
  enum Kind : uint8_t { Export, CoreExport, Outer } kind = Export;
  Sort sort = Sort::Func;
  uint32_t instance = 0;  ///< Export, CoreExport
  std::string name;       ///< Export, CoreExport
  uint32_t count = 0;     ///< Outer: enclosing scopes to skip
  uint32_t index = 0;     ///< Outer: index in the target scope
  size_t offset = 0;
};

enum class StringEncoding : uint8_t { Utf8, Utf16, Latin1Utf16 };

struct CanonOpts {
  std::optional<StringEncoding> string_encoding;
  std::optional<uint32_t> memory, realloc, post_return;
  bool duplicate = false;  ///< an option (or two string encodings) given twice
  size_t offset = 0;
};

struct Canon {
  enum Kind : uint8_t { Lift, Lower, ResourceNew, ResourceDrop, ResourceRep } kind = Lift;
  uint32_t func = 0;  ///< Lift: core func; Lower: component func
  uint32_t type = 0;  ///< Lift: func type index; resource.*: resource type index
  CanonOpts opts;
  size_t offset = 0;
};

struct Start {
  uint32_t func = 0;
  std::vector<uint32_t> args;  ///< value indices
  uint32_t results = 0;
};

struct Import {
  ExternName name;
  ExternType type;
};

struct Export {
  ExternName name;
  SortIdx item;
  std::optional<ExternType> type;  ///< ascribed type
};

struct Component;

/// One definition, in binary order; `index` selects the item in the vector for its kind.
struct Definition {
  enum Kind : uint8_t {
    CoreModule, CoreInstance, CoreType, Component, Instance, Alias, Type, Canon, Start, Import, Export,
  } kind = CoreModule;
  uint32_t index = 0;
  size_t offset = 0;
};

struct Component {
  std::shared_ptr<const std::vector<uint8_t>> bytes;  ///< the outermost binary
  size_t offset = 0;  ///< of this component's preamble in *bytes
  size_t size = 0;

  std::vector<Definition> defs;
  std::vector<CoreModule> core_modules;
  std::vector<Instance> core_instances;
  std::vector<CoreTypeDef> core_types;
  std::vector<Component> components;
  std::vector<Instance> instances;
  std::vector<Alias> aliases;
  std::vector<TypeDef> types;
  std::vector<Canon> canons;
  std::vector<Start> starts;
  std::vector<Import> imports;
  std::vector<Export> exports;
};

/// Whether `bytes` start with the component preamble (magic, version 0x0d, layer 1).
bool is_component(const std::vector<uint8_t>& bytes);

/// Decodes a component binary (Binary.md). ErrorKind::Malformed with the byte offset for bad
/// encodings; ErrorKind::Unsupported ("not supported yet") for features after WASI 0.2 (async,
/// streams, futures, error-context, threads, fixed-size lists, value definitions; 🗺️ maps are supported).
Result<Component> decode_component(std::vector<uint8_t> bytes);

/// The core modules validation decoded, by definition: instantiation reuses them instead of
/// decoding and validating each module again.
using ValidatedModules = std::map<const CoreModule*, std::shared_ptr<const WasmModule>>;

/// Validates a decoded component (Binary.md/Explainer.md validation rules, CanonicalABI.md:
/// Canonical Definitions). ErrorKind::Invalid with the byte offset of the offending item.
/// With `modules`, the validated core modules are kept there.
Result<void> validate_component(const Component& c, ValidatedModules* modules = nullptr);

/// decode_component + validate_component.
Result<Component> load_component(std::vector<uint8_t> bytes);

}  // namespace shard::component
