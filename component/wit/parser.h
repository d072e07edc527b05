// The WIT parser: one file's tokens to its syntax tree (WIT.md "Top-level items" onwards).
#pragma once

#include <string_view>

#include "component/wit/ast.h"
#include "shard/result.h"

namespace shard::wit {

/// Parses one .wit file. `path` is used in messages, `file_index` is stored in every Span.
/// Syntax errors are ErrorKind::Malformed; post-0.2 syntax (async, future, stream, map,
/// @external-id, nested namespaces) is ErrorKind::Unsupported.
Result<ast::File> parse_file(std::string_view path, uint32_t file_index, std::string_view text);

}  // namespace shard::wit
