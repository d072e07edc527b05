// The decoded component IR (component/component.h) back to the binary format (Binary.md), for
// the pieces a composition writes itself: type definitions and their declarators, core types,
// names, imports, exports, aliases and instantiations. The inverse of decoder.cpp for these
// productions; the composition embeds whole components verbatim and never re-encodes code.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "component/component.h"

namespace shard::component::compose {

/// A growing byte buffer with the LEB128 forms the binary format uses.
class Writer {
 public:
  Writer() = default;
  explicit Writer(std::vector<uint8_t> start) : out_(std::move(start)) {}
  void u8(uint8_t b) { out_.push_back(b); }
  void u32(uint32_t v);
  /// A non-negative s33 (Binary.md: valtype type indices share the opcode space of the
  /// negative primitive types, so indices are signed LEB128: 64 is 0xc0 0x00, not 0x40).
  void s33(uint32_t v);
  void name(std::string_view s);
  void bytes(const uint8_t* p, size_t n) { out_.insert(out_.end(), p, p + n); }
  void bytes(const std::vector<uint8_t>& b) { out_.insert(out_.end(), b.begin(), b.end()); }

  size_t size() const { return out_.size(); }
  const std::vector<uint8_t>& data() const& { return out_; }
  std::vector<uint8_t>&& take() { return std::move(out_); }

 private:
  std::vector<uint8_t> out_;
};

void write_sort(Writer& w, Sort s);
void write_valtype(Writer& w, const ValType& t);
void write_typedef(Writer& w, const TypeDef& t);        ///< `type` (deftype)
void write_core_typedef(Writer& w, const CoreTypeDef& t);  ///< `core:type`
void write_extern_name(Writer& w, const ExternName& n);  ///< nameattributes
void write_extern_type(Writer& w, const ExternType& t);
void write_alias(Writer& w, const Alias& a);
void write_import(Writer& w, const ExternName& n, const ExternType& t);
/// export ::= nameattributes sortidx, without an ascribed type.
void write_export(Writer& w, const ExternName& n, SortIdx item);
/// instance ::= 0x00 componentidx vec(instantiatearg)
void write_instantiate(Writer& w, uint32_t component, const std::vector<InstantiateArg>& args);

}  // namespace shard::component::compose
