// The store (exec/runtime.rst: store): owner of every runtime object, plus the execution
// context (value stack, call depth) shared by all tiers.
#include <sys/mman.h>

#include <fmt/format.h>

#include "runtime/runtime.h"
#include "runtime/signals.h"

namespace shard::rt {

Store::Store(StoreConfig config, Tier* tier) : config_(config), tier_(tier) {
  ctx_.store = this;
  ctx_.max_depth = config_.max_call_depth;
  ctx_.epoch = config_.epoch != nullptr ? config_.epoch : &own_epoch_;
  guard_traps_ = config_.signal_based_traps && config_.reserve_full_memory && install_signal_handlers();
  size_t slots = std::max<size_t>(config_.value_stack_bytes / sizeof(Slot), 1024);
  // Reserved lazily: untouched stack pages cost nothing.
  void* p = mmap(nullptr, slots * sizeof(Slot), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) {
    slots = 1024;
    p = mmap(nullptr, slots * sizeof(Slot), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  }
  if (p != MAP_FAILED) {
    stack_mapping_ = p;
    stack_mapping_size_ = slots * sizeof(Slot);
    ctx_.stack_base = static_cast<Slot*>(p);
    ctx_.stack_end = ctx_.stack_base + slots;
  }
  ctx_.stack_top = ctx_.stack_base;
}

Store::~Store() {
  // Instances and functions first (they refer to the rest), then the stack mapping.
  instances_.clear();
  funcs_.clear();
  host_funcs_.clear();
  if (stack_mapping_ != nullptr) munmap(stack_mapping_, stack_mapping_size_);
}

uint32_t Store::intern_type(const FuncType& type) {
  std::string key;
  key.reserve(type.params.size() + type.results.size() + 1);
  for (ValType t : type.params) key.push_back(static_cast<char>(t));
  key.push_back('\0');  // never a value type byte
  for (ValType t : type.results) key.push_back(static_cast<char>(t));
  auto [it, inserted] = type_ids_.emplace(std::move(key), static_cast<uint32_t>(types_.size()));
  if (inserted) types_.push_back(std::make_unique<FuncType>(type));
  return it->second;
}

ElemInst* Store::alloc_elem() {
  elems_.push_back(std::make_unique<ElemInst>());
  return elems_.back().get();
}
DataInst* Store::alloc_data() {
  datas_.push_back(std::make_unique<DataInst>());
  return datas_.back().get();
}
Instance* Store::alloc_instance() {
  instances_.push_back(std::make_unique<Instance>());
  instances_.back()->store = this;
  return instances_.back().get();
}

TrapKind host_entry(ExecContext* ctx, FuncInst* f, Slot* io);  // invoke.cpp

FuncInst* Store::create_host_func(const FuncType& type, HostFunc fn) {
  funcs_.push_back(std::make_unique<FuncInst>());
  host_funcs_.push_back(std::make_unique<HostFunc>(std::move(fn)));
  FuncInst* f = funcs_.back().get();
  f->type_id = intern_type(type);
  f->type = types_[f->type_id].get();
  f->host = host_funcs_.back().get();
  f->entry = &host_entry;
  f->nparams = static_cast<uint32_t>(type.params.size());
  f->nresults = static_cast<uint32_t>(type.results.size());
  return f;
}

GlobalInst* Store::create_global(const GlobalType& type, const Value& value) {
  globals_.push_back(std::make_unique<GlobalInst>());
  GlobalInst* g = globals_.back().get();
  g->type = type;
  g->value = value.to_slot();
  return g;
}

TagInst* Store::create_tag(const FuncType& type) {
  tags_.push_back(std::make_unique<TagInst>());
  TagInst* t = tags_.back().get();
  t->type_id = intern_type(type);
  t->type = &type_of(t->type_id);
  return t;
}

ExnInst* Store::alloc_exn(TagInst* tag, const Slot* fields, bool exposed) {
  ExnInst* e;
  if (!free_exns_.empty()) {
    e = free_exns_.back();
    free_exns_.pop_back();
  } else {
    exns_.push_back(std::make_unique<ExnInst>());
    e = exns_.back().get();
  }
  e->tag = tag;
  e->exposed = exposed;
  e->fields.assign(fields, fields + tag->type->params.size());
  return e;
}

uint8_t Store::code_variant(const MemoryInst* mem0) const {
  uint8_t v = config_.metering;
  if (guard_traps_ && mem0 != nullptr && mem0->fully_reserved()) v |= kGuardPages;
  return v;
}

Result<void> Store::set_fuel(uint64_t units) {
  if ((config_.metering & kMeterFuel) == 0) {
    return Error{ErrorKind::Usage, "fuel is not enabled for this store (EngineConfig::consume_fuel)"};
  }
  ctx_.fuel = units;
  return {};
}

Result<uint64_t> Store::fuel() const {
  if ((config_.metering & kMeterFuel) == 0) {
    return Error{ErrorKind::Usage, "fuel is not enabled for this store (EngineConfig::consume_fuel)"};
  }
  return ctx_.fuel;
}

Result<void> Store::set_epoch_deadline(uint64_t ticks) {
  if ((config_.metering & kMeterEpoch) == 0) {
    return Error{ErrorKind::Usage,
                 "epoch interruption is not enabled for this store (EngineConfig::epoch_interruption)"};
  }
  uint64_t now = ctx_.epoch->load(std::memory_order_relaxed);
  ctx_.epoch_deadline = ticks > UINT64_MAX - now ? UINT64_MAX : now + ticks;
  return {};
}

TrapKind epoch_deadline_reached(ExecContext* ctx) {
  Store& store = *ctx->store;
  if (store.epoch_callback()) {
    std::optional<uint64_t> more = store.epoch_callback()(store);
    if (more) {
      (void)store.set_epoch_deadline(*more);
      // A callback that extends by 0 ticks would be asked again at once, forever: it means "stop".
      if (*more != 0) return TrapKind::None;
    }
  }
  return ctx->raise(TrapKind::Interrupted);
}

TrapKind ExecContext::raise(TrapKind kind, std::string message) {
  trap.kind = kind;
  trap.message = message.empty() ? std::string(trap_message(kind)) : std::move(message);
  trap.backtrace.clear();
  return kind;
}

std::string Trap::to_string() const {
  std::string s = message;
  for (const Frame& f : backtrace) {
    if (f.instance == nullptr) {
      s += "\n  at <host>";
      continue;
    }
    std::string name = f.func_name.empty() ? fmt::format("func[{}]", f.func_index) : f.func_name;
    if (f.offset != SIZE_MAX) s += fmt::format("\n  at {} (offset 0x{:x})", name, f.offset);
    else s += fmt::format("\n  at {}", name);
  }
  return s;
}

Error Trap::to_error() const {
  Error e{ErrorKind::Trap, message};
  e.trap = kind;
  e.backtrace.reserve(backtrace.size());
  for (const Frame& f : backtrace) e.backtrace.push_back({f.func_index, f.func_name, f.offset, f.instance == nullptr});
  return e;
}

TrapKind HostCall::fail(const Error& e) {
  message = e.message;
  return e.kind == ErrorKind::Trap && e.trap != TrapKind::None ? e.trap : TrapKind::HostError;
}

const FuncType& func_type(const FuncInst& f) { return *f.type; }

StoreConfig store_config(const EngineConfig& c) {
  StoreConfig sc;
  sc.max_memory_pages = c.max_memory_pages;
  sc.max_table_elements = c.max_table_elements;
  sc.max_call_depth = c.max_call_depth;
  sc.value_stack_bytes = c.max_stack_bytes;
  sc.reserve_full_memory = c.reserve_full_memory;
  sc.signal_based_traps = c.signal_based_traps;
  sc.max_wasm_stack = c.max_wasm_stack;
  sc.metering = static_cast<uint8_t>((c.consume_fuel ? kMeterFuel : 0) | (c.epoch_interruption ? kMeterEpoch : 0));
  return sc;
}

StoreConfig store_config(const Engine& e) {
  StoreConfig sc = store_config(e.config());
  sc.epoch = e.epoch_counter();
  return sc;
}

}  // namespace shard::rt
