#include "valid/body_decoder.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "../binary/wasm_builder.h"
#include "binary/decoder.h"
#include "valid/validator.h"

using namespace shard;
using namespace shard::test;

namespace {

/// Records every hook as "hook op height [type]".
struct Recorder : VisitorBase {
  struct Control {
    int id = 0;
  };
  std::vector<std::string> log;
  int next_id = 0;

  void begin_function(const FunctionInfo& fi) { log.push_back(fmt::format("begin {} locals={}", fi.func_index, fi.locals.size())); }
  void end_function() { log.push_back("end_function"); }
  template <class F> void on_block(const Instr& i, F& f) { f.data.id = ++next_id; log.push_back(fmt::format("block h={} id={}", i.height, f.data.id)); }
  template <class F> void on_loop(const Instr& i, F& f) { f.data.id = ++next_id; log.push_back(fmt::format("loop h={} id={}", i.height, f.data.id)); }
  template <class F> void on_if(const Instr& i, F& f) {
    f.data.id = ++next_id;
    log.push_back(fmt::format("if h={} id={} frame_h={}", i.height, f.data.id, f.height));
  }
  template <class F> void on_else(const Instr& i, F& f) { log.push_back(fmt::format("else h={} id={}", i.height, f.data.id)); }
  template <class F> void on_end(const Instr& i, F& f) {
    log.push_back(fmt::format("end h={} id={} reachable={}", i.height, f.data.id, !f.unreachable));
  }
  template <class F> void on_br(const Instr& i, F& f) { log.push_back(fmt::format("br h={} to={}", i.height, f.data.id)); }
  template <class F> void on_br_if(const Instr& i, F& f) { log.push_back(fmt::format("br_if h={} to={}", i.height, f.data.id)); }
  template <class F> void on_br_table(const Instr& i, std::vector<F>& frames) {
    log.push_back(fmt::format("br_table h={} targets={} frames={}", i.height, i.targets.size(), frames.size()));
  }
  void on_return(const Instr& i) { log.push_back(fmt::format("return h={}", i.height)); }
  void on_op(const Instr& i) {
    std::string s = fmt::format("{} h={}", info(i.op).name, i.height);
    if (i.type != ValType::Bot) s += fmt::format(" {}", to_string(i.type));
    log.push_back(s);
  }
};

WasmModule decode(const Bytes& b) {
  auto r = decode_module(b);
  REQUIRE(r.ok());
  return std::move(r).value();
}

Error invalid_body(const Bytes& type, const Bytes& code, bool memory = false) {
  WasmModule m = decode(one_type_module(type, {code}, memory));
  auto r = validate_module(m);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

const Bytes kVoid = {0x60, 0x00, 0x00};
const Bytes kI32ToI32 = {0x60, 0x01, 0x7f, 0x01, 0x7f};

}  // namespace

TEST_CASE("the visitor sees each instruction typed, with stack heights", "[valid][visitor]") {
  // (func (param i32) (result i32) (local f32)
  //   (block (result i32) (local.get 0) (br_if 0 (local.get 0)))
  //   (if (result i32) (then (i32.const 1)) (else (i32.const 2)))
  //   (i32.add) ... )
  Bytes code = {0x01, 0x01, 0x7d,               // one f32 local
                0x02, 0x7f,                     // block (result i32)
                0x20, 0x00, 0x20, 0x00,         //   local.get 0, local.get 0
                0x0d, 0x00,                     //   br_if 0
                0x0b,                           // end
                0x04, 0x7f,                     // if (result i32)   [cond = block result]
                0x41, 0x01,                     //   i32.const 1
                0x05,                           // else
                0x41, 0x02,                     //   i32.const 2
                0x0b,                           // end
                0x0f,                           // return
                0x41, 0x05, 0x6a,               // dead: i32.const 5, i32.add
                0x0b};
  WasmModule m = decode(one_type_module(kI32ToI32, {code}));
  Recorder rec;
  BodyDecoder<Recorder> d(m, rec);
  auto r = d.decode_function(0);
  INFO((r ? std::string("ok") : r.error().message));
  REQUIRE(r.ok());
  std::vector<std::string> want = {
      "begin 0 locals=2",
      "block h=0 id=1",
      "local.get h=0 i32",
      "local.get h=1 i32",
      "br_if h=2 to=1",
      "end h=1 id=1 reachable=true",
      "if h=1 id=2 frame_h=0",
      "i32.const h=0",
      "else h=1 id=2",
      "i32.const h=0",
      "end h=1 id=2 reachable=true",
      "return h=1",
      // dead code: no on_op, but the function's end is still reported; the dead
      // i32.const/i32.add still typed (the stack holds their i32)
      "end h=1 id=0 reachable=false",
      "end_function",
  };
  CHECK(rec.log == want);
}

TEST_CASE("br_table and loops reach the visitor", "[valid][visitor]") {
  Bytes code = {0x00,
                0x03, 0x40,                    // loop
                0x02, 0x40,                    //   block
                0x41, 0x00,                    //     i32.const 0
                0x0e, 0x02, 0x00, 0x01, 0x00,  //     br_table 0 1 0
                0x0b, 0x0b, 0x0b};
  WasmModule m = decode(one_type_module(kVoid, {code}));
  Recorder rec;
  REQUIRE(decode_function(m, 0, rec).ok());
  CHECK(rec.log[1] == "loop h=0 id=1");
  CHECK(rec.log[2] == "block h=0 id=2");
  CHECK(rec.log[4] == "br_table h=1 targets=3 frames=3");
}

TEST_CASE("typing errors are invalid, with the spec's wording, offset and function", "[valid]") {
  // i32.const 0, f32.const 0, i32.add
  Error e = invalid_body(kVoid, {0x00, 0x41, 0x00, 0x43, 0, 0, 0, 0, 0x6a, 0x1a, 0x0b});
  CHECK(e.kind == ErrorKind::Invalid);
  CHECK(e.message.find("type mismatch") == 0);
  CHECK(e.message.find("function 0") != std::string::npos);
  CHECK(e.message.find("i32.add") != std::string::npos);
  WasmModule m = decode(one_type_module(kVoid, {{0x00, 0x41, 0x00, 0x43, 0, 0, 0, 0, 0x6a, 0x1a, 0x0b}}));
  CHECK(m.bytes[e.offset] == 0x6a);

  CHECK(invalid_body(kVoid, {0x00, 0x20, 0x02, 0x1a, 0x0b}).message.find("unknown local 2") == 0);
  CHECK(invalid_body(kVoid, {0x00, 0x23, 0x00, 0x1a, 0x0b}).message.find("unknown global 0") == 0);
  CHECK(invalid_body(kVoid, {0x00, 0x10, 0x07, 0x0b}).message.find("unknown function 7") == 0);
  CHECK(invalid_body(kVoid, {0x00, 0x0c, 0x01, 0x0b}).message.find("unknown label 1") == 0);
  CHECK(invalid_body(kVoid, {0x00, 0x41, 0x00, 0x11, 0x00, 0x00, 0x0b}).message.find("unknown table 0") == 0);
  CHECK(invalid_body(kVoid, {0x00, 0x02, 0x05, 0x0b, 0x0b}).message.find("unknown type 5") == 0);
  CHECK(invalid_body(kVoid, {0x00, 0xfc, 0x0d, 0x00, 0x0b}).message.find("unknown elem segment 0") == 0);
  CHECK(invalid_body(kVoid, {0x00, 0x41, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b}).message.find("unknown memory 0") == 0);
  CHECK(invalid_body(kVoid, {0x00, 0x41, 0x00, 0x28, 0x03, 0x00, 0x1a, 0x0b}, true).message.find(
            "alignment must not be larger than natural") == 0);
  CHECK(invalid_body(kVoid, {0x00, 0xd2, 0x00, 0x1a, 0x0b}).message.find("undeclared function reference") == 0);
  // v128.const then i8x16.extract_lane_s 16
  Bytes lane = {0x00, 0xfd, 0x0c};
  lane.insert(lane.end(), 16, 0);
  lane.insert(lane.end(), {0xfd, 0x15, 0x10, 0x1a, 0x0b});
  CHECK(invalid_body(kVoid, lane).message.find("invalid lane index") == 0);
  // Function results: nothing on the stack for an i32 result.
  CHECK(invalid_body(kI32ToI32, {0x00, 0x0b}).message.find("type mismatch") == 0);
  // Extra value at the end of the function.
  CHECK(invalid_body(kVoid, {0x00, 0x41, 0x00, 0x0b}).message.find("type mismatch") == 0);
  // Untyped select on references is not allowed.
  CHECK(invalid_body(kVoid, {0x00, 0xd0, 0x70, 0xd0, 0x70, 0x41, 0x00, 0x1b, 0x1a, 0x0b}).message.find(
            "type mismatch") == 0);
  // br_table targets with different arities.
  CHECK(invalid_body(kVoid, {0x00, 0x02, 0x7f, 0x41, 0x00, 0x41, 0x00, 0x0e, 0x01, 0x00, 0x01, 0x0b, 0x1a, 0x0b})
            .message.find("type mismatch") == 0);
}

TEST_CASE("unreachable code has a polymorphic stack", "[valid]") {
  // unreachable; i32.add; drop; select; drop  -- all valid after unreachable
  WasmModule m = decode(one_type_module(kVoid, {{0x00, 0x00, 0x6a, 0x1a, 0x1b, 0x1a, 0x0b}}));
  CHECK(validate_module(m).ok());
  // But types that are present still count: unreachable; f32.const; i32.add is invalid.
  CHECK(invalid_body(kVoid, {0x00, 0x00, 0x43, 0, 0, 0, 0, 0x6a, 0x0b}).message.find("type mismatch") == 0);
}

TEST_CASE("byte-level problems in bodies are malformed", "[valid]") {
  auto malformed = [](const Bytes& code) {
    WasmModule m = decode(one_type_module(kVoid, {code}, true));
    auto r = validate_module(m);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Malformed);
    return r.error().message;
  };
  CHECK(malformed({0x00, 0xff, 0x0b}).find("illegal opcode ff") == 0);
  CHECK(malformed({0x00, 0xfc, 0x63, 0x0b}).find("illegal opcode fc 63") == 0);
  CHECK(malformed({0x00, 0x01}).find("unexpected end") == 0);
  CHECK(malformed({0x00, 0x01}).find("END opcode expected") != std::string::npos);
  CHECK(malformed({0x00, 0x0b, 0x01}).find("section size mismatch") == 0);
  // memarg flags: bits 0-5 alignment, bit 6 memory index follows; anything above is malformed.
  CHECK(malformed({0x00, 0x41, 0x00, 0x28, 0x80, 0x01, 0x00, 0x1a, 0x0b}).find("malformed memop flags") == 0);
  CHECK(malformed({0x00, 0xfc, 0x09, 0x00, 0x0b}).find("data count section required") == 0);
  CHECK(malformed({0x00, 0x41}).find("unexpected end") == 0);
  CHECK(malformed({0x00, 0x02, 0x50, 0x0b, 0x0b}).find("malformed value type") == 0);
}

TEST_CASE("a malformed body wins over an earlier invalid one", "[valid]") {
  WasmModule m = decode(one_type_module(kVoid, {{0x00, 0x41, 0x00, 0x0b}, {0x00, 0xff, 0x0b}}));
  auto r = validate_module(m);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Malformed);
}

TEST_CASE("module-level validation rules", "[valid]") {
  auto invalid = [](const Bytes& b) {
    auto r = load_module(b);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Invalid);
    return r.error().message;
  };
  CHECK(invalid(module({section(5, {0x01, 0x00, 0x81, 0x80, 0x04})})) ==
        "memory size must be at most 65536 pages (4GiB)");
  CHECK(invalid(module({section(5, {0x01, 0x01, 0x02, 0x01})})) == "size minimum must not be greater than maximum");
  CHECK(invalid(module({section(3, {0x01, 0x00}), section(10, {0x01, 0x02, 0x00, 0x0b})})) == "unknown type 0");
  Bytes type = section(1, {0x01, 0x60, 0x01, 0x7f, 0x00});
  Bytes funcs = section(3, {0x01, 0x00});
  Bytes code = section(10, {0x01, 0x02, 0x00, 0x0b});
  CHECK(invalid(module({type, funcs, section(8, {0x00}), code})).find("start function") == 0);
  CHECK(invalid(module({type, funcs, section(7, cat({{0x02}, str("a"), {0x00, 0x00}, str("a"), {0x00, 0x00}})),
                        code})) == "duplicate export name");
  CHECK(invalid(module({section(6, {0x01, 0x7f, 0x00, 0x42, 0x00, 0x0b})})).find("type mismatch") == 0);
  CHECK(invalid(module({section(6, {0x01, 0x7f, 0x00, 0x23, 0x00, 0x0b})})) == "unknown global 0");
  CHECK(invalid(module({section(11, {0x01, 0x00, 0x41, 0x00, 0x0b, 0x00})})) == "unknown memory 0");
  CHECK(invalid(module({section(9, {0x01, 0x00, 0x41, 0x00, 0x0b, 0x00})})) == "unknown table 0");
}

namespace {

/// (memory 1) (memory 0) defined, one function of type [] -> [] with `code` (locals
/// included), and, with `data`, a data count section and one passive segment.
Bytes two_memory_module(const Bytes& code, bool data = false) {
  Bytes out = module({section(1, {0x01, 0x60, 0x00, 0x00}), section(3, {0x01, 0x00}),
                      section(5, {0x02, 0x00, 0x01, 0x00, 0x00})});
  if (data) out = cat({out, section(12, {0x01})});
  out = cat({out, section(10, cat({{0x01}, body(code)}))});
  if (data) out = cat({out, section(11, {0x01, 0x01, 0x00})});
  return out;
}

std::string load_error(const Bytes& b) {
  auto r = load_module(b);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Invalid);
  return r.error().message;
}

}  // namespace

TEST_CASE("multi-memory: two memories validate and instructions name them", "[valid][multi-memory]") {
  // i32.const 0, i32.const 0, i32.store memarg{flags 0x42 (align 2, memidx follows), mem 1, offset 4}
  // i32.const 0, i32.load memarg{flags 0x40, mem 1, offset 0}, drop
  // memory.size 1, memory.grow 1, drop
  // i32.const 0 x3, memory.copy 0 1; i32.const 0 x3, memory.fill 1; i32.const 0 x3, memory.init 0 1
  Bytes code = {0x00,
                0x41, 0x00, 0x41, 0x00, 0x36, 0x42, 0x01, 0x04,
                0x41, 0x00, 0x28, 0x40, 0x01, 0x00, 0x1a,
                0x3f, 0x01, 0x40, 0x01, 0x1a,
                0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0a, 0x00, 0x01,
                0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0b, 0x01,
                0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x08, 0x00, 0x01,
                0x0b};
  auto m = load_module(two_memory_module(code, true));
  INFO((m ? std::string("ok") : m.error().message));
  REQUIRE(m.ok());
  CHECK(m->num_memories() == 2);

  struct Memories : VisitorBase {
    std::vector<std::string> log;
    void on_op(const Instr& i) {
      if (info(i.op).imm == Imm::MemArg)
        log.push_back(fmt::format("{} mem={} align={} offset={}", info(i.op).name, i.index, i.align, i.offset_imm));
      else if (info(i.op).imm == Imm::Memory || info(i.op).imm == Imm::MemoryCopy || info(i.op).imm == Imm::MemoryInit)
        log.push_back(fmt::format("{} {} {}", info(i.op).name, i.index, i.index2));
    }
  } v;
  REQUIRE(decode_function(*m, 0, v).ok());
  CHECK(v.log == std::vector<std::string>{"i32.store mem=1 align=2 offset=4", "i32.load mem=1 align=0 offset=0",
                                          "memory.size 1 0", "memory.grow 1 0", "memory.copy 0 1",
                                          "memory.fill 1 0", "memory.init 0 1"});
}

TEST_CASE("multi-memory: unknown memory indices are invalid with the spec's wording", "[valid][multi-memory]") {
  auto body_error = [](const Bytes& code) { return load_error(two_memory_module(code, true)); };
  CHECK(body_error({0x00, 0x41, 0x00, 0x28, 0x42, 0x02, 0x00, 0x1a, 0x0b}).find("unknown memory 2") == 0);
  CHECK(body_error({0x00, 0x41, 0x00, 0x41, 0x00, 0x36, 0x40, 0x05, 0x00, 0x0b}).find("unknown memory 5") == 0);
  CHECK(body_error({0x00, 0x3f, 0x02, 0x1a, 0x0b}).find("unknown memory 2") == 0);
  CHECK(body_error({0x00, 0x41, 0x00, 0x40, 0x02, 0x1a, 0x0b}).find("unknown memory 2") == 0);
  CHECK(body_error({0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0a, 0x01, 0x02, 0x0b}).find("unknown memory 2") == 0);
  CHECK(body_error({0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0a, 0x03, 0x00, 0x0b}).find("unknown memory 3") == 0);
  CHECK(body_error({0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0b, 0x02, 0x0b}).find("unknown memory 2") == 0);
  // memory.init checks the memory before the data segment (as the reference interpreter).
  CHECK(body_error({0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x08, 0x07, 0x02, 0x0b}).find("unknown memory 2") == 0);
  CHECK(body_error({0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x08, 0x07, 0x01, 0x0b}).find("unknown data segment 7") == 0);
  // The alignment is the low 6 bits of the flags, checked against the access width.
  CHECK(body_error({0x00, 0x41, 0x00, 0x28, 0x43, 0x01, 0x00, 0x1a, 0x0b}).find("alignment must not be larger than natural") == 0);
  // Without any memory, memory 0 is unknown too.
  CHECK(invalid_body(kVoid, {0x00, 0x3f, 0x00, 0x1a, 0x0b}).message.find("unknown memory 0") == 0);
  CHECK(invalid_body(kVoid, {0x00, 0x3f, 0x01, 0x1a, 0x0b}, true).message.find("unknown memory 1") == 0);

  // Module level: data segments and exports name memories by index.
  Bytes mems = section(5, {0x02, 0x00, 0x01, 0x00, 0x00});
  CHECK(load_module(module({mems, section(11, {0x01, 0x02, 0x01, 0x41, 0x00, 0x0b, 0x00})})).ok());
  CHECK(load_error(module({mems, section(11, {0x01, 0x02, 0x02, 0x41, 0x00, 0x0b, 0x00})})) == "unknown memory 2");
  CHECK(load_module(module({mems, section(7, cat({{0x01}, str("m1"), {0x02, 0x01}}))})).ok());
  CHECK(load_error(module({mems, section(7, cat({{0x01}, str("m2"), {0x02, 0x02}}))})) == "unknown memory 2");
  // Every memory's limits are checked.
  CHECK(load_error(module({section(5, {0x02, 0x00, 0x01, 0x01, 0x02, 0x01})})) ==
        "size minimum must not be greater than maximum");
}
