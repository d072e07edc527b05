// The execution side of the .wast runner on top of the runtime core (lib/runtime).
#include "wast/session.h"

#include <fmt/format.h>

#include <cstring>
#include <map>

#include "runtime/runtime.h"

namespace shard::wast {

namespace {

// ref.extern N is an opaque host reference; N+1 keeps it distinct from null.
void* extern_ptr(uint32_t n) { return reinterpret_cast<void*>(static_cast<uintptr_t>(n) + 1); }
uint32_t extern_index(void* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p) - 1); }

rt::Value to_rt(const Value& v) {
  rt::Value r;
  r.type = v.type;
  switch (v.type) {
    case ValType::FuncRef:
      r.ref = nullptr;  // scripts can only write (ref.null func) as an argument
      break;
    case ValType::ExternRef:
      r.ref = v.is_null ? nullptr : extern_ptr(v.extern_index);
      break;
    default:
      std::memcpy(&r.v128, v.bits.data(), 16);
      break;
  }
  return r;
}

Value from_rt(const rt::Value& v) {
  Value r;
  r.type = v.type;
  if (is_ref(v.type)) {
    r.is_null = v.ref == nullptr;
    if (v.type == ValType::ExternRef && v.ref) r.extern_index = extern_index(v.ref);
  } else {
    std::memcpy(r.bits.data(), &v.v128, 16);
  }
  return r;
}

}  // namespace

struct Session::Impl {
  rt::Store store;
  std::map<std::string, rt::Extern> spectest;
  std::map<std::string, rt::Instance*> registered;   // by registered module name
  std::map<std::string, rt::Instance*> named;        // by $id
  std::map<std::string, std::shared_ptr<const WasmModule>> definitions;
  rt::Instance* current = nullptr;

  Impl(rt::Tier* tier, const rt::StoreConfig& config) : store(config, tier) {
    if (tier) build_spectest();
  }

  // The spectest host module (SCRIPT-FORMAT.md: "Spectest host module").
  void build_spectest() {
    auto print = [&](const char* name, std::vector<ValType> params) {
      FuncType t{std::move(params), {}};
      spectest[name] = rt::Extern::func(store.create_host_func(t, [](rt::HostCall&, const rt::Value*, rt::Value*) {
        return TrapKind::None;  // the tests only check that these can be called
      }));
    };
    print("print", {});
    print("print_i32", {ValType::I32});
    print("print_i64", {ValType::I64});
    print("print_f32", {ValType::F32});
    print("print_f64", {ValType::F64});
    print("print_i32_f32", {ValType::I32, ValType::F32});
    print("print_f64_f64", {ValType::F64, ValType::F64});
    spectest["global_i32"] = rt::Extern::global(store.create_global({ValType::I32, false}, rt::Value::from_i32(666)));
    spectest["global_i64"] = rt::Extern::global(store.create_global({ValType::I64, false}, rt::Value::from_i64(666)));
    spectest["global_f32"] = rt::Extern::global(store.create_global({ValType::F32, false}, rt::Value::from_f32(666.6f)));
    spectest["global_f64"] = rt::Extern::global(store.create_global({ValType::F64, false}, rt::Value::from_f64(666.6)));
    if (auto t = store.create_table(TableType{ValType::FuncRef, Limits{10, 20}})) spectest["table"] = rt::Extern::table(*t);
    if (auto m = store.create_memory(MemoryType{Limits{1, 2}})) spectest["memory"] = rt::Extern::memory(*m);
  }

  Result<std::vector<rt::Extern>> resolve_imports(const WasmModule& m) {
    std::vector<rt::Extern> out;
    out.reserve(m.imports.size());
    for (const Import& im : m.imports) {
      std::optional<rt::Extern> found;
      if (im.module == "spectest") {
        auto it = spectest.find(im.name);
        if (it != spectest.end()) found = it->second;
      } else if (auto it = registered.find(im.module); it != registered.end()) {
        found = it->second->find_export(im.name);
      }
      if (!found)
        return Error{ErrorKind::Unlinkable, fmt::format("unknown import \"{}\" \"{}\"", im.module, im.name)};
      out.push_back(*found);
    }
    return out;
  }

  rt::Instance* lookup(const std::optional<std::string>& name) {
    if (!name) return current;
    auto it = named.find(*name);
    return it == named.end() ? nullptr : it->second;
  }
};

Session::Session(rt::Tier* tier, bool signal_based_traps)
    : impl_(std::make_unique<Impl>(tier, rt::StoreConfig{.signal_based_traps = signal_based_traps})) {}
Session::~Session() = default;

bool Session::can_execute() const { return impl_->store.tier() != nullptr; }

void Session::define(std::shared_ptr<const WasmModule> module, const std::optional<std::string>& name) {
  if (name) impl_->definitions[*name] = std::move(module);
}

Result<void> Session::instantiate(std::shared_ptr<const WasmModule> module, const std::optional<std::string>& name,
                                  bool keep) {
  if (!can_execute()) {
    if (!keep) return Error{ErrorKind::Unsupported, "no execution tier"};
    impl_->current = nullptr;
    return {};
  }
  auto imports = impl_->resolve_imports(*module);
  if (!imports) return std::move(imports).error();
  auto inst = rt::instantiate(impl_->store, std::move(module), *imports);
  if (!inst) return std::move(inst).error();
  if (keep) {
    impl_->current = *inst;
    if (name) impl_->named[*name] = *inst;
  }
  return {};
}

Result<void> Session::instantiate_definition(const std::optional<std::string>& instance_name,
                                             const std::optional<std::string>& definition_name) {
  std::shared_ptr<const WasmModule> def;
  if (definition_name) {
    auto it = impl_->definitions.find(*definition_name);
    if (it == impl_->definitions.end()) return Error{ErrorKind::Unlinkable, fmt::format("unknown module definition {}", *definition_name)};
    def = it->second;
  }
  if (!def) return Error{ErrorKind::Unlinkable, "module instance without a definition"};
  return instantiate(std::move(def), instance_name);
}

Result<void> Session::register_instance(const std::string& as, const std::optional<std::string>& name) {
  if (!can_execute()) return {};
  rt::Instance* inst = impl_->lookup(name);
  if (!inst) return Error{ErrorKind::Unlinkable, fmt::format("register: no module {}", name ? *name : "(current)")};
  impl_->registered[as] = inst;
  return {};
}

void Session::forget_current() { impl_->current = nullptr; }

ActionOutcome Session::perform(const Action& action) {
  ActionOutcome out;
  if (!can_execute()) {
    out.unsupported = true;
    out.error = "no execution tier";
    return out;
  }
  rt::Instance* inst = impl_->lookup(action.module);
  if (!inst) {
    out.error = fmt::format("no module {} to act on", action.module ? *action.module : "(current)");
    return out;
  }
  if (action.kind == Action::Kind::Get) {
    auto v = inst->get_global(action.field);
    if (!v) {
      out.error = fmt::format("no exported global \"{}\"", action.field);
      return out;
    }
    out.results.push_back(from_rt(*v));
    return out;
  }
  rt::FuncInst* f = inst->find_func(action.field);
  if (!f) {
    out.error = fmt::format("no exported function \"{}\"", action.field);
    return out;
  }
  std::vector<rt::Value> args;
  args.reserve(action.args.size());
  for (const Value& v : action.args) args.push_back(to_rt(v));
  rt::CallResult r = rt::call(impl_->store, f, args);
  if (!r.ok()) {
    out.trapped = true;
    out.exception = r.trap->kind == TrapKind::Exception;
    out.trap_message = r.trap->message;
    return out;
  }
  for (const rt::Value& v : r.values) out.results.push_back(from_rt(v));
  return out;
}

}  // namespace shard::wast
