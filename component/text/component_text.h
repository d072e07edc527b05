// The Component Model text format (../shared/component-model-spec/Explainer.md) → the component
// binary format (Binary.md), and the component forms of .wast scripts
// (../shared/component-model-tests/README.md). Only parsing: nothing here validates or runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shard/result.h"

namespace shard::component::text {

/// Encodes `(component $id? definition*)` into a component binary (preamble: magic, version
/// 0x0d, layer 0x01). Nested `(core module ...)` use the core text encoder. Identifiers are
/// resolved and abbreviations expanded as wasm-tools does, without a name section; the result
/// is not validated. Errors: Malformed with line:column, or Unsupported for features after
/// WASI 0.2 (async, stream/future, error-context, threads, value/start definitions).
Result<std::vector<uint8_t>> component_wat_to_binary(std::string_view text);

/// A component-level value in a script (wasmtime's wast syntax: `(u32.const 1)`,
/// `(str.const "a")`, `(record.const (field "a" u32.const 1))`, `(option.some v)`, ...).
struct ComponentValue {
  enum class Kind : uint8_t {
    Bool, S8, U8, S16, U16, S32, U32, S64, U64, F32, F64, Char, String,
    List, Tuple, Record, Variant, Enum, Flags, OptionNone, OptionSome, ResultOk, ResultErr,
  };
  Kind kind = Kind::Bool;
  /// Bool: 0/1; integers: the value's bits (two's complement, N bits); F32/F64: IEEE bits;
  /// Char: the code point.
  uint64_t bits = 0;
  /// String: the UTF-8 text; Variant/Enum: the case label.
  std::string text;
  /// Record: field names (parallel to `items`); Flags: the set flags.
  std::vector<std::string> labels;
  /// List/Tuple/Record elements; Variant/OptionSome/ResultOk/ResultErr: at most one payload.
  std::vector<ComponentValue> items;
};

struct ComponentSource {
  enum class Form : uint8_t { Text, Binary, Quote };
  Form form = Form::Text;
  std::optional<std::string> name;  ///< $id
  bool definition = false;          ///< (component definition ...): not instantiated
  /// Text: the encoded binary unless `error`; Binary: the bytes of the strings.
  std::vector<uint8_t> bytes;
  std::optional<Error> error;
  std::string quote;                ///< Quote: the strings, to parse as `(component <quote>)`
  uint32_t line = 0;
  size_t begin = 0, end = 0;        ///< byte range of the `(component ...)` form in the script
};

struct ComponentAction {
  std::optional<std::string> instance;  ///< $id, or the most recent component instance
  std::string field;
  std::vector<ComponentValue> args;
};

struct ComponentCommand {
  enum class Kind : uint8_t {
    Component,             ///< define (and unless `definition`, instantiate) a component
    ComponentInstance,     ///< (component instance $inst $def)
    Action,                ///< bare (invoke ...)
    AssertReturn,
    AssertTrap,            ///< action traps with `text` (ABI trap messages)
    AssertMalformed,
    AssertInvalid,
    AssertUnlinkable,
    AssertUninstantiable,  ///< (assert_trap (component ...) "msg")
  };
  Kind kind = Kind::Component;
  uint32_t line = 0;
  ComponentSource component;
  ComponentAction action;
  std::vector<ComponentValue> expected;  ///< AssertReturn
  std::string text;                      ///< expected message
  std::optional<std::string> name;       ///< ComponentInstance: the instance $id
  std::optional<std::string> definition; ///< ComponentInstance: the definition $id
};

struct ComponentScript {
  std::vector<ComponentCommand> commands;
};

/// Parses a component .wast script. Errors only for a script that is not well-formed; a
/// component that fails to encode keeps its error in ComponentSource::error.
Result<ComponentScript> parse_component_script(std::string_view text);

}  // namespace shard::component::text
