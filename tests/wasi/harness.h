// A wasm module that imports every wasi_snapshot_preview1 function and re-exports a wrapper
// for each, so tests call the host functions the way a guest does (interpreter -> host call
// with the caller's memory 0), plus helpers to poke at that memory and at a scratch
// directory tree.
#pragma once

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "interp/interp.h"
#include "runtime/runtime.h"
#include "text/wat.h"
#include "valid/validator.h"
#include "wasi/abi.h"
#include "wasi/context.h"

namespace shard::wasi::test {

namespace fs = std::filesystem;
using abi::Errno;

/// The WAT text: one import and one exported wrapper per preview1 function, 2 pages of memory.
inline std::string harness_wat() {
  std::ostringstream imports, wrappers;
  auto sig = [](const FuncType& t) {
    std::string s;
    if (!t.params.empty()) {
      s += " (param";
      for (ValType v : t.params) s += v == ValType::I64 ? " i64" : " i32";
      s += ")";
    }
    if (!t.results.empty()) s += " (result i32)";
    return s;
  };
  for (const HostFuncInfo& f : host_functions()) {
    std::string name(f.name);
    imports << "(import \"wasi_snapshot_preview1\" \"" << name << "\" (func $" << name << sig(f.type) << "))\n";
    wrappers << "(func (export \"" << name << "\")" << sig(f.type);
    for (size_t i = 0; i < f.type.params.size(); ++i) wrappers << " local.get " << i;
    wrappers << " call $" << name << ")\n";
  }
  return "(module\n" + imports.str() + "(memory (export \"memory\") 2)\n" + wrappers.str() + ")\n";
}

/// One guest instance bound to one WasiContext.
class Harness {
 public:
  explicit Harness(const WasiConfig& config = {}) : store_({}, &interp::tier()) {
    auto bin = wat_to_binary(harness_wat());
    REQUIRE(bin.ok());
    auto mod = load_module(std::move(*bin));
    if (!mod) FAIL(mod.error().to_string());
    auto m = std::make_shared<const WasmModule>(std::move(*mod));
    auto c = WasiContext::create(config);
    if (!c) FAIL(c.error().to_string());
    ctx = *c;
    auto imports = link_imports(store_, *m, ctx);
    REQUIRE(imports.ok());
    auto inst = rt::instantiate(store_, m, *imports);
    REQUIRE(inst.ok());
    inst_ = *inst;
    memory = inst_->mem0;
  }

  /// Calls a wrapper with integer arguments (i32 or i64 as the signature says); returns the
  /// errno (or 0 for proc_exit) and leaves the trap, if any, in last_trap.
  uint32_t call(const std::string& name, std::vector<uint64_t> args) {
    rt::FuncInst* f = inst_->find_func(name);
    REQUIRE(f != nullptr);
    std::vector<rt::Value> vals;
    const FuncType& t = *f->type;
    REQUIRE(t.params.size() == args.size());
    for (size_t i = 0; i < args.size(); ++i) {
      vals.push_back(t.params[i] == ValType::I64 ? rt::Value::from_i64(args[i])
                                                 : rt::Value::from_i32(static_cast<uint32_t>(args[i])));
    }
    rt::CallResult r = rt::call(store_, f, vals);
    last_trap = r.trap;
    if (!r.ok()) return UINT32_MAX;
    return r.values.empty() ? 0 : r.values[0].i32;
  }
  Errno errno_of(const std::string& name, std::vector<uint64_t> args) {
    return static_cast<Errno>(call(name, std::move(args)));
  }

  void write(uint32_t addr, std::string_view bytes) { std::memcpy(memory->base + addr, bytes.data(), bytes.size()); }
  std::string read(uint32_t addr, size_t len) { return std::string(reinterpret_cast<char*>(memory->base + addr), len); }
  uint32_t u32(uint32_t addr) { uint32_t v; std::memcpy(&v, memory->base + addr, 4); return v; }
  uint64_t u64(uint32_t addr) { uint64_t v; std::memcpy(&v, memory->base + addr, 8); return v; }
  uint16_t u16(uint32_t addr) { uint16_t v; std::memcpy(&v, memory->base + addr, 2); return v; }
  uint8_t u8(uint32_t addr) { return memory->base[addr]; }
  void set_u32(uint32_t addr, uint32_t v) { std::memcpy(memory->base + addr, &v, 4); }

  // Scratch-memory conventions for tests: strings at kPath, results at kRet, buffers at kBuf.
  static constexpr uint32_t kPath = 0x1000, kPath2 = 0x1800, kRet = 0x2000, kIov = 0x2100, kBuf = 0x4000;

  /// path_open relative to `dirfd`; returns the errno and the new fd in `fd`.
  Errno open(uint32_t dirfd, const std::string& path, uint32_t& fd, uint32_t oflags = 0,
             uint64_t rights = abi::rights::kAll, uint32_t fdflags = 0, bool follow = true) {
    write(kPath, path);
    Errno e = errno_of("path_open", {dirfd, follow ? 1u : 0u, kPath, path.size(), oflags, rights, rights, fdflags, kRet});
    fd = e == Errno::Success ? u32(kRet) : UINT32_MAX;
    return e;
  }
  Errno write_fd(uint32_t fd, const std::string& data, uint32_t* written = nullptr) {
    write(kBuf, data);
    set_u32(kIov, kBuf);
    set_u32(kIov + 4, static_cast<uint32_t>(data.size()));
    Errno e = errno_of("fd_write", {fd, kIov, 1, kRet});
    if (written) *written = u32(kRet);
    return e;
  }
  Errno read_fd(uint32_t fd, size_t max, std::string& out) {
    set_u32(kIov, kBuf);
    set_u32(kIov + 4, static_cast<uint32_t>(max));
    Errno e = errno_of("fd_read", {fd, kIov, 1, kRet});
    out = e == Errno::Success ? read(kBuf, u32(kRet)) : std::string();
    return e;
  }
  /// A path function taking (fd, path_ptr, path_len).
  Errno path_op(const std::string& fn, uint32_t dirfd, const std::string& path) {
    write(kPath, path);
    return errno_of(fn, {dirfd, kPath, path.size()});
  }

  std::shared_ptr<WasiContext> ctx;
  rt::MemoryInst* memory = nullptr;
  std::optional<rt::Trap> last_trap;

 private:
  rt::Store store_;
  rt::Instance* inst_ = nullptr;
};

/// A fresh directory under the system temp dir, removed at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "shard-wasi-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

inline void write_file(const fs::path& p, const std::string& content) {
  std::ofstream f(p, std::ios::binary);
  f << content;
}
inline std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

/// A config with no standard streams from the host (tests capture them instead).
inline WasiConfig quiet_config() {
  WasiConfig c;
  c.stdin_stream = Stdio::closed();
  c.stdout_stream = Stdio::closed();
  c.stderr_stream = Stdio::closed();
  return c;
}

}  // namespace shard::wasi::test
