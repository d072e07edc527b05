// The component decoder: Binary.md -> Component (component.h).
//
// Only the binary grammar is checked here (errors are ErrorKind::Malformed with the byte
// offset); every rule Binary.md lists under "Validation ..." is left to validator.cpp.
// Constructs gated behind features after WASI 0.2 (Explainer.md: Gated Features: 🔀 async,
// 🧵 threads, 📝 error-context, 🪙 values, 🔧 fixed-size lists) are recognised by their
// opcodes and rejected with ErrorKind::Unsupported, so they are never misread as something else.
// 🗺️ map types are supported (the canonical ABI treats them as lists of pairs).
#include <fmt/format.h>

#include "binary/reader.h"
#include "component/component.h"

namespace shard::component {
namespace {

using binary::Reader;

constexpr uint32_t kMaxNesting = 100;  // nested components and component/instance types

class Decoder {
 public:
  explicit Decoder(std::shared_ptr<const std::vector<uint8_t>> bytes)
      : bytes_(std::move(bytes)), r_(bytes_->data(), 0, bytes_->size()) {}

  Result<Component> run() {
    Component c;
    component(c, 0, bytes_->size(), 0);
    if (unsupported_) return std::move(*unsupported_);
    if (r_.failed()) return r_.take_error();
    return c;
  }

 private:
  // ---- helpers ----------------------------------------------------------------------------
  bool fail(size_t off, std::string msg) { return r_.fail(off, std::move(msg)); }
  /// A feature after WASI 0.2: remembered as ErrorKind::Unsupported and decoding stops.
  bool unsupported(size_t off, std::string_view what) {
    if (!unsupported_ && r_.ok())
      unsupported_ = Error(ErrorKind::Unsupported, fmt::format("{} not supported yet", what), off);
    return r_.fail(off, "unsupported");
  }
  bool leading(size_t off, uint8_t b, std::string_view what) {
    return fail(off, fmt::format("invalid leading byte (0x{:x}) for {}", b, what));
  }
  template <class F>
  void vec(F&& f) {
    uint32_t n = r_.len();
    for (uint32_t i = 0; i < n && r_.ok(); ++i) f();
  }
  bool ok() const { return r_.ok(); }

  // Binary.md: Component Definitions. `depth` bounds recursion on hostile input.
  void component(Component& c, size_t begin, size_t end, uint32_t depth) {
    c.bytes = bytes_;
    c.offset = begin;
    c.size = end - begin;
    r_.seek(begin);
    r_.set_end(end);
    static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
    for (uint8_t m : kMagic)
      if (r_.u8() != m) {
        if (ok()) fail(begin, "magic header not detected");
        return;
      }
    size_t vpos = r_.pos();
    uint8_t v0 = r_.u8(), v1 = r_.u8(), l0 = r_.u8(), l1 = r_.u8();
    if (!ok()) return;
    if (l0 != 0x01 || l1 != 0x00) {
      fail(vpos, l0 == 0 && l1 == 0 ? "expected a component, found a core module" : "unknown binary version");
      return;
    }
    if (v0 != 0x0d || v1 != 0x00) {
      fail(vpos, fmt::format("unknown binary version: 0x{:x}", v0 | (v1 << 8)));
      return;
    }
    while (ok() && !r_.at_end()) {
      size_t id_pos = r_.pos();
      uint8_t id = r_.u8();
      uint32_t size = r_.u32();
      if (!ok()) return;
      size_t start = r_.pos();
      if (size > end - start) {
        fail(id_pos, "section size mismatch: unexpected end-of-file");
        return;
      }
      size_t send = start + size;
      r_.set_end(send);
      section(c, id, id_pos, send, depth);
      if (!ok()) return;
      if (r_.pos() != send) {
        fail(r_.pos(), "section size mismatch: unexpected content after last item");
        return;
      }
      r_.set_end(end);
    }
  }

  void add(Component& c, Definition::Kind kind, size_t index, size_t off) {
    c.defs.push_back({kind, static_cast<uint32_t>(index), off});
  }

  void section(Component& c, uint8_t id, size_t id_pos, size_t send, uint32_t depth) {
    switch (id) {
      case 0: {  // core:custom: a name, then opaque bytes
        r_.name();
        if (ok()) r_.seek(send);
        return;
      }
      case 1: {  // core:module, kept as a byte range (validated with load_module)
        size_t start = r_.pos();
        if (send - start < 8) return void(fail(start, "unexpected end-of-file"));
        c.core_modules.push_back({start, send - start});
        add(c, Definition::CoreModule, c.core_modules.size() - 1, start);
        r_.seek(send);
        return;
      }
      case 2: return vec([&] { size_t o = r_.pos(); c.core_instances.push_back(core_instance());
                               add(c, Definition::CoreInstance, c.core_instances.size() - 1, o); });
      case 3: return vec([&] { size_t o = r_.pos(); c.core_types.push_back(core_type(depth));
                               add(c, Definition::CoreType, c.core_types.size() - 1, o); });
      case 4: {
        if (depth + 1 >= kMaxNesting) return void(fail(id_pos, "nesting too deep"));
        size_t start = r_.pos(), outer_end = r_.end();
        Component child;
        component(child, start, send, depth + 1);
        if (!ok()) return;
        r_.set_end(outer_end);
        r_.seek(send);
        c.components.push_back(std::move(child));
        add(c, Definition::Component, c.components.size() - 1, start);
        return;
      }
      case 5: return vec([&] { size_t o = r_.pos(); c.instances.push_back(instance());
                               add(c, Definition::Instance, c.instances.size() - 1, o); });
      case 6: return vec([&] { size_t o = r_.pos(); c.aliases.push_back(alias());
                               add(c, Definition::Alias, c.aliases.size() - 1, o); });
      case 7: return vec([&] { size_t o = r_.pos(); c.types.push_back(type(depth));
                               add(c, Definition::Type, c.types.size() - 1, o); });
      case 8: return vec([&] { size_t o = r_.pos(); c.canons.push_back(canon());
                               add(c, Definition::Canon, c.canons.size() - 1, o); });
      case 9: {  // 🪙 start: f, vec(valueidx), result count
        size_t o = r_.pos();
        Start s;
        s.func = r_.u32();
        vec([&] { s.args.push_back(r_.u32()); });
        s.results = r_.u32();
        if (!ok()) return;
        c.starts.push_back(std::move(s));
        add(c, Definition::Start, c.starts.size() - 1, o);
        return;
      }
      case 10: return vec([&] { size_t o = r_.pos(); Import im; im.name = extern_name();
                                im.type = extern_type(); c.imports.push_back(std::move(im));
                                add(c, Definition::Import, c.imports.size() - 1, o); });
      case 11: return vec([&] { size_t o = r_.pos(); c.exports.push_back(export_());
                                add(c, Definition::Export, c.exports.size() - 1, o); });
      case 12: unsupported(id_pos, "value definitions (🪙)"); return;
      default: fail(id_pos, fmt::format("malformed section id: {}", id)); return;
    }
  }

  // ---- sorts (Binary.md: Instance Definitions) ----------------------------------------------
  Sort core_sort() {
    size_t o = r_.pos();
    uint8_t b = r_.u8();
    switch (b) {
      case 0x00: return Sort::CoreFunc;
      case 0x01: return Sort::CoreTable;
      case 0x02: return Sort::CoreMemory;
      case 0x03: return Sort::CoreGlobal;
      case 0x04: return Sort::CoreTag;
      case 0x10: return Sort::CoreType;
      case 0x11: return Sort::CoreModule;
      case 0x12: return Sort::CoreInstance;
    }
    if (ok()) leading(o, b, "core sort");
    return Sort::CoreFunc;
  }
  Sort sort() {
    size_t o = r_.pos();
    uint8_t b = r_.u8();
    switch (b) {
      case 0x00: return core_sort();
      case 0x01: return Sort::Func;
      case 0x02: unsupported(o, "the value sort (🪙)"); return Sort::Value;
      case 0x03: return Sort::Type;
      case 0x04: return Sort::Component;
      case 0x05: return Sort::Instance;
    }
    if (ok()) leading(o, b, "sort");
    return Sort::Func;
  }

  Instance core_instance() {
    Instance in;
    size_t o = r_.pos();
    uint8_t b = r_.u8();
    if (b == 0x00) {
      in.target = r_.u32();
      vec([&] {
        InstantiateArg a;
        a.offset = r_.pos();
        a.name = r_.name();
        size_t so = r_.pos();
        uint8_t s = r_.u8();
        if (ok() && s != 0x12) leading(so, s, "module instantiation argument");
        a.item = {Sort::CoreInstance, r_.u32()};
        in.args.push_back(std::move(a));
      });
    } else if (b == 0x01) {
      in.instantiate = false;
      vec([&] {
        InstantiateArg a;
        a.offset = r_.pos();
        a.name = r_.name();
        a.item.sort = core_sort();
        a.item.index = r_.u32();
        in.exports.push_back(std::move(a));
      });
    } else if (ok()) {
      leading(o, b, "core instance");
    }
    return in;
  }

  Instance instance() {
    Instance in;
    size_t o = r_.pos();
    uint8_t b = r_.u8();
    if (b == 0x00) {
      in.target = r_.u32();
      vec([&] {
        InstantiateArg a;
        a.offset = r_.pos();
        a.name = r_.name();
        a.item.sort = sort();
        a.item.index = r_.u32();
        in.args.push_back(std::move(a));
      });
    } else if (b == 0x01) {
      in.instantiate = false;
      vec([&] {
        InstantiateArg a;
        a.offset = r_.pos();
        ExternName n = extern_name();
        a.name = n.name;
        a.item.sort = sort();
        a.item.index = r_.u32();
        in.exports.push_back(std::move(a));
        in.export_names.push_back(std::move(n));
      });
    } else if (ok()) {
      leading(o, b, "instance");
    }
    return in;
  }

  // Binary.md: Alias Definitions.
  Alias alias() {
    Alias a;
    a.offset = r_.pos();
    a.sort = sort();
    size_t o = r_.pos();
    uint8_t b = r_.u8();
    switch (b) {
      case 0x00: a.kind = Alias::Export; a.instance = r_.u32(); a.name = r_.name(); break;
      case 0x01: a.kind = Alias::CoreExport; a.instance = r_.u32(); a.name = r_.name(); break;
      case 0x02:
        a.kind = Alias::Outer;
        a.count = r_.u32();
        a.index = r_.u32();
        break;
      default:
        if (ok()) leading(o, b, "alias");
    }
    return a;
  }

  // ---- core types (Binary.md: core:type) ----------------------------------------------------
  shard::ValType core_valtype() {
    size_t o = r_.pos();
    uint8_t b = r_.u8();
    switch (b) {
      case 0x7f: case 0x7e: case 0x7d: case 0x7c: case 0x7b: case 0x70: case 0x6f:
        return static_cast<shard::ValType>(b);
    }
    if (ok()) fail(o, fmt::format("invalid value type (0x{:x})", b));
    return shard::ValType::I32;
  }
  shard::FuncType core_functype_body() {
    shard::FuncType ft;
    vec([&] { ft.params.push_back(core_valtype()); });
    vec([&] { ft.results.push_back(core_valtype()); });
    return ft;
  }
  Limits limits(bool& shared) {
    Limits l;
    size_t o = r_.pos();
    uint8_t flags = r_.u8();
    if (flags > 3) {
      if (ok()) fail(o, flags & 4 ? "memory64 not supported yet" : "integer too large");
      return l;
    }
    shared = flags & 2;
    l.min = r_.u32();
    if (flags & 1) l.max = r_.u32();
    return l;
  }
  CoreExternType core_extern_type() {
    CoreExternType t;
    size_t o = r_.pos();
    uint8_t b = r_.u8();
    bool shared = false;
    switch (b) {
      case 0x00: t.kind = shard::ExternKind::Func; t.func_type = r_.u32(); break;
      case 0x01: {
        t.kind = shard::ExternKind::Table;
        t.table.elem = core_valtype();
        if (ok() && !is_ref(t.table.elem)) fail(o + 1, "malformed reference type");
        t.table.limits = limits(shared);
        if (shared && ok()) fail(o, "shared tables not supported yet");
        break;
      }
      case 0x02:
        t.kind = shard::ExternKind::Memory;
        t.memory.limits = limits(shared);
        if (shared && ok()) unsupported(o, "shared memory (threads)");
        break;
      case 0x03: {
        t.kind = shard::ExternKind::Global;
        t.global.type = core_valtype();
        size_t mo = r_.pos();
        uint8_t m = r_.u8();
        if (ok() && m > 1) fail(mo, "malformed mutability");
        t.global.mut = m == 1;
        break;
      }
      case 0x04: unsupported(o, "core tags (exception handling)"); break;
      default:
        if (ok()) leading(o, b, "core external kind");
    }
    return t;
  }

  CoreTypeDef core_type(uint32_t depth) {
    CoreTypeDef t;
    t.offset = r_.pos();
    uint8_t b = r_.u8();
    if (b == 0x60) {
      t.func = core_functype_body();
    } else if (b == 0x50) {
      t.is_module = true;
      if (depth + 1 >= kMaxNesting) return fail(t.offset, "nesting too deep"), t;
      vec([&] {
        CoreModuleDecl d;
        d.offset = r_.pos();
        uint8_t k = r_.u8();
        switch (k) {
          case 0x00:
            d.kind = CoreModuleDecl::Import;
            d.module = r_.name();
            d.name = r_.name();
            d.type = core_extern_type();
            break;
          case 0x01: {
            d.kind = CoreModuleDecl::Type;
            size_t o = r_.pos();
            uint8_t f = r_.u8();
            if (f == 0x50) unsupported(o, "nested module types");
            else if (f != 0x60 && ok()) unsupported(o, "core GC types (WebAssembly 3.0)");
            d.func = core_functype_body();
            break;
          }
          case 0x02: {
            d.kind = CoreModuleDecl::Alias;
            size_t o = r_.pos();
            uint8_t s = r_.u8(), kind = r_.u8();
            if (ok() && (s != 0x10 || kind != 0x01)) leading(o, s, "core alias");
            d.outer_count = r_.u32();
            d.outer_index = r_.u32();
            break;
          }
          case 0x03:
            d.kind = CoreModuleDecl::Export;
            d.name = r_.name();
            d.type = core_extern_type();
            break;
          default:
            if (ok()) leading(d.offset, k, "type in module type");
        }
        t.decls.push_back(std::move(d));
      });
    } else if (ok()) {
      if (b == 0x4e || b == 0x4f || b == 0x5e || b == 0x5f || b == 0x00) unsupported(t.offset, "core GC types (WebAssembly 3.0)");
      else leading(t.offset, b, "core type");
    }
    return t;
  }

  // ---- component types (Binary.md: Type Definitions) ----------------------------------------
  std::optional<PrimType> prim(uint8_t b) {
    if (b >= 0x73 && b <= 0x7f) return static_cast<PrimType>(0x7f - b);
    return std::nullopt;
  }
  ValType valtype() {
    size_t o = r_.pos();
    int64_t v = r_.s33();
    if (!ok()) return {};
    if (v >= 0) return {false, PrimType::Bool, static_cast<uint32_t>(v)};
    uint8_t b = static_cast<uint8_t>(v & 0x7f);
    if (r_.pos() == o + 1) {
      if (auto p = prim(b)) return {true, *p, 0};
      if (b == 0x64) return unsupported(o, "error-context (📝)"), ValType{};
    }
    fail(o, fmt::format("invalid leading byte (0x{:x}) for component value type", b));
    return {};
  }
  std::optional<ValType> opt_valtype() {
    size_t o = r_.pos();
    uint8_t b = r_.u8();
    if (b == 0x00) return std::nullopt;
    if (b == 0x01) return valtype();
    if (ok()) fail(o, "invalid leading byte for optional value type");
    return std::nullopt;
  }

  void defvaltype(uint8_t b, size_t o, DefValType& d) {
    if (auto p = prim(b)) {
      d.kind = DefValKind::Prim;
      d.prim = *p;
      return;
    }
    switch (b) {
      case 0x72:
        d.kind = DefValKind::Record;
        vec([&] { Case c; c.label = r_.name(); c.type = valtype(); d.cases.push_back(std::move(c)); });
        return;
      case 0x71:
        d.kind = DefValKind::Variant;
        vec([&] {
          Case c;
          c.label = r_.name();
          c.type = opt_valtype();
          size_t ro = r_.pos();
          uint8_t refines = r_.u8();
          if (ok() && refines != 0x00) {
            if (refines == 0x01) fail(ro, "variant case refines are not supported");
            else fail(ro, "invalid leading byte for variant case");
          }
          d.cases.push_back(std::move(c));
        });
        return;
      case 0x70: d.kind = DefValKind::List; d.elem = valtype(); return;
      case 0x6f: d.kind = DefValKind::Tuple; vec([&] { d.types.push_back(valtype()); }); return;
      case 0x6e: d.kind = DefValKind::Flags; vec([&] { d.labels.push_back(r_.name()); }); return;
      case 0x6d: d.kind = DefValKind::Enum; vec([&] { d.labels.push_back(r_.name()); }); return;
      case 0x6b: d.kind = DefValKind::Option; d.elem = valtype(); return;
      case 0x6a: d.kind = DefValKind::Result; d.elem = opt_valtype(); d.err = opt_valtype(); return;
      case 0x69: d.kind = DefValKind::Own; d.resource = r_.u32(); return;
      case 0x68: d.kind = DefValKind::Borrow; d.resource = r_.u32(); return;
      case 0x67: unsupported(o, "fixed-size lists (🔧)"); return;
      case 0x66: unsupported(o, "stream types (🔀 async)"); return;
      case 0x65: unsupported(o, "future types (🔀 async)"); return;
      case 0x64: unsupported(o, "error-context (📝)"); return;
      case 0x63: d.kind = DefValKind::Map; d.elem = valtype(); d.err = valtype(); return;  // 🗺️
    }
    leading(o, b, "component defined type");
  }

  TypeDef type(uint32_t depth) {
    TypeDef t;
    t.offset = r_.pos();
    uint8_t b = r_.u8();
    if (!ok()) return t;
    switch (b) {
      case 0x40:
        t.kind = TypeDef::Func;
        vec([&] { Param p; p.name = r_.name(); p.type = valtype(); t.func.params.push_back(std::move(p)); });
        {
          size_t o = r_.pos();
          uint8_t k = r_.u8();
          if (k == 0x00) {
            t.func.result = valtype();
          } else if (k == 0x01) {
            size_t z = r_.pos();
            if (r_.u8() != 0x00 && ok()) fail(z, "named results are not supported");
          } else if (ok()) {
            leading(o, k, "component function results");
          }
        }
        return t;
      case 0x43: unsupported(t.offset, "async function types (🔀)"); return t;
      case 0x41:
      case 0x42:
        t.kind = b == 0x41 ? TypeDef::Component : TypeDef::Instance;
        if (depth + 1 >= kMaxNesting) return fail(t.offset, "nesting too deep"), t;
        vec([&] { t.decls.push_back(decl(b == 0x41, depth + 1)); });
        return t;
      case 0x3f: {
        t.kind = TypeDef::Resource;
        size_t ro = r_.pos();
        t.resource.rep = core_valtype();
        if (ok() && t.resource.rep != shard::ValType::I32)
          fail(ro, "resources can only be represented by `i32`");
        size_t o = r_.pos();
        uint8_t has = r_.u8();
        if (has == 0x01) t.resource.dtor = r_.u32();
        else if (has != 0x00 && ok()) fail(o, "invalid leading byte for optional destructor");
        return t;
      }
    }
    t.kind = TypeDef::DefVal;
    defvaltype(b, t.offset, t.val);
    return t;
  }

  Decl decl(bool component_type, uint32_t depth) {
    Decl d;
    d.offset = r_.pos();
    uint8_t k = r_.u8();
    switch (k) {
      case 0x00: d.kind = Decl::CoreType; d.core_type = std::make_shared<CoreTypeDef>(core_type(depth)); break;
      case 0x01: d.kind = Decl::Type; d.type = std::make_shared<TypeDef>(type(depth)); break;
      case 0x02: d.kind = Decl::Alias; d.alias = std::make_shared<Alias>(alias()); break;
      case 0x03:
        if (!component_type) {
          if (ok()) leading(d.offset, k, "type in instance type");
          break;
        }
        d.kind = Decl::Import;
        d.name = extern_name();
        d.extern_type = extern_type();
        break;
      case 0x04:
        d.kind = Decl::Export;
        d.name = extern_name();
        d.extern_type = extern_type();
        break;
      default:
        if (ok()) leading(d.offset, k, component_type ? "type in component type" : "type in instance type");
    }
    return d;
  }

  // ---- imports and exports (Binary.md: Import and Export Definitions) -----------------------
  ExternName extern_name() {
    ExternName n;
    n.offset = r_.pos();
    uint8_t b = r_.u8();
    if (b == 0x00 || b == 0x01 || b == 0x02) {
      n.name = r_.name();
    } else if (ok()) {
      leading(n.offset, b, "component import/export name");
      return n;
    }
    if (b != 0x02) return n;
    bool seen[3] = {};
    vec([&] {
      size_t o = r_.pos();
      uint8_t a = r_.u8();
      if (a > 2) return void(ok() && leading(o, a, "import/export attribute"));
      if (seen[a]) n.duplicate_attribute = true;
      seen[a] = true;
      std::string s = r_.name();
      (a == 0 ? n.implements : a == 1 ? n.version_suffix : n.external_id) = std::move(s);
    });
    return n;
  }

  ExternType extern_type() {
    ExternType t;
    t.offset = r_.pos();
    uint8_t b = r_.u8();
    switch (b) {
      case 0x00: {
        size_t o = r_.pos();
        uint8_t m = r_.u8();
        if (ok() && m != 0x11) leading(o, m, "component external kind");
        t.kind = ExternKind::CoreModule;
        t.index = r_.u32();
        break;
      }
      case 0x01: t.kind = ExternKind::Func; t.index = r_.u32(); break;
      case 0x02: t.kind = ExternKind::Value; unsupported(t.offset, "value imports and exports (🪙)"); break;
      case 0x03: {
        t.kind = ExternKind::Type;
        size_t o = r_.pos();
        uint8_t bound = r_.u8();
        if (bound == 0x00) {
          t.bound_eq = true;
          t.index = r_.u32();
        } else if (bound != 0x01 && ok()) {
          leading(o, bound, "type bound");
        }
        break;
      }
      case 0x04: t.kind = ExternKind::Component; t.index = r_.u32(); break;
      case 0x05: t.kind = ExternKind::Instance; t.index = r_.u32(); break;
      default:
        if (ok()) leading(t.offset, b, "component external kind");
    }
    return t;
  }

  Export export_() {
    Export e;
    e.name = extern_name();
    e.item.sort = sort();
    e.item.index = r_.u32();
    size_t o = r_.pos();
    uint8_t has = r_.u8();
    if (has == 0x01) e.type = extern_type();
    else if (has != 0x00 && ok()) fail(o, "invalid leading byte for optional export type");
    return e;
  }

  // ---- canonical definitions (Binary.md: Canonical Definitions) -----------------------------
  CanonOpts opts() {
    CanonOpts o;
    o.offset = r_.pos();
    vec([&] {
      size_t p = r_.pos();
      uint8_t b = r_.u8();
      auto set = [&](std::optional<uint32_t>& slot) {
        if (slot) o.duplicate = true;
        slot = r_.u32();
      };
      switch (b) {
        case 0x00: case 0x01: case 0x02:
          if (o.string_encoding) o.duplicate = true;
          o.string_encoding = static_cast<StringEncoding>(b);
          break;
        case 0x03: set(o.memory); break;
        case 0x04: set(o.realloc); break;
        case 0x05: set(o.post_return); break;
        case 0x06: unsupported(p, "the `async` canonical option (🔀)"); break;
        case 0x07: unsupported(p, "the `callback` canonical option (🔀)"); break;
        default:
          if (ok()) leading(p, b, "canonical option");
      }
    });
    return o;
  }

  Canon canon() {
    Canon c;
    c.offset = r_.pos();
    uint8_t b = r_.u8();
    if (!ok()) return c;
    auto func_sort = [&] {
      size_t o = r_.pos();
      uint8_t s = r_.u8();
      if (ok() && s != 0x00) leading(o, s, "canonical function sort");
    };
    switch (b) {
      case 0x00: c.kind = Canon::Lift; func_sort(); c.func = r_.u32(); c.opts = opts(); c.type = r_.u32(); return c;
      case 0x01: c.kind = Canon::Lower; func_sort(); c.func = r_.u32(); c.opts = opts(); return c;
      case 0x02: c.kind = Canon::ResourceNew; c.type = r_.u32(); return c;
      case 0x03: c.kind = Canon::ResourceDrop; c.type = r_.u32(); return c;
      case 0x07: unsupported(c.offset, "async `resource.drop` (🔀)"); return c;
      case 0x04: c.kind = Canon::ResourceRep; c.type = r_.u32(); return c;
    }
    // Binary.md lists the 🔀/🧵/📝 built-ins between 0x05 and 0x42.
    if (b == 0x1c || b == 0x1d || b == 0x1e) unsupported(c.offset, "error-context built-ins (📝)");
    else if (b == 0x26 || (b >= 0x27 && b <= 0x2d && b != 0x0c) || (b >= 0x40 && b <= 0x42))
      unsupported(c.offset, "thread built-ins (🧵)");
    else if (b >= 0x05 && b <= 0x25) unsupported(c.offset, "async built-ins (🔀)");
    else leading(c.offset, b, "canonical function");
    return c;
  }

  std::shared_ptr<const std::vector<uint8_t>> bytes_;
  Reader r_;
  std::optional<Error> unsupported_;
};

}  // namespace

bool is_component(const std::vector<uint8_t>& b) {
  return b.size() >= 8 && b[0] == 0 && b[1] == 'a' && b[2] == 's' && b[3] == 'm' && b[6] == 1 && b[7] == 0;
}

Result<Component> decode_component(std::vector<uint8_t> bytes) {
  Decoder d(std::make_shared<const std::vector<uint8_t>>(std::move(bytes)));
  return d.run();
}

const char* to_string(Sort s) {
  static constexpr const char* kNames[] = {"core func", "core table", "core memory", "core global", "core tag",
                                           "core type", "core module", "core instance", "func", "value", "type",
                                           "component", "instance"};
  return kNames[static_cast<int>(s)];
}

const char* to_string(PrimType p) {
  static constexpr const char* kNames[] = {"bool", "s8", "u8", "s16", "u16", "s32", "u32",
                                           "s64", "u64", "f32", "f64", "char", "string"};
  return kNames[static_cast<int>(p)];
}

const char* to_string(ExternKind k) {
  static constexpr const char* kNames[] = {"core module", "func", "value", "type", "component", "instance"};
  return kNames[static_cast<int>(k)];
}

}  // namespace shard::component
