// Core modules, core instances and core types inside components (Binary.md: Instance
// Definitions, core:type; core valid/matching.rst for instantiation arguments).
#include <fmt/format.h>

#include <algorithm>

#include "component/valid/validator.h"

namespace shard::component::valid {

void Validator::core_module(const Component& c, const CoreModule& m) {
  std::vector<uint8_t> bytes(c.bytes->begin() + static_cast<ptrdiff_t>(m.offset),
                             c.bytes->begin() + static_cast<ptrdiff_t>(m.offset + m.size));
  auto wm = load_module(std::move(bytes));
  if (!wm) {
    Error e = std::move(wm).error();
    if (e.offset != SIZE_MAX) e.offset += m.offset;
    if (!err_) err_ = std::move(e);
    return;
  }
  auto t = std::make_shared<CoreModuleType>();
  // Binary.md: core:moduletype — a module's type has one import declarator per two-level
  // name (duplicates are rejected there), so a module importing one name twice has no type.
  std::vector<std::pair<std::string_view, std::string_view>> names;
  names.reserve(wm->imports.size());
  for (auto& im : wm->imports) names.emplace_back(im.module, im.name);
  std::sort(names.begin(), names.end());
  if (auto d = std::adjacent_find(names.begin(), names.end()); d != names.end())
    return void(fail(m.offset, fmt::format("duplicate import name `{}:{}`", d->first, d->second)));
  for (auto& im : wm->imports) {
    CoreExtern x;
    x.kind = im.kind;
    if (im.kind == shard::ExternKind::Func) x.func = wm->types[im.func_type];
    if (im.kind == shard::ExternKind::Tag) x.func = wm->types[im.tag.type_index];
    x.table = im.table;
    x.memory = im.memory;
    x.global = im.global;
    t->imports.push_back({im.module, im.name, std::move(x)});
  }
  for (auto& ex : wm->exports) {
    CoreExtern x;
    x.kind = ex.kind;
    switch (ex.kind) {
      case shard::ExternKind::Func: x.func = wm->func_type(ex.index); break;
      case shard::ExternKind::Table: x.table = wm->all_tables[ex.index]; break;
      case shard::ExternKind::Memory: x.memory = wm->all_memories[ex.index]; break;
      case shard::ExternKind::Global: x.global = wm->all_globals[ex.index]; break;
      case shard::ExternKind::Tag: x.func = wm->types[wm->all_tags[ex.index].type_index]; break;
    }
    t->exports.emplace_back(ex.name, std::move(x));
  }
  cur().core_modules.push_back(std::move(t));
  if (modules_) (*modules_)[&m] = std::make_shared<const WasmModule>(std::move(wm).value());
}

bool Validator::limits_match(const Limits& a, const Limits& b) {  // a <= b
  if (a.min < b.min) return false;
  if (!b.max) return true;
  return a.max && *a.max <= *b.max;
}

bool Validator::core_match(const CoreExtern& a, const CoreExtern& b, std::string& why) {
  if (a.kind != b.kind) return why = fmt::format("expected {}, found {}", kind_name(b.kind), kind_name(a.kind)), false;
  switch (a.kind) {
    case shard::ExternKind::Func:
      if (!(a.func == b.func)) return why = "type mismatch", false;
      return true;
    case shard::ExternKind::Table:
      if (a.table.elem != b.table.elem)
        return why = fmt::format("expected table element type {}, found {}", to_string(b.table.elem),
                                 to_string(a.table.elem)), false;
      if (!limits_match(a.table.limits, b.table.limits)) return why = "mismatch in table limits", false;
      return true;
    case shard::ExternKind::Memory:
      if (!limits_match(a.memory.limits, b.memory.limits)) return why = "mismatch in memory limits", false;
      return true;
    case shard::ExternKind::Global:
      if (a.global.type != b.global.type || a.global.mut != b.global.mut)
        return why = fmt::format("expected global type {}, found {}", to_string(b.global.type),
                                 to_string(a.global.type)), false;
      return true;
    case shard::ExternKind::Tag:
      if (!(a.func == b.func)) return why = "tag type mismatch", false;
      return true;
  }
  return true;
}

CoreExtern Validator::core_item(Sort sort, uint32_t idx) {
  CoreExtern x;
  Scope& s = cur();
  switch (sort) {
    case Sort::CoreFunc: x.kind = shard::ExternKind::Func; x.func = s.core_funcs[idx]; break;
    case Sort::CoreTable: x.kind = shard::ExternKind::Table; x.table = s.core_tables[idx]; break;
    case Sort::CoreMemory: x.kind = shard::ExternKind::Memory; x.memory = s.core_memories[idx]; break;
    case Sort::CoreTag: x.kind = shard::ExternKind::Tag; x.func = s.core_tags[idx]; break;
    default: x.kind = shard::ExternKind::Global; x.global = s.core_globals[idx]; break;
  }
  return x;
}

void Validator::core_instance(const Instance& in, size_t off) {
  auto t = std::make_shared<CoreInstanceType>();
  if (in.instantiate) {
    if (in.target >= cur().core_modules.size())
      return void(fail(off, fmt::format("unknown module {}: module index out of bounds", in.target)));
    const CoreModuleType& mt = *cur().core_modules[in.target];
    std::unordered_map<std::string, uint32_t> args;
    for (auto& a : in.args) {
      if (!check_index(Sort::CoreInstance, a.item.index, a.offset)) return;
      if (!args.emplace(a.name, a.item.index).second)
        return void(fail(a.offset, fmt::format("duplicate module instantiation argument named `{}`", a.name)));
    }
    for (auto& im : mt.imports) {
      auto it = args.find(im.module);
      if (it == args.end())
        return void(fail(off, fmt::format("missing module instantiation argument named `{}`", im.module)));
      const CoreExtern* x = cur().core_instances[it->second]->find(im.name);
      if (!x)
        return void(fail(off, fmt::format("module instantiation argument `{}` does not export an item named `{}`",
                                          im.module, im.name)));
      std::string why;
      if (!core_match(*x, im.type, why))
        return void(fail(off, fmt::format("type mismatch for export `{}` of module instantiation argument `{}`: {}",
                                          im.name, im.module, why)));
    }
    t->exports = mt.exports;
  } else {
    std::unordered_set<std::string> names;
    for (auto& e : in.exports) {
      if (e.item.sort != Sort::CoreFunc && e.item.sort != Sort::CoreTable && e.item.sort != Sort::CoreMemory &&
          e.item.sort != Sort::CoreGlobal && e.item.sort != Sort::CoreTag)
        return void(fail(e.offset, fmt::format("{} is not a valid core instance export", to_string(e.item.sort))));
      if (!check_index(e.item.sort, e.item.index, e.offset)) return;
      if (!names.insert(e.name).second)
        return void(fail(e.offset, fmt::format("export name `{}` already defined", e.name)));
      t->exports.emplace_back(e.name, core_item(e.item.sort, e.item.index));
    }
  }
  cur().core_instances.push_back(std::move(t));
}

bool Validator::resolve_core_extern(const CoreExternType& in, CoreExtern& out, const Scope& s, size_t off) {
  out.kind = in.kind;
  out.table = in.table;
  out.memory = in.memory;
  out.global = in.global;
  // core valid/types.rst: Limits, Memory Types (a module type's externtypes are core ones)
  auto limits_ok = [&](const Limits& l, uint64_t bound, const char* what) {
    if (l.min > bound || (l.max && *l.max > bound))
      return fail(off, fmt::format("{} size must be at most {} {}", what, bound,
                                   in.kind == shard::ExternKind::Memory ? "pages (4GiB)" : "elements"));
    if (l.max && l.min > *l.max) return fail(off, "size minimum must not be greater than maximum");
    return true;
  };
  if (in.kind == shard::ExternKind::Memory) return limits_ok(in.memory.limits, 65536, "memory");
  if (in.kind == shard::ExternKind::Table) return limits_ok(in.table.limits, UINT32_MAX, "table");
  if (in.kind != shard::ExternKind::Func) return true;
  if (in.func_type >= s.core_types.size())
    return fail(off, fmt::format("unknown core type {}: type index out of bounds", in.func_type));
  if (s.core_types[in.func_type].is_module)
    return fail(off, fmt::format("core type index {} is not a function type", in.func_type));
  out.func = s.core_types[in.func_type].func;
  return true;
}

CoreTypeEntry Validator::core_type_entry(const CoreTypeDef& t) {
  CoreTypeEntry e;
  e.is_module = t.is_module;
  if (!t.is_module) {
    e.func = t.func;
    return e;
  }
  // Explainer.md: each module type is validated with an initially-empty type index space.
  Scope inner;
  inner.is_type = true;
  auto mt = std::make_shared<CoreModuleType>();
  std::set<std::pair<std::string, std::string>> imports;
  std::set<std::string> exports;
  for (auto& d : t.decls) {
    if (!ok()) break;
    switch (d.kind) {
      case CoreModuleDecl::Import: {
        CoreExtern x;
        if (!resolve_core_extern(d.type, x, inner, d.offset)) break;
        if (!imports.emplace(d.module, d.name).second)
          fail(d.offset, fmt::format("duplicate import name `{}:{}`", d.module, d.name));
        mt->imports.push_back({d.module, d.name, std::move(x)});
        break;
      }
      case CoreModuleDecl::Type: inner.core_types.push_back({false, d.func, nullptr}); break;
      case CoreModuleDecl::Alias: {
        // the module type itself is a scope: count 0 is the module type, 1 the enclosing one
        if (d.outer_count == 0) {
          if (d.outer_index >= inner.core_types.size())
            fail(d.offset, "type index out of bounds");
          else inner.core_types.push_back(inner.core_types[d.outer_index]);
          break;
        }
        if (d.outer_count > stack_.size())
          return fail(d.offset, "invalid outer alias count"), e;
        const Scope& target = *stack_[stack_.size() - d.outer_count];
        if (d.outer_index >= target.core_types.size()) return fail(d.offset, "type index out of bounds"), e;
        if (target.core_types[d.outer_index].is_module)
          return fail(d.offset, "a module type cannot be aliased into a module type"), e;
        inner.core_types.push_back(target.core_types[d.outer_index]);
        break;
      }
      case CoreModuleDecl::Export: {
        CoreExtern x;
        if (!resolve_core_extern(d.type, x, inner, d.offset)) break;
        if (!exports.insert(d.name).second) fail(d.offset, fmt::format("name `{}` already defined", d.name));
        mt->exports.emplace_back(d.name, std::move(x));
        break;
      }
    }
  }
  e.module = std::move(mt);
  return e;
}

}  // namespace shard::component::valid
