// wasi_snapshot_preview1 host functions called from wasm (a wrapper module per test):
// linking, args/environ, clocks, random, standard streams, fd_* and path_* on real files,
// poll_oneoff, proc_*, and sockets handed in. Errno values are checked against the ABI's
// numbers.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <set>
#include <thread>

#include "harness.h"
#include "wasi/impl.h"

using namespace shard;
using namespace shard::wasi;
using namespace shard::wasi::test;
namespace r = shard::wasi::abi::rights;

TEST_CASE("errno numbers are the preview1 ABI's", "[wasi]") {
  CHECK(uint16_t(Errno::Acces) == 2);
  CHECK(uint16_t(Errno::BadF) == 8);
  CHECK(uint16_t(Errno::Exist) == 20);
  CHECK(uint16_t(Errno::Fault) == 21);
  CHECK(uint16_t(Errno::Inval) == 28);
  CHECK(uint16_t(Errno::IsDir) == 31);
  CHECK(uint16_t(Errno::Loop) == 32);
  CHECK(uint16_t(Errno::NoEnt) == 44);
  CHECK(uint16_t(Errno::NoSys) == 52);
  CHECK(uint16_t(Errno::NotDir) == 54);
  CHECK(uint16_t(Errno::NotEmpty) == 55);
  CHECK(uint16_t(Errno::NotSock) == 57);
  CHECK(uint16_t(Errno::Perm) == 63);
  CHECK(uint16_t(Errno::SPipe) == 70);
  CHECK(uint16_t(Errno::NotCapable) == 76);
  CHECK(from_host_errno(ENOENT) == Errno::NoEnt);
  CHECK(from_host_errno(EXDEV) == Errno::XDev);
}

TEST_CASE("the host table covers all of wasi_snapshot_preview1", "[wasi]") {
  std::set<std::string> names;
  for (const auto& f : host_functions()) names.insert(std::string(f.name));
  CHECK(names.size() == 46);
  for (const char* n : {"args_get", "fd_readdir", "path_open", "poll_oneoff", "proc_exit", "sock_accept",
                        "sock_shutdown", "fd_renumber", "path_symlink", "random_get"}) {
    CHECK(names.count(n) == 1);
  }
}

TEST_CASE("linking: unknown WASI names and wrong types are Unlinkable, naming the function", "[wasi]") {
  auto link = [](const char* wat) -> Result<std::vector<rt::Extern>> {
    rt::Store store({}, &interp::tier());
    auto bin = wat_to_binary(wat);
    REQUIRE(bin.ok());
    auto mod = load_module(std::move(*bin));
    REQUIRE(mod.ok());
    auto ctx = WasiContext::create(quiet_config());
    REQUIRE(ctx.ok());
    return link_imports(store, *mod, *ctx);
  };
  auto r1 = link(R"((module (import "wasi_snapshot_preview1" "fd_frobnicate" (func (param i32) (result i32)))))");
  REQUIRE(!r1.ok());
  CHECK(r1.error().kind == ErrorKind::Unlinkable);
  CHECK(r1.error().message.find("wasi_snapshot_preview1.fd_frobnicate") != std::string::npos);
  auto r2 = link(R"((module (import "wasi_snapshot_preview1" "fd_close" (func (param i64) (result i32)))))");
  REQUIRE(!r2.ok());
  CHECK(r2.error().message.find("fd_close") != std::string::npos);
  auto r3 = link(R"((module (import "env" "f" (func))))");
  REQUIRE(!r3.ok());
  CHECK(r3.error().message.find("env.f") != std::string::npos);
  auto r4 = link(R"((module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))))");
  CHECK(r4.ok());
}

TEST_CASE("args and environ: sizes, layout, deny by default, explicit inheritance", "[wasi]") {
  WasiConfig cfg = quiet_config();
  cfg.args = {"prog", "hello world", ""};
  cfg.env = {{"A", "1"}, {"B", "two"}};
  Harness h(cfg);
  REQUIRE(h.errno_of("args_sizes_get", {100, 104}) == Errno::Success);
  CHECK(h.u32(100) == 3);
  CHECK(h.u32(104) == 5 + 12 + 1);
  REQUIRE(h.errno_of("args_get", {200, 300}) == Errno::Success);
  CHECK(h.u32(200) == 300);
  CHECK(h.read(h.u32(204), 12) == std::string("hello world\0", 12));
  CHECK(h.u8(h.u32(208)) == 0);

  REQUIRE(h.errno_of("environ_sizes_get", {100, 104}) == Errno::Success);
  CHECK(h.u32(100) == 2);  // nothing from the host unless asked
  REQUIRE(h.errno_of("environ_get", {200, 300}) == Errno::Success);
  CHECK(h.read(300, 4) == std::string("A=1\0", 4));
  CHECK(h.read(h.u32(204), 6) == std::string("B=two\0", 6));
  // Out-of-bounds buffers: Fault, nothing written, no host crash.
  CHECK(h.errno_of("args_get", {200, 2 * 65536 - 3}) == Errno::Fault);
  CHECK(h.errno_of("args_sizes_get", {0xfffffffc, 104}) == Errno::Fault);

  setenv("SHARD_WASI_TEST_VAR", "from-host", 1);
  WasiConfig inherit = quiet_config();
  inherit.inherit_env = true;
  inherit.env = {{"SHARD_WASI_TEST_VAR", "override"}};
  Harness h2(inherit);
  REQUIRE(h2.errno_of("environ_sizes_get", {100, 104}) == Errno::Success);
  REQUIRE(h2.errno_of("environ_get", {0x8000, 0x9000}) == Errno::Success);
  int found = 0;
  for (uint32_t i = 0; i < h2.u32(100); ++i) {
    std::string s(reinterpret_cast<char*>(h2.memory->base + h2.u32(0x8000 + 4 * i)));
    if (s.starts_with("SHARD_WASI_TEST_VAR=")) {
      ++found;
      CHECK(s == "SHARD_WASI_TEST_VAR=override");
    }
  }
  CHECK(found == 1);
}

TEST_CASE("clocks: realtime, monotonic, cputime, resolution, bad clock id", "[wasi]") {
  Harness h(quiet_config());
  REQUIRE(h.errno_of("clock_time_get", {0, 1, 100}) == Errno::Success);
  uint64_t host_now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(h.u64(100) <= host_now);
  CHECK(host_now - h.u64(100) < 5'000'000'000ull);
  REQUIRE(h.errno_of("clock_time_get", {1, 1, 100}) == Errno::Success);
  uint64_t m1 = h.u64(100);
  REQUIRE(h.errno_of("clock_time_get", {1, 1, 100}) == Errno::Success);
  CHECK(h.u64(100) >= m1);
  for (uint64_t id : {2, 3}) {
    REQUIRE(h.errno_of("clock_time_get", {id, 1, 100}) == Errno::Success);
    CHECK(h.u64(100) > 0);
  }
  for (uint64_t id : {0, 1, 2, 3}) {
    REQUIRE(h.errno_of("clock_res_get", {id, 100}) == Errno::Success);
    CHECK(h.u64(100) > 0);
  }
  CHECK(h.errno_of("clock_time_get", {4, 1, 100}) == Errno::Inval);
  CHECK(h.errno_of("clock_res_get", {99, 100}) == Errno::Inval);
  CHECK(h.errno_of("clock_time_get", {0, 1, 2 * 65536 - 4}) == Errno::Fault);
}

TEST_CASE("random_get fills the buffer, out of bounds is Fault", "[wasi]") {
  Harness h(quiet_config());
  REQUIRE(h.errno_of("random_get", {1000, 256}) == Errno::Success);
  std::string a = h.read(1000, 256);
  REQUIRE(h.errno_of("random_get", {1000, 256}) == Errno::Success);
  CHECK(a != h.read(1000, 256));
  CHECK(h.errno_of("random_get", {2 * 65536 - 10, 11}) == Errno::Fault);
  CHECK(h.errno_of("random_get", {2 * 65536, 0}) == Errno::Success);
}

TEST_CASE("standard streams: callbacks, closed streams, iovec bounds", "[wasi]") {
  std::string out, err;
  std::string input = "line one\nline two\n";
  size_t in_pos = 0;
  WasiConfig cfg = quiet_config();
  cfg.stdout_stream.write = [&](std::span<const uint8_t> b) { out.append(b.begin(), b.end()); };
  cfg.stderr_stream.write = [&](std::span<const uint8_t> b) { err.append(b.begin(), b.end()); };
  cfg.stdin_stream.read = [&](std::span<uint8_t> b) {
    size_t n = std::min(b.size(), input.size() - in_pos);
    std::memcpy(b.data(), input.data() + in_pos, n);
    in_pos += n;
    return n;
  };
  Harness h(cfg);
  uint32_t n = 0;
  REQUIRE(h.write_fd(1, "hello ", &n) == Errno::Success);
  CHECK(n == 6);
  // Two iovecs in one call.
  h.write(0x3000, "wor");
  h.write(0x3010, "ld\n");
  h.set_u32(0x2100, 0x3000);
  h.set_u32(0x2104, 3);
  h.set_u32(0x2108, 0x3010);
  h.set_u32(0x210c, 3);
  REQUIRE(h.errno_of("fd_write", {1, 0x2100, 2, 0x2000}) == Errno::Success);
  CHECK(h.u32(0x2000) == 6);
  CHECK(out == "hello world\n");
  REQUIRE(h.write_fd(2, "oops") == Errno::Success);
  CHECK(err == "oops");
  std::string got;
  REQUIRE(h.read_fd(0, 9, got) == Errno::Success);
  CHECK(got == "line one\n");
  REQUIRE(h.read_fd(0, 100, got) == Errno::Success);
  CHECK(got == "line two\n");
  REQUIRE(h.read_fd(0, 100, got) == Errno::Success);
  CHECK(got.empty());
  // Writing to stdin / reading from stdout: no right.
  CHECK(h.write_fd(0, "x") == Errno::NotCapable);
  CHECK(h.read_fd(1, 1, got) == Errno::NotCapable);
  // An iovec whose buffer runs past memory: Fault, and nothing is written.
  h.set_u32(0x2100, 2 * 65536 - 2);
  h.set_u32(0x2104, 3);
  CHECK(h.errno_of("fd_write", {1, 0x2100, 1, 0x2000}) == Errno::Fault);
  CHECK(h.errno_of("fd_write", {1, 2 * 65536 - 4, 1, 0x2000}) == Errno::Fault);
  CHECK(h.errno_of("fd_write", {1, 0x2100, 0x40000000, 0x2000}) == Errno::Fault);
  CHECK(out == "hello world\n");
  // fdstat of a callback stream.
  REQUIRE(h.errno_of("fd_fdstat_get", {1, 0x2000}) == Errno::Success);
  CHECK(h.u8(0x2000) == uint8_t(abi::Filetype::CharacterDevice));
  CHECK((h.u64(0x2008) & r::kFdWrite) != 0);
  CHECK(h.errno_of("fd_seek", {1, 0, 0, 0x2000}) == Errno::NotCapable);

  Harness closed(quiet_config());
  CHECK(closed.write_fd(1, "x") == Errno::BadF);
  CHECK(closed.errno_of("fd_fdstat_get", {0, 0x2000}) == Errno::BadF);
}

TEST_CASE("proc_exit ends the guest with a code, proc_raise is unsupported, sched_yield", "[wasi]") {
  Harness h(quiet_config());
  CHECK(h.errno_of("proc_raise", {6}) == Errno::NoSys);
  CHECK(h.errno_of("sched_yield", {}) == Errno::Success);
  h.call("proc_exit", {42});
  REQUIRE(h.last_trap.has_value());
  CHECK(h.last_trap->kind == TrapKind::Exit);
  REQUIRE(h.ctx->exit_code.has_value());
  CHECK(*h.ctx->exit_code == 42);
}

TEST_CASE("preopens: prestat, names, no preopen means no fd", "[wasi]") {
  TempDir tmp;
  WasiConfig cfg = quiet_config();
  cfg.preopens = {{tmp.str(), "/sandbox", false}, {tmp.str(), ".", true}};
  Harness h(cfg);
  REQUIRE(h.errno_of("fd_prestat_get", {3, 100}) == Errno::Success);
  CHECK(h.u8(100) == 0);
  CHECK(h.u32(104) == 8);
  REQUIRE(h.errno_of("fd_prestat_dir_name", {3, 200, 8}) == Errno::Success);
  CHECK(h.read(200, 8) == "/sandbox");
  CHECK(h.errno_of("fd_prestat_dir_name", {3, 200, 4}) == Errno::NameTooLong);
  REQUIRE(h.errno_of("fd_prestat_get", {4, 100}) == Errno::Success);
  CHECK(h.u32(104) == 1);
  CHECK(h.errno_of("fd_prestat_get", {5, 100}) == Errno::BadF);
  CHECK(h.errno_of("fd_prestat_get", {1, 100}) == Errno::BadF);
  REQUIRE(h.errno_of("fd_fdstat_get", {3, 100}) == Errno::Success);
  CHECK(h.u8(100) == uint8_t(abi::Filetype::Directory));
  REQUIRE(h.errno_of("fd_fdstat_get", {4, 100}) == Errno::Success);
  CHECK((h.u64(108) & r::kPathCreateFile) == 0);  // read-only
  CHECK((h.u64(116) & r::kFdWrite) == 0);

  Harness none(quiet_config());
  uint32_t fd;
  CHECK(none.errno_of("fd_prestat_get", {3, 100}) == Errno::BadF);
  CHECK(none.open(3, "anything", fd) == Errno::BadF);
}

TEST_CASE("files: create, write, seek, tell, pread/pwrite, sizes, flags, rights, close", "[wasi]") {
  TempDir tmp;
  WasiConfig cfg = quiet_config();
  cfg.preopens = {{tmp.str(), "/d", false}};
  Harness h(cfg);
  uint32_t fd;
  REQUIRE(h.open(3, "f.txt", fd, abi::kOflagCreat | abi::kOflagExcl) == Errno::Success);
  CHECK(fd == 4);  // closed standard streams leave 0-2 unused
  uint32_t fd2;
  CHECK(h.open(3, "f.txt", fd2, abi::kOflagCreat | abi::kOflagExcl) == Errno::Exist);
  REQUIRE(h.write_fd(fd, "hello, file") == Errno::Success);
  CHECK(read_file(tmp.path() / "f.txt") == "hello, file");

  REQUIRE(h.errno_of("fd_tell", {fd, 100}) == Errno::Success);
  CHECK(h.u64(100) == 11);
  REQUIRE(h.errno_of("fd_seek", {fd, uint64_t(-4), 1, 100}) == Errno::Success);  // SEEK_CUR -4
  CHECK(h.u64(100) == 7);
  std::string got;
  REQUIRE(h.read_fd(fd, 100, got) == Errno::Success);
  CHECK(got == "file");
  REQUIRE(h.errno_of("fd_seek", {fd, 0, 0, 100}) == Errno::Success);
  CHECK(h.errno_of("fd_seek", {fd, 0, 3, 100}) == Errno::Inval);
  CHECK(h.errno_of("fd_seek", {fd, uint64_t(-100), 0, 100}) == Errno::Inval);
  REQUIRE(h.errno_of("fd_seek", {fd, 0, 2, 100}) == Errno::Success);
  CHECK(h.u64(100) == 11);

  // pwrite/pread leave the offset alone.
  h.write(0x3000, "HELLO");
  h.set_u32(0x2100, 0x3000);
  h.set_u32(0x2104, 5);
  REQUIRE(h.errno_of("fd_pwrite", {fd, 0x2100, 1, 0, 100}) == Errno::Success);
  CHECK(h.u32(100) == 5);
  h.set_u32(0x2104, 4);
  REQUIRE(h.errno_of("fd_pread", {fd, 0x2100, 1, 7, 100}) == Errno::Success);
  CHECK(h.u32(100) == 4);
  CHECK(h.read(0x3000, 4) == "file");
  REQUIRE(h.errno_of("fd_tell", {fd, 100}) == Errno::Success);
  CHECK(h.u64(100) == 11);
  CHECK(read_file(tmp.path() / "f.txt") == "HELLO, file");

  // filestat, set_size, allocate, advise, sync.
  REQUIRE(h.errno_of("fd_filestat_get", {fd, 0x500}) == Errno::Success);
  CHECK(h.u8(0x500 + 16) == uint8_t(abi::Filetype::RegularFile));
  CHECK(h.u64(0x500 + 24) == 1);
  CHECK(h.u64(0x500 + 32) == 11);
  REQUIRE(h.errno_of("fd_filestat_set_size", {fd, 5}) == Errno::Success);
  CHECK(fs::file_size(tmp.path() / "f.txt") == 5);
  REQUIRE(h.errno_of("fd_allocate", {fd, 0, 4096}) == Errno::Success);
  CHECK(fs::file_size(tmp.path() / "f.txt") == 4096);
  CHECK(h.errno_of("fd_advise", {fd, 0, 0, 1}) == Errno::Success);
  CHECK(h.errno_of("fd_advise", {fd, 0, 0, 9}) == Errno::Inval);
  CHECK(h.errno_of("fd_sync", {fd}) == Errno::Success);
  CHECK(h.errno_of("fd_datasync", {fd}) == Errno::Success);
  // set_times: explicit mtime, atime untouched; both "set" and "now" is Inval.
  REQUIRE(h.errno_of("fd_filestat_set_times", {fd, 0, 1'000'000'000'123ull, abi::kFstflagMtim}) == Errno::Success);
  struct stat st;
  REQUIRE(stat((tmp.path() / "f.txt").c_str(), &st) == 0);
  CHECK(st.st_mtim.tv_sec == 1000);
  CHECK(st.st_mtim.tv_nsec == 123);
  CHECK(h.errno_of("fd_filestat_set_times", {fd, 0, 0, abi::kFstflagMtim | abi::kFstflagMtimNow}) == Errno::Inval);

  // fdstat flags: append on, then writes go to the end.
  REQUIRE(h.errno_of("fd_fdstat_set_flags", {fd, abi::kFdflagAppend}) == Errno::Success);
  REQUIRE(h.errno_of("fd_fdstat_get", {fd, 100}) == Errno::Success);
  CHECK(h.u16(102) == abi::kFdflagAppend);
  REQUIRE(h.errno_of("fd_seek", {fd, 0, 0, 200}) == Errno::Success);
  REQUIRE(h.write_fd(fd, "END") == Errno::Success);
  CHECK(fs::file_size(tmp.path() / "f.txt") == 4099);
  CHECK(h.errno_of("fd_fdstat_set_flags", {fd, abi::kFdflagSync}) == Errno::NotSup);
  CHECK(h.errno_of("fd_fdstat_set_flags", {fd, 0x100}) == Errno::Inval);

  // Rights only shrink.
  uint64_t base = h.u64(108);
  REQUIRE(h.errno_of("fd_fdstat_set_rights", {fd, base & ~r::kFdWrite, 0}) == Errno::Success);
  CHECK(h.write_fd(fd, "x") == Errno::NotCapable);
  CHECK(h.errno_of("fd_fdstat_set_rights", {fd, base, 0}) == Errno::NotCapable);

  // renumber and close.
  uint32_t other;
  REQUIRE(h.open(3, "f.txt", other) == Errno::Success);
  CHECK(h.errno_of("fd_renumber", {other, 99}) == Errno::BadF);
  REQUIRE(h.errno_of("fd_renumber", {other, fd}) == Errno::Success);
  CHECK(h.errno_of("fd_close", {other}) == Errno::BadF);
  REQUIRE(h.read_fd(fd, 5, got) == Errno::Success);
  CHECK(got == "HELLO");
  REQUIRE(h.errno_of("fd_close", {fd}) == Errno::Success);
  CHECK(h.errno_of("fd_close", {fd}) == Errno::BadF);
  CHECK(h.errno_of("fd_read", {fd, 0x2100, 1, 100}) == Errno::BadF);
  CHECK(h.errno_of("fd_close", {12345}) == Errno::BadF);
}

TEST_CASE("path_open: oflags and fdflags combinations", "[wasi]") {
  TempDir tmp;
  write_file(tmp.path() / "existing", "0123456789");
  fs::create_directory(tmp.path() / "dir");
  WasiConfig cfg = quiet_config();
  cfg.preopens = {{tmp.str(), "/", false}};
  Harness h(cfg);
  uint32_t fd;
  CHECK(h.open(3, "missing", fd) == Errno::NoEnt);
  CHECK(h.open(3, "missing/x", fd, abi::kOflagCreat) == Errno::NoEnt);
  CHECK(h.open(3, "existing", fd, abi::kOflagDirectory) == Errno::NotDir);
  CHECK(h.open(3, "existing/", fd) == Errno::NotDir);
  CHECK(h.open(3, "existing/x", fd) == Errno::NotDir);
  CHECK(h.open(3, "dir", fd, abi::kOflagCreat | abi::kOflagExcl) == Errno::Exist);
  CHECK(h.open(3, "", fd) == Errno::NoEnt);
  CHECK(h.open(3, "x", fd, 0x10) == Errno::Inval);
  CHECK(h.open(3, "x", fd, 0, r::kAll, 0x20) == Errno::Inval);
  // Opening a directory for writing: the host says EISDIR.
  CHECK(h.open(3, "dir", fd, 0, r::kFdWrite) == Errno::IsDir);

  REQUIRE(h.open(3, "dir", fd, abi::kOflagDirectory) == Errno::Success);
  REQUIRE(h.errno_of("fd_fdstat_get", {fd, 100}) == Errno::Success);
  CHECK(h.u8(100) == uint8_t(abi::Filetype::Directory));
  CHECK(h.write_fd(fd, "x") == Errno::NotCapable);  // a directory has no fd_write right
  uint32_t inner;
  REQUIRE(h.open(fd, "new", inner, abi::kOflagCreat) == Errno::Success);
  CHECK(fs::exists(tmp.path() / "dir" / "new"));

  REQUIRE(h.open(3, "existing", fd, abi::kOflagTrunc) == Errno::Success);
  CHECK(fs::file_size(tmp.path() / "existing") == 0);
  REQUIRE(h.write_fd(fd, "abc") == Errno::Success);
  uint32_t app;
  REQUIRE(h.open(3, "existing", app, 0, r::kAll, abi::kFdflagAppend) == Errno::Success);
  REQUIRE(h.write_fd(app, "def") == Errno::Success);
  CHECK(read_file(tmp.path() / "existing") == "abcdef");
  REQUIRE(h.errno_of("fd_fdstat_get", {app, 100}) == Errno::Success);
  CHECK(h.u16(102) == abi::kFdflagAppend);
  uint32_t sync;
  REQUIRE(h.open(3, "existing", sync, 0, r::kAll, abi::kFdflagSync | abi::kFdflagNonblock) == Errno::Success);
  REQUIRE(h.errno_of("fd_fdstat_get", {sync, 100}) == Errno::Success);
  CHECK((h.u16(102) & (abi::kFdflagSync | abi::kFdflagNonblock)) == (abi::kFdflagSync | abi::kFdflagNonblock));
  uint32_t dsync;
  REQUIRE(h.open(3, "existing", dsync, 0, r::kAll, abi::kFdflagDsync) == Errno::Success);
  REQUIRE(h.errno_of("fd_fdstat_get", {dsync, 100}) == Errno::Success);
  CHECK(h.u16(102) == abi::kFdflagDsync);
  // Read-only rights: the host file is not writable either.
  uint32_t ro;
  REQUIRE(h.open(3, "existing", ro, 0, r::kFdRead | r::kFdSeek) == Errno::Success);
  CHECK(h.write_fd(ro, "zzz") == Errno::NotCapable);
  REQUIRE(h.errno_of("fd_fdstat_get", {ro, 100}) == Errno::Success);
  CHECK(h.u64(108) == (r::kFdRead | r::kFdSeek));
  // A bad result pointer: Fault before anything is created.
  h.write(Harness::kPath, "never");
  CHECK(h.errno_of("path_open", {3, 0, Harness::kPath, 5, abi::kOflagCreat, r::kAll, r::kAll, 0, 2 * 65536}) ==
        Errno::Fault);
  CHECK(!fs::exists(tmp.path() / "never"));
  CHECK(h.errno_of("path_open", {3, 0, 2 * 65536 - 2, 5, 0, r::kAll, r::kAll, 0, 100}) == Errno::Fault);
  // An embedded NUL is not a path.
  h.write(Harness::kPath, std::string("a\0b", 3));
  CHECK(h.errno_of("path_open", {3, 0, Harness::kPath, 3, 0, r::kAll, r::kAll, 0, 100}) == Errno::Inval);
  // path_open on a file fd: a file has no path rights.
  CHECK(h.open(ro, "x", fd) == Errno::NotCapable);
}

TEST_CASE("directories: create, readdir with cookies and short buffers, remove", "[wasi]") {
  TempDir tmp;
  WasiConfig cfg = quiet_config();
  cfg.preopens = {{tmp.str(), "/", false}};
  Harness h(cfg);
  REQUIRE(h.path_op("path_create_directory", 3, "d") == Errno::Success);
  CHECK(h.path_op("path_create_directory", 3, "d") == Errno::Exist);
  CHECK(h.path_op("path_create_directory", 3, "nope/d") == Errno::NoEnt);
  write_file(tmp.path() / "d" / "alpha", "a");
  write_file(tmp.path() / "d" / "beta", "bb");
  fs::create_directory(tmp.path() / "d" / "gamma");
  fs::create_symlink("alpha", tmp.path() / "d" / "delta");
  uint32_t dfd;
  REQUIRE(h.open(3, "d", dfd, abi::kOflagDirectory) == Errno::Success);

  auto list = [&](uint32_t buf_len, uint64_t cookie, std::vector<std::pair<std::string, uint64_t>>& out,
                  uint32_t& used) {
    REQUIRE(h.errno_of("fd_readdir", {dfd, 0x8000, buf_len, cookie, 100}) == Errno::Success);
    used = h.u32(100);
    uint32_t p = 0;
    while (p + 24 <= used) {
      uint64_t next = h.u64(0x8000 + p);
      uint32_t namlen = h.u32(0x8000 + p + 16);
      if (p + 24 + namlen > used) break;
      std::string name = h.read(0x8000 + p + 24, namlen);
      uint8_t type = h.u8(0x8000 + p + 20);
      if (name == "alpha" || name == "beta") CHECK(type == uint8_t(abi::Filetype::RegularFile));
      if (name == "gamma" || name == "." || name == "..") CHECK(type == uint8_t(abi::Filetype::Directory));
      if (name == "delta") CHECK(type == uint8_t(abi::Filetype::SymbolicLink));
      out.push_back({name, next});
      p += 24 + namlen;
    }
  };
  std::vector<std::pair<std::string, uint64_t>> all;
  uint32_t used;
  list(4096, 0, all, used);
  CHECK(used < 4096);
  std::set<std::string> names;
  for (auto& e : all) names.insert(e.first);
  CHECK(names == std::set<std::string>{".", "..", "alpha", "beta", "gamma", "delta"});
  // Short buffer: the guest reads entry by entry with the cookies it was given.
  std::set<std::string> names2;
  uint64_t cookie = 0;
  for (int guard = 0; guard < 20; ++guard) {
    std::vector<std::pair<std::string, uint64_t>> part;
    list(40, cookie, part, used);
    if (part.empty()) {
      CHECK(used < 40);
      break;
    }
    names2.insert(part[0].first);
    cookie = part[0].second;
  }
  CHECK(names2 == names);
  uint32_t file_fd;
  REQUIRE(h.open(dfd, "beta", file_fd) == Errno::Success);
  CHECK(h.errno_of("fd_readdir", {file_fd, 0x8000, 100, 0, 100}) == Errno::NotCapable);

  CHECK(h.path_op("path_remove_directory", 3, "d") == Errno::NotEmpty);
  CHECK(h.path_op("path_remove_directory", 3, "d/alpha") == Errno::NotDir);
  CHECK(h.path_op("path_unlink_file", 3, "d/gamma") == Errno::IsDir);
  CHECK(h.path_op("path_unlink_file", 3, "d/alpha/") == Errno::NotDir);
  REQUIRE(h.path_op("path_remove_directory", 3, "d/gamma") == Errno::Success);
  REQUIRE(h.path_op("path_unlink_file", 3, "d/alpha") == Errno::Success);
  REQUIRE(h.path_op("path_unlink_file", 3, "d/delta") == Errno::Success);  // the link, not its target
  CHECK(h.path_op("path_unlink_file", 3, "d/alpha") == Errno::NoEnt);
  CHECK(fs::exists(tmp.path() / "d" / "beta"));
}

TEST_CASE("rename, link, symlink, readlink, filestat and times by path", "[wasi]") {
  TempDir tmp;
  write_file(tmp.path() / "a", "content");
  fs::create_directory(tmp.path() / "sub");
  WasiConfig cfg = quiet_config();
  cfg.preopens = {{tmp.str(), "/", false}};
  Harness h(cfg);
  auto two = [&](const std::string& fn, const std::string& p1, const std::string& p2) {
    h.write(Harness::kPath, p1);
    h.write(Harness::kPath2, p2);
    if (fn == "path_rename") return h.errno_of(fn, {3, Harness::kPath, p1.size(), 3, Harness::kPath2, p2.size()});
    if (fn == "path_link") return h.errno_of(fn, {3, 0, Harness::kPath, p1.size(), 3, Harness::kPath2, p2.size()});
    return h.errno_of(fn, {Harness::kPath, p1.size(), 3, Harness::kPath2, p2.size()});  // path_symlink
  };
  REQUIRE(two("path_rename", "a", "sub/b") == Errno::Success);
  CHECK(read_file(tmp.path() / "sub" / "b") == "content");
  CHECK(two("path_rename", "a", "c") == Errno::NoEnt);
  REQUIRE(two("path_link", "sub/b", "hard") == Errno::Success);
  REQUIRE(h.errno_of("path_filestat_get", {3, 0, Harness::kPath2, 4, 0x600}) == Errno::Success);
  CHECK(h.u64(0x600 + 24) == 2);  // nlink
  CHECK(h.u64(0x600 + 32) == 7);
  CHECK(two("path_link", "sub/b", "hard") == Errno::Exist);
  REQUIRE(two("path_symlink", "sub/b", "soft") == Errno::Success);
  CHECK(fs::read_symlink(tmp.path() / "soft") == "sub/b");
  h.write(Harness::kPath, "soft");
  REQUIRE(h.errno_of("path_readlink", {3, Harness::kPath, 4, 0x700, 64, 100}) == Errno::Success);
  CHECK(h.read(0x700, h.u32(100)) == "sub/b");
  REQUIRE(h.errno_of("path_readlink", {3, Harness::kPath, 4, 0x700, 3, 100}) == Errno::Success);
  CHECK(h.u32(100) == 3);  // truncated
  h.write(Harness::kPath, "hard");
  CHECK(h.errno_of("path_readlink", {3, Harness::kPath, 4, 0x700, 64, 100}) == Errno::Inval);
  // filestat: follow or not.
  h.write(Harness::kPath, "soft");
  REQUIRE(h.errno_of("path_filestat_get", {3, 0, Harness::kPath, 4, 0x600}) == Errno::Success);
  CHECK(h.u8(0x600 + 16) == uint8_t(abi::Filetype::SymbolicLink));
  REQUIRE(h.errno_of("path_filestat_get", {3, 1, Harness::kPath, 4, 0x600}) == Errno::Success);
  CHECK(h.u8(0x600 + 16) == uint8_t(abi::Filetype::RegularFile));
  CHECK(h.u64(0x600 + 32) == 7);
  // Link through the symlink with follow: a hard link to the target.
  h.write(Harness::kPath2, "hard2");
  REQUIRE(h.errno_of("path_link", {3, 1, Harness::kPath, 4, 3, Harness::kPath2, 5}) == Errno::Success);
  CHECK(!fs::is_symlink(tmp.path() / "hard2"));
  // set_times through the link changes the target.
  REQUIRE(h.errno_of("path_filestat_set_times", {3, 1, Harness::kPath, 4, 5'000'000'000ull, 6'000'000'000ull,
                                                 abi::kFstflagAtim | abi::kFstflagMtim}) == Errno::Success);
  struct stat st;
  REQUIRE(stat((tmp.path() / "sub" / "b").c_str(), &st) == 0);
  CHECK(st.st_atim.tv_sec == 5);
  CHECK(st.st_mtim.tv_sec == 6);
  CHECK(h.errno_of("path_filestat_set_times", {3, 1, Harness::kPath, 4, 0, 0, 0x30}) == Errno::Inval);
  // Renaming a directory over a non-empty one fails; over a file: NotDir.
  fs::create_directory(tmp.path() / "d1");
  fs::create_directory(tmp.path() / "d2");
  write_file(tmp.path() / "d2" / "x", "");
  CHECK(two("path_rename", "d1", "d2") == Errno::NotEmpty);
  CHECK(two("path_rename", "d1", "hard") == Errno::NotDir);
  CHECK(two("path_rename", "hard/", "zz") == Errno::NotDir);
  REQUIRE(two("path_rename", "d1/", "d3") == Errno::Success);
  CHECK(fs::is_directory(tmp.path() / "d3"));
}

TEST_CASE("poll_oneoff: clocks, ready files, pipes, bad subscriptions", "[wasi]") {
  int pipefd[2];
  REQUIRE(pipe(pipefd) == 0);
  TempDir tmp;
  write_file(tmp.path() / "f", "12345");
  WasiConfig cfg = quiet_config();
  cfg.stdin_stream = Stdio::inherit(pipefd[0]);
  cfg.preopens = {{tmp.str(), "/", false}};
  Harness h(cfg);
  auto clock_sub = [&](uint32_t at, uint64_t userdata, uint32_t clock, uint64_t timeout, uint16_t flags) {
    std::memset(h.memory->base + at, 0, 48);
    std::memcpy(h.memory->base + at, &userdata, 8);
    h.memory->base[at + 8] = 0;
    std::memcpy(h.memory->base + at + 16, &clock, 4);
    std::memcpy(h.memory->base + at + 24, &timeout, 8);
    std::memcpy(h.memory->base + at + 40, &flags, 2);
  };
  auto fd_sub = [&](uint32_t at, uint64_t userdata, uint8_t type, uint32_t fd) {
    std::memset(h.memory->base + at, 0, 48);
    std::memcpy(h.memory->base + at, &userdata, 8);
    h.memory->base[at + 8] = type;
    std::memcpy(h.memory->base + at + 16, &fd, 4);
  };
  // A relative 20 ms sleep.
  clock_sub(0x3000, 7, 1, 20'000'000, 0);
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(h.errno_of("poll_oneoff", {0x3000, 0x4000, 1, 100}) == Errno::Success);
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(20));
  CHECK(h.u32(100) == 1);
  CHECK(h.u64(0x4000) == 7);
  CHECK(h.u16(0x4008) == 0);
  CHECK(h.u8(0x400a) == 0);
  // An absolute realtime deadline in the past fires at once.
  clock_sub(0x3000, 8, 0, 1, abi::kSubclockAbstime);
  REQUIRE(h.errno_of("poll_oneoff", {0x3000, 0x4000, 1, 100}) == Errno::Success);
  CHECK(h.u64(0x4000) == 8);

  // Pipe: not ready, so the 10 ms clock fires; then ready once written.
  fd_sub(0x3000, 1, 1, 0);
  clock_sub(0x3030, 2, 1, 10'000'000, 0);
  REQUIRE(h.errno_of("poll_oneoff", {0x3000, 0x4000, 2, 100}) == Errno::Success);
  REQUIRE(h.u32(100) == 1);
  CHECK(h.u64(0x4000) == 2);
  REQUIRE(write(pipefd[1], "abc", 3) == 3);
  clock_sub(0x3030, 2, 1, 5'000'000'000ull, 0);
  REQUIRE(h.errno_of("poll_oneoff", {0x3000, 0x4000, 2, 100}) == Errno::Success);
  REQUIRE(h.u32(100) == 1);
  CHECK(h.u64(0x4000) == 1);
  CHECK(h.u8(0x400a) == 1);
  CHECK(h.u64(0x4010) == 3);  // nbytes available
  close(pipefd[1]);
  std::string got;
  REQUIRE(h.read_fd(0, 10, got) == Errno::Success);
  REQUIRE(h.errno_of("poll_oneoff", {0x3000, 0x4000, 2, 100}) == Errno::Success);
  CHECK(h.u16(0x4018) == abi::kEventrwHangup);

  // Regular files are always ready; bad fds report their error in the event.
  uint32_t ffd;
  REQUIRE(h.open(3, "f", ffd) == Errno::Success);
  fd_sub(0x3000, 11, 1, ffd);
  fd_sub(0x3030, 12, 2, 77);
  REQUIRE(h.errno_of("poll_oneoff", {0x3000, 0x4000, 2, 100}) == Errno::Success);
  REQUIRE(h.u32(100) == 2);
  CHECK(h.u64(0x4000) == 11);
  CHECK(h.u64(0x4010) == 5);
  CHECK(h.u64(0x4020) == 12);
  CHECK(h.u16(0x4028) == uint16_t(Errno::BadF));
  CHECK(h.errno_of("poll_oneoff", {0x3000, 0x4000, 0, 100}) == Errno::Inval);
  CHECK(h.errno_of("poll_oneoff", {0x3000, 2 * 65536 - 8, 1, 100}) == Errno::Fault);
  close(pipefd[0]);
}

TEST_CASE("sockets handed in: accept, recv, send, shutdown, nothing else is a socket", "[wasi]") {
  int lsock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(lsock >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(lsock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(lsock, 4) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(lsock, reinterpret_cast<sockaddr*>(&addr), &len) == 0);

  WasiConfig cfg = quiet_config();
  cfg.sockets = {lsock};
  Harness h(cfg);
  REQUIRE(h.errno_of("fd_fdstat_get", {3, 100}) == Errno::Success);
  CHECK(h.u8(100) == uint8_t(abi::Filetype::SocketStream));
  // Nothing pending on a non-blocking listener: Again.
  REQUIRE(h.errno_of("fd_fdstat_set_flags", {3, abi::kFdflagNonblock}) == Errno::Success);
  CHECK(h.errno_of("sock_accept", {3, 0, 100}) == Errno::Again);
  REQUIRE(h.errno_of("fd_fdstat_set_flags", {3, 0}) == Errno::Success);

  int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(h.errno_of("sock_accept", {3, 0, 100}) == Errno::Success);
  uint32_t conn = h.u32(100);
  CHECK(conn == 4);
  REQUIRE(send(client, "ping", 4, 0) == 4);
  h.set_u32(0x2100, 0x3000);
  h.set_u32(0x2104, 16);
  REQUIRE(h.errno_of("sock_recv", {conn, 0x2100, 1, abi::kRiflagRecvPeek, 100, 104}) == Errno::Success);
  CHECK(h.u32(100) == 4);
  REQUIRE(h.errno_of("sock_recv", {conn, 0x2100, 1, 0, 100, 104}) == Errno::Success);
  CHECK(h.read(0x3000, h.u32(100)) == "ping");
  CHECK(h.u16(104) == 0);
  h.write(0x3000, "pong");
  h.set_u32(0x2104, 4);
  REQUIRE(h.errno_of("sock_send", {conn, 0x2100, 1, 0, 100}) == Errno::Success);
  CHECK(h.u32(100) == 4);
  char buf[8] = {};
  REQUIRE(recv(client, buf, sizeof buf, 0) == 4);
  CHECK(std::string(buf, 4) == "pong");
  CHECK(h.errno_of("sock_shutdown", {conn, 0}) == Errno::Inval);
  REQUIRE(h.errno_of("sock_shutdown", {conn, abi::kSdflagWr}) == Errno::Success);
  CHECK(recv(client, buf, sizeof buf, 0) == 0);
  CHECK(h.errno_of("sock_accept", {conn, 0, 100}) == Errno::NotCapable);  // a connection does not accept

  Harness none(quiet_config());
  std::string out;
  CHECK(none.errno_of("sock_accept", {3, 0, 100}) == Errno::BadF);
  close(client);
  close(lsock);
}

TEST_CASE("sock_shutdown of a file, a directory or a standard stream is NotSock", "[wasi]") {
  // wasi-testsuite (close_preopen / sock_shutdown_not_sock) expects ENOTSOCK, whatever rights
  // the descriptor has.
  TempDir tmp;
  WasiConfig cfg = quiet_config();
  cfg.preopens = {{tmp.str(), "/d", false}, {tmp.str(), "/ro", true}};
  std::string out;
  cfg.stdout_stream.write = [&](std::span<const uint8_t> b) { out.append(b.begin(), b.end()); };
  Harness h(cfg);
  uint32_t fd;
  REQUIRE(h.open(3, "f.txt", fd, abi::kOflagCreat) == Errno::Success);
  for (uint32_t how : {abi::kSdflagRd, abi::kSdflagWr}) {
    CHECK(h.errno_of("sock_shutdown", {fd, how}) == Errno::NotSock);
    CHECK(h.errno_of("sock_shutdown", {3, how}) == Errno::NotSock);
    CHECK(h.errno_of("sock_shutdown", {4, how}) == Errno::NotSock);
    CHECK(h.errno_of("sock_shutdown", {1, how}) == Errno::NotSock);
  }
  CHECK(h.errno_of("sock_shutdown", {fd, 0}) == Errno::NotSock);  // NotSock before the flags
  CHECK(h.errno_of("sock_shutdown", {99, abi::kSdflagWr}) == Errno::BadF);
}
