#include "interp/compiler.h"

#include <array>
#include <cstring>

namespace shard::interp {

namespace {

constexpr IOp kNone = IOp::Count;

constexpr auto kImmForm = [] {
  std::array<IOp, kOpCount> a{};
  a.fill(kNone);
#define X(name) a[static_cast<size_t>(Op::name)] = IOp::Imm_##name;
  SHARD_INTERP_IMM_OPS(X)
#undef X
  return a;
}();

struct CmpForms {
  IOp ss = kNone, si = kNone;
  Op neg = Op::Nop;
};
constexpr auto kCmp = [] {
  std::array<CmpForms, kOpCount> a{};
  a.fill(CmpForms{kNone, kNone, Op::Nop});  // explicit: g++ 12 drops the NSDMIs here
#define X(name, negation) a[static_cast<size_t>(Op::name)] = {IOp::BrSS_##name, IOp::BrSI_##name, Op::negation};
  SHARD_INTERP_CMP_OPS(X)
#undef X
  return a;
}();

/// The form of a load/store for a memory other than 0 (code.h: MemN_<Op>).
constexpr auto kMemNForm = [] {
  std::array<IOp, kOpCount> a{};
  a.fill(kNone);
#define WASM_OP(id, name, prefix, code, imm, ...) \
  SHARD_INTERP_IF_MEMARG_##imm(a[static_cast<size_t>(Op::id)] = IOp::MemN_##id;)
#include "opcodes.def"
#undef WASM_OP
  return a;
}();

/// The unchecked form of a memory-0 load/store (code.h: G_<Op>). The G_ block follows the
/// MemN_ block in IOp, generated from the same rows in the same order.
constexpr auto kGuardForm = [] {
  size_t rows = 0;
  for (IOp op : kMemNForm) rows += op != kNone ? 1 : 0;
  std::array<IOp, kOpCount> a{};
  for (size_t i = 0; i < kOpCount; ++i)
    a[i] = kMemNForm[i] == kNone ? kNone : static_cast<IOp>(static_cast<size_t>(kMemNForm[i]) + rows);
  return a;
}();
static_assert(kGuardForm[static_cast<size_t>(Op::I32Load)] == IOp::G_I32Load);
static_assert(kGuardForm[static_cast<size_t>(Op::V128Store64Lane)] == IOp::G_V128Store64Lane);

bool is_store(const OpInfo& oi) { return oi.result == OpType::None; }

}  // namespace

uint32_t Compiler::emit(IOp op) {
  uint32_t w = here();
  code().push_back(Word{.op = h_[static_cast<size_t>(op)]});
  auto& offs = out_->offsets;
  if (offs.empty() || offs.back().second != cur_offset_) offs.emplace_back(w, static_cast<uint32_t>(cur_offset_));
  last_dst_ = -1;
  last_cmp_ = -1;
  return w;
}

void Compiler::begin_function(const FunctionInfo& fi) {
  out_ = std::make_unique<CompiledFunc>();
  module_ = fi.module;
  nparams_ = static_cast<uint32_t>(fi.type->params.size());
  nresults_ = static_cast<uint32_t>(fi.type->results.size());
  nlocals_ = static_cast<uint32_t>(fi.locals.size());
  out_->nparams = nparams_;
  out_->nresults = nresults_;
  out_->nlocals = nlocals_;
  out_->code.reserve(64);
  st_.clear();
  patches_.clear();
  max_h_ = std::max(nresults_, 1u);
  last_dst_ = last_cmp_ = -1;
  // The entry check is attributed to the function's first instruction.
  cur_offset_ = fi.module->functions[fi.func_index - fi.module->num_imported_funcs].body_offset;
  emit_interrupt_check();
  cur_offset_ = 0;
}

void Compiler::emit_interrupt_check() {
  switch (variant_ & (rt::kMeterFuel | rt::kMeterEpoch)) {
    case rt::kMeterFuel: emit(IOp::X_Fuel); break;
    case rt::kMeterEpoch: emit(IOp::X_Epoch); break;
    case rt::kMeterFuel | rt::kMeterEpoch: emit(IOp::X_FuelEpoch); break;
    default: break;
  }
}

void Compiler::end_function() {
  // Room for the results of the function itself when it has more results than locals+stack.
  out_->frame_slots = std::max(nlocals_ + max_h_ + 1, nresults_ + 1);
  out_->code.shrink_to_fit();
}

// ---- the compile-time operand stack --------------------------------------------------------

void Compiler::materialize(uint32_t h) {
  Operand& o = st_[h];
  if (o.kind == Kind::Local) {
    uint32_t w = emit(IOp::X_Copy);
    (void)w;
    word2(home(h), local_slot(o.local));
  } else if (o.kind == Kind::Const) {
    emit(IOp::X_Const64);
    word2(home(h), 0);
    word(o.imm);
  }
  o.kind = Kind::Stack;
}

void Compiler::materialize_local_refs(uint32_t local, uint32_t below) {
  for (uint32_t h = 0; h < below && h < st_.size(); ++h) {
    if (st_[h].kind == Kind::Local && st_[h].local == local) materialize(h);
  }
}

uint32_t Compiler::use(uint32_t h) {
  Operand& o = st_[h];
  if (o.kind == Kind::Local) return local_slot(o.local);
  if (o.kind == Kind::Const) materialize(h);
  return home(h);
}

// ---- branches --------------------------------------------------------------------------------

void Compiler::bind(Control& c, uint32_t target) {
  for (int32_t p = c.patch_head; p >= 0; p = patches_[p].second) set_rel(patches_[p].first, target);
  c.patch_head = -1;
  bind_label();
}

void Compiler::branch_copies(uint32_t target_height, uint32_t n, uint32_t h) {
  // Destinations are at or below their sources, so an ascending copy never clobbers a value
  // before it is read; locals live below every home slot.
  for (uint32_t k = 0; k < n; ++k) {
    uint32_t src_h = h - n + k;
    uint32_t dst = home(target_height + k);
    const Operand& o = st_[src_h];
    if (o.kind == Kind::Const) {
      emit(IOp::X_Const64);
      word2(dst, 0);
      word(o.imm);
    } else {
      uint32_t src = o.kind == Kind::Local ? local_slot(o.local) : home(src_h);
      if (src != dst) {
        emit(IOp::X_Copy);
        word2(dst, src);
      }
    }
  }
}

bool Compiler::branch_is_simple(const Frame& target, uint32_t h) const {
  if (target.kind == FrameKind::Function) return false;
  auto n = static_cast<uint32_t>(target.label_types().size());
  if (n == 0) return true;
  if (target.height != h - n) return false;
  for (uint32_t k = h - n; k < h; ++k)
    if (st_[k].kind != Kind::Stack) return false;
  return true;
}

void Compiler::jump_to(Frame& target) {
  uint32_t w = emit(IOp::X_Br);
  word2(0, 0);
  if (target.kind == FrameKind::Loop) set_rel(w + 1, target.data.start);
  else add_patch(target.data, w + 1);
}

void Compiler::branch_to(Frame& target, uint32_t h) {
  if (target.kind == FrameKind::Function) {
    emit_return(h);
    return;
  }
  branch_copies(target.height, static_cast<uint32_t>(target.label_types().size()), h);
  jump_to(target);
}

void Compiler::emit_return(uint32_t h) {
  uint32_t n = nresults_;
  // A result read from a local that an earlier result copy overwrites goes via its home slot.
  for (uint32_t k = 0; k < n; ++k) {
    const Operand& o = st_[h - n + k];
    if (o.kind == Kind::Local && o.local < n) materialize(h - n + k);
  }
  for (uint32_t k = 0; k < n; ++k) {
    uint32_t dst = k * 16;
    const Operand& o = st_[h - n + k];
    if (o.kind == Kind::Const) {
      emit(IOp::X_Const64);
      word2(dst, 0);
      word(o.imm);
      continue;
    }
    uint32_t src = o.kind == Kind::Local ? local_slot(o.local) : home(h - n + k);
    if (src != dst) {
      emit(IOp::X_Copy);
      word2(dst, src);
    }
  }
  emit(IOp::X_Ret);
}

uint32_t Compiler::cond_jump(uint32_t h, bool negate) {
  const Operand& c = st_[h - 1];
  if (last_cmp_ >= 0 && c.kind == Kind::Stack && last_cmp_slot_ == home(h - 1)) {
    // Rewrite the comparison in place: its dst field becomes the branch offset.
    auto w = static_cast<uint32_t>(last_cmp_);
    Op op = static_cast<Op>(last_cmp_op_);
    IOp fused;
    if (op == Op::I32Eqz) {
      fused = negate ? IOp::X_BrIfNz : IOp::X_BrIfZ;
    } else {
      if (negate) op = kCmp[static_cast<size_t>(op)].neg;
      fused = last_cmp_imm_ ? kCmp[static_cast<size_t>(op)].si : kCmp[static_cast<size_t>(op)].ss;
    }
    code()[w].op = h_[static_cast<size_t>(fused)];
    code()[w + 1].lo = 0;
    last_dst_ = last_cmp_ = -1;
    return w + 1;
  }
  uint32_t slot = use(h - 1);
  uint32_t w = emit(negate ? IOp::X_BrIfZ : IOp::X_BrIfNz);
  word2(0, slot);
  return w + 1;
}

// ---- structured control ----------------------------------------------------------------------

void Compiler::on_block(const Instr& ins, Frame& f) {
  cur_offset_ = ins.offset;
  if (!f.reachable_on_entry) return;
  sync(ins.height);
  materialize_all();
  bind_label();
}

void Compiler::on_loop(const Instr& ins, Frame& f) {
  cur_offset_ = ins.offset;
  if (!f.reachable_on_entry) return;
  sync(ins.height);
  materialize_all();
  f.data.start = here();
  bind_label();
  emit_interrupt_check();  // every branch back to the loop runs it: once per iteration
}

void Compiler::on_if(const Instr& ins, Frame& f) {
  cur_offset_ = ins.offset;
  if (!f.reachable_on_entry) return;
  uint32_t h = ins.height;
  sync(h);
  for (uint32_t k = 0; k + 1 < h; ++k) materialize(k);
  f.data.else_patch = static_cast<int32_t>(cond_jump(h, /*negate=*/true));
  sync(h - 1);
  bind_label();
}

void Compiler::on_else(const Instr& ins, Frame& f) {
  cur_offset_ = ins.offset;
  if (f.reachable_on_entry) {
    if (!f.unreachable) {
      sync(ins.height);
      materialize_all();
      jump_to(f);
    }
    if (f.data.else_patch >= 0) set_rel(static_cast<uint32_t>(f.data.else_patch), here());
    f.data.else_patch = -1;
  }
  st_.resize(f.height);
  sync(f.height + static_cast<uint32_t>(f.sig.params.size()));
  bind_label();
}

// exec/instructions.rst: try_table. The clauses' landing pads come first (jumped over on
// entry): each takes the payload the unwinder wrote at the try_table's base height and
// branches with it to the clause's label like a `br` would. The covered code follows.
void Compiler::on_try_table(const Instr& ins, std::vector<Frame>& frames) {
  cur_offset_ = ins.offset;
  Frame& f = frames.back();
  if (!f.reachable_on_entry) return;
  sync(ins.height);
  materialize_all();
  auto nparams = static_cast<uint32_t>(f.sig.params.size());
  uint32_t skip = emit(IOp::X_Br);
  word2(0, 0);
  TryRegion region;
  region.first = static_cast<uint32_t>(out_->catches.size());
  region.count = static_cast<uint32_t>(ins.catches.size());
  for (const CatchClause& c : ins.catches) {
    Frame& target = frames[frames.size() - 2 - c.label];
    uint32_t n = 0;
    if (c.kind == CatchKind::Catch || c.kind == CatchKind::CatchRef)
      n = static_cast<uint32_t>(module_->types[module_->all_tags[c.tag].type_index].params.size());
    if (c.kind == CatchKind::CatchRef || c.kind == CatchKind::CatchAllRef) ++n;
    bind_label();
    out_->catches.push_back(CatchPad{c.kind, c.tag, here(), home(f.height)});
    st_.resize(f.height);
    sync(f.height + n);
    branch_to(target, f.height + n);
  }
  set_rel(skip + 1, here());
  st_.resize(f.height);
  sync(f.height + nparams);
  bind_label();
  region.start = here();
  f.data.try_region = static_cast<int32_t>(out_->tries.size());
  out_->tries.push_back(region);
}

void Compiler::on_end(const Instr& ins, Frame& f) {
  cur_offset_ = ins.offset;
  if (f.kind == FrameKind::TryTable && f.data.try_region >= 0) out_->tries[f.data.try_region].end = here();
  if (f.kind == FrameKind::Function) {
    if (!f.unreachable) {
      sync(ins.height);
      emit_return(ins.height);
    }
    return;
  }
  if (f.reachable_on_entry) {
    if (!f.unreachable) {
      sync(ins.height);
      materialize_all();
    }
    if (f.data.else_patch >= 0) set_rel(static_cast<uint32_t>(f.data.else_patch), here());
    f.data.else_patch = -1;
    if (f.kind != FrameKind::Loop) bind(f.data, here());
  }
  st_.resize(f.height);
  sync(f.height + static_cast<uint32_t>(f.sig.results.size()));
  bind_label();
}

void Compiler::on_br(const Instr& ins, Frame& target) {
  cur_offset_ = ins.offset;
  sync(ins.height);
  branch_to(target, ins.height);
}

void Compiler::on_br_if(const Instr& ins, Frame& target) {
  cur_offset_ = ins.offset;
  uint32_t h = ins.height;
  sync(h);
  if (branch_is_simple(target, h - 1)) {
    uint32_t w = cond_jump(h, false);
    if (target.kind == FrameKind::Loop) set_rel(w, target.data.start);
    else add_patch(target.data, w);
  } else {
    // Branch over the copies when the condition is false.
    uint32_t skip = cond_jump(h, true);
    branch_to(target, h - 1);
    set_rel(skip, here());
    bind_label();
  }
  sync(h - 1);
}

void Compiler::on_br_table(const Instr& ins, std::vector<Frame>& frames) {
  cur_offset_ = ins.offset;
  uint32_t h = ins.height;
  sync(h);
  uint32_t idx = use(h - 1);
  auto n = static_cast<uint32_t>(ins.targets.size());
  uint32_t w = emit(IOp::X_BrTable);
  word2(idx, n - 1);
  uint32_t table = here();
  for (uint32_t i = 0; i < n; ++i) word2(0, 0);
  stub_for_depth_.assign(frames.size(), -1);
  std::vector<uint32_t> need_stub;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t depth = ins.targets[i];
    Frame& t = frames[frames.size() - 1 - depth];
    if (branch_is_simple(t, h - 1)) {
      if (t.kind == FrameKind::Loop) set_rel(table + i, t.data.start);
      else add_patch(t.data, table + i);
    } else {
      need_stub.push_back(i);
    }
  }
  // Targets that need value copies (or are the function's return) get a stub after the table.
  for (uint32_t i : need_stub) {
    uint32_t depth = ins.targets[i];
    if (stub_for_depth_[depth] < 0) {
      stub_for_depth_[depth] = static_cast<int32_t>(here());
      branch_to(frames[frames.size() - 1 - depth], h - 1);
    }
    set_rel(table + i, static_cast<uint32_t>(stub_for_depth_[depth]));
  }
  (void)w;
}

void Compiler::on_return(const Instr& ins) {
  cur_offset_ = ins.offset;
  sync(ins.height);
  emit_return(ins.height);
}

// ---- everything else -------------------------------------------------------------------------

void Compiler::numeric(const Instr& ins, const OpInfo& oi) {
  uint32_t h = ins.height;
  int n = oi.param_count();
  uint32_t base = h - n;
  uint32_t dst = home(base);
  uint32_t w;
  bool imm_form = false;
  if (oi.imm == Imm::Lane) {
    uint32_t a = use(base);
    uint32_t b = n == 2 ? use(base + 1) : 0;
    w = emit(iop(ins.op));
    word2(dst, a);
    word2(b, ins.lane);
  } else if (oi.imm == Imm::Shuffle) {
    uint32_t a = use(base), b = use(base + 1);
    w = emit(IOp::X_I8x16Shuffle);
    word2(dst, a);
    word2(b, 0);
    uint64_t lo, hi;
    std::memcpy(&lo, ins.bytes.data(), 8);
    std::memcpy(&hi, ins.bytes.data() + 8, 8);
    word(lo);
    word(hi);
  } else if (n == 2 && st_[h - 1].kind == Kind::Const && kImmForm[static_cast<size_t>(ins.op)] != kNone) {
    uint64_t imm = st_[h - 1].imm;
    uint32_t a = use(base);
    w = emit(kImmForm[static_cast<size_t>(ins.op)]);
    word2(dst, a);
    word(imm);
    imm_form = true;
  } else {
    uint32_t a = use(base);
    uint32_t b = n >= 2 ? use(base + 1) : 0;
    uint32_t c = n >= 3 ? use(base + 2) : 0;
    w = emit(iop(ins.op));
    word2(dst, a);
    if (n >= 2) word2(b, c);
  }
  sync(base);
  push_stack(base);
  last_dst_ = w + 1;
  last_dst_slot_ = dst;
  if (ins.op == Op::I32Eqz || kCmp[static_cast<size_t>(ins.op)].ss != kNone) {
    last_cmp_ = w;
    last_cmp_slot_ = dst;
    last_cmp_op_ = static_cast<uint16_t>(ins.op);
    last_cmp_imm_ = imm_form;
  }
}

// Memory 0 keeps the plain form; another memory gets the MemN_ form, whose memory index
// follows the plain form's words.
void Compiler::memory_access(const Instr& ins, const OpInfo& oi) {
  uint32_t h = ins.height;
  int n = oi.param_count();
  uint32_t base = h - n;
  uint32_t addr = use(base);
  uint32_t val = n == 2 ? use(base + 1) : 0;
  IOp op = ins.index != 0                      ? kMemNForm[static_cast<size_t>(ins.op)]
           : (variant_ & rt::kGuardPages) != 0 ? kGuardForm[static_cast<size_t>(ins.op)]
                                               : iop(ins.op);
  if (is_store(oi)) {
    emit(op);
    word2(addr, val);
    word(ins.offset_imm);
    if (oi.imm == Imm::MemArgLane) word2(ins.lane, 0);
    if (ins.index != 0) word2(ins.index, 0);
    sync(base);
    return;
  }
  uint32_t dst = home(base);
  uint32_t w = emit(op);
  word2(dst, addr);
  word(ins.offset_imm);
  if (oi.imm == Imm::MemArgLane) word2(val, ins.lane);
  if (ins.index != 0) word2(ins.index, 0);
  sync(base);
  push_stack(base);
  last_dst_ = w + 1;
  last_dst_slot_ = dst;
}

void Compiler::on_op(const Instr& ins) {
  cur_offset_ = ins.offset;
  uint32_t h = ins.height;
  sync(h);
  const OpInfo& oi = info(ins.op);
  using enum Op;
  switch (ins.op) {
    case Nop: return;
    case Unreachable: emit(IOp::X_TrapUnreachable); return;
    case Throw: {
      // [op][tag|args]: the payload in consecutive home slots.
      auto n = static_cast<uint32_t>(module_->types[module_->all_tags[ins.index].type_index].params.size());
      for (uint32_t k = h - n; k < h; ++k) materialize(k);
      emit(IOp::X_Throw);
      word2(ins.index, home(h - n));
      return;
    }
    case ThrowRef: {
      uint32_t s = use(h - 1);
      emit(IOp::X_ThrowRef);
      word2(s, 0);
      return;
    }
    case I32Const: case I64Const: case F32Const: case F64Const: {
      uint64_t v = 0;
      std::memcpy(&v, ins.bytes.data(), 8);
      if (ins.op == F32Const) v &= 0xffffffffu;
      st_.push_back(Operand{Kind::Const, 0, v});
      sync(h + 1);
      return;
    }
    case RefNull:
      st_.push_back(Operand{Kind::Const, 0, 0});
      sync(h + 1);
      return;
    case V128Const: {
      emit(IOp::X_ConstV);
      word2(home(h), 0);
      uint64_t lo, hi;
      std::memcpy(&lo, ins.bytes.data(), 8);
      std::memcpy(&hi, ins.bytes.data() + 8, 8);
      word(lo);
      word(hi);
      push_stack(h);
      return;
    }
    case LocalGet:
      st_.push_back(Operand{Kind::Local, ins.index, 0});
      sync(h + 1);
      return;
    case LocalSet: case LocalTee: {
      uint32_t top = h - 1;
      Operand o = st_[top];
      if (o.kind == Kind::Local && o.local == ins.index) {
        if (ins.op == LocalSet) sync(top);
        return;
      }
      bool has_refs = false;
      for (uint32_t k = 0; k < top; ++k) has_refs |= st_[k].kind == Kind::Local && st_[k].local == ins.index;
      uint32_t dst = local_slot(ins.index);
      if (!has_refs && o.kind == Kind::Stack && last_dst_ >= 0 && last_dst_slot_ == home(top)) {
        code()[last_dst_].lo = dst;  // the producer writes the local directly
        last_dst_ = last_cmp_ = -1;
      } else {
        materialize_local_refs(ins.index, top);
        if (o.kind == Kind::Const) {
          emit(IOp::X_Const64);
          word2(dst, 0);
          word(o.imm);
        } else {
          uint32_t src = o.kind == Kind::Local ? local_slot(o.local) : home(top);
          emit(IOp::X_Copy);
          word2(dst, src);
        }
      }
      sync(top);
      if (ins.op == LocalTee) {
        st_.push_back(Operand{Kind::Local, ins.index, 0});
        sync(h);
      }
      return;
    }
    case GlobalGet: {
      uint32_t w = emit(IOp::X_GlobalGet);
      word2(home(h), ins.index);
      push_stack(h);
      last_dst_ = w + 1;
      last_dst_slot_ = home(h);
      return;
    }
    case GlobalSet: {
      uint32_t src = use(h - 1);
      emit(IOp::X_GlobalSet);
      word2(src, ins.index);
      sync(h - 1);
      return;
    }
    case Drop: sync(h - 1); return;
    case Select: case SelectT: {
      uint32_t a = use(h - 3), b = use(h - 2), c = use(h - 1);
      uint32_t w = emit(IOp::X_Select);
      word2(home(h - 3), c);
      word2(a, b);
      sync(h - 3);
      push_stack(h - 3);
      last_dst_ = w + 1;
      last_dst_slot_ = home(h - 3);
      return;
    }
    case RefIsNull: {
      uint32_t a = use(h - 1);
      uint32_t w = emit(IOp::X_RefIsNull);
      word2(home(h - 1), a);
      sync(h - 1);
      push_stack(h - 1);
      last_dst_ = w + 1;
      last_dst_slot_ = home(h - 1);
      return;
    }
    case RefFunc:
      emit(IOp::X_RefFunc);
      word2(home(h), ins.index);
      push_stack(h);
      return;
    case Call: case CallIndirect: {
      const WasmModule& m = *module_;
      const FuncType& ft = ins.op == Call ? m.func_type(ins.index) : m.types[ins.index];
      auto np = static_cast<uint32_t>(ft.params.size());
      auto nr = static_cast<uint32_t>(ft.results.size());
      uint32_t args = (ins.op == Call ? h : h - 1) - np;
      for (uint32_t k = args; k < args + np; ++k) materialize(k);
      if (ins.op == Call) {
        emit(IOp::X_Call);
        word2(ins.index, home(args));
      } else {
        uint32_t idx = use(h - 1);
        emit(IOp::X_CallIndirect);
        word2(ins.index, ins.index2);
        word2(idx, home(args));
      }
      sync(args);
      for (uint32_t k = 0; k < nr; ++k) push_stack(args + k);
      // The callee's frame may need room up to its own results above ours.
      if (args + std::max(np, nr) + 1 > max_h_) max_h_ = args + std::max(np, nr) + 1;
      return;
    }
    case MemorySize: {
      // [op][dst|memidx]
      emit(ins.index == 0 ? IOp::X_MemorySize : IOp::X_MemorySizeN);
      word2(home(h), ins.index);
      push_stack(h);
      return;
    }
    case MemoryGrow: {
      // [op][dst|delta], then [memidx|-] for another memory
      uint32_t a = use(h - 1);
      emit(ins.index == 0 ? IOp::X_MemoryGrow : IOp::X_MemoryGrowN);
      word2(home(h - 1), a);
      if (ins.index != 0) word2(ins.index, 0);
      sync(h - 1);
      push_stack(h - 1);
      return;
    }
    case MemoryFill: case MemoryCopy: case MemoryInit:
    case TableFill: case TableCopy: case TableInit: {
      uint32_t a = use(h - 3), b = use(h - 2), c = use(h - 1);
      // Memory indices: fill in `index`, copy in `index` (dst) and `index2` (src), init in `index2`.
      bool mem0 = ins.op == MemoryFill ? ins.index == 0
                : ins.op == MemoryCopy ? ins.index == 0 && ins.index2 == 0
                : ins.op == MemoryInit ? ins.index2 == 0
                                       : true;
      IOp op = ins.op == MemoryFill ? (mem0 ? IOp::X_MemoryFill : IOp::X_MemoryFillN)
             : ins.op == MemoryCopy ? (mem0 ? IOp::X_MemoryCopy : IOp::X_MemoryCopyN)
             : ins.op == MemoryInit ? (mem0 ? IOp::X_MemoryInit : IOp::X_MemoryInitN)
             : ins.op == TableFill  ? IOp::X_TableFill
             : ins.op == TableCopy  ? IOp::X_TableCopy
                                    : IOp::X_TableInit;
      emit(op);
      word2(a, b);
      word2(c, 0);
      word2(ins.index, ins.index2);
      sync(h - 3);
      return;
    }
    case DataDrop: case ElemDrop:
      emit(ins.op == DataDrop ? IOp::X_DataDrop : IOp::X_ElemDrop);
      word2(ins.index, 0);
      return;
    case TableGet: {
      uint32_t a = use(h - 1);
      emit(IOp::X_TableGet);
      word2(home(h - 1), a);
      word2(ins.index, 0);
      sync(h - 1);
      push_stack(h - 1);
      return;
    }
    case TableSet: {
      uint32_t a = use(h - 2), b = use(h - 1);
      emit(IOp::X_TableSet);
      word2(a, b);
      word2(ins.index, 0);
      sync(h - 2);
      return;
    }
    case TableSize:
      emit(IOp::X_TableSize);
      word2(home(h), ins.index);
      push_stack(h);
      return;
    case TableGrow: {
      uint32_t a = use(h - 2), b = use(h - 1);
      emit(IOp::X_TableGrow);
      word2(home(h - 2), a);
      word2(b, ins.index);
      sync(h - 2);
      push_stack(h - 2);
      return;
    }
    default: break;
  }
  if (oi.imm == Imm::MemArg || oi.imm == Imm::MemArgLane) {
    memory_access(ins, oi);
    return;
  }
  numeric(ins, oi);
}

}  // namespace shard::interp
