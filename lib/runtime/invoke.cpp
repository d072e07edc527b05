// Invocation (exec/modules.rst: invocation) and the host-function side of the calling
// convention. Every trap comes back as a value; the store stays usable afterwards.
#include <fmt/format.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/runtime.h"

extern "C" void* __libc_stack_end;  // glibc: the stack pointer at process start

namespace shard::rt {

namespace {

/// Host stack left below the native stack limit for what runs there without a check: host
/// functions, libc, the trap path.
constexpr uintptr_t kHostStackReserve = 64u << 10;

/// The lowest address of the calling thread's stack, cached per thread (0 if unknown).
uintptr_t thread_stack_low() {
  thread_local const uintptr_t low = [] {
    uintptr_t r = 0;
    // The main thread: its stack may grow to RLIMIT_STACK below where it started. glibc's
    // pthread_getattr_np finds the same bound by parsing /proc/self/maps, which was 5% of a
    // whole `shard run hello.wasm` (cold start, #16); __libc_stack_end (the stack pointer at
    // process start, just below argv/envp) gives a bound a few KiB more conservative.
    if (getpid() == static_cast<pid_t>(syscall(SYS_gettid))) {
      rlimit rl{};
      if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        auto top = reinterpret_cast<uintptr_t>(__libc_stack_end);
        return top > rl.rlim_cur ? top - static_cast<uintptr_t>(rl.rlim_cur) : uintptr_t{0};
      }
    }
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      void* addr = nullptr;
      size_t size = 0;
      if (pthread_attr_getstack(&attr, &addr, &size) == 0) r = reinterpret_cast<uintptr_t>(addr);
      pthread_attr_destroy(&attr);
    }
    return r;
  }();
  return low;
}

/// The native stack limit for an outermost host→wasm entry whose frame is at `sp`:
/// `max_wasm_stack` below it, but never closer than kHostStackReserve to the thread's stack
/// end, whatever the thread's stack size.
uintptr_t native_stack_limit(uintptr_t sp, size_t max_wasm_stack) {
  uintptr_t limit = sp > max_wasm_stack ? sp - max_wasm_stack : 0;
  if (uintptr_t low = thread_stack_low(); low != 0 && low + kHostStackReserve > limit) {
    limit = low + kHostStackReserve;
  }
  return limit;
}

}  // namespace

TrapKind host_entry(ExecContext* ctx, FuncInst* f, Slot* io) {
  if (ctx->depth >= ctx->max_depth) return ctx->raise(TrapKind::CallStackExhausted);
  const FuncType& type = *f->type;
  constexpr size_t kInline = 8;
  Value args_inline[kInline], results_inline[kInline];
  std::vector<Value> args_heap, results_heap;
  Value* args = args_inline;
  Value* results = results_inline;
  if (type.params.size() > kInline) {
    args_heap.resize(type.params.size());
    args = args_heap.data();
  }
  if (type.results.size() > kInline) {
    results_heap.resize(type.results.size());
    results = results_heap.data();
  }
  for (size_t i = 0; i < type.params.size(); ++i) args[i] = Value::from_slot(type.params[i], io[i]);
  for (size_t i = 0; i < type.results.size(); ++i) results[i] = Value::default_of(type.results[i]);

  Instance* caller = ctx->caller;
  HostCall hc{*ctx->store, ctx, caller, caller != nullptr ? caller->mem0 : nullptr, {}};
  ctx->caller = nullptr;
  ++ctx->depth;
  TrapKind k = (*f->host)(hc, args, results);
  --ctx->depth;
  if (k != TrapKind::None) {
    ctx->raise(k, std::move(hc.message));
    return k;
  }
  for (size_t i = 0; i < type.results.size(); ++i) io[i] = results[i].to_slot();
  return TrapKind::None;
}

CallResult call(Store& store, FuncInst* func, std::span<const Value> args) {
  CallResult out;
  auto fail = [&](TrapKind kind, std::string msg) {
    out.trap = Trap{kind, msg.empty() ? std::string(trap_message(kind)) : std::move(msg), {}};
    return out;
  };
  if (func == nullptr) return fail(TrapKind::HostError, "call of a null function");
  const FuncType& type = *func->type;
  if (args.size() != type.params.size()) {
    return fail(TrapKind::HostError,
                fmt::format("wrong number of arguments: expected {}, got {}", type.params.size(), args.size()));
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type != type.params[i]) return fail(TrapKind::HostError, "argument type mismatch");
  }

  ExecContext& ctx = store.exec();
  if (ctx.reentry >= store.config().max_host_reentry) return fail(TrapKind::CallStackExhausted, {});
  size_t n = std::max(type.params.size(), type.results.size());
  Slot* io = ctx.stack_top;
  if (io == nullptr || static_cast<size_t>(ctx.stack_end - io) < n + 1) {
    return fail(TrapKind::CallStackExhausted, {});
  }
  for (size_t i = 0; i < args.size(); ++i) io[i] = args[i].to_slot();
  Slot* saved_top = ctx.stack_top;
  uint32_t saved_depth = ctx.depth;
  ctx.stack_top = io + n;
  if (ctx.reentry == 0) {
    // The outermost entry on this thread (for this store) fixes the native stack budget.
    ctx.stack_limit =
        native_stack_limit(reinterpret_cast<uintptr_t>(__builtin_frame_address(0)), store.config().max_wasm_stack);
  }
  ++ctx.reentry;
  TrapKind k = func->entry(&ctx, func, io);
  --ctx.reentry;
  ctx.stack_top = saved_top;
  ctx.depth = saved_depth;  // a trap may unwind without restoring it
  if (k != TrapKind::None) {
    out.trap = std::move(ctx.trap);
    out.trap->kind = k;
    if (out.trap->message.empty()) out.trap->message = std::string(trap_message(k));
    ctx.trap = Trap{};
    return out;
  }
  out.values.reserve(type.results.size());
  for (size_t i = 0; i < type.results.size(); ++i) out.values.push_back(Value::from_slot(type.results[i], io[i]));
  return out;
}

}  // namespace shard::rt
