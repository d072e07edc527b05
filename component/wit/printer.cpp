// Canonical WIT text for resolved packages and worlds. The output follows WIT.md's grammar
// and re-parses to the same resolved form: `use`d names come back as `use`, resource
// functions inside their resource, keywords used as names escaped with `%`.
#include <fmt/format.h>

#include "component/wit/lexer.h"
#include "component/wit/wit.h"

namespace shard::wit {

namespace {

class Printer {
 public:
  Printer(const Resolve& r, std::optional<PackageId> home) : r_(r), home_(home) {}

  void package(PackageId id) {
    const Package& p = r_.packages[id.index];
    docs(p.docs);
    out_ += fmt::format("package {};\n", p.name.to_string());
    for (InterfaceId i : p.interfaces) {
      out_ += '\n';
      interface(i);
    }
    for (WorldId w : p.worlds) {
      out_ += '\n';
      world(w);
    }
  }

  void world_alone(WorldId id) {
    out_ += fmt::format("package {};\n\n", r_.packages[r_.worlds[id.index].package.index].name.to_string());
    world(id);
  }

  std::string type(Type t) const {
    if (t.is_prim()) return prim_name(t.kind);
    const TypeDef& d = r_.types[t.id.index];
    if (!d.name.empty()) return id(d.name);
    switch (d.kind) {
      case TypeDefKind::List:
        return d.list_length != 0 ? fmt::format("list<{}, {}>", type(d.elem), d.list_length)
                                  : fmt::format("list<{}>", type(d.elem));
      case TypeDefKind::Option: return fmt::format("option<{}>", type(d.elem));
      case TypeDefKind::Result:
        if (!d.ok && !d.err) return "result";
        if (!d.err) return fmt::format("result<{}>", type(*d.ok));
        return fmt::format("result<{}, {}>", d.ok ? type(*d.ok) : "_", type(*d.err));
      case TypeDefKind::Tuple: {
        std::string s = "tuple<";
        for (size_t i = 0; i < d.elems.size(); ++i) s += (i ? ", " : "") + type(d.elems[i]);
        return s + ">";
      }
      case TypeDefKind::Own: return id(r_.types[d.resource.index].name);
      case TypeDefKind::Borrow: return fmt::format("borrow<{}>", id(r_.types[d.resource.index].name));
      default: return "<anonymous>";
    }
  }

  std::string take() { return std::move(out_); }

 private:
  static std::string id(const std::string& name) { return is_keyword(name) ? "%" + name : name; }

  void indent() { out_.append(depth_ * 2, ' '); }
  void line(std::string_view text) {
    indent();
    out_ += text;
    out_ += '\n';
    fresh_ = text.ends_with('{');
  }
  // A blank line between the items of a body, none after its opening brace.
  void sep() {
    if (!fresh_) out_ += '\n';
    fresh_ = true;
  }
  void docs(const std::string& text) {
    if (text.empty()) return;
    size_t start = 0;
    while (start <= text.size()) {
      size_t nl = text.find('\n', start);
      if (nl == std::string::npos) nl = text.size();
      std::string_view l(text.data() + start, nl - start);
      line(l.empty() ? "///" : fmt::format("/// {}", l));
      start = nl + 1;
    }
  }
  void gate(const Gate& g) {
    if (!g.since.empty()) line(fmt::format("@since(version = {})", g.since));
    if (!g.unstable.empty()) line(fmt::format("@unstable(feature = {})", g.unstable));
    if (!g.deprecated.empty()) line(fmt::format("@deprecated(version = {})", g.deprecated));
  }

  // An interface as a use-path from where we print: bare within the package, else full.
  std::string iface_path(InterfaceId i) const {
    const Interface& iface = r_.interfaces[i.index];
    if (home_ && iface.package == *home_) return id(iface.name);
    return r_.interface_name(i);
  }

  void interface(InterfaceId i) {
    const Interface& iface = r_.interfaces[i.index];
    docs(iface.docs);
    gate(iface.gate);
    line(fmt::format("interface {} {{", id(iface.name)));
    ++depth_;
    body(iface);
    --depth_;
    line("}");
  }

  void body(const Interface& iface) {
    types(iface.types, &iface.functions, nullptr);
    for (const Function& f : iface.functions)
      if (f.kind == FunctionKind::Freestanding) function(f, f.name);
  }

  // Is `t` a name `use` brought in? Then its target and the interface it comes from.
  std::optional<std::pair<InterfaceId, TypeId>> used(TypeId t) const {
    const TypeDef& d = r_.types[t.index];
    if (d.kind != TypeDefKind::Alias || d.elem.is_prim()) return std::nullopt;
    const TypeDef& target = r_.types[d.elem.id.index];
    if (target.name.empty() || target.owner_kind != OwnerKind::Interface) return std::nullopt;
    if (d.owner_kind == OwnerKind::Interface && d.owner == target.owner) return std::nullopt;
    return std::make_pair(InterfaceId{target.owner}, d.elem.id);
  }

  // Type definitions in order; consecutive `use`d names from one interface share a `use`.
  // Resource functions come from `functions` (an interface) or `world_items` (a world).
  void types(const std::vector<TypeId>& ts, const std::vector<Function>* functions,
             const std::vector<const Function*>* world_functions) {
    for (size_t i = 0; i < ts.size();) {
      if (auto u = used(ts[i])) {
        size_t j = i;
        bool any_docs = false;
        while (j < ts.size()) {
          auto v = used(ts[j]);
          if (!v || v->first != u->first || !(r_.types[ts[j].index].gate == r_.types[ts[i].index].gate)) break;
          any_docs = any_docs || !r_.types[ts[j].index].docs.empty();
          ++j;
        }
        sep();
        gate(r_.types[ts[i].index].gate);
        std::string head = fmt::format("use {}.{{", iface_path(u->first));
        auto name_of = [&](size_t k) {
          const TypeDef& d = r_.types[ts[k].index];
          const std::string& target = r_.types[d.elem.id.index].name;
          return target == d.name ? id(d.name) : fmt::format("{} as {}", id(target), id(d.name));
        };
        if (!any_docs) {
          std::string s = head;
          for (size_t k = i; k < j; ++k) s += (k > i ? ", " : "") + name_of(k);
          line(s + "};");
        } else {
          line(head);
          ++depth_;
          for (size_t k = i; k < j; ++k) {
            docs(r_.types[ts[k].index].docs);
            line(name_of(k) + ",");
          }
          --depth_;
          line("};");
        }
        i = j;
        continue;
      }
      typedef_(ts[i], functions, world_functions);
      ++i;
    }
  }

  void typedef_(TypeId t, const std::vector<Function>* functions,
                const std::vector<const Function*>* world_functions) {
    const TypeDef& d = r_.types[t.index];
    sep();
    docs(d.docs);
    gate(d.gate);
    std::string name = id(d.name);
    auto block = [&](const char* kw, auto&& each) {
      line(fmt::format("{} {} {{", kw, name));
      ++depth_;
      each();
      --depth_;
      line("}");
    };
    switch (d.kind) {
      case TypeDefKind::Alias: {
        std::string target = type(d.elem);
        // `type a = own<r>;` must not print as `type a = r;` (an alias of the resource).
        if (!d.elem.is_prim() && r_.types[d.elem.id.index].kind == TypeDefKind::Own &&
            r_.types[d.elem.id.index].name.empty())
          target = fmt::format("own<{}>", target);
        line(fmt::format("type {} = {};", name, target));
        break;
      }
      case TypeDefKind::Record:
        block("record", [&] {
          for (const Field& f : d.fields) {
            docs(f.docs);
            line(fmt::format("{}: {},", id(f.name), type(f.type)));
          }
        });
        break;
      case TypeDefKind::Variant:
      case TypeDefKind::Enum:
      case TypeDefKind::Flags: {
        const char* kw = d.kind == TypeDefKind::Variant ? "variant" : d.kind == TypeDefKind::Enum ? "enum" : "flags";
        block(kw, [&] {
          for (const Case& c : d.cases) {
            docs(c.docs);
            line(c.type ? fmt::format("{}({}),", id(c.name), type(*c.type)) : id(c.name) + ",");
          }
        });
        break;
      }
      case TypeDefKind::Resource: {
        std::vector<const Function*> fs;
        if (functions)
          for (const Function& f : *functions)
            if (f.kind != FunctionKind::Freestanding && f.resource == t) fs.push_back(&f);
        if (world_functions)
          for (const Function* f : *world_functions)
            if (f->resource == t) fs.push_back(f);
        if (fs.empty()) {
          line(fmt::format("resource {};", name));
          break;
        }
        block("resource", [&] {
          for (const Function* f : fs) function(*f, f->name);
        });
        break;
      }
      default: line(fmt::format("type {} = {};", name, type(Type::ref(t)))); break;
    }
  }

  std::string signature(const Function& f) const {
    std::string s = "(";
    size_t first = f.kind == FunctionKind::Method ? 1 : 0;  // `self` is implicit
    for (size_t i = first; i < f.params.size(); ++i)
      s += fmt::format("{}{}: {}", i > first ? ", " : "", id(f.params[i].name), type(f.params[i].type));
    s += ")";
    if (f.result) {
      bool implicit = false;
      if (f.kind == FunctionKind::Constructor && !f.result->is_prim()) {
        const TypeDef& d = r_.types[f.result->id.index];
        implicit = d.kind == TypeDefKind::Own && d.resource == f.resource;
      }
      if (!implicit) s += " -> " + type(*f.result);
    }
    return s;
  }

  void function(const Function& f, const std::string& name) {
    sep();
    docs(f.docs);
    gate(f.gate);
    switch (f.kind) {
      case FunctionKind::Constructor: line(fmt::format("constructor{};", signature(f))); break;
      case FunctionKind::Static: line(fmt::format("{}: static func{};", id(name), signature(f))); break;
      default: line(fmt::format("{}: func{};", id(name), signature(f))); break;
    }
  }

  void world(WorldId w) {
    const World& world = r_.worlds[w.index];
    docs(world.docs);
    gate(world.gate);
    line(fmt::format("world {} {{", id(world.name)));
    ++depth_;
    // Functions of world-level resources are printed inside the resource.
    std::vector<const Function*> resource_fns;
    for (const WorldItem& item : world.imports)
      if (item.kind == WorldItemKind::Function && item.function.kind != FunctionKind::Freestanding)
        resource_fns.push_back(&item.function);
    for (size_t i = 0; i < world.imports.size();) {
      const WorldItem& item = world.imports[i];
      if (item.kind == WorldItemKind::Type) {
        // A run of type items prints like an interface's types (sharing `use`s).
        std::vector<TypeId> run;
        while (i < world.imports.size() && world.imports[i].kind == WorldItemKind::Type)
          run.push_back(world.imports[i++].type);
        types(run, nullptr, &resource_fns);
        continue;
      }
      if (!(item.kind == WorldItemKind::Function && item.function.kind != FunctionKind::Freestanding))
        extern_item("import", item);
      ++i;
    }
    for (const WorldItem& item : world.exports) extern_item("export", item);
    --depth_;
    line("}");
  }

  void extern_item(const char* dir, const WorldItem& item) {
    if (item.kind != WorldItemKind::Type) sep();
    switch (item.kind) {
      case WorldItemKind::Interface: {
        const Interface& iface = r_.interfaces[item.interface.index];
        if (iface.name.empty()) {
          docs(item.docs);
          gate(item.gate);
          line(fmt::format("{} {}: interface {{", dir, id(item.name)));
          ++depth_;
          body(iface);
          --depth_;
          line("}");
          break;
        }
        docs(item.docs);
        gate(item.gate);
        if (item.name.empty()) line(fmt::format("{} {};", dir, iface_path(item.interface)));
        else line(fmt::format("{} {}: {};", dir, id(item.name), iface_path(item.interface)));
        break;
      }
      case WorldItemKind::Function:
        docs(item.docs);
        gate(item.gate);
        line(fmt::format("{} {}: func{};", dir, id(item.name), signature(item.function)));
        break;
      case WorldItemKind::Type: break;  // printed with the other types
    }
  }

  const Resolve& r_;
  std::optional<PackageId> home_;
  std::string out_;
  int depth_ = 0;
  bool fresh_ = true;
};

}  // namespace

std::string print(const Resolve& resolve, PackageId package) {
  Printer p(resolve, package);
  p.package(package);
  return p.take();
}

std::string print(const Resolve& resolve, WorldId world) {
  Printer p(resolve, std::nullopt);
  p.world_alone(world);
  return p.take();
}

std::string print_type(const Resolve& resolve, Type type) { return Printer(resolve, std::nullopt).type(type); }

}  // namespace shard::wit
