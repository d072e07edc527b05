// wasi:sockets 0.2 — network, instance-network, tcp-create-socket, tcp, ip-name-lookup
// (sockets/*.wit). Deny by default: connecting, binding (listening) and name lookups need a
// grant (WasiConfig::network, the CLI's --allow-* flags); a denied operation returns the
// WIT's access-denied, it does not trap. Sockets are non-blocking; start-*/finish-* follow
// the WIT's two-phase protocol and pollables wait on the fd with poll(2). UDP: a socket may
// bind to and send to the granted addresses (WasiConfig::network.udp, --allow-udp) and
// receives whatever reaches its bound address.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "wasi/p2/net.h"

namespace shard::wasi::p2 {

namespace net {

Ret some(Value v) { return std::optional<Value>{std::move(v)}; }
Ret fail(uint32_t code) { return some(Value::err(Value::enum_(code))); }
Ret ok(std::optional<Value> v) { return some(Value::ok(std::move(v))); }

uint32_t code_of(int e) {
  switch (e) {
    case EACCES: case EPERM: return kAccessDenied;
    case EADDRINUSE: return kAddressInUse;
    case EADDRNOTAVAIL: return kAddressNotBindable;
    case ECONNREFUSED: return kConnectionRefused;
    case ECONNRESET: return kConnectionReset;
    case ECONNABORTED: return kConnectionAborted;
    case EHOSTUNREACH: case ENETUNREACH: return kRemoteUnreachable;
    case EINVAL: return kInvalidArgument;
    case EAGAIN: return kWouldBlock;
    case ETIMEDOUT: return kTimeout;
    case EMFILE: case ENFILE: return kNewSocketLimit;
    case ENOMEM: case ENOBUFS: return kOutOfMemory;
    case EOPNOTSUPP: case EAFNOSUPPORT: return kNotSupported;
    default: return kUnknown;
  }
}
Ret fail_errno() { return fail(code_of(errno)); }

/// ip-socket-address -> sockaddr; false for a family the socket does not have.
bool to_sockaddr(const Value& v, sockaddr_storage& ss, socklen_t& len) {
  std::memset(&ss, 0, sizeof ss);
  const Value& a = *v.payload();
  if (v.case_index() == 0) {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(a.items()[0].as_unsigned()));
    uint8_t b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<uint8_t>(a.items()[1].items()[i].as_unsigned());
    std::memcpy(&in->sin_addr, b, 4);
    len = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<uint16_t>(a.items()[0].as_unsigned()));
    in6->sin6_flowinfo = htonl(static_cast<uint32_t>(a.items()[1].as_unsigned()));
    for (int i = 0; i < 8; ++i) {
      uint16_t w = htons(static_cast<uint16_t>(a.items()[2].items()[i].as_unsigned()));
      std::memcpy(reinterpret_cast<uint8_t*>(&in6->sin6_addr) + 2 * i, &w, 2);
    }
    in6->sin6_scope_id = static_cast<uint32_t>(a.items()[3].as_unsigned());
    len = sizeof(sockaddr_in6);
  }
  return true;
}

Value ipv4_value(const in_addr& addr) {
  uint8_t b[4];
  std::memcpy(b, &addr, 4);
  return Value::tuple({Value::u8(b[0]), Value::u8(b[1]), Value::u8(b[2]), Value::u8(b[3])});
}
Value ipv6_value(const in6_addr& addr) {
  std::vector<Value> w;
  for (int i = 0; i < 8; ++i) {
    uint16_t x;
    std::memcpy(&x, reinterpret_cast<const uint8_t*>(&addr) + 2 * i, 2);
    w.push_back(Value::u16(ntohs(x)));
  }
  return Value::tuple(std::move(w));
}

Value from_sockaddr(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    return Value::variant(0, Value::record({Value::u16(ntohs(in->sin_port)), ipv4_value(in->sin_addr)}));
  }
  auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
  return Value::variant(1, Value::record({Value::u16(ntohs(in6->sin6_port)), Value::u32(ntohl(in6->sin6_flowinfo)),
                                          ipv6_value(in6->sin6_addr), Value::u32(in6->sin6_scope_id)}));
}

/// Whether `addr` matches one of the granted "IP:PORT" specs (port 0: any).
bool granted(const std::vector<std::string>& specs, const sockaddr_storage& addr) {
  for (const std::string& spec : specs) {
    std::string host = spec, port = "0";
    if (size_t colon = spec.rfind(':'); colon != std::string::npos) {
      host = spec.substr(0, colon);
      port = spec.substr(colon + 1);
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    char* end = nullptr;
    const unsigned long p = std::strtoul(port.c_str(), &end, 10);
    if (end == port.c_str() || *end != '\0' || p > 65535) continue;
    if (addr.ss_family == AF_INET) {
      auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
      in_addr want;
      if (inet_pton(AF_INET, host.c_str(), &want) != 1) continue;
      if (want.s_addr == in->sin_addr.s_addr && (p == 0 || p == ntohs(in->sin_port))) return true;
    } else if (addr.ss_family == AF_INET6) {
      auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
      in6_addr want;
      if (inet_pton(AF_INET6, host.c_str(), &want) != 1) continue;
      if (std::memcmp(&want, &in6->sin6_addr, sizeof want) == 0 && (p == 0 || p == ntohs(in6->sin6_port))) return true;
    }
  }
  return false;
}

Result<Object*> tcp(Host& h, const Value& self) {
  Object* s = h.get(self.rep(), Kind::TcpSocket);
  if (s == nullptr) return Host::trap("unknown tcp-socket handle");
  return s;
}
#define SHARD_P2_TCP(var, arg)                      \
  auto var##_r = tcp(h, arg);                       \
  if (!var##_r) return std::move(var##_r).error();  \
  Object& var = **var##_r

/// A new socket object (tcp-socket, udp-socket) for an open fd (taking it), or nullopt at the limit.
std::optional<uint32_t> add_socket(Host& h, int fd, int family, uint8_t state, Kind kind) {
  Object o;
  o.kind = kind;
  o.file = std::make_shared<UniqueFd>(fd);
  o.fd = fd;
  o.family = family;
  o.state = state;
  return h.add(std::move(o));
}

/// The input and output streams of a connected socket (children of it): byte streams for TCP,
/// datagram streams for UDP.
std::optional<std::pair<uint32_t, uint32_t>> socket_streams(Host& h, uint32_t sock, const Object& s,
                                                             Kind in_kind, Kind out_kind) {
  Object in, out;
  in.kind = in_kind;
  out.kind = out_kind;
  in.parent = out.parent = sock;
  in.file = out.file = s.file;
  in.fd = out.fd = s.fd;
  in.family = out.family = s.family;
  auto i = h.add(std::move(in));
  if (!i) return std::nullopt;
  auto o = h.add(std::move(out));
  if (!o) {
    (void)h.drop(*i, in_kind);
    return std::nullopt;
  }
  return std::pair{*i, *o};
}

/// A socket option as result<T, error-code>.
Ret get_opt(const Object& s, int level, int name, Value (*wrap)(uint64_t)) {
  int v = 0;
  socklen_t len = sizeof v;
  if (getsockopt(s.fd, level, name, &v, &len) != 0) return fail_errno();
  return ok(wrap(static_cast<uint64_t>(v)));
}
Ret set_opt(const Object& s, int level, int name, uint64_t value) {
  if (value == 0 && name != SO_KEEPALIVE) return fail(kInvalidArgument);  // tcp.wit: zero is invalid
  int v = value > INT32_MAX ? INT32_MAX : static_cast<int>(value);
  return setsockopt(s.fd, level, name, &v, sizeof v) == 0 ? ok() : fail_errno();
}

Ret create_socket(Host& h, const Value& family_case, bool allowed, int type, Kind kind) {
  if (!allowed) return fail(kAccessDenied);
  if (h.live() >= h.config().max_resources) return fail(kNewSocketLimit);
  const int family = family_case.case_index() == 0 ? AF_INET : AF_INET6;
  int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail_errno();
  if (family == AF_INET6) {
    int one = 1;  // tcp.wit, udp.wit: IPv6 sockets do not take IPv4-mapped addresses
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  auto rep = add_socket(h, fd, family, kUnbound, kind);
  if (!rep) return fail(kNewSocketLimit);
  return ok(Value::own(*rep));
}

}  // namespace net

using namespace net;

Result<void> add_sockets(Host& h) {
  const std::string net = "wasi:sockets/network", tcp_if = "wasi:sockets/tcp";
  h.types.enum_("network-error-code",
                "unknown access-denied not-supported invalid-argument out-of-memory timeout concurrency-conflict "
                "not-in-progress would-block invalid-state new-socket-limit address-not-bindable address-in-use "
                "remote-unreachable connection-refused connection-reset connection-aborted datagram-too-large "
                "name-unresolvable temporary-resolver-failure permanent-resolver-failure");
  h.types.enum_("ip-address-family", "ipv4 ipv6");
  h.types.define("ipv4-address", *h.types.parse("tuple<u8, u8, u8, u8>"));
  h.types.define("ipv6-address", *h.types.parse("tuple<u16, u16, u16, u16, u16, u16, u16, u16>"));
  h.types.variant("ip-address", "ipv4(ipv4-address), ipv6(ipv6-address)");
  h.types.record("ipv4-socket-address", "port: u16, address: ipv4-address");
  h.types.record("ipv6-socket-address", "port: u16, flow-info: u32, address: ipv6-address, scope-id: u32");
  h.types.variant("ip-socket-address", "ipv4(ipv4-socket-address), ipv6(ipv6-socket-address)");
  h.types.enum_("shutdown-type", "receive send both");
  // the sockets interfaces call theirs `error-code`, as filesystem does its own: exported
  // under that name, known here as network-error-code
  auto export_net_types = [&](const std::string& iface) -> Result<void> {
    auto inst_types = "error-code=network-error-code ip-address-family ipv4-address ipv6-address ip-address ipv4-socket-address "
                      "ipv6-socket-address ip-socket-address";
    return h.export_types(iface, inst_types);
  };
  h.resources(net, {Kind::Network, Kind::Error});
  SHARD_P2_TRY(export_net_types(net));
  SHARD_P2_TRY(h.func(net, "network-error-code", "(err: borrow<error>) -> option<network-error-code>", [](Host& h, Args a) -> Ret {
    Object* e = h.get(a[0].rep(), Kind::Error);
    if (e == nullptr) return Host::trap("unknown error handle");
    return some(Value::none());  // stream errors carry filesystem codes only
  }));
  h.resources("wasi:sockets/instance-network", {Kind::Network});
  SHARD_P2_TRY(h.func("wasi:sockets/instance-network", "instance-network", "() -> own<network>", [](Host& h, Args) -> Ret {
    Object n;
    n.kind = Kind::Network;
    auto rep = h.add(std::move(n));
    if (!rep) return Host::trap("too many WASI resources (max_resources)");
    return some(Value::own(*rep));
  }));

  for (const char* iface : {"wasi:sockets/tcp-create-socket", "wasi:sockets/tcp"}) {
    h.resources(iface, {Kind::Network, Kind::TcpSocket});
    SHARD_P2_TRY(export_net_types(iface));
  }
  h.resources(tcp_if, {Kind::InputStream, Kind::OutputStream, Kind::Pollable});
  SHARD_P2_TRY(h.export_types(tcp_if, "shutdown-type duration"));
  SHARD_P2_TRY(h.func("wasi:sockets/tcp-create-socket", "create-tcp-socket",
                      "(address-family: ip-address-family) -> result<own<tcp-socket>, network-error-code>",
                      [](Host& h, Args a) {
                        const auto& n = h.config().network;
                        const bool allowed = n.inherit || !n.tcp_connect.empty() || !n.tcp_listen.empty();
                        return create_socket(h, a[0], allowed, SOCK_STREAM, Kind::TcpSocket);
                      }));

  auto m = [&](const std::string& name, std::string_view sig, HostFn fn) {
    return h.func(tcp_if, "[method]tcp-socket." + name, sig, std::move(fn));
  };
  SHARD_P2_TRY(m("start-bind", "(network: borrow<network>, local-address: ip-socket-address) -> result<_, network-error-code>",
                 [](Host& h, Args a) -> Ret {
                   SHARD_P2_TCP(s, a[0]);
                   if (s.state != kUnbound) return fail(kInvalidState);
                   sockaddr_storage ss;
                   socklen_t len;
                   to_sockaddr(a[2], ss, len);
                   if (ss.ss_family != s.family) return fail(kInvalidArgument);
                   const auto& n = h.config().network;
                   if (!n.inherit && !granted(n.tcp_listen, ss)) return fail(kAccessDenied);
                   int one = 1;
                   setsockopt(s.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
                   if (bind(s.fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) return fail_errno();
                   s.state = kBindStarted;
                   return ok();
                 }));
  // finish-bind and finish-listen: the second phase of what start-* began (tcp.wit)
  for (const auto& phase : {std::tuple{"finish-bind", kBindStarted, kBound}, std::tuple{"finish-listen", kListenStarted, kListening}}) {
    const uint8_t from = std::get<1>(phase), to = std::get<2>(phase);
    SHARD_P2_TRY(m(std::get<0>(phase), "() -> result<_, network-error-code>", [from, to](Host& h, Args a) -> Ret {
      SHARD_P2_TCP(s, a[0]);
      if (s.state != from) return fail(kNotInProgress);
      s.state = to;
      return ok();
    }));
  }
  SHARD_P2_TRY(m("start-connect", "(network: borrow<network>, remote-address: ip-socket-address) -> result<_, network-error-code>",
                 [](Host& h, Args a) -> Ret {
                   SHARD_P2_TCP(s, a[0]);
                   if (s.state != kUnbound && s.state != kBound) return fail(kInvalidState);
                   sockaddr_storage ss;
                   socklen_t len;
                   to_sockaddr(a[2], ss, len);
                   if (ss.ss_family != s.family) return fail(kInvalidArgument);
                   const auto& n = h.config().network;
                   if (!n.inherit && !granted(n.tcp_connect, ss)) return fail(kAccessDenied);
                   if (connect(s.fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS) return fail_errno();
                   s.state = kConnectStarted;
                   return ok();
                 }));
  SHARD_P2_TRY(m("finish-connect", "() -> result<tuple<own<input-stream>, own<output-stream>>, network-error-code>",
                 [](Host& h, Args a) -> Ret {
                   SHARD_P2_TCP(s, a[0]);
                   if (s.state != kConnectStarted) return fail(kNotInProgress);
                   pollfd p{s.fd, POLLOUT, 0};
                   if (::poll(&p, 1, 0) == 0) return fail(kWouldBlock);
                   int err = 0;
                   socklen_t len = sizeof err;
                   getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
                   if (err != 0) {
                     s.state = kClosed;
                     return fail(code_of(err));
                   }
                   auto streams = socket_streams(h, a[0].rep(), s);
                   if (!streams) return fail(kNewSocketLimit);
                   h.get(a[0].rep(), Kind::TcpSocket)->state = kConnected;
                   return ok(Value::tuple({Value::own(streams->first), Value::own(streams->second)}));
                 }));
  SHARD_P2_TRY(m("start-listen", "() -> result<_, network-error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_TCP(s, a[0]);
    if (s.state != kBound) return fail(kInvalidState);
    if (listen(s.fd, 128) != 0) return fail_errno();
    s.state = kListenStarted;
    return ok();
  }));
  SHARD_P2_TRY(m("accept", "() -> result<tuple<own<tcp-socket>, own<input-stream>, own<output-stream>>, network-error-code>",
                 [](Host& h, Args a) -> Ret {
                   SHARD_P2_TCP(s, a[0]);
                   if (s.state != kListening) return fail(kInvalidState);
                   if (h.live() + 3 > h.config().max_resources) return fail(kNewSocketLimit);
                   int fd = accept4(s.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
                   if (fd < 0) return fail_errno();
                   const int family = s.family;
                   auto rep = add_socket(h, fd, family, kConnected);
                   if (!rep) return fail(kNewSocketLimit);
                   auto streams = socket_streams(h, *rep, *h.get(*rep, Kind::TcpSocket));
                   if (!streams) {
                     (void)h.drop(*rep, Kind::TcpSocket);
                     return fail(kNewSocketLimit);
                   }
                   return ok(Value::tuple({Value::own(*rep), Value::own(streams->first), Value::own(streams->second)}));
                 }));
  for (bool local : {true, false}) {
    SHARD_P2_TRY(m(local ? "local-address" : "remote-address", "() -> result<ip-socket-address, network-error-code>",
                   [local](Host& h, Args a) -> Ret {
                     SHARD_P2_TCP(s, a[0]);
                     sockaddr_storage ss{};
                     socklen_t len = sizeof ss;
                     if (local ? s.state == kUnbound : s.state != kConnected) return fail(kInvalidState);
                     if ((local ? getsockname(s.fd, reinterpret_cast<sockaddr*>(&ss), &len)
                                : getpeername(s.fd, reinterpret_cast<sockaddr*>(&ss), &len)) != 0)
                       return fail_errno();
                     return ok(from_sockaddr(ss));
                   }));
  }
  SHARD_P2_TRY(m("is-listening", "() -> bool", [](Host& h, Args a) -> Ret {
    SHARD_P2_TCP(s, a[0]);
    return some(Value::bool_(s.state == kListening));
  }));
  SHARD_P2_TRY(m("address-family", "() -> ip-address-family", [](Host& h, Args a) -> Ret {
    SHARD_P2_TCP(s, a[0]);
    return some(Value::enum_(s.family == AF_INET ? 0 : 1));
  }));
  SHARD_P2_TRY(m("set-listen-backlog-size", "(value: u64) -> result<_, network-error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_TCP(s, a[0]);
    if (a[1].as_unsigned() == 0) return fail(kInvalidArgument);
    if (s.state == kListening) {
      int backlog = a[1].as_unsigned() > 4096 ? 4096 : static_cast<int>(a[1].as_unsigned());
      if (listen(s.fd, backlog) != 0) return fail_errno();
    }
    return ok();
  }));
  auto u64v = [](uint64_t x) { return Value::u64(x); };
  auto u32v = [](uint64_t x) { return Value::u32(static_cast<uint32_t>(x)); };
  auto u8v = [](uint64_t x) { return Value::u8(static_cast<uint8_t>(x)); };
  auto boolv = [](uint64_t x) { return Value::bool_(x != 0); };
  auto secs = [](uint64_t x) { return Value::u64(x * 1'000'000'000); };  // seconds -> duration ns
  struct Opt {
    const char* name;
    const char* type;
    int level, opt;
    Value (*wrap)(uint64_t);
    bool ns;  ///< a duration in nanoseconds, set in whole seconds
    bool boolean = false;
  };
  const Opt opts[] = {
      {"keep-alive-enabled", "bool", SOL_SOCKET, SO_KEEPALIVE, boolv, false, true},
      {"keep-alive-idle-time", "duration", IPPROTO_TCP, TCP_KEEPIDLE, secs, true},
      {"keep-alive-interval", "duration", IPPROTO_TCP, TCP_KEEPINTVL, secs, true},
      {"keep-alive-count", "u32", IPPROTO_TCP, TCP_KEEPCNT, u32v, false},
      {"hop-limit", "u8", IPPROTO_IP, IP_TTL, u8v, false},
      {"receive-buffer-size", "u64", SOL_SOCKET, SO_RCVBUF, u64v, false},
      {"send-buffer-size", "u64", SOL_SOCKET, SO_SNDBUF, u64v, false},
  };
  for (const Opt& o : opts) {
    SHARD_P2_TRY(m(o.name, fmt::format("() -> result<{}, network-error-code>", o.type), [o](Host& h, Args a) -> Ret {
      SHARD_P2_TCP(s, a[0]);
      const int level = o.opt == IP_TTL && s.family == AF_INET6 ? IPPROTO_IPV6 : o.level;
      const int name = o.opt == IP_TTL && s.family == AF_INET6 ? IPV6_UNICAST_HOPS : o.opt;
      return get_opt(s, level, name, o.wrap);
    }));
    SHARD_P2_TRY(m(std::string("set-") + o.name, fmt::format("(value: {}) -> result<_, network-error-code>", o.type),
                   [o](Host& h, Args a) -> Ret {
                     SHARD_P2_TCP(s, a[0]);
                     uint64_t v = o.boolean ? (a[1].as_bool() ? 1 : 0) : a[1].as_unsigned();
                     if (o.ns) v = v == 0 ? 0 : std::max<uint64_t>(1, v / 1'000'000'000);
                     const int level = o.opt == IP_TTL && s.family == AF_INET6 ? IPPROTO_IPV6 : o.level;
                     const int name = o.opt == IP_TTL && s.family == AF_INET6 ? IPV6_UNICAST_HOPS : o.opt;
                     return set_opt(s, level, name, v);
                   }));
  }
  SHARD_P2_TRY(m("subscribe", "() -> own<pollable>", [](Host& h, Args a) -> Ret {
    SHARD_P2_TCP(s, a[0]);
    const bool waits = s.state == kListening || s.state == kConnectStarted;
    Value p = new_pollable(h, a[0].rep(), waits ? Object::Wait::Fd : Object::Wait::Ready, s.fd,
                           s.state == kListening ? POLLIN : POLLOUT, 0);
    if (p.kind() != abi::TypeKind::Own) return Host::trap("too many WASI resources (max_resources)");
    return some(std::move(p));
  }));
  SHARD_P2_TRY(m("shutdown", "(shutdown-type: shutdown-type) -> result<_, network-error-code>", [](Host& h, Args a) -> Ret {
    SHARD_P2_TCP(s, a[0]);
    if (s.state != kConnected) return fail(kInvalidState);
    static constexpr int kHow[] = {SHUT_RD, SHUT_WR, SHUT_RDWR};
    return ::shutdown(s.fd, kHow[a[1].case_index() % 3]) == 0 ? ok() : fail_errno();
  }));

  // ---- ip-name-lookup: getaddrinfo when granted, all answers at once ----
  const std::string lookup = "wasi:sockets/ip-name-lookup";
  h.resources(lookup, {Kind::Network, Kind::Pollable, Kind::ResolveAddressStream});
  SHARD_P2_TRY(export_net_types(lookup));
  SHARD_P2_TRY(h.func(lookup, "resolve-addresses",
                      "(network: borrow<network>, name: string) -> result<own<resolve-address-stream>, network-error-code>",
                      [](Host& h, Args a) -> Ret {
                        const auto& n = h.config().network;
                        if (!n.inherit && !n.ip_name_lookup) return fail(kAccessDenied);
                        const std::string& name = a[1].as_string();
                        if (name.empty() || name.find('\0') != std::string::npos) return fail(kInvalidArgument);
                        addrinfo hints{};
                        hints.ai_socktype = SOCK_STREAM;
                        addrinfo* res = nullptr;
                        int r = getaddrinfo(name.c_str(), nullptr, &hints, &res);
                        if (r == EAI_NONAME || r == EAI_NODATA) return fail(kNameUnresolvable);
                        if (r == EAI_AGAIN) return fail(kTemporaryResolverFailure);
                        if (r != 0) return fail(kPermanentResolverFailure);
                        Object st;
                        st.kind = Kind::ResolveAddressStream;
                        for (addrinfo* ai = res; ai; ai = ai->ai_next) {
                          if (ai->ai_family == AF_INET)
                            st.addresses.push_back(Value::variant(0, ipv4_value(reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr)));
                          else if (ai->ai_family == AF_INET6)
                            st.addresses.push_back(Value::variant(1, ipv6_value(reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr)));
                        }
                        freeaddrinfo(res);
                        auto rep = h.add(std::move(st));
                        if (!rep) return fail(kNewSocketLimit);
                        return ok(Value::own(*rep));
                      }));
  SHARD_P2_TRY(h.func(lookup, "[method]resolve-address-stream.resolve-next-address",
                      "() -> result<option<ip-address>, network-error-code>", [](Host& h, Args a) -> Ret {
                        Object* st = h.get(a[0].rep(), Kind::ResolveAddressStream);
                        if (st == nullptr) return Host::trap("unknown resolve-address-stream handle");
                        if (st->next >= st->addresses.size()) return ok(Value::none());
                        return ok(Value::some(st->addresses[st->next++]));
                      }));
  SHARD_P2_TRY(h.func(lookup, "[method]resolve-address-stream.subscribe", "() -> own<pollable>", [](Host& h, Args a) -> Ret {
    Value p = new_pollable(h, a[0].rep(), Object::Wait::Ready, -1, 0, 0);
    if (p.kind() != abi::TypeKind::Own) return Host::trap("too many WASI resources (max_resources)");
    return some(std::move(p));
  }));
  return add_udp(h);
}

}  // namespace shard::wasi::p2
