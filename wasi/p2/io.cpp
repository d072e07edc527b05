// wasi:io 0.2 — error, poll, streams (io/*.wit). Streams are host fds (pipes, terminals,
// files at an offset) or the embedder's callbacks; pollables wait on fds with poll(2) or on
// CLOCK_MONOTONIC deadlines, never by spinning.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include <fmt/format.h>

#include "wasi/p2/host.h"

namespace shard::wasi::p2 {

namespace {

/// What check-write permits and the most one read returns: bounds the host buffers a guest
/// can make the host allocate in one call.
constexpr uint64_t kChunk = 1 << 20;

Object* stream(Host& h, const Value& self, Kind k) { return h.get(self.rep(), k); }

Result<Object*> need(Host& h, const Value& self, Kind k) {
  Object* o = stream(h, self, k);
  if (o == nullptr) return Host::trap("unknown stream handle");
  return o;
}

/// Waits until `fd` has `events` or `timeout_ms` passes (-1: forever); true when ready.
bool wait_fd(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  for (;;) {
    int r = ::poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    return r > 0;
  }
}

/// One read from an input stream: ok(bytes) (possibly empty when nothing is ready and
/// `blocking` is false), or a stream error.
Value read_some(Host& h, Object& in, uint64_t len, bool blocking) {
  if (in.closed) return Value::err(stream_closed());
  std::vector<uint8_t> buf(static_cast<size_t>(std::min(len, kChunk)));
  if (buf.empty()) return Value::ok(bytes_value({}));
  ssize_t n;
  if (in.read_cb) {
    n = static_cast<ssize_t>(in.read_cb(buf));
  } else if (in.fd < 0) {
    n = 0;  // a closed standard input
  } else if (in.positioned) {
    do n = ::pread(in.fd, buf.data(), buf.size(), static_cast<off_t>(in.offset));
    while (n < 0 && errno == EINTR);
    if (n > 0) in.offset += static_cast<uint64_t>(n);
  } else {
    if (!wait_fd(in.fd, POLLIN, blocking ? -1 : 0)) return Value::ok(bytes_value({}));
    do n = ::read(in.fd, buf.data(), buf.size());
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Value::ok(bytes_value({}));
  }
  if (n < 0) return Value::err(stream_failed(h, std::strerror(errno), error_code_of(last_errno())));
  if (n == 0) {
    in.closed = true;
    return Value::err(stream_closed());
  }
  return Value::ok(bytes_value({buf.data(), static_cast<size_t>(n)}));
}

/// Writes all of `data` to an output stream: ok() or a stream error.
Value write_all(Host& h, Object& out, std::span<const uint8_t> data) {
  if (out.closed) return Value::err(stream_closed());
  if (out.write_cb) {
    out.write_cb(data);
    return Value::ok();
  }
  if (out.fd < 0) return Value::ok();  // a closed standard stream swallows output, as /dev/null
  if (out.append) {
    struct stat st;
    if (fstat(out.fd, &st) == 0) out.offset = static_cast<uint64_t>(st.st_size);
  }
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = out.positioned || out.append
                    ? ::pwrite(out.fd, data.data() + done, data.size() - done, static_cast<off_t>(out.offset))
                    : ::write(out.fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      wait_fd(out.fd, POLLOUT, -1);
      continue;
    }
    if (n < 0 && errno == EPIPE) {
      out.closed = true;
      return Value::err(stream_closed());
    }
    if (n < 0) return Value::err(stream_failed(h, std::strerror(errno), error_code_of(last_errno())));
    done += static_cast<size_t>(n);
    if (out.positioned || out.append) out.offset += static_cast<uint64_t>(n);
  }
  return Value::ok();
}

/// The pollable of a stream: an fd wait for pipes, sockets and terminals; ready at once for
/// files and callbacks (they never block).
Value subscribe(Host& h, const Value& self, Kind k, short events) {
  Object* o = stream(h, self, k);
  if (o == nullptr) return Value();
  const bool waits = o->fd >= 0 && !o->positioned && !o->append && !o->read_cb && !o->write_cb && !o->closed;
  return new_pollable(h, self.rep(), waits ? Object::Wait::Fd : Object::Wait::Ready, o->fd, events, 0);
}

/// Nanoseconds until `deadline` as a poll(2) timeout, rounded up.
int timeout_ms(uint64_t now, uint64_t deadline) {
  if (deadline <= now) return 0;
  uint64_t ms = (deadline - now + 999'999) / 1'000'000;
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

/// The indices of the ready pollables among `ps`, waiting for at least one when `block`.
Result<std::vector<uint32_t>> poll_list(Host& h, const std::vector<uint32_t>& ps, bool block) {
  std::vector<const Object*> objs;
  for (uint32_t rep : ps) {
    const Object* o = h.get(rep, Kind::Pollable);
    if (o == nullptr) return Host::trap("poll of an unknown pollable");
    objs.push_back(o);
  }
  for (;;) {
    std::vector<uint32_t> ready;
    std::vector<pollfd> fds;
    std::vector<uint32_t> fd_index;
    const uint64_t now = now_ns(CLOCK_MONOTONIC);
    int timeout = -1;
    for (uint32_t i = 0; i < objs.size(); ++i) {
      const Object& o = *objs[i];
      switch (o.wait) {
        case Object::Wait::Ready: ready.push_back(i); break;
        case Object::Wait::Deadline:
          if (o.deadline <= now) ready.push_back(i);
          else timeout = timeout < 0 ? timeout_ms(now, o.deadline) : std::min(timeout, timeout_ms(now, o.deadline));
          break;
        case Object::Wait::Fd:
          fds.push_back({o.fd, o.events, 0});
          fd_index.push_back(i);
          break;
      }
    }
    if (!ready.empty() || !block) timeout = 0;
    if (!fds.empty() || timeout > 0) {
      int r = ::poll(fds.data(), fds.size(), timeout);
      if (r < 0 && errno != EINTR) return Host::trap(fmt::format("poll: {}", std::strerror(errno)));
      for (size_t j = 0; r > 0 && j < fds.size(); ++j)
        if (fds[j].revents != 0) ready.push_back(fd_index[j]);
    }
    if (!ready.empty() || !block) {
      std::sort(ready.begin(), ready.end());
      return ready;
    }
  }
}

}  // namespace

Result<void> add_io(Host& h) {
  const std::string err = "wasi:io/error", poll = "wasi:io/poll", streams = "wasi:io/streams";
  h.resources(err, {Kind::Error});
  h.resources(poll, {Kind::Pollable});
  h.resources(streams, {Kind::Error, Kind::Pollable, Kind::InputStream, Kind::OutputStream});
  h.types.variant("stream-error", "last-operation-failed(error), closed");
  SHARD_P2_TRY(h.export_types(streams, "stream-error"));

  SHARD_P2_TRY(h.func(err, "[method]error.to-debug-string", "() -> string", [](Host& h, Args a) -> Ret {
    Object* e = h.get(a[0].rep(), Kind::Error);
    if (e == nullptr) return Host::trap("unknown error handle");
    return std::optional<Value>{Value::string(e->message)};
  }));

  // ---- poll ----
  SHARD_P2_TRY(h.func(poll, "[method]pollable.ready", "() -> bool", [](Host& h, Args a) -> Ret {
    auto r = poll_list(h, {a[0].rep()}, false);
    if (!r) return std::move(r).error();
    return std::optional<Value>{Value::bool_(!r->empty())};
  }));
  SHARD_P2_TRY(h.func(poll, "[method]pollable.block", "()", [](Host& h, Args a) -> Ret {
    auto r = poll_list(h, {a[0].rep()}, true);
    if (!r) return std::move(r).error();
    return std::optional<Value>{};
  }));
  SHARD_P2_TRY(h.func(poll, "poll", "(in: list<borrow<pollable>>) -> list<u32>", [](Host& h, Args a) -> Ret {
    std::vector<uint32_t> reps;
    for (const Value& p : a[0].items()) reps.push_back(p.rep());
    // poll.wit: waiting on nothing would never return
    if (reps.empty()) return Host::trap("poll of an empty list of pollables");
    auto r = poll_list(h, reps, true);
    if (!r) return std::move(r).error();
    std::vector<Value> out;
    for (uint32_t i : *r) out.push_back(Value::u32(i));
    return std::optional<Value>{Value::list(std::move(out))};
  }));

  // ---- input-stream ----
  const char* kReadSig = "(len: u64) -> result<list<u8>, stream-error>";
  for (bool blocking : {false, true}) {
    SHARD_P2_TRY(h.func(streams, blocking ? "[method]input-stream.blocking-read" : "[method]input-stream.read", kReadSig,
                          [blocking](Host& h, Args a) -> Ret {
                            auto in = need(h, a[0], Kind::InputStream);
                            if (!in) return std::move(in).error();
                            return std::optional<Value>{read_some(h, **in, a[1].as_unsigned(), blocking)};
                          }));
    SHARD_P2_TRY(h.func(streams, blocking ? "[method]input-stream.blocking-skip" : "[method]input-stream.skip",
                          "(len: u64) -> result<u64, stream-error>", [blocking](Host& h, Args a) -> Ret {
                            auto in = need(h, a[0], Kind::InputStream);
                            if (!in) return std::move(in).error();
                            Value r = read_some(h, **in, a[1].as_unsigned(), blocking);
                            if (!r.is_ok()) return std::optional<Value>{std::move(r)};
                            return std::optional<Value>{Value::ok(Value::u64(r.payload()->items().size()))};
                          }));
  }
  SHARD_P2_TRY(h.func(streams, "[method]input-stream.subscribe", "() -> own<pollable>", [](Host& h, Args a) -> Ret {
    Value p = subscribe(h, a[0], Kind::InputStream, POLLIN);
    if (p.kind() != abi::TypeKind::Own) return Host::trap("too many WASI resources (max_resources)");
    return std::optional<Value>{std::move(p)};
  }));

  // ---- output-stream ----
  SHARD_P2_TRY(h.func(streams, "[method]output-stream.check-write", "() -> result<u64, stream-error>",
                        [](Host& h, Args a) -> Ret {
                          auto out = need(h, a[0], Kind::OutputStream);
                          if (!out) return std::move(out).error();
                          if ((*out)->closed) return std::optional<Value>{Value::err(stream_closed())};
                          return std::optional<Value>{Value::ok(Value::u64(kChunk))};
                        }));
  for (const char* name : {"[method]output-stream.write", "[method]output-stream.blocking-write-and-flush"}) {
    SHARD_P2_TRY(h.func(streams, name, "(contents: list<u8>) -> result<_, stream-error>", [](Host& h, Args a) -> Ret {
      auto out = need(h, a[0], Kind::OutputStream);
      if (!out) return std::move(out).error();
      std::vector<uint8_t> data = bytes_of(a[1]);
      return std::optional<Value>{write_all(h, **out, data)};
    }));
  }
  for (const char* name : {"[method]output-stream.write-zeroes", "[method]output-stream.blocking-write-zeroes-and-flush"}) {
    SHARD_P2_TRY(h.func(streams, name, "(len: u64) -> result<_, stream-error>", [](Host& h, Args a) -> Ret {
      auto out = need(h, a[0], Kind::OutputStream);
      if (!out) return std::move(out).error();
      uint64_t left = a[1].as_unsigned();
      std::vector<uint8_t> zeros(static_cast<size_t>(std::min(left, kChunk)), 0);
      while (left > 0) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(left, zeros.size()));
        Value r = write_all(h, **out, {zeros.data(), n});
        if (!r.is_ok()) return std::optional<Value>{std::move(r)};
        left -= n;
      }
      return std::optional<Value>{Value::ok()};
    }));
  }
  for (const char* name : {"[method]output-stream.flush", "[method]output-stream.blocking-flush"}) {
    // Writes go straight to the host (no buffering here), so a flush has nothing to wait for.
    SHARD_P2_TRY(h.func(streams, name, "() -> result<_, stream-error>", [](Host& h, Args a) -> Ret {
      auto out = need(h, a[0], Kind::OutputStream);
      if (!out) return std::move(out).error();
      return std::optional<Value>{(*out)->closed ? Value::err(stream_closed()) : Value::ok()};
    }));
  }
  for (bool blocking : {false, true}) {
    SHARD_P2_TRY(h.func(streams, blocking ? "[method]output-stream.blocking-splice" : "[method]output-stream.splice",
                          "(src: borrow<input-stream>, len: u64) -> result<u64, stream-error>",
                          [blocking](Host& h, Args a) -> Ret {
                            auto out = need(h, a[0], Kind::OutputStream);
                            if (!out) return std::move(out).error();
                            auto in = need(h, a[1], Kind::InputStream);
                            if (!in) return std::move(in).error();
                            if ((*out)->closed) return std::optional<Value>{Value::err(stream_closed())};
                            Value r = read_some(h, **in, a[2].as_unsigned(), blocking);
                            if (!r.is_ok()) return std::optional<Value>{std::move(r)};
                            std::vector<uint8_t> data = bytes_of(*r.payload());
                            Value w = write_all(h, **out, data);
                            if (!w.is_ok()) return std::optional<Value>{std::move(w)};
                            return std::optional<Value>{Value::ok(Value::u64(data.size()))};
                          }));
  }
  SHARD_P2_TRY(h.func(streams, "[method]output-stream.subscribe", "() -> own<pollable>", [](Host& h, Args a) -> Ret {
    Value p = subscribe(h, a[0], Kind::OutputStream, POLLOUT);
    if (p.kind() != abi::TypeKind::Own) return Host::trap("too many WASI resources (max_resources)");
    return std::optional<Value>{std::move(p)};
  }));
  return {};
}

}  // namespace shard::wasi::p2
