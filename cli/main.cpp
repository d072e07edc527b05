// The `shard` command line. Uses the public API (include/shard/) only.
#include <fmt/format.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "shard/shard.h"
#include "shard/validate.h"
#include "shard/wasi.h"
#include "shard/version.h"
#include "shard/component.h"
#include "shard/compose.h"
#include "shard/wast.h"

namespace {

constexpr std::string_view kUsage = R"(usage: shard <command> [options] [args]

commands:
  run [OPTIONS] FILE [ARGS...]
                            run a WASI command (.wasm or .wat; its _start) with ARGS as argv;
                            exit status = the guest's exit code, 134 after a trap, 124 when
                            --fuel or --timeout stopped it (message "all fuel consumed" /
                            "interrupted"), 1 if it does not load or link, 2 for bad arguments.
                            A component exporting wasi:cli/run (WASI 0.2, e.g. a preview1
                            program wrapped by the standard adapter) runs the same way: its
                            run's result (ok = 0, err = 1) or wasi:cli/exit's code; it imports
                            wasi:cli, io, clocks, random, filesystem and sockets 0.2.x, granted
                            as below
                            With --invoke NAME, call that export instead, with ARGS (numbers,
                            converted to its parameter types), printing results as TYPE:VALUE
    --dir HOST[::GUEST]     grant the guest a host directory (as GUEST; default: HOST)
    --dir-ro HOST[::GUEST]  the same, read-only
    --env KEY=VALUE         give the guest an environment variable
    --inherit-env           give the guest the whole host environment (before --env)
    --tcplisten ADDR:PORT   open a listening TCP socket (IPv4) and hand it to the guest, which
                            can sock_accept on it (fd after the preopens); no other network
    --allow-tcp-connect IP:PORT
                            (components, wasi:sockets) let TCP sockets connect to IP:PORT
                            (port 0: any port); others get access-denied
    --allow-tcp-listen IP:PORT
                            (components) let TCP sockets bind and listen on IP:PORT
    --allow-udp IP:PORT     (components) let UDP sockets bind to and send to IP:PORT
    --allow-ip-name-lookup  (components) let wasi:sockets/ip-name-lookup resolve names
    --inherit-network       (components) all of the above, any address
                            Nothing else is visible: no files, variables or sockets by default.
    --invoke NAME           the export to call (also accepted: --invoke NAME ARGS... FILE)
                            For a component FILE: --invoke 'NAME(ARGS)' with WIT-style values
                            ("text", 42, [1, 2], {a: 1}, some(x), ok(y), ...), the result is
                            printed the same way; NAME may be iface#func
    --link NAME=DEP.wasm    (components) satisfy import NAME with component DEP's export NAME;
                            --link DEP.wasm offers all of DEP's exports. With --invoke and no
                            --dir/--env flag a component gets no WASI: its wasi:* imports are
                            refused by name. wasi:http is always refused
    --tier interp|jit|auto  execution tier (default auto: the JIT where this build and host
                            have one, else the interpreter; an unavailable tier is an error)
    --fuel N                stop the guest after N units of fuel (one per function entry and
                            per loop iteration): trap "all fuel consumed", exit status 124
    --timeout DURATION      stop the guest after DURATION (e.g. 500ms, 2s, 1m, 1h): trap
                            "interrupted", exit status 124
    --max-wasm-stack SIZE   host stack wasm may use (default 512K; also capped by the thread's)
    --bounds-checks         check every memory access in software instead of relying on
                            guard pages and the signal handler
    --max-memory SIZE       limit of each linear memory, in bytes (suffixes K, M, G; default 4G)
    --max-stack SIZE        value-stack size in bytes (suffixes K, M, G; default 64M)
    --max-call-depth N      nested calls before "call stack exhausted" (default 20000)
  wast [-v] [--tier T] [--bounds-checks] FILE.wast...
                            run spec-test scripts; prints failures and a final line
                            "N passed, N failed, N skipped"; exit status 0 only if none failed
  validate FILE             decode and validate a module (.wasm or .wat); exit status 0 if valid
  wat2wasm FILE -o OUT      convert a text module to the binary format
  compose MAIN PLUG... -o OUT
                            compose components: MAIN's imports that a PLUG exports are wired
                            to it; other imports stay imports of OUT, which exports MAIN's exports
  inspect FILE              print a component's imports and exports as WIT (a world and the
                            interfaces it uses), or a core module's with their core types
  help                      this text
  version                   print the version

options:
  -h, --help                this text
  --version                 print the version
)";

/// "IP:PORT" with an IPv4 address or a bracketed IPv6 one, for the --allow-tcp-* flags.
bool valid_socket_spec(std::string_view spec) {
  const size_t colon = spec.rfind(':');
  if (colon == std::string_view::npos || colon + 1 >= spec.size()) return false;
  std::string host(spec.substr(0, colon));
  const std::string port(spec.substr(colon + 1));
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 || std::stoul(port) > 65535) return false;
  unsigned char buf[16];
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), buf) == 1;
  return inet_pton(AF_INET, host.c_str(), buf) == 1;
}

/// Exit status when --fuel or --timeout stopped the guest (as timeout(1)).
constexpr int kStoppedExit = 124;

bool is_stop(const shard::Error& e) {
  return e.kind == shard::ErrorKind::Trap &&
         (e.trap == shard::TrapKind::OutOfFuel || e.trap == shard::TrapKind::Interrupted);
}

/// "500ms", "2s", "1m", "1h", "250us": a duration for --timeout.
std::optional<std::chrono::microseconds> parse_duration(std::string_view s) {
  size_t digits = 0;
  uint64_t v = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') {
    if (v > UINT64_MAX / 10 - 9) return std::nullopt;
    v = v * 10 + uint64_t(s[digits++] - '0');
  }
  if (digits == 0) return std::nullopt;
  std::string_view unit = s.substr(digits);
  uint64_t us_per = 0;
  if (unit == "us") us_per = 1;
  else if (unit == "ms") us_per = 1000;
  else if (unit == "s" || unit.empty()) us_per = 1'000'000;
  else if (unit == "m") us_per = 60'000'000;
  else if (unit == "h") us_per = 3'600'000'000;
  else return std::nullopt;
  if (v > UINT64_MAX / us_per / 2) return std::nullopt;
  return std::chrono::microseconds(v * us_per);
}

/// --timeout: a timer thread that advances the engine's epoch once the time is up (the
/// store's deadline is one tick away). Stopped and joined when the run ends.
class EpochTimer {
 public:
  EpochTimer(const shard::Engine& engine, std::chrono::microseconds after)
      : thread_([this, engine, after] {
          std::unique_lock<std::mutex> lock(mutex_);
          if (!cv_.wait_for(lock, after, [this] { return done_; })) engine.increment_epoch();
        }) {}
  ~EpochTimer() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

int usage_error(std::string_view msg) {
  fmt::print(stderr, "shard: {}\nRun 'shard --help' for usage.\n", msg);
  return 2;
}

int cmd_wast(const std::vector<std::string_view>& args) {
  shard::WastOptions opts;
  std::vector<std::string> files;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "-v" || a == "--verbose") opts.verbose = true;
    else if (a == "-q" || a == "--quiet") opts.quiet = true;
    else if (a == "--bounds-checks") opts.signal_based_traps = false;
    else if (a == "--tier") {
      if (i + 1 >= args.size()) return usage_error("wast: --tier needs interp, jit or auto");
      auto t = shard::parse_tier_name(args[++i]);
      if (!t) return usage_error(fmt::format("wast: unknown tier '{}' (interp, jit or auto)", args[i]));
      opts.tier = *t;
    } else if (!a.empty() && a[0] == '-') return usage_error(fmt::format("wast: unknown option '{}'", a));
    else files.emplace_back(a);
  }
  if (files.empty()) return usage_error("wast: no script given");
  shard::WastStats total;
  bool script_error = false;
  for (const std::string& f : files) {
    // Component Model scripts (component-model-tests) and core scripts share the command.
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      fmt::print(stderr, "{}: cannot read file\n", f);
      script_error = true;
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto stats = shard::cm::is_component_script(text.str()) ? shard::cm::run_wast(text.str(), f, opts)
                                                                 : shard::run_wast(text.str(), f, opts);
    if (!stats) {
      fmt::print(stderr, "{}: {}\n", f, stats.error().to_string());
      script_error = true;
      continue;
    }
    total += *stats;
  }
  fmt::print("{} passed, {} failed, {} skipped\n", total.passed, total.failed, total.skipped);
  return (total.failed == 0 && !script_error) ? 0 : 1;
}

int cmd_validate(const std::vector<std::string_view>& args) {
  if (args.size() != 1) return usage_error("validate: expected exactly one FILE");
  std::string path(args[0]);
  auto bytes = shard::read_module_file(path);
  if (!bytes) {
    fmt::print(stderr, "{}: {} error: {}\n", path, shard::to_string(bytes.error().kind), bytes.error().to_string());
    return 1;
  }
  auto ok = shard::validate(*bytes);
  if (!ok) {
    fmt::print(stderr, "{}: {}: {}\n", path, shard::to_string(ok.error().kind), ok.error().to_string());
    return 1;
  }
  fmt::print("{}: valid\n", path);
  return 0;
}

int cmd_wat2wasm(const std::vector<std::string_view>& args) {
  std::string in, out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-o") {
      if (i + 1 >= args.size()) return usage_error("wat2wasm: -o needs a file");
      out = args[++i];
    } else if (in.empty()) {
      in = args[i];
    } else {
      return usage_error(fmt::format("wat2wasm: unexpected argument '{}'", args[i]));
    }
  }
  if (in.empty() || out.empty()) return usage_error("wat2wasm: expected FILE -o OUT");
  auto bytes = shard::read_module_file(in);
  if (!bytes) {
    fmt::print(stderr, "{}: {}\n", in, bytes.error().to_string());
    return 1;
  }
  std::FILE* f = std::fopen(out.c_str(), "wb");
  if (!f) {
    fmt::print(stderr, "shard: cannot write {}: {}\n", out, std::strerror(errno));
    return 1;
  }
  size_t n = std::fwrite(bytes->data(), 1, bytes->size(), f);
  bool ok = std::fclose(f) == 0 && n == bytes->size();
  if (!ok) fmt::print(stderr, "shard: cannot write {}\n", out);
  return ok ? 0 : 1;
}

int cmd_compose(const std::vector<std::string_view>& args) {
  std::vector<std::string> files;
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-o") {
      if (i + 1 >= args.size()) return usage_error("compose: -o needs a file");
      out = args[++i];
    } else if (!args[i].empty() && args[i][0] == '-') {
      return usage_error(fmt::format("compose: unknown option '{}'", args[i]));
    } else {
      files.emplace_back(args[i]);
    }
  }
  if (files.size() < 2 || out.empty()) return usage_error("compose: expected MAIN.wasm PLUG.wasm... -o OUT.wasm");
  std::vector<shard::ComposeInput> plugs;
  for (const std::string& f : files) {
    auto bytes = shard::read_module_file(f);
    if (!bytes) {
      const shard::Error& e = bytes.error();
      fmt::print(stderr, "error: {}\n", e.kind == shard::ErrorKind::Io ? e.to_string() : f + ": " + e.to_string());
      return 1;
    }
    plugs.push_back({f, std::move(*bytes)});
  }
  shard::ComposeInput main_component = std::move(plugs.front());
  plugs.erase(plugs.begin());
  auto composed = shard::compose_components(main_component, plugs);
  if (!composed) {
    fmt::print(stderr, "error: {}\n", composed.error().to_string());
    return 1;
  }
  std::FILE* f = std::fopen(out.c_str(), "wb");
  size_t n = f ? std::fwrite(composed->data(), 1, composed->size(), f) : 0;
  if (!f || std::fclose(f) != 0 || n != composed->size()) {
    fmt::print(stderr, "error: cannot write {}\n", out);
    return 1;
  }
  return 0;
}

int cmd_inspect(const std::vector<std::string_view>& args) {
  if (args.size() != 1) return usage_error("inspect: expected exactly one FILE");
  const std::string path(args[0]);
  auto fail = [&](const shard::Error& e) {
    fmt::print(stderr, "shard: {}: {}: {}\n", path, shard::to_string(e.kind), e.to_string());
    return 1;
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(shard::Error(shard::ErrorKind::Io, "cannot read file"));
  std::stringstream text;
  text << in.rdbuf();
  const std::string data = text.str();
  // A component binary has layer 1 in its preamble (Binary.md: 0d 00 01 00 after the magic);
  // component text starts with `(component` after whitespace and comments.
  const bool binary = data.size() >= 4 && data.compare(0, 4, std::string("\0asm", 4)) == 0;
  bool component = binary && data.size() >= 8 && data[6] == 1 && data[7] == 0;
  if (!binary) {
    size_t i = 0;
    while (i < data.size()) {
      if (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') ++i;
      else if (data.compare(i, 2, ";;") == 0) i = std::min(data.find('\n', i), data.size());
      else if (data.compare(i, 2, "(;") == 0) i = data.find(";)", i) == std::string::npos ? data.size() : data.find(";)", i) + 2;
      else break;
    }
    component = data.compare(i, 10, "(component") == 0;
  }
  if (component) {
    auto c = binary ? shard::cm::Component::from_bytes(std::vector<uint8_t>(data.begin(), data.end()))
                    : shard::cm::Component::from_text(data);
    if (!c) return fail(c.error());
    fmt::print("{}", c->wit());
    return 0;
  }
  shard::Engine engine;
  auto m = binary ? shard::Module::from_binary(engine, std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()))
                  : shard::Module::from_text(engine, data);
  if (!m) return fail(m.error());
  // One line per import and export, types in the text format's syntax (text/modules.rst).
  auto types = [](const std::vector<shard::ValType>& ts) {
    std::string s;
    for (shard::ValType t : ts) s += (s.empty() ? "" : " ") + std::string(shard::to_string(t));
    return s;
  };
  auto limits = [](const shard::Limits& l) { return l.max ? fmt::format("{} {}", l.min, *l.max) : fmt::format("{}", l.min); };
  auto describe = [&](const shard::ExternType& t) {
    switch (t.kind) {
      case shard::ExternKind::Func: {
        std::string s = "func";
        if (!t.func.params.empty()) s += " (param " + types(t.func.params) + ")";
        if (!t.func.results.empty()) s += " (result " + types(t.func.results) + ")";
        return s;
      }
      case shard::ExternKind::Table: return fmt::format("table {} {}", limits(t.table.limits), shard::to_string(t.table.elem));
      case shard::ExternKind::Memory: return "memory " + limits(t.memory.limits);
      case shard::ExternKind::Global:
        return t.global.mut ? fmt::format("global (mut {})", shard::to_string(t.global.type))
                            : fmt::format("global {}", shard::to_string(t.global.type));
      case shard::ExternKind::Tag:
        return t.func.params.empty() ? std::string("tag") : "tag (param " + types(t.func.params) + ")";
    }
    return std::string("?");
  };
  for (const shard::ImportDesc& im : m->imports()) fmt::print("import \"{}\" \"{}\": {}\n", im.module, im.name, describe(im.type));
  for (const shard::ExportDesc& ex : m->exports()) fmt::print("export \"{}\": {}\n", ex.name, describe(ex.type));
  return 0;
}

/// "123", "64K", "16M", "4G" → bytes.
bool parse_size(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  uint64_t mult = 1;
  char last = s.back();
  if (last == 'K' || last == 'k') mult = 1ull << 10;
  else if (last == 'M' || last == 'm') mult = 1ull << 20;
  else if (last == 'G' || last == 'g') mult = 1ull << 30;
  if (mult != 1) s.remove_suffix(1);
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9' || v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + uint64_t(c - '0');
  }
  if (s.empty() || v > UINT64_MAX / mult) return false;
  out = v * mult;
  return true;
}

/// Parses a command-line argument as a value of type `t`.
shard::Result<shard::Val> parse_arg(std::string_view text, shard::ValType t) {
  std::string s(text);
  auto bad = [&](const char* what) {
    return shard::Error{shard::ErrorKind::Usage, fmt::format("argument '{}' is not {}", text, what)};
  };
  errno = 0;
  char* end = nullptr;
  switch (t) {
    case shard::ValType::I32:
    case shard::ValType::I64: {
      bool neg = !s.empty() && s[0] == '-';
      unsigned long long u = std::strtoull(s.c_str() + (neg ? 1 : 0), &end, 0);
      if (s.empty() || *end != '\0' || errno == ERANGE || (!s.empty() && (s[neg] == '-' || s[neg] == '+')))
        return bad("an integer");
      if (t == shard::ValType::I32) {
        if (neg ? u > 0x80000000ull : u > 0xffffffffull) return bad("a 32-bit integer");
        return shard::Val::i32(static_cast<int32_t>(neg ? uint32_t(0) - uint32_t(u) : uint32_t(u)));
      }
      if (neg && u > 0x8000000000000000ull) return bad("a 64-bit integer");
      return shard::Val::i64(static_cast<int64_t>(neg ? uint64_t(0) - uint64_t(u) : uint64_t(u)));
    }
    case shard::ValType::F32: {
      float f = std::strtof(s.c_str(), &end);
      if (s.empty() || *end != '\0') return bad("a number");
      return shard::Val::f32(f);
    }
    case shard::ValType::F64: {
      double d = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0') return bad("a number");
      return shard::Val::f64(d);
    }
    case shard::ValType::ExternRef:
    case shard::ValType::FuncRef:
      if (s == "null") return shard::Val::null(t);
      return bad("'null' (the only reference the command line can pass)");
    default:
      return shard::Error{shard::ErrorKind::Usage, fmt::format("{} parameters cannot be passed on the command line",
                                                               shard::to_string(t))};
  }
}

/// A listening IPv4 TCP socket on "ADDR:PORT" (port 0: any free port), or -1 with errno set.
int listen_socket(std::string_view spec) {
  size_t colon = spec.rfind(':');
  uint64_t port = 0;
  if (colon == std::string_view::npos || !parse_size(spec.substr(colon + 1), port) || port > 65535) {
    errno = EINVAL;
    return -1;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  std::string host(spec.substr(0, colon));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    errno = EINVAL;
    return -1;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 64) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/// Whether FILE is a component: the binary preamble (layer 1) or component text.
bool is_component_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  in.read(head, sizeof head);
  if (in.gcount() == 8 && std::memcmp(head, "\0asm", 4) == 0) return head[6] == 1 && head[7] == 0;
  in.clear();
  in.seekg(0);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return shard::cm::is_component_script(text) && text.find("(assert_") == std::string::npos;
}

/// `shard run COMPONENT --invoke 'f(args)' [--link NAME=DEP.wasm]...`: instantiates the
/// --link components first (each may use the ones before it), then COMPONENT with its
/// imports satisfied by them and by the WASI interfaces granted, and calls one export with
/// arguments in WIT value syntax; prints the result the same way.
int run_component(const std::string& file, const std::string& invoke, const std::vector<std::string>& rest,
                  const std::vector<std::string>& links, const shard::wasi::WasiConfig& wasi, bool wasi_options,
                  const shard::Engine& engine, const shard::StopConditions& stop) {
  namespace cm = shard::cm;
  if (!wasi.sockets.empty())
    return usage_error("run: --tcplisten hands a socket to preview1 commands; components get no sockets yet");
  auto fail = [](const std::string& what, const shard::Error& e) {
    fmt::print(stderr, "shard: {}: {}: {}\n", what, shard::to_string(e.kind), e.to_string());
    return is_stop(e) ? kStoppedExit : e.kind == shard::ErrorKind::Trap ? 134 : 1;
  };
  cm::Store store(engine);
  if (stop.fuel) {
    if (auto r = store.set_fuel(*stop.fuel); !r) return fail(file, r.error());
  }
  if (stop.epoch_deadline) {
    if (auto r = store.set_epoch_deadline(*stop.epoch_deadline); !r) return fail(file, r.error());
  }
  cm::Linker linker;
  // A command (no --invoke) gets WASI 0.2 with what the flags grant (nothing by default: no
  // variables, no directories); so does --invoke when a WASI flag is given. Otherwise every
  // wasi:* import is refused by name, with the flag that grants it.
  if (invoke.empty() || wasi_options) {
    shard::wasi::WasiConfig cfg = wasi;
    cfg.args = {file};
    if (invoke.empty()) cfg.args.insert(cfg.args.end(), rest.begin(), rest.end());
    if (auto r = linker.add_wasi(cfg); !r) return fail(file, r.error());
  }
  for (const std::string& spec : links) {
    const size_t eq = spec.find('=');
    const std::string name = eq == std::string::npos ? "" : spec.substr(0, eq);
    const std::string path = eq == std::string::npos ? spec : spec.substr(eq + 1);
    auto dep = cm::Component::from_file(path);
    if (!dep) return fail(path, dep.error());
    auto inst = linker.instantiate(store, *dep);
    if (!inst) return fail(path, inst.error());
    if (name.empty()) {
      linker.define_instance_exports(*inst);
      continue;
    }
    bool exported = false;
    for (const auto& ex : dep->exports()) exported |= ex.name == name;
    if (!exported) {
      std::string names;
      for (const auto& ex : dep->exports()) names += (names.empty() ? "" : ", ") + ex.name;
      fmt::print(stderr, "shard: --link {}: {} does not export `{}` (it exports: {})\n", spec, path, name, names.empty() ? "nothing" : names);
      return 1;
    }
    linker.define_instance_exports(*inst);
  }
  auto component = cm::Component::from_file(file);
  if (!component) return fail(file, component.error());
  if (invoke.empty()) {
    std::fflush(stdout);
    auto outcome = cm::run_command(linker, store, *component);
    if (!outcome) {
      if (outcome.error().kind == shard::ErrorKind::Usage)
        return usage_error(fmt::format("run: {}: {} (call one of its exports with --invoke 'NAME(ARGS)')", file, outcome.error().message));
      return fail(file, outcome.error());
    }
    if (outcome->trapped) fmt::print(stderr, "shard: trap: {}\n", outcome->trap_message);
    return static_cast<int>(outcome->exit_code & 0xff);
  }
  std::string call = invoke;
  if (!rest.empty()) {
    // `--invoke NAME ARG...` spelled as separate words
    call += "(";
    for (size_t i = 0; i < rest.size(); ++i) call += (i ? ", " : "") + rest[i];
    call += ")";
  }
  auto instance = linker.instantiate(store, *component);
  if (!instance) return fail(file, instance.error());
  auto parts = cm::split_invocation(call);
  if (!parts) return usage_error(fmt::format("run: --invoke: {}", parts.error().message));
  auto func = instance->func(parts->first);
  if (!func) {
    fmt::print(stderr, "shard: {}: {}\n", file, func.error().message);
    return 1;
  }
  const cm::FuncType& type = func->type();
  if (parts->second.size() != type.params.size())
    return usage_error(fmt::format("run: `{}` is {}: {} argument(s) expected, {} given", parts->first, type.to_wit(),
                                   type.params.size(), parts->second.size()));
  std::vector<cm::Val> vals;
  for (size_t i = 0; i < parts->second.size(); ++i) {
    auto v = cm::parse_value(parts->second[i], *type.params[i].second);
    if (!v) return usage_error(fmt::format("run: argument `{}` ({}): {}", type.params[i].first, type.params[i].second->to_wit(), v.error().message));
    vals.push_back(std::move(*v));
  }
  auto result = func->call(vals);
  if (!result) return fail(fmt::format("{}: {}", file, parts->first), result.error());
  if (*result) fmt::print("{}\n", (*result)->to_string());
  return 0;
}

int cmd_run(const std::vector<std::string_view>& args) {
  shard::EngineConfig config;
  shard::StopConditions stop;
  std::optional<std::chrono::microseconds> timeout;
  shard::wasi::WasiConfig wasi;
  bool wasi_options = false;
  std::string invoke;
  std::vector<std::string> links;
  std::vector<std::string> positional;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    auto value = [&](std::string_view opt) -> std::optional<std::string_view> {
      if (i + 1 >= args.size()) return std::nullopt;
      (void)opt;
      return args[++i];
    };
    if (options_done || a.empty() || a[0] != '-' || (a.size() > 1 && (a[1] == '.' || (a[1] >= '0' && a[1] <= '9')))) {
      positional.emplace_back(a);  // negative numbers are arguments, not options
      continue;
    }
    if (a == "--") {
      options_done = true;
    } else if (a == "--invoke") {
      auto v = value(a);
      if (!v) return usage_error("run: --invoke needs an export name");
      invoke = *v;
    } else if (a == "--link") {
      auto v = value(a);
      if (!v || v->empty()) return usage_error("run: --link needs NAME=COMPONENT.wasm (or COMPONENT.wasm)");
      links.emplace_back(*v);
    } else if (a == "--tier") {
      auto v = value(a);
      if (!v) return usage_error("run: --tier needs a value");
      auto t = shard::parse_tier_name(*v);
      if (!t) return usage_error(fmt::format("run: unknown tier '{}' (interp, jit or auto)", *v));
      config.tier = *t;
    } else if (a == "--fuel") {
      auto v = value(a);
      uint64_t n = 0;
      if (!v || v->empty() || !std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; }) ||
          !parse_size(*v, n))
        return usage_error("run: --fuel needs a number of units");
      config.consume_fuel = true;
      stop.fuel = n;
    } else if (a == "--timeout") {
      auto v = value(a);
      timeout = v ? parse_duration(*v) : std::nullopt;
      if (!timeout) return usage_error("run: --timeout needs a duration like 500ms, 2s or 1m");
      config.epoch_interruption = true;
      stop.epoch_deadline = 1;
    } else if (a == "--bounds-checks") {
      config.signal_based_traps = false;
    } else if (a == "--max-memory" || a == "--max-stack" || a == "--max-wasm-stack") {
      auto v = value(a);
      uint64_t bytes = 0;
      if (!v || !parse_size(*v, bytes)) return usage_error(fmt::format("run: {} needs a size like 65536, 64K, 16M or 4G", a));
      if (a == "--max-memory") config.max_memory_pages = std::min<uint64_t>(bytes >> 16, 65536);
      else if (a == "--max-stack") config.max_stack_bytes = static_cast<size_t>(std::max<uint64_t>(bytes, 4096));
      else config.max_wasm_stack = static_cast<size_t>(bytes);
    } else if (a == "--dir" || a == "--dir-ro") {
      auto v = value(a);
      if (!v || v->empty()) return usage_error(fmt::format("run: {} needs HOST[::GUEST]", a));
      wasi.preopens.push_back(shard::wasi::parse_dir_spec(*v, a == "--dir-ro"));
      wasi_options = true;
    } else if (a == "--env") {
      auto v = value(a);
      if (!v) return usage_error("run: --env needs KEY=VALUE");
      auto kv = shard::wasi::parse_env_spec(*v);
      if (!kv) return usage_error(fmt::format("run: --env {}: {}", *v, kv.error().message));
      wasi.env.push_back(*kv);
      wasi_options = true;
    } else if (a == "--tcplisten") {
      auto v = value(a);
      if (!v) return usage_error("run: --tcplisten needs ADDR:PORT");
      int fd = listen_socket(*v);
      if (fd < 0) return usage_error(fmt::format("run: --tcplisten {}: {}", *v, std::strerror(errno)));
      wasi.sockets.push_back(fd);
      wasi_options = true;
    } else if (a == "--allow-tcp-connect" || a == "--allow-tcp-listen" || a == "--allow-udp") {
      auto v = value(a);
      if (!v || !valid_socket_spec(*v)) return usage_error(fmt::format("run: {} needs IP:PORT (127.0.0.1:8080, [::1]:80; port 0 = any)", a));
      (a == "--allow-tcp-connect" ? wasi.network.tcp_connect : a == "--allow-tcp-listen" ? wasi.network.tcp_listen : wasi.network.udp)
          .emplace_back(*v);
      wasi_options = true;
    } else if (a == "--allow-ip-name-lookup") {
      wasi.network.ip_name_lookup = true;
      wasi_options = true;
    } else if (a == "--inherit-network") {
      wasi.network.inherit = true;
      wasi_options = true;
    } else if (a == "--inherit-env") {
      wasi.inherit_env = true;
      wasi_options = true;
    } else if (a == "--max-call-depth") {
      auto v = value(a);
      uint64_t n = 0;
      if (!v || !parse_size(*v, n) || n == 0 || n > 10'000'000) return usage_error("run: --max-call-depth needs a number from 1 to 10000000");
      config.max_call_depth = static_cast<uint32_t>(n);
    } else {
      return usage_error(fmt::format("run: unknown option '{}'", a));
    }
  }
  if (positional.empty()) return usage_error("run: no FILE given");
  // FILE comes first; `--invoke NAME ARGS... FILE` (the file last) is accepted too.
  std::string file = positional.front();
  std::vector<std::string> rest(positional.begin() + 1, positional.end());
  std::FILE* probe = std::fopen(file.c_str(), "rb");
  if (probe != nullptr) {
    std::fclose(probe);
  } else if (!invoke.empty() && positional.size() > 1) {
    file = positional.back();
    rest.assign(positional.begin(), positional.end() - 1);
  }

  shard::Engine engine(config);
  // Started before loading: --timeout bounds the whole run.
  std::optional<EpochTimer> timer;
  if (timeout) timer.emplace(engine, *timeout);
  if (is_component_file(file)) return run_component(file, invoke, rest, links, wasi, wasi_options, engine, stop);
  if (!links.empty()) return usage_error("run: --link applies to components; core modules import from WASI only");

  auto module = shard::Module::from_file(engine, file);
  if (!module) {
    fmt::print(stderr, "shard: {}: {}: {}\n", file, shard::to_string(module.error().kind), module.error().to_string());
    return 1;
  }
  if (invoke.empty()) {
    auto bytes = shard::read_module_file(file);
    if (!bytes) {
      fmt::print(stderr, "shard: {}: {}\n", file, bytes.error().to_string());
      return 1;
    }
    wasi.args.clear();
    wasi.args.push_back(file);
    wasi.args.insert(wasi.args.end(), rest.begin(), rest.end());
    std::fflush(stdout);
    auto outcome = shard::wasi::run_command(std::move(bytes).value(), wasi, engine, stop);
    if (!outcome) {
      fmt::print(stderr, "shard: {}: {}: {}\n", file, shard::to_string(outcome.error().kind), outcome.error().to_string());
      return 1;
    }
    if (outcome->trapped) fmt::print(stderr, "shard: trap: {}\n", outcome->trap_message);
    return static_cast<int>(outcome->exit_code & 0xff);
  }
  if (wasi_options) return usage_error("run: --dir/--env/--inherit-env/--tcplisten apply to WASI commands, not to --invoke");
  shard::Store store(engine);
  if (stop.fuel) {
    if (auto r = store.set_fuel(*stop.fuel); !r) return usage_error(r.error().message);
  }
  if (stop.epoch_deadline) {
    if (auto r = store.set_epoch_deadline(*stop.epoch_deadline); !r) return usage_error(r.error().message);
  }
  shard::Linker linker(engine);
  auto instance = linker.instantiate(store, *module);
  if (!instance) {
    fmt::print(stderr, "shard: {}: {}: {}\n", file, shard::to_string(instance.error().kind), instance.error().to_string());
    return 1;
  }
  auto func = instance->func(invoke);
  if (!func) {
    fmt::print(stderr, "shard: {}: {}\n", file, func.error().message);
    return 1;
  }
  const shard::FuncType& type = func->type();
  if (rest.size() != type.params.size()) {
    return usage_error(fmt::format("run: '{}' takes {} argument(s), {} given", invoke, type.params.size(), rest.size()));
  }
  std::vector<shard::Val> call_args;
  for (size_t i = 0; i < rest.size(); ++i) {
    auto v = parse_arg(rest[i], type.params[i]);
    if (!v) return usage_error(fmt::format("run: {}", v.error().message));
    call_args.push_back(*v);
  }
  auto results = func->call(call_args);
  if (!results) {
    const shard::Error& e = results.error();
    if (e.kind == shard::ErrorKind::Trap) fmt::print(stderr, "shard: trap: {}\n", e.to_string());
    else fmt::print(stderr, "shard: {}\n", e.to_string());
    if (is_stop(e)) return kStoppedExit;
    return 134;  // like an abort: distinguishable from any ordinary exit status a guest picks
  }
  for (const shard::Val& v : *results) fmt::print("{}\n", v.to_string());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage_error("no command given");
  std::string_view cmd = argv[1];
  std::vector<std::string_view> args(argv + 2, argv + argc);
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    fmt::print("{}", kUsage);
    return 0;
  }
  if (cmd == "--version" || cmd == "version") {
    fmt::print("shard {}\n", shard::kVersion);
    return 0;
  }
  if (cmd == "run") return cmd_run(args);
  if (cmd == "wast") return cmd_wast(args);
  if (cmd == "validate") return cmd_validate(args);
  if (cmd == "wat2wasm") return cmd_wat2wasm(args);
  if (cmd == "compose") return cmd_compose(args);
  if (cmd == "inspect") return cmd_inspect(args);
  return usage_error(fmt::format("unknown command '{}'", cmd));
}
