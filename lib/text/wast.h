// The .wast script format (../shared/wasm-testsuite/SCRIPT-FORMAT.md), parsed into commands.
// The parser (wast_parser.cpp) only parses; the runner (lib/wast/) executes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shard/result.h"
#include "types.h"

namespace shard::wast {

/// A concrete argument value: numbers and v128 as little-endian bits, references as null or
/// a host ("extern") reference number.
struct Value {
  ValType type = ValType::I32;
  std::array<uint8_t, 16> bits{};  ///< i32/f32 use 4 bytes, i64/f64 8, v128 16
  bool is_null = false;            ///< for reference types
  uint32_t extern_index = 0;       ///< for ref.extern N (ExternRef, not null)
};

enum class LaneShape : uint8_t { I8x16, I16x8, I32x4, I64x2, F32x4, F64x2 };

/// One expected result (result_pat in SCRIPT-FORMAT.md).
struct ResultPat {
  enum class Kind : uint8_t {
    Exact,          ///< numbers and v128: bit-exact `bits` (v128 lanes may still hold NaN patterns, see lanes)
    NanCanonical,   ///< f32/f64 nan:canonical
    NanArithmetic,  ///< f32/f64 nan:arithmetic
    RefNull,        ///< (ref.null funcref|externref|func|extern)
    RefExtern,      ///< (ref.extern N) or (ref.extern) for any non-null extern
    RefFunc,        ///< (ref.func) any non-null funcref
    Either,         ///< (either pat+)
  };
  Kind kind = Kind::Exact;
  ValType type = ValType::I32;
  std::array<uint8_t, 16> bits{};
  /// v128 only: the lane shape written in the script, and per lane Exact / NanCanonical /
  /// NanArithmetic (float shapes may mix NaN patterns with exact lanes).
  LaneShape shape = LaneShape::I32x4;
  std::array<Kind, 16> lanes{};
  std::optional<uint32_t> extern_index;  ///< RefExtern with a number
  std::vector<ResultPat> alternatives;   ///< Either
};

struct Action {
  enum class Kind : uint8_t { Invoke, Get };
  Kind kind = Kind::Invoke;
  std::optional<std::string> module;  ///< $name, or the most recent module
  std::string field;                  ///< export name (UTF-8, escapes decoded)
  std::vector<Value> args;
};

/// A module as written in the script.
struct ModuleSource {
  enum class Form : uint8_t { Text, Binary, Quote };
  Form form = Form::Text;
  std::optional<std::string> name;  ///< $id
  bool definition = false;          ///< (module definition ...): validated, not instantiated
  /// Text: the encoded binary, or `error` if the text did not encode (reported when run).
  /// Binary: the bytes of the string literals.
  std::vector<uint8_t> bytes;
  std::optional<Error> error;
  std::string quote;  ///< Quote: concatenated strings, parsed at run time
  uint32_t line = 0;  ///< 1-based line of the `(module` token (added by the text parser)
};

struct Command {
  enum class Kind : uint8_t {
    Module,                ///< define (and unless `definition`, instantiate) a module
    ModuleInstance,        ///< (module instance $inst $def)
    Register,              ///< (register "name" $mod?)
    Action,                ///< bare invoke/get
    AssertReturn,
    AssertTrap,            ///< action traps
    AssertExhaustion,
    AssertException,
    AssertMalformed,
    AssertInvalid,
    AssertUnlinkable,
    AssertUninstantiable,  ///< (assert_trap (module ...) "msg"): instantiation traps
  };
  Kind kind = Kind::Module;
  uint32_t line = 0;  ///< 1-based line of the command's opening parenthesis
  ModuleSource module;                      ///< WasmModule, AssertMalformed/Invalid/Unlinkable/Uninstantiable
  Action action;                            ///< Action, AssertReturn/Trap/Exhaustion/Exception
  std::vector<ResultPat> expected;          ///< AssertReturn
  std::string text;                         ///< expected failure message; Register: the name
  std::optional<std::string> name;          ///< Register: the module $id; ModuleInstance: instance $id
  std::optional<std::string> definition;    ///< ModuleInstance: the definition $id
};

struct Script {
  std::vector<Command> commands;
};

/// Parses a whole script. Errors (with line:column) only for a script that is itself not
/// well-formed s-expressions / commands; a module whose text fails to encode is carried in
/// ModuleSource::error so assert_malformed can check it and the rest of the script still runs.
Result<Script> parse_script(std::string_view text);

}  // namespace shard::wast
