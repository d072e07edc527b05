// fd_*: operations on open guest file descriptors (files, directories, standard streams).
#include <dirent.h>
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <vector>

#include "wasi/impl.h"

namespace shard::wasi {

namespace r = abi::rights;

namespace {

constexpr uint64_t kMaxFileOffset = static_cast<uint64_t>(INT64_MAX);

Errno read_into(FdEntry& e, std::vector<iovec>& iov, size_t& total) {
  total = 0;
  if (e.is_stream_cb()) {
    if (!e.read_cb) return Errno::BadF;
    for (const iovec& v : iov) {
      size_t n = e.read_cb(std::span<uint8_t>(static_cast<uint8_t*>(v.iov_base), v.iov_len));
      total += std::min(n, v.iov_len);
      if (n < v.iov_len) break;
    }
    return Errno::Success;
  }
  ssize_t n;
  do n = readv(e.host, iov.data(), static_cast<int>(iov.size()));
  while (n < 0 && errno == EINTR);
  if (n < 0) return last_errno();
  total = static_cast<size_t>(n);
  return Errno::Success;
}

Errno write_from(FdEntry& e, std::vector<iovec>& iov, size_t& total) {
  total = 0;
  if (e.is_stream_cb()) {
    if (!e.write_cb) return Errno::BadF;
    for (const iovec& v : iov) {
      e.write_cb(std::span<const uint8_t>(static_cast<const uint8_t*>(v.iov_base), v.iov_len));
      total += v.iov_len;
    }
    return Errno::Success;
  }
  ssize_t n;
  do n = writev(e.host, iov.data(), static_cast<int>(iov.size()));
  while (n < 0 && errno == EINTR);
  if (n < 0) return last_errno();
  total = static_cast<size_t>(n);
  return Errno::Success;
}

/// Snapshots the directory's entries (cookie n = the entry after the n-th).
Errno load_listing(FdEntry& e) {
  SHARD_WASI_TRY(list_directory(e.host, e.listing));
  e.listing_valid = true;
  return Errno::Success;
}

}  // namespace

namespace {

abi::Filetype dirent_type(int dir, const dirent* d) {
  switch (d->d_type) {
    case DT_REG: return abi::Filetype::RegularFile;
    case DT_DIR: return abi::Filetype::Directory;
    case DT_LNK: return abi::Filetype::SymbolicLink;
    case DT_CHR: return abi::Filetype::CharacterDevice;
    case DT_BLK: return abi::Filetype::BlockDevice;
    case DT_SOCK: return abi::Filetype::SocketStream;
    case DT_FIFO: return abi::Filetype::Unknown;
    default: {
      struct stat st;
      if (fstatat(dir, d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return abi::Filetype::Unknown;
      return filetype_of(st.st_mode);
    }
  }
}

}  // namespace

Errno list_directory(int dirfd, std::vector<DirListEntry>& out) {
  // A fresh open file description, so the listing does not disturb (or depend on) the
  // guest fd's own offset.
  int d = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d < 0) return last_errno();
  DIR* dir = fdopendir(d);
  if (dir == nullptr) {
    ::close(d);
    return last_errno();
  }
  out.clear();
  errno = 0;
  while (const dirent* ent = readdir(dir)) {
    out.push_back({ent->d_name, ent->d_ino, dirent_type(d, ent)});
  }
  int err = errno;
  closedir(dir);
  if (err != 0) return from_host_errno(err);
  return Errno::Success;
}

Errno gather_iovecs(const Call& c, uint32_t iovs, uint32_t count, std::vector<iovec>& out) {
  auto arr = c.mem.span(iovs, uint64_t{count} * abi::layout::kIovecSize);
  if (!arr) return Errno::Fault;
  count = std::min<uint32_t>(count, IOV_MAX);
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t ptr = get<uint32_t>(*arr, i * 8u);
    uint32_t len = get<uint32_t>(*arr, i * 8u + 4);
    auto buf = c.mem.span(ptr, len);
    if (!buf) return Errno::Fault;
    out.push_back({buf->data(), len});
  }
  return Errno::Success;
}

Errno make_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec out[2]) {
  using namespace abi;
  if ((fst & ~uint32_t{0xf}) != 0) return Errno::Inval;
  if ((fst & kFstflagAtim) && (fst & kFstflagAtimNow)) return Errno::Inval;
  if ((fst & kFstflagMtim) && (fst & kFstflagMtimNow)) return Errno::Inval;
  auto one = [](uint64_t t, bool set, bool now) {
    timespec ts{};
    if (now) {
      ts.tv_nsec = UTIME_NOW;
    } else if (set) {
      ts.tv_sec = static_cast<time_t>(t / 1'000'000'000ull);
      ts.tv_nsec = static_cast<long>(t % 1'000'000'000ull);
    } else {
      ts.tv_nsec = UTIME_OMIT;
    }
    return ts;
  };
  out[0] = one(atim, fst & kFstflagAtim, fst & kFstflagAtimNow);
  out[1] = one(mtim, fst & kFstflagMtim, fst & kFstflagMtimNow);
  return Errno::Success;
}

Errno fd_advise(Call& c) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), r::kFdAdvise, e));
  static constexpr int kHostAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                        POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  uint32_t advice = c.u32(3);
  if (advice > 5) return Errno::Inval;
  if (c.u64(1) > kMaxFileOffset || c.u64(2) > kMaxFileOffset) return Errno::Inval;
  if (e->type == abi::Filetype::Directory) return Errno::BadF;
  if (e->is_stream_cb()) return Errno::SPipe;
  int rc = posix_fadvise(e->host, static_cast<off_t>(c.u64(1)), static_cast<off_t>(c.u64(2)), kHostAdvice[advice]);
  return from_host_errno(rc);
}

Errno fd_allocate(Call& c) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), r::kFdAllocate, e));
  uint64_t off = c.u64(1), len = c.u64(2);
  if (off > kMaxFileOffset || len > kMaxFileOffset - off) return Errno::FBig;
  if (e->type == abi::Filetype::Directory) return Errno::BadF;
  if (e->is_stream_cb()) return Errno::SPipe;
  int rc = posix_fallocate(e->host, static_cast<off_t>(off), static_cast<off_t>(len));
  if (rc == EOPNOTSUPP || rc == EINVAL) {
    // File systems without fallocate: extending the size is all the guest can observe.
    struct stat st;
    if (fstat(e->host, &st) != 0) return last_errno();
    if (static_cast<uint64_t>(st.st_size) < off + len && ftruncate(e->host, static_cast<off_t>(off + len)) != 0) {
      return last_errno();
    }
    return Errno::Success;
  }
  return from_host_errno(rc);
}

Errno fd_close(Call& c) { return c.ctx.close(c.u32(0)); }

Errno fd_datasync(Call& c) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), r::kFdDatasync, e));
  if (e->is_stream_cb()) return Errno::Inval;
  return fdatasync(e->host) == 0 ? Errno::Success : last_errno();
}

Errno fd_sync(Call& c) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), r::kFdSync, e));
  if (e->is_stream_cb()) return Errno::Inval;
  return fsync(e->host) == 0 ? Errno::Success : last_errno();
}

Errno fd_fdstat_get(Call& c) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), 0, e));
  auto out = c.mem.span(c.u32(1), abi::layout::kFdstatSize);
  if (!out) return Errno::Fault;
  uint16_t flags = 0;
  if (!e->is_stream_cb()) {
    int fl = fcntl(e->host, F_GETFL);
    if (fl < 0) return last_errno();
    if (fl & O_APPEND) flags |= abi::kFdflagAppend;
    if (fl & O_NONBLOCK) flags |= abi::kFdflagNonblock;
    if ((fl & O_SYNC) == O_SYNC) {
      flags |= abi::kFdflagSync;  // Linux's O_RSYNC is O_SYNC: reported as SYNC alone
    } else if (fl & O_DSYNC) {
      flags |= abi::kFdflagDsync;
    }
  }
  std::memset(out->data(), 0, out->size());
  put<uint8_t>(*out, 0, static_cast<uint8_t>(e->type));
  put<uint16_t>(*out, 2, flags);
  put<uint64_t>(*out, 8, e->rights_base);
  put<uint64_t>(*out, 16, e->rights_inheriting);
  return Errno::Success;
}

Errno fd_fdstat_set_flags(Call& c) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), r::kFdFdstatSetFlags, e));
  uint32_t flags = c.u32(1);
  if ((flags & ~uint32_t{abi::kFdflagsAll}) != 0) return Errno::Inval;
  if (e->is_stream_cb()) return (flags & ~uint32_t{abi::kFdflagNonblock}) == 0 ? Errno::Success : Errno::NotSup;
  int fl = fcntl(e->host, F_GETFL);
  if (fl < 0) return last_errno();
  // Linux cannot change the synchronous-I/O flags of an open file; asking for a change is
  // NotSup, restating the current ones is fine.
  const uint32_t sync_bits = abi::kFdflagDsync | abi::kFdflagRsync | abi::kFdflagSync;
  uint32_t cur_sync = (fl & O_SYNC) == O_SYNC ? uint32_t{abi::kFdflagSync} : (fl & O_DSYNC) ? abi::kFdflagDsync : 0;
  uint32_t want_sync = flags & sync_bits;
  if (want_sync & abi::kFdflagRsync) want_sync = (want_sync & ~uint32_t{abi::kFdflagRsync}) | abi::kFdflagSync;
  if (want_sync & abi::kFdflagSync) want_sync = abi::kFdflagSync;
  if (want_sync != cur_sync) return Errno::NotSup;
  int nfl = fl & ~(O_APPEND | O_NONBLOCK);
  if (flags & abi::kFdflagAppend) nfl |= O_APPEND;
  if (flags & abi::kFdflagNonblock) nfl |= O_NONBLOCK;
  return fcntl(e->host, F_SETFL, nfl) == 0 ? Errno::Success : last_errno();
}

Errno fd_fdstat_set_rights(Call& c) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), 0, e));
  uint64_t base = c.u64(1), inh = c.u64(2);
  // Rights can only be dropped (typenames.witx: rights "may be removed, never added").
  if ((base & ~e->rights_base) != 0 || (inh & ~e->rights_inheriting) != 0) return Errno::NotCapable;
  e->rights_base = base;
  e->rights_inheriting = inh;
  return Errno::Success;
}

Errno fd_filestat_get(Call& c) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), r::kFdFilestatGet, e));
  auto out = c.mem.span(c.u32(1), abi::layout::kFilestatSize);
  if (!out) return Errno::Fault;
  if (e->is_stream_cb()) {
    std::memset(out->data(), 0, out->size());
    put<uint8_t>(*out, 16, static_cast<uint8_t>(e->type));
    return Errno::Success;
  }
  struct stat st;
  if (fstat(e->host, &st) != 0) return last_errno();
  write_filestat(*out, st);
  if (e->type == abi::Filetype::SocketDgram) put<uint8_t>(*out, 16, static_cast<uint8_t>(e->type));
  return Errno::Success;
}

Errno fd_filestat_set_size(Call& c) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), r::kFdFilestatSetSize, e));
  if (c.u64(1) > kMaxFileOffset) return Errno::Inval;
  if (e->is_stream_cb()) return Errno::Inval;
  return ftruncate(e->host, static_cast<off_t>(c.u64(1))) == 0 ? Errno::Success : last_errno();
}

Errno fd_filestat_set_times(Call& c) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), r::kFdFilestatSetTimes, e));
  timespec ts[2];
  SHARD_WASI_TRY(make_times(c.u64(1), c.u64(2), c.u32(3), ts));
  if (e->is_stream_cb()) return Errno::BadF;
  return futimens(e->host, ts) == 0 ? Errno::Success : last_errno();
}

// fd_pread / fd_pwrite: vectored I/O at an offset, leaving the file position alone.
template <class Io>
Errno positioned_io(Call& c, uint64_t rights, Io io) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), rights | r::kFdSeek, e));
  auto ret = c.mem.span(c.u32(4), 4);
  if (!ret) return Errno::Fault;
  std::vector<iovec> iov;
  SHARD_WASI_TRY(gather_iovecs(c, c.u32(1), c.u32(2), iov));
  if (c.u64(3) > kMaxFileOffset) return Errno::Inval;
  if (e->is_stream_cb()) return Errno::SPipe;
  ssize_t n;
  do n = io(e->host, iov.data(), static_cast<int>(iov.size()), static_cast<off_t>(c.u64(3)));
  while (n < 0 && errno == EINTR);
  if (n < 0) return last_errno();
  put<uint32_t>(*ret, 0, static_cast<uint32_t>(n));
  return Errno::Success;
}

Errno fd_pread(Call& c) { return positioned_io(c, r::kFdRead, preadv); }
Errno fd_pwrite(Call& c) { return positioned_io(c, r::kFdWrite, pwritev); }

// fd_read / fd_write: vectored I/O at the current position (stdio callbacks included).
Errno streamed_io(Call& c, uint64_t rights, Errno (*io)(FdEntry&, std::vector<iovec>&, size_t&)) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), rights, e));
  auto ret = c.mem.span(c.u32(3), 4);
  if (!ret) return Errno::Fault;
  std::vector<iovec> iov;
  SHARD_WASI_TRY(gather_iovecs(c, c.u32(1), c.u32(2), iov));
  size_t n = 0;
  SHARD_WASI_TRY(io(*e, iov, n));
  put<uint32_t>(*ret, 0, static_cast<uint32_t>(n));
  return Errno::Success;
}

Errno fd_read(Call& c) { return streamed_io(c, r::kFdRead, read_into); }
Errno fd_write(Call& c) { return streamed_io(c, r::kFdWrite, write_from); }

Errno fd_prestat_get(Call& c) {
  FdEntry* e = c.ctx.find(c.u32(0));
  if (e == nullptr || !e->preopen_name) return Errno::BadF;
  auto out = c.mem.span(c.u32(1), abi::layout::kPrestatSize);
  if (!out) return Errno::Fault;
  std::memset(out->data(), 0, out->size());
  put<uint8_t>(*out, 0, abi::kPreopentypeDir);
  put<uint32_t>(*out, 4, static_cast<uint32_t>(e->preopen_name->size()));
  return Errno::Success;
}

Errno fd_prestat_dir_name(Call& c) {
  FdEntry* e = c.ctx.find(c.u32(0));
  if (e == nullptr || !e->preopen_name) return Errno::BadF;
  auto out = c.mem.span(c.u32(1), c.u32(2));
  if (!out) return Errno::Fault;
  const std::string& name = *e->preopen_name;
  if (out->size() < name.size()) return Errno::NameTooLong;
  std::memcpy(out->data(), name.data(), name.size());
  return Errno::Success;
}

Errno fd_readdir(Call& c) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), r::kFdReaddir, e));
  auto buf = c.mem.span(c.u32(1), c.u32(2));
  auto ret = c.mem.span(c.u32(4), 4);
  if (!buf || !ret) return Errno::Fault;
  if (e->type != abi::Filetype::Directory) return Errno::NotDir;
  uint64_t cookie = c.u64(3);
  if (cookie == 0 || !e->listing_valid) SHARD_WASI_TRY(load_listing(*e));
  // Entries are laid out back to back, each a dirent header and its name; the last one is
  // cut at the buffer's end (the guest sees bufused == buf_len and asks again).
  size_t used = 0;
  for (uint64_t i = cookie; i < e->listing.size() && used < buf->size(); ++i) {
    const DirListEntry& d = e->listing[i];
    uint8_t head[abi::layout::kDirentSize] = {};
    std::span<uint8_t> hs(head);
    put<uint64_t>(hs, 0, i + 1);
    put<uint64_t>(hs, 8, d.ino);
    put<uint32_t>(hs, 16, static_cast<uint32_t>(d.name.size()));
    put<uint8_t>(hs, 20, static_cast<uint8_t>(d.type));
    size_t n = std::min(sizeof head, buf->size() - used);
    std::memcpy(buf->data() + used, head, n);
    used += n;
    n = std::min(d.name.size(), buf->size() - used);
    std::memcpy(buf->data() + used, d.name.data(), n);
    used += n;
  }
  put<uint32_t>(*ret, 0, static_cast<uint32_t>(used));
  return Errno::Success;
}

Errno fd_renumber(Call& c) { return c.ctx.renumber(c.u32(0), c.u32(1)); }

Errno fd_seek(Call& c) {
  int64_t offset = static_cast<int64_t>(c.u64(1));
  uint32_t whence = c.u32(2);
  // A pure "where am I" (offset 0 from the current position) is a tell.
  uint64_t need = (offset == 0 && whence == uint32_t(abi::Whence::Cur)) ? r::kFdTell : r::kFdSeek;
  FdEntry* e = c.ctx.find(c.u32(0));
  if (e == nullptr) return Errno::BadF;
  if ((e->rights_base & (need | r::kFdSeek)) == 0) return Errno::NotCapable;
  auto ret = c.mem.span(c.u32(3), 8);
  if (!ret) return Errno::Fault;
  if (whence > 2) return Errno::Inval;
  if (e->is_stream_cb()) return Errno::SPipe;
  static constexpr int kHostWhence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  off_t pos = lseek(e->host, static_cast<off_t>(offset), kHostWhence[whence]);
  if (pos < 0) return last_errno();
  put<uint64_t>(*ret, 0, static_cast<uint64_t>(pos));
  return Errno::Success;
}

Errno fd_tell(Call& c) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), r::kFdTell, e));
  auto ret = c.mem.span(c.u32(1), 8);
  if (!ret) return Errno::Fault;
  if (e->is_stream_cb()) return Errno::SPipe;
  off_t pos = lseek(e->host, 0, SEEK_CUR);
  if (pos < 0) return last_errno();
  put<uint64_t>(*ret, 0, static_cast<uint64_t>(pos));
  return Errno::Success;
}

}  // namespace shard::wasi
