// Shared by the wasi:sockets host files (sockets.cpp: network, TCP, name lookups; udp.cpp):
// error codes, address conversion, grants, socket objects and their streams.
#pragma once

#include <sys/socket.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wasi/p2/host.h"

namespace shard::wasi::p2 {

Result<void> add_udp(Host& h);

namespace net {

// network error-code cases (network.wit order)
enum : uint32_t {
  kUnknown, kAccessDenied, kNotSupported, kInvalidArgument, kOutOfMemory, kTimeout, kConcurrencyConflict,
  kNotInProgress, kWouldBlock, kInvalidState, kNewSocketLimit, kAddressNotBindable, kAddressInUse,
  kRemoteUnreachable, kConnectionRefused, kConnectionReset, kConnectionAborted, kDatagramTooLarge,
  kNameUnresolvable, kTemporaryResolverFailure, kPermanentResolverFailure,
};
// tcp-socket states
enum : uint8_t { kUnbound, kBindStarted, kBound, kListenStarted, kListening, kConnectStarted, kConnected, kClosed };

Ret some(Value v);
Ret fail(uint32_t code);
Ret ok(std::optional<Value> v = std::nullopt);
/// errno -> network error-code case.
uint32_t code_of(int e);
Ret fail_errno();
/// ip-socket-address <-> sockaddr.
bool to_sockaddr(const Value& v, sockaddr_storage& ss, socklen_t& len);
Value from_sockaddr(const sockaddr_storage& ss);
/// Whether `addr` matches one of the granted "IP:PORT" specs (port 0: any).
bool granted(const std::vector<std::string>& specs, const sockaddr_storage& addr);
/// A new socket object (tcp-socket, udp-socket) for an open fd (taking it), or nullopt at the limit.
std::optional<uint32_t> add_socket(Host& h, int fd, int family, uint8_t state, Kind kind = Kind::TcpSocket);
/// The input and output streams of a connected socket (children of it).
std::optional<std::pair<uint32_t, uint32_t>> socket_streams(Host& h, uint32_t sock, const Object& s,
                                                             Kind in_kind = Kind::InputStream,
                                                             Kind out_kind = Kind::OutputStream);
/// A socket option as result<T, error-code>, and setting one (zero is invalid-argument).
Ret get_opt(const Object& s, int level, int name, Value (*wrap)(uint64_t));
Ret set_opt(const Object& s, int level, int name, uint64_t value);
/// create-tcp-socket / create-udp-socket: access-denied unless `allowed`.
Ret create_socket(Host& h, const Value& family_case, bool allowed, int type, Kind kind);

}  // namespace net
}  // namespace shard::wasi::p2
