// The embedding API (include/shard/shard.h) over the runtime core and the configured tier.
#include <fmt/format.h>

#include <cstring>

#include "runtime/runtime.h"
#include "shard/shard.h"
#include "shard/validate.h"
#include "tiers/tiers.h"
#include "valid/validator.h"

namespace shard {

struct detail::Access {
  static Func func(Store* s, rt::FuncInst* f) { return Func(s, f); }
  static Memory memory(Store* s, rt::MemoryInst* m) { return Memory(s, m); }
  static Table table(Store* s, rt::TableInst* t) { return Table(s, t); }
  static Global global(Store* s, rt::GlobalInst* g) { return Global(s, g); }
  static Instance instance(Store* s, rt::Instance* i) { return Instance(s, i); }
  static Module module(std::shared_ptr<const WasmModule> ir) { return Module(std::move(ir)); }
  static const std::shared_ptr<const WasmModule>& ir(const Module& m) { return m.ir_; }
  static rt::Instance* raw(const Instance& i) { return i.inst_; }
  static Store* store(const Instance& i) { return i.store_; }
  template <class H>
  static Store* store_of(const H& h) { return h.store_; }
  static rt::Extern to_rt(const Extern& e) {
    return std::visit(
        [](const auto& x) -> rt::Extern {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, Func>) return rt::Extern::func(x.func_);
          else if constexpr (std::is_same_v<T, Memory>) return rt::Extern::memory(x.mem_);
          else if constexpr (std::is_same_v<T, Table>) return rt::Extern::table(x.table_);
          else return rt::Extern::global(x.global_);
        },
        e);
  }
};
using detail::Access;

namespace {

rt::Value to_rt(const Val& v) {
  rt::Value r;
  r.type = v.type();
  if (is_ref(v.type())) {
    r.ref = v.ref();
  } else {
    auto bits = v.v128();
    std::memcpy(&r.v128, bits.data(), 16);
  }
  return r;
}

Val from_rt(Store* store, const rt::Value& v);

Error usage(std::string msg) { return Error{ErrorKind::Usage, std::move(msg)}; }

ExternType extern_type_of(const WasmModule& m, ExternKind kind, uint32_t index) {
  ExternType t;
  t.kind = kind;
  switch (kind) {
    case ExternKind::Func: t.func = m.func_type(index); break;
    case ExternKind::Table: t.table = m.all_tables[index]; break;
    case ExternKind::Memory: t.memory = m.all_memories[index]; break;
    case ExternKind::Global: t.global = m.all_globals[index]; break;
    case ExternKind::Tag: t.func = m.types[m.all_tags[index].type_index]; break;  // the payload as params
  }
  return t;
}

Val from_rt(Store* store, const rt::Value& v) {
  switch (v.type) {
    case ValType::I32: return Val::i32(static_cast<int32_t>(v.i32));
    case ValType::I64: return Val::i64(static_cast<int64_t>(v.i64));
    case ValType::F32: return Val::f32(v.f32);
    case ValType::F64: return Val::f64(v.f64);
    case ValType::V128: {
      std::array<uint8_t, 16> b;
      std::memcpy(b.data(), &v.v128, 16);
      return Val::v128(b);
    }
    case ValType::ExternRef: return v.ref ? Val::externref(v.ref) : Val::null(ValType::ExternRef);
    case ValType::FuncRef:
      return v.ref ? Val::funcref(Access::func(store, static_cast<rt::FuncInst*>(v.ref))) : Val::null(ValType::FuncRef);
    default: return Val{};
  }
}

Extern from_rt_extern(Store* store, const rt::Extern& e) {
  switch (e.kind) {
    case ExternKind::Func: return Access::func(store, e.as_func());
    case ExternKind::Memory: return Access::memory(store, e.as_memory());
    case ExternKind::Table: return Access::table(store, e.as_table());
    case ExternKind::Global: return Access::global(store, e.as_global());
    case ExternKind::Tag: break;  // tags have no embedder handle yet
  }
  return Access::func(store, nullptr);
}

}  // namespace

// ---- Val ----

Val Val::funcref(const Func& f) {
  Val v;
  v.type_ = ValType::FuncRef;
  v.ref_ = f.raw();
  return v;
}

std::string Val::to_string() const {
  switch (type_) {
    case ValType::I32: return fmt::format("i32:{}", static_cast<uint32_t>(i32()));
    case ValType::I64: return fmt::format("i64:{}", static_cast<uint64_t>(i64()));
    case ValType::F32: return fmt::format("f32:{}", f32());
    case ValType::F64: return fmt::format("f64:{}", f64());
    case ValType::V128: {
      std::string s = "v128:0x";
      for (int i = 15; i >= 0; --i) s += fmt::format("{:02x}", bits_[i]);
      return s;
    }
    case ValType::FuncRef: return ref_ ? "funcref" : "funcref:null";
    case ValType::ExternRef: return ref_ ? fmt::format("externref:{}", ref_) : "externref:null";
    default: return "?";
  }
}

// ---- Module ----

Result<Module> Module::from_binary(const Engine&, std::span<const uint8_t> bytes) {
  auto m = load_module(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  if (!m) return std::move(m).error();
  return Access::module(std::make_shared<const WasmModule>(std::move(m).value()));
}

Result<Module> Module::from_text(const Engine& engine, std::string_view text) {
  auto bytes = wat_to_wasm(text);
  if (!bytes) return std::move(bytes).error();
  return from_binary(engine, *bytes);
}

Result<Module> Module::from_file(const Engine& engine, const std::string& path) {
  auto bytes = read_module_file(path);
  if (!bytes) return std::move(bytes).error();
  return from_binary(engine, *bytes);
}

std::vector<ImportDesc> Module::imports() const {
  std::vector<ImportDesc> out;
  for (const Import& im : ir_->imports) {
    ImportDesc d{im.module, im.name, {}};
    d.type.kind = im.kind;
    d.type.func = im.kind == ExternKind::Func ? ir_->types[im.func_type] : FuncType{};
    d.type.table = im.table;
    d.type.memory = im.memory;
    d.type.global = im.global;
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<ExportDesc> Module::exports() const {
  std::vector<ExportDesc> out;
  for (const Export& ex : ir_->exports) out.push_back({ex.name, extern_type_of(*ir_, ex.kind, ex.index)});
  return out;
}

std::string_view Module::name() const { return ir_->names.module_name; }

// ---- Store ----

Store::Store(const Engine& engine) : engine_(engine) {
  Result<rt::Tier*> tier = tiers::select_tier(engine.config().tier);
  if (!tier) tier_error_ = tier.error().message;
  store_ = std::make_unique<rt::Store>(rt::store_config(engine), tier ? *tier : nullptr);
}

Result<void> Store::set_fuel(uint64_t units) { return store_->set_fuel(units); }
Result<uint64_t> Store::fuel() const { return store_->fuel(); }
Result<void> Store::set_epoch_deadline(uint64_t ticks) { return store_->set_epoch_deadline(ticks); }
void Store::on_epoch_deadline(std::function<std::optional<uint64_t>()> callback) {
  if (!callback) {
    store_->on_epoch_deadline(nullptr);
    return;
  }
  store_->on_epoch_deadline([cb = std::move(callback)](rt::Store&) { return cb(); });
}

Store::~Store() = default;

// ---- Caller ----

std::optional<Memory> Caller::memory() const {
  if (call_.memory == nullptr) return std::nullopt;
  return Memory(&store_, call_.memory);
}

// ---- Func ----

Func Func::create(Store& store, FuncType type, HostCallback callback) {
  Store* sp = &store;
  size_t nresults = type.results.size();
  rt::HostFunc fn = [sp, nresults, cb = std::move(callback), ptypes = type.params, rtypes = type.results](
                        rt::HostCall& hc, const rt::Value* args, rt::Value* results) -> TrapKind {
    std::vector<Val> in;
    in.reserve(ptypes.size());
    for (size_t i = 0; i < ptypes.size(); ++i) in.push_back(from_rt(sp, args[i]));
    std::vector<Val> out(nresults);
    for (size_t i = 0; i < nresults; ++i) out[i] = from_rt(sp, rt::Value::default_of(rtypes[i]));
    Caller caller(*sp, hc);
    Result<void> r = cb(caller, in, out);
    if (!r) return hc.fail(r.error());
    for (size_t i = 0; i < nresults; ++i) {
      if (out[i].type() != rtypes[i]) {
        hc.message = fmt::format("host function returned {} for a {} result", to_string(out[i].type()),
                                 to_string(rtypes[i]));
        return TrapKind::HostError;
      }
      results[i] = to_rt(out[i]);
    }
    return TrapKind::None;
  };
  return Access::func(&store, store.raw().create_host_func(type, std::move(fn)));
}

const FuncType& Func::type() const { return *func_->type; }

Result<std::vector<Val>> Func::call(std::span<const Val> args) const {
  const FuncType& t = type();
  if (args.size() != t.params.size())
    return usage(fmt::format("expected {} arguments, got {}", t.params.size(), args.size()));
  std::vector<rt::Value> in;
  in.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type() != t.params[i])
      return usage(fmt::format("argument {} is {}, expected {}", i, to_string(args[i].type()), to_string(t.params[i])));
    in.push_back(to_rt(args[i]));
  }
  rt::CallResult r = rt::call(store_->raw(), func_, in);
  if (!r.ok()) return r.trap->to_error();
  std::vector<Val> out;
  out.reserve(r.values.size());
  for (const rt::Value& v : r.values) out.push_back(from_rt(store_, v));
  return out;
}

// ---- Memory ----

Result<Memory> Memory::create(Store& store, MemoryType type) {
  auto m = store.raw().create_memory(type);
  if (!m) return std::move(m).error();
  return Access::memory(&store, *m);
}

MemoryType Memory::type() const { return mem_->type; }
uint8_t* Memory::data() const { return mem_->base; }
uint64_t Memory::size() const { return mem_->size; }

Result<uint64_t> Memory::grow(uint64_t delta) const {
  uint32_t old = mem_->grow(delta);
  if (old == UINT32_MAX) return usage(fmt::format("memory cannot grow by {} pages (limit {} pages)", delta, mem_->max_pages));
  return uint64_t{old};
}

Result<std::span<uint8_t>> Memory::view(uint64_t offset, uint64_t length) const {
  if (!mem_->in_bounds(offset, length))
    return usage(fmt::format("memory range [{}, {}+{}) is out of bounds (size {})", offset, offset, length, mem_->size));
  return std::span<uint8_t>(mem_->base + offset, length);
}

Result<void> Memory::read(uint64_t offset, std::span<uint8_t> out) const {
  auto v = view(offset, out.size());
  if (!v) return std::move(v).error();
  std::memcpy(out.data(), v->data(), out.size());
  return {};
}

Result<void> Memory::write(uint64_t offset, std::span<const uint8_t> in) const {
  auto v = view(offset, in.size());
  if (!v) return std::move(v).error();
  std::memcpy(v->data(), in.data(), in.size());
  return {};
}

// ---- Global ----

Global Global::create(Store& store, GlobalType type, const Val& init) {
  return Access::global(&store, store.raw().create_global(type, to_rt(init)));
}
GlobalType Global::type() const { return global_->type; }
Val Global::get() const { return from_rt(store_, global_->get()); }
Result<void> Global::set(const Val& v) const {
  if (!global_->type.mut) return usage("global is immutable");
  if (v.type() != global_->type.type) return usage(fmt::format("global is {}, value is {}", to_string(global_->type.type), to_string(v.type())));
  global_->value = to_rt(v).to_slot();
  return {};
}

// ---- Table ----

Result<Table> Table::create(Store& store, TableType type, const Val& init) {
  if (init.type() != type.elem) return usage("table initial value has the wrong type");
  auto t = store.raw().create_table(type, init.ref());
  if (!t) return std::move(t).error();
  return Access::table(&store, *t);
}
TableType Table::type() const { return table_->type; }
uint64_t Table::size() const { return table_->size; }
Result<Val> Table::get(uint64_t index) const {
  if (index >= table_->size) return usage(fmt::format("table index {} out of bounds (size {})", index, table_->size));
  void* r = table_->elements[index];
  if (table_->type.elem == ValType::FuncRef)
    return r ? Val::funcref(Access::func(store_, static_cast<rt::FuncInst*>(r))) : Val::null(ValType::FuncRef);
  return r ? Val::externref(r) : Val::null(ValType::ExternRef);
}
Result<void> Table::set(uint64_t index, const Val& v) const {
  if (index >= table_->size) return usage(fmt::format("table index {} out of bounds (size {})", index, table_->size));
  if (v.type() != table_->type.elem) return usage("table element has the wrong type");
  table_->elements[index] = v.ref();
  return {};
}
Result<uint64_t> Table::grow(uint64_t delta, const Val& init) const {
  if (init.type() != table_->type.elem) return usage("table initial value has the wrong type");
  uint32_t old = table_->grow(delta, init.ref());
  if (old == UINT32_MAX) return usage(fmt::format("table cannot grow by {} elements", delta));
  return uint64_t{old};
}

// ---- Instance ----



std::optional<Extern> Instance::get(std::string_view name) const {
  auto e = inst_->find_export(name);
  if (!e) return std::nullopt;
  return from_rt_extern(store_, *e);
}

template <class T>
static Result<T> export_as(const Instance& inst, std::string_view name, const char* what) {
  auto e = inst.get(name);
  if (!e) return usage(fmt::format("no export named \"{}\"", name));
  if (!std::holds_alternative<T>(*e)) return usage(fmt::format("export \"{}\" is not a {}", name, what));
  return std::get<T>(*e);
}

Result<Func> Instance::func(std::string_view name) const { return export_as<Func>(*this, name, "function"); }
Result<Memory> Instance::memory(std::string_view name) const { return export_as<Memory>(*this, name, "memory"); }
Result<Global> Instance::global(std::string_view name) const { return export_as<Global>(*this, name, "global"); }
Result<Table> Instance::table(std::string_view name) const { return export_as<Table>(*this, name, "table"); }

std::vector<std::string> Instance::export_names() const {
  std::vector<std::string> out;
  for (const auto& [name, e] : inst_->exports) out.push_back(name);
  return out;
}

// ---- Linker ----

Linker& Linker::define(std::string module, std::string name, Extern value) {
  defs_.push_back(Def{std::move(module), std::move(name), std::move(value), nullptr});
  return *this;
}

Linker& Linker::func_untyped(std::string module, std::string name, FuncType type, HostCallback callback) {
  defs_.push_back(Def{std::move(module), std::move(name), std::nullopt,
                      std::make_shared<HostDef>(HostDef{std::move(type), std::move(callback)})});
  return *this;
}

Linker& Linker::define_instance(std::string module, const Instance& instance) {
  for (const auto& [name, e] : Access::raw(instance)->exports) define(module, name, from_rt_extern(Access::store(instance), e));
  return *this;
}

const Linker::Def* Linker::find(std::string_view module, std::string_view name) const {
  // The latest definition wins, so an embedder can override an earlier one.
  for (auto it = defs_.rbegin(); it != defs_.rend(); ++it)
    if (it->module == module && it->name == name) return &*it;
  return nullptr;
}

Result<Instance> Linker::instantiate(Store& store, const Module& module) const {
  std::vector<rt::Extern> imports;
  const auto& ir = Access::ir(module);
  imports.reserve(ir->imports.size());
  for (const Import& im : ir->imports) {
    const Def* d = find(im.module, im.name);
    if (d == nullptr) return Error{ErrorKind::Unlinkable, fmt::format("unknown import \"{}\" \"{}\"", im.module, im.name)};
    if (d->host) {
      imports.push_back(rt::Extern::func(Func::create(store, d->host->type, d->host->callback).raw()));
      continue;
    }
    const Extern& e = *d->value;
    rt::Extern re = Access::to_rt(e);
    bool same_store = std::visit([&](const auto& x) { return Access::store_of(x) == &store; }, e);
    if (!same_store)
      return Error{ErrorKind::Unlinkable, fmt::format("import \"{}\" \"{}\" belongs to another store", im.module, im.name)};
    imports.push_back(re);
  }
  if (!store.tier_error().empty()) return Error{ErrorKind::Unsupported, store.tier_error()};
  auto inst = rt::instantiate(store.raw(), ir, imports);
  if (!inst) return std::move(inst).error();
  return Access::instance(&store, *inst);
}

}  // namespace shard
