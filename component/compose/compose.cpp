// Static composition (shard/compose.h). The result is one component:
//
//   (component
//     (import ...)*                           ;; every import nobody satisfies, re-declared
//     (component $plug ...)  (instance $p (instantiate $plug (with "name" ...)*))   ;; per plug
//     (component $main ...)  (instance $m (instantiate $main (with "name" ...)*))
//     (alias export $m "name" (sort)) (export "name" (sort ...))*)
//
// Nested components are the input bytes, verbatim. What the composition writes itself is the
// glue, and the types of the imports it keeps: an import's type lives in its component's index
// spaces (Explainer.md: Index Spaces), so it is copied into the outer component together with
// everything it refers to — type definitions, `alias outer` inside instance and component types,
// types aliased from other imported instances — with indices renumbered. Translation is lazy and
// memoised per input, so each definition an import depends on is written once, just before it
// is first needed.
//
// Type checking is left to the validator: the result is validated, and an error at one of the
// instantiations is translated back to the import it concerns.
#include "shard/compose.h"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "component/component.h"
#include "component/compose/encode.h"

namespace shard::component {
namespace {

using compose::Writer;

/// What defined an entry of an index space: the definition kind and its index in the
/// Component's vector for that kind.
struct Origin {
  Definition::Kind kind = Definition::Type;
  uint32_t index = 0;
};

/// One input component, with the index spaces the translation needs and its memo tables.
struct Source {
  std::string name;
  Component c;
  std::vector<Origin> types, instances, core_types;
  std::vector<std::optional<uint32_t>> type_map, instance_map, core_type_map;
  std::vector<std::optional<SortIdx>> import_map;  ///< what each import is given
  std::vector<int> plug_for_import;                 ///< main only: the plug satisfying it, or -1
  uint32_t outer_instance = 0;
  bool used = false;                                ///< plug only: satisfies some import
};

Sort sort_of(ExternKind k) {
  switch (k) {
    case ExternKind::CoreModule: return Sort::CoreModule;
    case ExternKind::Func: return Sort::Func;
    case ExternKind::Value: return Sort::Value;
    case ExternKind::Type: return Sort::Type;
    case ExternKind::Component: return Sort::Component;
    case ExternKind::Instance: return Sort::Instance;
  }
  return Sort::Func;
}

/// "an instance", "a func", ...
std::string with_article(const char* what) {
  return fmt::format("{} {}", what[0] == 'i' ? "an" : "a", what);
}

/// Explainer.md: Index Spaces — which definitions append to the type, instance and core type
/// index spaces (exports introduce a new index aliasing what they export).
void build_spaces(Source& s) {
  const Component& c = s.c;
  for (const Definition& d : c.defs) {
    Origin o{d.kind, d.index};
    auto by_sort = [&](Sort sort) {
      if (sort == Sort::Type) s.types.push_back(o);
      else if (sort == Sort::Instance) s.instances.push_back(o);
      else if (sort == Sort::CoreType) s.core_types.push_back(o);
    };
    switch (d.kind) {
      case Definition::CoreType: s.core_types.push_back(o); break;
      case Definition::Instance: s.instances.push_back(o); break;
      case Definition::Type: s.types.push_back(o); break;
      case Definition::Alias: by_sort(c.aliases[d.index].sort); break;
      case Definition::Import: by_sort(sort_of(c.imports[d.index].type.kind)); break;
      case Definition::Export: by_sort(c.exports[d.index].item.sort); break;
      default: break;
    }
  }
  s.type_map.resize(s.types.size());
  s.instance_map.resize(s.instances.size());
  s.core_type_map.resize(s.core_types.size());
  s.import_map.resize(c.imports.size());
  s.plug_for_import.assign(c.imports.size(), -1);
}

class Composer {
 public:
  Result<std::vector<uint8_t>> run(const ComposeInput& main, const std::vector<ComposeInput>& plugs) {
    if (plugs.empty()) return Error(ErrorKind::Usage, "compose: no plug components given");
    sources_.resize(plugs.size() + 1);
    if (!load(sources_[0], main, "main component")) return std::move(*err_);
    for (size_t i = 0; i < plugs.size(); ++i)
      if (!load(sources_[i + 1], plugs[i], fmt::format("plug {}", i + 1))) return std::move(*err_);
    if (!resolve()) return std::move(*err_);

    for (size_t p = 1; p < sources_.size(); ++p) instantiate(sources_[p]);
    instantiate(sources_[0]);
    export_main();
    if (!ok()) return std::move(*err_);

    std::vector<uint8_t> out = assemble();
    if (!check(out)) return std::move(*err_);
    return out;
  }

 private:
  // ---- errors ---------------------------------------------------------------------------
  bool fail(ErrorKind k, std::string msg) {
    if (!err_) err_ = Error(k, std::move(msg));
    return false;
  }
  bool ok() const { return !err_; }
  /// Unsupported, naming the import being re-declared.
  bool unsupported(std::string_view why) { return fail(ErrorKind::Unsupported, fmt::format("{}: {}", kept(), why)); }
  /// What the items written while re-declaring an import are for.
  std::string kept() const { return context_ + ": cannot be kept as an import of the composition"; }

  // ---- inputs ---------------------------------------------------------------------------
  bool load(Source& s, const ComposeInput& in, const std::string& fallback_name) {
    s.name = in.name.empty() ? fallback_name : in.name;
    if (!is_component(in.bytes)) {
      bool core = in.bytes.size() >= 8 && in.bytes[0] == 0 && in.bytes[1] == 'a' && in.bytes[4] == 1 && in.bytes[6] == 0;
      return fail(ErrorKind::Invalid, fmt::format("{}: {}", s.name, core ? "is a core module, not a component"
                                                                          : "is not a component binary"));
    }
    auto c = load_component(in.bytes);
    if (!c) {
      Error e = std::move(c).error();
      e.message = fmt::format("{}: {}", s.name, e.to_string());
      e.offset = SIZE_MAX;
      err_ = std::move(e);
      return false;
    }
    s.c = std::move(c).value();
    build_spaces(s);
    return true;
  }

  /// Pairs each import of main with the plug exporting its name, checking the sorts agree.
  bool resolve() {
    Source& m = sources_[0];
    for (size_t i = 0; i < m.c.imports.size(); ++i) {
      const Import& im = m.c.imports[i];
      for (size_t p = 1; p < sources_.size(); ++p) {
        for (const Export& ex : sources_[p].c.exports) {
          if (ex.name.name != im.name.name) continue;
          if (m.plug_for_import[i] >= 0)
            return fail(ErrorKind::Unlinkable,
                        fmt::format("import '{}' of {} is exported by two plugs: {} and {}", im.name.name, m.name,
                                    sources_[static_cast<size_t>(m.plug_for_import[i])].name, sources_[p].name));
          if (ex.item.sort != sort_of(im.type.kind))
            return fail(ErrorKind::Unlinkable,
                        fmt::format("import '{}' of {} is {}, but {} exports '{}' as {}", im.name.name, m.name,
                                    with_article(to_string(im.type.kind)), sources_[p].name, ex.name.name, with_article(to_string(ex.item.sort))));
          m.plug_for_import[i] = static_cast<int>(p);
          sources_[p].used = true;
        }
      }
    }
    for (size_t p = 1; p < sources_.size(); ++p)
      if (!sources_[p].used)
        return fail(ErrorKind::Unlinkable,
                    fmt::format("{} exports nothing that {} imports", sources_[p].name, m.name));
    return true;
  }

  // ---- the outer component: items in binary order ---------------------------------------
  struct Provenance {
    std::string arg;        ///< the import name
    int plug = -1;          ///< the plug whose export is given, or -1 for an outer import
    size_t importer = 0;    ///< for an outer import: the source that declared it first
  };
  struct Item {
    uint8_t section = 0;
    std::vector<uint8_t> bytes;
    std::string what;                     ///< for validator errors found inside this item
    size_t instantiates = SIZE_MAX;       ///< an instantiation: the source instantiated
    std::vector<Provenance> args;
    size_t begin = 0, end = 0;            ///< in the assembled binary
  };

  uint32_t& counter(Sort s) {
    switch (s) {
      case Sort::Type: return n_types_;
      case Sort::Instance: return n_instances_;
      case Sort::Component: return n_components_;
      case Sort::Func: return n_funcs_;
      case Sort::CoreType: return n_core_types_;
      case Sort::CoreModule: return n_core_modules_;
      default: return n_other_;
    }
  }
  Item& push(uint8_t section, Writer&& w, std::string what) {
    items_.push_back(Item{section, w.take(), std::move(what), SIZE_MAX, {}, 0, 0});
    return items_.back();
  }
  uint32_t emit_type(const TypeDef& t) {
    Writer w;
    compose::write_typedef(w, t);
    push(7, std::move(w), kept());
    return n_types_++;
  }
  uint32_t emit_core_type(const CoreTypeDef& t) {
    Writer w;
    compose::write_core_typedef(w, t);
    push(3, std::move(w), kept());
    return n_core_types_++;
  }
  uint32_t emit_alias_export(uint32_t instance, const std::string& name, Sort sort, std::string what) {
    Alias a;
    a.kind = Alias::Export;
    a.sort = sort;
    a.instance = instance;
    a.name = name;
    Writer w;
    compose::write_alias(w, a);
    push(6, std::move(w), std::move(what));
    return counter(sort)++;
  }

  // ---- translating a source's definitions into the outer component ----------------------
  // Translation recurses through what an import's type depends on. Valid input only refers
  // backwards, so it ends, but a hostile chain of definitions must not exhaust the stack.
  static constexpr uint32_t kMaxDepth = 1000;
  struct DepthGuard {
    explicit DepthGuard(uint32_t& d) : depth(++d) {}
    ~DepthGuard() { --depth; }
    uint32_t& depth;
  };
  bool too_deep() {
    if (depth_ <= kMaxDepth) return false;
    return !unsupported(fmt::format("its type depends on a chain of more than {} definitions", kMaxDepth));
  }

  uint32_t translate_type(Source& s, uint32_t idx) {
    if (!ok()) return 0;
    if (idx >= s.types.size()) return fail(ErrorKind::Invalid, fmt::format("{}: type index {} out of bounds", s.name, idx)), 0;
    if (s.type_map[idx]) return *s.type_map[idx];
    DepthGuard guard(depth_);
    if (too_deep()) return 0;
    const Origin o = s.types[idx];
    uint32_t out = 0;
    switch (o.kind) {
      case Definition::Type: {
        const TypeDef& t = s.c.types[o.index];
        if (t.kind == TypeDef::Resource) {
          unsupported(fmt::format("it refers to a resource type that {} defines itself", s.name));
          return 0;
        }
        TypeDef copy = t;
        remap_top(s, copy);
        if (!ok()) return 0;
        out = emit_type(copy);
        break;
      }
      case Definition::Alias: {
        const Alias& a = s.c.aliases[o.index];
        if (a.kind == Alias::Export) {
          uint32_t inst = translate_instance(s, a.instance);
          if (!ok()) return 0;
          out = emit_alias_export(inst, a.name, Sort::Type, kept());
        } else if (a.kind == Alias::Outer && a.count == 0) {
          out = translate_type(s, a.index);
        } else {
          unsupported("it refers to a type aliased from outside the component");
          return 0;
        }
        break;
      }
      case Definition::Import: out = supply_import(s, o.index).index; break;
      case Definition::Export: {
        const Export& e = s.c.exports[o.index];
        if (e.type && e.type->kind == ExternKind::Type && !e.type->bound_eq) {
          unsupported(fmt::format("it refers to the abstract type of {}'s export '{}'", s.name, e.name.name));
          return 0;
        }
        out = translate_type(s, e.item.index);
        break;
      }
      default: unsupported("it refers to a type of an unexpected origin"); return 0;
    }
    if (!ok()) return 0;
    s.type_map[idx] = out;
    return out;
  }

  uint32_t translate_instance(Source& s, uint32_t idx) {
    if (!ok()) return 0;
    if (idx >= s.instances.size())
      return fail(ErrorKind::Invalid, fmt::format("{}: instance index {} out of bounds", s.name, idx)), 0;
    if (s.instance_map[idx]) return *s.instance_map[idx];
    DepthGuard guard(depth_);
    if (too_deep()) return 0;
    const Origin o = s.instances[idx];
    uint32_t out = 0;
    switch (o.kind) {
      case Definition::Import: out = supply_import(s, o.index).index; break;
      case Definition::Alias: {
        const Alias& a = s.c.aliases[o.index];
        if (a.kind != Alias::Export) {
          unsupported("it refers to an instance aliased from outside the component");
          return 0;
        }
        uint32_t inst = translate_instance(s, a.instance);
        if (!ok()) return 0;
        out = emit_alias_export(inst, a.name, Sort::Instance, kept());
        break;
      }
      case Definition::Export: out = translate_instance(s, s.c.exports[o.index].item.index); break;
      default:
        unsupported(fmt::format("it refers to a type exported by an instance {} creates itself", s.name));
        return 0;
    }
    if (!ok()) return 0;
    s.instance_map[idx] = out;
    return out;
  }

  uint32_t translate_core_type(Source& s, uint32_t idx) {
    if (!ok()) return 0;
    if (idx >= s.core_types.size())
      return fail(ErrorKind::Invalid, fmt::format("{}: core type index {} out of bounds", s.name, idx)), 0;
    if (s.core_type_map[idx]) return *s.core_type_map[idx];
    DepthGuard guard(depth_);
    if (too_deep()) return 0;
    const Origin o = s.core_types[idx];
    uint32_t out = 0;
    if (o.kind == Definition::CoreType) {
      CoreTypeDef copy = s.c.core_types[o.index];
      remap_core_module_type(s, copy, 1);
      if (!ok()) return 0;
      out = emit_core_type(copy);
    } else if (o.kind == Definition::Alias && s.c.aliases[o.index].kind == Alias::Outer && s.c.aliases[o.index].count == 0) {
      out = translate_core_type(s, s.c.aliases[o.index].index);
    } else {
      unsupported("it refers to a core type aliased from outside the component");
      return 0;
    }
    if (!ok()) return 0;
    s.core_type_map[idx] = out;
    return out;
  }

  // A type definition at the source's top level refers to the source's type index space
  // directly; inside component and instance types only `alias outer` reaches it, with a count
  // equal to the declarator's nesting depth (Binary.md: Alias Definitions). Those are the only
  // indices to renumber: the outer component's definitions sit at the same depth.
  void remap_valtype(Source& s, ValType& v) {
    if (!v.is_prim) v.index = translate_type(s, v.index);
  }
  void remap_valtype(Source& s, std::optional<ValType>& v) {
    if (v) remap_valtype(s, *v);
  }
  void remap_top(Source& s, TypeDef& t) {
    switch (t.kind) {
      case TypeDef::DefVal: {
        DefValType& d = t.val;
        for (auto& c : d.cases) remap_valtype(s, c.type);
        for (auto& v : d.types) remap_valtype(s, v);
        remap_valtype(s, d.elem);
        remap_valtype(s, d.err);
        if (d.kind == DefValKind::Own || d.kind == DefValKind::Borrow) d.resource = translate_type(s, d.resource);
        return;
      }
      case TypeDef::Func:
        for (auto& p : t.func.params) remap_valtype(s, p.type);
        remap_valtype(s, t.func.result);
        return;
      case TypeDef::Component:
      case TypeDef::Instance: remap_decls(s, t.decls, 1); return;
      case TypeDef::Resource: return;
    }
  }
  void remap_decls(Source& s, std::vector<Decl>& decls, uint32_t depth) {
    for (Decl& d : decls) {
      if (!ok()) return;
      switch (d.kind) {
        case Decl::CoreType:
          if (d.core_type->is_module) {
            CoreTypeDef copy = *d.core_type;
            remap_core_module_type(s, copy, depth + 1);
            d.core_type = std::make_shared<const CoreTypeDef>(std::move(copy));
          }
          break;
        case Decl::Type:
          if (d.type->kind == TypeDef::Component || d.type->kind == TypeDef::Instance) {
            TypeDef copy = *d.type;
            remap_decls(s, copy.decls, depth + 1);
            d.type = std::make_shared<const TypeDef>(std::move(copy));
          }
          break;
        case Decl::Alias: {
          const Alias& a = *d.alias;
          if (a.kind != Alias::Outer || a.count < depth) break;
          if (a.count > depth) {
            unsupported("it refers to a type aliased from outside the component");
            return;
          }
          Alias copy = a;
          copy.index = a.sort == Sort::CoreType ? translate_core_type(s, a.index) : translate_type(s, a.index);
          d.alias = std::make_shared<const Alias>(std::move(copy));
          break;
        }
        case Decl::Import:
        case Decl::Export: break;
      }
    }
  }
  /// `depth`: the scopes between the module type's own and the source's.
  void remap_core_module_type(Source& s, CoreTypeDef& t, uint32_t depth) {
    if (!t.is_module) return;
    for (CoreModuleDecl& d : t.decls) {
      if (d.kind != CoreModuleDecl::Alias || d.outer_count < depth) continue;
      if (d.outer_count > depth) return void(unsupported("it refers to a core type aliased from outside the component"));
      d.outer_index = translate_core_type(s, d.outer_index);
    }
  }

  /// What import `i` of `s` is given: a plug's export (main only), or an import of the outer
  /// component — declared here on first use, shared by every source importing the same name.
  SortIdx supply_import(Source& s, uint32_t i) {
    if (!ok()) return {};
    if (s.import_map[i]) return *s.import_map[i];
    const Import& im = s.c.imports[i];
    Sort sort = sort_of(im.type.kind);
    SortIdx out{sort, 0};
    int plug = &s == &sources_[0] ? s.plug_for_import[i] : -1;
    if (plug >= 0) {
      const Source& p = sources_[static_cast<size_t>(plug)];
      out.index = emit_alias_export(p.outer_instance, im.name.name, sort,
                                    fmt::format("import '{}' of {}, given {}'s export", im.name.name, s.name, p.name));
    } else if (auto it = outer_imports_.find(im.name.name); it != outer_imports_.end()) {
      const OuterImport& shared = it->second;
      if (shared.item.sort != sort) {
        fail(ErrorKind::Unlinkable,
             fmt::format("import '{}' of {} is {}, but {} imports '{}' as {}", im.name.name, s.name,
                         with_article(to_string(im.type.kind)), sources_[shared.importer].name, im.name.name,
                         with_article(to_string(shared.item.sort))));
        return {};
      }
      out = shared.item;
    } else {
      std::string saved = std::move(context_);
      context_ = fmt::format("import '{}' of {}", im.name.name, s.name);
      ExternType et = im.type;
      switch (et.kind) {
        case ExternKind::CoreModule: et.index = translate_core_type(s, et.index); break;
        case ExternKind::Func:
        case ExternKind::Component:
        case ExternKind::Instance: et.index = translate_type(s, et.index); break;
        case ExternKind::Type:
          if (et.bound_eq) et.index = translate_type(s, et.index);
          break;
        case ExternKind::Value: unsupported("value imports are not supported"); break;
      }
      if (ok()) {
        Writer w;
        compose::write_import(w, im.name, et);
        push(10, std::move(w), kept());
        out.index = counter(sort)++;
        outer_imports_[im.name.name] = OuterImport{out, static_cast<size_t>(&s - sources_.data())};
      }
      context_ = std::move(saved);
    }
    if (!ok()) return {};
    s.import_map[i] = out;
    return out;
  }

  /// The source's imports, its component section and its instantiation.
  void instantiate(Source& s) {
    if (!ok()) return;
    std::vector<InstantiateArg> args;
    std::vector<Provenance> prov;
    bool is_main = &s == &sources_[0];
    for (uint32_t i = 0; i < s.c.imports.size(); ++i) {
      SortIdx item = supply_import(s, i);
      if (!ok()) return;
      const std::string& name = s.c.imports[i].name.name;
      args.push_back(InstantiateArg{name, item, 0});
      Provenance p{name, is_main ? s.plug_for_import[i] : -1, 0};
      if (p.plug < 0) p.importer = outer_imports_.at(name).importer;
      prov.push_back(std::move(p));
    }
    Writer comp;
    comp.bytes(*s.c.bytes);  // the whole input: c.offset is 0 and c.size its length
    push(4, std::move(comp), fmt::format("component {}", s.name));
    uint32_t component = n_components_++;
    Writer w;
    compose::write_instantiate(w, component, args);
    Item& item = push(5, std::move(w), fmt::format("instantiation of {}", s.name));
    item.instantiates = static_cast<size_t>(&s - sources_.data());
    item.args = std::move(prov);
    s.outer_instance = n_instances_++;
  }

  /// Every export of main, aliased from its instance, in main's order.
  void export_main() {
    if (!ok()) return;
    Source& m = sources_[0];
    for (const Export& e : m.c.exports) {
      std::string what = fmt::format("export '{}' of {} cannot be exported by the composition", e.name.name, m.name);
      uint32_t idx = emit_alias_export(m.outer_instance, e.name.name, e.item.sort, what);
      ExternName name = e.name;
      Writer w;
      compose::write_export(w, name, SortIdx{e.item.sort, idx});
      push(11, std::move(w), what);
      counter(e.item.sort)++;
    }
  }

  // ---- the binary ---------------------------------------------------------------------------
  /// Consecutive items of one section id share a section; each component has its own.
  std::vector<uint8_t> assemble() {
    Writer out({0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00});
    for (size_t i = 0; i < items_.size();) {
      uint8_t id = items_[i].section;
      size_t j = i + 1;
      if (id != 4)
        while (j < items_.size() && items_[j].section == id) ++j;
      Writer body;
      if (id != 4) body.u32(static_cast<uint32_t>(j - i));
      std::vector<size_t> rel;
      for (size_t k = i; k < j; ++k) {
        rel.push_back(body.size());
        body.bytes(items_[k].bytes);
      }
      out.u8(id);
      out.u32(static_cast<uint32_t>(body.size()));
      size_t base = out.size();
      out.bytes(body.data());
      for (size_t k = i; k < j; ++k) {
        items_[k].begin = base + rel[k - i];
        items_[k].end = items_[k].begin + items_[k].bytes.size();
      }
      i = j;
    }
    return out.take();
  }

  /// Validates the result; an error is reported in terms of the inputs.
  bool check(const std::vector<uint8_t>& out) {
    auto r = load_component(out);
    if (r) return true;
    const Error& e = r.error();
    const Item* at = nullptr;
    for (const Item& it : items_)
      if (e.offset >= it.begin && e.offset < it.end) at = &it;
    if (!at) return fail(e.kind, fmt::format("the composed component is invalid: {}", e.to_string()));
    if (at->instantiates != SIZE_MAX) {
      // the argument the message names first ("... argument `NAME`: why")
      const Provenance* arg = nullptr;
      size_t pos = std::string::npos;
      for (const Provenance& p : at->args) {
        size_t q = e.message.find(fmt::format("`{}`", p.arg));
        if (q < pos) pos = q, arg = &p;
      }
      if (arg) {
        const Source& target = sources_[at->instantiates];
        std::string why = e.message.substr(pos + arg->arg.size() + 2);
        if (why.rfind(": ", 0) == 0) why = why.substr(2);
        if (why.empty()) why = e.message;
        if (arg->plug >= 0)
          return fail(ErrorKind::Unlinkable, fmt::format("import '{}' of {}: type mismatch with {}'s export: {}", arg->arg,
                                                         target.name, sources_[static_cast<size_t>(arg->plug)].name, why));
        if (arg->importer != at->instantiates)
          return fail(ErrorKind::Unlinkable,
                      fmt::format("import '{}' of {}: type conflicts with the import of the same name in {}: {}", arg->arg,
                                  target.name, sources_[arg->importer].name, why));
        return fail(ErrorKind::Unsupported,
                    fmt::format("import '{}' of {}: its type could not be carried into the composition: {}", arg->arg,
                                target.name, why));
      }
    }
    // imports, their types and the exports are copied faithfully, so a rule they break is one
    // the composition cannot satisfy (e.g. a kept import naming a resource a plug provides)
    bool glue = at->section != 4 && at->instantiates == SIZE_MAX;
    return fail(glue ? ErrorKind::Unsupported : e.kind, fmt::format("{}: {}", at->what, e.message));
  }

  struct OuterImport {
    SortIdx item;
    size_t importer = 0;  ///< index in sources_
  };

  std::vector<Source> sources_;  ///< [0] is main, then the plugs in order
  std::vector<Item> items_;
  std::map<std::string, OuterImport> outer_imports_;
  std::string context_;  ///< the import being re-declared, for messages
  uint32_t depth_ = 0;   ///< translate_* recursion
  uint32_t n_types_ = 0, n_instances_ = 0, n_components_ = 0, n_funcs_ = 0, n_core_types_ = 0, n_core_modules_ = 0,
           n_other_ = 0;
  std::optional<Error> err_;
};

}  // namespace
}  // namespace shard::component

namespace shard {

Result<std::vector<uint8_t>> compose_components(const ComposeInput& main, const std::vector<ComposeInput>& plugs) {
  component::Composer c;
  return c.run(main, plugs);
}

}  // namespace shard
