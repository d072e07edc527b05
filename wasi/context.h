// The WASI state of one guest (its fd table, args, environment, exit code) and the linking
// of a module's wasi_snapshot_preview1 imports to host functions that use it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "module.h"
#include "runtime/runtime.h"
#include "wasi/abi.h"
#include "shard/wasi.h"

namespace shard::wasi {

/// An owned host file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

/// One entry of a directory listing, as fd_readdir reports it.
struct DirListEntry {
  std::string name;
  uint64_t ino = 0;
  abi::Filetype type = abi::Filetype::Unknown;
};

/// An open guest file descriptor.
struct FdEntry {
  UniqueFd owned;  ///< the host fd when WASI owns it
  int host = -1;   ///< the host fd in use (owned or borrowed); -1 for callback streams
  abi::Filetype type = abi::Filetype::Unknown;
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  std::optional<std::string> preopen_name;  ///< set for preopened directories
  std::function<size_t(std::span<uint8_t>)> read_cb;
  std::function<void(std::span<const uint8_t>)> write_cb;
  /// fd_readdir's snapshot: taken when cookie 0 is asked for; cookies index into it.
  std::vector<DirListEntry> listing;
  bool listing_valid = false;

  bool is_stream_cb() const { return read_cb || write_cb; }
};

class WasiContext {
 public:
  /// Opens the preopened directories and builds the initial fd table (0-2, preopens,
  /// sockets). Error Io names a preopen that cannot be opened as a directory.
  static Result<std::shared_ptr<WasiContext>> create(const WasiConfig& config);

  /// The entry for `fd` if it is open and has every right in `needed`:
  /// Errno::BadF for a closed fd, Errno::NotCapable for missing rights.
  abi::Errno lookup(uint32_t fd, uint64_t needed, FdEntry*& out);
  FdEntry* find(uint32_t fd);
  /// Puts an entry at the lowest free number above 2; Errno::MFile when the table is full.
  abi::Errno insert(std::unique_ptr<FdEntry> entry, uint32_t& fd_out);
  abi::Errno close(uint32_t fd);
  abi::Errno renumber(uint32_t from, uint32_t to);

  const std::vector<std::string>& args() const { return args_; }
  const std::vector<std::string>& environ_vars() const { return environ_; }

  /// Set by proc_exit; the host function then returns TrapKind::Exit.
  std::optional<uint32_t> exit_code;

  /// Resolve paths with openat2(RESOLVE_BENEATH) when the kernel has it (probed at
  /// creation; cleared when a call returns ENOSYS). Tests clear it to exercise the
  /// per-component fallback.
  bool use_openat2 = false;

  static constexpr uint32_t kMaxFds = 1u << 16;

 private:
  std::vector<std::unique_ptr<FdEntry>> fds_;
  std::vector<std::string> args_;
  std::vector<std::string> environ_;  ///< "KEY=VALUE"
};

/// Signature and implementation of every wasi_snapshot_preview1 function, one row each.
struct HostFuncInfo {
  std::string_view name;
  FuncType type;
};
/// The names and types of all functions Shard provides (the whole preview1 interface).
std::vector<HostFuncInfo> host_functions();

/// Host function `name` of wasi_snapshot_preview1 bound to `ctx`, or nullptr when the
/// interface has no such function.
rt::FuncInst* make_host_func(rt::Store& store, const std::shared_ptr<WasiContext>& ctx, std::string_view name);

/// Resolves imports from modules other than wasi_snapshot_preview1 (nullopt = unknown).
using OtherImports = std::function<std::optional<rt::Extern>(const Import&)>;

/// The externs for `module`'s imports in import order: wasi_snapshot_preview1 functions are
/// bound to `ctx`; anything else goes to `other`. Unlinkable errors name the import
/// ("unknown WASI function wasi_snapshot_preview1.foo", type mismatches, unknown modules).
Result<std::vector<rt::Extern>> link_imports(rt::Store& store, const WasmModule& module,
                                             const std::shared_ptr<WasiContext>& ctx,
                                             const OtherImports& other = {});

/// run_command on a given tier and context (tests use this to keep the context).
Result<RunOutcome> run_command(std::vector<uint8_t> bytes, const std::shared_ptr<WasiContext>& ctx,
                               rt::Tier& tier, const rt::StoreConfig& store_config = {});

}  // namespace shard::wasi
