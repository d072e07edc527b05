// The WASI 0.2 host (wasi:cli, io, clocks, random, filesystem, sockets) for components: its state
// (one per Linker::add_wasi), the resources a guest holds (streams, pollables, descriptors,
// errors, ...) in one table with a configurable size, and the registration of each
// interface's functions with their WIT signatures (sig.h).
//
// Files, paths, clocks and randomness go through the same host core as preview1
// (wasi/impl.h: resolve_path beneath a directory fd, list_directory, now_ns, fill_random,
// guest_environment), so both ABIs follow one set of capability and escape rules.
//
// Resources: every guest handle to a WASI resource names an Object here by its rep (its
// index in `objects`). The guest's handle tables (per component instance) follow the
// canonical ABI's ownership rules; dropping an owned handle runs the type's destructor, which
// frees the Object — or traps when children are still alive (a stream's pollable, a
// descriptor's streams), as the WIT requires ("must be dropped before the parent").
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "component/abi/resources.h"
#include "component/abi/value.h"
#include "component/runtime/instance.h"
#include "wasi/impl.h"
#include "wasi/p2/sig.h"

namespace shard::wasi::p2 {

namespace run = shard::component::run;
using abi::Value;
using Args = std::span<const Value>;
using Ret = Result<std::optional<Value>>;

enum class Kind : uint8_t {
  Error, InputStream, OutputStream, Pollable, Descriptor, DirectoryEntryStream, TerminalInput, TerminalOutput,
  Network, TcpSocket, ResolveAddressStream, UdpSocket, IncomingDatagramStream, OutgoingDatagramStream,
};

/// A host file shared by a descriptor and the streams opened on it.
using SharedFd = std::shared_ptr<UniqueFd>;

struct Object {
  Kind kind = Kind::Error;
  uint32_t parent = 0;    ///< the rep this object depends on (0: none)
  uint32_t children = 0;  ///< live objects whose parent this is

  // Error: what failed
  std::string message;
  std::optional<uint32_t> error_code;  ///< filesystem error-code case, for filesystem-error-code

  // streams and descriptors
  SharedFd file;             ///< owned host file (descriptors, file streams)
  int fd = -1;               ///< the host fd in use (owned or a borrowed stdio fd); -1: callback
  bool positioned = false;   ///< file stream: pread/pwrite at `offset`
  bool append = false;       ///< file output stream opened with append-via-stream
  uint64_t offset = 0;
  bool closed = false;       ///< input: end of stream reached; output: broken
  std::function<size_t(std::span<uint8_t>)> read_cb;
  std::function<void(std::span<const uint8_t>)> write_cb;

  // descriptors
  uint32_t type = 0;         ///< descriptor-type case
  uint32_t flags = 0;        ///< descriptor-flags bits
  std::vector<DirListEntry> listing;  ///< directory-entry-stream
  size_t next = 0;

  // sockets (sockets.cpp)
  int family = 0;            ///< AF_INET / AF_INET6
  uint8_t state = 0;         ///< tcp-socket state (sockets.cpp)
  std::vector<Value> addresses;  ///< resolve-address-stream: ip-address values, in order

  // pollables
  enum class Wait : uint8_t { Ready, Fd, Deadline } wait = Wait::Ready;
  short events = 0;          ///< Wait::Fd: POLLIN / POLLOUT
  uint64_t deadline = 0;     ///< Wait::Deadline: CLOCK_MONOTONIC ns
};

class Host;
using HostFn = std::function<Ret(Host&, Args)>;

class Host {
 public:
  /// Opens the preopens; Io error naming a directory that cannot be opened.
  static Result<std::shared_ptr<Host>> create(const WasiConfig& config);

  const WasiConfig& config() const { return config_; }
  const std::vector<std::pair<std::string, std::string>>& env() const { return env_; }
  bool& use_openat2() { return use_openat2_; }

  /// A new object, with `parent`'s child count raised; nullopt when max_resources are live.
  std::optional<uint32_t> add(Object o);
  /// The live object `rep` of kind `k`, or null (a rep the guest cannot have forged: the ABI
  /// checks handle types, so null means a host bug or a dropped parent).
  Object* get(uint32_t rep, Kind k);
  /// Frees `rep` (a resource destructor): a trap when it still has children.
  Result<void> drop(uint32_t rep, Kind k);
  size_t live() const { return live_; }

  /// The resource type of a kind (stable addresses: the guest's handles point at them).
  const abi::ResourceType* type(Kind k) const { return types_[static_cast<size_t>(k)].get(); }

  /// Set by wasi:cli/exit; the call then traps with TrapKind::Exit.
  std::optional<uint32_t> exit_code;

  /// A trap for a host-side misuse the guest caused (bad handle, dropped parent, ...).
  static Error trap(std::string message);

  /// The instances implementing each interface, by unversioned name ("wasi:io/streams"),
  /// handed over once (their functions hold the Host; the Host does not hold them).
  std::map<std::string, std::shared_ptr<run::Instance>> take_instances() { return std::move(instances_); }

  // ---- registration (used by the interface files) ----
  TypeEnv types;
  /// Adds function `name` of `iface` with WIT signature `sig`; "[method]r.m" takes `self`
  /// as borrow<r> first. Fails on a signature the environment cannot type.
  Result<void> func(const std::string& iface, const std::string& name, std::string_view sig, HostFn fn);
  /// Exports the resource types of `kinds` from `iface`, each under its WIT name.
  void resources(const std::string& iface, std::initializer_list<Kind> kinds);
  /// Exports the value types named (space separated, defined in `types`) from `iface`: a
  /// component aliases an imported interface's types (`datetime`, `error-code`, ...) by name.
  /// `export=type` exports a type under another name.
  Result<void> export_types(const std::string& iface, std::string_view names);

 private:
  Host() = default;
  WasiConfig config_;
  std::vector<std::pair<std::string, std::string>> env_;
  bool use_openat2_ = false;
  std::vector<std::optional<Object>> objects_{1};  ///< index 0 is never used (rep 0 = none)
  std::vector<uint32_t> free_;
  size_t live_ = 0;
  std::vector<std::unique_ptr<abi::ResourceType>> types_;
  std::map<std::string, std::shared_ptr<run::Instance>> instances_;
  std::weak_ptr<Host> self_;
};

/// A Host with every interface registered, and its instances.
struct Built {
  std::shared_ptr<Host> host;
  std::map<std::string, std::shared_ptr<run::Instance>> instances;
};
Result<Built> build(const WasiConfig& config);

/// Returns the error of a failed Result<void> registration step.
#define SHARD_P2_TRY(expr) \
  if (auto r_ = (expr); !r_) return std::move(r_).error()

// ---- per-interface registration (io.cpp, cli.cpp, filesystem.cpp) ----
Result<void> add_io(Host& h);
Result<void> add_cli_clocks_random(Host& h);
Result<void> add_filesystem(Host& h);
Result<void> add_sockets(Host& h);

// ---- helpers shared by the interface files ----

/// stream-error.last-operation-failed(error) with `message` (a new error resource), or
/// stream-error.closed when the table is full.
Value stream_failed(Host& h, std::string message, std::optional<uint32_t> fs_code = std::nullopt);
Value stream_closed();
/// Bytes as list<u8>.
Value bytes_value(std::span<const uint8_t> b);
/// list<u8> argument to bytes.
std::vector<uint8_t> bytes_of(const Value& v);
/// wasi:filesystem error-code case for a preview1-style errno.
uint32_t error_code_of(Errno e);
/// A pollable that is ready when `fd` has `events` (or at once when fd < 0).
Value new_pollable(Host& h, uint32_t parent, Object::Wait wait, int fd, short events, uint64_t deadline);

}  // namespace shard::wasi::p2
