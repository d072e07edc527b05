#include <catch2/catch.hpp>

#include <set>

#include "types.h"

using namespace shard;

TEST_CASE("opcode table: codes and names are unique and round-trip") {
  std::set<std::pair<int, uint32_t>> codes;
  for (size_t i = 0; i < kOpCount; ++i) {
    const OpInfo& oi = kOpInfo[i];
    INFO(oi.name);
    CHECK(codes.insert({oi.prefix, oi.code}).second);
    auto back = op_from_code(oi.prefix, oi.code);
    REQUIRE(back.has_value());
    CHECK(static_cast<size_t>(*back) == i);
    if (static_cast<Op>(i) != Op::SelectT) CHECK(op_from_name(oi.name) == static_cast<Op>(i));
  }
  // Wasm 2.0 has 236 SIMD instructions and 18 0xFC-prefixed ones.
  size_t fd = 0, fc = 0;
  for (const OpInfo& oi : kOpInfo) (oi.prefix == 0xfd ? fd : oi.prefix == 0xfc ? fc : fd) += oi.prefix != 0;
  CHECK(fd == 236);
  CHECK(fc == 18);
}

TEST_CASE("opcode table: lookups reject unknown codes") {
  CHECK_FALSE(op_from_code(0, 0x06).has_value());
  CHECK_FALSE(op_from_code(0xfc, 18).has_value());
  CHECK_FALSE(op_from_code(0xfd, 154).has_value());
  CHECK_FALSE(op_from_code(0xfd, 100000).has_value());
  CHECK_FALSE(op_from_name("i32.bogus").has_value());
  CHECK(info(Op::I32Load).aux == 2);
  CHECK(info(Op::I8x16ExtractLaneS).aux == 16);
}
