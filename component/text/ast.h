// The component text format after parsing and expansion (Explainer.md), before name resolution.
// Internal to component/text.
//
// The parser (parser.cpp) already applies the abbreviations that add definitions, in the order
// wasm-tools' `wast` crate uses, so binaries match it byte for byte:
//  - an inline value type or type use (`(list u8)` in a param, `(func (param ...))` in an
//    import) becomes a type definition placed just before the definition that uses it
//    (inner types first), referenced through a generated identifier;
//  - `(with "n" (instance (export ...)*))` becomes an instance definition before the instance;
//  - inline exports `(func (export "n") ...)` become export definitions at the component's end;
//  - `(func $f (import "n") ...)`, `(core func $f (canon lower ...))` and
//    `(func $f (alias export $i "n"))` become the import, canon and alias they abbreviate.
// What the encoder adds while resolving (encoder.cpp): outer aliases for identifiers of
// enclosing scopes and export aliases for `(sort $i "name"+)` references.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shard::component::text {

/// The 13 index spaces (Explainer.md: Index Spaces); values are internal.
enum class Space : uint8_t {
  CoreFunc, CoreTable, CoreMemory, CoreGlobal, CoreTag, CoreType, CoreModule, CoreInstance,
  Func, Value, Type, Component, Instance,
};
inline constexpr int kNumSpaces = 13;
inline bool is_core(Space s) { return s <= Space::CoreInstance; }
/// "core func", "type", ... as written in the text format.
const char* space_name(Space s);

/// idx ::= u32 | id, optionally followed by export names (Explainer.md: Alias Definitions,
/// the inline export alias sugar `(X idx name+)`).
struct Ref {
  std::string id;  ///< without `$`; generated ids start with '\x01'
  uint32_t num = 0;
  std::vector<std::string> names;
  uint32_t line = 0, column = 0;
  bool is_id() const { return !id.empty(); }
};

/// valtype ::= typeidx | primvaltype (Binary.md); `prim` is the opcode (0 for a reference).
struct ValType {
  uint8_t prim = 0;
  Ref ref;
};

struct Field;

/// deftype (Explainer.md: Type Definitions), and core:deftype for core types.
struct TypeDef {
  enum class Kind : uint8_t {
    Prim, Record, Variant, List, Tuple, Flags, Enum, Option, Result, Own, Borrow, Map,
    Func, Component, Instance, Resource,
    CoreFunc, CoreModule,
  };
  Kind kind = Kind::Prim;
  uint8_t prim = 0;                         ///< Prim
  std::vector<std::string> labels;          ///< record fields, cases, flags, enum, params
  std::vector<std::optional<ValType>> types;  ///< parallel to labels; list/option/tuple/map elements;
                                              ///< Result: [ok, err]; Func: params then the result
  bool has_result = false;                  ///< Func
  Ref ref;                                  ///< Own/Borrow; Resource: the destructor
  bool has_dtor = false;
  uint8_t rep = 0x7f;                       ///< Resource: core valtype of the representation
  std::vector<uint8_t> core_params, core_results;  ///< CoreFunc: core valtype bytes
  std::vector<Field> decls;                 ///< Component/Instance/CoreModule declarators
};

/// externtype of imports/exports (Explainer.md: externtype) and core:externtype in module types.
struct ExternType {
  Space space = Space::Func;
  Ref type;                  ///< (type i) after expansion; core func type for core externtypes
  bool sub_resource = false; ///< Type: (sub resource) instead of (eq type)
  std::vector<uint8_t> core_desc;  ///< core table/memory/global: the encoded descriptor
};

struct SortRef {
  Space space = Space::Func;
  Ref ref;
};

struct NamedItem {
  std::string name;
  std::vector<uint8_t> attributes;  ///< encoded vec(attribute), empty for none (Binary.md: nameattributes)
  bool has_attributes = false;
  SortRef item;
};

struct CanonOpt {
  uint8_t code = 0;  ///< Binary.md: canonopt
  Ref ref;
};

/// One definition of a component, or one declarator of a component/instance/module type.
struct Field {
  enum class Kind : uint8_t {
    CoreModule, CoreInstance, CoreType, Component, Instance, Alias, Type, Canon, Import, Export,
  };
  Kind kind = Kind::Type;
  std::string id;                       ///< bound identifier, "" if none
  uint32_t line = 0, column = 0;

  std::vector<uint8_t> module_bytes;    ///< CoreModule: the encoded core module
  std::vector<Field> fields;            ///< Component: its definitions
  bool instantiate = false;             ///< CoreInstance/Instance
  Ref target;                           ///< module/component to instantiate
  std::vector<NamedItem> items;         ///< instantiate args or exported items
  TypeDef type;                         ///< CoreType/Type

  // Alias (Binary.md: alias): 0x00 export, 0x01 core export, 0x02 outer.
  uint8_t alias_kind = 0;
  Space space = Space::Func;            ///< Alias: the sort; Canon: the space it defines
  Ref instance;                         ///< export aliases
  std::string name;                     ///< alias export name; import/export name; core import module
  std::string name2;                    ///< core import field name (module type declarators)
  Ref outer, index;                     ///< outer aliases

  uint8_t canon_op = 0;                 ///< Canon: Binary.md canon opcode
  Ref func;                             ///< lift: core func; lower: func; resource.*: the type
  std::vector<CanonOpt> opts;
  Ref func_type;                        ///< lift

  std::vector<uint8_t> attributes;      ///< Import/Export
  bool has_attributes = false;
  ExternType ext;                       ///< Import/Export declarators, ascribed export type
  bool has_ext = false;                 ///< Export with an ascribed type
  SortRef item;                         ///< Export: what is exported
};

}  // namespace shard::component::text
