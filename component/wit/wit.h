// WIT, the Wasm Interface Type text format (../shared/component-model-spec/WIT.md): the
// resolved form of a set of packages, and the entry points that load, resolve and print it.
//
// Loading runs three stages: the lexer and parser (lexer.h, parser.h) turn each .wit file
// into an AST; the resolver (resolve.cpp, world.cpp) checks names and builds the structures
// below, where every type definition, interface and world is referred to by id. The resolved
// form is what later layers consume: `shard inspect` prints it (printer.cpp) and the
// canonical ABI maps its types to component types.
//
// Feature gates (WIT.md "Feature Gates"): `@since`, `@unstable` and `@deprecated` are parsed
// and kept on every item (Gate). An item gated `@unstable(feature = f)` is dropped while
// resolving, as if it were not written, unless `f` is enabled in ResolveOptions (or
// all_features is set); this is how the stable WASI 0.2 surface is obtained. The rules about
// compatible gating of referring items (WIT.md "Rules for feature gate usage") are not checked.
//
// Errors: ErrorKind::Malformed (lexing, parsing), Invalid (names, cycles, worlds), Io (files),
// Unsupported (below); the message starts with the file's path ("dir/a.wit: unknown type
// `x`"), line and column are 1-based (columns in bytes). A failed push leaves the Resolve
// unchanged. A package found twice among the dependencies is loaded once (the first); the
// copies are not compared.
//
// Not supported (post-0.2 WIT): `async` functions, `future`, `stream`, `map` and
// `@external-id`; they fail with ErrorKind::Unsupported at their line and column.
#pragma once

#include <compare>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shard/result.h"

namespace shard::wit {

/// A typed index into one of Resolve's tables.
template <class Tag>
struct Id {
  uint32_t index = UINT32_MAX;
  bool valid() const { return index != UINT32_MAX; }
  auto operator<=>(const Id&) const = default;
};
using TypeId = Id<struct TypeTag>;
using InterfaceId = Id<struct InterfaceTag>;
using WorldId = Id<struct WorldTag>;
using PackageId = Id<struct PackageTag>;

/// WIT.md "Feature Gates". Empty strings mean "absent".
struct Gate {
  std::string since;       ///< @since(version = ...)
  std::string unstable;    ///< @unstable(feature = ...)
  std::string deprecated;  ///< @deprecated(version = ...)
  bool empty() const { return since.empty() && unstable.empty() && deprecated.empty(); }
  bool operator==(const Gate&) const = default;
};

/// A value type as written in a use position (WIT.md "Types"): a primitive, or a reference
/// to a type definition (named, or anonymous like list<u8>).
struct Type {
  enum class Kind : uint8_t { Bool, U8, U16, U32, U64, S8, S16, S32, S64, F32, F64, Char, String, Id };
  Kind kind = Kind::Bool;
  TypeId id;  ///< for Kind::Id

  static Type prim(Kind k) { return Type{k, {}}; }
  static Type ref(TypeId t) { return Type{Kind::Id, t}; }
  bool is_prim() const { return kind != Kind::Id; }
  bool operator==(const Type&) const = default;
};
/// "u32", "string", ...; nullptr for Kind::Id.
const char* prim_name(Type::Kind kind);

enum class TypeDefKind : uint8_t {
  Record, Variant, Enum, Flags, Resource,  // named definitions (WIT.md "Items: type")
  Alias,                                   // `type a = ty;` and names brought in by `use`
  List, Option, Result, Tuple,             // anonymous types
  Own, Borrow,                             // handles (WIT.md "Handles")
};

struct Field {
  std::string name;
  Type type;
  std::string docs;
};
/// A variant case (with optional payload), an enum case or a flag.
struct Case {
  std::string name;
  std::optional<Type> type;
  std::string docs;
};

enum class OwnerKind : uint8_t { None, Interface, World };

/// A type definition. Named definitions belong to an interface or world; anonymous ones
/// (list, option, result, tuple, own, borrow) have no name and no owner and are shared:
/// the same structure is the same TypeId.
struct TypeDef {
  std::string name;  ///< empty when anonymous
  TypeDefKind kind = TypeDefKind::Record;
  OwnerKind owner_kind = OwnerKind::None;
  uint32_t owner = UINT32_MAX;  ///< InterfaceId or WorldId index, by owner_kind

  std::vector<Field> fields;            ///< Record
  std::vector<Case> cases;              ///< Variant, Enum, Flags
  std::vector<Type> elems;              ///< Tuple
  Type elem;                            ///< Alias target, List/Option element
  uint32_t list_length = 0;             ///< List: 0, or the fixed length of list<T, N>
  std::optional<Type> ok, err;          ///< Result
  /// Own, Borrow: the resource as written, which may be an alias of it (`use` brings
  /// resources in as aliases); Resolve::unalias gives the resource definition.
  TypeId resource;

  std::string docs;
  Gate gate;
  uint32_t line = 0, column = 0;  ///< where it was defined, for diagnostics
};

enum class FunctionKind : uint8_t { Freestanding, Constructor, Method, Static };

struct Param {
  std::string name;
  Type type;
};

/// A function of an interface or world. Resource functions are kept desugared as WIT.md
/// "Item: resource" describes: a method's first parameter is `self: borrow<r>` and a
/// constructor without a written result returns `r` (own).
struct Function {
  std::string name;  ///< as written: "read"; the resource's name for a constructor
  FunctionKind kind = FunctionKind::Freestanding;
  TypeId resource;   ///< Constructor, Method, Static
  std::vector<Param> params;
  std::optional<Type> result;
  std::string docs;
  Gate gate;

  /// The component-level name: "read", "[constructor]blob", "[method]blob.read",
  /// "[static]blob.merge".
  std::string component_name(const struct Resolve& resolve) const;
};

/// A named (or, inside a world, inline and anonymous) interface: types in definition order
/// (including the aliases `use` creates); functions of each resource in the order the
/// resources are defined, then freestanding functions in definition order.
struct Interface {
  std::string name;  ///< empty for `import x: interface { ... }` inside a world
  PackageId package;
  std::vector<TypeId> types;
  std::vector<Function> functions;
  WorldId world;     ///< the world an inline interface is written in
  std::string docs;
  Gate gate;

  TypeId find_type(std::string_view name, const struct Resolve& resolve) const;
  const Function* find_function(std::string_view component_name, const struct Resolve& resolve) const;
};

enum class WorldItemKind : uint8_t { Interface, Function, Type };

/// One import or export of a world, after `include`s are flattened.
struct WorldItem {
  WorldItemKind kind = WorldItemKind::Interface;
  /// The plain name (`import foo: ...`, functions, types); empty when the item is known by
  /// its interface name (`import wasi:io/streams;`).
  std::string name;
  InterfaceId interface;  ///< Interface
  Function function;      ///< Function
  TypeId type;            ///< Type (world-level `use` or type definition; imports only)
  /// Not written in the world: an interface another import or export depends on through
  /// `use` (WIT.md "Transitive imports and worlds").
  bool implicit = false;
  std::string docs;
  Gate gate;
};

struct World {
  std::string name;
  PackageId package;
  std::vector<WorldItem> imports;
  std::vector<WorldItem> exports;
  std::string docs;
  Gate gate;

  const WorldItem* find_import(std::string_view key, const struct Resolve& resolve) const;
  const WorldItem* find_export(std::string_view key, const struct Resolve& resolve) const;
};

/// WIT.md "Package Names": `ns:name@version` (the version may be empty).
struct PackageName {
  std::string ns, name, version;
  std::string to_string() const;  ///< "wasi:io@0.2.12"
  bool operator==(const PackageName&) const = default;
};

struct Package {
  PackageName name;
  std::vector<InterfaceId> interfaces;  ///< in a stable order (by file, then position)
  std::vector<WorldId> worlds;
  std::string docs;
  std::vector<std::string> files;  ///< the .wit files it was read from
};

struct ResolveOptions {
  std::vector<std::string> features;  ///< enabled `@unstable` features
  bool all_features = false;
};

/// One .wit source: a path (for messages) and its text.
struct SourceFile {
  std::string path;
  std::string text;
};

/// Every package loaded so far. Packages are only ever added; ids stay valid.
struct Resolve {
  ResolveOptions options;
  std::vector<Package> packages;
  std::vector<Interface> interfaces;
  std::vector<World> worlds;
  std::vector<TypeDef> types;
  /// Interning table for anonymous types (structure key -> id); internal to the resolver.
  std::map<std::string, TypeId, std::less<>> anonymous;

  Resolve() = default;
  explicit Resolve(ResolveOptions opts) : options(std::move(opts)) {}

  /// Loads a package from the filesystem (WIT.md "Filesystem structure"): a directory (all
  /// its *.wit files form one package; each entry of its deps/ folder is a dependency,
  /// a directory or a single .wit file, with its own deps/ again) or a single .wit file.
  /// `extra_deps` are more dependencies, as if they were in deps/. Packages defined inline
  /// (`package a:b { ... }`) are available too. Returns the root package.
  Result<PackageId> push_path(const std::filesystem::path& root,
                              const std::vector<std::filesystem::path>& extra_deps = {});
  /// The files of one package (each may also hold nested packages); dependencies must be
  /// loaded already, or be among the nested packages.
  Result<PackageId> push_files(const std::vector<SourceFile>& files);
  Result<PackageId> push_source(std::string path, std::string text) {
    return push_files({SourceFile{std::move(path), std::move(text)}});
  }

  /// Lookups. `version` empty matches a package of that name if there is only one.
  std::optional<PackageId> find_package(std::string_view ns, std::string_view name,
                                        std::string_view version = {}) const;
  /// "wasi:io/streams@0.2.12" or "wasi:io/streams" (an interface) / ".../command" (a world).
  std::optional<InterfaceId> find_interface(std::string_view path) const;
  std::optional<WorldId> find_world(std::string_view path) const;
  /// WIT.md "Specifying a World": `name` empty selects the package's only world, a plain
  /// identifier a world of `pkg`, a path `ns:pkg/world@v` any loaded world.
  Result<WorldId> select_world(PackageId pkg, std::string_view name = {}) const;

  /// The component-model name of a named interface: "wasi:io/streams@0.2.12".
  std::string interface_name(InterfaceId id) const;
  /// The key of a world item: its plain name, or the interface name.
  std::string item_key(const WorldItem& item) const;

  const TypeDef& operator[](TypeId id) const { return types[id.index]; }
  const Interface& operator[](InterfaceId id) const { return interfaces[id.index]; }
  const World& operator[](WorldId id) const { return worlds[id.index]; }
  const Package& operator[](PackageId id) const { return packages[id.index]; }

  /// Follows aliases (`type a = b;`, `use`) to the definition they name.
  TypeId unalias(TypeId id) const;
};

/// Canonical WIT text for a package (all its interfaces and worlds) or a single world (with
/// its package declaration). Worlds are printed flattened (includes expanded, implicit
/// imports written out). Re-parsing the text gives the same resolved form.
std::string print(const Resolve& resolve, PackageId package);
std::string print(const Resolve& resolve, WorldId world);
/// A value type as WIT writes it where it is used: "list<u8>", "borrow<descriptor>", ...
std::string print_type(const Resolve& resolve, Type type);

}  // namespace shard::wit
