// WASI preview1 for embedders: what a guest may see (WasiConfig) and running a WASI command.
// Capabilities are denied by default: no directory, environment variable or socket is
// visible unless the config grants it. Only the standard streams are inherited by default,
// and they can be closed or redirected to callbacks.
//
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shard/config.h"
#include "shard/result.h"

namespace shard::wasi {

/// A host directory granted to the guest (--dir HOST[::GUEST]).
struct Preopen {
  std::string host_path;
  std::string guest_path;  ///< the name the guest sees (wasi-libc matches absolute paths against it)
  bool read_only = false;  ///< no right that modifies the file system is granted beneath it
};

/// Where a standard stream goes. A callback, when set, wins over host_fd; with neither the
/// guest's fd is closed (EBADF).
struct Stdio {
  int host_fd = -1;  ///< borrowed, never closed by WASI
  /// stdin: fill the span, return the byte count (0 = end of input).
  std::function<size_t(std::span<uint8_t>)> read;
  /// stdout/stderr: consume the bytes (always all of them).
  std::function<void(std::span<const uint8_t>)> write;

  static Stdio inherit(int fd) { Stdio s; s.host_fd = fd; return s; }
  static Stdio closed() { return {}; }
};

struct WasiConfig {
  std::vector<std::string> args;  ///< argv, including argv[0]
  std::vector<std::pair<std::string, std::string>> env;
  bool inherit_env = false;       ///< also pass the host's environment (before `env`, which overrides)
  std::vector<Preopen> preopens;  ///< become fds 3, 4, ... in this order
  Stdio stdin_stream = Stdio::inherit(0);
  Stdio stdout_stream = Stdio::inherit(1);
  Stdio stderr_stream = Stdio::inherit(2);
  /// Host sockets handed in (borrowed), numbered after the preopens. The guest may
  /// sock_accept on a listening one; there is no other way to reach the network.
  std::vector<int> sockets;

  // ---- WASI 0.2 (components) ----
  /// wasi:sockets, denied by default (a denied operation returns access-denied). Addresses are
  /// "IP:PORT" ("127.0.0.1:8080", "[::1]:80"); port 0 stands for any port.
  struct Network {
    std::vector<std::string> tcp_connect;  ///< remote addresses a TCP socket may connect to
    std::vector<std::string> tcp_listen;   ///< local addresses a TCP socket may bind (and listen on)
    std::vector<std::string> udp;          ///< addresses a UDP socket may bind to and send to
    bool ip_name_lookup = false;           ///< wasi:sockets/ip-name-lookup
    bool inherit = false;                  ///< all of the above, any address
  } network;
  /// What wasi:cli/environment.initial-cwd reports (none when unset).
  std::string initial_cwd;
  /// Host resources (open files, streams, pollables, ...) a component may hold at once; past
  /// it, opening more fails (error-code insufficient-memory) instead of exhausting host fds.
  uint32_t max_resources = 4096;
};

/// `shard run` flag values: "HOST[::GUEST]" for --dir / --dir-ro (GUEST defaults to HOST).
Preopen parse_dir_spec(std::string_view spec, bool read_only);
/// "KEY=VALUE" for --env; Malformed when there is no '=' or the key is empty.
Result<std::pair<std::string, std::string>> parse_env_spec(std::string_view spec);

/// How a command ended.
/// Exit status after the guest was stopped by its fuel or epoch budget (as timeout(1)).
inline constexpr uint32_t kStoppedExitCode = 124;

struct RunOutcome {
  /// proc_exit's code; 0 when _start returned; 134 after a trap; kStoppedExitCode (124) when
  /// fuel ran out or the epoch deadline passed
  uint32_t exit_code = 0;
  bool trapped = false;      ///< the guest trapped (trap_message says how)
  bool stopped = false;      ///< ... with "all fuel consumed" or "interrupted"
  std::string trap_message;  ///< message and wasm backtrace
};

/// Decodes, validates, links (wasi_snapshot_preview1 only) and instantiates a WASI command,
/// then runs its `_start` on the configured tier. Errors: Malformed/Invalid bytes, Unlinkable
/// imports (an unknown WASI function is named), Io for a preopen that cannot be opened,
/// Uninstantiable. A guest trap is an outcome, not an error.
/// `engine` gives the limits (memory pages, call depth, stack) and the tier.
Result<RunOutcome> run_command(std::vector<uint8_t> bytes, const WasiConfig& config,
                               const EngineConfig& engine = {});
/// The same with an engine (whose epoch another thread may advance) and a fuel / epoch
/// budget for the command's store. An unavailable tier is ErrorKind::Unsupported.
Result<RunOutcome> run_command(std::vector<uint8_t> bytes, const WasiConfig& config, const Engine& engine,
                               const StopConditions& stop = {});

}  // namespace shard::wasi
