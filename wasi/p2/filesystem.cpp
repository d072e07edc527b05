// wasi:filesystem 0.2 — types (descriptor, directory-entry-stream) and preopens
// (filesystem/*.wit). Every path is resolved beneath its descriptor by the same resolver as
// preview1 (wasi/resolve.cpp: openat2 RESOLVE_BENEATH or a no-follow walk), and the last
// component is only used with *at calls that do not follow it, so `..`, absolute paths and
// symlinks cannot leave a granted directory, races included. A read-only grant (--dir-ro)
// gives descriptors without `write` and `mutate-directory`.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstring>

#include "wasi/p2/host.h"

namespace shard::wasi::p2 {

namespace {

// descriptor-flags bits (types.wit order)
constexpr uint32_t kRead = 1, kWrite = 2, kFileSync = 4, kDataSync = 8, kReqSync = 16, kMutate = 32;
// open-flags bits
constexpr uint32_t kCreate = 1, kDirectory = 2, kExclusive = 4, kTruncate = 8;
// descriptor-type cases
constexpr uint32_t kTypeDirectory = 3;

Ret some(Value v) { return std::optional<Value>{std::move(v)}; }
Ret fail(Errno e) { return some(Value::err(Value::enum_(error_code_of(e)))); }
Ret fail_errno() { return fail(last_errno()); }
Ret ok(std::optional<Value> v = std::nullopt) { return some(Value::ok(std::move(v))); }

uint32_t descriptor_type(mode_t m) {
  if (S_ISBLK(m)) return 1;
  if (S_ISCHR(m)) return 2;
  if (S_ISDIR(m)) return kTypeDirectory;
  if (S_ISFIFO(m)) return 4;
  if (S_ISLNK(m)) return 5;
  if (S_ISREG(m)) return 6;
  if (S_ISSOCK(m)) return 7;
  return 0;
}

uint32_t descriptor_type(shard::wasi::abi::Filetype t) {
  switch (t) {
    case shard::wasi::abi::Filetype::BlockDevice: return 1;
    case shard::wasi::abi::Filetype::CharacterDevice: return 2;
    case shard::wasi::abi::Filetype::Directory: return kTypeDirectory;
    case shard::wasi::abi::Filetype::SymbolicLink: return 5;
    case shard::wasi::abi::Filetype::RegularFile: return 6;
    case shard::wasi::abi::Filetype::SocketStream: case shard::wasi::abi::Filetype::SocketDgram: return 7;
    default: return 0;
  }
}

Value timestamp(const timespec& t) {
  return Value::some(Value::record({Value::u64(static_cast<uint64_t>(t.tv_sec)), Value::u32(static_cast<uint32_t>(t.tv_nsec))}));
}

Value stat_value(const struct stat& st) {
  return Value::record({Value::enum_(descriptor_type(st.st_mode)), Value::u64(st.st_nlink),
                        Value::u64(static_cast<uint64_t>(st.st_size)), timestamp(st.st_atim), timestamp(st.st_mtim),
                        timestamp(st.st_ctim)});
}

/// metadata-hash-value: the same for the same file (device and inode), mixed so guests do
/// not read host inode numbers off it directly.
Value metadata_hash(const struct stat& st) {
  auto mix = [](uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  };
  return Value::record({Value::u64(mix(st.st_ino ^ mix(st.st_dev))), Value::u64(mix(st.st_dev ^ mix(st.st_ino)))});
}

/// new-timestamp -> a utimensat/futimens timespec.
timespec new_timestamp(const Value& v) {
  switch (v.case_index()) {
    case 0: return {0, UTIME_OMIT};
    case 1: return {0, UTIME_NOW};
    default: {
      const Value& dt = *v.payload();
      return {static_cast<time_t>(dt.items()[0].as_unsigned()), static_cast<long>(dt.items()[1].as_unsigned())};
    }
  }
}

Result<Object*> descriptor(Host& h, const Value& self) {
  Object* d = h.get(self.rep(), Kind::Descriptor);
  if (d == nullptr) return Host::trap("unknown descriptor handle");
  return d;
}

/// Resolves `path` beneath directory descriptor `dir`; `mutate`: the operation changes the
/// tree, which a read-only grant refuses.
Errno resolve(Host& h, const Object& dir, std::string_view path, bool follow, bool mutate, Resolved& out) {
  if (dir.type != kTypeDirectory) return Errno::NotDir;
  if (mutate && !(dir.flags & kMutate)) return Errno::Perm;
  if (path.find('\0') != std::string_view::npos) return Errno::Inval;
  return resolve_path(h.use_openat2(), dir.fd, path, follow, out);
}

#define SHARD_P2_DESC(var, arg)         \
  auto var##_r = descriptor(h, arg);    \
  if (!var##_r) return std::move(var##_r).error(); \
  Object& var = **var##_r

#define SHARD_P2_RESOLVE(h, dir, path, follow, mutate, out)                 \
  do {                                                                      \
    if (Errno e_ = resolve(h, dir, path, follow, mutate, out); e_ != Errno::Success) return fail(e_); \
  } while (0)

Ret new_stream(Host& h, const Value& self, Object& d, Kind k, uint64_t offset, bool append) {
  Object s;
  s.kind = k;
  s.parent = self.rep();
  s.file = d.file;
  s.fd = d.fd;
  s.positioned = !append;
  s.append = append;
  s.offset = offset;
  auto rep = h.add(std::move(s));
  if (!rep) return fail(Errno::NoMem);
  return ok(Value::own(*rep));
}

Ret open_at(Host& h, Args a) {
  SHARD_P2_DESC(dir, a[0]);
  const bool follow = a[1].flag(0);
  const std::string& path = a[2].as_string();
  const uint32_t oflags = a[3].flag_words().empty() ? 0 : a[3].flag_words()[0];
  const uint32_t want = a[4].flag_words().empty() ? 0 : a[4].flag_words()[0];
  const bool mutate = (oflags & (kCreate | kTruncate)) || (want & (kWrite | kMutate));
  Resolved p;
  SHARD_P2_RESOLVE(h, dir, path, follow, mutate, p);
  if (h.live() >= h.config().max_resources) return fail(Errno::NFile);  // before a host fd is made
  int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
  if (oflags & kCreate) flags |= O_CREAT;
  if (oflags & kExclusive) flags |= O_EXCL;
  if (oflags & kTruncate) flags |= O_TRUNC;
  if (oflags & kDirectory) flags |= O_DIRECTORY;
  if (want & kFileSync) flags |= O_SYNC;
  if (want & (kDataSync | kReqSync)) flags |= O_DSYNC;
  // A directory is never opened for writing (the host's EISDIR stands otherwise).
  if (!(oflags & kDirectory)) flags |= (want & kWrite) ? ((want & kRead) ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (p.trailing_slash && !(oflags & kCreate)) flags |= O_DIRECTORY;
  int fd = openat(p.parent, p.name.c_str(), flags, 0666);
  if (fd < 0) return fail_errno();
  auto file = std::make_shared<UniqueFd>(fd);
  struct stat st;
  if (fstat(fd, &st) != 0) return fail_errno();
  Object d;
  d.kind = Kind::Descriptor;
  d.file = file;
  d.fd = fd;
  d.type = descriptor_type(st.st_mode);
  d.flags = want & ~kMutate;
  // a directory passes on what its parent may do to the tree
  if (d.type == kTypeDirectory) d.flags = (d.flags & ~kWrite) | kRead | (dir.flags & kMutate);
  auto rep = h.add(std::move(d));
  if (!rep) return fail(Errno::NFile);
  return ok(Value::own(*rep));
}

}  // namespace

Result<void> add_filesystem(Host& h) {
  const std::string types = "wasi:filesystem/types";
  h.resources(types, {Kind::Error, Kind::InputStream, Kind::OutputStream, Kind::Descriptor, Kind::DirectoryEntryStream});
  h.types.enum_("descriptor-type", "unknown block-device character-device directory fifo symbolic-link regular-file socket");
  h.types.flags("descriptor-flags", "read write file-integrity-sync data-integrity-sync requested-write-sync mutate-directory");
  h.types.flags("path-flags", "symlink-follow");
  h.types.flags("open-flags", "create directory exclusive truncate");
  h.types.record("descriptor-stat",
                 "type: descriptor-type, link-count: u64, size: u64, data-access-timestamp: option<datetime>, "
                 "data-modification-timestamp: option<datetime>, status-change-timestamp: option<datetime>");
  h.types.variant("new-timestamp", "no-change, now, timestamp(datetime)");
  h.types.record("directory-entry", "type: descriptor-type, name: string");
  h.types.enum_("error-code",
                "access would-block already bad-descriptor busy deadlock quota exist file-too-large "
                "illegal-byte-sequence in-progress interrupted invalid io is-directory loop too-many-links "
                "message-size name-too-long no-device no-entry no-lock insufficient-memory insufficient-space "
                "not-directory not-empty not-recoverable unsupported no-tty no-such-device overflow not-permitted "
                "pipe read-only invalid-seek text-file-busy cross-device");
  h.types.enum_("advice", "normal sequential random will-need dont-need no-reuse");
  h.types.record("metadata-hash-value", "lower: u64, upper: u64");
  h.types.define("filesize", abi::ValType::u64());
  h.types.define("link-count", abi::ValType::u64());
  SHARD_P2_TRY(h.export_types(types, "datetime filesize link-count descriptor-type descriptor-flags descriptor-stat "
                                     "path-flags open-flags new-timestamp directory-entry error-code advice "
                                     "metadata-hash-value"));
  auto m = [&](const std::string& name, std::string_view sig, HostFn fn) {
    return h.func(types, "[method]descriptor." + name, sig, std::move(fn));
  };

  SHARD_P2_TRY(m("read-via-stream", "(offset: u64) -> result<own<input-stream>, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    if (!(d.flags & kRead) || d.type == kTypeDirectory) return fail(Errno::BadF);
    return new_stream(h, a[0], d, Kind::InputStream, a[1].as_unsigned(), false);
  }));
  SHARD_P2_TRY(m("write-via-stream", "(offset: u64) -> result<own<output-stream>, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    if (!(d.flags & kWrite)) return fail(Errno::BadF);
    return new_stream(h, a[0], d, Kind::OutputStream, a[1].as_unsigned(), false);
  }));
  SHARD_P2_TRY(m("append-via-stream", "() -> result<own<output-stream>, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    if (!(d.flags & kWrite)) return fail(Errno::BadF);
    return new_stream(h, a[0], d, Kind::OutputStream, 0, true);
  }));
  SHARD_P2_TRY(m("advise", "(offset: u64, length: u64, advice: advice) -> result<_, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    static constexpr int kAdvice[] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                      POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
    int r = posix_fadvise(d.fd, static_cast<off_t>(a[1].as_unsigned()), static_cast<off_t>(a[2].as_unsigned()),
                          kAdvice[a[3].case_index() % 6]);
    return r == 0 ? ok() : fail(from_host_errno(r));
  }));
  SHARD_P2_TRY(m("sync-data", "() -> result<_, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    return fdatasync(d.fd) == 0 ? ok() : fail_errno();
  }));
  SHARD_P2_TRY(m("sync", "() -> result<_, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    return fsync(d.fd) == 0 ? ok() : fail_errno();
  }));
  SHARD_P2_TRY(m("get-flags", "() -> result<descriptor-flags, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    return ok(Value::flags({d.flags}));
  }));
  SHARD_P2_TRY(m("get-type", "() -> result<descriptor-type, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    return ok(Value::enum_(d.type));
  }));
  SHARD_P2_TRY(m("set-size", "(size: u64) -> result<_, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    if (!(d.flags & kWrite)) return fail(Errno::BadF);
    if (a[1].as_unsigned() > static_cast<uint64_t>(INT64_MAX)) return fail(Errno::FBig);
    return ftruncate(d.fd, static_cast<off_t>(a[1].as_unsigned())) == 0 ? ok() : fail_errno();
  }));
  SHARD_P2_TRY(m("set-times", "(data-access-timestamp: new-timestamp, data-modification-timestamp: new-timestamp) -> result<_, error-code>",
                 [](Host& h, Args a) -> Ret {
                   SHARD_P2_DESC(d, a[0]);
                   timespec ts[2] = {new_timestamp(a[1]), new_timestamp(a[2])};
                   return futimens(d.fd, ts) == 0 ? ok() : fail_errno();
                 }));
  SHARD_P2_TRY(m("read", "(length: u64, offset: u64) -> result<tuple<list<u8>, bool>, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    if (!(d.flags & kRead)) return fail(Errno::BadF);
    if (d.type == kTypeDirectory) return fail(Errno::IsDir);
    std::vector<uint8_t> buf(static_cast<size_t>(std::min<uint64_t>(a[1].as_unsigned(), 1 << 20)));
    ssize_t n;
    do n = pread(d.fd, buf.data(), buf.size(), static_cast<off_t>(a[2].as_unsigned()));
    while (n < 0 && errno == EINTR);
    if (n < 0) return fail_errno();
    const bool eof = static_cast<size_t>(n) < buf.size() || buf.empty();
    return ok(Value::tuple({bytes_value({buf.data(), static_cast<size_t>(n)}), Value::bool_(eof)}));
  }));
  SHARD_P2_TRY(m("write", "(buffer: list<u8>, offset: u64) -> result<u64, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    if (!(d.flags & kWrite)) return fail(Errno::BadF);
    std::vector<uint8_t> data = bytes_of(a[1]);
    ssize_t n;
    do n = pwrite(d.fd, data.data(), data.size(), static_cast<off_t>(a[2].as_unsigned()));
    while (n < 0 && errno == EINTR);
    if (n < 0) return fail_errno();
    return ok(Value::u64(static_cast<uint64_t>(n)));
  }));
  SHARD_P2_TRY(m("read-directory", "() -> result<own<directory-entry-stream>, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    if (d.type != kTypeDirectory) return fail(Errno::NotDir);
    Object s;
    s.kind = Kind::DirectoryEntryStream;
    s.parent = a[0].rep();
    if (Errno e = list_directory(d.fd, s.listing); e != Errno::Success) return fail(e);
    // types.wit: the stream does not include "." and ".."
    std::erase_if(s.listing, [](const DirListEntry& e) { return e.name == "." || e.name == ".."; });
    auto rep = h.add(std::move(s));
    if (!rep) return fail(Errno::NFile);
    return ok(Value::own(*rep));
  }));
  SHARD_P2_TRY(h.func(types, "[method]directory-entry-stream.read-directory-entry",
                      "() -> result<option<directory-entry>, error-code>", [](Host& h, Args a) -> Ret {
                        Object* s = h.get(a[0].rep(), Kind::DirectoryEntryStream);
                        if (s == nullptr) return Host::trap("unknown directory-entry-stream handle");
                        if (s->next >= s->listing.size()) return ok(Value::none());
                        const DirListEntry& e = s->listing[s->next++];
                        return ok(Value::some(Value::record({Value::enum_(descriptor_type(e.type)), Value::string(e.name)})));
                      }));
  SHARD_P2_TRY(m("create-directory-at", "(path: string) -> result<_, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    Resolved p;
    SHARD_P2_RESOLVE(h, d, a[1].as_string(), false, true, p);
    return mkdirat(p.parent, p.name.c_str(), 0777) == 0 ? ok() : fail_errno();
  }));
  SHARD_P2_TRY(m("stat", "() -> result<descriptor-stat, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    struct stat st;
    if (fstat(d.fd, &st) != 0) return fail_errno();
    return ok(stat_value(st));
  }));
  SHARD_P2_TRY(m("stat-at", "(path-flags: path-flags, path: string) -> result<descriptor-stat, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    Resolved p;
    SHARD_P2_RESOLVE(h, d, a[2].as_string(), a[1].flag(0), false, p);
    struct stat st;
    if (fstatat(p.parent, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return fail_errno();
    if (p.trailing_slash && !S_ISDIR(st.st_mode)) return fail(Errno::NotDir);
    return ok(stat_value(st));
  }));
  SHARD_P2_TRY(m("set-times-at",
                 "(path-flags: path-flags, path: string, data-access-timestamp: new-timestamp, "
                 "data-modification-timestamp: new-timestamp) -> result<_, error-code>",
                 [](Host& h, Args a) -> Ret {
                   SHARD_P2_DESC(d, a[0]);
                   Resolved p;
                   SHARD_P2_RESOLVE(h, d, a[2].as_string(), a[1].flag(0), true, p);
                   timespec ts[2] = {new_timestamp(a[3]), new_timestamp(a[4])};
                   return utimensat(p.parent, p.name.c_str(), ts, AT_SYMLINK_NOFOLLOW) == 0 ? ok() : fail_errno();
                 }));
  SHARD_P2_TRY(m("link-at",
                 "(old-path-flags: path-flags, old-path: string, new-descriptor: borrow<descriptor>, new-path: string) -> "
                 "result<_, error-code>",
                 [](Host& h, Args a) -> Ret {
                   SHARD_P2_DESC(d, a[0]);
                   SHARD_P2_DESC(nd, a[3]);
                   Resolved from, to;
                   SHARD_P2_RESOLVE(h, d, a[2].as_string(), a[1].flag(0), true, from);
                   SHARD_P2_RESOLVE(h, nd, a[4].as_string(), false, true, to);
                   return linkat(from.parent, from.name.c_str(), to.parent, to.name.c_str(), 0) == 0 ? ok() : fail_errno();
                 }));
  SHARD_P2_TRY(m("open-at",
                 "(path-flags: path-flags, path: string, open-flags: open-flags, flags: descriptor-flags) -> "
                 "result<own<descriptor>, error-code>",
                 open_at));
  SHARD_P2_TRY(m("readlink-at", "(path: string) -> result<string, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    Resolved p;
    SHARD_P2_RESOLVE(h, d, a[1].as_string(), false, false, p);
    char buf[PATH_MAX];
    ssize_t n = readlinkat(p.parent, p.name.c_str(), buf, sizeof buf);
    if (n < 0) return fail_errno();
    std::string target(buf, static_cast<size_t>(n));
    if (!abi::valid_utf8(target)) return fail(Errno::IlSeq);
    return ok(Value::string(target));
  }));
  SHARD_P2_TRY(m("remove-directory-at", "(path: string) -> result<_, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    Resolved p;
    SHARD_P2_RESOLVE(h, d, a[1].as_string(), false, true, p);
    if (p.name == ".") return fail(Errno::Inval);
    return unlinkat(p.parent, p.name.c_str(), AT_REMOVEDIR) == 0 ? ok() : fail_errno();
  }));
  SHARD_P2_TRY(m("rename-at", "(old-path: string, new-descriptor: borrow<descriptor>, new-path: string) -> result<_, error-code>",
                 [](Host& h, Args a) -> Ret {
                   SHARD_P2_DESC(d, a[0]);
                   SHARD_P2_DESC(nd, a[2]);
                   Resolved from, to;
                   SHARD_P2_RESOLVE(h, d, a[1].as_string(), false, true, from);
                   SHARD_P2_RESOLVE(h, nd, a[3].as_string(), false, true, to);
                   return renameat(from.parent, from.name.c_str(), to.parent, to.name.c_str()) == 0 ? ok() : fail_errno();
                 }));
  SHARD_P2_TRY(m("symlink-at", "(old-path: string, new-path: string) -> result<_, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    const std::string& target = a[1].as_string();
    // an absolute target could only point out of the sandbox (as preview1's path_symlink)
    if (!target.empty() && target.front() == '/') return fail(Errno::NotCapable);
    if (target.find('\0') != std::string::npos) return fail(Errno::Inval);
    Resolved p;
    SHARD_P2_RESOLVE(h, d, a[2].as_string(), false, true, p);
    if (p.trailing_slash) return fail(Errno::NoEnt);
    return symlinkat(target.c_str(), p.parent, p.name.c_str()) == 0 ? ok() : fail_errno();
  }));
  SHARD_P2_TRY(m("unlink-file-at", "(path: string) -> result<_, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    Resolved p;
    SHARD_P2_RESOLVE(h, d, a[1].as_string(), false, true, p);
    if (p.trailing_slash) {
      struct stat st;
      if (fstatat(p.parent, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return fail_errno();
      return fail(S_ISDIR(st.st_mode) ? Errno::IsDir : Errno::NotDir);
    }
    return unlinkat(p.parent, p.name.c_str(), 0) == 0 ? ok() : fail_errno();
  }));
  SHARD_P2_TRY(m("is-same-object", "(other: borrow<descriptor>) -> bool", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    SHARD_P2_DESC(o, a[1]);
    struct stat s1, s2;
    if (fstat(d.fd, &s1) != 0 || fstat(o.fd, &s2) != 0) return some(Value::bool_(false));
    return some(Value::bool_(s1.st_dev == s2.st_dev && s1.st_ino == s2.st_ino));
  }));
  SHARD_P2_TRY(m("metadata-hash", "() -> result<metadata-hash-value, error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_DESC(d, a[0]);
    struct stat st;
    if (fstat(d.fd, &st) != 0) return fail_errno();
    return ok(metadata_hash(st));
  }));
  SHARD_P2_TRY(m("metadata-hash-at", "(path-flags: path-flags, path: string) -> result<metadata-hash-value, error-code>",
                 [](Host& h, Args a) -> Ret {
                   SHARD_P2_DESC(d, a[0]);
                   Resolved p;
                   SHARD_P2_RESOLVE(h, d, a[2].as_string(), a[1].flag(0), false, p);
                   struct stat st;
                   if (fstatat(p.parent, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return fail_errno();
                   return ok(metadata_hash(st));
                 }));
  SHARD_P2_TRY(h.func(types, "filesystem-error-code", "(err: borrow<error>) -> option<error-code>", [](Host& h, Args a) -> Ret {
    Object* e = h.get(a[0].rep(), Kind::Error);
    if (e == nullptr) return Host::trap("unknown error handle");
    return some(e->error_code ? Value::some(Value::enum_(*e->error_code)) : Value::none());
  }));

  // ---- preopens: the granted directories, opened once; each call hands out new handles ----
  std::vector<std::pair<SharedFd, Preopen>> dirs;
  for (const Preopen& p : h.config().preopens) {
    auto fd = open_preopen(p);
    if (!fd) return std::move(fd).error();
    dirs.emplace_back(std::make_shared<UniqueFd>(std::move(*fd)), p);
  }
  h.resources("wasi:filesystem/preopens", {Kind::Descriptor});
  SHARD_P2_TRY(h.func("wasi:filesystem/preopens", "get-directories", "() -> list<tuple<own<descriptor>, string>>",
                      [dirs](Host& h, Args) -> Ret {
                        std::vector<Value> out;
                        for (const auto& [fd, p] : dirs) {
                          Object d;
                          d.kind = Kind::Descriptor;
                          d.file = fd;
                          d.fd = fd->get();
                          d.type = kTypeDirectory;
                          d.flags = kRead | (p.read_only ? 0 : kMutate);
                          auto rep = h.add(std::move(d));
                          if (!rep) return Host::trap("too many WASI resources (max_resources)");
                          out.push_back(Value::tuple({Value::own(*rep), Value::string(p.guest_path.empty() ? p.host_path : p.guest_path)}));
                        }
                        return some(Value::list(std::move(out)));
                      }));
  return {};
}

}  // namespace shard::wasi::p2
