#include "binary/decoder.h"
#include "binary/immediates.h"

#include <catch2/catch.hpp>
#include <chrono>

#include "valid/validator.h"
#include "wasm_builder.h"

using namespace shard;
using namespace shard::test;

namespace {

std::string malformed(const Bytes& b) {
  auto r = decode_module(b);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Malformed);
  return r.error().message;
}

/// A module that exercises every section (Wasm 2.0).
Bytes full_module() {
  Bytes types = cat({{0x02}, {0x60, 0x01, 0x7f, 0x01, 0x7f}, {0x60, 0x00, 0x00}});
  Bytes imports = cat({{0x02}, str("env"), str("f"), {0x00, 0x00}, str("env"), str("g"), {0x03, 0x7f, 0x00}});
  Bytes funcs = {0x02, 0x00, 0x01};
  Bytes tables = {0x01, 0x70, 0x01, 0x01, 0x02};
  Bytes memories = {0x01, 0x00, 0x01};
  Bytes globals = {0x01, 0x7e, 0x01, 0x42, 0x7f, 0x0b};                                    // (mut i64) -1
  Bytes exports = cat({{0x02}, str("add"), {0x00, 0x01}, str("mem"), {0x02, 0x00}});
  Bytes start = {0x02};
  Bytes elems = {0x02, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x01,                                  // active, funcs [1]
                 0x05, 0x70, 0x01, 0xd0, 0x70, 0x0b};                                       // passive exprs
  Bytes datacount = {0x02};
  Bytes code = cat({{0x02}, body({0x01, 0x02, 0x7f, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b}), body({0x00, 0x0b})});
  Bytes datas = cat({{0x02, 0x00, 0x41, 0x08, 0x0b}, str("hi"), {0x01}, str("xyz")});
  Bytes names = cat({{0x00}, leb(4), str("mod"),                                // module name
                     {0x01}, leb(6), {0x01, 0x01}, str("add"),                  // function 1
                     {0x02}, leb(6), {0x01, 0x01, 0x01, 0x00}, str("x")});      // local 0 of function 1
  return module({section(1, types), section(2, imports), section(3, funcs), section(4, tables),
                 section(5, memories), section(6, globals), section(7, exports), section(8, start),
                 section(9, elems), section(12, datacount), section(10, code), section(11, datas),
                 section(0, cat({str("name"), names}))});
}

}  // namespace

TEST_CASE("a module with every section decodes into the IR", "[binary]") {
  auto r = decode_module(full_module());
  REQUIRE(r.ok());
  const WasmModule& m = *r;
  REQUIRE(m.types.size() == 2);
  CHECK(m.types[0].params == std::vector<ValType>{ValType::I32});
  REQUIRE(m.imports.size() == 2);
  CHECK(m.imports[1].kind == ExternKind::Global);
  CHECK(m.num_imported_funcs == 1);
  CHECK(m.num_funcs() == 3);
  CHECK(m.func_type_indices == std::vector<uint32_t>{0, 0, 1});
  CHECK(m.num_tables() == 1);
  CHECK(m.all_tables[0].limits.max == 2u);
  CHECK(m.num_memories() == 1);
  CHECK(m.num_globals() == 2);
  CHECK(m.all_globals[1].mut);
  REQUIRE(m.globals[0].init.instrs.size() == 1);
  CHECK(m.globals[0].init.instrs[0].op == Op::I64Const);
  CHECK(m.globals[0].init.instrs[0].bytes[7] == 0xff);  // sign-extended -1
  CHECK(m.exports.size() == 2);
  CHECK(m.start == 2u);
  REQUIRE(m.elems.size() == 2);
  CHECK(m.elems[0].mode == SegmentMode::Active);
  CHECK(m.elems[0].inits[0].instrs[0].op == Op::RefFunc);
  CHECK(m.elems[1].mode == SegmentMode::Passive);
  CHECK(m.elems[1].inits[0].instrs[0].op == Op::RefNull);
  CHECK(m.data_count == 2u);
  REQUIRE(m.functions.size() == 2);
  CHECK(m.functions[0].locals == std::vector<ValType>{ValType::I32, ValType::I32});
  CHECK(m.bytes[m.functions[0].body_offset] == 0x20);
  CHECK(m.bytes[m.functions[0].body_end - 1] == 0x0b);
  REQUIRE(m.datas.size() == 2);
  CHECK(m.datas[0].data_size == 2);
  CHECK(m.bytes[m.datas[1].data_offset] == 'x');
  CHECK(m.datas[1].mode == SegmentMode::Passive);
  CHECK(m.names.module_name == "mod");
  CHECK(m.func_name(1) == "add");
  CHECK(m.names.locals.at(1).at(0) == "x");
  CHECK(load_module(full_module()).ok());
}

TEST_CASE("header errors", "[binary]") {
  CHECK(malformed({}) == "unexpected end");
  CHECK(malformed({0x00, 0x61, 0x73}) == "unexpected end");
  CHECK(malformed({0x00, 0x41, 0x53, 0x4d, 1, 0, 0, 0}) == "magic header not detected");
  CHECK(malformed({0x00, 0x61, 0x73, 0x6d, 1, 0}) == "unexpected end");
  CHECK(malformed({0x00, 0x61, 0x73, 0x6d, 2, 0, 0, 0}) == "unknown binary version");
  CHECK(decode_module(header()).ok());
}

TEST_CASE("section structure errors", "[binary]") {
  CHECK(malformed(module({section(14, {0x00})})) == "malformed section id");
  CHECK(malformed(module({section(3, {0x00}), section(1, {0x00})})) == "unexpected content after last section");
  CHECK(malformed(module({section(1, {0x00}), section(1, {0x00})})) == "unexpected content after last section");
  CHECK(malformed(module({section(1, {0x00, 0x00})})) == "section size mismatch");
  CHECK(malformed(module({{0x01, 0x05, 0x00}})) == "length out of bounds");
  CHECK(malformed(module({section(3, {0x01, 0x00})})) == "function and code section have inconsistent lengths");
  CHECK(malformed(module({section(10, {0x01, 0x02, 0x00, 0x0b})})) ==
        "function and code section have inconsistent lengths");
  CHECK(malformed(module({section(12, {0x01})})) == "data count and data section have inconsistent lengths");
  CHECK(malformed(module({section(12, {0x02}), section(11, {0x00})})) ==
        "data count and data section have inconsistent lengths");
  CHECK(malformed(module({section(2, cat({{0x01}, str("a"), str("b"), {0x05}}))})) == "malformed import kind");
  CHECK(malformed(module({section(4, {0x01, 0x70, 0x02, 0x00})})) == "malformed limits flags");
  CHECK(malformed(module({section(4, {0x01, 0x7f, 0x00, 0x00})})) == "malformed reference type");
  CHECK(malformed(module({section(6, {0x01, 0x7f, 0x02, 0x41, 0x00, 0x0b})})) == "malformed mutability");
  CHECK(malformed(module({section(1, {0x01, 0x60, 0x01, 0x00, 0x00})})) == "malformed value type");
  CHECK(malformed(module({section(9, {0x01, 0x08})})) == "malformed elements segment kind");
  CHECK(malformed(module({section(11, {0x01, 0x03})})) == "malformed data segment kind");
  CHECK(malformed(module({section(0, cat({{0x02, 0xc0, 0x80}}))})) == "malformed UTF-8 encoding");
  // A constant expression may not run past its section.
  CHECK(malformed(module({section(6, {0x01, 0x7f, 0x00, 0x41, 0x00})})) == "unexpected end of section or function");
  CHECK(malformed(module({section(6, {0x01, 0x7f, 0x00, 0xff, 0x0b})})) == "illegal opcode ff");
}

TEST_CASE("hostile counts fail fast without allocating", "[binary]") {
  auto t0 = std::chrono::steady_clock::now();
  // 4 billion types, imports, functions, globals, elements, data segments, br_table targets.
  for (uint8_t id : {1, 2, 3, 4, 5, 6, 7, 9, 10, 11})
    CHECK(malformed(module({section(id, {0xff, 0xff, 0xff, 0xff, 0x0f})})) == "length out of bounds");
  // Locals: 0xffffffff i32 plus more; the count is checked before the vector is filled.
  Bytes code = cat({{0x01}, body({0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x02, 0x7e, 0x0b})});
  CHECK(malformed(module({section(1, {0x01, 0x60, 0x00, 0x00}), section(3, {0x01, 0x00}), section(10, code)})) ==
        "too many locals");
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  CHECK(ms < 1000);
}

TEST_CASE("every truncation of a real module is rejected without crashing", "[binary]") {
  Bytes full = full_module();
  for (size_t n = 0; n < full.size(); ++n) {
    Bytes prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    auto r = load_module(prefix);
    // A prefix that ends exactly at a section boundary can be a valid module; any other
    // prefix must fail.
    if (!r.ok()) CHECK(r.error().offset <= n);
  }
  // Flipping each byte must not crash either.
  for (size_t i = 8; i < full.size(); ++i) {
    Bytes b = full;
    b[i] ^= 0xff;
    (void)load_module(b);
  }
}

TEST_CASE("a malformed name section is ignored", "[binary]") {
  Bytes bad_names = cat({str("name"), {0x01, 0x05, 0x01, 0x00, 0x05, 'a'}});  // truncated function name
  auto r = decode_module(module({section(0, bad_names)}));
  REQUIRE(r.ok());
  CHECK(r->names.functions.empty());
  REQUIRE(r->customs.size() == 1);
  CHECK(r->customs[0].name == "name");
}

TEST_CASE("non-constant instructions in constant expressions decode and fail validation", "[binary]") {
  Bytes m = module({section(6, {0x01, 0x7f, 0x00, 0x41, 0x01, 0x67, 0x0b})});  // i32.const 1 i32.clz
  auto r = decode_module(m);
  REQUIRE(r.ok());
  auto v = validate_module(*r);
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().kind == ErrorKind::Invalid);
  CHECK(v.error().message.find("constant expression required") != std::string::npos);
}

TEST_CASE("multi-memory: imported and defined memories share one index space", "[binary][multi-memory]") {
  // (import "env" "m" (memory 1 2)) (memory 0) (memory 3)
  // (data (memory 2) (i32.const 8) "ab") (data (memory 0) (i32.const 0) "c") — flags 2 and 0
  Bytes imports = cat({{0x01}, str("env"), str("m"), {0x02, 0x01, 0x01, 0x02}});
  Bytes memories = {0x02, 0x00, 0x00, 0x00, 0x03};
  Bytes datas = cat({{0x02}, {0x02, 0x02, 0x41, 0x08, 0x0b}, str("ab"), {0x00, 0x41, 0x00, 0x0b}, str("c")});
  auto r = decode_module(module({section(2, imports), section(5, memories), section(11, datas)}));
  REQUIRE(r.ok());
  const WasmModule& m = *r;
  CHECK(m.num_imported_memories == 1);
  CHECK(m.memories.size() == 2);
  REQUIRE(m.num_memories() == 3);
  CHECK(m.all_memories[0].limits.max == 2u);
  CHECK(m.all_memories[1].limits.min == 0);
  CHECK(m.all_memories[2].limits.min == 3);
  REQUIRE(m.datas.size() == 2);
  CHECK(m.datas[0].mode == SegmentMode::Active);
  CHECK(m.datas[0].memory == 2);
  CHECK(m.datas[1].memory == 0);
  CHECK(load_module(module({section(2, imports), section(5, memories), section(11, datas)})).ok());
}

TEST_CASE("multi-memory: immediates with memory indices are read whole", "[binary][multi-memory]") {
  auto read = [](Op op, const Bytes& imm) {
    Bytes b = cat({imm, {0xee}});
    binary::Reader r(b.data(), 0, b.size());
    Immediates out;
    binary::ImmediateScratch scratch;
    REQUIRE(binary::read_immediates<true>(r, info(op), out, scratch));
    return std::pair{r.pos(), out};
  };
  auto [at, imm] = read(Op::I32Load, {0x02, 0x10});  // align 2, offset 16
  CHECK(at == 2);
  CHECK((imm.align == 2 && imm.offset_imm == 16 && imm.index == 0));
  std::tie(at, imm) = read(Op::I32Load, {0x42, 0x81, 0x01, 0x10});  // bit 6: memory 129 follows
  CHECK(at == 4);
  CHECK(imm.index == 129);
  std::tie(at, imm) = read(Op::V128Load8Lane, {0x40, 0x01, 0x00, 0x03});  // memory 1, offset 0, lane 3
  CHECK(at == 4);
  CHECK((imm.index == 1 && imm.lane == 3));
  CHECK(read(Op::MemorySize, {0x85, 0x01}).first == 2);  // memidx is a u32, not a byte
  std::tie(at, imm) = read(Op::MemoryCopy, {0x01, 0x82, 0x01});
  CHECK((at == 3 && imm.index == 1 && imm.index2 == 130));
  std::tie(at, imm) = read(Op::MemoryInit, {0x00, 0x02});  // dataidx, then memidx
  CHECK((at == 2 && imm.index == 0 && imm.index2 == 2));
}

TEST_CASE("immediates: malformed bytes are rejected where they stand", "[binary]") {
  auto error = [](Op op, const Bytes& imm) {
    binary::Reader r(imm.data(), 0, imm.size());
    Immediates out;
    binary::ImmediateScratch scratch;
    REQUIRE_FALSE(binary::read_immediates<true>(r, info(op), out, scratch));
    return std::pair{r.error().offset, r.error().message};
  };
  CHECK(error(Op::I32Load, {0x80, 0x01, 0x00}) == std::pair<size_t, std::string>{0, "malformed memop flags"});
  CHECK(error(Op::I32Load, {0x02, 0x80, 0x80, 0x80, 0x80, 0x10}) ==
        std::pair<size_t, std::string>{1, "integer too large"});
  CHECK(error(Op::RefNull, {0x7f}) == std::pair<size_t, std::string>{0, "malformed reference type"});
  CHECK(error(Op::TryTable, {0x40, 0x01, 0x04, 0x00}) == std::pair<size_t, std::string>{2, "malformed catch clause"});
  CHECK(error(Op::SelectT, {0x01, 0x55}).second == "malformed value type");
  CHECK(error(Op::BrTable, {0x02, 0x00}).second == "unexpected end of section or function");
}
