// Component text → AST with abbreviations expanded (parser.cpp) and AST → binary (encoder.cpp).
// Internal to component/text; errors unwind as shard::text::TextError to the entry points.
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
