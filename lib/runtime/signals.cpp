// The signal handler and its registries (signals.h).
#include "runtime/signals.h"

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace shard::rt {

namespace {

/// One registered range: guest code (with its lookup) or a memory reservation (lookup null).
struct Range {
  uintptr_t start = 0, end = 0;
  CodeFaultLookup lookup = nullptr;
  void* data = nullptr;
  uint64_t id = 0;
};

/// A set of ranges the signal handler can search without locking: writers (under a mutex)
/// publish a new immutable snapshot and free the old one once no handler is reading; the
/// handler counts itself in `readers_` around its lookup. With sequentially consistent
/// operations on both sides, a handler that a writer did not see in `readers_` loads the new
/// snapshot.
class RangeRegistry {
 public:
  uint64_t add(Range r) {
    std::lock_guard<std::mutex> lock(mutex_);
    r.id = next_id_++;
    live_.push_back(r);
    publish();
    return r.id;
  }
  void remove(uint64_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase_if(live_, [&](const Range& r) { return r.id == id; });
    publish();
  }
  /// Async-signal-safe.
  bool find(uintptr_t addr, Range* out) const {
    readers_.fetch_add(1);
    const Snapshot* s = snap_.load();
    bool found = false;
    if (s != nullptr) {
      // Sorted by start: the last range starting at or below addr.
      auto it = std::upper_bound(s->ranges.begin(), s->ranges.end(), addr,
                                 [](uintptr_t a, const Range& r) { return a < r.start; });
      if (it != s->ranges.begin() && addr < (it - 1)->end) {
        *out = *(it - 1);
        found = true;
      }
    }
    readers_.fetch_sub(1);
    return found;
  }

 private:
  struct Snapshot {
    std::vector<Range> ranges;
  };
  void publish() {
    auto next = new Snapshot{live_};
    std::sort(next->ranges.begin(), next->ranges.end(),
              [](const Range& a, const Range& b) { return a.start < b.start; });
    Snapshot* old = snap_.exchange(next);
    while (readers_.load() != 0) {
      // A handler is searching the old snapshot (a few hundred instructions at most).
    }
    delete old;
  }

  std::mutex mutex_;
  std::vector<Range> live_;
  uint64_t next_id_ = 1;
  std::atomic<Snapshot*> snap_{nullptr};
  mutable std::atomic<int> readers_{0};
};

// Process-wide state: what signal handling requires (STYLE.md allows exactly this).
RangeRegistry& code_ranges() {
  static RangeRegistry* r = new RangeRegistry;  // never destroyed: handlers may run at exit
  return *r;
}
RangeRegistry& memory_ranges() {
  static RangeRegistry* r = new RangeRegistry;
  return *r;
}

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
struct sigaction g_previous[4];
bool g_installed = false;

int signal_index(int signo) {
  for (int i = 0; i < 4; ++i)
    if (kSignals[i] == signo) return i;
  return -1;
}

__attribute__((tls_model("initial-exec"))) thread_local Activation* t_current = nullptr;

uintptr_t faulting_pc(const void* uc_void) {
  const auto* uc = static_cast<const ucontext_t*>(uc_void);
#if defined(__x86_64__)
  return static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return static_cast<uintptr_t>(uc->uc_mcontext.pc);
#else
  (void)uc;
  return 0;
#endif
}

/// Not Shard's fault: hand it to whoever was installed before us.
void chain(int signo, siginfo_t* info, void* uc) {
  int i = signal_index(signo);
  if (i < 0) return;
  const struct sigaction& prev = g_previous[i];
  if ((prev.sa_flags & SA_SIGINFO) != 0 && prev.sa_sigaction != nullptr) {
    prev.sa_sigaction(signo, info, uc);
    return;
  }
  if (prev.sa_handler == SIG_DFL || prev.sa_handler == SIG_IGN) {
    // Restore the previous disposition and let the faulting instruction run again: the
    // kernel then applies the default action (the process dies with this signal, with a core
    // dump where enabled) exactly as if Shard were not installed. A signal sent with kill()
    // is not re-raised by re-execution, so raise it.
    sigaction(signo, &prev, nullptr);
    if (info->si_code <= 0) raise(signo);
    return;
  }
  prev.sa_handler(signo);
}

void handler(int signo, siginfo_t* info, void* uc) {
  Activation* a = t_current;
  if (a != nullptr && a->in_guest) {
    const uintptr_t pc = faulting_pc(uc);
    const auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
    TrapKind kind = TrapKind::None;
    Range r;
    if (code_ranges().find(pc, &r)) {
      kind = r.lookup(r.data, pc, addr, signo).kind;
    } else if ((signo == SIGSEGV || signo == SIGBUS) && a->memory_faults_anywhere && memory_ranges().find(addr, &r)) {
      kind = TrapKind::OutOfBoundsMemory;  // the guard region (or an uncommitted page) of a guest memory
    }
    if (kind != TrapKind::None) {
      a->trap = kind;
      a->fault_pc = pc;
      a->fault_addr = addr;
      if (a->guest_pc_slot != nullptr) a->guest_pc = *a->guest_pc_slot;
      a->in_guest = false;
      // SA_NODEFER: the signal is not blocked while we run, so no mask to restore.
      siglongjmp(a->resume, 1);
    }
  }
  chain(signo, info, uc);
}

/// The calling thread's alternate signal stack (a guard-page fault may come from a thread
/// whose stack is nearly full), made once per thread; an embedder's own is kept.
class AltStack {
 public:
  void ensure() {
    if (done_) return;
    done_ = true;
    stack_t current;
    if (sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE) == 0) return;  // someone's
    size_t size = std::max<size_t>(64u << 10, static_cast<size_t>(SIGSTKSZ));
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return;
    stack_t ss{};
    ss.ss_sp = p;
    ss.ss_size = size;
    if (sigaltstack(&ss, nullptr) != 0) {
      munmap(p, size);
      return;
    }
    mem_ = p;
    size_ = size;
  }
  ~AltStack() {
    if (mem_ == nullptr) return;
    stack_t ss{};
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, nullptr);
    munmap(mem_, size_);
  }

 private:
  bool done_ = false;
  void* mem_ = nullptr;
  size_t size_ = 0;
};

thread_local AltStack t_alt_stack;

}  // namespace

uint64_t register_code_range(uintptr_t start, uintptr_t end, CodeFaultLookup lookup, void* data) {
  return code_ranges().add(Range{start, end, lookup, data, 0});
}
void unregister_code_range(uint64_t handle) { code_ranges().remove(handle); }
uint64_t register_memory_reservation(uintptr_t start, uintptr_t end) {
  return memory_ranges().add(Range{start, end, nullptr, nullptr, 0});
}
void unregister_memory_reservation(uint64_t handle) { memory_ranges().remove(handle); }

Activation* current_activation() { return t_current; }

ActivationScope::ActivationScope(Activation& act, ExecContext* ctx) : act_(act) {
  act.ctx = ctx;
  act.prev = t_current;
  t_alt_stack.ensure();
  t_current = &act;
}
ActivationScope::~ActivationScope() { t_current = act_.prev; }

bool install_signal_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Make sure the registries exist before a handler can look at them.
    code_ranges();
    memory_ranges();
    bool ok = true;
    for (int i = 0; i < 4; ++i) {
      struct sigaction sa{};
      sa.sa_sigaction = &handler;
      sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
      sigemptyset(&sa.sa_mask);
      if (sigaction(kSignals[i], &sa, &g_previous[i]) != 0) ok = false;
      // A runtime that intercepts sigaction (a sanitizer told to keep its own handler) may
      // accept the call and ignore it: then tiers must keep their software checks.
      struct sigaction now{};
      if (sigaction(kSignals[i], nullptr, &now) != 0 || (now.sa_flags & SA_SIGINFO) == 0 ||
          now.sa_sigaction != &handler)
        ok = false;
    }
    g_installed = ok;
  });
  return g_installed;
}

}  // namespace shard::rt
