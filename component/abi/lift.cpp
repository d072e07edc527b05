// Reading component values out of a component: CanonicalABI.md § Loading (load and its
// helpers except strings, which are in strings.cpp), § Flat Lifting (lift_flat) and
// lift_flat_values (§ Lifting and Lowering Values).
#include "component/abi/internal.h"

namespace shard::component::abi {

using detail::aligned;
using detail::load_int;

// lift_flat of a scalar on bits: lift_flat_unsigned/lift_flat_signed wrap to the type's width
// (like load_int of a narrower width; signed values sign-extended, as Value holds them),
// convert_int_to_bool, canonicalize_nan32/64, convert_i32_to_char.
Result<uint64_t> lift_scalar_bits(TypeKind k, uint64_t i) {
  switch (k) {
    case TypeKind::Bool: return uint64_t{i != 0};
    case TypeKind::U8: return i & 0xff;
    case TypeKind::U16: return i & 0xffff;
    case TypeKind::U32: return i & 0xffffffffu;
    case TypeKind::U64: case TypeKind::S64: return i;
    case TypeKind::S8: return static_cast<uint64_t>(int64_t{static_cast<int8_t>(i)});
    case TypeKind::S16: return static_cast<uint64_t>(int64_t{static_cast<int16_t>(i)});
    case TypeKind::S32: return static_cast<uint64_t>(int64_t{static_cast<int32_t>(i)});
    case TypeKind::F32: return detail::canonical_f32(i);
    case TypeKind::F64: return detail::canonical_f64(i);
    case TypeKind::Char: {
      const uint64_t c = static_cast<uint32_t>(i);
      if (c >= 0x110000 || (c >= 0xD800 && c <= 0xDFFF)) return abi_trap(AbiTrap::InvalidChar);
      return c;
    }
    default: return abi_usage("not a scalar type");
  }
}

Result<Value> lift_scalar(TypeKind k, uint64_t i) {
  SHARD_TRY(bits, lift_scalar_bits(k, i));
  return Value::from_bits(k, bits);
}

namespace {

/// lift_own (§ Loading): moves the owning handle out of the instance's table.
Result<Value> lift_own(LiftLowerContext& cx, uint64_t i, const ValType& t) {
  SHARD_TRY(h, cx.inst.resource_handle(static_cast<uint32_t>(i)));
  if (h->rt != t.resource) return abi_trap(AbiTrap::HandleTypeMismatch);
  if (h->num_lends != 0) return abi_trap(AbiTrap::HandleLent);
  if (!h->own) return abi_trap(AbiTrap::NotOwned);
  const uint32_t rep = h->rep;
  cx.inst.handles.remove(static_cast<uint32_t>(i));
  return Value::own(rep);
}

/// lift_borrow (§ Loading): reads the rep and lends the handle for the duration of the call.
Result<Value> lift_borrow(LiftLowerContext& cx, uint64_t i, const ValType& t) {
  if (cx.subtask == nullptr) return abi_usage("lifting a borrow needs the caller's Subtask as borrow scope");
  SHARD_TRY(h, cx.inst.resource_handle(static_cast<uint32_t>(i)));
  if (h->rt != t.resource) return abi_trap(AbiTrap::HandleTypeMismatch);
  const uint32_t rep = h->rep;
  cx.subtask->add_lender(static_cast<uint32_t>(i));
  return Value::borrow(rep);
}

/// unpack_flags_from_int: only the type's labels count; higher bits are ignored.
Value flags_from_words(std::vector<uint32_t> words, uint32_t n) {
  if (n % 32 != 0 && !words.empty()) words.back() &= (uint32_t{1} << (n % 32)) - 1;
  return Value::flags(std::move(words));
}

Result<Value> load_list_from_valid_range(LiftLowerContext& cx, GuestMemory& m, uint64_t ptr, uint64_t length,
                                         const ValType& t) {
  const ValType& elem = *t.elem;
  if (elem.kind == TypeKind::U8 || elem.kind == TypeKind::S8) {  // bytes: one copy (the range is checked)
    const uint8_t* p = m.data() + ptr;
    return Value::bytes(std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(length)), elem.kind);
  }
  const uint64_t size = elem.elem_size(cx.addr);
  std::vector<Value> items;
  items.reserve(length);
  for (uint64_t i = 0; i < length; ++i) {
    SHARD_TRY(v, detail::load_value(cx, m, ptr + i * size, elem));
    items.push_back(std::move(v));
  }
  return Value::compound(t.kind, std::move(items));
}

/// load_list_from_range: the length limit, alignment and bounds traps, then the elements.
Result<Value> load_list_from_range(LiftLowerContext& cx, uint64_t ptr, uint64_t length, const ValType& t) {
  SHARD_TRY(m, cx.memory());
  const ValType& elem = *t.elem;
  const uint64_t size = elem.elem_size(cx.addr);
  // trap_if(length * elem_size > MAX_LIST_BYTE_LENGTH), without overflowing.
  if (size == 0 ? length > kMaxListByteLength : length > kMaxListByteLength / size) return abi_trap(AbiTrap::ListTooLong);
  if (!aligned(ptr, elem.alignment(cx.addr))) return abi_trap(AbiTrap::MisalignedPointer);
  if (!m->in_bounds(ptr, length * size)) return abi_trap(AbiTrap::OutOfBounds, "list pointer/length out of bounds of memory");
  return load_list_from_valid_range(cx, *m, ptr, length, t);
}

/// flatten_variant's joined payload types, as consumed by lift_flat_variant's CoerceValueIter:
/// each value is read as the joined type and narrowed to what the case wants (wrap_i64_to_i32,
/// reinterpretation; NaNs are canonicalised by the scalar lift).
class CoerceSource final : public FlatSource {
 public:
  CoerceSource(FlatSource& vi, std::span<const CoreType> have) : vi_(vi), have_(have) {}
  uint64_t next(CoreType want) override {
    const CoreType have = pos_ < have_.size() ? have_[pos_++] : want;
    uint64_t x = vi_.next(have);
    if (want == CoreType::I32 || want == CoreType::F32) x &= 0xffffffffu;
    return x;
  }
  void skip_rest() {
    while (pos_ < have_.size()) vi_.next(have_[pos_++]);
  }

 private:
  FlatSource& vi_;
  std::span<const CoreType> have_;
  size_t pos_ = 0;
};

Result<Value> lift_flat_value(LiftLowerContext& cx, FlatSource& vi, const ValType& t) {
  const CoreType pt = ptr_core_type(cx.addr);
  switch (t.shape()) {
    case Shape::Scalar: return lift_scalar(t.kind, vi.next(detail::scalar_core_type(t.kind)));
    case Shape::String: {  // lift_flat_string
      const uint64_t ptr = vi.next(pt);
      const uint64_t packed_length = vi.next(pt);
      return load_string_from_range(cx, ptr, packed_length);
    }
    case Shape::List: {  // lift_flat_list
      if (t.length) {
        std::vector<Value> items;
        items.reserve(*t.length);
        for (uint32_t i = 0; i < *t.length; ++i) {
          SHARD_TRY(v, lift_flat_value(cx, vi, *t.elem));
          items.push_back(std::move(v));
        }
        return Value::compound(t.kind, std::move(items));
      }
      const uint64_t ptr = vi.next(pt);
      const uint64_t length = vi.next(pt);
      return load_list_from_range(cx, ptr, length, t);
    }
    case Shape::Record: {  // lift_flat_record
      std::vector<Value> items;
      items.reserve(t.fields.size());
      for (const Field& f : t.fields) {
        SHARD_TRY(v, lift_flat_value(cx, vi, *f.type));
        items.push_back(std::move(v));
      }
      return Value::compound(t.kind, std::move(items));
    }
    case Shape::Variant: {  // lift_flat_variant
      const Layout& l = t.layout(cx.addr);
      if (l.flat.empty()) return abi_usage("type has too many flat values to lift from core values");
      const uint64_t case_index = vi.next(CoreType::I32);
      if (case_index >= t.cases.size()) return abi_trap(AbiTrap::InvalidDiscriminant);
      CoerceSource coerce(vi, std::span<const CoreType>(l.flat).subspan(1));
      const Case& c = t.cases[case_index];
      std::optional<Value> payload;
      if (c.type) {
        SHARD_TRY(v, lift_flat_value(cx, coerce, *c.type));
        payload = std::move(v);
      }
      coerce.skip_rest();
      return Value::with_case(t.kind, static_cast<uint32_t>(case_index), std::move(payload));
    }
    case Shape::Flags: {  // lift_flat_flags
      std::vector<uint32_t> words(t.layout(cx.addr).flag_words);
      for (uint32_t& w : words) w = static_cast<uint32_t>(vi.next(CoreType::I32));
      return flags_from_words(std::move(words), t.flag_count());
    }
    case Shape::Own: return lift_own(cx, vi.next(CoreType::I32), t);
    case Shape::Borrow: return lift_borrow(cx, vi.next(CoreType::I32), t);
  }
  return abi_usage("unknown type");
}

}  // namespace

namespace detail {

Result<Value> load_value(LiftLowerContext& cx, GuestMemory& m, uint64_t ptr, const ValType& t) {
  const Layout& l = t.layout(cx.addr);
  const uint32_t ps = ptr_size(cx.addr);
  switch (t.shape()) {
    case Shape::Scalar: return lift_scalar(t.kind, load_int(m, ptr, static_cast<uint32_t>(l.size)));
    case Shape::String: {  // load_string
      const uint64_t begin = load_int(m, ptr, ps);
      const uint64_t tagged_code_units = load_int(m, ptr + ps, ps);
      return load_string_from_range(cx, begin, tagged_code_units);
    }
    case Shape::List: {  // load_list
      if (t.length) return load_list_from_valid_range(cx, m, ptr, *t.length, t);
      const uint64_t begin = load_int(m, ptr, ps);
      const uint64_t length = load_int(m, ptr + ps, ps);
      return load_list_from_range(cx, begin, length, t);
    }
    case Shape::Record: {  // load_record
      std::vector<Value> items;
      items.reserve(t.fields.size());
      for (size_t i = 0; i < t.fields.size(); ++i) {
        SHARD_TRY(v, load_value(cx, m, ptr + l.field_offsets[i], *t.fields[i].type));
        items.push_back(std::move(v));
      }
      return Value::compound(t.kind, std::move(items));
    }
    case Shape::Variant: {  // load_variant
      const uint64_t case_index = load_int(m, ptr, l.disc_size);
      if (case_index >= t.cases.size()) return abi_trap(AbiTrap::InvalidDiscriminant);
      const Case& c = t.cases[case_index];
      std::optional<Value> payload;
      if (c.type) {
        SHARD_TRY(v, load_value(cx, m, ptr + l.payload_offset, *c.type));
        payload = std::move(v);
      }
      return Value::with_case(t.kind, static_cast<uint32_t>(case_index), std::move(payload));
    }
    case Shape::Flags: {  // load_flags
      std::vector<uint32_t> words(l.flag_words);
      if (l.flag_words == 1) words[0] = static_cast<uint32_t>(load_int(m, ptr, static_cast<uint32_t>(l.size)));
      else for (uint32_t k = 0; k < l.flag_words; ++k) words[k] = static_cast<uint32_t>(load_int(m, ptr + 4 * k, 4));
      return flags_from_words(std::move(words), t.flag_count());
    }
    case Shape::Own: return lift_own(cx, load_int(m, ptr, 4), t);
    case Shape::Borrow: return lift_borrow(cx, load_int(m, ptr, 4), t);
  }
  return abi_usage("unknown type");
}

}  // namespace detail

Result<Value> load(LiftLowerContext& cx, uint64_t ptr, const ValType& t) {
  SHARD_TRY(m, cx.memory());
  if (!aligned(ptr, t.alignment(cx.addr))) return abi_trap(AbiTrap::MisalignedPointer);
  if (!m->in_bounds(ptr, t.elem_size(cx.addr))) return abi_trap(AbiTrap::OutOfBounds);
  return detail::load_value(cx, *m, ptr, t);
}

Result<Value> lift_flat(LiftLowerContext& cx, FlatSource& vi, const ValType& t) {
  if (!t.layout(cx.addr).flat_complete()) return abi_usage("type has too many flat values to lift from core values");
  return lift_flat_value(cx, vi, t);
}

Result<std::vector<Value>> lift_flat_values(LiftLowerContext& cx, uint32_t max_flat, FlatSource& vi,
                                            std::span<const TypeRef> ts, const ValType& tuple) {
  std::vector<Value> out;
  if (flatten_types(ts, cx.addr).count > max_flat) {
    SHARD_TRY(m, cx.memory());
    const uint64_t ptr = vi.next(ptr_core_type(cx.addr));
    if (!aligned(ptr, tuple.alignment(cx.addr))) return abi_trap(AbiTrap::MisalignedPointer);
    if (!m->in_bounds(ptr, tuple.elem_size(cx.addr))) return abi_trap(AbiTrap::OutOfBounds);
    SHARD_TRY(v, detail::load_value(cx, *m, ptr, tuple));
    out = std::move(v.items());
    return out;
  }
  out.reserve(ts.size());
  for (const TypeRef& t : ts) {
    SHARD_TRY(v, lift_flat_value(cx, vi, *t));
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace shard::component::abi
