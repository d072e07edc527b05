// wasi:cli 0.2 (environment, exit, stdin/stdout/stderr, terminal-*), wasi:clocks
// (monotonic-clock, wall-clock) and wasi:random (random, insecure, insecure-seed).
#include <sys/random.h>
#include <unistd.h>

#include <cstring>

#include "wasi/p2/host.h"

namespace shard::wasi::p2 {

namespace {

Ret some(Value v) { return std::optional<Value>{std::move(v)}; }

/// A standard stream as a stream object: the embedder's callback or a borrowed host fd
/// (-1 = closed: reads end at once, writes are discarded).
Object stdio_object(const Stdio& s, bool input) {
  Object o;
  o.kind = input ? Kind::InputStream : Kind::OutputStream;
  if (input && s.read) o.read_cb = s.read;
  else if (!input && s.write) o.write_cb = s.write;
  else o.fd = s.host_fd;
  return o;
}

Ret stdio_stream(Host& h, const Stdio& s, bool input) {
  auto rep = h.add(stdio_object(s, input));
  if (!rep) return Host::trap("too many WASI resources (max_resources)");
  return some(Value::own(*rep));
}

/// terminal-stdin/stdout/stderr: some(terminal) when the host stream is a terminal.
Ret terminal(Host& h, const Stdio& s, bool input) {
  if (s.read || s.write || s.host_fd < 0 || !isatty(s.host_fd)) return some(Value::none());
  Object o;
  o.kind = input ? Kind::TerminalInput : Kind::TerminalOutput;
  auto rep = h.add(std::move(o));
  if (!rep) return Host::trap("too many WASI resources (max_resources)");
  return some(Value::some(Value::own(*rep)));
}

Error exit_with(Host& h, uint32_t code) {
  h.exit_code = code;
  Error e(ErrorKind::Trap, "exit with code " + std::to_string(code));
  e.trap = TrapKind::Exit;
  return e;
}

Value datetime(uint64_t ns) {
  return Value::record({Value::u64(ns / 1'000'000'000), Value::u32(static_cast<uint32_t>(ns % 1'000'000'000))});
}

uint64_t resolution_ns(clockid_t c) {
  timespec t{};
  clock_getres(c, &t);
  return to_ns(t);
}

Result<Value> random_bytes(uint64_t len) {
  // random.wit: the host may trap on a request it cannot meet; 1 GiB bounds the allocation
  if (len > (uint64_t{1} << 30)) return Host::trap("get-random-bytes: more than 1 GiB asked for");
  std::vector<uint8_t> b(static_cast<size_t>(len));
  if (fill_random(b) != Errno::Success) return Host::trap("getrandom failed");
  return bytes_value(b);
}

uint64_t random_u64() {
  uint64_t v = 0;
  fill_random({reinterpret_cast<uint8_t*>(&v), sizeof v});
  return v;
}

}  // namespace

Result<void> add_cli_clocks_random(Host& h) {
  h.types.record("datetime", "seconds: u64, nanoseconds: u32");
  h.types.define("instant", abi::ValType::u64());
  h.types.define("duration", abi::ValType::u64());

  // ---- wasi:cli ----
  const std::string env = "wasi:cli/environment";
  SHARD_P2_TRY(h.func(env, "get-environment", "() -> list<tuple<string, string>>", [](Host& h, Args) -> Ret {
    std::vector<Value> out;
    for (auto& [k, v] : h.env()) out.push_back(Value::tuple({Value::string(k), Value::string(v)}));
    return some(Value::list(std::move(out)));
  }));
  SHARD_P2_TRY(h.func(env, "get-arguments", "() -> list<string>", [](Host& h, Args) -> Ret {
    std::vector<Value> out;
    for (auto& a : h.config().args) out.push_back(Value::string(a));
    return some(Value::list(std::move(out)));
  }));
  SHARD_P2_TRY(h.func(env, "initial-cwd", "() -> option<string>", [](Host& h, Args) -> Ret {
    const std::string& cwd = h.config().initial_cwd;
    return some(cwd.empty() ? Value::none() : Value::some(Value::string(cwd)));
  }));
  SHARD_P2_TRY(h.func("wasi:cli/exit", "exit", "(status: result)", [](Host& h, Args a) -> Ret {
    return exit_with(h, a[0].is_ok() ? 0 : 1);
  }));
  SHARD_P2_TRY(h.func("wasi:cli/exit", "exit-with-code", "(status-code: u8)", [](Host& h, Args a) -> Ret {
    return exit_with(h, static_cast<uint32_t>(a[0].as_unsigned()));
  }));
  h.resources("wasi:cli/terminal-input", {Kind::TerminalInput});
  h.resources("wasi:cli/terminal-output", {Kind::TerminalOutput});
  // stdin/stdout/stderr and terminal-stdin/stdout/stderr, one row per standard stream
  struct StdStream {
    const char* name;  ///< "stdin"
    Stdio WasiConfig::*stream;
    bool input;
  };
  for (const StdStream& std_stream : {StdStream{"stdin", &WasiConfig::stdin_stream, true},
                                      StdStream{"stdout", &WasiConfig::stdout_stream, false},
                                      StdStream{"stderr", &WasiConfig::stderr_stream, false}}) {
    const std::string name = std_stream.name, iface = "wasi:cli/" + name, term = "wasi:cli/terminal-" + name;
    const bool input = std_stream.input;
    const auto member = std_stream.stream;
    h.resources(iface, {input ? Kind::InputStream : Kind::OutputStream});
    h.resources(term, {input ? Kind::TerminalInput : Kind::TerminalOutput});
    SHARD_P2_TRY(h.func(iface, "get-" + name, input ? "() -> own<input-stream>" : "() -> own<output-stream>",
                        [member, input](Host& h, Args) { return stdio_stream(h, h.config().*member, input); }));
    SHARD_P2_TRY(h.func(term, "get-terminal-" + name,
                        input ? "() -> option<own<terminal-input>>" : "() -> option<own<terminal-output>>",
                        [member, input](Host& h, Args) { return terminal(h, h.config().*member, input); }));
  }

  // ---- wasi:clocks ----
  const std::string mono = "wasi:clocks/monotonic-clock", wall = "wasi:clocks/wall-clock";
  h.resources(mono, {Kind::Pollable});
  SHARD_P2_TRY(h.export_types(mono, "instant duration"));
  SHARD_P2_TRY(h.export_types(wall, "datetime"));
  SHARD_P2_TRY(h.func(mono, "now", "() -> u64", [](Host&, Args) { return some(Value::u64(now_ns(CLOCK_MONOTONIC))); }));
  SHARD_P2_TRY(h.func(mono, "resolution", "() -> u64",
                      [](Host&, Args) { return some(Value::u64(resolution_ns(CLOCK_MONOTONIC))); }));
  for (bool absolute : {true, false}) {
    SHARD_P2_TRY(h.func(mono, absolute ? "subscribe-instant" : "subscribe-duration", "(when: u64) -> own<pollable>",
                        [absolute](Host& h, Args a) -> Ret {
                          uint64_t when = a[0].as_unsigned();
                          if (!absolute) {
                            const uint64_t now = now_ns(CLOCK_MONOTONIC);
                            when = when > UINT64_MAX - now ? UINT64_MAX : now + when;
                          }
                          Value p = new_pollable(h, 0, Object::Wait::Deadline, -1, 0, when);
                          if (p.kind() != abi::TypeKind::Own) return Host::trap("too many WASI resources (max_resources)");
                          return some(std::move(p));
                        }));
  }
  SHARD_P2_TRY(h.func(wall, "now", "() -> datetime", [](Host&, Args) { return some(datetime(now_ns(CLOCK_REALTIME))); }));
  SHARD_P2_TRY(h.func(wall, "resolution", "() -> datetime",
                      [](Host&, Args) { return some(datetime(resolution_ns(CLOCK_REALTIME))); }));

  // ---- wasi:random (all from getrandom(2); "insecure" ones may be as good as the secure) ----
  for (auto [iface, bytes, u64] : {std::tuple{"wasi:random/random", "get-random-bytes", "get-random-u64"},
                                   std::tuple{"wasi:random/insecure", "get-insecure-random-bytes", "get-insecure-random-u64"}}) {
    SHARD_P2_TRY(h.func(iface, bytes, "(len: u64) -> list<u8>", [](Host&, Args a) -> Ret {
      auto v = random_bytes(a[0].as_unsigned());
      if (!v) return std::move(v).error();
      return some(std::move(*v));
    }));
    SHARD_P2_TRY(h.func(iface, u64, "() -> u64", [](Host&, Args) { return some(Value::u64(random_u64())); }));
  }
  SHARD_P2_TRY(h.func("wasi:random/insecure-seed", "insecure-seed", "() -> tuple<u64, u64>",
                      [](Host&, Args) { return some(Value::tuple({Value::u64(random_u64()), Value::u64(random_u64())})); }));
  return {};
}

}  // namespace shard::wasi::p2
