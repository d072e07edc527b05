// The WASI 0.2 host's state and registration (host.h).
#include "wasi/p2/host.h"

#include <fmt/format.h>
#include <poll.h>

namespace shard::wasi::p2 {

namespace {
constexpr const char* kKindNames[] = {"error", "input-stream", "output-stream", "pollable", "descriptor",
                                      "directory-entry-stream", "terminal-input", "terminal-output", "network", "tcp-socket",
                                      "resolve-address-stream", "udp-socket", "incoming-datagram-stream",
                                      "outgoing-datagram-stream"};
constexpr size_t kKinds = std::size(kKindNames);
}  // namespace

Result<std::shared_ptr<Host>> Host::create(const WasiConfig& config) {
  std::shared_ptr<Host> h(new Host());
  h->self_ = h;
  h->config_ = config;
  h->env_ = guest_environment(config);
  h->use_openat2_ = kernel_has_openat2();
  Host* raw = h.get();
  for (size_t k = 0; k < kKinds; ++k) {
    auto rt = std::make_unique<abi::ResourceType>();
    rt->name = kKindNames[k];
    const Kind kind = static_cast<Kind>(k);
    // The types belong to the Host, which every store using them keeps alive.
    rt->dtor = [raw, kind](uint32_t rep) { return raw->drop(rep, kind); };
    h->types.resource(kKindNames[k], rt.get());
    h->types_.push_back(std::move(rt));
  }
  return h;
}

std::optional<uint32_t> Host::add(Object o) {
  if (live_ >= config_.max_resources) return std::nullopt;
  if (o.parent != 0) {
    if (o.parent >= objects_.size() || !objects_[o.parent]) return std::nullopt;
    ++objects_[o.parent]->children;
  }
  uint32_t rep;
  if (!free_.empty()) {
    rep = free_.back();
    free_.pop_back();
    objects_[rep] = std::move(o);
  } else {
    rep = static_cast<uint32_t>(objects_.size());
    objects_.emplace_back(std::move(o));
  }
  ++live_;
  return rep;
}

Object* Host::get(uint32_t rep, Kind k) {
  if (rep == 0 || rep >= objects_.size() || !objects_[rep] || objects_[rep]->kind != k) return nullptr;
  return &*objects_[rep];
}

Result<void> Host::drop(uint32_t rep, Kind k) {
  Object* o = get(rep, k);
  if (o == nullptr) return trap(fmt::format("drop of an unknown {} (rep {})", kKindNames[static_cast<size_t>(k)], rep));
  if (o->children != 0)
    return trap(fmt::format("{} dropped while {} resource(s) made from it are alive (the WIT requires dropping them first)",
                            kKindNames[static_cast<size_t>(k)], o->children));
  if (o->parent != 0 && o->parent < objects_.size() && objects_[o->parent]) --objects_[o->parent]->children;
  objects_[rep].reset();
  free_.push_back(rep);
  --live_;
  return {};
}

Error Host::trap(std::string message) {
  Error e(ErrorKind::Trap, std::move(message));
  e.trap = TrapKind::HostError;
  return e;
}

Result<void> Host::func(const std::string& iface, const std::string& name, std::string_view sig, HostFn fn) {
  std::string self;
  if (name.starts_with("[method]")) self = name.substr(8, name.find('.') - 8);
  std::vector<std::string> names;
  auto ft = types.func(sig, self, names);
  if (!ft) return std::move(ft).error();
  auto f = std::make_shared<run::Func>();
  f->type = std::move(*ft);
  f->param_names = std::move(names);
  std::shared_ptr<Host> host = self_.lock();
  const bool has_result = !f->type.results.empty();
  f->call = [host, fn = std::move(fn), has_result](std::span<const Value> args,
                                                   abi::ComponentInstance*) -> Result<std::vector<Value>> {
    auto r = fn(*host, args);
    if (!r) return std::move(r).error();
    std::vector<Value> out;
    if (has_result) {
      if (!*r) return Host::trap("WASI host function returned no value");
      out.push_back(std::move(**r));
    }
    return out;
  };
  auto& inst = instances_[iface];
  if (!inst) inst = std::make_shared<run::Instance>();
  inst->exports.emplace_back(name, run::Item{component::ExternKind::Func, std::move(f), {}, {}, {}, {}});
  return {};
}

void Host::resources(const std::string& iface, std::initializer_list<Kind> kinds) {
  auto& inst = instances_[iface];
  if (!inst) inst = std::make_shared<run::Instance>();
  for (Kind k : kinds) {
    run::Type t;
    t.kind = run::Type::Resource;
    t.resource = type(k);
    inst->exports.emplace_back(t.resource->name, run::Item{component::ExternKind::Type, {}, t, {}, {}, {}});
  }
}

Result<void> Host::export_types(const std::string& iface, std::string_view names) {
  auto& inst = instances_[iface];
  if (!inst) inst = std::make_shared<run::Instance>();
  for (const std::string& word : words(names)) {
    std::string_view name = word, type = word;
    if (size_t eq = name.find('='); eq != std::string_view::npos) {  // "export-name=type-name"
      type = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto t = types.parse(type);
    if (!t) return std::move(t).error();
    run::Type rt;
    rt.kind = run::Type::Value;
    rt.value = std::move(*t);
    inst->exports.emplace_back(std::string(name), run::Item{component::ExternKind::Type, {}, rt, {}, {}, {}});
  }
  return {};
}

Result<Built> build(const WasiConfig& config) {
  auto h = Host::create(config);
  if (!h) return std::move(h).error();
  Host& host = **h;
  // The instances' functions hold the host (Host::func captures it), so a host that still owns
  // its instances is a reference cycle: on an error, drop them before the host goes.
  auto failed = [&host](Result<void> r) {
    (void)host.take_instances();
    return std::move(r).error();
  };
  if (auto r = add_io(host); !r) return failed(std::move(r));
  if (auto r = add_cli_clocks_random(host); !r) return failed(std::move(r));
  if (auto r = add_filesystem(host); !r) return failed(std::move(r));
  if (auto r = add_sockets(host); !r) return failed(std::move(r));
  Built b;
  b.instances = host.take_instances();
  b.host = std::move(*h);
  return b;
}

// ---- helpers ----

Value stream_closed() { return Value::variant(1); }

Value stream_failed(Host& h, std::string message, std::optional<uint32_t> fs_code) {
  Object e;
  e.kind = Kind::Error;
  e.message = std::move(message);
  e.error_code = fs_code;
  auto rep = h.add(std::move(e));
  if (!rep) return stream_closed();
  return Value::variant(0, Value::own(*rep));
}

Value bytes_value(std::span<const uint8_t> b) {
  return Value::bytes(std::string(reinterpret_cast<const char*>(b.data()), b.size()));
}

std::vector<uint8_t> bytes_of(const Value& v) {
  if (v.is_bytes()) {
    std::string_view b = v.byte_view();
    return std::vector<uint8_t>(b.begin(), b.end());
  }
  std::vector<uint8_t> out;
  out.reserve(v.items().size());
  for (const Value& x : v.items()) out.push_back(static_cast<uint8_t>(x.as_unsigned()));
  return out;
}

uint32_t error_code_of(Errno e) {
  // wasi:filesystem/types error-code, in WIT order
  enum : uint32_t {
    Access, WouldBlock, Already, BadDescriptor, Busy, Deadlock, Quota, Exist, FileTooLarge, IllegalByteSequence,
    InProgress, Interrupted, Invalid, Io, IsDirectory, Loop, TooManyLinks, MessageSize, NameTooLong, NoDevice,
    NoEntry, NoLock, InsufficientMemory, InsufficientSpace, NotDirectory, NotEmpty, NotRecoverable, Unsupported,
    NoTty, NoSuchDevice, Overflow, NotPermitted, Pipe, ReadOnly, InvalidSeek, TextFileBusy, CrossDevice,
  };
  switch (e) {
    case Errno::Acces: return Access;
    case Errno::Again: return WouldBlock;
    case Errno::Already: return Already;
    case Errno::BadF: return BadDescriptor;
    case Errno::Busy: return Busy;
    case Errno::DeadLk: return Deadlock;
    case Errno::DQuot: return Quota;
    case Errno::Exist: return Exist;
    case Errno::FBig: return FileTooLarge;
    case Errno::IlSeq: return IllegalByteSequence;
    case Errno::InProgress: return InProgress;
    case Errno::Intr: return Interrupted;
    case Errno::Inval: return Invalid;
    case Errno::IsDir: return IsDirectory;
    case Errno::Loop: return Loop;
    case Errno::MLink: return TooManyLinks;
    case Errno::MsgSize: return MessageSize;
    case Errno::NameTooLong: return NameTooLong;
    case Errno::NoDev: return NoDevice;
    case Errno::NoEnt: return NoEntry;
    case Errno::NoLck: return NoLock;
    case Errno::NoMem: return InsufficientMemory;
    case Errno::MFile: case Errno::NFile: return InsufficientMemory;
    case Errno::NoSpc: return InsufficientSpace;
    case Errno::NotDir: return NotDirectory;
    case Errno::NotEmpty: return NotEmpty;
    case Errno::NotRecoverable: return NotRecoverable;
    case Errno::NoSys: case Errno::NotSup: return Unsupported;
    case Errno::NotTy: return NoTty;
    case Errno::NxIo: return NoSuchDevice;
    case Errno::Overflow: return Overflow;
    case Errno::Perm: return NotPermitted;
    case Errno::NotCapable: return NotPermitted;  // an escape from the granted tree
    case Errno::Pipe: return Pipe;
    case Errno::RoFs: return ReadOnly;
    case Errno::SPipe: return InvalidSeek;
    case Errno::TxtBsy: return TextFileBusy;
    case Errno::XDev: return CrossDevice;
    default: return Io;
  }
}

Value new_pollable(Host& h, uint32_t parent, Object::Wait wait, int fd, short events, uint64_t deadline) {
  Object p;
  p.kind = Kind::Pollable;
  p.parent = parent;
  p.wait = wait;
  p.fd = fd;
  p.events = events;
  p.deadline = deadline;
  auto rep = h.add(std::move(p));
  // a pollable cannot fail in the WIT: past the limit the guest gets a trap, not a leak
  return rep ? Value::own(*rep) : Value();
}

}  // namespace shard::wasi::p2
