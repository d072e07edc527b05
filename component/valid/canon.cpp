// Canonical definitions: canon lift/lower and the resource built-ins, with the core signatures
// their function types flatten to (CanonicalABI.md: Canonical Definitions, Flattening).
#include <fmt/format.h>

#include <algorithm>

#include "component/valid/validator.h"

namespace shard::component::valid {

void Validator::flatten(const VT& v, std::vector<shard::ValType>& out, int depth) {
  using shard::ValType;
  if (v.prim) {
    switch (v.p) {
      case PrimType::S64: case PrimType::U64: out.push_back(ValType::I64); return;
      case PrimType::F32: out.push_back(ValType::F32); return;
      case PrimType::F64: out.push_back(ValType::F64); return;
      case PrimType::String: out.push_back(ValType::I32); out.push_back(ValType::I32); return;
      default: out.push_back(ValType::I32); return;
    }
  }
  if (depth > 100 || out.size() > 4096) {  // a hostile type; more than MAX_FLAT_* either way
    out.resize(out.size() + kMaxFlatParams + 1, ValType::I32);
    return;
  }
  const TypeNode& n = node(v.id);
  switch (n.dv) {
    case DefValKind::Prim: return flatten(VT{true, n.prim, kNoType}, out, depth + 1);
    case DefValKind::List: case DefValKind::Map: out.push_back(ValType::I32); out.push_back(ValType::I32); return;
    case DefValKind::Record: for (auto& c : n.cases) flatten(*c.second, out, depth + 1); return;
    case DefValKind::Tuple: for (auto& t : n.types) flatten(t, out, depth + 1); return;
    case DefValKind::Flags: case DefValKind::Enum: case DefValKind::Own: case DefValKind::Borrow:
      out.push_back(ValType::I32);
      return;
    case DefValKind::Variant: case DefValKind::Option: case DefValKind::Result: {
      // flatten_variant: the discriminant, then the join of the cases' flattenings
      std::vector<std::optional<VT>> cases;
      if (n.dv == DefValKind::Variant) for (auto& c : n.cases) cases.push_back(c.second);
      else if (n.dv == DefValKind::Option) cases = {std::nullopt, n.elem};
      else cases = {n.elem, n.err};
      out.push_back(ValType::I32);  // discriminant: at most 2^32 cases fit an i32
      std::vector<ValType> joined;
      for (auto& c : cases) {
        if (!c) continue;
        std::vector<ValType> f;
        flatten(*c, f, depth + 1);
        for (size_t i = 0; i < f.size(); ++i) {
          if (i >= joined.size()) joined.push_back(f[i]);
          else if (joined[i] != f[i])
            joined[i] = ((joined[i] == ValType::I32 && f[i] == ValType::F32) ||
                         (joined[i] == ValType::F32 && f[i] == ValType::I32)) ? ValType::I32 : ValType::I64;
        }
      }
      out.insert(out.end(), joined.begin(), joined.end());
      return;
    }
  }
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

shard::FuncType Validator::flatten_functype(const TypeNode& ft, bool lift) {
  shard::FuncType out;
  for (auto& [name, t] : ft.params) flatten(t, out.params);
  if (ft.result) flatten(*ft.result, out.results);
  if (out.params.size() > kMaxFlatParams) out.params = {shard::ValType::I32};
  if (out.results.size() > kMaxFlatResults) {
    if (lift) {
      out.results = {shard::ValType::I32};
    } else {
      out.params.push_back(shard::ValType::I32);
      out.results.clear();
    }
  }
  return out;
}

bool Validator::check_opts(const CanonOpts& o, bool lift, const TypeNode& ft, const shard::FuncType& flat) {
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
  bool params_mem = false, flat_params_over = false;
  for (auto& p : ft.params) params_mem |= needs_memory(p.second);
  std::vector<ValType> fp, fr;
  for (auto& p : ft.params) flatten(p.second, fp);
  if (ft.result) flatten(*ft.result, fr);
  flat_params_over = fp.size() > kMaxFlatParams;
  bool result_mem = needs_memory(ft.result);
  bool need_memory = params_mem || result_mem || flat_params_over || fr.size() > kMaxFlatResults;
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
      shard::FuncType flat = flatten_functype(node(ftid), true);
      if (!check_opts(c.opts, true, node(ftid), flat)) return;
      if (!(s.core_funcs[c.func] == flat))
        return void(fail(off, fmt::format("lowered function type `{}` does not match type `{}` of core function {}",
                                          sig(flat), sig(s.core_funcs[c.func]), c.func)));
      s.funcs.push_back(ftid);
      return;
    }
    case Canon::Lower: {
      if (!check_index(Sort::Func, c.func, off)) return;
      TypeId ftid = s.funcs[c.func];
      shard::FuncType flat = flatten_functype(node(ftid), false);
      if (!check_opts(c.opts, false, node(ftid), flat)) return;
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
