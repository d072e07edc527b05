// Differential testing, interpreter vs JIT, on random modules from binaryen's translate-to-
// fuzz mode (`wasm-opt -ttf`, Debian package binaryen). Each module runs in both tiers: every
// exported function in export order, with default arguments; the `fuzzing-support` log
// imports append to a transcript; results, traps (kind, message, backtrace offsets), logged
// values and a hash of the exported memory after each call must agree.
//
// Runs are bounded by binaryen's own hang limit (a global counter its code decrements in
// loops and calls, reset by the exported hangLimitInitializer) and by the call depth limit.
// HOOK(fuel — issue #11): bound runs with fuel as well once it exists.
//
// Count: SHARD_JIT_DIFF_COUNT (default 100, the CI smoke run); first seed: SHARD_JIT_DIFF_SEED;
// wasm-opt feature flags: SHARD_JIT_DIFF_FEATURES (default kFeatures). With SIMD, a float
// lane operation on two NaNs may return either NaN (exec/numerics.rst), and the C++ compiler
// chooses the operand order per call site in each tier; a module that stores such a lane to
// memory can then differ in its memory hash without either tier being wrong. Long runs to
// prove zero divergences therefore leave SIMD out; the smoke run's seeds are free of it.
// Skipped (with a message) without wasm-opt; compiled only in builds with the JIT.
#include <catch2/catch.hpp>

// Built only with the JIT (SHARD_HAVE_JIT comes with the shard_jit target).
#ifdef SHARD_HAVE_JIT
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "interp/interp.h"
#include "jit/jit.h"
#include "runtime/runtime.h"
#include "valid/validator.h"

using namespace shard;

namespace {

// Wasm 2.0 features Shard implements that binaryen 108 generates faithfully (its
// reference-types mode emits pre-standard anyref globals, which a 2.0 validator rejects).
constexpr const char* kFeatures =
    "--enable-simd --enable-bulk-memory --enable-multivalue --enable-sign-ext --enable-nontrapping-float-to-int";

std::string value_text(const rt::Value& v) {
  switch (v.type) {
    case ValType::I32: return fmt::format("i32:{}", v.i32);
    case ValType::I64: return fmt::format("i64:{}", v.i64);
    // exec/numerics.rst: which NaN an operation returns is nondeterministic; any NaN agrees.
    case ValType::F32: {
      if (std::isnan(v.f32)) return "f32:nan";
      uint32_t b;
      std::memcpy(&b, &v.f32, 4);
      return fmt::format("f32:{:#x}", b);
    }
    case ValType::F64: {
      if (std::isnan(v.f64)) return "f64:nan";
      uint64_t b;
      std::memcpy(&b, &v.f64, 8);
      return fmt::format("f64:{:#x}", b);
    }
    case ValType::V128: {
      // The same for NaN lanes (SIMD float lanes, 64- then 32-bit patterns; integer data
      // that happens to look like a NaN is treated alike in both tiers).
      uint64_t q[2] = {v.v128.lane<uint64_t>(0), v.v128.lane<uint64_t>(1)};
      for (uint64_t& x : q) {
        if ((x & 0x7ff0000000000000) == 0x7ff0000000000000 && (x & 0xfffffffffffff) != 0) x = 0x7ff8000000000000;
        for (int half = 0; half < 2; ++half) {
          auto w = static_cast<uint32_t>(x >> (32 * half));
          if ((w & 0x7f800000) == 0x7f800000 && (w & 0x7fffff) != 0)
            x = (x & ~(uint64_t{0xffffffff} << (32 * half))) | (uint64_t{0x7fc00000} << (32 * half));
        }
      }
      return fmt::format("v128:{:#x}:{:#x}", q[0], q[1]);
    }
    default: return v.ref == nullptr ? "ref:null" : "ref:non-null";
  }
}

/// Runs every export of `m` in a fresh store of `tier` and returns the transcript.
std::string run(const std::shared_ptr<const WasmModule>& m, rt::Tier* tier) {
  rt::StoreConfig cfg;
  cfg.max_call_depth = 2000;
  rt::Store store(cfg, tier);
  std::string log;
  std::vector<rt::Extern> imports;
  for (const Import& im : m->imports) {
    if (im.kind != ExternKind::Func) return "unsupported import kind";
    std::string name = im.module + "." + im.name;
    imports.push_back(rt::Extern::func(store.create_host_func(
        m->types[im.func_type], [&log, name](rt::HostCall&, const rt::Value* args, rt::Value*) {
          log += name;
          log += "(" + value_text(args[0]) + ")\n";
          return TrapKind::None;
        })));
  }
  auto inst = rt::instantiate(store, m, imports);
  if (!inst) return "instantiate: " + inst.error().to_string() + "\n";
  const rt::MemoryInst* mem = nullptr;
  if (auto e = (*inst)->find_export("memory")) mem = e->as_memory();
  for (const auto& [name, ext] : (*inst)->exports) {
    rt::FuncInst* f = ext.as_func();
    if (f == nullptr) continue;
    if (rt::FuncInst* reset = (*inst)->find_func("hangLimitInitializer")) rt::call(store, reset, {});
    std::vector<rt::Value> args;
    for (ValType t : f->type->params) args.push_back(rt::Value::default_of(t));
    rt::CallResult r = rt::call(store, f, args);
    log += name + ": ";
    if (r.ok()) {
      for (const rt::Value& v : r.values) log += value_text(v) + " ";
    } else {
      log += "trap " + r.trap->message;
      for (const rt::Frame& fr : r.trap->backtrace) log += fmt::format(" @{}:{:#x}", fr.func_index, fr.offset);
    }
    if (mem != nullptr) {
      uint64_t h = 1469598103934665603ull;  // FNV-1a over the whole memory
      for (uint64_t i = 0; i < mem->size; ++i) h = (h ^ mem->base[i]) * 1099511628211ull;
      log += fmt::format(" mem:{:#x}", h);
    }
    log += "\n";
  }
  return log;
}

}  // namespace

TEST_CASE("jit: differential against the interpreter on wasm-opt -ttf modules", "[jit][diff]") {
  if (std::system("command -v wasm-opt >/dev/null 2>&1") != 0) {
    WARN("wasm-opt (Debian package binaryen) not found: differential test skipped");
    return;
  }
  const char* count_env = std::getenv("SHARD_JIT_DIFF_COUNT");
  const char* seed_env = std::getenv("SHARD_JIT_DIFF_SEED");
  uint64_t count = count_env != nullptr ? std::strtoull(count_env, nullptr, 10) : 100;
  uint64_t first = seed_env != nullptr ? std::strtoull(seed_env, nullptr, 10) : 1;
  const char* features_env = std::getenv("SHARD_JIT_DIFF_FEATURES");
  std::string features = features_env != nullptr ? features_env : kFeatures;
  auto dir = std::filesystem::temp_directory_path() / fmt::format("shard-jit-diff-{}", ::getpid());
  std::filesystem::create_directories(dir);
  std::string in = (dir / "seed.bin").string(), out = (dir / "m.wasm").string();
  uint64_t ran = 0, rejected = 0, diverged = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<char> bytes(1000 + rng() % 15000);
    for (char& b : bytes) b = static_cast<char>(rng());
    std::ofstream(in, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::string cmd = fmt::format("wasm-opt -ttf {} -o {} {} --denan >/dev/null 2>&1", in, out, features);
    if (std::system(cmd.c_str()) != 0) {
      ++rejected;
      continue;
    }
    std::ifstream f(out, std::ios::binary);
    std::vector<uint8_t> wasm((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto loaded = load_module(std::move(wasm));
    if (!loaded) {
      ++rejected;
      continue;
    }
    auto m = std::make_shared<const WasmModule>(std::move(loaded).value());
    std::string a = run(m, &interp::tier());
    // A second module object, so the JIT compiles its own code for it.
    std::ifstream f2(out, std::ios::binary);
    auto m2 = std::make_shared<const WasmModule>(
        load_module(std::vector<uint8_t>((std::istreambuf_iterator<char>(f2)), std::istreambuf_iterator<char>())).value());
    std::string b = run(m2, &jit::tier());
    ++ran;
    if (ran % 1000 == 0)
      fmt::print(stderr, "differential: {} modules run, {} diverged (seed {})\n", ran, diverged, seed);
    if (a != b) {
      ++diverged;
      std::string keep = fmt::format("{}/diverged-{}.wasm", dir.string(), seed);
      std::filesystem::copy_file(out, keep, std::filesystem::copy_options::overwrite_existing);
      UNSCOPED_INFO("seed " << seed << " diverges (module kept at " << keep << ")\ninterpreter:\n" << a << "jit:\n" << b);
      CHECK(a == b);
    }
  }
  WARN(fmt::format("differential: {} modules run, {} diverged, {} rejected by wasm-opt or the loader (seeds {}..{})",
                   ran, diverged, rejected, first, first + count - 1));
  WARN(jit::stats_report());
  if (diverged == 0) std::filesystem::remove_all(dir);
  CHECK(ran > count / 2);
}

#endif  // SHARD_HAVE_JIT
