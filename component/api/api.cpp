// The public component API (shard/component.h): Component, Store, Instance, Func, Linker.
#include <fmt/format.h>

#include <fstream>
#include <map>
#include <sstream>

#include "component/api/convert.h"
#include "component/api/inspect.h"
#include "component/text/component_text.h"
#include "tiers/tiers.h"
#include "try.h"
#include "semver.h"
#include "wasi/p2/host.h"

namespace shard::cm {

namespace text = shard::component::text;
using component::Export;
using component::Import;
using component::Sort;

namespace detail {

Result<std::optional<Val>> call(const run::Func& fn, std::span<const Val> args) {
  const abi::FuncType& ft = fn.type;
  if (args.size() != ft.params.size())
    return Error(ErrorKind::Usage, fmt::format("expected {} arguments, got {}", ft.params.size(), args.size()));
  auto arg_error = [&](size_t i, Error e) {
    e.message = fmt::format("argument {}{}: {}", i + 1, i < fn.param_names.size() ? " (" + fn.param_names[i] + ")" : "", e.message);
    return e;
  };
  if (fn.lifted && abi::scalar_signature(ft)) {
    // Scalars only: core bits straight into the lifted function (abi::call_scalars), no
    // abi::Value vector and no std::function hop.
    uint64_t bits[abi::kMaxFlatParams];
    for (size_t i = 0; i < args.size(); ++i) {
      auto v = to_abi(args[i], *ft.params[i]);
      if (!v) return arg_error(i, std::move(v).error());
      bits[i] = abi::lower_scalar(*v, ft.params[i]->kind);
    }
    uint64_t out = 0;
    SHARD_CHECK(abi::call_scalars(*fn.lifted, std::span<const uint64_t>(bits, args.size()), &out, nullptr));
    if (ft.results.empty()) return std::optional<Val>{};
    SHARD_TRY(result, abi::lift_scalar(ft.results[0]->kind, out));
    return std::optional<Val>{from_abi(result, *ft.results[0])};
  }
  std::vector<abi::Value> in;
  in.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    auto v = to_abi(args[i], *ft.params[i]);
    if (!v) return arg_error(i, std::move(v).error());
    in.push_back(std::move(*v));
  }
  auto r = fn.call(in, nullptr);
  if (!r) return std::move(r).error();
  if (r->empty() || ft.results.empty()) return std::optional<Val>{};
  return std::optional<Val>{from_abi((*r)[0], *ft.results[0])};
}

run::FuncRef host_func(const abi::FuncType& type, std::vector<std::string> param_names, HostFunc fn) {
  auto f = std::make_shared<run::Func>();
  f->type = type;
  f->param_names = std::move(param_names);
  f->call = [type, fn = std::move(fn)](std::span<const abi::Value> args,
                                       abi::ComponentInstance*) -> Result<std::vector<abi::Value>> {
    std::vector<Val> in;
    in.reserve(args.size());
    for (size_t i = 0; i < args.size() && i < type.params.size(); ++i) in.push_back(from_abi(args[i], *type.params[i]));
    auto r = fn(in);
    if (!r) {
      Error e = std::move(r).error();
      // a host failure traps the calling guest
      if (e.kind != ErrorKind::Trap) {
        e.kind = ErrorKind::Trap;
        e.trap = TrapKind::HostError;
      }
      return e;
    }
    std::vector<abi::Value> out;
    if (!type.results.empty()) {
      if (!*r) return Error(ErrorKind::Usage, "host function returned no value");
      auto v = to_abi(**r, *type.results[0]);
      if (!v) return std::move(v).error();
      out.push_back(std::move(*v));
    }
    return out;
  };
  return f;
}

}  // namespace detail

// ---- Component ----------------------------------------------------------------------------

namespace {

/// Imports and exports with their types (declared types, resolved by the validator), and the
/// WIT text (inspect.cpp): computed on first use, once, from the type information validation
/// produced.
const detail::Description& description(const Component::Impl& impl) {
  std::call_once(impl.described, [&impl] { impl.description = detail::describe(*impl.info); });
  return impl.description;
}

}  // namespace

Result<Component> Component::from_bytes(std::vector<uint8_t> bytes) {
  auto decoded = component::decode_component(std::move(bytes));
  if (!decoded) return std::move(decoded).error();
  // one validation: it yields the import/export types and the decoded core modules that
  // instantiation reuses
  component::ValidatedModules modules;
  auto info = component::component_type_info(*decoded, &modules);
  if (!info) return std::move(info).error();
  Component c;
  c.impl_ = std::make_shared<Impl>();
  c.impl_->info = std::make_shared<const component::ComponentTypeInfo>(std::move(info).value());
  c.impl_->loaded = run::loaded(std::move(decoded).value(), std::move(modules));
  return c;
}

Result<Component> Component::from_text(std::string_view text) {
  auto b = text::component_wat_to_binary(text);
  if (!b) return std::move(b).error();
  return from_bytes(std::move(*b));
}

Result<Component> Component::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorKind::Io, fmt::format("cannot read {}", path));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() >= 4 && data.compare(0, 4, std::string("\0asm", 4)) == 0) return from_bytes(std::vector<uint8_t>(data.begin(), data.end()));
  return from_text(data);
}

const std::vector<ItemDesc>& Component::imports() const { return description(*impl_).imports; }
const std::vector<ItemDesc>& Component::exports() const { return description(*impl_).exports; }
std::string Component::wit() const { return description(*impl_).wit; }

// ---- Store --------------------------------------------------------------------------------

Store::Impl::Impl(const Engine& engine, Result<rt::Tier*> tier)
    : store(rt::store_config(engine), tier ? *tier : nullptr), tier_error(tier ? "" : tier.error().message) {}
Store::Store(const EngineConfig& config) : Store(Engine(config)) {}
Store::Store(const Engine& engine)
    : impl_(std::make_unique<Impl>(engine, tiers::select_tier(engine.config().tier))) {}
Store::~Store() = default;

Result<void> Store::set_fuel(uint64_t units) { return impl_->store.core().set_fuel(units); }
Result<uint64_t> Store::fuel() const { return impl_->store.core().fuel(); }
Result<void> Store::set_epoch_deadline(uint64_t ticks) { return impl_->store.core().set_epoch_deadline(ticks); }
void Store::on_epoch_deadline(std::function<std::optional<uint64_t>()> callback) {
  if (!callback) return impl_->store.core().on_epoch_deadline(nullptr);
  impl_->store.core().on_epoch_deadline([cb = std::move(callback)](rt::Store&) { return cb(); });
}

// ---- Func / Instance ----------------------------------------------------------------------

const FuncType& Func::type() const {
  static const FuncType kNone;
  return impl_ ? impl_->type : kNone;
}

Result<std::optional<Val>> Func::call(std::span<const Val> args) const {
  if (!impl_) return Error(ErrorKind::Usage, "call of an empty Func");
  return detail::call(*impl_->fn, args);
}

namespace {

Func make_func(const run::FuncRef& fn) {
  auto impl = std::make_shared<Func::Impl>();
  impl->fn = fn;
  impl->type = detail::public_functype(fn->type, fn->param_names);
  return Func(std::move(impl));
}

}  // namespace

Result<Func> Instance::func(std::string_view name) const {
  if (!impl_) return Error(ErrorKind::Usage, "empty Instance");
  const run::Instance& inst = *impl_->inst;
  if (const run::Item* it = inst.find(name); it && it->kind == component::ExternKind::Func) return make_func(it->func);
  const size_t hash = name.rfind('#');
  if (hash != std::string_view::npos) {
    const run::Item* i = inst.find(name.substr(0, hash));
    if (i && i->kind == component::ExternKind::Instance) {
      const run::Item* f = i->instance->find(name.substr(hash + 1));
      if (f && f->kind == component::ExternKind::Func) return make_func(f->func);
    }
  }
  std::string known;
  for (const std::string& n : export_names()) known += (known.empty() ? "" : ", ") + n;
  return Error(ErrorKind::Usage, fmt::format("no exported function `{}` (exports: {})", name, known.empty() ? "none" : known));
}

std::vector<std::string> Instance::export_names() const {
  std::vector<std::string> out;
  if (!impl_) return out;
  for (const auto& [name, item] : impl_->inst->exports) {
    if (item.kind == component::ExternKind::Func) out.push_back(name);
    if (item.kind == component::ExternKind::Instance)
      for (const auto& [fname, f] : item.instance->exports)
        if (f.kind == component::ExternKind::Func) out.push_back(name + "#" + fname);
  }
  return out;
}

// ---- Linker -------------------------------------------------------------------------------

struct Linker::Impl {
  /// Host functions by interface ("" for world-level functions), then by name.
  std::map<std::string, std::vector<std::pair<std::string, run::FuncRef>>> host;
  /// Items exported by linked component instances, by export name.
  std::map<std::string, run::Item> linked;
  std::vector<run::InstanceRef> keep;
  std::vector<std::string> granted;  ///< WASI interfaces granted (unversioned names)
  /// Host resource types by interface, then by name.
  std::map<std::string, std::vector<std::pair<std::string, ResourceType>>> resources;
  /// WASI 0.2 (add_wasi): its state and its instances by unversioned interface name.
  std::shared_ptr<wasi::p2::Host> wasi_host;
  std::map<std::string, std::shared_ptr<run::Instance>> wasi;
};

Linker::Linker() : impl_(std::make_unique<Impl>()) {}
Linker::~Linker() = default;
Linker::Linker(Linker&&) noexcept = default;
Linker& Linker::operator=(Linker&&) noexcept = default;

namespace {

/// `wasi:cli/environment@0.2.3` → `wasi:cli/environment`.
std::string unversioned(std::string_view name) {
  const size_t at = name.find('@');
  return std::string(name.substr(0, at));
}

/// Whether `name` (`wasi:io/streams@0.2.3`) is an import of a WASI 0.2.x interface: any
/// 0.2 release (no prerelease), or no version at all.
bool wasi_02(std::string_view name) {
  const size_t at = name.find('@');
  if (at == std::string_view::npos) return true;
  std::string_view v = name.substr(at + 1);
  return is_semver(v) && v.starts_with("0.2.") && v.find('-') == std::string_view::npos;
}

/// What a WASI 0.2 interface gives access to, for refusals.
std::string capability_of(std::string_view iface) {
  struct Row {
    std::string_view prefix, what, hint;
  };
  // With --invoke and no WASI flag the CLI adds no WASI at all (a library component gets
  // nothing); a command, or any WASI flag, gets WASI 0.2 with what the flags grant.
  static constexpr Row kRows[] = {
      {"wasi:filesystem/", "files and directories", "grant a directory with --dir HOST[::GUEST] or --dir-ro"},
      {"wasi:cli/environment", "environment variables and arguments", "grant variables with --env NAME=VALUE or --inherit-env"},
      {"wasi:sockets/", "the network", "grant it with --allow-tcp-connect, --allow-tcp-listen, --allow-udp, --allow-ip-name-lookup or --inherit-network"},
      {"wasi:http/", "HTTP", "Shard's component host grants no network access yet"},
      {"wasi:clocks/", "clocks", "run it as a command, or grant any WASI capability (--env, --dir)"},
      {"wasi:random/", "randomness", "run it as a command, or grant any WASI capability (--env, --dir)"},
      {"wasi:cli/", "the terminal and standard streams", "run it as a command, or grant any WASI capability (--env, --dir)"},
      {"wasi:io/", "streams", "run it as a command, or grant any WASI capability (--env, --dir)"},
  };
  for (const Row& r : kRows)
    if (iface.starts_with(r.prefix)) return fmt::format("{}, which it was not granted ({})", r.what, r.hint);
  return "a WASI capability it was not granted";
}

}  // namespace

Linker& Linker::define(std::string interface, std::string name, FuncType type, HostFunc fn) {
  auto at = detail::abi_functype(type);
  std::vector<std::string> names;
  for (auto& p : type.params) names.push_back(p.first);
  // A type the ABI cannot express fails when the import is linked (the function stays
  // undefined and the import is reported), rather than throwing here.
  if (!at) return *this;
  auto f = detail::host_func(*at, std::move(names), std::move(fn));
  auto& funcs = impl_->host[std::move(interface)];
  for (auto& [n, existing] : funcs)
    if (n == name) {
      existing = std::move(f);  // a later definition replaces an earlier one
      return *this;
    }
  funcs.emplace_back(std::move(name), std::move(f));
  return *this;
}

ResourceType Linker::define_resource(std::string interface, std::string name, std::function<void(uint32_t rep)> destructor) {
  auto impl = std::make_shared<ResourceType::Impl>();
  impl->rt.name = name;
  if (destructor)
    impl->rt.dtor = [d = std::move(destructor)](uint32_t rep) -> Result<void> {
      d(rep);
      return {};
    };
  ResourceType r(std::move(impl));
  impl_->resources[std::move(interface)].emplace_back(std::move(name), r);
  return r;
}

Linker& Linker::define_instance_exports(const Instance& inst) {
  if (!inst.impl()) return *this;
  impl_->keep.push_back(inst.impl()->inst);
  for (const auto& [name, item] : inst.impl()->inst->exports) impl_->linked[name] = item;
  return *this;
}

Linker& Linker::grant_environment(std::vector<std::pair<std::string, std::string>> env, std::vector<std::string> args) {
  const std::string iface = "wasi:cli/environment";
  auto str = std::make_shared<const Type>(Type{TypeKind::String, {}, {}, {}});
  auto pair = std::make_shared<const Type>(Type{TypeKind::Tuple, {}, {str, str}, {}});
  FuncType get_env;
  get_env.result = std::make_shared<const Type>(Type{TypeKind::List, {}, {pair}, {}});
  define(iface, "get-environment", get_env, [env](std::span<const Val>) -> Result<std::optional<Val>> {
    std::vector<Val> out;
    for (auto& [k, v] : env) out.push_back(Val::tuple({Val::string(k), Val::string(v)}));
    return std::optional<Val>{Val::list(std::move(out))};
  });
  FuncType get_args;
  get_args.result = std::make_shared<const Type>(Type{TypeKind::List, {}, {str}, {}});
  define(iface, "get-arguments", get_args, [args](std::span<const Val>) -> Result<std::optional<Val>> {
    std::vector<Val> out;
    for (auto& a : args) out.push_back(Val::string(a));
    return std::optional<Val>{Val::list(std::move(out))};
  });
  FuncType cwd;
  cwd.result = std::make_shared<const Type>(Type{TypeKind::Option, {}, {str}, {}});
  define(iface, "initial-cwd", cwd, [](std::span<const Val>) -> Result<std::optional<Val>> { return std::optional<Val>{Val::none()}; });
  impl_->granted.push_back(iface);
  return *this;
}

Result<void> Linker::add_wasi(const wasi::WasiConfig& config) {
  auto built = wasi::p2::build(config);
  if (!built) return std::move(built).error();
  impl_->wasi_host = std::move(built->host);
  impl_->wasi = std::move(built->instances);
  return {};
}

std::optional<uint32_t> Linker::wasi_exit_code() const {
  return impl_->wasi_host ? impl_->wasi_host->exit_code : std::nullopt;
}

Result<Instance> Linker::instantiate(Store& store, const Component& c) const {
  if (!c.impl()) return Error(ErrorKind::Usage, "empty Component");
  std::map<std::string, run::Item> imports;
  for (const Import& im : c.impl()->loaded->component.imports) {
    const std::string& name = im.name.name;
    if (im.type.kind == component::ExternKind::Type && im.type.bound_eq) continue;  // a known type, nothing to supply
    auto linked = impl_->linked.find(name);
    if (linked == impl_->linked.end()) linked = impl_->linked.find(unversioned(name));
    if (linked != impl_->linked.end()) {
      imports[name] = linked->second;
      continue;
    }
    if (im.type.kind == component::ExternKind::Instance) {
      auto host = impl_->host.find(name);
      if (host == impl_->host.end()) host = impl_->host.find(unversioned(name));
      auto res = impl_->resources.find(name);
      if (res == impl_->resources.end()) res = impl_->resources.find(unversioned(name));
      auto wasi = impl_->wasi.end();
      if (name.starts_with("wasi:") && wasi_02(name)) wasi = impl_->wasi.find(unversioned(name));
      if (host != impl_->host.end() || res != impl_->resources.end() || wasi != impl_->wasi.end()) {
        auto inst = std::make_shared<run::Instance>();
        if (wasi != impl_->wasi.end()) {
          // WASI's functions and types, with the embedder's definitions (below) replacing
          // functions of the same name
          for (auto& [ename, item] : wasi->second->exports) {
            bool overridden = false;
            if (host != impl_->host.end())
              for (auto& [fname, fn] : host->second) overridden = overridden || fname == ename;
            if (!overridden) inst->exports.emplace_back(ename, item);
          }
          store.impl().store.keep(impl_->wasi_host);  // the guest's handles use its resource types
        }
        if (res != impl_->resources.end()) {
          for (auto& [rname, r] : res->second) {
            run::Type t;
            t.kind = run::Type::Resource;
            t.resource = &r.impl()->rt;
            inst->exports.emplace_back(rname, run::Item{component::ExternKind::Type, {}, t, {}, {}, {}});
            store.impl().store.keep(r.impl());  // handles in the store's tables point at it
          }
        }
        if (host != impl_->host.end())
          for (auto& [fname, fn] : host->second) inst->exports.emplace_back(fname, run::Item{component::ExternKind::Func, fn, {}, {}, {}, {}});
        imports[name] = run::Item{component::ExternKind::Instance, {}, {}, {}, inst, {}};
        continue;
      }
    } else if (im.type.kind == component::ExternKind::Func) {
      auto world = impl_->host.find("");
      if (world != impl_->host.end()) {
        bool found = false;
        for (auto& [fname, fn] : world->second) {
          if (fname != name) continue;
          imports[name] = run::Item{component::ExternKind::Func, fn, {}, {}, {}, {}};
          found = true;
        }
        if (found) continue;
      }
    }
    if (name.starts_with("wasi:") && impl_->wasi_host && !wasi_02(name) && impl_->wasi.count(unversioned(name)))
      return Error(ErrorKind::Unlinkable, fmt::format("import `{}` refused: Shard implements WASI 0.2.x, not this version", name));
    if (name.starts_with("wasi:"))
      return Error(ErrorKind::Unlinkable, fmt::format("import `{}` refused: the component asks for {}", name, capability_of(name)));
    return Error(ErrorKind::Unlinkable, fmt::format("import `{}` is not satisfied: define it in the Linker or link a component "
                                                    "that exports it", name));
  }
  if (!store.impl().tier_error.empty()) return Error(ErrorKind::Unsupported, store.impl().tier_error);
  auto r = store.impl().store.instantiate(c.impl()->loaded, imports);
  if (!r) return std::move(r).error();
  auto impl = std::make_shared<Instance::Impl>();
  impl->inst = std::move(*r);
  impl->store = &store.impl();
  return Instance(std::move(impl));
}

Result<wasi::RunOutcome> run_command(const Linker& linker, Store& store, const Component& c) {
  // the command world's export: `wasi:cli/run@0.2.x` with `run: func() -> result`
  std::string run_name;
  for (const ItemDesc& e : c.exports())
    if (e.kind == ItemKind::Instance && e.name.starts_with("wasi:cli/run") && wasi_02(e.name)) run_name = e.name + "#run";
  if (run_name.empty()) return Error(ErrorKind::Usage, "the component is not a WASI command: it exports no wasi:cli/run@0.2.x");
  auto inst = linker.instantiate(store, c);
  if (!inst) return std::move(inst).error();
  auto fn = inst->func(run_name);
  if (!fn) return std::move(fn).error();
  auto r = fn->call({});
  wasi::RunOutcome out;
  if (auto code = linker.wasi_exit_code()) {
    out.exit_code = *code;
    return out;
  }
  if (!r) {
    if (r.error().kind != ErrorKind::Trap) return std::move(r).error();
    out.trapped = true;
    out.stopped = r.error().trap == TrapKind::OutOfFuel || r.error().trap == TrapKind::Interrupted;
    out.exit_code = out.stopped ? wasi::kStoppedExitCode : 134;
    out.trap_message = r.error().to_string();
    return out;
  }
  out.exit_code = *r && (*r)->case_name() == "ok" ? 0 : 1;
  return out;
}

}  // namespace shard::cm
