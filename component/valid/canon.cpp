// Canonical definitions: canon lift/lower and the resource built-ins, with the core signatures
// their function types flatten to (CanonicalABI.md: Canonical Definitions, Flattening).
#include <fmt/format.h>

#include <algorithm>

#include "component/valid/validator.h"

namespace shard::component::valid {

abi::TypeRef Validator::abi_type(const VT& v, int depth) {
  if (v.prim) return abi::ValType::prim(static_cast<abi::TypeKind>(v.p));
  if (auto it = abi_types_.find(v.id); it != abi_types_.end()) return it->second;
  // Nested deeper than any type whose flattening fits MAX_FLAT_PARAMS in practice: stand in a
  // type that flattens to more than MAX_FLAT_PARAMS values (17 i32s), so the signature spills
  // to memory, and keep the walk (and the TypeRef chain's destruction) shallow.
  if (depth > kMaxAbiNesting) {
    static const abi::TypeRef too_deep = abi::ValType::list(abi::ValType::u32(), abi::kMaxFlatParams + 1);
    return too_deep;
  }
  const TypeNode& n = node(v.id);
  auto sub = [&](const std::optional<VT>& t) { return t ? abi_type(*t, depth + 1) : abi::TypeRef{}; };
  abi::TypeRef t;
  switch (n.dv) {
    case DefValKind::Prim: t = abi::ValType::prim(static_cast<abi::TypeKind>(n.prim)); break;
    case DefValKind::Record: {
      std::vector<abi::Field> fields;
      for (auto& [label, c] : n.cases) fields.push_back({label, sub(c)});
      t = abi::ValType::record(std::move(fields));
      break;
    }
    case DefValKind::Variant: {
      std::vector<abi::Case> cases;
      for (auto& [label, c] : n.cases) cases.push_back({label, sub(c)});
      t = abi::ValType::variant(std::move(cases));
      break;
    }
    case DefValKind::List: t = abi::ValType::list(sub(n.elem)); break;
    case DefValKind::Map: t = abi::ValType::map(sub(n.elem), sub(n.err)); break;
    case DefValKind::Tuple: {
      std::vector<abi::TypeRef> ts;
      for (auto& e : n.types) ts.push_back(abi_type(e, depth + 1));
      t = abi::ValType::tuple(std::move(ts));
      break;
    }
    case DefValKind::Flags: t = abi::ValType::flags(n.labels); break;
    case DefValKind::Enum: t = abi::ValType::enum_(n.labels); break;
    case DefValKind::Option: t = abi::ValType::option(sub(n.elem)); break;
    case DefValKind::Result: t = abi::ValType::result(sub(n.elem), sub(n.err)); break;
    case DefValKind::Own: t = abi::ValType::own(nullptr); break;
    case DefValKind::Borrow: t = abi::ValType::borrow(nullptr); break;
  }
  abi_types_.emplace(v.id, t);
  return t;
}

abi::FuncType Validator::abi_functype(const TypeNode& ft) {
  std::vector<abi::TypeRef> params, results;
  for (auto& [name, t] : ft.params) params.push_back(abi_type(t));
  if (ft.result) results.push_back(abi_type(*ft.result));
  return abi::FuncType::make(std::move(params), std::move(results));
}

bool Validator::needs_memory(const std::optional<VT>& v, int depth) {
  if (!v) return false;
  if (v->prim) return v->p == PrimType::String;
  if (depth > 100) return true;
  const TypeNode& n = node(v->id);
  if (n.dv == DefValKind::List || n.dv == DefValKind::Map) return true;
  for (auto& c : n.cases) if (needs_memory(c.second, depth + 1)) return true;
  for (auto& t : n.types) if (needs_memory(t, depth + 1)) return true;
  return needs_memory(n.elem, depth + 1) || needs_memory(n.err, depth + 1);
}

std::string Validator::sig(const shard::FuncType& f) {
  std::string s = "[";
  for (size_t i = 0; i < f.params.size(); ++i) s += (i ? " " : "") + std::string(to_string(f.params[i]));
  s += "] -> [";
  for (size_t i = 0; i < f.results.size(); ++i) s += (i ? " " : "") + std::string(to_string(f.results[i]));
  return s + "]";
}

shard::FuncType Validator::flatten_functype(const abi::FuncType& ft, bool lift) {
  abi::CoreFuncType flat =
      abi::flatten_functype(ft, abi::AddrType::I32, lift ? abi::CallContext::Lift : abi::CallContext::Lower);
  auto core = [](abi::CoreType t) {
    switch (t) {
      case abi::CoreType::I64: return shard::ValType::I64;
      case abi::CoreType::F32: return shard::ValType::F32;
      case abi::CoreType::F64: return shard::ValType::F64;
      default: return shard::ValType::I32;
    }
  };
  shard::FuncType out;
  for (abi::CoreType t : flat.params) out.params.push_back(core(t));
  for (abi::CoreType t : flat.results) out.results.push_back(core(t));
  return out;
}

bool Validator::check_opts(const CanonOpts& o, bool lift, const TypeNode& ft, const abi::FuncType& aft,
                           const shard::FuncType& flat) {
  Scope& s = cur();
  size_t off = o.offset;
  if (o.duplicate) return fail(off, "canonical option specified more than once");
  if (o.memory && *o.memory >= s.core_memories.size())
    return fail(off, fmt::format("unknown core memory {}: memory index out of bounds", *o.memory));
  using shard::ValType;
  if (o.realloc) {
    if (*o.realloc >= s.core_funcs.size())
      return fail(off, fmt::format("unknown core func {}: function index out of bounds", *o.realloc));
    shard::FuncType want{{ValType::I32, ValType::I32, ValType::I32, ValType::I32}, {ValType::I32}};
    if (!(s.core_funcs[*o.realloc] == want))
      return fail(off, fmt::format("canonical option `realloc` uses a core function with an incorrect signature: "
                                   "expected {}, found {}", sig(want), sig(s.core_funcs[*o.realloc])));
  }
  if (o.post_return) {
    if (!lift) return fail(off, "canonical option `post-return` cannot be specified for lowerings");
    if (*o.post_return >= s.core_funcs.size())
      return fail(off, fmt::format("unknown core func {}: function index out of bounds", *o.post_return));
    shard::FuncType want{flat.results, {}};
    if (!(s.core_funcs[*o.post_return] == want))
      return fail(off, fmt::format("canonical option `post-return` uses a core function with an incorrect "
                                   "signature: expected {}, found {}", sig(want), sig(s.core_funcs[*o.post_return])));
  }
  // CanonicalABI.md: `canon lift` / `canon lower` required options.
  bool params_mem = false;
  for (auto& p : ft.params) params_mem |= needs_memory(p.second);
  const bool flat_params_over = abi::flatten_types(aft.params, abi::AddrType::I32).count > abi::kMaxFlatParams;
  const bool flat_results_over = abi::flatten_types(aft.results, abi::AddrType::I32).count > abi::kMaxFlatResults;
  bool result_mem = needs_memory(ft.result);
  bool need_memory = params_mem || result_mem || flat_params_over || flat_results_over;
  bool need_realloc = lift ? (params_mem || flat_params_over) : result_mem;
  if (need_memory && !o.memory) return fail(off, "canonical option `memory` is required");
  if (need_realloc && !o.realloc) return fail(off, "canonical option `realloc` is required");
  if (o.realloc && !o.memory) return fail(off, "canonical option `memory` is required");
  return true;
}

void Validator::canon(const Canon& c) {
  Scope& s = cur();
  size_t off = c.offset;
  using shard::ValType;
  switch (c.kind) {
    case Canon::Lift: {
      if (!check_index(Sort::CoreFunc, c.func, off) || !check_index(Sort::Type, c.type, off)) return;
      TypeId ftid = s.types[c.type];
      if (node(ftid).kind != TypeDef::Func) return void(fail(off, fmt::format("type index {} is not a function type", c.type)));
      abi::FuncType aft = abi_functype(node(ftid));
      shard::FuncType flat = flatten_functype(aft, true);
      if (!check_opts(c.opts, true, node(ftid), aft, flat)) return;
      if (!(s.core_funcs[c.func] == flat))
        return void(fail(off, fmt::format("lowered function type `{}` does not match type `{}` of core function {}",
                                          sig(flat), sig(s.core_funcs[c.func]), c.func)));
      s.funcs.push_back(ftid);
      return;
    }
    case Canon::Lower: {
      if (!check_index(Sort::Func, c.func, off)) return;
      TypeId ftid = s.funcs[c.func];
      abi::FuncType aft = abi_functype(node(ftid));
      shard::FuncType flat = flatten_functype(aft, false);
      if (!check_opts(c.opts, false, node(ftid), aft, flat)) return;
      s.core_funcs.push_back(std::move(flat));
      return;
    }
    case Canon::ResourceNew:
    case Canon::ResourceDrop:
    case Canon::ResourceRep: {
      if (!check_index(Sort::Type, c.type, off)) return;
      const TypeNode& r = node(s.types[c.type]);
      if (r.kind != TypeDef::Resource) return void(fail(off, fmt::format("type index {} is not a resource type", c.type)));
      // CanonicalABI.md: resource.new and resource.rep need a locally-defined resource
      if (c.kind != Canon::ResourceDrop && r.owner != s.id)
        return void(fail(off, fmt::format("type index {} is not a local resource", c.type)));
      if (c.kind == Canon::ResourceNew) s.core_funcs.push_back({{r.rep}, {ValType::I32}});
      else if (c.kind == Canon::ResourceDrop) s.core_funcs.push_back({{ValType::I32}, {}});
      else s.core_funcs.push_back({{ValType::I32}, {r.rep}});
      return;
    }
  }
}

void Validator::start(const Start& st, size_t off) {
  if (!check_index(Sort::Func, st.func, off)) return;
  for (uint32_t a : st.args)
    if (!check_index(Sort::Value, a, off)) return;
  const TypeNode& ft = node(cur().funcs[st.func]);
  if (ft.params.size() != st.args.size())
    return void(fail(off, fmt::format("component start function requires {} arguments but was given {}",
                                      ft.params.size(), st.args.size())));
  if ((ft.result ? 1u : 0u) != st.results)
    return void(fail(off, fmt::format("component start function has a result count of {} but the function type has {}",
                                      st.results, ft.result ? 1 : 0)));
  if (st.results) fail(off, "start function results (🪙 values) not supported yet", ErrorKind::Unsupported);
}

}  // namespace shard::component::valid
