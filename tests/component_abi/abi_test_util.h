// Shared fixtures for the Canonical ABI tests: a byte-vector memory, a bump-allocating realloc
// that records its calls, and Catch printers.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "component/abi/canon.h"

namespace shard::component::abi::test {

struct ReallocCall {
  uint64_t old_ptr, old_size, align, new_size;
  bool operator==(const ReallocCall&) const = default;
};

/// One component's side of the ABI: its memory, realloc, options and instance.
struct Guest {
  explicit Guest(StringEncoding enc = StringEncoding::Utf8, size_t mem_size = 4096, AddrType addr = AddrType::I32)
      : mem(mem_size, addr) {
    opts.memory = &mem;
    opts.string_encoding = enc;
    opts.realloc = [this](uint64_t old_ptr, uint64_t old_size, uint64_t align, uint64_t new_size) -> Result<uint64_t> {
      calls.push_back({old_ptr, old_size, align, new_size});
      if (fail_realloc) {
        Error e(ErrorKind::Trap, "unreachable");
        e.trap = TrapKind::Unreachable;
        return e;
      }
      if (fixed_result) return *fixed_result;
      if (old_ptr != 0 && new_size <= old_size) return old_ptr;
      uint64_t p = (bump + align - 1) / align * align;
      bump = p + new_size;
      if (bump > mem.bytes.size()) mem.bytes.resize(bump + 64);  // memory.grow
      if (old_ptr != 0) std::memmove(mem.bytes.data() + p, mem.bytes.data() + old_ptr, std::min(old_size, new_size));
      return p;
    };
  }

  LiftLowerContext cx(Task* task = nullptr, Subtask* subtask = nullptr) { return LiftLowerContext(opts, inst, task, subtask); }

  void put32(uint64_t ptr, uint32_t v) { std::memcpy(mem.bytes.data() + ptr, &v, 4); }
  void put64(uint64_t ptr, uint64_t v) { std::memcpy(mem.bytes.data() + ptr, &v, 8); }
  void put_bytes(uint64_t ptr, std::string_view s) { std::memcpy(mem.bytes.data() + ptr, s.data(), s.size()); }
  uint32_t get32(uint64_t ptr) const { uint32_t v; std::memcpy(&v, mem.bytes.data() + ptr, 4); return v; }
  uint64_t get64(uint64_t ptr) const { uint64_t v; std::memcpy(&v, mem.bytes.data() + ptr, 8); return v; }
  std::string bytes_at(uint64_t ptr, size_t n) const {
    return std::string(reinterpret_cast<const char*>(mem.bytes.data() + ptr), n);
  }

  VectorMemory mem;
  CanonOptions opts;
  ComponentInstance inst;
  std::vector<ReallocCall> calls;
  uint64_t bump = 1024;  ///< realloc hands out memory from here
  bool fail_realloc = false;
  std::optional<uint64_t> fixed_result;
};

/// Lowers `v` to flat values, then lifts them back.
inline Value round_trip_flat(Guest& g, const Value& v, const ValType& t) {
  auto cx = g.cx();
  std::vector<Flat> flat;
  auto r = lower_flat(cx, v, t, flat);
  REQUIRE(r.ok());
  FlatListSource src(flat);
  auto back = lift_flat(cx, src, t);
  REQUIRE(back.ok());
  CHECK(src.consumed() == flat.size());
  return *back;
}

/// Stores `v` at `ptr`, then loads it back.
inline Value round_trip_memory(Guest& g, const Value& v, const ValType& t, uint64_t ptr = 64) {
  auto cx = g.cx();
  auto r = store(cx, v, t, ptr);
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  auto back = load(cx, ptr, t);
  INFO((back.ok() ? std::string() : back.error().message));
  REQUIRE(back.ok());
  return *back;
}

/// The trap an operation failed with.
template <class T>
AbiTrap trap_of(const Result<T>& r) {
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  REQUIRE(r.error().kind == ErrorKind::Trap);
  if (auto t = abi_trap_of(r.error())) return *t;
  FAIL("not a canonical ABI trap: " << r.error().message);
  return AbiTrap::OutOfBounds;
}

}  // namespace shard::component::abi::test

namespace Catch {
template <>
struct StringMaker<shard::component::abi::Value> {
  static std::string convert(const shard::component::abi::Value& v) { return shard::component::abi::to_string(v); }
};
template <>
struct StringMaker<shard::component::abi::AbiTrap> {
  static std::string convert(shard::component::abi::AbiTrap t) {
    return std::string(shard::component::abi::abi_trap_message(t));
  }
};
template <>
struct StringMaker<shard::component::abi::Flat> {
  static std::string convert(const shard::component::abi::Flat& f) {
    return std::string(shard::component::abi::to_string(f.type)) + ":" + std::to_string(f.bits);
  }
};
}  // namespace Catch
