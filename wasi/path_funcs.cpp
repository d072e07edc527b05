// path_*: operations on paths beneath a directory fd. Every path goes through
// resolve_path (resolve.cpp), and the final component is only ever used with *at calls that
// do not follow symlinks, so nothing outside the directory's tree is reachable.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "wasi/impl.h"

namespace shard::wasi {

namespace r = abi::rights;

namespace {

/// The directory entry for a path function: open, a directory, with `needed` rights.
Errno lookup_dir(Call& c, uint32_t fd, uint64_t needed, FdEntry*& dir) {
  SHARD_WASI_TRY(c.ctx.lookup(fd, needed, dir));
  if (dir->type != abi::Filetype::Directory) return Errno::NotDir;
  return Errno::Success;
}

/// lookup_dir + read the path argument + resolve it.
Errno dir_path(Call& c, uint32_t fd, uint64_t needed, uint32_t path_ptr, uint32_t path_len, bool follow,
               Resolved& out) {
  FdEntry* dir;
  SHARD_WASI_TRY(lookup_dir(c, fd, needed, dir));
  std::string_view path;
  SHARD_WASI_TRY(read_path(c, path_ptr, path_len, path));
  return resolve_path(c.ctx, dir->host, path, follow, out);
}

/// A path written with a trailing '/' must name a directory.
Errno check_trailing_slash(const Resolved& p) {
  if (!p.trailing_slash) return Errno::Success;
  struct stat st;
  if (fstatat(p.parent, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_errno();
  return S_ISDIR(st.st_mode) ? Errno::Success : Errno::NotDir;
}

}  // namespace

Errno path_open(Call& c) {
  using namespace abi;
  FdEntry* dir;
  SHARD_WASI_TRY(lookup_dir(c, c.u32(0), r::kPathOpen, dir));
  const bool follow = c.u32(1) & kLookupSymlinkFollow;
  const uint32_t oflags = c.u32(4);
  const uint64_t want_base = c.u64(5), want_inh = c.u64(6);
  const uint32_t fdflags = c.u32(7);
  auto ret = c.mem.span(c.u32(8), 4);
  if (!ret) return Errno::Fault;
  std::string_view path;
  SHARD_WASI_TRY(read_path(c, c.u32(2), c.u32(3), path));
  if ((oflags & ~uint32_t{kOflagsAll}) != 0 || (fdflags & ~uint32_t{kFdflagsAll}) != 0) return Errno::Inval;

  // Rights the directory itself needs for what this open does.
  uint64_t needed = 0;
  if (oflags & kOflagCreat) needed |= r::kPathCreateFile;
  if (oflags & kOflagTrunc) needed |= r::kPathFilestatSetSize;
  if ((dir->rights_base & needed) != needed) return Errno::NotCapable;
  // Rights the new fd asks for that the directory cannot pass on: asking to write is
  // refused outright (so a read-only tree says so at open), anything else is dropped.
  uint64_t base = want_base;
  if (fdflags & kFdflagDsync) base |= r::kFdDatasync;
  if (fdflags & (kFdflagRsync | kFdflagSync)) base |= r::kFdSync;
  if (fdflags & kFdflagAppend) base |= r::kFdWrite;
  const uint64_t refused = (oflags & kOflagDirectory) ? 0 : r::kWriteAccess | r::kFdDatasync | r::kFdSync;
  if ((base & refused & ~dir->rights_inheriting) != 0) {
    return Errno::NotCapable;
  }
  base = want_base & dir->rights_inheriting;

  Resolved p;
  SHARD_WASI_TRY(resolve_path(c.ctx, dir->host, path, follow, p));

  int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if ((oflags & kOflagDirectory) || p.trailing_slash) flags |= O_DIRECTORY;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & kFdflagNonblock) flags |= O_NONBLOCK;
  if (fdflags & kFdflagRsync) flags |= O_RSYNC;
  if (fdflags & kFdflagSync) flags |= O_SYNC;
  const bool can_write = (base & r::kWriteAccess) != 0 || (fdflags & kFdflagAppend) != 0;
  const bool can_read = (base & (r::kFdRead | r::kFdReaddir)) != 0;
  // A directory is never opened for writing; asking for a directory and write access at
  // once only loses the latter (without O_DIRECTORY the host's EISDIR stands).
  if (!(flags & O_DIRECTORY)) flags |= can_write ? (can_read ? O_RDWR : O_WRONLY) : O_RDONLY;

  int fd = openat(p.parent, p.name.c_str(), flags, 0666);
  if (fd < 0) return last_errno();
  auto e = std::make_unique<FdEntry>();
  e->owned.reset(fd);
  e->host = fd;
  struct stat st;
  if (fstat(fd, &st) != 0) return last_errno();
  e->type = filetype_of(st.st_mode);
  // The new fd keeps only the rights that apply to what it turned out to be, and never more
  // than the directory passes on.
  if (e->type == Filetype::Directory) {
    constexpr uint64_t kPathRights = r::kDirectory & ~(r::kFdFdstatSetFlags | r::kFdSync | r::kFdAdvise |
                                                       r::kFdReaddir | r::kFdFilestatGet | r::kFdFilestatSetTimes);
    if ((want_base & kPathRights) == 0) {
      // A requester that speaks no path rights (Rust's std asks for file rights only, and
      // relies on implementations adjusting them) gets what the parent passes on.
      e->rights_base = dir->rights_inheriting & r::kDirectory;
      e->rights_inheriting = dir->rights_inheriting;
    } else {
      e->rights_base = base & r::kDirectory;
      e->rights_inheriting = want_inh & dir->rights_inheriting;
    }
  } else {
    e->rights_base = base & r::kFile;
    e->rights_inheriting = want_inh & dir->rights_inheriting;
  }
  uint32_t guest_fd = 0;
  SHARD_WASI_TRY(c.ctx.insert(std::move(e), guest_fd));
  put<uint32_t>(*ret, 0, guest_fd);
  return Errno::Success;
}

Errno path_create_directory(Call& c) {
  Resolved p;
  SHARD_WASI_TRY(dir_path(c, c.u32(0), r::kPathCreateDirectory, c.u32(1), c.u32(2), false, p));
  return mkdirat(p.parent, p.name.c_str(), 0777) == 0 ? Errno::Success : last_errno();
}

Errno path_filestat_get(Call& c) {
  auto out = c.mem.span(c.u32(4), abi::layout::kFilestatSize);
  Resolved p;
  SHARD_WASI_TRY(dir_path(c, c.u32(0), r::kPathFilestatGet, c.u32(2), c.u32(3),
                          c.u32(1) & abi::kLookupSymlinkFollow, p));
  if (!out) return Errno::Fault;
  struct stat st;
  if (fstatat(p.parent, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_errno();
  if (p.trailing_slash && !S_ISDIR(st.st_mode)) return Errno::NotDir;
  write_filestat(*out, st);
  return Errno::Success;
}

Errno path_filestat_set_times(Call& c) {
  timespec ts[2];
  SHARD_WASI_TRY(make_times(c.u64(4), c.u64(5), c.u32(6), ts));
  Resolved p;
  SHARD_WASI_TRY(dir_path(c, c.u32(0), r::kPathFilestatSetTimes, c.u32(2), c.u32(3),
                          c.u32(1) & abi::kLookupSymlinkFollow, p));
  SHARD_WASI_TRY(check_trailing_slash(p));
  return utimensat(p.parent, p.name.c_str(), ts, AT_SYMLINK_NOFOLLOW) == 0 ? Errno::Success : last_errno();
}

Errno path_link(Call& c) {
  Resolved from, to;
  SHARD_WASI_TRY(dir_path(c, c.u32(0), r::kPathLinkSource, c.u32(2), c.u32(3),
                          c.u32(1) & abi::kLookupSymlinkFollow, from));
  SHARD_WASI_TRY(dir_path(c, c.u32(4), r::kPathLinkTarget, c.u32(5), c.u32(6), false, to));
  SHARD_WASI_TRY(check_trailing_slash(from));
  if (to.trailing_slash) return Errno::NoEnt;
  // The source was resolved (and followed, if asked) by us; linkat must not follow again.
  return linkat(from.parent, from.name.c_str(), to.parent, to.name.c_str(), 0) == 0 ? Errno::Success
                                                                                      : last_errno();
}

Errno path_readlink(Call& c) {
  auto buf = c.mem.span(c.u32(3), c.u32(4));
  auto ret = c.mem.span(c.u32(5), 4);
  Resolved p;
  SHARD_WASI_TRY(dir_path(c, c.u32(0), r::kPathReadlink, c.u32(1), c.u32(2), false, p));
  if (!buf || !ret) return Errno::Fault;
  char tmp[PATH_MAX];
  ssize_t n = readlinkat(p.parent, p.name.c_str(), tmp, sizeof tmp);
  if (n < 0) return last_errno();
  // Truncated to the buffer, as readlink(2) does.
  size_t len = std::min(static_cast<size_t>(n), buf->size());
  std::memcpy(buf->data(), tmp, len);
  put<uint32_t>(*ret, 0, static_cast<uint32_t>(len));
  return Errno::Success;
}

Errno path_remove_directory(Call& c) {
  Resolved p;
  SHARD_WASI_TRY(dir_path(c, c.u32(0), r::kPathRemoveDirectory, c.u32(1), c.u32(2), false, p));
  return unlinkat(p.parent, p.name.c_str(), AT_REMOVEDIR) == 0 ? Errno::Success : last_errno();
}

Errno path_rename(Call& c) {
  Resolved from, to;
  SHARD_WASI_TRY(dir_path(c, c.u32(0), r::kPathRenameSource, c.u32(1), c.u32(2), false, from));
  SHARD_WASI_TRY(dir_path(c, c.u32(3), r::kPathRenameTarget, c.u32(4), c.u32(5), false, to));
  if (from.trailing_slash || to.trailing_slash) {
    Resolved probe;
    probe.parent = from.parent;
    probe.name = from.name;
    probe.trailing_slash = true;
    SHARD_WASI_TRY(check_trailing_slash(probe));
  }
  return renameat(from.parent, from.name.c_str(), to.parent, to.name.c_str()) == 0 ? Errno::Success
                                                                                     : last_errno();
}

Errno path_symlink(Call& c) {
  std::string_view target;
  SHARD_WASI_TRY(read_path(c, c.u32(0), c.u32(1), target));
  // An absolute target could only ever point out of the sandbox; refuse to plant one for
  // host programs that might follow it later.
  if (!target.empty() && target.front() == '/') return Errno::NotCapable;
  std::string target_str(target);
  Resolved p;
  SHARD_WASI_TRY(dir_path(c, c.u32(2), r::kPathSymlink, c.u32(3), c.u32(4), false, p));
  if (p.trailing_slash) return Errno::NoEnt;
  return symlinkat(target_str.c_str(), p.parent, p.name.c_str()) == 0 ? Errno::Success : last_errno();
}

Errno path_unlink_file(Call& c) {
  Resolved p;
  SHARD_WASI_TRY(dir_path(c, c.u32(0), r::kPathUnlinkFile, c.u32(1), c.u32(2), false, p));
  if (p.trailing_slash) {
    SHARD_WASI_TRY(check_trailing_slash(p));
    return Errno::IsDir;
  }
  return unlinkat(p.parent, p.name.c_str(), 0) == 0 ? Errno::Success : last_errno();
}

}  // namespace shard::wasi
