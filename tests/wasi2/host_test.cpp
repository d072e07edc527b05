// The WASI 0.2 host (wasi/p2), interface by interface, called the way a lowered import calls
// it (abi::Values in and out): results, every error path a guest can reach with bad handles
// or arguments (an error value or a trap, never a crash), no host fd leaked, the resource
// limit, and every function's type checked against the WASI WIT (../shared/wit/wasi-0.2).
#include <catch2/catch.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "component/wit/wit.h"
#include "wasi/p2/host.h"

namespace fs = std::filesystem;
using namespace shard;
using namespace shard::wasi::p2;
using AbiType = shard::component::abi::ValType;

namespace {

size_t open_fds() {
  size_t n = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/shard-wasi2-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

/// A host built from `config`, with calls by interface and function name.
struct Host2 {
  explicit Host2(wasi::WasiConfig config = quiet()) {
    auto b = build(config);
    REQUIRE(b.ok());
    built = std::move(*b);
  }
  static wasi::WasiConfig quiet() {
    wasi::WasiConfig c;
    c.stdin_stream = wasi::Stdio::closed();
    c.stdout_stream = wasi::Stdio::closed();
    c.stderr_stream = wasi::Stdio::closed();
    return c;
  }
  const run::Func* find(const std::string& iface, const std::string& name) const {
    auto it = built.instances.find(iface);
    if (it == built.instances.end()) return nullptr;
    const run::Item* item = it->second->find(name);
    return item && item->func ? item->func.get() : nullptr;
  }
  Result<std::vector<Value>> call(const std::string& iface, const std::string& name, std::vector<Value> args) {
    const run::Func* f = find(iface, name);
    REQUIRE(f != nullptr);
    return f->call(args, nullptr);
  }
  /// The single result of a call that must succeed.
  Value ok(const std::string& iface, const std::string& name, std::vector<Value> args) {
    auto r = call(iface, name, std::move(args));
    if (!r) FAIL(iface << "#" << name << ": " << r.error().to_string());
    return r->empty() ? Value() : (*r)[0];
  }
  bool traps(const std::string& iface, const std::string& name, std::vector<Value> args) {
    auto r = call(iface, name, std::move(args));
    return !r.ok() && r.error().kind == ErrorKind::Trap;
  }
  Result<void> drop(Kind k, uint32_t rep) { return built.host->type(k)->dtor(rep); }

  Built built;
};

const std::string kTypes = "wasi:filesystem/types", kStreams = "wasi:io/streams", kPoll = "wasi:io/poll";

std::string bytes_string(const Value& list) {
  std::string s;
  for (const Value& b : list.items()) s.push_back(static_cast<char>(b.as_unsigned()));
  return s;
}
Value bytes(std::string_view s) { return bytes_value({reinterpret_cast<const uint8_t*>(s.data()), s.size()}); }
Value flags(uint32_t bits) { return Value::flags({bits}); }
/// error-code case of a failed result.
uint32_t err_code(const Value& r) {
  REQUIRE_FALSE(r.is_ok());
  return r.payload()->case_index();
}
constexpr uint32_t kNoEntry = 20, kNotPermitted = 31, kBadDescriptor = 3, kExist = 7, kNotDirectory = 24, kIsDirectory = 14;

}  // namespace

TEST_CASE("wasi2: every function has the type the WASI 0.2 WIT gives it", "[wasi2][wit]") {
  const char* env = std::getenv("SHARD_WIT_DIR");
  fs::path dir = env ? fs::path(env) / "wasi-0.2" : fs::path(SHARD_SOURCE_DIR "/../shared/wit/wasi-0.2");
  if (!fs::is_directory(dir)) {
    WARN("WASI WIT not found at " << dir);
    return;
  }
  const char* pkgs[] = {"io", "clocks", "random", "filesystem", "sockets", "cli"};
  wit::Resolve r(wit::ResolveOptions{{}, true});
  for (const char* p : {"io", "clocks", "random", "filesystem", "sockets"}) {
    std::vector<fs::path> deps;
    for (const char* d : pkgs)
      if (std::string(d) != p && std::string(d) != "cli") deps.push_back(dir / d);
    REQUIRE(r.push_path(dir / p, deps).ok());
  }
  REQUIRE(r.push_path(dir / "cli").ok());

  Host2 h;
  // structural comparison of a WIT type with the host's canonical-ABI type
  std::function<bool(wit::Type, const AbiType&)> same = [&](wit::Type t, const AbiType& a) -> bool {
    if (t.is_prim()) return std::string(wit::prim_name(t.kind)) == abi::to_string(a.kind) ||
                            (t.kind == wit::Type::Kind::String && a.kind == abi::TypeKind::String);
    const wit::TypeDef& d = r[r.unalias(t.id)];
    auto opt = [&](const std::optional<wit::Type>& wt, const abi::TypeRef& at) {
      return wt ? at && same(*wt, *at) : !at;
    };
    switch (d.kind) {
      case wit::TypeDefKind::Record:
        if (a.kind != abi::TypeKind::Record || a.fields.size() != d.fields.size()) return false;
        for (size_t i = 0; i < d.fields.size(); ++i)
          if (a.fields[i].label != d.fields[i].name || !same(d.fields[i].type, *a.fields[i].type)) return false;
        return true;
      case wit::TypeDefKind::Variant:
        if (a.kind != abi::TypeKind::Variant || a.cases.size() != d.cases.size()) return false;
        for (size_t i = 0; i < d.cases.size(); ++i)
          if (a.cases[i].label != d.cases[i].name || !opt(d.cases[i].type, a.cases[i].type)) return false;
        return true;
      case wit::TypeDefKind::Enum:
      case wit::TypeDefKind::Flags: {
        if (a.kind != (d.kind == wit::TypeDefKind::Enum ? abi::TypeKind::Enum : abi::TypeKind::Flags)) return false;
        std::vector<std::string> labels;
        for (auto& c : d.cases) labels.push_back(c.name);
        std::vector<std::string> mine = a.labels;
        if (mine.empty())
          for (auto& c : a.cases) mine.push_back(c.label);
        return labels == mine;
      }
      case wit::TypeDefKind::Resource: return a.kind == abi::TypeKind::Own && a.resource->name == d.name;
      case wit::TypeDefKind::Own:
      case wit::TypeDefKind::Borrow:
        return a.kind == (d.kind == wit::TypeDefKind::Own ? abi::TypeKind::Own : abi::TypeKind::Borrow) &&
               a.resource->name == r[r.unalias(d.resource)].name;
      case wit::TypeDefKind::List: return a.kind == abi::TypeKind::List && same(d.elem, *a.elem);
      case wit::TypeDefKind::Option: return a.kind == abi::TypeKind::Option && same(d.elem, *a.cases[1].type);
      case wit::TypeDefKind::Result:
        return a.kind == abi::TypeKind::Result && opt(d.ok, a.cases[0].type) && opt(d.err, a.cases[1].type);
      case wit::TypeDefKind::Tuple:
        if (a.kind != abi::TypeKind::Tuple || a.fields.size() != d.elems.size()) return false;
        for (size_t i = 0; i < d.elems.size(); ++i)
          if (!same(d.elems[i], *a.fields[i].type)) return false;
        return true;
      case wit::TypeDefKind::Alias: return same(d.elem, a);
    }
    return false;
  };

  size_t checked = 0;
  for (const auto& [iface, inst] : h.built.instances) {
    auto id = r.find_interface(iface);
    if (!id) FAIL("no WIT interface " << iface);
    for (const wit::Function& f : r[*id].functions) {
      const std::string name = f.component_name(r);
      INFO(iface << "#" << name);
      const run::Func* mine = h.find(iface, name);
      REQUIRE(mine != nullptr);
      REQUIRE(mine->type.params.size() == f.params.size());
      for (size_t i = 0; i < f.params.size(); ++i) {
        INFO("parameter " << f.params[i].name);
        CHECK(same(f.params[i].type, *mine->type.params[i]));
      }
      REQUIRE(mine->type.results.size() == (f.result ? 1u : 0u));
      if (f.result) CHECK(same(*f.result, *mine->type.results[0]));
      ++checked;
    }
  }
  CHECK(checked >= 71);  // every function of cli, io, clocks, random, filesystem
}

TEST_CASE("wasi2: environment, exit, random, clocks", "[wasi2]") {
  wasi::WasiConfig cfg = Host2::quiet();
  cfg.args = {"prog", "a"};
  cfg.env = {{"K", "V"}};
  cfg.initial_cwd = "/work";
  Host2 h(cfg);
  Value env = h.ok("wasi:cli/environment", "get-environment", {});
  REQUIRE(env.items().size() == 1);
  CHECK(env.items()[0].items()[0].as_string() == "K");
  CHECK(h.ok("wasi:cli/environment", "get-arguments", {}).items().size() == 2);
  CHECK(h.ok("wasi:cli/environment", "initial-cwd", {}).payload()->as_string() == "/work");
  CHECK(Host2().ok("wasi:cli/environment", "get-environment", {}).items().empty());  // nothing by default

  auto exit = h.call("wasi:cli/exit", "exit-with-code", {Value::u8(42)});
  REQUIRE_FALSE(exit.ok());
  CHECK(exit.error().trap == TrapKind::Exit);
  CHECK(h.built.host->exit_code == 42u);

  CHECK(h.ok("wasi:random/random", "get-random-bytes", {Value::u64(16)}).items().size() == 16);
  CHECK(h.traps("wasi:random/random", "get-random-bytes", {Value::u64(uint64_t{1} << 40)}));  // no 1 TiB buffer
  CHECK(h.ok("wasi:random/insecure-seed", "insecure-seed", {}).items().size() == 2);

  uint64_t t0 = h.ok("wasi:clocks/monotonic-clock", "now", {}).as_unsigned();
  Value p = h.ok("wasi:clocks/monotonic-clock", "subscribe-duration", {Value::u64(20'000'000)});
  CHECK_FALSE(h.ok(kPoll, "[method]pollable.ready", {Value::borrow(p.rep())}).as_bool());
  h.ok(kPoll, "[method]pollable.block", {Value::borrow(p.rep())});
  CHECK(h.ok("wasi:clocks/monotonic-clock", "now", {}).as_unsigned() - t0 >= 20'000'000);
  Value past = h.ok("wasi:clocks/monotonic-clock", "subscribe-instant", {Value::u64(0)});
  Value ready = h.ok(kPoll, "poll", {Value::list({Value::borrow(p.rep()), Value::borrow(past.rep())})});
  CHECK(ready.items().size() == 2);
  CHECK(h.traps(kPoll, "poll", {Value::list({})}));                        // would wait forever
  CHECK(h.traps(kPoll, "poll", {Value::list({Value::borrow(12345)})}));  // not a pollable
  CHECK(h.ok("wasi:clocks/wall-clock", "now", {}).items()[0].as_unsigned() > 1'600'000'000);
}

TEST_CASE("wasi2: streams over callbacks and pipes, subscribe, parents outlive children", "[wasi2]") {
  wasi::WasiConfig cfg = Host2::quiet();
  std::string out;
  cfg.stdout_stream.write = [&](std::span<const uint8_t> b) { out.append(b.begin(), b.end()); };
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  cfg.stdin_stream = wasi::Stdio::inherit(fds[0]);
  Host2 h(cfg);
  Value so = h.ok("wasi:cli/stdout", "get-stdout", {});
  CHECK(h.ok(kStreams, "[method]output-stream.check-write", {Value::borrow(so.rep())}).payload()->as_unsigned() > 0);
  CHECK(h.ok(kStreams, "[method]output-stream.write", {Value::borrow(so.rep()), bytes("hi ")}).is_ok());
  CHECK(h.ok(kStreams, "[method]output-stream.blocking-write-and-flush", {Value::borrow(so.rep()), bytes("there")}).is_ok());
  CHECK(h.ok(kStreams, "[method]output-stream.write-zeroes", {Value::borrow(so.rep()), Value::u64(2)}).is_ok());
  CHECK(h.ok(kStreams, "[method]output-stream.blocking-flush", {Value::borrow(so.rep())}).is_ok());
  CHECK(out == std::string("hi there\0\0", 10));

  Value si = h.ok("wasi:cli/stdin", "get-stdin", {});
  // nothing written yet: a non-blocking read returns no bytes, the pollable is not ready
  Value r0 = h.ok(kStreams, "[method]input-stream.read", {Value::borrow(si.rep()), Value::u64(10)});
  REQUIRE(r0.is_ok());
  CHECK(r0.payload()->items().empty());
  Value sub = h.ok(kStreams, "[method]input-stream.subscribe", {Value::borrow(si.rep())});
  CHECK_FALSE(h.ok(kPoll, "[method]pollable.ready", {Value::borrow(sub.rep())}).as_bool());
  REQUIRE(write(fds[1], "abcdef", 6) == 6);
  CHECK(h.ok(kPoll, "[method]pollable.ready", {Value::borrow(sub.rep())}).as_bool());
  // the stream cannot go while its pollable lives (streams.wit)
  CHECK_FALSE(h.drop(Kind::InputStream, si.rep()).ok());
  Value r1 = h.ok(kStreams, "[method]input-stream.blocking-read", {Value::borrow(si.rep()), Value::u64(2)});
  CHECK(bytes_string(*r1.payload()) == "ab");
  Value sk = h.ok(kStreams, "[method]input-stream.skip", {Value::borrow(si.rep()), Value::u64(1)});
  CHECK(sk.payload()->as_unsigned() == 1);
  // splice the rest into stdout
  Value sp = h.ok(kStreams, "[method]output-stream.splice", {Value::borrow(so.rep()), Value::borrow(si.rep()), Value::u64(100)});
  CHECK(sp.payload()->as_unsigned() == 3);
  CHECK(out.substr(10) == "def");
  close(fds[1]);
  Value eof = h.ok(kStreams, "[method]input-stream.blocking-read", {Value::borrow(si.rep()), Value::u64(10)});
  REQUIRE_FALSE(eof.is_ok());
  CHECK(eof.payload()->case_index() == 1);  // closed
  REQUIRE(h.drop(Kind::Pollable, sub.rep()).ok());
  CHECK(h.drop(Kind::InputStream, si.rep()).ok());
  CHECK_FALSE(h.drop(Kind::InputStream, si.rep()).ok());  // twice: a trap, not a crash
  close(fds[0]);

  // handles that are not (or no longer) streams trap
  CHECK(h.traps(kStreams, "[method]input-stream.read", {Value::borrow(si.rep()), Value::u64(1)}));
  CHECK(h.traps(kStreams, "[method]output-stream.write", {Value::borrow(999), bytes("x")}));
  CHECK(h.traps(kStreams, "[method]output-stream.splice", {Value::borrow(so.rep()), Value::borrow(so.rep()), Value::u64(1)}));
  // closed standard input: end of stream at once
  Host2 quiet;
  Value qi = quiet.ok("wasi:cli/stdin", "get-stdin", {});
  CHECK_FALSE(quiet.ok(kStreams, "[method]input-stream.read", {Value::borrow(qi.rep()), Value::u64(1)}).is_ok());
  CHECK(quiet.ok("wasi:cli/terminal-stdout", "get-terminal-stdout", {}).case_index() == 0);  // none: not a terminal
}

TEST_CASE("wasi2: filesystem descriptors, paths, escapes, read-only grants, no fd leaks", "[wasi2]") {
  TempDir tmp;
  fs::create_directories(tmp.path / "rw" / "sub");
  fs::create_directories(tmp.path / "ro");
  std::ofstream(tmp.path / "secret.txt") << "SECRET";
  std::ofstream(tmp.path / "ro" / "file.txt") << "read only";
  fs::create_symlink("../secret.txt", tmp.path / "rw" / "out_rel");
  fs::create_symlink(tmp.path / "secret.txt", tmp.path / "rw" / "out_abs");
  const size_t fds_before = open_fds();
  {
    wasi::WasiConfig cfg = Host2::quiet();
    cfg.preopens = {{(tmp.path / "rw").string(), "/rw", false}, {(tmp.path / "ro").string(), "/ro", true}};
    Host2 h(cfg);
    Value dirs = h.ok("wasi:filesystem/preopens", "get-directories", {});
    REQUIRE(dirs.items().size() == 2);
    CHECK(dirs.items()[0].items()[1].as_string() == "/rw");
    const uint32_t rw = dirs.items()[0].items()[0].rep(), ro = dirs.items()[1].items()[0].rep();
    auto d = [](uint32_t rep) { return Value::borrow(rep); };
    auto m = [&](const std::string& name, std::vector<Value> args) { return h.ok(kTypes, "[method]descriptor." + name, std::move(args)); };
    constexpr uint32_t kRead = 1, kWrite = 2, kCreate = 1, kExcl = 4, kDir = 2;

    // create, write through a stream, read back directly and through a stream
    Value f = m("open-at", {d(rw), flags(0), Value::string("a.txt"), flags(kCreate | kExcl), flags(kRead | kWrite)});
    REQUIRE(f.is_ok());
    const uint32_t file = f.payload()->rep();
    CHECK(err_code(m("open-at", {d(rw), flags(0), Value::string("a.txt"), flags(kCreate | kExcl), flags(kWrite)})) == kExist);
    Value ws = m("write-via-stream", {d(file), Value::u64(0)});
    REQUIRE(ws.is_ok());
    CHECK(h.ok(kStreams, "[method]output-stream.write", {d(ws.payload()->rep()), bytes("hello file")}).is_ok());
    CHECK_FALSE(h.drop(Kind::Descriptor, file).ok());  // its stream is still alive
    REQUIRE(h.drop(Kind::OutputStream, ws.payload()->rep()).ok());
    Value rd = m("read", {d(file), Value::u64(5), Value::u64(6)});
    CHECK(bytes_string(rd.payload()->items()[0]) == "file");
    CHECK(rd.payload()->items()[1].as_bool());  // end of file
    CHECK(m("write", {d(file), bytes("J"), Value::u64(0)}).payload()->as_unsigned() == 1);
    Value rs = m("read-via-stream", {d(file), Value::u64(0)});
    Value got = h.ok(kStreams, "[method]input-stream.blocking-read", {d(rs.payload()->rep()), Value::u64(100)});
    CHECK(bytes_string(*got.payload()) == "Jello file");
    REQUIRE(h.drop(Kind::InputStream, rs.payload()->rep()).ok());
    Value st = m("stat", {d(file)});
    CHECK(st.payload()->items()[0].case_index() == 6);   // regular-file
    CHECK(st.payload()->items()[2].as_unsigned() == 10);  // size
    CHECK(m("get-type", {d(rw)}).payload()->case_index() == 3);
    CHECK(m("set-size", {d(file), Value::u64(4)}).is_ok());
    CHECK(m("is-same-object", {d(file), d(file)}).as_bool());
    CHECK_FALSE(m("is-same-object", {d(file), d(rw)}).as_bool());
    CHECK(m("metadata-hash", {d(file)}) == m("metadata-hash-at", {d(rw), flags(0), Value::string("a.txt")}));
    CHECK(m("set-times", {d(file), Value::variant(1), Value::variant(0)}).is_ok());
    CHECK(m("sync-data", {d(file)}).is_ok());
    CHECK(m("advise", {d(file), Value::u64(0), Value::u64(0), Value::enum_(1)}).is_ok());
    REQUIRE(h.drop(Kind::Descriptor, file).ok());

    // directories: create, list, rename, link, symlink, readlink, remove
    CHECK(m("create-directory-at", {d(rw), Value::string("newdir")}).is_ok());
    CHECK(err_code(m("create-directory-at", {d(rw), Value::string("newdir")})) == kExist);
    CHECK(m("rename-at", {d(rw), Value::string("a.txt"), d(rw), Value::string("newdir/b.txt")}).is_ok());
    CHECK(m("link-at", {d(rw), flags(0), Value::string("newdir/b.txt"), d(rw), Value::string("c.txt")}).is_ok());
    CHECK(m("symlink-at", {d(rw), Value::string("c.txt"), Value::string("ln")}).is_ok());
    CHECK(m("readlink-at", {d(rw), Value::string("ln")}).payload()->as_string() == "c.txt");
    CHECK(m("stat-at", {d(rw), flags(1), Value::string("ln")}).payload()->items()[0].case_index() == 6);
    CHECK(m("stat-at", {d(rw), flags(0), Value::string("ln")}).payload()->items()[0].case_index() == 5);
    Value ls = m("read-directory", {d(rw)});
    std::set<std::string> names;
    for (;;) {
      Value e = h.ok(kTypes, "[method]directory-entry-stream.read-directory-entry", {d(ls.payload()->rep())});
      if (e.payload()->case_index() == 0) break;
      names.insert(e.payload()->payload()->items()[1].as_string());
    }
    CHECK(names == std::set<std::string>{"c.txt", "ln", "newdir", "out_abs", "out_rel", "sub"});
    REQUIRE(h.drop(Kind::DirectoryEntryStream, ls.payload()->rep()).ok());
    CHECK(err_code(m("remove-directory-at", {d(rw), Value::string("newdir")})) == 25);  // not-empty
    CHECK(m("unlink-file-at", {d(rw), Value::string("newdir/b.txt")}).is_ok());
    CHECK(m("remove-directory-at", {d(rw), Value::string("newdir")}).is_ok());
    CHECK(err_code(m("unlink-file-at", {d(rw), Value::string("sub/")})) == kIsDirectory);
    CHECK(err_code(m("unlink-file-at", {d(rw), Value::string("nope")})) == kNoEntry);

    // escapes: .., absolute paths, symlinks out (followed or opened), symlinks planted out
    for (const char* p : {"../secret.txt", "sub/../../secret.txt", "/etc/passwd", "out_rel", "out_abs"}) {
      INFO(p);
      CHECK(err_code(m("open-at", {d(rw), flags(1), Value::string(p), flags(0), flags(kRead)})) == kNotPermitted);
    }
    CHECK(err_code(m("stat-at", {d(rw), flags(1), Value::string("out_rel")})) == kNotPermitted);
    CHECK(err_code(m("symlink-at", {d(rw), Value::string("/etc/passwd"), Value::string("evil")})) == kNotPermitted);
    CHECK(err_code(m("rename-at", {d(rw), Value::string("c.txt"), d(rw), Value::string("../stolen.txt")})) == kNotPermitted);
    CHECK(err_code(m("create-directory-at", {d(rw), Value::string("../made")})) == kNotPermitted);
    CHECK(!fs::exists(tmp.path / "stolen.txt"));
    CHECK(!fs::exists(tmp.path / "made"));

    // the read-only grant: reads work, nothing that changes the tree does
    Value rf = m("open-at", {d(ro), flags(0), Value::string("file.txt"), flags(0), flags(kRead)});
    REQUIRE(rf.is_ok());
    CHECK(err_code(m("write", {d(rf.payload()->rep()), bytes("x"), Value::u64(0)})) == kBadDescriptor);
    CHECK(err_code(m("write-via-stream", {d(rf.payload()->rep()), Value::u64(0)})) == kBadDescriptor);
    CHECK(err_code(m("open-at", {d(ro), flags(0), Value::string("file.txt"), flags(0), flags(kWrite)})) == kNotPermitted);
    CHECK(err_code(m("open-at", {d(ro), flags(0), Value::string("new.txt"), flags(kCreate), flags(kRead)})) == kNotPermitted);
    CHECK(err_code(m("unlink-file-at", {d(ro), Value::string("file.txt")})) == kNotPermitted);
    CHECK(m("get-flags", {d(ro)}).payload()->flag_words()[0] == kRead);
    Value sub = m("open-at", {d(ro), flags(0), Value::string("."), flags(kDir), flags(kRead)});
    CHECK(err_code(m("create-directory-at", {d(sub.payload()->rep()), Value::string("x")})) == kNotPermitted);
    // a file is not a directory to resolve paths in
    CHECK(err_code(m("stat-at", {d(rf.payload()->rep()), flags(0), Value::string("x")})) == kNotDirectory);

    // bad handles: a trap, never a crash
    CHECK(h.traps(kTypes, "[method]descriptor.stat", {d(9999)}));
    CHECK(h.traps(kTypes, "[method]descriptor.open-at", {d(9999), flags(0), Value::string("x"), flags(0), flags(kRead)}));
    CHECK(h.traps(kTypes, "[method]descriptor.rename-at", {d(rw), Value::string("c.txt"), d(9999), Value::string("y")}));
    CHECK(h.traps(kTypes, "[method]directory-entry-stream.read-directory-entry", {d(rw)}));  // a descriptor, not a stream
    CHECK(h.traps(kTypes, "filesystem-error-code", {d(rw)}));
        Value wf = m("open-at", {d(rw), flags(0), Value::string("c.txt"), flags(0), flags(kRead)});
    Value is = m("read-via-stream", {d(wf.payload()->rep()), Value::u64(0)});
    Value all = h.ok(kStreams, "[method]input-stream.read", {d(is.payload()->rep()), Value::u64(10)});
    CHECK(bytes_string(*all.payload()) == "Jell");  // c.txt is a hard link to the file cut to 4 bytes
    Value eof = h.ok(kStreams, "[method]input-stream.read", {d(is.payload()->rep()), Value::u64(10)});
    CHECK(eof.payload()->case_index() == 1);  // closed
  }
  CHECK(open_fds() == fds_before);  // everything the host opened is closed with it
}

TEST_CASE("wasi2: a guest cannot hold more than max_resources host resources", "[wasi2]") {
  TempDir tmp;
  std::ofstream(tmp.path / "f") << "x";
  wasi::WasiConfig cfg = Host2::quiet();
  cfg.preopens = {{tmp.path.string(), "/d", false}};
  cfg.max_resources = 16;
  const size_t fds_before = open_fds();
  {
    Host2 h(cfg);
    Value dirs = h.ok("wasi:filesystem/preopens", "get-directories", {});
    const uint32_t dir = dirs.items()[0].items()[0].rep();
    std::vector<uint32_t> opened;
    for (int i = 0; i < 100; ++i) {
      Value f = h.ok(kTypes, "[method]descriptor.open-at", {Value::borrow(dir), flags(0), Value::string("f"), flags(0), flags(1)});
      if (!f.is_ok()) {
        CHECK(f.payload()->case_index() == 22);  // insufficient-memory
        break;
      }
      opened.push_back(f.payload()->rep());
    }
    CHECK(opened.size() == 15);  // the preopen holds one of the 16
    CHECK(open_fds() <= fds_before + 16);
    CHECK(h.traps("wasi:cli/stdout", "get-stdout", {}));
    for (uint32_t rep : opened) REQUIRE(h.drop(Kind::Descriptor, rep).ok());
    CHECK(h.ok(kTypes, "[method]descriptor.open-at", {Value::borrow(dir), flags(0), Value::string("f"), flags(0), flags(1)}).is_ok());
  }
  CHECK(open_fds() == fds_before);
}

TEST_CASE("wasi2: sockets — denied by default, TCP on loopback with grants, state errors", "[wasi2][sockets]") {
  const std::string tcp = "wasi:sockets/tcp", create = "wasi:sockets/tcp-create-socket";
  const std::string lookup = "wasi:sockets/ip-name-lookup";
  constexpr uint32_t kAccessDenied = 1, kInvalidState = 9, kNotInProgress = 7, kWouldBlock = 8;
  auto v4 = [](uint16_t port, uint8_t last = 1) {
    return Value::variant(0, Value::record({Value::u16(port), Value::tuple({Value::u8(127), Value::u8(0), Value::u8(0), Value::u8(last)})}));
  };
  const size_t fds_before = open_fds();
  {
    Host2 none;
    Value net = none.ok("wasi:sockets/instance-network", "instance-network", {});
    CHECK(err_code(none.ok(create, "create-tcp-socket", {Value::enum_(0)})) == kAccessDenied);
    CHECK(err_code(none.ok(lookup, "resolve-addresses", {Value::borrow(net.rep()), Value::string("localhost")})) == kAccessDenied);
  }
  {
    wasi::WasiConfig cfg = Host2::quiet();
    cfg.network.tcp_listen = {"127.0.0.1:0"};
    cfg.network.tcp_connect = {"127.0.0.1:0"};
    cfg.network.ip_name_lookup = true;
    Host2 h(cfg);
    auto m = [&](const std::string& name, std::vector<Value> args) { return h.ok(tcp, "[method]tcp-socket." + name, std::move(args)); };
    auto b = [](uint32_t rep) { return Value::borrow(rep); };
    const uint32_t net = h.ok("wasi:sockets/instance-network", "instance-network", {}).rep();

    Value ls = h.ok(create, "create-tcp-socket", {Value::enum_(0)});
    REQUIRE(ls.is_ok());
    const uint32_t l = ls.payload()->rep();
    CHECK(err_code(m("finish-bind", {b(l)})) == kNotInProgress);
    CHECK(err_code(m("accept", {b(l)})) == kInvalidState);
    CHECK(err_code(m("start-bind", {b(l), b(net), v4(0, 2)})) == kAccessDenied);  // 127.0.0.2 not granted
    REQUIRE(m("start-bind", {b(l), b(net), v4(0)}).is_ok());
    REQUIRE(m("finish-bind", {b(l)}).is_ok());
    REQUIRE(m("start-listen", {b(l)}).is_ok());
    REQUIRE(m("finish-listen", {b(l)}).is_ok());
    CHECK(m("is-listening", {b(l)}).as_bool());
    const uint16_t port = static_cast<uint16_t>(m("local-address", {b(l)}).payload()->payload()->items()[0].as_unsigned());
    CHECK(port != 0);
    CHECK(err_code(m("accept", {b(l)})) == kWouldBlock);  // nobody connected yet

    const uint32_t c = h.ok(create, "create-tcp-socket", {Value::enum_(0)}).payload()->rep();
    CHECK(err_code(m("start-connect", {b(c), b(net), v4(port, 3)})) == kAccessDenied);
    REQUIRE(m("start-connect", {b(c), b(net), v4(port)}).is_ok());
    Value cp = m("subscribe", {b(c)});
    h.ok(kPoll, "[method]pollable.block", {b(cp.rep())});
    REQUIRE(h.drop(Kind::Pollable, cp.rep()).ok());
    Value cs = m("finish-connect", {b(c)});
    REQUIRE(cs.is_ok());
    const uint32_t cin = cs.payload()->items()[0].rep(), cout = cs.payload()->items()[1].rep();
    Value lp = m("subscribe", {b(l)});
    h.ok(kPoll, "poll", {Value::list({b(lp.rep())})});
    REQUIRE(h.drop(Kind::Pollable, lp.rep()).ok());
    Value acc = m("accept", {b(l)});
    REQUIRE(acc.is_ok());
    const uint32_t a = acc.payload()->items()[0].rep(), ain = acc.payload()->items()[1].rep(), aout = acc.payload()->items()[2].rep();
    CHECK(m("remote-address", {b(a)}).payload()->payload()->items()[0].as_unsigned() ==
          m("local-address", {b(c)}).payload()->payload()->items()[0].as_unsigned());

    REQUIRE(h.ok(kStreams, "[method]output-stream.blocking-write-and-flush", {b(cout), bytes("ping")}).is_ok());
    CHECK(bytes_string(*h.ok(kStreams, "[method]input-stream.blocking-read", {b(ain), Value::u64(16)}).payload()) == "ping");
    REQUIRE(h.ok(kStreams, "[method]output-stream.blocking-write-and-flush", {b(aout), bytes("pong")}).is_ok());
    CHECK(bytes_string(*h.ok(kStreams, "[method]input-stream.blocking-read", {b(cin), Value::u64(16)}).payload()) == "pong");
    REQUIRE(m("shutdown", {b(a), Value::enum_(1)}).is_ok());  // send
    Value eof = h.ok(kStreams, "[method]input-stream.blocking-read", {b(cin), Value::u64(16)});
    CHECK(eof.payload()->case_index() == 1);  // closed

    // options
    REQUIRE(m("set-keep-alive-enabled", {b(c), Value::bool_(true)}).is_ok());
    CHECK(m("keep-alive-enabled", {b(c)}).payload()->as_bool());
    REQUIRE(m("set-keep-alive-idle-time", {b(c), Value::u64(30'000'000'000)}).is_ok());
    CHECK(m("keep-alive-idle-time", {b(c)}).payload()->as_unsigned() == 30'000'000'000);
    CHECK(err_code(m("set-hop-limit", {b(c), Value::u8(0)})) == 3);  // invalid-argument
    CHECK(m("address-family", {b(c)}).case_index() == 0);

    // parents outlive their streams; bad handles trap
    CHECK_FALSE(h.drop(Kind::TcpSocket, c).ok());
    for (uint32_t s : {cin, ain}) REQUIRE(h.drop(Kind::InputStream, s).ok());
    for (uint32_t s : {cout, aout}) REQUIRE(h.drop(Kind::OutputStream, s).ok());
    for (uint32_t s : {c, a, l}) REQUIRE(h.drop(Kind::TcpSocket, s).ok());
    CHECK(h.traps(tcp, "[method]tcp-socket.accept", {b(l)}));
    CHECK(h.traps(tcp, "[method]tcp-socket.start-connect", {b(net), b(net), v4(port)}));

    // name lookups
    Value rs = h.ok(lookup, "resolve-addresses", {b(net), Value::string("127.0.0.1")});
    REQUIRE(rs.is_ok());
    Value first = h.ok(lookup, "[method]resolve-address-stream.resolve-next-address", {b(rs.payload()->rep())});
    REQUIRE(first.payload()->case_index() == 1);
    CHECK(first.payload()->payload()->payload()->items()[0] == Value::u8(127));
    CHECK(err_code(h.ok(lookup, "resolve-addresses", {b(net), Value::string("")})) == 3);
  }
  CHECK(open_fds() == fds_before);
}

TEST_CASE("wasi2: UDP on loopback — grants, datagrams both ways, connected streams", "[wasi2][sockets]") {
  const std::string udp = "wasi:sockets/udp", create = "wasi:sockets/udp-create-socket";
  constexpr uint32_t kAccessDenied = 1, kInvalidState = 9;
  auto v4 = [](uint16_t port, uint8_t last = 1) {
    return Value::variant(0, Value::record({Value::u16(port), Value::tuple({Value::u8(127), Value::u8(0), Value::u8(0), Value::u8(last)})}));
  };
  const size_t fds_before = open_fds();
  CHECK(err_code(Host2().ok(create, "create-udp-socket", {Value::enum_(0)})) == kAccessDenied);
  {
    wasi::WasiConfig cfg = Host2::quiet();
    cfg.network.udp = {"127.0.0.1:0"};
    Host2 h(cfg);
    auto m = [&](const std::string& name, std::vector<Value> args) { return h.ok(udp, "[method]udp-socket." + name, std::move(args)); };
    auto b = [](uint32_t rep) { return Value::borrow(rep); };
    const uint32_t net = h.ok("wasi:sockets/instance-network", "instance-network", {}).rep();
    uint32_t sock[2];
    uint16_t port[2];
    for (int i = 0; i < 2; ++i) {
      sock[i] = h.ok(create, "create-udp-socket", {Value::enum_(0)}).payload()->rep();
      CHECK(err_code(m("stream", {b(sock[i]), Value::none()})) == kInvalidState);  // not bound yet
      CHECK(err_code(m("start-bind", {b(sock[i]), b(net), v4(0, 9)})) == kAccessDenied);
      REQUIRE(m("start-bind", {b(sock[i]), b(net), v4(0)}).is_ok());
      REQUIRE(m("finish-bind", {b(sock[i])}).is_ok());
      port[i] = static_cast<uint16_t>(m("local-address", {b(sock[i])}).payload()->payload()->items()[0].as_unsigned());
    }
    // socket 0 unconnected sends to socket 1, which is connected to socket 0
    Value s0 = m("stream", {b(sock[0]), Value::none()});
    Value s1 = m("stream", {b(sock[1]), Value::some(v4(port[0]))});
    REQUIRE(s0.is_ok());
    REQUIRE(s1.is_ok());
    const uint32_t in0 = s0.payload()->items()[0].rep(), out0 = s0.payload()->items()[1].rep();
    const uint32_t in1 = s1.payload()->items()[0].rep(), out1 = s1.payload()->items()[1].rep();
    auto datagram = [&](std::string_view data, std::optional<Value> to) {
      return Value::record({bytes(data), to ? Value::some(*to) : Value::none()});
    };
    CHECK(h.ok(udp, "[method]outgoing-datagram-stream.check-send", {b(out0)}).payload()->as_unsigned() > 0);
    CHECK(err_code(h.ok(udp, "[method]outgoing-datagram-stream.send", {b(out0), Value::list({datagram("x", v4(port[1], 7))})})) ==
          kAccessDenied);
    Value sent = h.ok(udp, "[method]outgoing-datagram-stream.send",
                      {b(out0), Value::list({datagram("one", v4(port[1])), datagram("two", v4(port[1]))})});
    CHECK(sent.payload()->as_unsigned() == 2);
    Value p = h.ok(udp, "[method]incoming-datagram-stream.subscribe", {b(in1)});
    h.ok("wasi:io/poll", "[method]pollable.block", {b(p.rep())});
    REQUIRE(h.drop(Kind::Pollable, p.rep()).ok());
    Value got = h.ok(udp, "[method]incoming-datagram-stream.receive", {b(in1), Value::u64(10)});
    REQUIRE(got.payload()->items().size() >= 1);
    CHECK(bytes_string(got.payload()->items()[0].items()[0]) == "one");
    CHECK(got.payload()->items()[0].items()[1].payload()->items()[0].as_unsigned() == port[0]);
    // the connected socket sends to its peer without an address
    CHECK(h.ok(udp, "[method]outgoing-datagram-stream.send", {b(out1), Value::list({datagram("back", std::nullopt)})}).payload()->as_unsigned() == 1);
    Value p0 = h.ok(udp, "[method]incoming-datagram-stream.subscribe", {b(in0)});
    h.ok("wasi:io/poll", "[method]pollable.block", {b(p0.rep())});
    REQUIRE(h.drop(Kind::Pollable, p0.rep()).ok());
    Value back = h.ok(udp, "[method]incoming-datagram-stream.receive", {b(in0), Value::u64(1)});
    REQUIRE(back.payload()->items().size() == 1);
    CHECK(bytes_string(back.payload()->items()[0].items()[0]) == "back");
    CHECK(m("remote-address", {b(sock[1])}).is_ok());
    CHECK(err_code(m("remote-address", {b(sock[0])})) == kInvalidState);
    // unconnected: a datagram without an address is invalid
    CHECK(err_code(h.ok(udp, "[method]outgoing-datagram-stream.send", {b(out0), Value::list({datagram("x", std::nullopt)})})) == 3);
    CHECK(h.traps(udp, "[method]incoming-datagram-stream.receive", {b(out0), Value::u64(1)}));  // not an incoming stream
    CHECK_FALSE(h.drop(Kind::UdpSocket, sock[0]).ok());  // its streams are alive
    for (uint32_t s : {in0, in1}) REQUIRE(h.drop(Kind::IncomingDatagramStream, s).ok());
    for (uint32_t s : {out0, out1}) REQUIRE(h.drop(Kind::OutgoingDatagramStream, s).ok());
    for (uint32_t s : sock) REQUIRE(h.drop(Kind::UdpSocket, s).ok());
  }
  CHECK(open_fds() == fds_before);
}
