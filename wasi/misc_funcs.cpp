// args, environ, clocks, random, poll_oneoff, proc_*, sched_yield and sock_*.
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <vector>

#include "wasi/impl.h"

namespace shard::wasi {

namespace r = abi::rights;

namespace {

/// argv/environ layout: an array of pointers into one buffer of NUL-terminated strings.
Errno write_string_list(const Call& c, const std::vector<std::string>& list, uint32_t ptrs, uint32_t buf) {
  uint64_t total = 0;
  for (const auto& s : list) total += s.size() + 1;
  auto ptr_span = c.mem.span(ptrs, uint64_t{4} * list.size());
  auto buf_span = c.mem.span(buf, total);
  if (!ptr_span || !buf_span) return Errno::Fault;
  uint32_t off = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    put<uint32_t>(*ptr_span, i * 4, buf + off);
    std::memcpy(buf_span->data() + off, list[i].data(), list[i].size());
    buf_span->data()[off + list[i].size()] = 0;
    off += static_cast<uint32_t>(list[i].size() + 1);
  }
  return Errno::Success;
}

Errno write_string_sizes(const Call& c, const std::vector<std::string>& list, uint32_t count_ptr,
                         uint32_t size_ptr) {
  uint64_t total = 0;
  for (const auto& s : list) total += s.size() + 1;
  auto a = c.mem.span(count_ptr, 4);
  auto b = c.mem.span(size_ptr, 4);
  if (!a || !b) return Errno::Fault;
  if (total > UINT32_MAX) return Errno::Overflow;
  put<uint32_t>(*a, 0, static_cast<uint32_t>(list.size()));
  put<uint32_t>(*b, 0, static_cast<uint32_t>(total));
  return Errno::Success;
}

bool host_clock(uint32_t id, clockid_t& out) {
  switch (id) {
    case uint32_t(abi::ClockId::Realtime): out = CLOCK_REALTIME; return true;
    case uint32_t(abi::ClockId::Monotonic): out = CLOCK_MONOTONIC; return true;
    case uint32_t(abi::ClockId::ProcessCputime): out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case uint32_t(abi::ClockId::ThreadCputime): out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

}  // namespace

uint64_t to_ns(const timespec& t) {
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(t.tv_nsec);
}

uint64_t now_ns(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return to_ns(t);
}

Errno fill_random(std::span<uint8_t> buf) {
  size_t done = 0;
  while (done < buf.size()) {
    ssize_t n = getrandom(buf.data() + done, buf.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_errno();
    }
    done += static_cast<size_t>(n);
  }
  return Errno::Success;
}

Errno args_get(Call& c) { return write_string_list(c, c.ctx.args(), c.u32(0), c.u32(1)); }
Errno args_sizes_get(Call& c) { return write_string_sizes(c, c.ctx.args(), c.u32(0), c.u32(1)); }
Errno environ_get(Call& c) { return write_string_list(c, c.ctx.environ_vars(), c.u32(0), c.u32(1)); }
Errno environ_sizes_get(Call& c) { return write_string_sizes(c, c.ctx.environ_vars(), c.u32(0), c.u32(1)); }

Errno clock_res_get(Call& c) {
  clockid_t clock;
  if (!host_clock(c.u32(0), clock)) return Errno::Inval;
  auto out = c.mem.span(c.u32(1), 8);
  if (!out) return Errno::Fault;
  timespec t{};
  if (clock_getres(clock, &t) != 0) return last_errno();
  put<uint64_t>(*out, 0, std::max<uint64_t>(to_ns(t), 1));  // the ABI wants a non-zero resolution
  return Errno::Success;
}

Errno clock_time_get(Call& c) {
  clockid_t clock;
  if (!host_clock(c.u32(0), clock)) return Errno::Inval;
  auto out = c.mem.span(c.u32(2), 8);
  if (!out) return Errno::Fault;
  timespec t{};
  if (clock_gettime(clock, &t) != 0) return last_errno();
  put<uint64_t>(*out, 0, to_ns(t));
  return Errno::Success;
}

Errno random_get(Call& c) {
  auto buf = c.mem.span(c.u32(0), c.u32(1));
  if (!buf) return Errno::Fault;
  return fill_random(*buf);
}

Errno proc_exit(Call& c) {
  c.ctx.exit_code = c.u32(0);
  return Errno::Success;
}

// Signals have no meaning for a WASI guest here; say so rather than pretend.
Errno proc_raise(Call&) { return Errno::NoSys; }

Errno sched_yield(Call&) {
  ::sched_yield();
  return Errno::Success;
}

// ---- poll_oneoff ----

Errno poll_oneoff(Call& c) {
  using namespace abi;
  const uint32_t nsubs = c.u32(2);
  if (nsubs == 0) return Errno::Inval;
  auto in = c.mem.span(c.u32(0), uint64_t{nsubs} * layout::kSubscriptionSize);
  auto out = c.mem.span(c.u32(1), uint64_t{nsubs} * layout::kEventSize);
  auto ret = c.mem.span(c.u32(3), 4);
  if (!in || !out || !ret) return Errno::Fault;

  struct Event {
    uint64_t userdata;
    Errno error;
    EventType type;
    uint64_t nbytes;
    uint16_t flags;
  };
  struct ClockSub {
    uint64_t userdata;
    uint64_t deadline;  // CLOCK_MONOTONIC ns
  };
  struct FdSub {
    uint64_t userdata;
    EventType type;
  };
  std::vector<Event> events;
  std::vector<ClockSub> clocks;
  std::vector<pollfd> pfds;
  std::vector<FdSub> fd_subs;
  const uint64_t start = now_ns(CLOCK_MONOTONIC);

  for (uint32_t i = 0; i < nsubs; ++i) {
    auto sub = in->subspan(size_t{i} * layout::kSubscriptionSize, layout::kSubscriptionSize);
    uint64_t userdata = get<uint64_t>(sub, 0);
    uint8_t tag = get<uint8_t>(sub, 8);
    if (tag == uint8_t(EventType::Clock)) {
      uint32_t id = get<uint32_t>(sub, layout::kSubClockId);
      uint64_t timeout = get<uint64_t>(sub, layout::kSubClockTimeout);
      uint16_t flags = get<uint16_t>(sub, layout::kSubClockFlags);
      clockid_t clock;
      if (!host_clock(id, clock) || (flags & ~kSubclockAbstime) != 0) {
        events.push_back({userdata, Errno::Inval, EventType::Clock, 0, 0});
        continue;
      }
      uint64_t remaining = timeout;
      if (flags & kSubclockAbstime) {
        uint64_t now = now_ns(clock);
        remaining = timeout > now ? timeout - now : 0;
      }
      uint64_t deadline = remaining > UINT64_MAX - start ? UINT64_MAX : start + remaining;
      clocks.push_back({userdata, deadline});
    } else if (tag == uint8_t(EventType::FdRead) || tag == uint8_t(EventType::FdWrite)) {
      EventType type = static_cast<EventType>(tag);
      FdEntry* e;
      Errno err = c.ctx.lookup(get<uint32_t>(sub, layout::kSubFdFd), r::kPollFdReadwrite, e);
      if (err != Errno::Success) {
        events.push_back({userdata, err, type, 0, 0});
        continue;
      }
      // Files and embedder streams never block: they are ready now.
      if (e->is_stream_cb() || e->type == Filetype::RegularFile || e->type == Filetype::Directory) {
        uint64_t nbytes = 0;
        if (type == EventType::FdRead && !e->is_stream_cb()) {
          struct stat st;
          off_t pos = lseek(e->host, 0, SEEK_CUR);
          if (fstat(e->host, &st) == 0 && pos >= 0 && st.st_size > pos) nbytes = uint64_t(st.st_size - pos);
        }
        events.push_back({userdata, Errno::Success, type, nbytes, 0});
        continue;
      }
      pfds.push_back({e->host, static_cast<short>(type == EventType::FdRead ? POLLIN : POLLOUT), 0});
      fd_subs.push_back({userdata, type});
    } else {
      events.push_back({userdata, Errno::Inval, static_cast<EventType>(tag), 0, 0});
    }
  }

  for (;;) {
    uint64_t now = now_ns(CLOCK_MONOTONIC);
    // Wait for fds until the earliest clock (no wait when something is ready already).
    timespec wait{};
    timespec* wait_ptr = nullptr;
    if (!events.empty()) {
      wait_ptr = &wait;
    } else if (!clocks.empty()) {
      uint64_t earliest = UINT64_MAX;
      for (const ClockSub& s : clocks) earliest = std::min(earliest, s.deadline);
      uint64_t left = earliest > now ? earliest - now : 0;
      wait.tv_sec = static_cast<time_t>(std::min<uint64_t>(left / 1'000'000'000ull, INT32_MAX));
      wait.tv_nsec = static_cast<long>(left % 1'000'000'000ull);
      wait_ptr = &wait;
    }
    if (pfds.empty() && wait_ptr == nullptr) break;  // cannot happen: nsubs > 0
    int n = ppoll(pfds.empty() ? nullptr : pfds.data(), pfds.size(), wait_ptr, nullptr);
    if (n < 0 && errno != EINTR) return last_errno();
    for (size_t i = 0; n > 0 && i < pfds.size(); ++i) {
      short rev = pfds[i].revents;
      if (rev == 0) continue;
      Event ev{fd_subs[i].userdata, Errno::Success, fd_subs[i].type, 0, 0};
      if (rev & POLLNVAL) {
        ev.error = Errno::BadF;
      } else if (rev & POLLERR) {
        ev.error = Errno::Io;
      } else {
        if (rev & POLLHUP) ev.flags = kEventrwHangup;
        int avail = 0;
        if (ev.type == EventType::FdRead && ioctl(pfds[i].fd, FIONREAD, &avail) == 0 && avail > 0) {
          ev.nbytes = static_cast<uint64_t>(avail);
        }
      }
      events.push_back(ev);
    }
    now = now_ns(CLOCK_MONOTONIC);
    for (const ClockSub& s : clocks) {
      if (s.deadline <= now) events.push_back({s.userdata, Errno::Success, EventType::Clock, 0, 0});
    }
    if (!events.empty()) break;
  }

  std::memset(out->data(), 0, events.size() * layout::kEventSize);
  for (size_t i = 0; i < events.size(); ++i) {
    auto ev = out->subspan(i * layout::kEventSize, layout::kEventSize);
    put<uint64_t>(ev, 0, events[i].userdata);
    put<uint16_t>(ev, 8, static_cast<uint16_t>(events[i].error));
    put<uint8_t>(ev, 10, static_cast<uint8_t>(events[i].type));
    put<uint64_t>(ev, 16, events[i].nbytes);
    put<uint16_t>(ev, 24, events[i].flags);
  }
  put<uint32_t>(*ret, 0, static_cast<uint32_t>(events.size()));
  return Errno::Success;
}

// ---- sockets handed in by the embedder ----

Errno sock_accept(Call& c) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), r::kSockAccept, e));
  uint32_t flags = c.u32(1);
  auto ret = c.mem.span(c.u32(2), 4);
  if (!ret) return Errno::Fault;
  if ((flags & ~uint32_t{abi::kFdflagNonblock}) != 0) return Errno::Inval;
  if (e->is_stream_cb()) return Errno::NotSock;
  int fd;
  do fd = accept4(e->host, nullptr, nullptr, SOCK_CLOEXEC | ((flags & abi::kFdflagNonblock) ? SOCK_NONBLOCK : 0));
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return last_errno();
  auto conn = std::make_unique<FdEntry>();
  conn->owned.reset(fd);
  conn->host = fd;
  conn->type = abi::Filetype::SocketStream;
  conn->rights_base = r::kSocket & ~r::kSockAccept;
  uint32_t guest_fd = 0;
  SHARD_WASI_TRY(c.ctx.insert(std::move(conn), guest_fd));
  put<uint32_t>(*ret, 0, guest_fd);
  return Errno::Success;
}


Errno sock_recv(Call& c) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), r::kFdRead, e));
  uint32_t riflags = c.u32(3);
  auto ret_len = c.mem.span(c.u32(4), 4);
  auto ret_flags = c.mem.span(c.u32(5), 2);
  if (!ret_len || !ret_flags) return Errno::Fault;
  if ((riflags & ~uint32_t{abi::kRiflagRecvPeek | abi::kRiflagRecvWaitall}) != 0) return Errno::Inval;
  std::vector<iovec> iov;
  SHARD_WASI_TRY(gather_iovecs(c, c.u32(1), c.u32(2), iov));
  if (e->is_stream_cb()) return Errno::NotSock;
  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  int flags = 0;
  if (riflags & abi::kRiflagRecvPeek) flags |= MSG_PEEK;
  if (riflags & abi::kRiflagRecvWaitall) flags |= MSG_WAITALL;
  ssize_t n;
  do n = recvmsg(e->host, &msg, flags);
  while (n < 0 && errno == EINTR);
  if (n < 0) return last_errno();
  put<uint32_t>(*ret_len, 0, static_cast<uint32_t>(n));
  put<uint16_t>(*ret_flags, 0, (msg.msg_flags & MSG_TRUNC) ? abi::kRoflagRecvDataTruncated : uint16_t{0});
  return Errno::Success;
}

Errno sock_send(Call& c) {
  FdEntry* e;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), r::kFdWrite, e));
  auto ret = c.mem.span(c.u32(4), 4);
  if (!ret) return Errno::Fault;
  if (c.u32(3) != 0) return Errno::Inval;  // siflags has no flags defined
  std::vector<iovec> iov;
  SHARD_WASI_TRY(gather_iovecs(c, c.u32(1), c.u32(2), iov));
  if (e->is_stream_cb()) return Errno::NotSock;
  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  ssize_t n;
  do n = sendmsg(e->host, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return last_errno();
  put<uint32_t>(*ret, 0, static_cast<uint32_t>(n));
  return Errno::Success;
}

Errno sock_shutdown(Call& c) {
  FdEntry* e;
  // Whether the fd is a socket is asked first: ENOTSOCK for a file or directory (as the
  // official wasi-testsuite expects), rather than ENOTCAPABLE for the right files lack.
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), 0, e));
  if (e->is_stream_cb() || (e->type != abi::Filetype::SocketStream && e->type != abi::Filetype::SocketDgram))
    return Errno::NotSock;
  SHARD_WASI_TRY(c.ctx.lookup(c.u32(0), r::kSockShutdown, e));
  int how;
  switch (c.u32(1)) {
    case abi::kSdflagRd: how = SHUT_RD; break;
    case abi::kSdflagWr: how = SHUT_WR; break;
    case abi::kSdflagRd | abi::kSdflagWr: how = SHUT_RDWR; break;
    default: return Errno::Inval;
  }
  return shutdown(e->host, how) == 0 ? Errno::Success : last_errno();
}

}  // namespace shard::wasi
