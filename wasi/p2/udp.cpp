// wasi:sockets 0.2 — udp and udp-create-socket (sockets/udp*.wit). A UDP socket may bind to
// and send to the granted addresses only (WasiConfig::network.udp, --allow-udp; or
// --inherit-network); anything else is access-denied. Sockets are non-blocking: receive
// returns what is queued, send stops at the first datagram the kernel cannot take yet.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "wasi/p2/net.h"

namespace shard::wasi::p2 {

using namespace net;

namespace {

/// The most datagrams one receive returns and check-send permits, and the largest datagram.
constexpr uint64_t kMaxDatagrams = 64;
constexpr size_t kMaxDatagramSize = 65536;

Result<Object*> udp(Host& h, const Value& self, Kind k = Kind::UdpSocket) {
  Object* s = h.get(self.rep(), k);
  if (s == nullptr) return Host::trap("unknown UDP handle");
  return s;
}
#define SHARD_P2_UDP(var, arg, kind)                  \
  auto var##_r = udp(h, arg, kind);                   \
  if (!var##_r) return std::move(var##_r).error();    \
  Object& var = **var##_r

bool udp_granted(const Host& h, const sockaddr_storage& addr) {
  const auto& n = h.config().network;
  return n.inherit || granted(n.udp, addr);
}

Ret pollable(Host& h, const Value& self, Object::Wait wait, int fd, short events) {
  Value p = new_pollable(h, self.rep(), wait, fd, events, 0);
  if (p.kind() != abi::TypeKind::Own) return Host::trap("too many WASI resources (max_resources)");
  return some(std::move(p));
}

}  // namespace

Result<void> add_udp(Host& h) {
  const std::string iface = "wasi:sockets/udp", create = "wasi:sockets/udp-create-socket";
  h.types.record("incoming-datagram", "data: list<u8>, remote-address: ip-socket-address");
  h.types.record("outgoing-datagram", "data: list<u8>, remote-address: option<ip-socket-address>");
  for (const std::string& i : {iface, create}) {
    h.resources(i, {Kind::Network, Kind::UdpSocket});
    SHARD_P2_TRY(h.export_types(i, "error-code=network-error-code ip-address-family ip-socket-address"));
  }
  h.resources(iface, {Kind::Pollable, Kind::IncomingDatagramStream, Kind::OutgoingDatagramStream});
  SHARD_P2_TRY(h.export_types(iface, "incoming-datagram outgoing-datagram"));
  SHARD_P2_TRY(h.func(create, "create-udp-socket",
                      "(address-family: ip-address-family) -> result<own<udp-socket>, network-error-code>", [](Host& h, Args a) {
                        const auto& n = h.config().network;
                        return create_socket(h, a[0], n.inherit || !n.udp.empty(), SOCK_DGRAM, Kind::UdpSocket);
                      }));
  auto m = [&](const std::string& name, std::string_view sig, HostFn fn) {
    return h.func(iface, "[method]udp-socket." + name, sig, std::move(fn));
  };
  SHARD_P2_TRY(m("start-bind", "(network: borrow<network>, local-address: ip-socket-address) -> result<_, network-error-code>",
                 [](Host& h, Args a) -> Ret {
                   SHARD_P2_UDP(s, a[0], Kind::UdpSocket);
                   if (s.state != kUnbound) return fail(kInvalidState);
                   sockaddr_storage ss;
                   socklen_t len;
                   to_sockaddr(a[2], ss, len);
                   if (ss.ss_family != s.family) return fail(kInvalidArgument);
                   if (!udp_granted(h, ss)) return fail(kAccessDenied);
                   if (bind(s.fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) return fail_errno();
                   s.state = kBindStarted;
                   return ok();
                 }));
  SHARD_P2_TRY(m("finish-bind", "() -> result<_, network-error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_UDP(s, a[0], Kind::UdpSocket);
    if (s.state != kBindStarted) return fail(kNotInProgress);
    s.state = kBound;
    return ok();
  }));
  SHARD_P2_TRY(m("stream",
                 "(remote-address: option<ip-socket-address>) -> "
                 "result<tuple<own<incoming-datagram-stream>, own<outgoing-datagram-stream>>, network-error-code>",
                 [](Host& h, Args a) -> Ret {
                   SHARD_P2_UDP(s, a[0], Kind::UdpSocket);
                   if (s.state != kBound && s.state != kConnected) return fail(kInvalidState);
                   if (a[1].is_some()) {
                     sockaddr_storage ss;
                     socklen_t len;
                     to_sockaddr(*a[1].payload(), ss, len);
                     if (ss.ss_family != s.family) return fail(kInvalidArgument);
                     if (!udp_granted(h, ss)) return fail(kAccessDenied);
                     if (connect(s.fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) return fail_errno();
                     s.state = kConnected;
                   } else if (s.state == kConnected) {
                     sockaddr unspec{};
                     unspec.sa_family = AF_UNSPEC;  // connect(2): dissolves the association
                     connect(s.fd, &unspec, sizeof unspec);
                     s.state = kBound;
                   }
                   auto streams = socket_streams(h, a[0].rep(), s, Kind::IncomingDatagramStream, Kind::OutgoingDatagramStream);
                   if (!streams) return fail(kNewSocketLimit);
                   return ok(Value::tuple({Value::own(streams->first), Value::own(streams->second)}));
                 }));
  for (bool local : {true, false}) {
    SHARD_P2_TRY(m(local ? "local-address" : "remote-address", "() -> result<ip-socket-address, network-error-code>",
                   [local](Host& h, Args a) -> Ret {
                     SHARD_P2_UDP(s, a[0], Kind::UdpSocket);
                     if (local ? s.state == kUnbound : s.state != kConnected) return fail(kInvalidState);
                     sockaddr_storage ss{};
                     socklen_t len = sizeof ss;
                     if ((local ? getsockname(s.fd, reinterpret_cast<sockaddr*>(&ss), &len)
                                : getpeername(s.fd, reinterpret_cast<sockaddr*>(&ss), &len)) != 0)
                       return fail_errno();
                     return ok(from_sockaddr(ss));
                   }));
  }
  SHARD_P2_TRY(m("address-family", "() -> ip-address-family", [](Host& h, Args a) -> Ret {
    SHARD_P2_UDP(s, a[0], Kind::UdpSocket);
    return some(Value::enum_(s.family == AF_INET ? 0 : 1));
  }));
  struct Opt {
    const char* name;
    const char* type;
    int level, opt;
    Value (*wrap)(uint64_t);
  };
  const Opt opts[] = {
      {"unicast-hop-limit", "u8", IPPROTO_IP, IP_TTL, [](uint64_t x) { return Value::u8(static_cast<uint8_t>(x)); }},
      {"receive-buffer-size", "u64", SOL_SOCKET, SO_RCVBUF, [](uint64_t x) { return Value::u64(x); }},
      {"send-buffer-size", "u64", SOL_SOCKET, SO_SNDBUF, [](uint64_t x) { return Value::u64(x); }},
  };
  for (const Opt& o : opts) {
    auto where = [o](const Object& s) {
      return o.opt == IP_TTL && s.family == AF_INET6 ? std::pair{IPPROTO_IPV6, IPV6_UNICAST_HOPS} : std::pair{o.level, o.opt};
    };
    SHARD_P2_TRY(m(o.name, std::string("() -> result<") + o.type + ", network-error-code>", [o, where](Host& h, Args a) -> Ret {
      SHARD_P2_UDP(s, a[0], Kind::UdpSocket);
      return get_opt(s, where(s).first, where(s).second, o.wrap);
    }));
    SHARD_P2_TRY(m(std::string("set-") + o.name, std::string("(value: ") + o.type + ") -> result<_, network-error-code>",
                   [where](Host& h, Args a) -> Ret {
                     SHARD_P2_UDP(s, a[0], Kind::UdpSocket);
                     return set_opt(s, where(s).first, where(s).second, a[1].as_unsigned());
                   }));
  }
  SHARD_P2_TRY(m("subscribe", "() -> own<pollable>", [](Host& h, Args a) -> Ret {
    SHARD_P2_UDP(s, a[0], Kind::UdpSocket);
    return pollable(h, a[0], Object::Wait::Ready, s.fd, 0);
  }));

  // ---- datagram streams ----
  SHARD_P2_TRY(h.func(iface, "[method]incoming-datagram-stream.receive",
                      "(max-results: u64) -> result<list<incoming-datagram>, network-error-code>", [](Host& h, Args a) -> Ret {
                        SHARD_P2_UDP(in, a[0], Kind::IncomingDatagramStream);
                        std::vector<Value> out;
                        std::vector<uint8_t> buf(kMaxDatagramSize);
                        const uint64_t max = std::min(a[1].as_unsigned(), kMaxDatagrams);
                        while (out.size() < max) {
                          sockaddr_storage from{};
                          socklen_t len = sizeof from;
                          ssize_t n = recvfrom(in.fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
                          if (n < 0 && errno == EINTR) continue;
                          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                          if (n < 0) {
                            if (!out.empty()) break;  // report the error on the next call
                            return fail_errno();
                          }
                          out.push_back(Value::record({bytes_value({buf.data(), static_cast<size_t>(n)}), from_sockaddr(from)}));
                        }
                        return ok(Value::list(std::move(out)));
                      }));
  SHARD_P2_TRY(h.func(iface, "[method]incoming-datagram-stream.subscribe", "() -> own<pollable>", [](Host& h, Args a) -> Ret {
    SHARD_P2_UDP(in, a[0], Kind::IncomingDatagramStream);
    return pollable(h, a[0], Object::Wait::Fd, in.fd, POLLIN);
  }));
  SHARD_P2_TRY(h.func(iface, "[method]outgoing-datagram-stream.check-send", "() -> result<u64, network-error-code>",
                      [](Host& h, Args a) -> Ret {
                        SHARD_P2_UDP(out, a[0], Kind::OutgoingDatagramStream);
                        (void)out;
                        return ok(Value::u64(kMaxDatagrams));
                      }));
  SHARD_P2_TRY(h.func(iface, "[method]outgoing-datagram-stream.send",
                      "(datagrams: list<outgoing-datagram>) -> result<u64, network-error-code>", [](Host& h, Args a) -> Ret {
                        SHARD_P2_UDP(out, a[0], Kind::OutgoingDatagramStream);
                        const Object* sock = h.get(out.parent, Kind::UdpSocket);
                        const bool connected = sock != nullptr && sock->state == kConnected;
                        uint64_t sent = 0;
                        for (const Value& d : a[1].items()) {
                          const Value& data = d.items()[0];
                          const std::vector<uint8_t> bytes = bytes_of(data);
                          const Value& remote = d.items()[1];
                          ssize_t n;
                          if (remote.is_some()) {
                            sockaddr_storage ss;
                            socklen_t len;
                            to_sockaddr(*remote.payload(), ss, len);
                            if (ss.ss_family != out.family) return sent ? ok(Value::u64(sent)) : fail(kInvalidArgument);
                            if (!udp_granted(h, ss)) return sent ? ok(Value::u64(sent)) : fail(kAccessDenied);
                            n = connected ? -1 : sendto(out.fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&ss), len);
                            if (connected) errno = EISCONN;  // udp.wit: a connected stream sends to its peer only
                          } else {
                            if (!connected) return sent ? ok(Value::u64(sent)) : fail(kInvalidArgument);
                            n = send(out.fd, bytes.data(), bytes.size(), 0);
                          }
                          if (n < 0) {
                            if (errno == EAGAIN || errno == EWOULDBLOCK || sent > 0) break;
                            return errno == EISCONN ? fail(kInvalidArgument) : fail_errno();
                          }
                          ++sent;
                        }
                        return ok(Value::u64(sent));
                      }));
  SHARD_P2_TRY(h.func(iface, "[method]outgoing-datagram-stream.subscribe", "() -> own<pollable>", [](Host& h, Args a) -> Ret {
    SHARD_P2_UDP(out, a[0], Kind::OutgoingDatagramStream);
    return pollable(h, a[0], Object::Wait::Fd, out.fd, POLLOUT);
  }));
  return {};
}

}  // namespace shard::wasi::p2
