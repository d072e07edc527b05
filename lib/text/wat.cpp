#include "text/wat.h"

#include "text/module_parser.h"

namespace shard {

using text::Cursor;
using text::TextError;
using text::TokenKind;

Result<std::vector<uint8_t>> wat_to_binary(std::string_view text, const WatOptions& options) {
  auto tokens = text::tokenize(text);
  if (!tokens) return std::move(tokens).error();
  Cursor c(*tokens, 0);
  try {
    std::vector<uint8_t> bytes;
    if (c.at_field("module")) {
      c.next();
      c.next();
      std::string_view id;
      if (c.at(TokenKind::Id)) id = c.next().value;
      bytes = text::encode_module_fields(c, options.names, id);
      c.expect_rparen();
    } else {
      bytes = text::encode_module_fields(c, options.names);
    }
    if (!c.at(TokenKind::Eof)) c.unexpected();
    return bytes;
  } catch (TextError& e) {
    return std::move(e.error);
  }
}

}  // namespace shard
