// Instantiation (exec/modules.rst: instantiation, Wasm 2.0 order): check imports, allocate
// the module's functions, tables, memories, globals, element and data segments, then apply
// active element segments and data segments in order, then run the start function. A trap
// while applying segments leaves what was already written in place (linking.wast checks it).
//
// Cost: O(imports + exports + globals + types + segment entries) plus a few stores per
// defined function (their FuncInsts, built in one block). Nothing is compiled here (tiers
// compile per module, lazily), and what depends only on the module is worked out once per
// module (InstancePlan, kept in WasmModule::caches).
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "runtime/runtime.h"

namespace shard::rt {

namespace {

// valid/types.rst: limits subtyping — actual {n1, m1} matches expected {n2, m2} iff n1 >= n2
// and (m2 absent, or m1 present and m1 <= m2). Current sizes count as the actual minimum.
bool limits_match(uint64_t actual_min, std::optional<uint64_t> actual_max, const Limits& expected) {
  if (actual_min < expected.min) return false;
  if (expected.max) {
    if (!actual_max) return false;
    if (*actual_max > *expected.max) return false;
  }
  return true;
}

TrapKind no_tier_entry(ExecContext* ctx, FuncInst*, Slot*) {
  return ctx->raise(TrapKind::HostError, "no execution tier configured in the store");
}

uint64_t read_u64(const uint8_t* b) {
  uint64_t v;
  std::memcpy(&v, b, 8);
  return v;
}

// valid/instructions.rst: constant expressions. The validator admits exactly one t.const,
// ref.null, ref.func or global.get (extended constants' integer arithmetic is not supported
// yet: when it is, the validator and this evaluator gain it together).
Slot eval_const(const ConstExpr& expr, const Instance& inst) {
  Slot v{};
  if (expr.instrs.size() != 1) return v;  // not reached after validation
  const ConstInstr& ci = expr.instrs[0];
  switch (ci.op) {
    case Op::I32Const: v.i32 = static_cast<uint32_t>(read_u64(ci.bytes)); break;
    case Op::I64Const: v.i64 = read_u64(ci.bytes); break;
    case Op::F32Const: std::memcpy(&v.f32, ci.bytes, 4); break;
    case Op::F64Const: std::memcpy(&v.f64, ci.bytes, 8); break;
    case Op::V128Const: std::memcpy(&v.v128, ci.bytes, 16); break;
    case Op::RefNull: v.ref = nullptr; break;
    case Op::RefFunc: v.ref = inst.funcs[ci.index]; break;
    case Op::GlobalGet: v = inst.globals[ci.index]->value; break;
    default: break;  // the validator admits nothing else
  }
  return v;
}

Error uninstantiable(TrapKind kind) { return Error{ErrorKind::Uninstantiable, std::string(trap_message(kind))}; }

constexpr uint32_t kNullFunc = UINT32_MAX;

/// The value of a constant expression that is a single i32.const (what toolchains emit for
/// segment offsets), known without an instance.
std::optional<uint32_t> const_i32(const ConstExpr& e) {
  if (e.instrs.size() == 1 && e.instrs[0].op == Op::I32Const) return static_cast<uint32_t>(read_u64(e.instrs[0].bytes));
  return std::nullopt;
}

/// What instantiation works out once per module. Element segments whose initializers are
/// all `ref.func x` / `ref.null` (binary/modules.rst: the funcidx forms of elem, and most
/// expression forms in practice) become function-index lists, so an instance only maps
/// indices to its FuncInsts; constant segment offsets are read once.
struct InstancePlan : ModuleCache {
  struct Elem {
    bool by_index = false;             ///< `funcs` holds every element
    std::vector<uint32_t> funcs;       ///< function index, or kNullFunc for ref.null
    std::optional<uint32_t> offset;    ///< Active segment with a constant offset
  };
  std::vector<Elem> elems;
  std::vector<std::optional<uint32_t>> data_offsets;

  explicit InstancePlan(const WasmModule& m) {
    elems.resize(m.elems.size());
    for (size_t i = 0; i < m.elems.size(); ++i) {
      const ElemSegment& seg = m.elems[i];
      Elem& e = elems[i];
      if (seg.mode == SegmentMode::Active) e.offset = const_i32(seg.offset);
      e.by_index = true;
      e.funcs.reserve(seg.inits.size());
      for (const ConstExpr& ce : seg.inits) {
        if (ce.instrs.size() == 1 && ce.instrs[0].op == Op::RefFunc) {
          e.funcs.push_back(ce.instrs[0].index);
        } else if (ce.instrs.size() == 1 && ce.instrs[0].op == Op::RefNull) {
          e.funcs.push_back(kNullFunc);
        } else {
          e.by_index = false;  // e.g. global.get of an imported funcref: evaluated per instance
          e.funcs.clear();
          e.funcs.shrink_to_fit();
          break;
        }
      }
    }
    data_offsets.reserve(m.datas.size());
    for (const DataSegment& d : m.datas)
      data_offsets.push_back(d.mode == SegmentMode::Active ? const_i32(d.offset) : std::nullopt);
  }
};

/// The elements of segment `i` for `inst`, written to `out[0 .. inits.size())`.
void elem_refs(const Instance& inst, const ElemSegment& seg, const InstancePlan::Elem& plan, void** out) {
  if (plan.by_index) {
    FuncInst* const* funcs = inst.funcs;
    for (size_t k = 0; k < plan.funcs.size(); ++k) {
      uint32_t idx = plan.funcs[k];
      out[k] = idx == kNullFunc ? nullptr : funcs[idx];
    }
    return;
  }
  for (size_t k = 0; k < seg.inits.size(); ++k) out[k] = eval_const(seg.inits[k], inst).ref;
}

}  // namespace

bool extern_matches(const Store& store, const Extern& actual, const Import& expected, const WasmModule& module) {
  // exec/modules.rst: external typing + import matching (valid/types.rst: matching).
  if (actual.kind != expected.kind || actual.ptr == nullptr) return false;
  switch (expected.kind) {
    case ExternKind::Func: {
      const FuncInst* f = actual.as_func();
      return *f->type == module.types[expected.func_type];
    }
    case ExternKind::Table: {
      const TableInst* t = actual.as_table();
      if (t->type.elem != expected.table.elem) return false;
      return limits_match(t->size, t->type.limits.max, expected.table.limits);
    }
    case ExternKind::Memory: {
      const MemoryInst* m = actual.as_memory();
      return limits_match(m->pages(), m->type.limits.max, expected.memory.limits);
    }
    case ExternKind::Global: {
      const GlobalInst* g = actual.as_global();
      return g->type.type == expected.global.type && g->type.mut == expected.global.mut;
    }
    case ExternKind::Tag: {
      // valid/types.rst: tag types match when their function types are equal.
      const TagInst* t = actual.as_tag();
      return *t->type == module.types[expected.tag.type_index];
    }
  }
  (void)store;
  return false;
}

Result<Instance*> instantiate(Store& store, std::shared_ptr<const WasmModule> module_ptr, std::span<const Extern> imports) {
  const WasmModule& m = *module_ptr;
  if (imports.size() != m.imports.size()) {
    return Error{ErrorKind::Unlinkable,
                 fmt::format("wrong number of imports: expected {}, got {}", m.imports.size(), imports.size())};
  }
  for (size_t i = 0; i < imports.size(); ++i) {
    if (!extern_matches(store, imports[i], m.imports[i], m)) {
      return Error{ErrorKind::Unlinkable, "incompatible import type"};
    }
  }

  const InstancePlan& plan =
      m.caches.get<InstancePlan>(CacheKind::Runtime, [&] { return std::make_unique<InstancePlan>(m); });

  Instance* inst = store.alloc_instance();
  inst->module = module_ptr;

  // Types: canonical ids for call_indirect's signature check.
  inst->type_id_vec.reserve(m.types.size());
  for (const FuncType& t : m.types) inst->type_id_vec.push_back(store.intern_type(t));

  // Imports, in order, into their index spaces.
  inst->func_vec.reserve(m.num_funcs());
  for (const Extern& e : imports) {
    switch (e.kind) {
      case ExternKind::Func: inst->func_vec.push_back(e.as_func()); break;
      case ExternKind::Table: inst->table_vec.push_back(e.as_table()); break;
      case ExternKind::Memory: inst->memory_vec.push_back(e.as_memory()); break;
      case ExternKind::Global: inst->global_vec.push_back(e.as_global()); break;
      case ExternKind::Tag: inst->tag_vec.push_back(e.as_tag()); break;
    }
  }
  // Defined tags (exec/modules.rst: alloctag): a new identity per instance.
  for (const TagType& t : m.tags) inst->tag_vec.push_back(store.create_tag(m.types[t.type_index]));

  // Defined functions (exec/modules.rst: allocfunc), in one block, all entered through the
  // tier's one entry point (which finds each function's code itself).
  Tier* tier = store.tier();
  // Entries and code slots are set once memory 0 is known (below): it picks the code variant.
  std::vector<const FuncType*> type_ptrs;
  type_ptrs.reserve(m.types.size());
  for (uint32_t id : inst->type_id_vec) type_ptrs.push_back(&store.type_of(id));
  inst->defined_funcs.reserve(m.functions.size());
  for (uint32_t idx = m.num_imported_funcs; idx < m.num_funcs(); ++idx) {
    uint32_t ti = m.func_type_indices[idx];
    const FuncType* ft = type_ptrs[ti];
    inst->defined_funcs.push_back(FuncInst{.entry = &no_tier_entry,
                                           .instance = inst,
                                           .type_id = inst->type_id_vec[ti],
                                           .index = idx,
                                           .type = ft,
                                           .code = nullptr,
                                           .host = nullptr,
                                           .nparams = static_cast<uint32_t>(ft->params.size()),
                                           .nresults = static_cast<uint32_t>(ft->results.size())});
    inst->func_vec.push_back(&inst->defined_funcs.back());
  }
  inst->funcs = inst->func_vec.data();
  inst->type_ids = inst->type_id_vec.data();

  // Tables and memories.
  for (const TableType& tt : m.tables) {
    auto t = store.create_table(tt, nullptr);
    if (!t) return std::move(t).error();
    inst->table_vec.push_back(*t);
  }
  for (const MemoryType& mt : m.memories) {
    auto mem = store.create_memory(mt);
    if (!mem) return std::move(mem).error();
    inst->memory_vec.push_back(*mem);
  }
  inst->tables = inst->table_vec.data();
  inst->memories = inst->memory_vec.data();
  if (!inst->memory_vec.empty()) {
    inst->mem0 = inst->memory_vec[0];
    inst->mem0_base = inst->mem0->base;
  }
  // The tier's entry and code table for this instance's variant (code_table.h).
  inst->code_variant = store.code_variant(inst->mem0);
  if (tier != nullptr) {
    EntryFn entry = tier->module_entry(m, inst->code_variant);
    CodeTable* table = tier->code_table(m, inst->code_variant);
    for (uint32_t i = 0; i < inst->defined_funcs.size(); ++i) {
      inst->defined_funcs[i].entry = entry;
      inst->defined_funcs[i].code = table != nullptr ? table->slot(i) : nullptr;
    }
  }

  // Globals: initializers see imported globals, earlier globals and all function refs.
  inst->global_vec.reserve(m.num_globals());
  inst->globals = inst->global_vec.data();
  for (const GlobalDef& g : m.globals) {
    Slot v = eval_const(g.init, *inst);
    GlobalInst* gi = store.create_global(g.type, Value::default_of(g.type.type));
    gi->value = v;
    inst->global_vec.push_back(gi);
    inst->globals = inst->global_vec.data();
  }

  // Element and data instances (exec/modules.rst: allocelem / allocdata). Active and
  // declarative segments are dropped by instantiation itself (below), so only passive ones
  // keep their references; active ones are written straight into their tables.
  inst->elem_vec.reserve(m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    ElemInst* e = store.alloc_elem();
    e->type = seg.type;
    if (seg.mode == SegmentMode::Passive) {
      e->refs.resize(seg.inits.size());
      elem_refs(*inst, seg, plan.elems[i], e->refs.data());
    }
    inst->elem_vec.push_back(e);
  }
  inst->data_vec.reserve(m.datas.size());
  for (const DataSegment& seg : m.datas) {
    DataInst* d = store.alloc_data();
    d->bytes = m.bytes.data() + seg.data_offset;
    d->size = seg.data_size;
    inst->data_vec.push_back(d);
  }
  inst->elems = inst->elem_vec.data();
  inst->datas = inst->data_vec.data();

  // Exports.
  inst->exports.reserve(m.exports.size());
  for (const Export& ex : m.exports) {
    Extern e{ex.kind, nullptr};
    switch (ex.kind) {
      case ExternKind::Func: e.ptr = inst->func_vec[ex.index]; break;
      case ExternKind::Table: e.ptr = inst->table_vec[ex.index]; break;
      case ExternKind::Memory: e.ptr = inst->memory_vec[ex.index]; break;
      case ExternKind::Global: e.ptr = inst->global_vec[ex.index]; break;
      case ExternKind::Tag: e.ptr = inst->tag_vec[ex.index]; break;
    }
    inst->exports.emplace_back(ex.name, e);
  }

  // Active element segments: table.init then elem.drop (their ElemInst is already empty);
  // declarative ones are just dropped. exec/instructions.rst: table.init checks the whole
  // range before writing anything.
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode != SegmentMode::Active) continue;
    const InstancePlan::Elem& pe = plan.elems[i];
    TableInst* t = inst->table_vec[seg.table];
    uint64_t offset = pe.offset ? *pe.offset : eval_const(seg.offset, *inst).i32;
    uint64_t n = seg.inits.size();
    if (!t->in_bounds(offset, n)) return uninstantiable(TrapKind::OutOfBoundsTable);
    elem_refs(*inst, seg, pe, t->elements + offset);
  }
  // Active data segments: memory.init then data.drop.
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    DataInst* d = inst->data_vec[i];
    if (seg.mode == SegmentMode::Active) {
      MemoryInst* mem = inst->memory_vec[seg.memory];
      uint64_t offset = plan.data_offsets[i] ? *plan.data_offsets[i] : eval_const(seg.offset, *inst).i32;
      if (!mem->in_bounds(offset, d->size)) return uninstantiable(TrapKind::OutOfBoundsMemory);
      if (d->size != 0) std::memcpy(mem->base + offset, d->bytes, d->size);
      d->size = 0;
    }
  }

  if (m.start) {
    CallResult r = call(store, inst->func_vec[*m.start], {});
    if (!r.ok()) return Error{ErrorKind::Uninstantiable, r.trap->message};
  }
  return inst;
}

std::optional<Extern> Instance::find_export(std::string_view name) const {
  for (const auto& [n, e] : exports) {
    if (n == name) return e;
  }
  return std::nullopt;
}

std::optional<Value> Instance::get_global(std::string_view name) const {
  auto e = find_export(name);
  if (!e || e->kind != ExternKind::Global) return std::nullopt;
  return e->as_global()->get();
}

FuncInst* Instance::find_func(std::string_view name) const {
  auto e = find_export(name);
  return e ? e->as_func() : nullptr;
}

}  // namespace shard::rt
