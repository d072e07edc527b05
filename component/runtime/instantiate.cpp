#include <fmt/format.h>

#include "component/runtime/instance.h"
#include "try.h"
#include "valid/validator.h"

namespace shard::component::run {

namespace {

/// A core instance: its exports by name (a module instance's, or an inline bag's).
struct CoreInst {
  std::vector<std::pair<std::string, rt::Extern>> exports;
  const rt::Extern* find(std::string_view name) const {
    for (auto& [n, e] : exports)
      if (n == name) return &e;
    return nullptr;
  }
};

}  // namespace

/// The index spaces of one component instance while it is being instantiated (and after, for
/// the outer aliases of the component definitions nested in it).
struct Frame {
  std::shared_ptr<Frame> outer;
  abi::ComponentInstance* inst = nullptr;
  std::vector<rt::FuncInst*> core_funcs;
  std::vector<rt::TableInst*> core_tables;
  std::vector<rt::MemoryInst*> core_memories;
  std::vector<rt::GlobalInst*> core_globals;
  std::vector<rt::TagInst*> core_tags;
  size_t core_types = 0;  // core types have no run-time meaning; only their count matters
  std::vector<std::shared_ptr<const WasmModule>> core_modules;
  std::vector<std::shared_ptr<const CoreInst>> core_instances;
  std::vector<FuncRef> funcs;
  std::vector<Type> types;
  std::vector<std::shared_ptr<const Closure>> components;
  std::vector<InstanceRef> instances;
};

Store::Store(rt::StoreConfig config, rt::Tier* tier) : core_(config, tier) {}
Store::~Store() = default;

abi::ComponentInstance* Store::new_component_instance(abi::ComponentInstance* parent) {
  instances_.push_back(std::make_unique<abi::ComponentInstance>(parent));
  return instances_.back().get();
}

abi::ResourceType* Store::new_resource_type() {
  resources_.push_back(std::make_unique<abi::ResourceType>());
  return resources_.back().get();
}

abi::GuestMemory* Store::memory_view(rt::MemoryInst* mem) {
  auto& slot = memories_[mem];
  if (!slot) slot = std::make_unique<abi::RtMemory>(mem);
  return slot.get();
}

Result<std::shared_ptr<Loaded>> load(std::vector<uint8_t> bytes) {
  auto c = decode_component(std::move(bytes));
  if (!c) return std::move(c).error();
  ValidatedModules modules;
  auto v = validate_component(*c, &modules);
  if (!v) return std::move(v).error();
  return loaded(std::move(c).value(), std::move(modules));
}

std::shared_ptr<Loaded> loaded(Component c, ValidatedModules modules) {
  auto l = std::make_shared<Loaded>();
  // The keys point at elements of the Component's vectors, whose buffers move with it.
  l->component = std::move(c);
  l->modules = std::move(modules);
  return l;
}

namespace {

Error internal(const std::string& what) {
  // The validator rules these out; reaching one means a validator gap, not a guest fault.
  return Error(ErrorKind::Invalid, "component instantiation: " + what);
}

const char* kind_name(ExternKind k) { return to_string(k); }

class Instantiator {
 public:
  explicit Instantiator(Store& store) : store_(store) {}

  Result<InstanceRef> run(const Closure& def, const std::map<std::string, Item>& args, abi::ComponentInstance* parent) {
    auto f = std::make_shared<Frame>();
    f->outer = def.outer.lock();
    if (def.nested && !f->outer)
      return Error(ErrorKind::Unlinkable, "a nested component definition cannot be instantiated after its store is gone");
    store_.keep(f);  // outer aliases of the components defined in it refer to it
    f->inst = store_.new_component_instance(parent);
    root_ = def.root.get();
    auto out = std::make_shared<Instance>();
    const Component& c = *def.component;
    for (const Definition& d : c.defs) {
      Result<void> r;
      switch (d.kind) {
        case Definition::CoreModule: r = core_module(*f, c.core_modules[d.index]); break;
        case Definition::CoreInstance: r = core_instance(*f, c.core_instances[d.index]); break;
        case Definition::CoreType: ++f->core_types; break;
        case Definition::Component:
          f->components.push_back(std::make_shared<Closure>(Closure{def.root, &c.components[d.index], f, true}));
          break;
        case Definition::Instance: r = instance(f, c.instances[d.index]); break;
        case Definition::Alias: r = alias(*f, c.aliases[d.index]); break;
        case Definition::Type: r = type_def(*f, c.types[d.index]); break;
        case Definition::Canon: r = canon(*f, c.canons[d.index]); break;
        case Definition::Start: r = start(*f, c.starts[d.index]); break;
        case Definition::Import: r = import(*f, c.imports[d.index], args); break;
        case Definition::Export: {
          const Export& ex = c.exports[d.index];
          SHARD_TRY(item, item_of(*f, ex.item));
          push(*f, item);
          out->exports.emplace_back(ex.name.name, std::move(item));
          break;
        }
      }
      if (!r) {
        Error e = std::move(r).error();
        if (e.offset == SIZE_MAX) e.offset = d.offset;
        return e;
      }
    }
    return InstanceRef(std::move(out));
  }

 private:
  Store& store_;
  Loaded* root_ = nullptr;

  // ---- items ----
  static Result<Item> item_of(const Frame& f, SortIdx si) {
    Item it;
    auto bad = [&]() { return internal(fmt::format("{} index {} out of bounds", to_string(si.sort), si.index)); };
    switch (si.sort) {
      case Sort::Func:
        if (si.index >= f.funcs.size()) return bad();
        it.kind = ExternKind::Func;
        it.func = f.funcs[si.index];
        return it;
      case Sort::Type:
        if (si.index >= f.types.size()) return bad();
        it.kind = ExternKind::Type;
        it.type = f.types[si.index];
        return it;
      case Sort::Component:
        if (si.index >= f.components.size()) return bad();
        it.kind = ExternKind::Component;
        it.component = f.components[si.index];
        return it;
      case Sort::Instance:
        if (si.index >= f.instances.size()) return bad();
        it.kind = ExternKind::Instance;
        it.instance = f.instances[si.index];
        return it;
      case Sort::CoreModule:
        if (si.index >= f.core_modules.size()) return bad();
        it.kind = ExternKind::CoreModule;
        it.module = f.core_modules[si.index];
        return it;
      default:
        return Error(ErrorKind::Unsupported, fmt::format("{} items not supported yet", to_string(si.sort)));
    }
  }

  static void push(Frame& f, const Item& it) {
    switch (it.kind) {
      case ExternKind::Func: f.funcs.push_back(it.func); break;
      case ExternKind::Type: f.types.push_back(it.type); break;
      case ExternKind::Component: f.components.push_back(it.component); break;
      case ExternKind::Instance: f.instances.push_back(it.instance); break;
      case ExternKind::CoreModule: f.core_modules.push_back(it.module); break;
      case ExternKind::Value: break;
    }
  }

  static Result<void> push_core(Frame& f, Sort sort, const rt::Extern& x, std::string_view name) {
    bool ok = false;
    switch (sort) {
      case Sort::CoreFunc:
        if ((ok = x.as_func() != nullptr)) f.core_funcs.push_back(x.as_func());
        break;
      case Sort::CoreTable:
        if ((ok = x.as_table() != nullptr)) f.core_tables.push_back(x.as_table());
        break;
      case Sort::CoreMemory:
        if ((ok = x.as_memory() != nullptr)) f.core_memories.push_back(x.as_memory());
        break;
      case Sort::CoreGlobal:
        if ((ok = x.as_global() != nullptr)) f.core_globals.push_back(x.as_global());
        break;
      case Sort::CoreTag:
        if ((ok = x.as_tag() != nullptr)) f.core_tags.push_back(x.as_tag());
        break;
      default: break;
    }
    if (!ok) return internal(fmt::format("core export `{}` is not a {}", name, to_string(sort)));
    return {};
  }

  static Result<rt::Extern> core_item(const Frame& f, SortIdx si) {
    auto bad = [&]() { return internal(fmt::format("{} index {} out of bounds", to_string(si.sort), si.index)); };
    switch (si.sort) {
      case Sort::CoreFunc:
        if (si.index >= f.core_funcs.size()) return bad();
        return rt::Extern::func(f.core_funcs[si.index]);
      case Sort::CoreTable:
        if (si.index >= f.core_tables.size()) return bad();
        return rt::Extern::table(f.core_tables[si.index]);
      case Sort::CoreMemory:
        if (si.index >= f.core_memories.size()) return bad();
        return rt::Extern::memory(f.core_memories[si.index]);
      case Sort::CoreGlobal:
        if (si.index >= f.core_globals.size()) return bad();
        return rt::Extern::global(f.core_globals[si.index]);
      case Sort::CoreTag:
        if (si.index >= f.core_tags.size()) return bad();
        return rt::Extern::tag(f.core_tags[si.index]);
      default:
        return Error(ErrorKind::Unsupported, fmt::format("core {} items not supported yet", to_string(si.sort)));
    }
  }

  // ---- core modules and instances ----
  Result<void> core_module(Frame& f, const CoreModule& m) {
    auto& slot = root_->modules[&m];
    if (!slot) {
      const auto& bytes = *root_->component.bytes;
      std::vector<uint8_t> b(bytes.begin() + static_cast<ptrdiff_t>(m.offset),
                             bytes.begin() + static_cast<ptrdiff_t>(m.offset + m.size));
      auto wm = load_module(std::move(b));
      if (!wm) {
        Error e = std::move(wm).error();
        if (e.offset != SIZE_MAX) e.offset += m.offset;
        return e;
      }
      slot = std::make_shared<const WasmModule>(std::move(wm).value());
    }
    f.core_modules.push_back(slot);
    return {};
  }

  Result<void> core_instance(Frame& f, const component::Instance& in) {
    auto ci = std::make_shared<CoreInst>();
    if (!in.instantiate) {
      for (const InstantiateArg& a : in.exports) {
        SHARD_TRY(x, core_item(f, a.item));
        ci->exports.emplace_back(a.name, x);
      }
      f.core_instances.push_back(std::move(ci));
      return {};
    }
    if (in.target >= f.core_modules.size()) return internal("core module index out of bounds");
    std::shared_ptr<const WasmModule> m = f.core_modules[in.target];
    std::map<std::string, const CoreInst*> args;
    for (const InstantiateArg& a : in.args) {
      if (a.item.sort != Sort::CoreInstance || a.item.index >= f.core_instances.size())
        return internal("core instantiation argument is not a core instance");
      args[a.name] = f.core_instances[a.item.index].get();
    }
    std::vector<rt::Extern> externs;
    externs.reserve(m->imports.size());
    for (const auto& im : m->imports) {
      auto it = args.find(im.module);
      const rt::Extern* x = it == args.end() ? nullptr : it->second->find(im.name);
      if (x == nullptr)
        return Error(ErrorKind::Unlinkable, fmt::format("core module import `{}` `{}` not supplied", im.module, im.name));
      externs.push_back(*x);
    }
    auto inst = rt::instantiate(store_.core(), m, externs);
    if (!inst) return std::move(inst).error();
    for (auto& [name, x] : (*inst)->exports) ci->exports.emplace_back(name, x);
    f.core_instances.push_back(std::move(ci));
    return {};
  }

  // ---- component instances ----
  Result<void> instance(const std::shared_ptr<Frame>& f, const component::Instance& in) {
    if (!in.instantiate) {
      auto out = std::make_shared<Instance>();
      for (const InstantiateArg& a : in.exports) {
        SHARD_TRY(item, item_of(*f, a.item));
        out->exports.emplace_back(a.name, std::move(item));
      }
      f->instances.push_back(std::move(out));
      return {};
    }
    if (in.target >= f->components.size()) return internal("component index out of bounds");
    std::map<std::string, Item> args;
    for (const InstantiateArg& a : in.args) {
      SHARD_TRY(item, item_of(*f, a.item));
      args[a.name] = std::move(item);
    }
    Instantiator child(store_);
    SHARD_TRY(inst, child.run(*f->components[in.target], args, f->inst));
    f->instances.push_back(std::move(inst));
    return {};
  }

  // ---- aliases ----
  static Result<void> alias(Frame& f, const Alias& a) {
    switch (a.kind) {
      case Alias::Export: {
        if (a.instance >= f.instances.size()) return internal("instance index out of bounds");
        const Item* it = f.instances[a.instance]->find(a.name);
        // only an instance the host supplied can lack an export the validator saw in its type
        if (it == nullptr) return Error(ErrorKind::Unlinkable, fmt::format("instance {} has no export `{}`", a.instance, a.name));
        push(f, *it);
        return {};
      }
      case Alias::CoreExport: {
        if (a.instance >= f.core_instances.size()) return internal("core instance index out of bounds");
        const rt::Extern* x = f.core_instances[a.instance]->find(a.name);
        if (x == nullptr) return internal(fmt::format("core instance {} has no export `{}`", a.instance, a.name));
        return push_core(f, a.sort, *x, a.name);
      }
      case Alias::Outer: {
        const Frame* t = &f;
        for (uint32_t i = 0; i < a.count; ++i) {
          if (!t->outer) return internal("outer alias count out of bounds");
          t = t->outer.get();
        }
        switch (a.sort) {
          case Sort::CoreModule:
            if (a.index >= t->core_modules.size()) return internal("outer core module out of bounds");
            f.core_modules.push_back(t->core_modules[a.index]);
            return {};
          case Sort::CoreType: ++f.core_types; return {};
          case Sort::Component:
            if (a.index >= t->components.size()) return internal("outer component out of bounds");
            f.components.push_back(t->components[a.index]);
            return {};
          case Sort::Type:
            if (a.index >= t->types.size()) return internal("outer type out of bounds");
            f.types.push_back(t->types[a.index]);
            return {};
          default: return internal("outer alias of a sort that may not be aliased");
        }
      }
    }
    return {};
  }

  // ---- types ----
  static Result<abi::TypeRef> valtype(const Frame& f, const ValType& v) {
    if (v.is_prim) return abi::ValType::prim(static_cast<abi::TypeKind>(v.prim));
    if (v.index >= f.types.size() || f.types[v.index].kind != Type::Value)
      return internal(fmt::format("type {} is not a value type", v.index));
    return f.types[v.index].value;
  }

  static Result<abi::TypeRef> opt_valtype(const Frame& f, const std::optional<ValType>& v) {
    if (!v) return abi::TypeRef{};
    return valtype(f, *v);
  }

  static Result<const abi::ResourceType*> resource(const Frame& f, uint32_t idx) {
    if (idx >= f.types.size() || f.types[idx].kind != Type::Resource)
      return internal(fmt::format("type {} is not a resource type", idx));
    return f.types[idx].resource;
  }

  static Result<abi::TypeRef> defval(const Frame& f, const DefValType& d) {
    switch (d.kind) {
      case DefValKind::Prim: return abi::ValType::prim(static_cast<abi::TypeKind>(d.prim));
      case DefValKind::Record: {
        std::vector<abi::Field> fields;
        for (const Case& c : d.cases) {
          SHARD_TRY(t, opt_valtype(f, c.type));
          fields.push_back({c.label, std::move(t)});
        }
        return abi::ValType::record(std::move(fields));
      }
      case DefValKind::Variant: {
        std::vector<abi::Case> cases;
        for (const Case& c : d.cases) {
          SHARD_TRY(t, opt_valtype(f, c.type));
          cases.push_back({c.label, std::move(t)});
        }
        return abi::ValType::variant(std::move(cases));
      }
      case DefValKind::List: {
        SHARD_TRY(t, opt_valtype(f, d.elem));
        return abi::ValType::list(std::move(t));
      }
      case DefValKind::Tuple: {
        std::vector<abi::TypeRef> ts;
        for (const ValType& v : d.types) {
          SHARD_TRY(t, valtype(f, v));
          ts.push_back(std::move(t));
        }
        return abi::ValType::tuple(std::move(ts));
      }
      case DefValKind::Flags: return abi::ValType::flags(d.labels);
      case DefValKind::Enum: return abi::ValType::enum_(d.labels);
      case DefValKind::Option: {
        SHARD_TRY(t, opt_valtype(f, d.elem));
        return abi::ValType::option(std::move(t));
      }
      case DefValKind::Result: {
        SHARD_TRY(ok, opt_valtype(f, d.elem));
        SHARD_TRY(err, opt_valtype(f, d.err));
        return abi::ValType::result(std::move(ok), std::move(err));
      }
      case DefValKind::Map: {
        SHARD_TRY(k, opt_valtype(f, d.elem));
        SHARD_TRY(v, opt_valtype(f, d.err));
        return abi::ValType::map(std::move(k), std::move(v));
      }
      case DefValKind::Own: {
        SHARD_TRY(r, resource(f, d.resource));
        return abi::ValType::own(r);
      }
      case DefValKind::Borrow: {
        SHARD_TRY(r, resource(f, d.resource));
        return abi::ValType::borrow(r);
      }
    }
    return internal("unknown defined value type");
  }

  Result<void> type_def(Frame& f, const TypeDef& t) {
    Type out;
    switch (t.kind) {
      case TypeDef::DefVal: {
        SHARD_TRY(v, defval(f, t.val));
        out.kind = Type::Value;
        out.value = std::move(v);
        break;
      }
      case TypeDef::Func: {
        std::vector<abi::TypeRef> params, results;
        for (const Param& p : t.func.params) {
          SHARD_TRY(v, valtype(f, p.type));
          params.push_back(std::move(v));
          out.param_names.push_back(p.name);
        }
        if (t.func.result) {
          SHARD_TRY(v, valtype(f, *t.func.result));
          results.push_back(std::move(v));
        }
        out.kind = Type::Func;
        out.func = std::make_shared<const abi::FuncType>(abi::FuncType::make(std::move(params), std::move(results)));
        break;
      }
      case TypeDef::Resource: {
        // Explainer.md: a resource type definition is generative — every instantiation of the
        // enclosing component makes a new type.
        abi::ResourceType* r = store_.new_resource_type();
        r->impl = f.inst;
        r->name = fmt::format("resource {}", f.types.size());
        if (t.resource.dtor) {
          if (*t.resource.dtor >= f.core_funcs.size()) return internal("destructor index out of bounds");
          rt::FuncInst* dtor = f.core_funcs[*t.resource.dtor];
          rt::Store* core = &store_.core();
          r->dtor = [core, dtor](uint32_t rep) -> Result<void> {
            rt::Value arg = rt::Value::from_i32(rep);
            rt::CallResult cr = rt::call(*core, dtor, std::span<const rt::Value>(&arg, 1));
            if (!cr.ok()) return cr.trap->to_error();
            return {};
          };
        }
        out.kind = Type::Resource;
        out.resource = r;
        break;
      }
      case TypeDef::Component:
      case TypeDef::Instance: out.kind = Type::Other; break;
    }
    f.types.push_back(std::move(out));
    return {};
  }

  // ---- canonical definitions ----
  Result<abi::CanonOptions> options(const Frame& f, const CanonOpts& o) {
    abi::CanonOptions opts;
    if (o.string_encoding) opts.string_encoding = static_cast<abi::StringEncoding>(*o.string_encoding);
    if (o.memory) {
      if (*o.memory >= f.core_memories.size()) return internal("memory index out of bounds");
      opts.memory = store_.memory_view(f.core_memories[*o.memory]);
    }
    if (o.realloc) {
      if (*o.realloc >= f.core_funcs.size()) return internal("realloc index out of bounds");
      opts.realloc = abi::realloc_from(store_.core(), f.core_funcs[*o.realloc]);
    }
    if (o.post_return) {
      if (*o.post_return >= f.core_funcs.size()) return internal("post-return index out of bounds");
      opts.post_return = abi::post_return_from(store_.core(), f.core_funcs[*o.post_return]);
    }
    return opts;
  }

  /// A core function running one of the resource built-ins with `inst`'s handle table.
  rt::FuncInst* resource_builtin(Canon::Kind kind, abi::ComponentInstance* inst, const abi::ResourceType* rt) {
    using shard::ValType;
    shard::FuncType ft;
    if (kind == Canon::ResourceNew) ft = {{ValType::I32}, {ValType::I32}};
    else if (kind == Canon::ResourceDrop) ft = {{ValType::I32}, {}};
    else ft = {{ValType::I32}, {ValType::I32}};
    return store_.core().create_host_func(ft, [kind, inst, rt](rt::HostCall& hc, const rt::Value* args, rt::Value* results) {
      auto fail = [&hc](const Error& e) { return hc.fail(e); };
      const uint32_t a = args[0].i32;
      switch (kind) {
        case Canon::ResourceNew: {
          auto r = abi::canon_resource_new(*inst, *rt, a);
          if (!r) return fail(r.error());
          results[0] = rt::Value::from_i32(*r);
          return TrapKind::None;
        }
        case Canon::ResourceDrop: {
          auto r = abi::canon_resource_drop(*inst, *rt, a);
          if (!r) return fail(r.error());
          return TrapKind::None;
        }
        default: {
          auto r = abi::canon_resource_rep(*inst, *rt, a);
          if (!r) return fail(r.error());
          results[0] = rt::Value::from_i32(*r);
          return TrapKind::None;
        }
      }
    });
  }

  Result<void> canon(Frame& f, const Canon& c) {
    switch (c.kind) {
      case Canon::Lift: {
        if (c.func >= f.core_funcs.size()) return internal("core function index out of bounds");
        if (c.type >= f.types.size() || f.types[c.type].kind != Type::Func) return internal("lift type is not a function type");
        SHARD_TRY(opts, options(f, c.opts));
        auto lifted = std::make_shared<abi::LiftedFunc>();
        lifted->type = *f.types[c.type].func;
        lifted->opts = std::move(opts);
        lifted->inst = f.inst;
        lifted->callee = abi::core_func_from(store_.core(), f.core_funcs[c.func]);
        lifted->store = &store_.core();
        lifted->core = f.core_funcs[c.func];
        auto fn = std::make_shared<Func>();
        fn->type = lifted->type;
        fn->param_names = f.types[c.type].param_names;
        fn->lifted = lifted;
        fn->call = abi::lifted_func(std::move(lifted));
        f.funcs.push_back(std::move(fn));
        return {};
      }
      case Canon::Lower: {
        if (c.func >= f.funcs.size()) return internal("function index out of bounds");
        SHARD_TRY(opts, options(f, c.opts));
        const FuncRef& callee = f.funcs[c.func];
        // A lowered guest export of scalars: one fused adapter, caller's core values to the
        // callee's core function, with no component values in between (abi::call_scalars).
        if (callee->lifted && abi::scalar_signature(callee->type)) {
          f.core_funcs.push_back(abi::create_fused_scalar_func(store_.core(), callee->lifted, f.inst));
          return {};
        }
        auto lowered = std::make_shared<abi::LoweredFunc>();
        lowered->type = callee->type;
        lowered->opts = std::move(opts);
        lowered->inst = f.inst;
        lowered->callee = callee->call;
        f.core_funcs.push_back(abi::create_lowered_func(store_.core(), std::move(lowered)));
        return {};
      }
      case Canon::ResourceNew:
      case Canon::ResourceDrop:
      case Canon::ResourceRep: {
        SHARD_TRY(r, resource(f, c.type));
        f.core_funcs.push_back(resource_builtin(c.kind, f.inst, r));
        return {};
      }
    }
    return {};
  }

  Result<void> start(Frame& f, const Start& st) {
    if (!st.args.empty() || st.results != 0) return Error(ErrorKind::Unsupported, "start functions with values not supported yet");
    if (st.func >= f.funcs.size()) return internal("start function index out of bounds");
    auto r = f.funcs[st.func]->call({}, nullptr);
    if (!r) {
      Error e = std::move(r).error();
      e.kind = ErrorKind::Uninstantiable;
      return e;
    }
    return {};
  }

  static Result<void> import(Frame& f, const Import& im, const std::map<std::string, Item>& args) {
    auto it = args.find(im.name.name);
    if (it == args.end() && im.type.kind == ExternKind::Type && im.type.bound_eq) {
      // (type (eq T)) names a type that is fully known: nothing needs to be supplied (how a
      // WIT world's own type definitions are encoded)
      if (im.type.index >= f.types.size()) return internal("type import bound out of bounds");
      f.types.push_back(f.types[im.type.index]);
      return {};
    }
    if (it == args.end()) return Error(ErrorKind::Unlinkable, fmt::format("missing import `{}`", im.name.name));
    if (it->second.kind != im.type.kind || (im.type.kind == ExternKind::Func && !it->second.func))
      return Error(ErrorKind::Unlinkable, fmt::format("import `{}`: expected a {}, got a {}", im.name.name,
                                                      kind_name(im.type.kind), kind_name(it->second.kind)));
    // A host-supplied function must have the declared type exactly (component instances
    // supplying a nested component's imports were type-checked by the validator).
    if (im.type.kind == ExternKind::Func && im.type.index < f.types.size() && f.types[im.type.index].kind == Type::Func) {
      const abi::FuncType& want = *f.types[im.type.index].func;
      const abi::FuncType& got = it->second.func->type;
      auto same = [](const std::vector<abi::TypeRef>& a, const std::vector<abi::TypeRef>& b) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i)
          if (!abi::type_equal(*a[i], *b[i])) return false;
        return true;
      };
      if (!same(want.params, got.params) || !same(want.results, got.results))
        return Error(ErrorKind::Unlinkable, fmt::format("import `{}`: function type mismatch", im.name.name));
    }
    if (im.type.kind == ExternKind::Type && !im.type.bound_eq && it->second.type.kind != Type::Resource)
      return Error(ErrorKind::Unlinkable, fmt::format("import `{}`: expected a resource type", im.name.name));
    push(f, it->second);
    return {};
  }
};

}  // namespace

Result<InstanceRef> Store::instantiate(std::shared_ptr<Loaded> component, const std::map<std::string, Item>& imports) {
  Closure top{component, &component->component, {}, false};
  Instantiator in(*this);
  auto r = in.run(top, imports, nullptr);
  if (r) keep(component);
  return r;
}

}  // namespace shard::component::run
