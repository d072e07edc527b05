// The fd table and the initial capabilities: standard streams, preopened directories,
// sockets handed in, arguments and environment.
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include <fmt/format.h>

#include "wasi/impl.h"

extern char** environ;

namespace shard::wasi {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

bool kernel_has_openat2() {
  open_how how{};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH;
  long r = syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
  if (r < 0) return false;  // ENOSYS on old kernels, EPERM under some seccomp filters
  ::close(static_cast<int>(r));
  return true;
}

Result<UniqueFd> open_preopen(const Preopen& p) {
  int fd = ::open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Error{ErrorKind::Io, fmt::format("cannot open directory {}: {}", p.host_path, std::strerror(errno))};
  return UniqueFd(fd);
}

std::vector<std::pair<std::string, std::string>> guest_environment(const WasiConfig& config) {
  std::vector<std::pair<std::string, std::string>> out;
  if (config.inherit_env) {
    for (char** e = ::environ; e != nullptr && *e != nullptr; ++e) {
      std::string_view kv(*e);
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      out.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
  }
  for (const auto& var : config.env) {
    std::erase_if(out, [&](const auto& kv) { return kv.first == var.first; });
    out.push_back(var);
  }
  return out;
}

namespace {

abi::Filetype host_fd_type(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return abi::Filetype::Unknown;
  if (S_ISSOCK(st.st_mode)) {
    int type = 0;
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM) {
      return abi::Filetype::SocketDgram;
    }
    return abi::Filetype::SocketStream;
  }
  return filetype_of(st.st_mode);
}

std::unique_ptr<FdEntry> stdio_entry(const Stdio& s, bool input) {
  auto e = std::make_unique<FdEntry>();
  uint64_t io = input ? abi::rights::kFdRead : abi::rights::kFdWrite;
  e->rights_base = io | abi::rights::kFdFdstatSetFlags | abi::rights::kFdFilestatGet |
                   abi::rights::kPollFdReadwrite;
  if (input && s.read) {
    e->read_cb = s.read;
    e->type = abi::Filetype::CharacterDevice;
    return e;
  }
  if (!input && s.write) {
    e->write_cb = s.write;
    e->type = abi::Filetype::CharacterDevice;
    return e;
  }
  if (s.host_fd < 0) return nullptr;
  e->host = s.host_fd;
  e->type = host_fd_type(s.host_fd);
  // A redirected stream keeps what its host file allows (seek/tell on a file).
  if (e->type == abi::Filetype::RegularFile) {
    e->rights_base |= abi::rights::kFdSeek | abi::rights::kFdTell | abi::rights::kFdSync |
                      abi::rights::kFdDatasync | abi::rights::kFdAdvise;
  }
  return e;
}

}  // namespace

Result<std::shared_ptr<WasiContext>> WasiContext::create(const WasiConfig& config) {
  auto ctx = std::make_shared<WasiContext>();
  ctx->args_ = config.args;
  for (auto& [k, v] : guest_environment(config)) ctx->environ_.push_back(k + "=" + v);
  ctx->use_openat2 = kernel_has_openat2();

  ctx->fds_.push_back(stdio_entry(config.stdin_stream, true));
  ctx->fds_.push_back(stdio_entry(config.stdout_stream, false));
  ctx->fds_.push_back(stdio_entry(config.stderr_stream, false));

  for (const Preopen& p : config.preopens) {
    auto dir = open_preopen(p);
    if (!dir) return std::move(dir).error();
    auto e = std::make_unique<FdEntry>();
    e->host = dir->get();
    e->owned = std::move(*dir);
    e->type = abi::Filetype::Directory;
    uint64_t allowed = p.read_only ? abi::rights::kAll & ~abi::rights::kMutating : abi::rights::kAll;
    e->rights_base = abi::rights::kDirectory & allowed;
    e->rights_inheriting = (abi::rights::kDirectory | abi::rights::kFile) & allowed;
    e->preopen_name = p.guest_path.empty() ? p.host_path : p.guest_path;
    ctx->fds_.push_back(std::move(e));
  }
  for (int s : config.sockets) {
    auto e = std::make_unique<FdEntry>();
    e->host = s;
    e->type = host_fd_type(s);
    e->rights_base = abi::rights::kSocket;
    ctx->fds_.push_back(std::move(e));
  }
  return ctx;
}

FdEntry* WasiContext::find(uint32_t fd) { return fd < fds_.size() ? fds_[fd].get() : nullptr; }

Errno WasiContext::lookup(uint32_t fd, uint64_t needed, FdEntry*& out) {
  out = find(fd);
  if (out == nullptr) return Errno::BadF;
  if ((out->rights_base & needed) != needed) return Errno::NotCapable;
  return Errno::Success;
}

Errno WasiContext::insert(std::unique_ptr<FdEntry> entry, uint32_t& fd_out) {
  // Lowest free number, but never 0-2: a guest whose standard streams are closed must not
  // have a file it opens become its stdout.
  while (fds_.size() < 3) fds_.emplace_back();
  for (size_t i = 3; i < fds_.size(); ++i) {
    if (!fds_[i]) {
      fds_[i] = std::move(entry);
      fd_out = static_cast<uint32_t>(i);
      return Errno::Success;
    }
  }
  if (fds_.size() >= kMaxFds) return Errno::MFile;
  fds_.push_back(std::move(entry));
  fd_out = static_cast<uint32_t>(fds_.size() - 1);
  return Errno::Success;
}

Errno WasiContext::close(uint32_t fd) {
  if (find(fd) == nullptr) return Errno::BadF;
  fds_[fd].reset();
  return Errno::Success;
}

Errno WasiContext::renumber(uint32_t from, uint32_t to) {
  // As in uvwasi and wasmtime: both numbers must be open; `to` is closed first.
  if (find(from) == nullptr || find(to) == nullptr) return Errno::BadF;
  if (from == to) return Errno::Success;
  fds_[to] = std::move(fds_[from]);
  return Errno::Success;
}

abi::Filetype filetype_of(mode_t mode) {
  if (S_ISREG(mode)) return abi::Filetype::RegularFile;
  if (S_ISDIR(mode)) return abi::Filetype::Directory;
  if (S_ISCHR(mode)) return abi::Filetype::CharacterDevice;
  if (S_ISBLK(mode)) return abi::Filetype::BlockDevice;
  if (S_ISLNK(mode)) return abi::Filetype::SymbolicLink;
  if (S_ISSOCK(mode)) return abi::Filetype::SocketStream;
  return abi::Filetype::Unknown;  // FIFOs have no preview1 file type
}

void write_filestat(std::span<uint8_t> out, const struct stat& st) {
  auto ns = [](const timespec& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(t.tv_nsec);
  };
  std::memset(out.data(), 0, abi::layout::kFilestatSize);
  put<uint64_t>(out, 0, st.st_dev);
  put<uint64_t>(out, 8, st.st_ino);
  put<uint8_t>(out, 16, static_cast<uint8_t>(filetype_of(st.st_mode)));
  put<uint64_t>(out, 24, st.st_nlink);
  put<uint64_t>(out, 32, static_cast<uint64_t>(st.st_size));
  put<uint64_t>(out, 40, ns(st.st_atim));
  put<uint64_t>(out, 48, ns(st.st_mtim));
  put<uint64_t>(out, 56, ns(st.st_ctim));
}

Errno from_host_errno(int e) {
  switch (e) {
    case 0: return Errno::Success;
    case E2BIG: return Errno::TooBig;
    case EACCES: return Errno::Acces;
    case EADDRINUSE: return Errno::AddrInUse;
    case EADDRNOTAVAIL: return Errno::AddrNotAvail;
    case EAFNOSUPPORT: return Errno::AfNoSupport;
    case EAGAIN: return Errno::Again;
    case EALREADY: return Errno::Already;
    case EBADF: return Errno::BadF;
    case EBADMSG: return Errno::BadMsg;
    case EBUSY: return Errno::Busy;
    case ECANCELED: return Errno::Canceled;
    case ECHILD: return Errno::Child;
    case ECONNABORTED: return Errno::ConnAborted;
    case ECONNREFUSED: return Errno::ConnRefused;
    case ECONNRESET: return Errno::ConnReset;
    case EDEADLK: return Errno::DeadLk;
    case EDESTADDRREQ: return Errno::DestAddrReq;
    case EDOM: return Errno::Dom;
    case EDQUOT: return Errno::DQuot;
    case EEXIST: return Errno::Exist;
    case EFAULT: return Errno::Fault;
    case EFBIG: return Errno::FBig;
    case EHOSTUNREACH: return Errno::HostUnreach;
    case EIDRM: return Errno::IdRm;
    case EILSEQ: return Errno::IlSeq;
    case EINPROGRESS: return Errno::InProgress;
    case EINTR: return Errno::Intr;
    case EINVAL: return Errno::Inval;
    case EIO: return Errno::Io;
    case EISCONN: return Errno::IsConn;
    case EISDIR: return Errno::IsDir;
    case ELOOP: return Errno::Loop;
    case EMFILE: return Errno::MFile;
    case EMLINK: return Errno::MLink;
    case EMSGSIZE: return Errno::MsgSize;
    case EMULTIHOP: return Errno::MultiHop;
    case ENAMETOOLONG: return Errno::NameTooLong;
    case ENETDOWN: return Errno::NetDown;
    case ENETRESET: return Errno::NetReset;
    case ENETUNREACH: return Errno::NetUnreach;
    case ENFILE: return Errno::NFile;
    case ENOBUFS: return Errno::NoBufs;
    case ENODEV: return Errno::NoDev;
    case ENOENT: return Errno::NoEnt;
    case ENOEXEC: return Errno::NoExec;
    case ENOLCK: return Errno::NoLck;
    case ENOLINK: return Errno::NoLink;
    case ENOMEM: return Errno::NoMem;
    case ENOMSG: return Errno::NoMsg;
    case ENOPROTOOPT: return Errno::NoProtoOpt;
    case ENOSPC: return Errno::NoSpc;
    case ENOSYS: return Errno::NoSys;
    case ENOTCONN: return Errno::NotConn;
    case ENOTDIR: return Errno::NotDir;
    case ENOTEMPTY: return Errno::NotEmpty;
    case ENOTRECOVERABLE: return Errno::NotRecoverable;
    case ENOTSOCK: return Errno::NotSock;
    case EOPNOTSUPP: return Errno::NotSup;  // == ENOTSUP on Linux
    case ENOTTY: return Errno::NotTy;
    case ENXIO: return Errno::NxIo;
    case EOVERFLOW: return Errno::Overflow;
    case EOWNERDEAD: return Errno::OwnerDead;
    case EPERM: return Errno::Perm;
    case EPIPE: return Errno::Pipe;
    case EPROTO: return Errno::Proto;
    case EPROTONOSUPPORT: return Errno::ProtoNoSupport;
    case EPROTOTYPE: return Errno::ProtoType;
    case ERANGE: return Errno::Range;
    case EROFS: return Errno::RoFs;
    case ESPIPE: return Errno::SPipe;
    case ESRCH: return Errno::Srch;
    case ESTALE: return Errno::Stale;
    case ETIMEDOUT: return Errno::TimedOut;
    case ETXTBSY: return Errno::TxtBsy;
    case EXDEV: return Errno::XDev;
    default: return Errno::Io;
  }
}

Preopen parse_dir_spec(std::string_view spec, bool read_only) {
  Preopen p;
  p.read_only = read_only;
  size_t sep = spec.find("::");
  p.host_path = std::string(spec.substr(0, sep));
  p.guest_path = sep == std::string_view::npos ? p.host_path : std::string(spec.substr(sep + 2));
  return p;
}

Result<std::pair<std::string, std::string>> parse_env_spec(std::string_view spec) {
  size_t eq = spec.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Error{ErrorKind::Malformed, fmt::format("--env expects KEY=VALUE, got '{}'", spec)};
  }
  return std::pair<std::string, std::string>(spec.substr(0, eq), spec.substr(eq + 1));
}

Errno read_path(const Call& c, uint32_t ptr, uint32_t len, std::string_view& out) {
  auto s = c.mem.string(ptr, len);
  if (!s) return Errno::Fault;
  if (s->find('\0') != std::string_view::npos) return Errno::Inval;
  if (s->size() >= PATH_MAX) return Errno::NameTooLong;
  out = *s;
  return Errno::Success;
}

}  // namespace shard::wasi
