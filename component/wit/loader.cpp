// Loading WIT: files and directories to package sources (WIT.md "Filesystem structure"),
// packages resolved in dependency order, and the lookups of Resolve.
#include <algorithm>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "component/wit/lexer.h"
#include "component/wit/parser.h"
#include "component/wit/resolver.h"

namespace shard::wit {

namespace fs = std::filesystem;

namespace {

// Everything parsed for one push_* call.
struct Loaded {
  std::vector<std::string> paths;                 // file index -> path
  std::vector<std::unique_ptr<ast::File>> files;  // owned syntax trees (scopes point into them)
  std::vector<PackageSources> groups;             // one per package
  std::optional<size_t> root;                     // the group push_* returns
};

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorKind::Io, fmt::format("{}: cannot read file", path.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool has_items(const ast::Scope& s) { return !s.uses.empty() || !s.interfaces.empty() || !s.worlds.empty(); }

// WIT.md "WIT Packages and `use`": the files of a package, at least one naming it, all
// agreeing. Nested `package ... { }` blocks become packages of their own.
Result<void> add_files(Loaded& l, const std::vector<SourceFile>& files, bool is_root, const std::string& what) {
  if (files.empty()) return Error(ErrorKind::Io, fmt::format("{}: no .wit files", what));
  PackageSources group;
  std::optional<size_t> first_nested;
  bool items = false;
  for (const SourceFile& f : files) {
    auto index = static_cast<uint32_t>(l.paths.size());
    l.paths.push_back(f.path);
    auto parsed = parse_file(f.path, index, f.text);
    if (!parsed) return std::move(parsed).error();
    l.files.push_back(std::make_unique<ast::File>(std::move(*parsed)));
    const ast::File& file = *l.files.back();
    if (file.top.package) {
      if (group.decl && !(group.decl->name == file.top.package->name)) {
        const ast::Span& at = file.top.package->span;
        return wit_error(ErrorKind::Invalid, f.path, at.line, at.column,
                         fmt::format("package `{}` conflicts with `{}` declared in {}", file.top.package->name.to_string(),
                                     group.decl->name.to_string(), l.paths[group.decl->span.file]));
      }
      if (!group.decl) group.decl = file.top.package;
      else if (group.decl->docs.empty()) group.decl->docs = file.top.package->docs;
    }
    items = items || has_items(file.top);
    group.scopes.push_back(&file.top);
    group.files.push_back(index);
    for (const ast::Scope& nested : file.nested) {
      PackageSources ng;
      ng.decl = nested.package;
      ng.scopes.push_back(&nested);
      ng.files.push_back(index);
      if (!first_nested) first_nested = l.groups.size();
      l.groups.push_back(std::move(ng));
    }
  }
  if (!group.decl) {
    // A file of nested packages only is fine; top-level items need a package to live in.
    if (items || !first_nested)
      return wit_error(ErrorKind::Invalid, files[0].path, 1, 1,
                       "no `package` declaration: one file of a package must start with `package ns:name;`");
    if (is_root) l.root = first_nested;
    return {};
  }
  if (is_root) l.root = l.groups.size();
  l.groups.push_back(std::move(group));
  return {};
}

Result<void> load_dir(Loaded& l, const fs::path& dir, bool is_root) {
  std::error_code ec;
  std::vector<fs::path> wit_files, deps;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".wit") wit_files.push_back(entry.path());
  }
  if (ec) return Error(ErrorKind::Io, fmt::format("{}: {}", dir.string(), ec.message()));
  std::sort(wit_files.begin(), wit_files.end());
  std::vector<SourceFile> files;
  for (const fs::path& p : wit_files) {
    auto text = read_file(p);
    if (!text) return std::move(text).error();
    files.push_back(SourceFile{p.string(), std::move(*text)});
  }
  if (auto r = add_files(l, files, is_root, dir.string()); !r) return r;
  // WIT.md "Root Package: A Directory": each entry of deps/ is a dependency, a directory
  // or a single file. (Deps of deps are read too, though WIT.md keeps deps/ flat.)
  fs::path deps_dir = dir / "deps";
  if (!fs::is_directory(deps_dir, ec)) return {};
  for (const auto& entry : fs::directory_iterator(deps_dir, ec)) deps.push_back(entry.path());
  std::sort(deps.begin(), deps.end());
  for (const fs::path& p : deps) {
    if (fs::is_directory(p, ec)) {
      if (auto r = load_dir(l, p, false); !r) return r;
    } else if (p.extension() == ".wit") {
      auto text = read_file(p);
      if (!text) return std::move(text).error();
      if (auto r = add_files(l, {SourceFile{p.string(), std::move(*text)}}, false, p.string()); !r) return r;
    }
  }
  return {};
}

Result<void> load_path(Loaded& l, const fs::path& path, bool is_root) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return load_dir(l, path, is_root);
  if (!fs::is_regular_file(path, ec)) return Error(ErrorKind::Io, fmt::format("{}: no such file or directory", path.string()));
  auto text = read_file(path);
  if (!text) return std::move(text).error();
  return add_files(l, {SourceFile{path.string(), std::move(*text)}}, is_root, path.string());
}

// Every `ns:pkg/...` path written in a package's sources, with where it was written.
void foreign_refs(const PackageSources& g, std::vector<std::pair<PackageName, ast::Span>>& out) {
  auto path = [&](const ast::UsePath& p) {
    if (p.package && !(p.package->ns == g.decl->name.ns && p.package->name == g.decl->name.name))
      out.emplace_back(*p.package, p.span);
  };
  auto items = [&](const std::vector<ast::InterfaceItem>& its) {
    for (const ast::InterfaceItem& i : its)
      if (i.kind == ast::InterfaceItem::Kind::Use) path(i.use.path);
  };
  for (const ast::Scope* s : g.scopes) {
    for (const ast::TopUse& u : s->uses) path(u.path);
    for (const ast::InterfaceDecl& i : s->interfaces) items(i.items);
    for (const ast::WorldDecl& w : s->worlds) {
      for (const ast::WorldEntry& e : w.entries) {
        if (e.kind == ast::WorldEntry::Kind::Use) path(e.use.path);
        else if (e.kind == ast::WorldEntry::Kind::Include) path(e.path);
        else if (e.kind == ast::WorldEntry::Kind::Import || e.kind == ast::WorldEntry::Kind::Export) {
          if (e.ext == ast::WorldEntry::Extern::Path || e.ext == ast::WorldEntry::Extern::NamedPath) path(e.path);
          else if (e.ext == ast::WorldEntry::Extern::Interface) items(e.inline_iface->items);
        }
      }
    }
  }
}

bool name_matches(const PackageName& have, const PackageName& want) {
  return have.ns == want.ns && have.name == want.name && (want.version.empty() || have.version == want.version);
}

// WIT.md "Root Package: A Directory": dependencies are processed in topological order.
Result<PackageId> resolve_all(Resolve& r, Loaded& l) {
  size_t n = l.groups.size();
  std::vector<std::optional<PackageId>> ids(n);
  std::vector<bool> skip(n, false);
  for (size_t i = 0; i < n; ++i) {
    const PackageName& name = l.groups[i].decl->name;
    for (uint32_t p = 0; p < r.packages.size(); ++p)
      if (r.packages[p].name == name) ids[i] = PackageId{p};  // loaded before: keep that one
    for (size_t j = 0; j < i && !ids[i]; ++j)
      if (l.groups[j].decl->name == name) skip[i] = true;  // WIT.md: duplicates have the same contents
    if (ids[i]) skip[i] = true;
  }
  std::vector<std::vector<DepEdge>> edges(n);
  for (size_t i = 0; i < n; ++i) {
    if (skip[i]) continue;
    std::vector<std::pair<PackageName, ast::Span>> refs;
    foreign_refs(l.groups[i], refs);
    for (const auto& [want, at] : refs) {
      for (size_t j = 0; j < n; ++j) {
        if (j != i && !skip[j] && name_matches(l.groups[j].decl->name, want)) {
          edges[i].push_back({j, at});
          break;
        }
      }
    }
  }
  std::vector<size_t> order;
  // Packages are few and shallow: a chain as long as the package count is the most there is.
  if (auto failure = topo_order(edges, order, n + 1, &skip)) {
    const ast::Span& at = failure->at;
    auto name = [&](size_t i) { return l.groups[i].decl->name.to_string(); };
    return wit_error(ErrorKind::Invalid, l.paths[at.file], at.line, at.column,
                     fmt::format("packages depend on each other: {}", cycle_text(*failure, name)));
  }

  // On failure, leave the Resolve as it was.
  size_t npkg = r.packages.size(), niface = r.interfaces.size(), nworld = r.worlds.size(), ntype = r.types.size();
  for (size_t i : order) {
    auto id = PackageResolver(r, l.paths, l.groups[i]).run();
    if (!id) {
      r.packages.resize(npkg);
      r.interfaces.resize(niface);
      r.worlds.resize(nworld);
      r.types.resize(ntype);
      std::erase_if(r.anonymous, [&](const auto& kv) { return kv.second.index >= ntype; });
      return std::move(id).error();
    }
    ids[i] = *id;
  }
  for (size_t i = 0; i < n; ++i) {
    if (ids[i]) continue;
    for (size_t j = 0; j < i; ++j)
      if (l.groups[j].decl->name == l.groups[i].decl->name) ids[i] = ids[j];
  }
  if (!l.root) return Error(ErrorKind::Invalid, "no package to load");
  return *ids[*l.root];
}

std::optional<std::pair<PackageId, std::string>> split_path(const Resolve& r, std::string_view path) {
  // ns:pkg/name[@version]
  size_t colon = path.find(':'), slash = path.find('/');
  if (colon == std::string_view::npos || slash == std::string_view::npos || slash < colon) return std::nullopt;
  size_t at = path.find('@', slash);
  std::string_view version = at == std::string_view::npos ? std::string_view{} : path.substr(at + 1);
  std::string_view item = path.substr(slash + 1, at == std::string_view::npos ? std::string_view::npos : at - slash - 1);
  auto pkg = r.find_package(path.substr(0, colon), path.substr(colon + 1, slash - colon - 1), version);
  if (!pkg) return std::nullopt;
  return std::make_pair(*pkg, std::string(item));
}

}  // namespace

Result<PackageId> Resolve::push_path(const fs::path& root, const std::vector<fs::path>& extra_deps) {
  Loaded l;
  if (auto res = load_path(l, root, true); !res) return std::move(res).error();
  for (const fs::path& p : extra_deps)
    if (auto res = load_path(l, p, false); !res) return std::move(res).error();
  return resolve_all(*this, l);
}

Result<PackageId> Resolve::push_files(const std::vector<SourceFile>& files) {
  Loaded l;
  if (auto res = add_files(l, files, true, "<wit>"); !res) return std::move(res).error();
  return resolve_all(*this, l);
}

std::optional<PackageId> Resolve::find_package(std::string_view ns, std::string_view name,
                                               std::string_view version) const {
  std::optional<PackageId> found;
  for (uint32_t i = 0; i < packages.size(); ++i) {
    const PackageName& n = packages[i].name;
    if (n.ns != ns || n.name != name || (!version.empty() && n.version != version)) continue;
    if (found) return std::nullopt;  // ambiguous without a version
    found = PackageId{i};
  }
  return found;
}

std::optional<InterfaceId> Resolve::find_interface(std::string_view path) const {
  auto split = split_path(*this, path);
  if (!split) return std::nullopt;
  for (InterfaceId i : packages[split->first.index].interfaces)
    if (interfaces[i.index].name == split->second) return i;
  return std::nullopt;
}

std::optional<WorldId> Resolve::find_world(std::string_view path) const {
  auto split = split_path(*this, path);
  if (!split) return std::nullopt;
  for (WorldId w : packages[split->first.index].worlds)
    if (worlds[w.index].name == split->second) return w;
  return std::nullopt;
}

Result<WorldId> Resolve::select_world(PackageId pkg, std::string_view name) const {
  const Package& p = packages[pkg.index];
  if (name.empty()) {
    if (p.worlds.size() == 1) return p.worlds[0];
    return Error(ErrorKind::Usage, fmt::format("package `{}` has {} worlds; name the one to use",
                                               p.name.to_string(), p.worlds.size()));
  }
  if (name.find(':') != std::string_view::npos) {
    if (auto w = find_world(name)) return *w;
    return Error(ErrorKind::Usage, fmt::format("world `{}` not found", name));
  }
  for (WorldId w : p.worlds)
    if (worlds[w.index].name == name) return w;
  return Error(ErrorKind::Usage, fmt::format("package `{}` has no world `{}`", p.name.to_string(), name));
}

std::string Resolve::interface_name(InterfaceId id) const {
  const Interface& i = interfaces[id.index];
  if (i.name.empty()) return {};
  const PackageName& p = packages[i.package.index].name;
  std::string s = fmt::format("{}:{}/{}", p.ns, p.name, i.name);
  if (!p.version.empty()) s += "@" + p.version;
  return s;
}

std::string Resolve::item_key(const WorldItem& item) const {
  if (!item.name.empty() || item.kind != WorldItemKind::Interface) return item.name;
  return interface_name(item.interface);
}

TypeId Resolve::unalias(TypeId id) const {
  for (size_t guard = 0; guard <= types.size() && id.valid(); ++guard) {
    const TypeDef& d = types[id.index];
    if (d.kind != TypeDefKind::Alias || d.elem.is_prim()) return id;
    id = d.elem.id;
  }
  return id;
}

std::string PackageName::to_string() const {
  return version.empty() ? fmt::format("{}:{}", ns, name) : fmt::format("{}:{}@{}", ns, name, version);
}

std::string Function::component_name(const Resolve& r) const {
  switch (kind) {
    case FunctionKind::Freestanding: return name;
    case FunctionKind::Constructor: return "[constructor]" + r.types[resource.index].name;
    case FunctionKind::Method: return fmt::format("[method]{}.{}", r.types[resource.index].name, name);
    case FunctionKind::Static: return fmt::format("[static]{}.{}", r.types[resource.index].name, name);
  }
  return name;
}

TypeId Interface::find_type(std::string_view type_name, const Resolve& r) const {
  for (TypeId t : types)
    if (r.types[t.index].name == type_name) return t;
  return {};
}

const Function* Interface::find_function(std::string_view component_name, const Resolve& r) const {
  for (const Function& f : functions)
    if (f.component_name(r) == component_name) return &f;
  return nullptr;
}

const WorldItem* World::find_import(std::string_view key, const Resolve& r) const {
  for (const WorldItem& i : imports)
    if (r.item_key(i) == key) return &i;
  return nullptr;
}

const WorldItem* World::find_export(std::string_view key, const Resolve& r) const {
  for (const WorldItem& i : exports)
    if (r.item_key(i) == key) return &i;
  return nullptr;
}

const char* prim_name(Type::Kind kind) {
  switch (kind) {
    case Type::Kind::Bool: return "bool";
    case Type::Kind::U8: return "u8";
    case Type::Kind::U16: return "u16";
    case Type::Kind::U32: return "u32";
    case Type::Kind::U64: return "u64";
    case Type::Kind::S8: return "s8";
    case Type::Kind::S16: return "s16";
    case Type::Kind::S32: return "s32";
    case Type::Kind::S64: return "s64";
    case Type::Kind::F32: return "f32";
    case Type::Kind::F64: return "f64";
    case Type::Kind::Char: return "char";
    case Type::Kind::String: return "string";
    case Type::Kind::Id: return nullptr;
  }
  return nullptr;
}

}  // namespace shard::wit
