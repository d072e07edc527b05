// Internal to wasi/: the calling glue every host function shares (arguments, checked guest
// memory), the host-errno mapping, the sandboxed path resolver, and the implementations the
// host table (host_table.cpp) lists.
#pragma once

#include <sys/stat.h>
#include <sys/uio.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "component/abi/rt_memory.h"
#include "wasi/context.h"

namespace shard::wasi {

using abi::Errno;
static_assert(std::endian::native == std::endian::little, "guest memory is little-endian; add byte swaps");

/// Guest memory as a host function sees it: the canonical ABI's checker (one bounds check per
/// guest range; out of range -> Errno::Fault, never a host fault).
using GuestMemory = component::abi::GuestMemory;

/// Field access inside a span already checked by GuestMemory::span (structure layouts in
/// abi.h keep every offset inside its structure's size).
template <class T>
inline void put(std::span<uint8_t> s, size_t offset, T value) {
  std::memcpy(s.data() + offset, &value, sizeof(T));
}
template <class T>
inline T get(std::span<const uint8_t> s, size_t offset) {
  T v;
  std::memcpy(&v, s.data() + offset, sizeof(T));
  return v;
}

/// One host-function invocation: the context, the caller's memory and the raw arguments.
struct Call {
  WasiContext& ctx;
  GuestMemory& mem;
  const rt::Value* args;
  uint32_t u32(int i) const { return args[i].i32; }
  uint64_t u64(int i) const { return args[i].i64; }
};

using Impl = Errno (*)(Call&);

/// Returns from the enclosing host function when `expr` is not Errno::Success.
#define SHARD_WASI_TRY(expr)                                      \
  do {                                                            \
    if (::shard::wasi::Errno e_ = (expr); e_ != Errno::Success) { \
      return e_;                                                  \
    }                                                             \
  } while (0)

/// Checks an iovec array and every buffer it names, giving host iovecs that point straight
/// into guest memory. More than IOV_MAX entries are cut to IOV_MAX (a short transfer,
/// which the ABI allows).
Errno gather_iovecs(const Call& c, uint32_t iovs, uint32_t count, std::vector<struct iovec>& out);

/// Builds futimens/utimensat times from preview1 timestamps and fstflags (Inval for
/// unknown bits or for a time both given and "now").
Errno make_times(uint64_t atim, uint64_t mtim, uint32_t fstflags, struct timespec out[2]);

/// Linux errno -> WASI errno.
Errno from_host_errno(int e);
inline Errno last_errno() { return from_host_errno(errno); }

/// Host stat -> filestat written at `out` (64 bytes, already checked).
void write_filestat(std::span<uint8_t> out, const struct stat& st);
abi::Filetype filetype_of(mode_t mode);

// ---- sandboxed path resolution (resolve.cpp) ----

/// A path resolved beneath a directory fd: the directory that holds the last component and
/// that component's name ("." when the path names the directory itself). `name` is never
/// "..", never contains '/', and, when following was requested, is not a symlink at the
/// moment of resolution (operations still use *at calls that do not follow it, so a swap
/// after resolution cannot escape).
struct Resolved {
  UniqueFd owned;    ///< the parent when it is not the starting directory
  int parent = -1;
  std::string name;
  bool trailing_slash = false;  ///< the path ended in '/': it must name a directory
};

/// Resolves `path` beneath the directory `dirfd` (a guest fd's host fd). Absolute paths,
/// `..` above `dirfd` and symlinks leading out are Errno::NotCapable; symlink loops (more
/// than 40 links) are Errno::Loop.
/// The same rules for every WASI version: `use_openat2` says whether the kernel's
/// RESOLVE_BENEATH is used (cleared when a call finds the kernel lacks it).
Errno resolve_path(bool& use_openat2, int dirfd, std::string_view path, bool follow_last, Resolved& out);
inline Errno resolve_path(WasiContext& ctx, int dirfd, std::string_view path, bool follow_last, Resolved& out) {
  return resolve_path(ctx.use_openat2, dirfd, path, follow_last, out);
}

// ---- the host core shared by preview1 and WASI 0.2 (context.cpp) ----

/// Whether openat2(RESOLVE_BENEATH) works here (Linux >= 5.6, not filtered by seccomp).
bool kernel_has_openat2();
/// Opens a granted directory: Io error naming it when it is not an openable directory.
Result<UniqueFd> open_preopen(const Preopen& p);
/// Every entry of the directory `dirfd` (read through a fresh open file description, so the
/// fd's own offset is untouched), "." and ".." included.
Errno list_directory(int dirfd, std::vector<DirListEntry>& out);
/// Nanoseconds of a host clock (clock_gettime).
uint64_t to_ns(const timespec& t);
uint64_t now_ns(clockid_t clock);
/// getrandom(2) until `buf` is full.
Errno fill_random(std::span<uint8_t> buf);
/// The guest's environment: the host's when inherited, then `config.env` (which overrides).
std::vector<std::pair<std::string, std::string>> guest_environment(const WasiConfig& config);

/// Reads a guest path argument: Fault when out of range, Inval for an embedded NUL,
/// NameTooLong past PATH_MAX.
Errno read_path(const Call& c, uint32_t ptr, uint32_t len, std::string_view& out);

// ---- the interface: one row per preview1 function ----
// X(name, params, results): 'i' = i32, 'I' = i64 (typenames.witx lowered to core wasm: every
// handle, size, flag set and pointer is i32; filesize, timestamp, rights, dircookie and
// filedelta are i64). Every function but proc_exit returns its errno as i32. The host table
// (host_table.cpp) and the declarations below both expand this list.
#define SHARD_WASI_FUNCTIONS(X) \
  X(args_get, "ii", "i") \
  X(args_sizes_get, "ii", "i") \
  X(environ_get, "ii", "i") \
  X(environ_sizes_get, "ii", "i") \
  X(clock_res_get, "ii", "i") \
  X(clock_time_get, "iIi", "i") \
  X(fd_advise, "iIIi", "i") \
  X(fd_allocate, "iII", "i") \
  X(fd_close, "i", "i") \
  X(fd_datasync, "i", "i") \
  X(fd_fdstat_get, "ii", "i") \
  X(fd_fdstat_set_flags, "ii", "i") \
  X(fd_fdstat_set_rights, "iII", "i") \
  X(fd_filestat_get, "ii", "i") \
  X(fd_filestat_set_size, "iI", "i") \
  X(fd_filestat_set_times, "iIIi", "i") \
  X(fd_pread, "iiiIi", "i") \
  X(fd_prestat_get, "ii", "i") \
  X(fd_prestat_dir_name, "iii", "i") \
  X(fd_pwrite, "iiiIi", "i") \
  X(fd_read, "iiii", "i") \
  X(fd_readdir, "iiiIi", "i") \
  X(fd_renumber, "ii", "i") \
  X(fd_seek, "iIii", "i") \
  X(fd_sync, "i", "i") \
  X(fd_tell, "ii", "i") \
  X(fd_write, "iiii", "i") \
  X(path_create_directory, "iii", "i") \
  X(path_filestat_get, "iiiii", "i") \
  X(path_filestat_set_times, "iiiiIIi", "i") \
  X(path_link, "iiiiiii", "i") \
  X(path_open, "iiiiiIIii", "i") \
  X(path_readlink, "iiiiii", "i") \
  X(path_remove_directory, "iii", "i") \
  X(path_rename, "iiiiii", "i") \
  X(path_symlink, "iiiii", "i") \
  X(path_unlink_file, "iii", "i") \
  X(poll_oneoff, "iiii", "i") \
  X(proc_exit, "i", "") \
  X(proc_raise, "i", "i") \
  X(sched_yield, "", "i") \
  X(random_get, "ii", "i") \
  X(sock_accept, "iii", "i") \
  X(sock_recv, "iiiiii", "i") \
  X(sock_send, "iiiii", "i") \
  X(sock_shutdown, "ii", "i")

#define SHARD_WASI_DECLARE(name, params, results) Errno name(Call& c);
SHARD_WASI_FUNCTIONS(SHARD_WASI_DECLARE)
#undef SHARD_WASI_DECLARE

}  // namespace shard::wasi
