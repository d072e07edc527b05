// The syntax tree of one .wit file, as the parser produces it (WIT.md "Lexical structure"
// onwards). Names are not resolved yet; every node keeps its place for diagnostics.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "component/wit/wit.h"

namespace shard::wit::ast {

struct Span {
  uint32_t file = 0;  ///< index into the loader's file list
  uint32_t line = 0, column = 0;
};

struct Ident {
  std::string name;
  Span span;
};

/// WIT.md "Item: toplevel-use", `use-path`: `iface` or `ns:pkg/iface@version`.
struct UsePath {
  std::optional<PackageName> package;  ///< absent: an interface/world of the current package or a use'd name
  Ident name;
  Span span;
};

enum class TypeKind : uint8_t {
  Prim, Named, List, Option, Result, Tuple, Own, Borrow,
};

/// WIT.md "Types": `ty`.
struct Type {
  TypeKind kind = TypeKind::Prim;
  wit::Type::Kind prim = wit::Type::Kind::Bool;
  Ident name;                       ///< Named, Own, Borrow
  std::vector<Type> args;           ///< List/Option: [elem]; Tuple: elems; Result: see below
  bool has_ok = false, has_err = false;  ///< Result: args holds ok (if any) then err (if any)
  uint32_t list_length = 0;         ///< list<T, N>
  Span span;
};

struct NamedType {
  Ident name;
  Type type;
};

enum class FuncKind : uint8_t { Freestanding, Constructor, Method, Static };

/// WIT.md "Item: interface" `func-item` and "Item: resource" `resource-method`.
struct Func {
  Ident name;  ///< the resource's name position for a constructor (`constructor` keyword)
  FuncKind kind = FuncKind::Freestanding;
  std::vector<NamedType> params;
  std::optional<Type> result;
  std::string docs;
  Gate gate;
};

struct Case {
  Ident name;
  std::optional<Type> type;
  std::string docs;
};

enum class TypeDeclKind : uint8_t { Alias, Record, Variant, Enum, Flags, Resource };

/// WIT.md "Items: type": typedef-item.
struct TypeDecl {
  TypeDeclKind kind = TypeDeclKind::Alias;
  Ident name;
  Type alias;                 ///< Alias
  std::vector<Case> cases;    ///< Record fields (type always set), Variant/Enum/Flags cases
  std::vector<Func> methods;  ///< Resource
  std::string docs;
  Gate gate;
};

struct UseName {
  Ident name;
  std::optional<Ident> as;
  std::string docs;
};

/// WIT.md "Item: use" inside an interface or world.
struct Use {
  UsePath path;
  std::vector<UseName> names;
  std::string docs;
  Gate gate;
};

/// One item of an interface body (or of a world, for `use` and typedefs).
struct InterfaceItem {
  enum class Kind : uint8_t { Use, Type, Func } kind = Kind::Use;
  Use use;
  TypeDecl type;
  Func func;
};

struct InterfaceDecl {
  Ident name;  ///< empty name for an inline `import x: interface { ... }`
  std::vector<InterfaceItem> items;
  std::string docs;
  Gate gate;
};

/// WIT.md "Item: world": an import/export, a `use`, a typedef or an `include`.
struct WorldEntry {
  enum class Kind : uint8_t { Import, Export, Use, Type, Include } kind = Kind::Import;
  // Import/Export: exactly one of these forms.
  enum class Extern : uint8_t { Path, Func, Interface, NamedPath } ext = Extern::Path;
  Ident name;                       ///< the plain name (Func, Interface, NamedPath)
  UsePath path;                     ///< Path, NamedPath, Include
  Func func;                        ///< Func
  std::shared_ptr<InterfaceDecl> inline_iface;  ///< Interface
  Use use;                          ///< Use
  TypeDecl type;                    ///< Type
  std::vector<std::pair<Ident, Ident>> with;  ///< Include: `with { a as b }`
  Span span;
  std::string docs;
  Gate gate;
};

struct WorldDecl {
  Ident name;
  std::vector<WorldEntry> entries;
  std::string docs;
  Gate gate;
};

/// WIT.md "Item: toplevel-use": `use path (as id)?;` — scoped to the file (or nested block).
struct TopUse {
  UsePath path;
  Ident as;  ///< the name it defines (inferred from the path when `as` is absent)
  Gate gate;
};

struct PackageDecl {
  PackageName name;
  Span span;
  std::string docs;
};

/// The items of one name scope: a file's top level, or one nested `package ... { }` block.
struct Scope {
  std::optional<PackageDecl> package;
  std::vector<TopUse> uses;
  std::vector<InterfaceDecl> interfaces;
  std::vector<WorldDecl> worlds;
  Span span;  ///< the start of the file or block
};

/// A parsed file: its own top-level scope and any nested packages.
struct File {
  Scope top;
  std::vector<Scope> nested;
};

}  // namespace shard::wit::ast
