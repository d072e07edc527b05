// AST → component binary (Binary.md), resolving identifiers per index space.
//
// Definitions are resolved and encoded in order; a definition may only use what precedes it
// (Explainer.md: Component Definitions). Resolving a reference may first add an alias:
//  - an identifier bound in an enclosing component or type becomes `(alias outer depth idx)`
//    (Explainer.md: Alias Definitions, the inline outer alias sugar), one per use;
//  - `(sort $i "a" "b")` becomes export aliases of "a" from $i, then "b" from that instance.
// Consecutive definitions that share a section kind share one section, like wasm-tools does.
#include <fmt/format.h>

#include <array>
#include <unordered_map>

#include "component/text/parser.h"

namespace shard::component::text {

using shard::text::put_name;
using shard::text::put_s64;
using shard::text::put_u32;
using shard::text::TextError;
using Bytes = std::vector<uint8_t>;

namespace {

// Binary.md: core:sort and sort opcodes.
uint8_t core_sort_byte(Space s) {
  switch (s) {
    case Space::CoreFunc: return 0x00;
    case Space::CoreTable: return 0x01;
    case Space::CoreMemory: return 0x02;
    case Space::CoreGlobal: return 0x03;
    case Space::CoreTag: return 0x04;
    case Space::CoreType: return 0x10;
    case Space::CoreModule: return 0x11;
    default: return 0x12;
  }
}
void put_sort(Bytes& out, Space s) {
  if (is_core(s)) {
    out.push_back(0x00);
    out.push_back(core_sort_byte(s));
    return;
  }
  switch (s) {
    case Space::Func: out.push_back(0x01); break;
    case Space::Value: out.push_back(0x02); break;
    case Space::Type: out.push_back(0x03); break;
    case Space::Component: out.push_back(0x04); break;
    default: out.push_back(0x05); break;
  }
}

[[noreturn]] void fail_at(uint32_t line, uint32_t column, std::string msg) {
  throw TextError{Error{ErrorKind::Malformed, std::move(msg), SIZE_MAX, line, column}};
}

std::string describe(const Ref& r) {
  if (!r.is_id()) return std::to_string(r.num);
  if (r.id[0] == '\x01') return "(inline type)";
  return "$" + r.id;
}

class Encoder {
 public:
  Bytes component(std::vector<Field>& fields, const std::string& id) {
    push(ScopeKind::Component, id);
    for (Field& f : fields) component_field(f);
    Scope s = pop();
    Bytes out = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};  // Binary.md: preamble
    for (size_t i = 0; i < s.items.size();) {
      uint8_t sec = s.items[i].first;
      Bytes payload;
      if (sec == 1 || sec == 4) {
        // A core module or nested component is a section of its own.
        payload = std::move(s.items[i].second);
        ++i;
      } else {
        size_t j = i;
        while (j < s.items.size() && s.items[j].first == sec) ++j;
        put_u32(payload, j - i);
        for (size_t k = i; k < j; ++k) payload.insert(payload.end(), s.items[k].second.begin(), s.items[k].second.end());
        i = j;
      }
      out.push_back(sec);
      put_u32(out, payload.size());
      out.insert(out.end(), payload.begin(), payload.end());
    }
    return out;
  }

 private:
  enum class ScopeKind : uint8_t { Component, ComponentType, InstanceType, ModuleType };
  struct Scope {
    ScopeKind kind;
    std::string id;
    std::array<std::unordered_map<std::string, uint32_t>, kNumSpaces> names;
    std::array<uint32_t, kNumSpaces> counts{};
    /// Component: (section id, one item); types: (declarator opcode, declarator body).
    std::vector<std::pair<uint8_t, Bytes>> items;
  };
  std::vector<Scope> stack_;

  void push(ScopeKind k, const std::string& id) {
    stack_.emplace_back();
    stack_.back().kind = k;
    stack_.back().id = id;
  }
  Scope pop() {
    Scope s = std::move(stack_.back());
    stack_.pop_back();
    return s;
  }
  Scope& cur() { return stack_.back(); }

  uint32_t bind(Space s, const std::string& id, const Field* at) {
    Scope& sc = cur();
    uint32_t index = sc.counts[static_cast<int>(s)]++;
    if (!id.empty() && !sc.names[static_cast<int>(s)].emplace(id, index).second)
      fail_at(at ? at->line : 0, at ? at->column : 0, fmt::format("duplicate {} identifier ${}", space_name(s), id));
    return index;
  }

  // ---- references ----------------------------------------------------------------------

  /// Adds an alias definition/declarator to the current scope and binds it.
  uint32_t add_alias(Space s, const Bytes& target, const std::string& id) {
    Bytes b;
    if (cur().kind == ScopeKind::ModuleType) {
      b.push_back(0x10);  // Binary.md: core:alias ::= 0x10 0x01 ct idx
    } else {
      put_sort(b, s);
    }
    b.insert(b.end(), target.begin(), target.end());
    cur().items.emplace_back(cur().kind == ScopeKind::Component ? 6 : 2, std::move(b));
    return bind(s, id, nullptr);
  }

  uint32_t resolve_plain(const Ref& r, Space s) {
    if (!r.is_id()) return r.num;
    for (size_t depth = 0; depth < stack_.size(); ++depth) {
      Scope& sc = stack_[stack_.size() - 1 - depth];
      auto it = sc.names[static_cast<int>(s)].find(r.id);
      if (it == sc.names[static_cast<int>(s)].end()) continue;
      if (depth == 0) return it->second;
      // Explainer.md: outeraliassort ::= core module | core type | component | type.
      if (s != Space::CoreModule && s != Space::CoreType && s != Space::Component && s != Space::Type)
        fail_at(r.line, r.column, fmt::format("outer item `{}` is not a module, type, or component", r.id));
      // An identifier of an enclosing scope: Explainer.md, inline `outer` alias sugar.
      Bytes target = {0x02};
      if (cur().kind == ScopeKind::ModuleType) target = {0x01};
      put_u32(target, depth);
      put_u32(target, it->second);
      // Like wasm-tools, every use adds its own alias; the identifier stays unbound here.
      return add_alias(s, target, "");
    }
    fail_at(r.line, r.column, fmt::format("unknown {} {}", space_name(s), describe(r)));
  }

  uint32_t resolve(const Ref& r, Space s) {
    if (r.names.empty()) return resolve_plain(r, s);
    // Explainer.md: `(X idx name+)` projects exports, one alias per name. Core modules are
    // exported by component instances; other core sorts by core instances.
    if (is_core(s) && s != Space::CoreModule) {
      if (r.names.size() != 1) fail_at(r.line, r.column, "core export aliases take one name");
      Bytes target = {0x01};
      put_u32(target, resolve_plain(r, Space::CoreInstance));
      put_name(target, r.names[0]);
      return add_alias(s, target, "");
    }
    uint32_t index = resolve_plain(r, Space::Instance);
    for (size_t i = 0; i < r.names.size(); ++i) {
      Bytes target = {0x00};
      put_u32(target, index);
      put_name(target, r.names[i]);
      index = add_alias(i + 1 == r.names.size() ? s : Space::Instance, target, "");
    }
    return index;
  }

  void put_idx(Bytes& out, const Ref& r, Space s) { put_u32(out, resolve(r, s)); }
  void put_sortidx(Bytes& out, const SortRef& sr) {
    uint32_t index = resolve(sr.ref, sr.space);
    put_sort(out, sr.space);
    put_u32(out, index);
  }
  /// Binary.md: valtype ::= typeidx | primvaltype — an s33, so indices are signed LEB128.
  void put_valtype(Bytes& out, const ValType& v) {
    if (v.prim) {
      out.push_back(v.prim);
    } else {
      put_s64(out, resolve(v.ref, Space::Type));
    }
  }
  void put_opt_valtype(Bytes& out, const std::optional<ValType>& v) {
    if (!v) {
      out.push_back(0x00);
      return;
    }
    out.push_back(0x01);
    put_valtype(out, *v);
  }
  void put_nameattributes(Bytes& out, const std::string& name, const Bytes& attrs, bool has) {
    out.push_back(has ? 0x02 : 0x00);
    put_name(out, name);
    out.insert(out.end(), attrs.begin(), attrs.end());
  }

  // ---- types (Binary.md: Type Definitions) -------------------------------------------------

  /// `scope_id` names the scope of a component/instance/module type, for `(alias outer $T ...)`.
  void put_deftype(Bytes& out, TypeDef& td, const std::string& scope_id = "") {
    using K = TypeDef::Kind;
    switch (td.kind) {
      case K::Prim: out.push_back(td.prim); break;
      case K::Record:
        out.push_back(0x72);
        put_u32(out, td.labels.size());
        for (size_t i = 0; i < td.labels.size(); ++i) {
          put_name(out, td.labels[i]);
          put_valtype(out, *td.types[i]);
        }
        break;
      case K::Variant:
        out.push_back(0x71);
        put_u32(out, td.labels.size());
        for (size_t i = 0; i < td.labels.size(); ++i) {
          put_name(out, td.labels[i]);
          put_opt_valtype(out, td.types[i]);
          out.push_back(0x00);
        }
        break;
      case K::List:
        out.push_back(td.prim ? 0x67 : 0x70);
        put_valtype(out, *td.types[0]);
        if (td.prim) put_u32(out, td.ref.num);
        break;
      case K::Tuple:
        out.push_back(0x6f);
        put_u32(out, td.types.size());
        for (auto& t : td.types) put_valtype(out, *t);
        break;
      case K::Flags:
      case K::Enum:
        out.push_back(td.kind == K::Flags ? 0x6e : 0x6d);
        put_u32(out, td.labels.size());
        for (auto& l : td.labels) put_name(out, l);
        break;
      case K::Option:
        out.push_back(0x6b);
        put_valtype(out, *td.types[0]);
        break;
      case K::Result:
        out.push_back(0x6a);
        put_opt_valtype(out, td.types[0]);
        put_opt_valtype(out, td.types[1]);
        break;
      case K::Own:
      case K::Borrow:
        out.push_back(td.kind == K::Own ? 0x69 : 0x68);
        put_idx(out, td.ref, Space::Type);
        break;
      case K::Map:
        out.push_back(0x63);
        put_valtype(out, *td.types[0]);
        put_valtype(out, *td.types[1]);
        break;
      case K::Func: {
        out.push_back(0x40);
        put_u32(out, td.labels.size());
        for (size_t i = 0; i < td.labels.size(); ++i) {
          put_name(out, td.labels[i]);
          put_valtype(out, *td.types[i]);
        }
        if (td.has_result) {
          out.push_back(0x00);
          put_valtype(out, *td.types.back());
        } else {
          out.push_back(0x01);
          out.push_back(0x00);
        }
        break;
      }
      case K::Component:
      case K::Instance: {
        push(td.kind == K::Component ? ScopeKind::ComponentType : ScopeKind::InstanceType, scope_id);
        for (Field& d : td.decls) type_decl(d);
        Scope s = pop();
        out.push_back(td.kind == K::Component ? 0x41 : 0x42);
        put_decls(out, s);
        break;
      }
      case K::Resource:
        out.push_back(0x3f);
        out.push_back(td.rep);
        if (td.has_dtor) {
          out.push_back(0x01);
          put_idx(out, td.ref, Space::CoreFunc);
        } else {
          out.push_back(0x00);
        }
        break;
      case K::CoreFunc:
        out.push_back(0x60);
        put_u32(out, td.core_params.size());
        out.insert(out.end(), td.core_params.begin(), td.core_params.end());
        put_u32(out, td.core_results.size());
        out.insert(out.end(), td.core_results.begin(), td.core_results.end());
        break;
      case K::CoreModule: {
        push(ScopeKind::ModuleType, scope_id);
        for (Field& d : td.decls) module_decl(d);
        Scope s = pop();
        out.push_back(0x50);
        put_decls(out, s);
        break;
      }
    }
  }
  static void put_decls(Bytes& out, Scope& s) {
    put_u32(out, s.items.size());
    for (auto& [op, body] : s.items) {
      out.push_back(op);
      out.insert(out.end(), body.begin(), body.end());
    }
  }

  /// Binary.md: externtype.
  void put_externtype(Bytes& out, const ExternType& e) {
    switch (e.space) {
      case Space::CoreModule:
        out.push_back(0x00);
        out.push_back(0x11);
        put_idx(out, e.type, Space::CoreType);
        break;
      case Space::Func:
        out.push_back(0x01);
        put_idx(out, e.type, Space::Type);
        break;
      case Space::Type:
        out.push_back(0x03);
        if (e.sub_resource) {
          out.push_back(0x01);
        } else {
          out.push_back(0x00);
          put_idx(out, e.type, Space::Type);
        }
        break;
      case Space::Component:
        out.push_back(0x04);
        put_idx(out, e.type, Space::Type);
        break;
      default:
        out.push_back(0x05);
        put_idx(out, e.type, Space::Type);
        break;
    }
  }

  Bytes alias_body(const Field& f) {
    Bytes b;
    b.push_back(f.alias_kind);
    if (f.alias_kind == 0x00) {
      put_idx(b, f.instance, Space::Instance);
      put_name(b, f.name);
    } else if (f.alias_kind == 0x01) {
      put_idx(b, f.instance, Space::CoreInstance);
      put_name(b, f.name);
    } else {
      // Binary.md: outer aliases count enclosing scopes; `$id` names one of them.
      uint32_t depth = f.outer.num;
      if (f.outer.is_id()) {
        depth = UINT32_MAX;
        for (size_t d = 0; d < stack_.size(); ++d) {
          if (stack_[stack_.size() - 1 - d].id == f.outer.id) {
            depth = static_cast<uint32_t>(d);
            break;
          }
        }
        if (depth == UINT32_MAX) fail_at(f.outer.line, f.outer.column, fmt::format("outer scope ${} not found", f.outer.id));
      }
      uint32_t index = f.index.num;
      if (f.index.is_id()) {
        if (depth >= stack_.size()) fail_at(f.outer.line, f.outer.column, "outer count too large");
        Scope& target = stack_[stack_.size() - 1 - depth];
        auto& names = target.names[static_cast<int>(f.space)];
        auto it = names.find(f.index.id);
        if (it == names.end())
          fail_at(f.index.line, f.index.column, fmt::format("unknown {} ${}", space_name(f.space), f.index.id));
        index = it->second;
      }
      put_u32(b, depth);
      put_u32(b, index);
    }
    return b;
  }

  // ---- declarators (Binary.md: componentdecl, instancedecl, core:moduledecl) --------------

  void type_decl(Field& f) {
    Bytes b;
    uint8_t op = 0;
    Space bound = Space::Type;
    switch (f.kind) {
      case Field::Kind::CoreType: {
        b = type_def_body(f);
        op = 0x00;
        bound = Space::CoreType;
        break;
      }
      case Field::Kind::Type:
        b = type_def_body(f);
        op = 0x01;
        break;
      case Field::Kind::Alias: {
        Bytes target = alias_body(f);
        put_sort(b, f.space);
        b.insert(b.end(), target.begin(), target.end());
        op = 0x02;
        bound = f.space;
        break;
      }
      case Field::Kind::Import:
      case Field::Kind::Export:
        put_nameattributes(b, f.name, f.attributes, f.has_attributes);
        put_externtype(b, f.ext);
        op = f.kind == Field::Kind::Import ? 0x03 : 0x04;
        bound = f.ext.space;
        break;
      default: fail_at(f.line, f.column, "unexpected declarator");
    }
    cur().items.emplace_back(op, std::move(b));
    bind(bound, f.id, &f);
  }

  void module_decl(Field& f) {
    Bytes b;
    uint8_t op = 0;
    Space bound = Space::CoreType;
    switch (f.kind) {
      case Field::Kind::CoreType:
        put_deftype(b, f.type);
        op = 0x01;
        break;
      case Field::Kind::Alias: {
        // Binary.md: core:alias ::= 0x10 0x01 ct idx (outer type aliases only).
        Bytes target = alias_body(f);
        b.push_back(0x10);
        b.push_back(0x01);
        b.insert(b.end(), target.begin() + 1, target.end());
        op = 0x02;
        break;
      }
      case Field::Kind::Import:
      case Field::Kind::Export: {
        put_name(b, f.name);
        if (f.kind == Field::Kind::Import) put_name(b, f.name2);
        const ExternType& e = f.ext;
        b.push_back(core_sort_byte(e.space));
        if (e.space == Space::CoreFunc) {
          put_idx(b, e.type, Space::CoreType);
        } else if (e.space == Space::CoreTag) {
          b.push_back(0x00);
          put_idx(b, e.type, Space::CoreType);
        } else {
          b.insert(b.end(), e.core_desc.begin(), e.core_desc.end());
        }
        op = f.kind == Field::Kind::Import ? 0x00 : 0x03;
        bound = e.space;
        break;
      }
      default: fail_at(f.line, f.column, "unexpected module type declarator");
    }
    cur().items.emplace_back(op, std::move(b));
    if (f.kind != Field::Kind::Export) bind(bound, f.id, &f);
  }

  Bytes type_def_body(Field& f) {
    Bytes b;
    put_deftype(b, f.type, f.id);
    return b;
  }

  // ---- component definitions (Binary.md: section) -----------------------------------------

  void component_field(Field& f) {
    Bytes b;
    uint8_t sec = 0;
    Space bound = Space::Type;
    switch (f.kind) {
      case Field::Kind::CoreModule:
        b = std::move(f.module_bytes);
        sec = 1;
        bound = Space::CoreModule;
        break;
      case Field::Kind::CoreInstance:
        sec = 2;
        bound = Space::CoreInstance;
        if (f.instantiate) {
          b.push_back(0x00);
          put_idx(b, f.target, Space::CoreModule);
          put_u32(b, f.items.size());
          for (auto& a : f.items) {
            put_name(b, a.name);
            b.push_back(0x12);
            put_idx(b, a.item.ref, Space::CoreInstance);
          }
        } else {
          b.push_back(0x01);
          put_u32(b, f.items.size());
          for (auto& e : f.items) {
            uint32_t index = resolve(e.item.ref, e.item.space);
            put_name(b, e.name);
            b.push_back(core_sort_byte(e.item.space));
            put_u32(b, index);
          }
        }
        break;
      case Field::Kind::CoreType:
        sec = 3;
        bound = Space::CoreType;
        b = type_def_body(f);
        break;
      case Field::Kind::Component:
        sec = 4;
        bound = Space::Component;
        b = Encoder().nested(stack_, f.fields, f.id);
        break;
      case Field::Kind::Instance:
        sec = 5;
        bound = Space::Instance;
        if (f.instantiate) {
          b.push_back(0x00);
          put_idx(b, f.target, Space::Component);
          put_u32(b, f.items.size());
          for (auto& a : f.items) {
            Bytes si;
            put_sortidx(si, a.item);
            put_name(b, a.name);
            b.insert(b.end(), si.begin(), si.end());
          }
        } else {
          b.push_back(0x01);
          put_u32(b, f.items.size());
          for (auto& e : f.items) {
            Bytes si;
            put_sortidx(si, e.item);
            put_nameattributes(b, e.name, e.attributes, e.has_attributes);
            b.insert(b.end(), si.begin(), si.end());
          }
        }
        break;
      case Field::Kind::Alias: {
        sec = 6;
        bound = f.space;
        Bytes target = alias_body(f);
        put_sort(b, f.space);
        b.insert(b.end(), target.begin(), target.end());
        break;
      }
      case Field::Kind::Type:
        sec = 7;
        b = type_def_body(f);
        break;
      case Field::Kind::Canon:
        sec = 8;
        bound = f.space;
        b.push_back(f.canon_op);
        if (f.canon_op <= 0x01) {
          b.push_back(0x00);
          put_idx(b, f.func, f.canon_op == 0x00 ? Space::CoreFunc : Space::Func);
          put_u32(b, f.opts.size());
          for (auto& o : f.opts) {
            b.push_back(o.code);
            if (o.code >= 0x03) put_idx(b, o.ref, o.code == 0x03 ? Space::CoreMemory : Space::CoreFunc);
          }
          if (f.canon_op == 0x00) put_idx(b, f.func_type, Space::Type);
        } else {
          put_idx(b, f.func, Space::Type);
        }
        break;
      case Field::Kind::Import:
        sec = 10;
        bound = f.ext.space;
        put_nameattributes(b, f.name, f.attributes, f.has_attributes);
        put_externtype(b, f.ext);
        break;
      case Field::Kind::Export: {
        sec = 11;
        bound = f.item.space;
        Bytes si;
        put_sortidx(si, f.item);
        put_nameattributes(b, f.name, f.attributes, f.has_attributes);
        b.insert(b.end(), si.begin(), si.end());
        if (f.has_ext) {
          b.push_back(0x01);
          put_externtype(b, f.ext);
        } else {
          b.push_back(0x00);
        }
        break;
      }
    }
    cur().items.emplace_back(sec, std::move(b));
    bind(bound, f.id, &f);
  }

  /// A nested component: a fresh encoder that sees the enclosing scopes for outer aliases.
  Bytes nested(std::vector<Scope>& outer, std::vector<Field>& fields, const std::string& id) {
    stack_ = std::move(outer);
    Bytes b;
    try {
      b = component(fields, id);
    } catch (...) {
      outer = std::move(stack_);
      throw;
    }
    outer = std::move(stack_);
    return b;
  }
};

}  // namespace

std::vector<uint8_t> encode_component(std::vector<Field>& fields, const std::string& id) {
  return Encoder().component(fields, id);
}

}  // namespace shard::component::text
