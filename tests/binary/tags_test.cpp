// Exception handling in the binary format: the tag section (id 13, between memory and
// global), tag imports and exports (kind 4), exnref (0x69), and try_table's immediates.
#include <catch2/catch.hpp>

#include <vector>

#include "binary/decoder.h"

using namespace shard;

namespace {

std::vector<uint8_t> with_header(const std::vector<uint8_t>& body) {
  static constexpr uint8_t kHeader[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  std::vector<uint8_t> out;
  out.reserve(sizeof(kHeader) + body.size());
  for (uint8_t c : kHeader) out.push_back(c);
  for (uint8_t c : body) out.push_back(c);
  return out;
}

// type 0: (func (param i32)), type 1: (func (param exnref))
const std::vector<uint8_t> kTypes = {0x01, 0x09, 0x02, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x01, 0x69, 0x00};

}  // namespace

TEST_CASE("binary: tag section, tag imports and exports", "[binary][exceptions]") {
  std::vector<uint8_t> b = kTypes;
  // import "m" "t" (tag (type 0))
  b.insert(b.end(), {0x02, 0x08, 0x01, 0x01, 'm', 0x01, 't', 0x04, 0x00, 0x00});
  // tag section: two tags, types 0 and 1
  b.insert(b.end(), {0x0d, 0x05, 0x02, 0x00, 0x00, 0x00, 0x01});
  // export "e" (tag 2)
  b.insert(b.end(), {0x07, 0x05, 0x01, 0x01, 'e', 0x04, 0x02});
  auto m = decode_module(with_header(b));
  REQUIRE(m);
  REQUIRE(m->imports.size() == 1);
  CHECK(m->imports[0].kind == ExternKind::Tag);
  CHECK(m->imports[0].tag.type_index == 0);
  CHECK(m->num_imported_tags == 1);
  REQUIRE(m->tags.size() == 2);
  CHECK(m->num_tags() == 3);
  CHECK(m->all_tags[2].type_index == 1);
  CHECK(m->types[1].params[0] == ValType::ExnRef);
  REQUIRE(m->exports.size() == 1);
  CHECK(m->exports[0].kind == ExternKind::Tag);
  CHECK(m->exports[0].index == 2);
}

TEST_CASE("binary: tag section errors", "[binary][exceptions]") {
  // The attribute byte must be 0 (exception).
  std::vector<uint8_t> b = kTypes;
  b.insert(b.end(), {0x0d, 0x03, 0x01, 0x01, 0x00});
  auto m = decode_module(with_header(b));
  REQUIRE(!m);
  CHECK(m.error().message.find("malformed tag attribute") != std::string::npos);
  // The tag section comes before the global section.
  b = kTypes;
  b.insert(b.end(), {0x06, 0x06, 0x01, 0x7f, 0x00, 0x41, 0x00, 0x0b});
  b.insert(b.end(), {0x0d, 0x03, 0x01, 0x00, 0x00});
  m = decode_module(with_header(b));
  REQUIRE(!m);
  CHECK(m.error().message.find("unexpected content after last section") != std::string::npos);
  // ... and after the memory section.
  b = kTypes;
  b.insert(b.end(), {0x0d, 0x03, 0x01, 0x00, 0x00});
  b.insert(b.end(), {0x05, 0x03, 0x01, 0x00, 0x01});
  CHECK(!decode_module(with_header(b)));
}
