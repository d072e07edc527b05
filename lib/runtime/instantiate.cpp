// Instantiation (exec/modules.rst: instantiation, Wasm 2.0 order): check imports, allocate
// the module's functions, tables, memories, globals, element and data segments, then apply
// active element segments and data segments in order, then run the start function. A trap
// while applying segments leaves what was already written in place (linking.wast checks it).
#include <cstring>

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

// valid/instructions.rst: constant expressions. Wasm 2.0 allows t.const, ref.null, ref.func
// and global.get; the integer add/sub/mul of extended-const are accepted too.
Slot eval_const(const ConstExpr& expr, const Instance& inst) {
  Slot stack[8];
  size_t sp = 0;
  for (const ConstInstr& ci : expr.instrs) {
    Slot v{};
    switch (ci.op) {
      case Op::I32Const: v.i32 = static_cast<uint32_t>(read_u64(ci.bytes)); break;
      case Op::I64Const: v.i64 = read_u64(ci.bytes); break;
      case Op::F32Const: std::memcpy(&v.f32, ci.bytes, 4); break;
      case Op::F64Const: std::memcpy(&v.f64, ci.bytes, 8); break;
      case Op::V128Const: std::memcpy(&v.v128, ci.bytes, 16); break;
      case Op::RefNull: v.ref = nullptr; break;
      case Op::RefFunc: v.ref = inst.funcs[ci.index]; break;
      case Op::GlobalGet: v = inst.globals[ci.index]->value; break;
      case Op::I32Add: case Op::I32Sub: case Op::I32Mul: {
        uint32_t b = stack[--sp].i32, a = stack[--sp].i32;
        v.i32 = ci.op == Op::I32Add ? a + b : ci.op == Op::I32Sub ? a - b : a * b;
        break;
      }
      case Op::I64Add: case Op::I64Sub: case Op::I64Mul: {
        uint64_t b = stack[--sp].i64, a = stack[--sp].i64;
        v.i64 = ci.op == Op::I64Add ? a + b : ci.op == Op::I64Sub ? a - b : a * b;
        break;
      }
      default: break;  // the validator admits nothing else
    }
    if (sp < 8) stack[sp++] = v;
  }
  return sp > 0 ? stack[sp - 1] : Slot{};
}

Error uninstantiable(TrapKind kind) { return Error{ErrorKind::Uninstantiable, std::string(trap_message(kind))}; }

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

  Instance* inst = store.alloc_instance();
  inst->module = module_ptr;

  // Types: canonical ids for call_indirect's signature check.
  inst->type_id_vec.reserve(m.types.size());
  for (const FuncType& t : m.types) inst->type_id_vec.push_back(store.intern_type(t));

  // Imports, in order, into their index spaces.
  for (const Extern& e : imports) {
    switch (e.kind) {
      case ExternKind::Func: inst->func_vec.push_back(e.as_func()); break;
      case ExternKind::Table: inst->table_vec.push_back(e.as_table()); break;
      case ExternKind::Memory: inst->memory_vec.push_back(e.as_memory()); break;
      case ExternKind::Global: inst->global_vec.push_back(e.as_global()); break;
    }
  }

  // Defined functions (exec/modules.rst: allocfunc). The tier decides how each is entered.
  Tier* tier = store.tier();
  for (size_t i = 0; i < m.functions.size(); ++i) {
    FuncInst* f = store.alloc_func();
    f->instance = inst;
    f->index = static_cast<uint32_t>(m.num_imported_funcs + i);
    f->type_id = inst->type_id_vec[m.functions[i].type_index];
    f->type = &store.type_of(f->type_id);
    f->nparams = static_cast<uint32_t>(f->type->params.size());
    f->nresults = static_cast<uint32_t>(f->type->results.size());
    inst->func_vec.push_back(f);
  }
  inst->funcs = inst->func_vec.data();
  inst->type_ids = inst->type_id_vec.data();
  for (size_t i = m.num_imported_funcs; i < inst->func_vec.size(); ++i) {
    FuncInst* f = inst->func_vec[i];
    f->entry = tier != nullptr ? tier->entry_for(*f) : &no_tier_entry;
  }

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

  // Element and data instances (exec/modules.rst: allocelem / allocdata).
  for (const ElemSegment& seg : m.elems) {
    ElemInst* e = store.alloc_elem();
    e->type = seg.type;
    e->refs.reserve(seg.inits.size());
    for (const ConstExpr& ce : seg.inits) e->refs.push_back(eval_const(ce, *inst).ref);
    inst->elem_vec.push_back(e);
  }
  for (const DataSegment& seg : m.datas) {
    DataInst* d = store.alloc_data();
    d->bytes = m.bytes.data() + seg.data_offset;
    d->size = seg.data_size;
    inst->data_vec.push_back(d);
  }
  inst->elems = inst->elem_vec.data();
  inst->datas = inst->data_vec.data();

  // Exports.
  for (const Export& ex : m.exports) {
    Extern e{ex.kind, nullptr};
    switch (ex.kind) {
      case ExternKind::Func: e.ptr = inst->func_vec[ex.index]; break;
      case ExternKind::Table: e.ptr = inst->table_vec[ex.index]; break;
      case ExternKind::Memory: e.ptr = inst->memory_vec[ex.index]; break;
      case ExternKind::Global: e.ptr = inst->global_vec[ex.index]; break;
    }
    inst->exports.emplace_back(ex.name, e);
  }

  // Active element segments: table.init then elem.drop; declarative ones are just dropped.
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    ElemInst* e = inst->elem_vec[i];
    if (seg.mode == SegmentMode::Active) {
      TableInst* t = inst->table_vec[seg.table];
      uint64_t offset = eval_const(seg.offset, *inst).i32;
      uint64_t n = e->refs.size();
      if (!t->in_bounds(offset, n)) return uninstantiable(TrapKind::OutOfBoundsTable);
      std::copy(e->refs.begin(), e->refs.end(), t->elements + offset);
    }
    if (seg.mode != SegmentMode::Passive) e->refs.clear();
  }
  // Active data segments: memory.init then data.drop.
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    DataInst* d = inst->data_vec[i];
    if (seg.mode == SegmentMode::Active) {
      MemoryInst* mem = inst->memory_vec[seg.memory];
      uint64_t offset = eval_const(seg.offset, *inst).i32;
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
