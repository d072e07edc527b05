// Public component values (shard/component.h: Val, Type) — construction, WIT value syntax
// (printing and parsing), and the conversions to and from the Canonical ABI's values.
#include <fmt/format.h>

#include <bit>
#include <charconv>
#include <cmath>

#include "component/api/convert.h"
#include "utf8.h"

namespace shard::cm {

// ---- Val ----------------------------------------------------------------------------------

Val Val::from_raw(TypeKind k, uint64_t bits) {
  Val v;
  v.kind_ = k;
  v.bits_ = bits;
  return v;
}
Val Val::compound(TypeKind k, std::vector<Val> items, std::vector<std::string> names, std::string text) {
  Val v;
  v.kind_ = k;
  v.items_ = std::move(items);
  v.names_ = std::move(names);
  v.text_ = std::move(text);
  return v;
}
Val Val::bool_(bool b) { return from_raw(TypeKind::Bool, b ? 1 : 0); }
Val Val::s8(int8_t x) { return from_raw(TypeKind::S8, static_cast<uint64_t>(int64_t{x})); }
Val Val::u8(uint8_t x) { return from_raw(TypeKind::U8, x); }
Val Val::s16(int16_t x) { return from_raw(TypeKind::S16, static_cast<uint64_t>(int64_t{x})); }
Val Val::u16(uint16_t x) { return from_raw(TypeKind::U16, x); }
Val Val::s32(int32_t x) { return from_raw(TypeKind::S32, static_cast<uint64_t>(int64_t{x})); }
Val Val::u32(uint32_t x) { return from_raw(TypeKind::U32, x); }
Val Val::s64(int64_t x) { return from_raw(TypeKind::S64, static_cast<uint64_t>(x)); }
Val Val::u64(uint64_t x) { return from_raw(TypeKind::U64, x); }
Val Val::f32(float x) { return from_raw(TypeKind::F32, std::bit_cast<uint32_t>(x)); }
Val Val::f64(double x) { return from_raw(TypeKind::F64, std::bit_cast<uint64_t>(x)); }
Val Val::char_(char32_t c) { return from_raw(TypeKind::Char, c); }
Val Val::string(std::string s) { return compound(TypeKind::String, {}, {}, std::move(s)); }
Val Val::list(std::vector<Val> e) { return compound(TypeKind::List, std::move(e)); }
Val Val::tuple(std::vector<Val> e) { return compound(TypeKind::Tuple, std::move(e)); }
Val Val::record(std::vector<std::pair<std::string, Val>> fields) {
  std::vector<Val> items;
  std::vector<std::string> names;
  for (auto& [n, v] : fields) {
    names.push_back(std::move(n));
    items.push_back(std::move(v));
  }
  return compound(TypeKind::Record, std::move(items), std::move(names));
}
Val Val::variant(std::string c, std::optional<Val> p) {
  std::vector<Val> items;
  if (p) items.push_back(std::move(*p));
  return compound(TypeKind::Variant, std::move(items), {}, std::move(c));
}
Val Val::enum_(std::string c) { return compound(TypeKind::Enum, {}, {}, std::move(c)); }
Val Val::some(Val v) { return compound(TypeKind::Option, {std::move(v)}, {}, "some"); }
Val Val::none() { return compound(TypeKind::Option, {}, {}, "none"); }
Val Val::ok(std::optional<Val> p) {
  std::vector<Val> items;
  if (p) items.push_back(std::move(*p));
  return compound(TypeKind::Result, std::move(items), {}, "ok");
}
Val Val::err(std::optional<Val> p) {
  std::vector<Val> items;
  if (p) items.push_back(std::move(*p));
  return compound(TypeKind::Result, std::move(items), {}, "err");
}
Val Val::flags(std::vector<std::string> set) { return compound(TypeKind::Flags, {}, std::move(set)); }
Val Val::own(Resource r) {
  Val v = from_raw(TypeKind::Own, r.rep());
  v.resource_ = std::make_shared<const Resource>(std::move(r));
  return v;
}
Val Val::borrow(Resource r) {
  Val v = from_raw(TypeKind::Borrow, r.rep());
  v.resource_ = std::make_shared<const Resource>(std::move(r));
  return v;
}

float Val::as_f32() const { return std::bit_cast<float>(static_cast<uint32_t>(bits_)); }
double Val::as_f64() const { return std::bit_cast<double>(bits_); }

const Val* Val::field(std::string_view name) const {
  for (size_t i = 0; i < names_.size() && i < items_.size(); ++i)
    if (names_[i] == name) return &items_[i];
  return nullptr;
}

const Resource& Val::resource() const {
  static const Resource kNone;
  return resource_ ? *resource_ : kNone;
}

bool Val::operator==(const Val& o) const {
  return kind_ == o.kind_ && bits_ == o.bits_ && text_ == o.text_ && names_ == o.names_ && items_ == o.items_;
}

namespace {

void escape_char(std::string& out, char32_t c, char quote) {
  switch (c) {
    case '\n': out += "\\n"; return;
    case '\t': out += "\\t"; return;
    case '\r': out += "\\r"; return;
    case '\\': out += "\\\\"; return;
    case '\'': out += quote == '\'' ? "\\'" : "'"; return;
    case '"': out += quote == '"' ? "\\\"" : "\""; return;
    default: break;
  }
  if (c < 0x20 || c == 0x7f) {
    out += fmt::format("\\u{{{:x}}}", static_cast<uint32_t>(c));
    return;
  }
  utf8::append(out, c);
}

template <class F>
std::string shortest(F x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
  if (x == 0) return std::signbit(x) ? "-0" : "0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

void print(std::string& out, const Val& v) {
  switch (v.kind()) {
    case TypeKind::Bool: out += v.as_bool() ? "true" : "false"; return;
    case TypeKind::S8: case TypeKind::S16: case TypeKind::S32: case TypeKind::S64: out += std::to_string(v.as_s64()); return;
    case TypeKind::U8: case TypeKind::U16: case TypeKind::U32: case TypeKind::U64: out += std::to_string(v.as_u64()); return;
    case TypeKind::F32: out += shortest(v.as_f32()); return;
    case TypeKind::F64: out += shortest(v.as_f64()); return;
    case TypeKind::Char:
      out += '\'';
      escape_char(out, v.as_char(), '\'');
      out += '\'';
      return;
    case TypeKind::String:
      out += '"';
      for (size_t i = 0; i < v.as_string().size();) escape_char(out, utf8::next(v.as_string(), i), '"');
      out += '"';
      return;
    case TypeKind::List:
    case TypeKind::Tuple: {
      out += v.kind() == TypeKind::List ? '[' : '(';
      for (size_t i = 0; i < v.items().size(); ++i) {
        if (i) out += ", ";
        print(out, v.items()[i]);
      }
      out += v.kind() == TypeKind::List ? ']' : ')';
      return;
    }
    case TypeKind::Record: {
      out += '{';
      for (size_t i = 0; i < v.items().size(); ++i) {
        if (i) out += ", ";
        out += i < v.names().size() ? v.names()[i] : std::to_string(i);
        out += ": ";
        print(out, v.items()[i]);
      }
      out += '}';
      return;
    }
    case TypeKind::Variant:
    case TypeKind::Enum:
    case TypeKind::Option:
    case TypeKind::Result:
      out += v.case_name();
      if (v.payload()) {
        out += '(';
        print(out, *v.payload());
        out += ')';
      }
      return;
    case TypeKind::Flags: {
      out += '{';
      for (size_t i = 0; i < v.names().size(); ++i) {
        if (i) out += ", ";
        out += v.names()[i];
      }
      out += '}';
      return;
    }
    case TypeKind::Own:
    case TypeKind::Borrow:
      out += fmt::format("{}<{}>", v.kind() == TypeKind::Own ? "own" : "borrow",
                         v.resource().type_name().empty() ? std::to_string(v.as_u64()) : v.resource().type_name() + " " + std::to_string(v.as_u64()));
      return;
  }
}

}  // namespace

std::string Val::to_string() const {
  std::string out;
  print(out, *this);
  return out;
}

// ---- Type ---------------------------------------------------------------------------------

namespace {

const char* prim_name(TypeKind k) {
  switch (k) {
    case TypeKind::Bool: return "bool";
    case TypeKind::S8: return "s8";
    case TypeKind::U8: return "u8";
    case TypeKind::S16: return "s16";
    case TypeKind::U16: return "u16";
    case TypeKind::S32: return "s32";
    case TypeKind::U32: return "u32";
    case TypeKind::S64: return "s64";
    case TypeKind::U64: return "u64";
    case TypeKind::F32: return "f32";
    case TypeKind::F64: return "f64";
    case TypeKind::Char: return "char";
    case TypeKind::String: return "string";
    default: return nullptr;
  }
}

std::string opt_wit(const TypeRef& t) { return t ? t->to_wit() : "_"; }

}  // namespace

std::string Type::to_wit() const {
  if (const char* p = prim_name(kind)) return p;
  auto join_types = [&](size_t from) {
    std::string s;
    for (size_t i = from; i < types.size(); ++i) s += (i > from ? ", " : "") + opt_wit(types[i]);
    return s;
  };
  switch (kind) {
    case TypeKind::List: return "list<" + opt_wit(types.empty() ? nullptr : types[0]) + ">";
    case TypeKind::Option: return "option<" + opt_wit(types.empty() ? nullptr : types[0]) + ">";
    case TypeKind::Tuple: return "tuple<" + join_types(0) + ">";
    case TypeKind::Result: {
      TypeRef ok = types.size() > 0 ? types[0] : nullptr, err = types.size() > 1 ? types[1] : nullptr;
      if (!ok && !err) return "result";
      if (!err) return "result<" + ok->to_wit() + ">";
      return "result<" + opt_wit(ok) + ", " + err->to_wit() + ">";
    }
    case TypeKind::Record: {
      std::string s = "record { ";
      for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i] + ": " + opt_wit(i < types.size() ? types[i] : nullptr);
      return s + " }";
    }
    case TypeKind::Variant: {
      std::string s = "variant { ";
      for (size_t i = 0; i < names.size(); ++i) {
        s += (i ? ", " : "") + names[i];
        if (i < types.size() && types[i]) s += "(" + types[i]->to_wit() + ")";
      }
      return s + " }";
    }
    case TypeKind::Enum:
    case TypeKind::Flags: {
      std::string s = kind == TypeKind::Enum ? "enum { " : "flags { ";
      for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
      return s + " }";
    }
    case TypeKind::Own: return resource.empty() ? "own<resource>" : resource;
    case TypeKind::Borrow: return "borrow<" + (resource.empty() ? std::string("resource") : resource) + ">";
    default: return "?";
  }
}

std::string FuncType::to_wit() const {
  std::string s = "func(";
  for (size_t i = 0; i < params.size(); ++i) s += (i ? ", " : "") + params[i].first + ": " + opt_wit(params[i].second);
  s += ")";
  if (result) s += " -> " + result->to_wit();
  return s;
}

// ---- conversions --------------------------------------------------------------------------

namespace detail {

TypeRef public_type(const abi::ValType& t) {
  auto out = std::make_shared<Type>();
  using AK = abi::TypeKind;
  switch (t.kind) {
    case AK::Map: {
      // map<k, v> is list<tuple<k, v>> to the host
      out->kind = TypeKind::List;
      out->types.push_back(public_type(*t.elem));
      return out;
    }
    case AK::Own: case AK::Borrow:
      out->kind = t.kind == AK::Own ? TypeKind::Own : TypeKind::Borrow;
      if (t.resource) out->resource = t.resource->name;
      return out;
    default: break;
  }
  out->kind = static_cast<TypeKind>(t.kind);  // same order up to Flags (checked in convert.h)
  switch (t.kind) {
    case AK::List: out->types.push_back(public_type(*t.elem)); break;
    case AK::Record:
      for (auto& f : t.fields) {
        out->names.push_back(f.label);
        out->types.push_back(public_type(*f.type));
      }
      break;
    case AK::Tuple:
      for (auto& f : t.fields) out->types.push_back(public_type(*f.type));
      break;
    case AK::Variant:
    case AK::Enum:
      for (auto& c : t.cases) {
        out->names.push_back(c.label);
        if (t.kind == AK::Variant) out->types.push_back(c.type ? public_type(*c.type) : nullptr);
      }
      break;
    case AK::Option: out->types.push_back(public_type(*t.cases[1].type)); break;
    case AK::Result:
      out->types.push_back(t.cases[0].type ? public_type(*t.cases[0].type) : nullptr);
      out->types.push_back(t.cases[1].type ? public_type(*t.cases[1].type) : nullptr);
      break;
    case AK::Flags: out->names = t.labels; break;
    default: break;
  }
  return out;
}

FuncType public_functype(const abi::FuncType& ft, const std::vector<std::string>& names) {
  FuncType out;
  for (size_t i = 0; i < ft.params.size(); ++i)
    out.params.emplace_back(i < names.size() ? names[i] : "p" + std::to_string(i), public_type(*ft.params[i]));
  if (!ft.results.empty()) out.result = public_type(*ft.results[0]);
  return out;
}

Result<abi::TypeRef> abi_type(const Type& t) {
  using AK = abi::TypeKind;
  auto sub = [](const TypeRef& r) -> Result<abi::TypeRef> {
    if (!r) return abi::TypeRef{};
    return abi_type(*r);
  };
  switch (t.kind) {
    case TypeKind::List: {
      if (t.types.empty() || !t.types[0]) return Error(ErrorKind::Usage, "list type without element type");
      auto e = abi_type(*t.types[0]);
      if (!e) return e;
      return abi::ValType::list(*e);
    }
    case TypeKind::Option: {
      if (t.types.empty() || !t.types[0]) return Error(ErrorKind::Usage, "option type without element type");
      auto e = abi_type(*t.types[0]);
      if (!e) return e;
      return abi::ValType::option(*e);
    }
    case TypeKind::Tuple: {
      std::vector<abi::TypeRef> ts;
      for (auto& r : t.types) {
        if (!r) return Error(ErrorKind::Usage, "tuple element without type");
        auto e = abi_type(*r);
        if (!e) return e;
        ts.push_back(*e);
      }
      return abi::ValType::tuple(std::move(ts));
    }
    case TypeKind::Record: {
      std::vector<abi::Field> fs;
      for (size_t i = 0; i < t.names.size(); ++i) {
        if (i >= t.types.size() || !t.types[i]) return Error(ErrorKind::Usage, "record field without type");
        auto e = abi_type(*t.types[i]);
        if (!e) return e;
        fs.push_back({t.names[i], *e});
      }
      return abi::ValType::record(std::move(fs));
    }
    case TypeKind::Variant: {
      std::vector<abi::Case> cs;
      for (size_t i = 0; i < t.names.size(); ++i) {
        auto e = sub(i < t.types.size() ? t.types[i] : nullptr);
        if (!e) return e;
        cs.push_back({t.names[i], *e});
      }
      return abi::ValType::variant(std::move(cs));
    }
    case TypeKind::Enum: return abi::ValType::enum_(t.names);
    case TypeKind::Flags: return abi::ValType::flags(t.names);
    case TypeKind::Result: {
      auto ok = sub(t.types.size() > 0 ? t.types[0] : nullptr);
      if (!ok) return ok;
      auto err = sub(t.types.size() > 1 ? t.types[1] : nullptr);
      if (!err) return err;
      return abi::ValType::result(*ok, *err);
    }
    case TypeKind::Own:
    case TypeKind::Borrow: {
      auto* r = static_cast<const ResourceType::Impl*>(t.host_resource.get());
      if (r == nullptr)
        return Error(ErrorKind::Usage, "own/borrow in a host function type needs a host resource type (Type::own/borrow)");
      return t.kind == TypeKind::Own ? abi::ValType::own(&r->rt) : abi::ValType::borrow(&r->rt);
    }
    default: return abi::ValType::prim(static_cast<AK>(t.kind));
  }
}

Result<abi::FuncType> abi_functype(const FuncType& ft) {
  std::vector<abi::TypeRef> params, results;
  for (auto& [n, t] : ft.params) {
    if (!t) return Error(ErrorKind::Usage, fmt::format("parameter `{}` without type", n));
    auto a = abi_type(*t);
    if (!a) return std::move(a).error();
    params.push_back(*a);
  }
  if (ft.result) {
    auto a = abi_type(*ft.result);
    if (!a) return std::move(a).error();
    results.push_back(*a);
  }
  return abi::FuncType::make(std::move(params), std::move(results));
}

namespace {

Error mismatch(const Val& v, const abi::ValType& t) {
  return Error(ErrorKind::Usage, fmt::format("value {} does not match type {}", v.to_string(), public_type(t)->to_wit()));
}

}  // namespace

Result<abi::Value> to_abi(const Val& v, const abi::ValType& t) {
  using AK = abi::TypeKind;
  switch (t.kind) {
    case AK::Bool: case AK::S8: case AK::U8: case AK::S16: case AK::U16: case AK::S32: case AK::U32:
    case AK::S64: case AK::U64: case AK::F32: case AK::F64: case AK::Char:
      if (static_cast<int>(v.kind()) != static_cast<int>(t.kind)) return mismatch(v, t);
      return abi::Value::from_bits(t.kind, v.raw_bits());
    case AK::String:
      if (v.kind() != TypeKind::String) return mismatch(v, t);
      return abi::Value::string(v.as_string());
    case AK::List:
    case AK::Map: {
      if (v.kind() != TypeKind::List) return mismatch(v, t);
      std::vector<abi::Value> items;
      items.reserve(v.items().size());
      for (const Val& e : v.items()) {
        auto x = to_abi(e, *t.elem);
        if (!x) return x;
        items.push_back(std::move(*x));
      }
      return abi::Value::compound(t.kind, std::move(items));
    }
    case AK::Tuple: {
      if (v.kind() != TypeKind::Tuple || v.items().size() != t.fields.size()) return mismatch(v, t);
      std::vector<abi::Value> items;
      for (size_t i = 0; i < t.fields.size(); ++i) {
        auto x = to_abi(v.items()[i], *t.fields[i].type);
        if (!x) return x;
        items.push_back(std::move(*x));
      }
      return abi::Value::compound(t.kind, std::move(items));
    }
    case AK::Record: {
      if (v.kind() != TypeKind::Record || v.items().size() != t.fields.size()) return mismatch(v, t);
      std::vector<abi::Value> items;
      for (size_t i = 0; i < t.fields.size(); ++i) {
        const Val* f = v.field(t.fields[i].label);
        if (f == nullptr) return Error(ErrorKind::Usage, fmt::format("record value has no field `{}`", t.fields[i].label));
        auto x = to_abi(*f, *t.fields[i].type);
        if (!x) return x;
        items.push_back(std::move(*x));
      }
      return abi::Value::compound(t.kind, std::move(items));
    }
    case AK::Variant: case AK::Enum: case AK::Option: case AK::Result: {
      const TypeKind want = t.kind == AK::Variant ? TypeKind::Variant : t.kind == AK::Enum ? TypeKind::Enum
                          : t.kind == AK::Option ? TypeKind::Option : TypeKind::Result;
      if (v.kind() != want) return mismatch(v, t);
      for (uint32_t i = 0; i < t.cases.size(); ++i) {
        // option and result keep their WIT case names (none/some, ok/err), not the
        // despecialised variant's (CanonicalABI.md § Despecialization: ok/error)
        const std::string_view label = t.kind == AK::Result ? (i == 0 ? "ok" : "err")
                                     : t.kind == AK::Option ? (i == 0 ? "none" : "some")
                                                            : std::string_view(t.cases[i].label);
        if (label != v.case_name()) continue;
        std::optional<abi::Value> payload;
        if (t.cases[i].type) {
          if (!v.payload()) return Error(ErrorKind::Usage, fmt::format("case `{}` needs a payload", v.case_name()));
          auto x = to_abi(*v.payload(), *t.cases[i].type);
          if (!x) return x;
          payload = std::move(*x);
        } else if (v.payload()) {
          return Error(ErrorKind::Usage, fmt::format("case `{}` has no payload", v.case_name()));
        }
        return abi::Value::with_case(t.kind, i, std::move(payload));
      }
      return Error(ErrorKind::Usage, fmt::format("no case `{}` in {}", v.case_name(), public_type(t)->to_wit()));
    }
    case AK::Flags: {
      if (v.kind() != TypeKind::Flags) return mismatch(v, t);
      std::vector<uint32_t> words((t.labels.size() + 31) / 32, 0);
      for (const std::string& l : v.names()) {
        size_t i = 0;
        while (i < t.labels.size() && t.labels[i] != l) ++i;
        if (i == t.labels.size()) return Error(ErrorKind::Usage, fmt::format("no flag `{}`", l));
        words[i / 32] |= uint32_t{1} << (i % 32);
      }
      return abi::Value::flags(std::move(words));
    }
    case AK::Own:
      if (v.kind() != TypeKind::Own) return mismatch(v, t);
      if (v.resource().state() && v.resource().state()->dropped)
        return Error(ErrorKind::Usage, "resource handle was already dropped");
      // passing an own hands the resource over: the host's handle no longer owns it
      if (v.resource().state()) v.resource().state()->owned = false;
      return abi::Value::own(static_cast<uint32_t>(v.raw_bits()));
    case AK::Borrow:
      if (v.kind() != TypeKind::Borrow && v.kind() != TypeKind::Own) return mismatch(v, t);
      return abi::Value::borrow(static_cast<uint32_t>(v.raw_bits()));
  }
  return mismatch(v, t);
}

Val from_abi(const abi::Value& v, const abi::ValType& t) {
  using AK = abi::TypeKind;
  switch (t.kind) {
    case AK::Bool: case AK::S8: case AK::U8: case AK::S16: case AK::U16: case AK::S32: case AK::U32:
    case AK::S64: case AK::U64: case AK::F32: case AK::F64: case AK::Char:
      return Val::from_raw(static_cast<TypeKind>(t.kind), v.raw_bits());
    case AK::String: return Val::string(v.as_string());
    case AK::List:
    case AK::Map: {
      std::vector<Val> items;
      items.reserve(v.items().size());
      for (const abi::Value& e : v.items()) items.push_back(from_abi(e, *t.elem));
      return Val::list(std::move(items));
    }
    case AK::Tuple:
    case AK::Record: {
      std::vector<Val> items;
      std::vector<std::string> names;
      for (size_t i = 0; i < t.fields.size() && i < v.items().size(); ++i) {
        items.push_back(from_abi(v.items()[i], *t.fields[i].type));
        names.push_back(t.fields[i].label);
      }
      if (t.kind == AK::Tuple) return Val::tuple(std::move(items));
      return Val::compound(TypeKind::Record, std::move(items), std::move(names));
    }
    case AK::Variant: case AK::Enum: case AK::Option: case AK::Result: {
      const TypeKind k = t.kind == AK::Variant ? TypeKind::Variant : t.kind == AK::Enum ? TypeKind::Enum
                       : t.kind == AK::Option ? TypeKind::Option : TypeKind::Result;
      const uint32_t c = v.case_index();
      std::vector<Val> items;
      if (v.payload() && c < t.cases.size() && t.cases[c].type) items.push_back(from_abi(*v.payload(), *t.cases[c].type));
      std::string label = c < t.cases.size() ? t.cases[c].label : std::string();
      if (t.kind == AK::Result) label = c == 0 ? "ok" : "err";
      if (t.kind == AK::Option) label = c == 0 ? "none" : "some";
      return Val::compound(k, std::move(items), {}, std::move(label));
    }
    case AK::Flags: {
      std::vector<std::string> set;
      for (uint32_t i = 0; i < t.labels.size(); ++i)
        if (v.flag(i)) set.push_back(t.labels[i]);
      return Val::flags(std::move(set));
    }
    case AK::Own:
    case AK::Borrow: {
      auto st = std::make_shared<Resource::State>();
      st->type = t.resource;
      st->owned = t.kind == AK::Own;
      Resource r(std::move(st), v.rep());
      return t.kind == AK::Own ? Val::own(std::move(r)) : Val::borrow(std::move(r));
    }
  }
  return Val();
}

}  // namespace detail

Result<void> detail::check_shape(const Val& v, const Type& t) {
  auto fail = [&]() { return Error(ErrorKind::Usage, fmt::format("value {} does not match type {}", v.to_string(), t.to_wit())); };
  if (v.kind() != t.kind) {
    // a typed integer of another width is a mismatch too
    return fail();
  }
  switch (t.kind) {
    case TypeKind::List:
    case TypeKind::Tuple:
      for (size_t i = 0; i < v.items().size(); ++i) {
        const TypeRef& et = t.kind == TypeKind::List ? t.types[0] : (i < t.types.size() ? t.types[i] : nullptr);
        if (!et) return fail();
        auto r = check_shape(v.items()[i], *et);
        if (!r) return r;
      }
      return {};
    case TypeKind::Option:
      if (v.payload()) return check_shape(*v.payload(), *t.types[0]);
      return {};
    case TypeKind::Result: {
      const TypeRef& et = v.case_name() == "ok" ? t.types[0] : t.types[1];
      if (v.payload() && et) return check_shape(*v.payload(), *et);
      return {};
    }
    default: return {};
  }
}

// ---- Resource -----------------------------------------------------------------------------

const std::string& ResourceType::name() const {
  static const std::string kEmpty;
  return impl_ ? impl_->rt.name : kEmpty;
}

Resource ResourceType::make(uint32_t rep) const {
  auto st = std::make_shared<Resource::State>();
  st->type = impl_ ? &impl_->rt : nullptr;
  st->owned = true;
  return Resource(std::move(st), rep);
}

TypeRef Type::own(const ResourceType& r) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::Own;
  t->resource = r.name();
  t->host_resource = r.impl();
  return t;
}

TypeRef Type::borrow(const ResourceType& r) {
  auto t = std::make_shared<Type>();
  t->kind = TypeKind::Borrow;
  t->resource = r.name();
  t->host_resource = r.impl();
  return t;
}

const std::string& Resource::type_name() const {
  static const std::string kEmpty;
  return state_ && state_->type ? state_->type->name : kEmpty;
}

Result<void> Resource::drop() {
  if (!state_ || !state_->owned || state_->dropped) return {};
  state_->dropped = true;
  if (state_->type && state_->type->dtor) return state_->type->dtor(rep_);
  return {};
}

// ---- parsing WIT values ------------------------------------------------------------------

namespace {

class ValueParser {
 public:
  explicit ValueParser(std::string_view s) : s_(s) {}

  Result<Val> parse_all(const Type& t) {
    auto v = value(t);
    if (!v) return v;
    ws();
    if (pos_ != s_.size()) return error("unexpected text after the value");
    return v;
  }

  Result<Val> value(const Type& t) {
    ws();
    switch (t.kind) {
      case TypeKind::Bool:
        if (word("true")) return Val::bool_(true);
        if (word("false")) return Val::bool_(false);
        return error("expected true or false");
      case TypeKind::S8: return signed_int(t.kind, INT8_MIN, INT8_MAX);
      case TypeKind::S16: return signed_int(t.kind, INT16_MIN, INT16_MAX);
      case TypeKind::S32: return signed_int(t.kind, INT32_MIN, INT32_MAX);
      case TypeKind::S64: return signed_int(t.kind, INT64_MIN, INT64_MAX);
      case TypeKind::U8: return unsigned_int(t.kind, UINT8_MAX);
      case TypeKind::U16: return unsigned_int(t.kind, UINT16_MAX);
      case TypeKind::U32: return unsigned_int(t.kind, UINT32_MAX);
      case TypeKind::U64: return unsigned_int(t.kind, UINT64_MAX);
      case TypeKind::F32:
      case TypeKind::F64: return floating(t.kind);
      case TypeKind::Char: {
        if (!take('\'')) return error("expected a char literal 'c'");
        auto c = one_char('\'');
        if (!c) return std::move(c).error();
        if (!take('\'')) return error("a char literal holds exactly one character");
        return Val::char_(*c);
      }
      case TypeKind::String: {
        if (!take('"')) return error("expected a string literal \"...\"");
        std::string out;
        while (pos_ < s_.size() && s_[pos_] != '"') {
          auto c = one_char('"');
          if (!c) return std::move(c).error();
          utf8::append(out, *c);
        }
        if (!take('"')) return error("unterminated string");
        return Val::string(std::move(out));
      }
      case TypeKind::List: {
        if (!take('[')) return error("expected a list [...]");
        std::vector<Val> items;
        auto r = sequence(']', [&]() -> Result<void> {
          auto e = value(*t.types[0]);
          if (!e) return std::move(e).error();
          items.push_back(std::move(*e));
          return {};
        });
        if (!r) return std::move(r).error();
        return Val::list(std::move(items));
      }
      case TypeKind::Tuple: {
        if (!take('(')) return error("expected a tuple (...)");
        std::vector<Val> items;
        auto r = sequence(')', [&]() -> Result<void> {
          if (items.size() >= t.types.size()) return error("too many tuple elements");
          auto e = value(*t.types[items.size()]);
          if (!e) return std::move(e).error();
          items.push_back(std::move(*e));
          return {};
        });
        if (!r) return std::move(r).error();
        if (items.size() != t.types.size()) return error(fmt::format("expected {} tuple elements", t.types.size()));
        return Val::tuple(std::move(items));
      }
      case TypeKind::Record: {
        if (!take('{')) return error("expected a record {field: value, ...}");
        std::vector<std::pair<std::string, Val>> fields;
        auto r = sequence('}', [&]() -> Result<void> {
          std::string name = ident();
          size_t i = 0;
          while (i < t.names.size() && t.names[i] != name) ++i;
          if (i == t.names.size()) return error(fmt::format("no field `{}` in {}", name, t.to_wit()));
          ws();
          if (!take(':')) return error("expected ':' after the field name");
          auto e = value(*t.types[i]);
          if (!e) return std::move(e).error();
          fields.emplace_back(std::move(name), std::move(*e));
          return {};
        });
        if (!r) return std::move(r).error();
        for (const std::string& n : t.names) {
          bool found = false;
          for (auto& f : fields) found |= f.first == n;
          if (!found) return error(fmt::format("missing field `{}`", n));
        }
        return Val::record(std::move(fields));
      }
      case TypeKind::Flags: {
        if (!take('{')) return error("expected flags {a, b, ...}");
        std::vector<std::string> set;
        auto r = sequence('}', [&]() -> Result<void> {
          std::string name = ident();
          bool known = false;
          for (auto& n : t.names) known |= n == name;
          if (!known) return error(fmt::format("no flag `{}` in {}", name, t.to_wit()));
          set.push_back(std::move(name));
          return {};
        });
        if (!r) return std::move(r).error();
        std::vector<std::string> ordered;
        for (auto& n : t.names)
          for (auto& s : set)
            if (s == n) {
              ordered.push_back(n);
              break;
            }
        return Val::flags(std::move(ordered));
      }
      case TypeKind::Variant:
      case TypeKind::Enum:
      case TypeKind::Option:
      case TypeKind::Result: {
        std::vector<std::string> names = t.names;
        std::vector<TypeRef> payloads = t.types;
        if (t.kind == TypeKind::Option) names = {"none", "some"}, payloads = {nullptr, t.types[0]};
        if (t.kind == TypeKind::Result) names = {"ok", "err"};
        std::string name = ident();
        size_t i = 0;
        while (i < names.size() && names[i] != name) ++i;
        if (i == names.size()) return error(fmt::format("no case `{}` in {}", name, t.to_wit()));
        const TypeRef payload_type = i < payloads.size() ? payloads[i] : nullptr;
        std::optional<Val> payload;
        ws();
        if (take('(')) {
          if (!payload_type) return error(fmt::format("case `{}` has no payload", name));
          auto e = value(*payload_type);
          if (!e) return e;
          payload = std::move(*e);
          ws();
          if (!take(')')) return error("expected ')'");
        } else if (payload_type) {
          return error(fmt::format("case `{}` needs a payload: {}(...)", name, name));
        }
        if (t.kind == TypeKind::Enum) return Val::enum_(std::move(name));
        if (t.kind == TypeKind::Option) return payload ? Val::some(std::move(*payload)) : Val::none();
        if (t.kind == TypeKind::Result) return name == "ok" ? Val::ok(std::move(payload)) : Val::err(std::move(payload));
        return Val::variant(std::move(name), std::move(payload));
      }
      case TypeKind::Own:
      case TypeKind::Borrow: return error("resource handles cannot be written as text");
    }
    return error("unsupported type");
  }

  size_t pos() const { return pos_; }

 private:
  std::string_view s_;
  size_t pos_ = 0;

  Error error(const std::string& what) const {
    return Error(ErrorKind::Usage, fmt::format("{} at offset {} of `{}`", what, pos_, s_));
  }
  void ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool take(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool word(std::string_view w) {
    if (s_.substr(pos_, w.size()) != w) return false;
    const size_t end = pos_ + w.size();
    if (end < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[end])) || s_[end] == '-')) return false;
    pos_ = end;
    return true;
  }
  std::string ident() {
    ws();
    const size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '-' || s_[pos_] == '_')) ++pos_;
    std::string id(s_.substr(start, pos_ - start));
    if (!id.empty() && id[0] == '%') id = id.substr(1);
    return id;
  }
  template <class F>
  Result<void> sequence(char close, F&& item) {
    ws();
    if (take(close)) return {};
    for (;;) {
      auto r = item();
      if (!r) return r;
      ws();
      if (take(close)) return {};
      if (!take(',')) return error(fmt::format("expected ',' or '{}'", close));
      ws();
      if (take(close)) return {};  // trailing comma
    }
  }
  Result<char32_t> one_char(char quote) {
    if (pos_ >= s_.size()) return error("unterminated literal");
    auto b = static_cast<unsigned char>(s_[pos_]);
    if (b == '\\') {
      ++pos_;
      if (pos_ >= s_.size()) return error("unterminated escape");
      const char e = s_[pos_++];
      switch (e) {
        case 'n': return U'\n';
        case 't': return U'\t';
        case 'r': return U'\r';
        case '\\': return U'\\';
        case '\'': return U'\'';
        case '"': return U'"';
        case 'u': {
          if (!take('{')) return error("expected \\u{XXXX}");
          uint32_t cp = 0;
          size_t digits = 0;
          while (pos_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[pos_])) && digits < 7) {
            const char h = s_[pos_++];
            cp = cp * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
            ++digits;
          }
          if (digits == 0 || !take('}')) return error("expected \\u{XXXX}");
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return error("not a Unicode scalar value");
          return static_cast<char32_t>(cp);
        }
        default: return error(fmt::format("unknown escape \\{}", e));
      }
    }
    (void)quote;
    const size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (len == 0 || pos_ + len > s_.size()) return error("invalid UTF-8");
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1f) : len == 3 ? (b & 0x0f) : (b & 0x07);
    for (size_t k = 1; k < len; ++k) {
      auto cb = static_cast<unsigned char>(s_[pos_ + k]);
      if ((cb & 0xc0) != 0x80) return error("invalid UTF-8");
      cp = (cp << 6) | (cb & 0x3f);
    }
    pos_ += len;
    return cp;
  }
  std::string_view number_text() {
    const size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '-' || s_[pos_] == '+' ||
                                s_[pos_] == '.' || s_[pos_] == '_'))
      ++pos_;
    return s_.substr(start, pos_ - start);
  }
  Result<Val> signed_int(TypeKind k, int64_t lo, int64_t hi) {
    std::string_view t = number_text();
    int64_t v = 0;
    auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size() || v < lo || v > hi)
      return error(fmt::format("`{}` is not a {}", t, Type{k, {}, {}, {}}.to_wit()));
    return Val::from_raw(k, static_cast<uint64_t>(v));
  }
  Result<Val> unsigned_int(TypeKind k, uint64_t hi) {
    std::string_view t = number_text();
    uint64_t v = 0;
    auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || t[0] == '-' || r.ec != std::errc() || r.ptr != t.data() + t.size() || v > hi)
      return error(fmt::format("`{}` is not a {}", t, Type{k, {}, {}, {}}.to_wit()));
    return Val::from_raw(k, v);
  }
  Result<Val> floating(TypeKind k) {
    std::string_view t = number_text();
    double d = 0;
    if (t == "nan") d = std::numeric_limits<double>::quiet_NaN();
    else if (t == "inf") d = std::numeric_limits<double>::infinity();
    else if (t == "-inf") d = -std::numeric_limits<double>::infinity();
    else {
      if (k == TypeKind::F32) {
        float f = 0;
        auto r = std::from_chars(t.data(), t.data() + t.size(), f);
        if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size()) return error(fmt::format("`{}` is not a f32", t));
        return Val::f32(f);
      }
      auto r = std::from_chars(t.data(), t.data() + t.size(), d);
      if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size()) return error(fmt::format("`{}` is not a f64", t));
    }
    return k == TypeKind::F32 ? Val::f32(static_cast<float>(d)) : Val::f64(d);
  }
};

}  // namespace

Result<Val> parse_value(std::string_view text, const Type& t) {
  ValueParser p(text);
  return p.parse_all(t);
}

Result<std::pair<std::string, std::vector<std::string>>> split_invocation(std::string_view text) {
  const size_t open = text.find('(');
  std::string name(text.substr(0, open));
  while (!name.empty() && name.back() == ' ') name.pop_back();
  if (name.empty()) return Error(ErrorKind::Usage, fmt::format("expected `name(args...)`, got `{}`", text));
  std::vector<std::string> args;
  if (open == std::string_view::npos) return std::make_pair(name, args);
  // split the argument list at top-level commas, respecting brackets and literals
  int depth = 0;
  bool in_str = false, in_char = false;
  std::string cur;
  size_t i = open + 1;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_str || in_char) {
      cur += c;
      if (c == '\\' && i + 1 < text.size()) cur += text[++i];
      else if ((in_str && c == '"') || (in_char && c == '\'')) in_str = in_char = false;
      continue;
    }
    if (c == '"') in_str = true;
    else if (c == '\'') in_char = true;
    else if (c == '(' || c == '[' || c == '{') ++depth;
    else if (c == ']' || c == '}') --depth;
    else if (c == ')') {
      if (depth == 0) break;
      --depth;
    } else if (c == ',' && depth == 0) {
      args.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (i >= text.size()) return Error(ErrorKind::Usage, fmt::format("missing ')' in `{}`", text));
  for (size_t k = i + 1; k < text.size(); ++k)
    if (text[k] != ' ') return Error(ErrorKind::Usage, fmt::format("unexpected text after ')' in `{}`", text));
  auto blank = [](const std::string& s) { return s.find_first_not_of(" \t") == std::string::npos; };
  if (!blank(cur) || !args.empty()) args.push_back(cur);
  return std::make_pair(name, args);
}

}  // namespace shard::cm
