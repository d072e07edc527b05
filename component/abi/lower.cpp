// Writing component values into a component: CanonicalABI.md § Storing (store and its
// helpers except strings, which are in strings.cpp), § Flat Lowering (lower_flat) and
// lower_flat_values (§ Lifting and Lowering Values).
#include <cstring>

#include "component/abi/internal.h"

namespace shard::component::abi {

using detail::aligned;
using detail::store_int;

// The core bits of a scalar from the bits Value holds: ints as two's complement
// (lower_flat_signed), bool as 0/1, floats with NaNs canonicalised (the fixed-NaN choice
// § Storing permits for maybe_scramble_nan32/64), char as its code point.
uint64_t lower_scalar_bits(TypeKind k, uint64_t raw) {
  switch (k) {
    case TypeKind::Bool: return raw != 0 ? 1 : 0;
    case TypeKind::S8: case TypeKind::S16: case TypeKind::S32: return raw & 0xffffffffu;
    case TypeKind::F32: return detail::canonical_f32(raw);
    case TypeKind::F64: return detail::canonical_f64(raw);
    default: return raw;
  }
}

uint64_t lower_scalar(const Value& v, TypeKind k) { return lower_scalar_bits(k, v.raw_bits()); }

namespace {

/// lower_own (§ Storing): a new owning handle in the receiving instance.
Result<uint32_t> lower_own(LiftLowerContext& cx, uint32_t rep, const ValType& t) {
  return cx.inst.handles.add(ResourceHandle{t.resource, rep, true, nullptr, 0});
}

/// lower_borrow (§ Storing): a borrow handle scoped to the callee's task, or the rep itself
/// when the receiving instance implements the resource.
Result<uint32_t> lower_borrow(LiftLowerContext& cx, uint32_t rep, const ValType& t) {
  if (t.resource != nullptr && t.resource->impl == &cx.inst) return rep;
  if (cx.task == nullptr) return abi_usage("lowering a borrow needs the callee's Task as borrow scope");
  ++cx.task->num_borrows;
  auto i = cx.inst.handles.add(ResourceHandle{t.resource, rep, false, cx.task, 0});
  if (!i) {
    --cx.task->num_borrows;
    return std::move(i).error();
  }
  return *i;
}

std::vector<uint32_t> flag_words_of(const Value& v, const ValType& t) {
  const uint32_t n = t.flag_count();
  std::vector<uint32_t> words(t.layout(AddrType::I32).flag_words, 0);
  for (size_t k = 0; k < words.size() && k < v.flag_words().size(); ++k) words[k] = v.flag_words()[k];
  if (n % 32 != 0 && !words.empty()) words.back() &= (uint32_t{1} << (n % 32)) - 1;
  return words;
}

/// store_list_into_range: allocate, check, store the elements.
Result<StoredString> store_list_into_range(LiftLowerContext& cx, const Value& v, const ValType& elem) {
  SHARD_TRY(m, cx.memory());
  const uint64_t size = elem.elem_size(cx.addr);
  const bool bytes = v.is_bytes() && (elem.kind == TypeKind::U8 || elem.kind == TypeKind::S8);
  const uint64_t n = bytes ? v.byte_view().size() : v.items().size();
  // assert(byte_length <= REALLOC_I32_MAX): only a host list can be longer; it traps, as a
  // list too large for 32-bit memories does (§ Storing).
  if (size != 0 && n > kReallocI32Max / size) return abi_trap(AbiTrap::ListTooLong);
  const uint64_t byte_length = n * size;
  const uint32_t align = elem.alignment(cx.addr);
  SHARD_TRY(ptr, cx.allocate(align, byte_length));
  if (!aligned(ptr, align)) return realloc_misaligned();
  if (!m->in_bounds(ptr, byte_length)) return realloc_out_of_bounds();
  if (bytes) {
    if (n != 0) std::memcpy(m->data() + ptr, v.byte_view().data(), n);
    return StoredString{ptr, n};
  }
  for (uint64_t i = 0; i < n; ++i) SHARD_CHECK(detail::store_value(cx, *m, v.items()[i], elem, ptr + i * size));
  return StoredString{ptr, n};
}

Result<void> lower_flat_value(LiftLowerContext& cx, const Value& v, const ValType& t, std::vector<Flat>& out) {
  const CoreType pt = ptr_core_type(cx.addr);
  switch (t.shape()) {
    case Shape::Scalar: out.push_back({detail::scalar_core_type(t.kind), lower_scalar(v, t.kind)}); return {};
    case Shape::String: {  // lower_flat_string
      SHARD_TRY(s, store_string_into_range(cx, v));
      out.push_back({pt, s.ptr});
      out.push_back({pt, s.tagged_code_units});
      return {};
    }
    case Shape::List: {  // lower_flat_list
      if (t.length) {
        for (const Value& e : v.items()) SHARD_CHECK(lower_flat_value(cx, e, *t.elem, out));
        return {};
      }
      SHARD_TRY(r, store_list_into_range(cx, v, *t.elem));
      out.push_back({pt, r.ptr});
      out.push_back({pt, r.tagged_code_units});
      return {};
    }
    case Shape::Record:  // lower_flat_record
      for (size_t i = 0; i < t.fields.size(); ++i) SHARD_CHECK(lower_flat_value(cx, v.items()[i], *t.fields[i].type, out));
      return {};
    case Shape::Variant: {  // lower_flat_variant
      const std::vector<CoreType>& flat = t.layout(cx.addr).flat;
      if (flat.empty()) return abi_usage("type has too many flat values to lower to core values");
      out.push_back(Flat::i32(v.case_index()));
      const size_t start = out.size();
      const Case& c = t.cases[v.case_index()];
      if (c.type) SHARD_CHECK(lower_flat_value(cx, *v.payload(), *c.type, out));
      // The join coercions (f32→i32, i32→i64, f32→i64, f64→i64) keep the bits: Flat holds
      // i32/f32 zero-extended. Only the core type changes; the rest is zero-padded.
      for (size_t k = start; k < out.size(); ++k) out[k].type = flat[1 + (k - start)];
      for (size_t k = out.size() - start + 1; k < flat.size(); ++k) out.push_back({flat[k], 0});
      return {};
    }
    case Shape::Flags:  // lower_flat_flags
      for (uint32_t w : flag_words_of(v, t)) out.push_back(Flat::i32(w));
      return {};
    case Shape::Own: {
      SHARD_TRY(i, lower_own(cx, v.rep(), t));
      out.push_back(Flat::i32(static_cast<uint32_t>(i)));
      return {};
    }
    case Shape::Borrow: {
      SHARD_TRY(i, lower_borrow(cx, v.rep(), t));
      out.push_back(Flat::i32(static_cast<uint32_t>(i)));
      return {};
    }
  }
  return abi_usage("unknown type");
}

Error mismatch(const Value& v, const ValType& t) {
  return abi_usage("value " + to_string(v) + " does not match type " + to_string(t.kind));
}

}  // namespace

namespace detail {

Result<void> store_value(LiftLowerContext& cx, GuestMemory& m, const Value& v, const ValType& t, uint64_t ptr) {
  const Layout& l = t.layout(cx.addr);
  const uint32_t ps = ptr_size(cx.addr);
  switch (t.shape()) {
    case Shape::Scalar: store_int(m, ptr, lower_scalar(v, t.kind), static_cast<uint32_t>(l.size)); return {};
    case Shape::String: {  // store_string
      SHARD_TRY(s, store_string_into_range(cx, v));
      store_int(m, ptr, s.ptr, ps);
      store_int(m, ptr + ps, s.tagged_code_units, ps);
      return {};
    }
    case Shape::List: {  // store_list
      if (t.length) {  // store_list_into_valid_range
        const uint64_t size = t.elem->elem_size(cx.addr);
        for (size_t i = 0; i < v.items().size(); ++i) SHARD_CHECK(store_value(cx, m, v.items()[i], *t.elem, ptr + i * size));
        return {};
      }
      SHARD_TRY(r, store_list_into_range(cx, v, *t.elem));
      store_int(m, ptr, r.ptr, ps);
      store_int(m, ptr + ps, r.tagged_code_units, ps);
      return {};
    }
    case Shape::Record:  // store_record
      for (size_t i = 0; i < t.fields.size(); ++i) {
        SHARD_CHECK(store_value(cx, m, v.items()[i], *t.fields[i].type, ptr + l.field_offsets[i]));
      }
      return {};
    case Shape::Variant: {  // store_variant
      store_int(m, ptr, v.case_index(), l.disc_size);
      const Case& c = t.cases[v.case_index()];
      if (c.type) SHARD_CHECK(store_value(cx, m, *v.payload(), *c.type, ptr + l.payload_offset));
      return {};
    }
    case Shape::Flags: {  // store_flags
      std::vector<uint32_t> words = flag_words_of(v, t);
      if (words.size() == 1) store_int(m, ptr, words[0], static_cast<uint32_t>(l.size));
      else for (size_t k = 0; k < words.size(); ++k) store_int(m, ptr + 4 * k, words[k], 4);
      return {};
    }
    case Shape::Own: {
      SHARD_TRY(i, lower_own(cx, v.rep(), t));
      store_int(m, ptr, i, 4);
      return {};
    }
    case Shape::Borrow: {
      SHARD_TRY(i, lower_borrow(cx, v.rep(), t));
      store_int(m, ptr, i, 4);
      return {};
    }
  }
  return abi_usage("unknown type");
}

Result<std::vector<Flat>> lower_values(LiftLowerContext& cx, uint32_t max_flat, std::span<const Value> vs,
                                       std::span<const TypeRef> ts, const ValType& tuple, FlatSource* out_param) {
  std::vector<Flat> flat;
  if (flatten_types(ts, cx.addr).count > max_flat) {
    SHARD_TRY(m, cx.memory());
    const uint32_t align = tuple.alignment(cx.addr);
    const uint64_t size = tuple.elem_size(cx.addr);
    uint64_t ptr;
    if (out_param == nullptr) {
      SHARD_TRY(p, cx.allocate(align, size));
      ptr = p;
      flat.push_back({ptr_core_type(cx.addr), ptr});
    } else {
      ptr = out_param->next(ptr_core_type(cx.addr));
    }
    if (!aligned(ptr, align)) return abi_trap(AbiTrap::MisalignedPointer);
    if (!m->in_bounds(ptr, size)) return abi_trap(AbiTrap::OutOfBounds);
    // store(cx, tuple_value, tuple_type, ptr), field by field.
    const Layout& l = tuple.layout(cx.addr);
    for (size_t i = 0; i < vs.size(); ++i) SHARD_CHECK(store_value(cx, *m, vs[i], *ts[i], ptr + l.field_offsets[i]));
    return flat;
  }
  for (size_t i = 0; i < vs.size(); ++i) SHARD_CHECK(lower_flat_value(cx, vs[i], *ts[i], flat));
  return flat;
}

}  // namespace detail

Result<void> store(LiftLowerContext& cx, const Value& v, const ValType& t, uint64_t ptr) {
  if (!value_matches(v, t)) return mismatch(v, t);
  SHARD_TRY(m, cx.memory());
  if (!aligned(ptr, t.alignment(cx.addr))) return abi_trap(AbiTrap::MisalignedPointer);
  if (!m->in_bounds(ptr, t.elem_size(cx.addr))) return abi_trap(AbiTrap::OutOfBounds);
  return detail::store_value(cx, *m, v, t, ptr);
}

Result<void> lower_flat(LiftLowerContext& cx, const Value& v, const ValType& t, std::vector<Flat>& out) {
  if (!value_matches(v, t)) return mismatch(v, t);
  if (!t.layout(cx.addr).flat_complete()) return abi_usage("type has too many flat values to lower to core values");
  return lower_flat_value(cx, v, t, out);
}

Result<std::vector<Flat>> lower_flat_values(LiftLowerContext& cx, uint32_t max_flat, std::span<const Value> vs,
                                            std::span<const TypeRef> ts, const ValType& tuple, FlatSource* out_param) {
  if (vs.size() != ts.size()) return abi_usage("wrong number of values");
  for (size_t i = 0; i < vs.size(); ++i) {
    if (!value_matches(vs[i], *ts[i])) return mismatch(vs[i], *ts[i]);
  }
  return detail::lower_values(cx, max_flat, vs, ts, tuple, out_param);
}

}  // namespace shard::component::abi
