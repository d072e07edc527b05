// The Component Model's .wast scripts (../shared/component-model-tests/README.md): components
// are encoded by component/text, loaded by the decoder and validator, instantiated by
// component/runtime, and invoked with component values converted by their function types.
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "component/runtime/instance.h"
#include "component/text/component_text.h"
#include "tiers/tiers.h"
#include "shard/component.h"
#include "wast/report.h"

namespace shard::component {

namespace {

using text::ComponentCommand;
using text::ComponentSource;
using text::ComponentValue;
using Kind = ComponentCommand::Kind;

const char* command_name(Kind k) {
  switch (k) {
    case Kind::Component: return "component";
    case Kind::ComponentInstance: return "component instance";
    case Kind::Action: return "invoke";
    case Kind::AssertReturn: return "assert_return";
    case Kind::AssertTrap: return "assert_trap";
    case Kind::AssertMalformed: return "assert_malformed";
    case Kind::AssertInvalid: return "assert_invalid";
    case Kind::AssertUnlinkable: return "assert_unlinkable";
    case Kind::AssertUninstantiable: return "assert_trap";
  }
  return "command";
}

Error value_error(const std::string& what) { return Error(ErrorKind::Usage, what); }

int64_t sign_extend(uint64_t bits, int width) {
  const int shift = 64 - width;
  return static_cast<int64_t>(bits << shift) >> shift;
}

/// A script value as an abi::Value of type `t` (labels resolved by the type).
Result<abi::Value> to_value(const ComponentValue& v, const abi::ValType& t) {
  using VK = ComponentValue::Kind;
  using TK = abi::TypeKind;
  auto mismatch = [&]() { return value_error(fmt::format("script value does not match type {}", abi::to_string(t.kind))); };
  switch (t.kind) {
    case TK::Bool:
      if (v.kind != VK::Bool) return mismatch();
      return abi::Value::bool_(v.bits != 0);
    case TK::S8: case TK::S16: case TK::S32: case TK::S64: {
      const int width = t.kind == TK::S8 ? 8 : t.kind == TK::S16 ? 16 : t.kind == TK::S32 ? 32 : 64;
      if (static_cast<int>(v.kind) != static_cast<int>(t.kind)) return mismatch();
      return abi::Value::from_bits(t.kind, static_cast<uint64_t>(sign_extend(v.bits, width)));
    }
    case TK::U8: case TK::U16: case TK::U32: case TK::U64: case TK::F32: case TK::F64: case TK::Char:
      if (static_cast<int>(v.kind) != static_cast<int>(t.kind)) return mismatch();
      return abi::Value::from_bits(t.kind, v.bits);
    case TK::String:
      if (v.kind != VK::String) return mismatch();
      return abi::Value::string(v.text);
    case TK::List:
    case TK::Map: {
      if (v.kind != VK::List) return mismatch();
      std::vector<abi::Value> items;
      for (const ComponentValue& e : v.items) {
        auto x = to_value(e, *t.elem);
        if (!x) return x;
        items.push_back(std::move(*x));
      }
      return abi::Value::compound(t.kind, std::move(items));
    }
    case TK::Record:
    case TK::Tuple: {
      if ((t.kind == TK::Record) != (v.kind == VK::Record) || (t.kind == TK::Tuple && v.kind != VK::Tuple)) return mismatch();
      if (v.items.size() != t.fields.size()) return mismatch();
      std::vector<abi::Value> items;
      for (size_t i = 0; i < t.fields.size(); ++i) {
        size_t j = i;
        if (t.kind == TK::Record) {
          j = v.labels.size();
          for (size_t k = 0; k < v.labels.size(); ++k)
            if (v.labels[k] == t.fields[i].label) j = k;
          if (j >= v.items.size()) return value_error(fmt::format("record value has no field `{}`", t.fields[i].label));
        }
        auto x = to_value(v.items[j], *t.fields[i].type);
        if (!x) return x;
        items.push_back(std::move(*x));
      }
      return abi::Value::compound(t.kind, std::move(items));
    }
    case TK::Variant:
    case TK::Enum: {
      if (v.kind != (t.kind == TK::Variant ? VK::Variant : VK::Enum)) return mismatch();
      for (uint32_t i = 0; i < t.cases.size(); ++i) {
        if (t.cases[i].label != v.text) continue;
        std::optional<abi::Value> payload;
        if (t.cases[i].type) {
          if (v.items.size() != 1) return value_error(fmt::format("case `{}` needs a payload", v.text));
          auto x = to_value(v.items[0], *t.cases[i].type);
          if (!x) return x;
          payload = std::move(*x);
        }
        return abi::Value::with_case(t.kind, i, std::move(payload));
      }
      return value_error(fmt::format("no case `{}`", v.text));
    }
    case TK::Option:
      if (v.kind == VK::OptionNone) return abi::Value::none();
      if (v.kind == VK::OptionSome && v.items.size() == 1) {
        auto x = to_value(v.items[0], *t.cases[1].type);
        if (!x) return x;
        return abi::Value::some(std::move(*x));
      }
      return mismatch();
    case TK::Result: {
      if (v.kind != VK::ResultOk && v.kind != VK::ResultErr) return mismatch();
      const uint32_t c = v.kind == VK::ResultOk ? 0 : 1;
      std::optional<abi::Value> payload;
      if (t.cases[c].type) {
        if (v.items.size() != 1) return mismatch();
        auto x = to_value(v.items[0], *t.cases[c].type);
        if (!x) return x;
        payload = std::move(*x);
      }
      return abi::Value::with_case(TK::Result, c, std::move(payload));
    }
    case TK::Flags: {
      if (v.kind != VK::Flags) return mismatch();
      std::vector<uint32_t> words((t.labels.size() + 31) / 32, 0);
      for (const std::string& l : v.labels) {
        size_t i = 0;
        while (i < t.labels.size() && t.labels[i] != l) ++i;
        if (i == t.labels.size()) return value_error(fmt::format("no flag `{}`", l));
        words[i / 32] |= uint32_t{1} << (i % 32);
      }
      return abi::Value::flags(std::move(words));
    }
    case TK::Own:
    case TK::Borrow: return value_error("script values cannot be resource handles");
  }
  return mismatch();
}

bool is_nan(const abi::Value& v) {
  if (v.kind() == abi::TypeKind::F32) return std::isnan(v.as_f32());
  if (v.kind() == abi::TypeKind::F64) return std::isnan(v.as_f64());
  return false;
}

/// Equality of a result with its expectation; an expected NaN matches any NaN (lifting
/// canonicalises NaNs, CanonicalABI.md § Loading: canonicalize_nan).
bool matches(const abi::Value& want, const abi::Value& got) {
  if (is_nan(want)) return is_nan(got);
  if (want.kind() != got.kind()) return false;
  switch (abi::shape_of(want.kind())) {
    case abi::Shape::String: return want.as_string() == got.as_string();
    case abi::Shape::List:
    case abi::Shape::Record:
      if (want.items().size() != got.items().size()) return false;
      for (size_t i = 0; i < want.items().size(); ++i)
        if (!matches(want.items()[i], got.items()[i])) return false;
      return true;
    case abi::Shape::Variant:
      if (want.case_index() != got.case_index()) return false;
      if ((want.payload() == nullptr) != (got.payload() == nullptr)) return false;
      return want.payload() == nullptr || matches(*want.payload(), *got.payload());
    case abi::Shape::Flags: return want.flag_words() == got.flag_words();
    default: return want.raw_bits() == got.raw_bits();
  }
}

bool is_unsupported(const Error& e) { return e.kind == ErrorKind::Unsupported; }

class Runner {
 public:
  Runner(std::string_view name, const WastOptions& opts, rt::Tier* tier)
      : report_(name, opts), store_(rt::StoreConfig{.signal_based_traps = opts.signal_based_traps}, tier) {}

  WastStats run(const text::ComponentScript& script) {
    for (const ComponentCommand& cmd : script.commands) command(cmd);
    return report_.stats();
  }

 private:
  wast::Report report_;
  run::Store store_;
  std::map<std::string, std::shared_ptr<run::Loaded>> definitions_;
  std::map<std::string, run::InstanceRef> instances_;
  std::set<std::string> unsupported_;  ///< names of definitions/instances that need post-0.2 features
  run::InstanceRef current_;
  bool current_unsupported_ = false;

  void pass(const ComponentCommand& cmd) { report_.pass(cmd.line, command_name(cmd.kind)); }
  void fail(const ComponentCommand& cmd, std::string_view why) { report_.fail(cmd.line, command_name(cmd.kind), why); }
  void skip(const ComponentCommand& cmd, std::string_view why) { report_.skip(cmd.line, command_name(cmd.kind), why); }
  void check_message(const ComponentCommand& cmd, const Error& err) { report_.check_message(cmd.line, cmd.text, err); }

  static Result<std::vector<uint8_t>> bytes_of(const ComponentSource& src) {
    if (src.error) return *src.error;
    if (src.form == ComponentSource::Form::Quote) return text::component_wat_to_binary("(component " + src.quote + ")");
    return src.bytes;
  }

  static Result<std::shared_ptr<run::Loaded>> load(const ComponentSource& src) {
    auto bytes = bytes_of(src);
    if (!bytes) return std::move(bytes).error();
    return run::load(std::move(bytes).value());
  }

  void set_current(run::InstanceRef inst, const std::optional<std::string>& name, bool unsupported) {
    current_ = inst;
    current_unsupported_ = unsupported;
    if (!name) return;
    if (unsupported) {
      unsupported_.insert(*name);
      instances_.erase(*name);
    } else {
      unsupported_.erase(*name);
      instances_[*name] = std::move(inst);
    }
  }

  void command(const ComponentCommand& cmd) {
    switch (cmd.kind) {
      case Kind::Component: return define(cmd);
      case Kind::ComponentInstance: return instantiate_definition(cmd);
      case Kind::Action:
      case Kind::AssertReturn:
      case Kind::AssertTrap: return action(cmd);
      case Kind::AssertMalformed:
      case Kind::AssertInvalid: return assert_rejected(cmd);
      case Kind::AssertUnlinkable:
      case Kind::AssertUninstantiable: return assert_instantiation_fails(cmd);
    }
  }

  void define(const ComponentCommand& cmd) {
    auto loaded = load(cmd.component);
    if (!loaded) {
      if (is_unsupported(loaded.error())) {
        if (cmd.component.name) unsupported_.insert(*cmd.component.name);
        if (cmd.component.definition) {
          if (cmd.component.name) definitions_.erase(*cmd.component.name);
        } else {
          set_current(nullptr, cmd.component.name, true);
        }
        return skip(cmd, loaded.error().message);
      }
      if (!cmd.component.definition) set_current(nullptr, cmd.component.name, false);
      return fail(cmd, loaded.error().to_string());
    }
    if (cmd.component.definition) {
      if (cmd.component.name) {
        definitions_[*cmd.component.name] = *loaded;
        unsupported_.erase(*cmd.component.name);
      }
      return pass(cmd);
    }
    auto inst = store_.instantiate(*loaded, {});
    if (!inst) {
      const bool unsupported = is_unsupported(inst.error());
      set_current(nullptr, cmd.component.name, unsupported);
      return unsupported ? skip(cmd, inst.error().message) : fail(cmd, inst.error().to_string());
    }
    set_current(*inst, cmd.component.name, false);
    pass(cmd);
  }

  void instantiate_definition(const ComponentCommand& cmd) {
    const std::string def = cmd.definition.value_or("");
    auto it = definitions_.find(def);
    if (it == definitions_.end()) {
      set_current(nullptr, cmd.name, unsupported_.count(def) != 0);
      if (unsupported_.count(def)) return skip(cmd, fmt::format("definition {} needs features not supported yet", def));
      return fail(cmd, fmt::format("unknown component definition {}", def));
    }
    auto inst = store_.instantiate(it->second, {});
    if (!inst) {
      const bool unsupported = is_unsupported(inst.error());
      set_current(nullptr, cmd.name, unsupported);
      return unsupported ? skip(cmd, inst.error().message) : fail(cmd, inst.error().to_string());
    }
    set_current(*inst, cmd.name, false);
    pass(cmd);
  }

  void action(const ComponentCommand& cmd) {
    const text::ComponentAction& a = cmd.action;
    run::InstanceRef inst = current_;
    bool unsupported = current_unsupported_;
    if (a.instance) {
      auto it = instances_.find(*a.instance);
      inst = it == instances_.end() ? nullptr : it->second;
      unsupported = unsupported_.count(*a.instance) != 0;
    }
    if (!inst) {
      if (unsupported) return skip(cmd, "the component needs features not supported yet");
      return fail(cmd, "no component instance");
    }
    const run::Item* item = inst->find(a.field);
    if (item == nullptr || item->kind != ExternKind::Func) return fail(cmd, fmt::format("no exported function `{}`", a.field));
    const abi::FuncType& ft = item->func->type;
    if (a.args.size() != ft.params.size())
      return fail(cmd, fmt::format("`{}` takes {} arguments, the script gives {}", a.field, ft.params.size(), a.args.size()));
    std::vector<abi::Value> args;
    for (size_t i = 0; i < a.args.size(); ++i) {
      auto v = to_value(a.args[i], *ft.params[i]);
      if (!v) return fail(cmd, fmt::format("argument {}: {}", i, v.error().message));
      args.push_back(std::move(*v));
    }
    auto r = item->func->call(args, nullptr);
    if (cmd.kind == Kind::AssertTrap) {
      if (r) return fail(cmd, fmt::format("expected trap \"{}\", got a result", cmd.text));
      if (r.error().kind != ErrorKind::Trap) return fail(cmd, fmt::format("expected trap \"{}\", got {}", cmd.text, r.error().to_string()));
      check_message(cmd, r.error());
      return pass(cmd);
    }
    if (!r) return fail(cmd, r.error().to_string());
    if (cmd.kind == Kind::Action) return pass(cmd);
    if (cmd.expected.size() != r->size())
      return fail(cmd, fmt::format("expected {} results, got {}", cmd.expected.size(), r->size()));
    for (size_t i = 0; i < r->size(); ++i) {
      auto want = to_value(cmd.expected[i], *ft.results[i]);
      if (!want) return fail(cmd, fmt::format("expected result {}: {}", i, want.error().message));
      if (!matches(*want, (*r)[i]))
        return fail(cmd, fmt::format("result {}: expected {}, got {}", i, abi::to_string(*want), abi::to_string((*r)[i])));
    }
    pass(cmd);
  }

  void assert_rejected(const ComponentCommand& cmd) {
    auto bytes = bytes_of(cmd.component);
    Result<Component> r = bytes ? load_component(std::move(bytes).value()) : Result<Component>(std::move(bytes).error());
    if (r) return fail(cmd, fmt::format("component was accepted, expected \"{}\"", cmd.text));
    if (is_unsupported(r.error())) return skip(cmd, r.error().message);
    if (cmd.kind == Kind::AssertMalformed && r.error().kind != ErrorKind::Malformed)
      return fail(cmd, fmt::format("expected malformed \"{}\", got {}", cmd.text, r.error().to_string()));
    if (cmd.kind == Kind::AssertInvalid && r.error().kind != ErrorKind::Invalid)
      return fail(cmd, fmt::format("expected invalid \"{}\", got {}", cmd.text, r.error().to_string()));
    check_message(cmd, r.error());
    pass(cmd);
  }

  void assert_instantiation_fails(const ComponentCommand& cmd) {
    auto loaded = load(cmd.component);
    if (!loaded) {
      if (is_unsupported(loaded.error())) return skip(cmd, loaded.error().message);
      return fail(cmd, loaded.error().to_string());
    }
    auto inst = store_.instantiate(*loaded, {});
    if (inst) return fail(cmd, fmt::format("component instantiated, expected \"{}\"", cmd.text));
    if (is_unsupported(inst.error())) return skip(cmd, inst.error().message);
    const ErrorKind want = cmd.kind == Kind::AssertUnlinkable ? ErrorKind::Unlinkable : ErrorKind::Uninstantiable;
    const bool trapped = inst.error().kind == ErrorKind::Trap;
    if (inst.error().kind != want && !(want == ErrorKind::Uninstantiable && trapped))
      return fail(cmd, fmt::format("expected \"{}\", got {}", cmd.text, inst.error().to_string()));
    check_message(cmd, inst.error());
    pass(cmd);
  }
};

}  // namespace

}  // namespace shard::component

namespace shard::cm {

using component::Runner;

bool is_component_script(std::string_view t) {
  size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (t.substr(i, 2) == ";;") {
      while (i < t.size() && t[i] != '\n') ++i;
    } else if (t.substr(i, 2) == "(;") {
      int depth = 0;
      while (i < t.size()) {
        if (t.substr(i, 2) == "(;") ++depth, i += 2;
        else if (t.substr(i, 2) == ";)") { i += 2; if (--depth == 0) break; }
        else ++i;
      }
    } else if (c == '(') {
      // the first form: (component ...) or an assertion whose first operand is one
      std::string_view rest = t.substr(i + 1);
      if (rest.starts_with("component")) return true;
      if (!rest.starts_with("assert_")) return false;
      const size_t open = rest.find('(');
      return open != std::string_view::npos && rest.substr(open + 1).starts_with("component");
    } else {
      return false;
    }
  }
  return false;
}

Result<WastStats> run_wast(std::string_view text, std::string_view name, const WastOptions& options) {
  auto script = component::text::parse_component_script(text);
  if (!script) return std::move(script).error();
  Result<rt::Tier*> tier = tiers::select_tier(options.tier);
  if (!tier) return std::move(tier).error();
  Runner r(name, options, *tier);
  return r.run(*script);
}

Result<uint32_t> count_wast_commands(std::string_view text) {
  auto script = component::text::parse_component_script(text);
  if (!script) return std::move(script).error();
  return static_cast<uint32_t>(script->commands.size());
}

Result<WastStats> run_wast_file(const std::string& path, const WastOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorKind::Io, fmt::format("cannot read {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return cm::run_wast(ss.str(), path, options);
}

}  // namespace shard::cm
