// The .wast script runner: executes the commands parse_script produced and counts outcomes.
// WasmModule-phase assertions (malformed/invalid) use the decoder, validator and text parser;
// execution assertions use the runtime through the Session below.
#include <fmt/format.h>

#include <fstream>
#include <map>
#include <sstream>

#include "binary/decoder.h"
#include "shard/wast.h"
#include "text/wast.h"
#include "text/wat.h"
#include "valid/validator.h"
#include "wast/report.h"
#include "wast/runner.h"
#include "wast/session.h"

namespace shard {

namespace {

using wast::Command;
using wast::ModuleSource;

const char* command_name(Command::Kind k) {
  switch (k) {
    case Command::Kind::Module: return "module";
    case Command::Kind::ModuleInstance: return "module instance";
    case Command::Kind::Register: return "register";
    case Command::Kind::Action: return "action";
    case Command::Kind::AssertReturn: return "assert_return";
    case Command::Kind::AssertTrap: return "assert_trap";
    case Command::Kind::AssertExhaustion: return "assert_exhaustion";
    case Command::Kind::AssertException: return "assert_exception";
    case Command::Kind::AssertMalformed: return "assert_malformed";
    case Command::Kind::AssertInvalid: return "assert_invalid";
    case Command::Kind::AssertUnlinkable: return "assert_unlinkable";
    case Command::Kind::AssertUninstantiable: return "assert_trap";
  }
  return "command";
}

/// A module's bytes for the phase after text: text modules were encoded by the script
/// parser (or carry the text error), quote modules are parsed here.
Result<std::vector<uint8_t>> module_bytes(const ModuleSource& src) {
  if (src.error) return *src.error;
  if (src.form == ModuleSource::Form::Quote) return wat_to_binary(src.quote);
  return src.bytes;
}

class Runner {
 public:
  Runner(std::string_view name, const WastOptions& opts, rt::Tier* tier) : report_(name, opts), session_(tier, opts.signal_based_traps) {}

  WastStats run(const wast::Script& script) {
    for (const Command& cmd : script.commands) run_command(cmd);
    return report_.stats();
  }

 private:
  void pass(const Command& cmd) { report_.pass(cmd.line, command_name(cmd.kind)); }
  void fail(const Command& cmd, std::string_view why) { report_.fail(cmd.line, command_name(cmd.kind), why); }
  void skip(const Command& cmd, std::string_view why) { report_.skip(cmd.line, command_name(cmd.kind), why); }
  void check_message(const Command& cmd, const Error& err) { report_.check_message(cmd.line, cmd.text, err); }

  void run_command(const Command& cmd) {
    switch (cmd.kind) {
      case Command::Kind::Module: return define_module(cmd);
      case Command::Kind::AssertMalformed: return assert_malformed(cmd);
      case Command::Kind::AssertInvalid: return assert_invalid(cmd);
      case Command::Kind::Register: {
        if (auto r = session_.register_instance(cmd.text, cmd.name); !r) fail(cmd, r.error().message);
        return;  // asserts nothing: not counted when it works
      }
      case Command::Kind::ModuleInstance: {
        auto r = session_.instantiate_definition(cmd.name, cmd.definition);
        if (!r) return r.error().kind == ErrorKind::Unsupported ? skip(cmd, r.error().message) : fail(cmd, r.error().to_string());
        return pass(cmd);
      }
      case Command::Kind::AssertUnlinkable:
      case Command::Kind::AssertUninstantiable: return assert_instantiation_fails(cmd);
      case Command::Kind::Action:
      case Command::Kind::AssertReturn:
      case Command::Kind::AssertTrap:
      case Command::Kind::AssertExhaustion:
      case Command::Kind::AssertException: return run_action(cmd);
    }
  }

  /// Decode + validate; on success hand the module to the session (instantiated unless it
  /// is a `module definition`).
  Result<std::shared_ptr<const WasmModule>> load(const ModuleSource& src) {
    auto bytes = module_bytes(src);
    if (!bytes) return std::move(bytes).error();
    auto module = load_module(std::move(bytes).value());
    if (!module) return std::move(module).error();
    return std::make_shared<const WasmModule>(std::move(module).value());
  }

  void define_module(const Command& cmd) {
    auto module = load(cmd.module);
    if (!module) {
      session_.forget_current();  // later commands must not silently use the previous module
      return fail(cmd, fmt::format("module did not load: {} ({})", module.error().to_string(), to_string(module.error().kind)));
    }
    if (cmd.module.definition) {
      session_.define(std::move(module).value(), cmd.module.name);
      return pass(cmd);
    }
    auto inst = session_.instantiate(std::move(module).value(), cmd.module.name);
    if (!inst) {
      if (inst.error().kind == ErrorKind::Unsupported) return skip(cmd, inst.error().message);
      return fail(cmd, fmt::format("instantiation failed: {}", inst.error().to_string()));
    }
    pass(cmd);
  }

  void assert_malformed(const Command& cmd) {
    // Text errors and binary decoding errors are both "malformed"; a module that decodes
    // but fails validation is not.
    auto bytes = module_bytes(cmd.module);
    if (!bytes) {
      check_message(cmd, bytes.error());
      return pass(cmd);
    }
    auto module = decode_module(std::move(bytes).value());
    if (!module) {
      check_message(cmd, module.error());
      return pass(cmd);
    }
    // Function bodies are decoded during validation (one walk), so byte-level faults in
    // code surface there, still as ErrorKind::Malformed.
    auto valid = validate_module(*module);
    if (!valid && valid.error().kind == ErrorKind::Malformed) {
      check_message(cmd, valid.error());
      return pass(cmd);
    }
    if (!valid) return fail(cmd, fmt::format("expected malformed (\"{}\"), but decoded; invalid instead: {}", cmd.text, valid.error().to_string()));
    fail(cmd, fmt::format("expected malformed (\"{}\"), but the module decoded and validated", cmd.text));
  }

  void assert_invalid(const Command& cmd) {
    auto bytes = module_bytes(cmd.module);
    if (!bytes) return fail(cmd, fmt::format("expected invalid (\"{}\"), but the text did not parse: {}", cmd.text, bytes.error().to_string()));
    auto module = decode_module(std::move(bytes).value());
    if (!module) return fail(cmd, fmt::format("expected invalid (\"{}\"), but malformed: {}", cmd.text, module.error().to_string()));
    auto valid = validate_module(*module);
    if (valid) return fail(cmd, fmt::format("expected invalid (\"{}\"), but the module validated", cmd.text));
    if (valid.error().kind != ErrorKind::Invalid)
      return fail(cmd, fmt::format("expected invalid (\"{}\"), but malformed: {}", cmd.text, valid.error().to_string()));
    check_message(cmd, valid.error());
    pass(cmd);
  }

  void assert_instantiation_fails(const Command& cmd) {
    auto module = load(cmd.module);
    if (!module) return fail(cmd, fmt::format("module did not load: {}", module.error().to_string()));
    auto inst = session_.instantiate(std::move(module).value(), std::nullopt, /*keep=*/false);
    if (inst) return fail(cmd, fmt::format("expected instantiation to fail with \"{}\", but it succeeded", cmd.text));
    const Error& err = inst.error();
    if (err.kind == ErrorKind::Unsupported) return skip(cmd, err.message);
    ErrorKind want = cmd.kind == Command::Kind::AssertUnlinkable ? ErrorKind::Unlinkable : ErrorKind::Uninstantiable;
    if (err.kind != want)
      return fail(cmd, fmt::format("expected {} (\"{}\"), got {}: {}", to_string(want), cmd.text, to_string(err.kind), err.to_string()));
    check_message(cmd, err);
    pass(cmd);
  }

  void run_action(const Command& cmd) {
    wast::ActionOutcome out = session_.perform(cmd.action);
    if (out.unsupported) return skip(cmd, out.error);
    switch (cmd.kind) {
      case Command::Kind::Action:
        if (!out.error.empty()) return fail(cmd, out.error);
        if (out.trapped) return fail(cmd, fmt::format("unexpected trap: {}", out.trap_message));
        return pass(cmd);
      case Command::Kind::AssertReturn: {
        if (!out.error.empty()) return fail(cmd, out.error);
        if (out.trapped) return fail(cmd, fmt::format("expected a return, got trap: {}", out.trap_message));
        std::string why = wast::match_results(cmd.expected, out.results);
        if (!why.empty()) return fail(cmd, why);
        return pass(cmd);
      }
      case Command::Kind::AssertTrap:
      case Command::Kind::AssertExhaustion: {
        if (!out.error.empty()) return fail(cmd, out.error);
        if (!out.trapped) return fail(cmd, fmt::format("expected trap \"{}\", got {}", cmd.text, wast::format_values(out.results)));
        if (out.exception) return fail(cmd, fmt::format("expected trap \"{}\", got an uncaught exception", cmd.text));
        if (out.trap_message.find(cmd.text) == std::string::npos)
          return fail(cmd, fmt::format("expected trap \"{}\", got trap \"{}\"", cmd.text, out.trap_message));
        return pass(cmd);
      }
      case Command::Kind::AssertException:
        // core/throw.wast: the action must end with an exception escaping to the host.
        if (!out.error.empty()) return fail(cmd, out.error);
        if (!out.exception) {
          if (out.trapped) return fail(cmd, fmt::format("expected an exception, got trap \"{}\"", out.trap_message));
          return fail(cmd, fmt::format("expected an exception, got {}", wast::format_values(out.results)));
        }
        return pass(cmd);
      default:
        return fail(cmd, "not an action");
    }
  }

  wast::Report report_;
  wast::Session session_;
};

}  // namespace

}  // namespace shard

namespace shard::wast {

Result<WastStats> run_script_text(std::string_view text, std::string_view name, const WastOptions& options,
                                  rt::Tier* tier) {
  auto script = parse_script(text);
  if (!script) return std::move(script).error();
  Runner runner(name, options, tier);
  return runner.run(*script);
}

Result<WastStats> run_script_file(const std::string& path, const WastOptions& options, rt::Tier* tier) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorKind::Io, fmt::format("cannot read {}", path)};
  std::stringstream ss;
  ss << in.rdbuf();
  return run_script_text(ss.str(), path, options, tier);
}

}  // namespace shard::wast
