// Layout computation for ValType nodes: CanonicalABI.md § Alignment, § Element Size,
// § Flattening, done once per node at construction.
#include "component/abi/types.h"

#include <algorithm>
#include <limits>

namespace shard::component::abi {

namespace {

constexpr uint64_t kSat = std::numeric_limits<uint64_t>::max() / 4;

uint64_t sat_add(uint64_t a, uint64_t b) { return std::min(kSat, a + b); }  // both <= kSat
uint64_t sat_mul(uint64_t a, uint64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kSat / b ? kSat : a * b;
}

// join (§ Flattening: flatten_variant).
CoreType join(CoreType a, CoreType b) {
  if (a == b) return a;
  if ((a == CoreType::I32 && b == CoreType::F32) || (a == CoreType::F32 && b == CoreType::I32)) return CoreType::I32;
  return CoreType::I64;
}

void set_flat(Layout& l, uint64_t count, std::vector<CoreType> flat) {
  l.flat_count = count;
  if (count <= kMaxFlatTracked) l.flat = std::move(flat);
}

void scalar_layout(Layout& l, uint32_t size, CoreType flat) {
  l.size = size;
  l.align = size;
  set_flat(l, 1, {flat});
}

void compute_layout(ValType& t, AddrType a) {
  Layout& l = t.layouts[static_cast<int>(a)];
  const uint32_t ps = ptr_size(a);
  const CoreType pt = ptr_core_type(a);
  switch (t.kind) {
    case TypeKind::Bool: case TypeKind::S8: case TypeKind::U8: scalar_layout(l, 1, CoreType::I32); return;
    case TypeKind::S16: case TypeKind::U16: scalar_layout(l, 2, CoreType::I32); return;
    case TypeKind::S32: case TypeKind::U32: case TypeKind::Char: scalar_layout(l, 4, CoreType::I32); return;
    case TypeKind::S64: case TypeKind::U64: scalar_layout(l, 8, CoreType::I64); return;
    case TypeKind::F32: scalar_layout(l, 4, CoreType::F32); return;
    case TypeKind::F64: scalar_layout(l, 8, CoreType::F64); return;
    case TypeKind::Own: case TypeKind::Borrow: scalar_layout(l, 4, CoreType::I32); return;
    case TypeKind::String:
      l.size = 2 * ps;
      l.align = ps;
      set_flat(l, 2, {pt, pt});
      return;
    case TypeKind::List: case TypeKind::Map: {
      const Layout& e = t.elem->layout(a);
      if (!t.length) {  // alignment_list / elem_size_list / flatten_list, variable length
        l.size = 2 * ps;
        l.align = ps;
        set_flat(l, 2, {pt, pt});
        return;
      }
      const uint64_t n = *t.length;
      l.align = e.align;
      l.size = sat_mul(n, e.size);
      uint64_t count = sat_mul(n, e.flat_count);
      std::vector<CoreType> flat;
      if (count <= kMaxFlatTracked) {
        for (uint64_t i = 0; i < n; ++i) flat.insert(flat.end(), e.flat.begin(), e.flat.end());
      }
      set_flat(l, count, std::move(flat));
      return;
    }
    case TypeKind::Record: case TypeKind::Tuple: {  // alignment_record / elem_size_record / flatten_record
      uint64_t s = 0, count = 0;
      uint32_t align = 1;
      std::vector<CoreType> flat;
      l.field_offsets.clear();
      for (const Field& f : t.fields) {
        const Layout& fl = f.type->layout(a);
        align = std::max(align, fl.align);
        s = align_to(s, fl.align);
        l.field_offsets.push_back(s);
        s = sat_add(s, fl.size);
        count = sat_add(count, fl.flat_count);
        if (count <= kMaxFlatTracked) flat.insert(flat.end(), fl.flat.begin(), fl.flat.end());
      }
      l.align = align;
      l.size = align_to(s, align);
      set_flat(l, count, std::move(flat));
      return;
    }
    case TypeKind::Variant: case TypeKind::Enum: case TypeKind::Option: case TypeKind::Result: {
      l.disc_size = discriminant_size(t.cases.size());
      uint32_t max_align = 1;
      uint64_t max_size = 0, max_count = 0;
      std::vector<CoreType> payload;
      for (const Case& c : t.cases) {
        if (!c.type) continue;
        const Layout& cl = c.type->layout(a);
        max_align = std::max(max_align, cl.align);
        max_size = std::max(max_size, cl.size);
        max_count = std::max(max_count, cl.flat_count);
        if (cl.flat_complete()) {
          for (size_t i = 0; i < cl.flat.size(); ++i) {
            if (i < payload.size()) payload[i] = join(payload[i], cl.flat[i]);
            else payload.push_back(cl.flat[i]);
          }
        }
      }
      l.max_case_align = max_align;
      l.align = std::max(l.disc_size, max_align);
      l.payload_offset = align_to(l.disc_size, max_align);
      l.size = align_to(sat_add(l.payload_offset, max_size), l.align);
      std::vector<CoreType> flat{CoreType::I32};
      flat.insert(flat.end(), payload.begin(), payload.end());
      set_flat(l, sat_add(1, max_count), std::move(flat));
      return;
    }
    case TypeKind::Flags: {
      // § Alignment/§ Element Size allow 1..32 flags. More than 32 keeps the earlier
      // definition (one i32 per 32 flags) so larger types stay usable.
      const uint32_t n = t.flag_count();
      l.flag_words = (n + 31) / 32;
      if (n <= 8) { l.size = n == 0 ? 0 : 1; l.align = 1; }
      else if (n <= 16) { l.size = 2; l.align = 2; }
      else { l.size = 4ull * l.flag_words; l.align = 4; }
      set_flat(l, l.flag_words, std::vector<CoreType>(l.flag_words <= kMaxFlatTracked ? l.flag_words : 0, CoreType::I32));
      return;
    }
  }
}

std::shared_ptr<ValType> node(TypeKind k) {
  auto t = std::make_shared<ValType>();
  t->kind = k;
  return t;
}

TypeRef finish(std::shared_ptr<ValType> t) {
  bool borrow = t->kind == TypeKind::Borrow;
  if (t->elem) borrow |= t->elem->contains_borrow;
  for (const Field& f : t->fields) borrow |= f.type->contains_borrow;
  for (const Case& c : t->cases) borrow |= c.type && c.type->contains_borrow;
  t->contains_borrow = borrow;
  compute_layout(*t, AddrType::I32);
  compute_layout(*t, AddrType::I64);
  return t;
}

}  // namespace

const char* to_string(CoreType t) {
  switch (t) {
    case CoreType::I32: return "i32";
    case CoreType::I64: return "i64";
    case CoreType::F32: return "f32";
    case CoreType::F64: return "f64";
  }
  return "?";
}

const char* to_string(TypeKind k) {
  static constexpr const char* kNames[] = {"bool", "s8", "u8", "s16", "u16", "s32", "u32", "s64",
                                           "u64", "f32", "f64", "char", "string", "list", "record",
                                           "tuple", "variant", "enum", "option", "result", "flags",
                                           "own", "borrow", "map"};
  return kNames[static_cast<int>(k)];
}

TypeRef ValType::prim(TypeKind k) { return finish(node(k)); }

TypeRef ValType::list(TypeRef elem, std::optional<uint32_t> length) {
  auto t = node(TypeKind::List);
  t->elem = std::move(elem);
  t->length = length;
  return finish(t);
}

TypeRef ValType::map(TypeRef key, TypeRef value) {
  auto t = node(TypeKind::Map);
  t->elem = tuple({std::move(key), std::move(value)});
  return finish(t);
}

TypeRef ValType::record(std::vector<Field> fields) {
  auto t = node(TypeKind::Record);
  t->fields = std::move(fields);
  return finish(t);
}

TypeRef ValType::tuple(std::vector<TypeRef> elems) {
  auto t = node(TypeKind::Tuple);
  for (size_t i = 0; i < elems.size(); ++i) t->fields.push_back({std::to_string(i), std::move(elems[i])});
  return finish(t);
}

TypeRef ValType::variant(std::vector<Case> cases) {
  auto t = node(TypeKind::Variant);
  t->cases = std::move(cases);
  return finish(t);
}

TypeRef ValType::enum_(std::vector<std::string> labels) {
  auto t = node(TypeKind::Enum);
  for (const std::string& l : labels) t->cases.push_back({l, nullptr});
  t->labels = std::move(labels);
  return finish(t);
}

TypeRef ValType::option(TypeRef some) {
  auto t = node(TypeKind::Option);
  t->cases = {{"none", nullptr}, {"some", std::move(some)}};
  return finish(t);
}

TypeRef ValType::result(TypeRef ok, TypeRef err) {
  auto t = node(TypeKind::Result);
  t->cases = {{"ok", std::move(ok)}, {"error", std::move(err)}};
  return finish(t);
}

TypeRef ValType::flags(std::vector<std::string> labels) {
  auto t = node(TypeKind::Flags);
  t->labels = std::move(labels);
  return finish(t);
}

TypeRef ValType::flags_n(uint32_t n) {
  std::vector<std::string> labels;
  labels.reserve(n);
  for (uint32_t i = 0; i < n; ++i) labels.push_back("f" + std::to_string(i));
  return flags(std::move(labels));
}

TypeRef ValType::own(const ResourceType* rt) {
  auto t = node(TypeKind::Own);
  t->resource = rt;
  return finish(t);
}

TypeRef ValType::borrow(const ResourceType* rt) {
  auto t = node(TypeKind::Borrow);
  t->resource = rt;
  return finish(t);
}

FlatTypes flatten_types(std::span<const TypeRef> ts, AddrType a) {
  FlatTypes out;
  for (const TypeRef& t : ts) {
    const Layout& l = t->layout(a);
    out.count = sat_add(out.count, l.flat_count);
    if (out.count <= kMaxFlatTracked) out.types.insert(out.types.end(), l.flat.begin(), l.flat.end());
  }
  if (out.count > kMaxFlatTracked) out.types.clear();
  return out;
}

FuncType FuncType::make(std::vector<TypeRef> params, std::vector<TypeRef> results, bool async) {
  FuncType ft;
  ft.params_tuple = ValType::tuple(params);
  ft.results_tuple = ValType::tuple(results);
  ft.params = std::move(params);
  ft.results = std::move(results);
  ft.async = async;
  return ft;
}

CoreFuncType flatten_functype(const FuncType& ft, AddrType addr, CallContext context, bool async_opt, bool callback) {
  FlatTypes params = flatten_types(ft.params, addr);
  FlatTypes results = flatten_types(ft.results, addr);
  const CoreType ptr = ptr_core_type(addr);
  CoreFuncType out;
  out.params = std::move(params.types);
  out.results = std::move(results.types);
  if (!async_opt) {
    if (params.count > kMaxFlatParams) out.params = {ptr};
    if (results.count > kMaxFlatResults) {
      if (context == CallContext::Lift) {
        out.results = {ptr};
      } else {
        out.params.push_back(ptr);
        out.results.clear();
      }
    }
    return out;
  }
  if (context == CallContext::Lift) {
    if (params.count > kMaxFlatParams) out.params = {ptr};
    out.results.clear();
    if (callback) out.results = {CoreType::I32};
  } else {
    if (params.count > kMaxFlatAsyncParams) out.params = {ptr};
    if (results.count > 0) out.params.push_back(ptr);
    out.results = {CoreType::I32};
  }
  return out;
}

bool type_equal(const ValType& a, const ValType& b) {
  if (&a == &b) return true;
  if (a.kind != b.kind || a.length != b.length || a.resource != b.resource) return false;
  if (a.fields.size() != b.fields.size() || a.cases.size() != b.cases.size() || a.labels != b.labels) return false;
  if ((a.elem == nullptr) != (b.elem == nullptr) || (a.elem && !type_equal(*a.elem, *b.elem))) return false;
  for (size_t i = 0; i < a.fields.size(); ++i) {
    if (a.fields[i].label != b.fields[i].label || !type_equal(*a.fields[i].type, *b.fields[i].type)) return false;
  }
  for (size_t i = 0; i < a.cases.size(); ++i) {
    const Case& x = a.cases[i];
    const Case& y = b.cases[i];
    if (x.label != y.label || (x.type == nullptr) != (y.type == nullptr)) return false;
    if (x.type && !type_equal(*x.type, *y.type)) return false;
  }
  return true;
}

}  // namespace shard::component::abi
