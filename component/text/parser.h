// Component text → AST with abbreviations expanded (parser.cpp) and AST → binary (encoder.cpp).
// Internal to component/text; errors unwind as shard::text::TextError to the entry points.
//
// The error model of the s-expression text parsers (lib/text and component/text alike): a
// syntax error throws shard::text::TextError, which only the entry points (wat_to_binary,
// parse_script, component_wat_to_binary, parse_component_script) catch and return as a Result;
// everything else in Shard, and every function these layers export, returns Result/Trap. Why
// the exception inside: the grammar is deeply nested recursive descent in which almost every
// token read can fail, and a syntax error ends the whole parse (no recovery), so unwinding to
// the entry point is exactly the control flow needed; threading Result through the ~300
// grammar functions would add a check after every token read and change no behaviour. The
// parsers run on the host's stack only (never under a guest frame or JIT code), and no
// TextError leaves the text layers. The component parser shares lib/text's Cursor and is
// called from inside the .wast parser, so it must use the same model as lib/text.
#pragma once

#include <cstdint>
#include <vector>

#include "component/text/ast.h"
#include "text/cursor.h"

namespace shard::component::text {

/// Parses the definitions of a component from the cursor up to (not including) its closing `)`.
std::vector<Field> parse_component_fields(shard::text::Cursor& c);

/// Encodes a parsed component (Binary.md: component), resolving identifiers; `id` is the
/// component's own identifier, which `outer` aliases may name.
std::vector<uint8_t> encode_component(std::vector<Field>& fields, const std::string& id);

/// After `(component`: `$id?` and the definitions, up to the closing `)` (not consumed).
inline std::vector<uint8_t> encode_component_at(shard::text::Cursor& c) {
  std::string id;
  if (c.at(shard::text::TokenKind::Id)) id = c.next().value;
  auto fields = parse_component_fields(c);
  return encode_component(fields, id);
}

/// Throws a TextError of kind Unsupported: a Component Model feature after WASI 0.2.
[[noreturn]] void unsupported(const shard::text::Token& at, const std::string& what);

}  // namespace shard::component::text
