// The signal handler's code-range path, as a JIT will use it: a registered range whose
// lookup claims a fault resumes the activation with the trap kind; outside an activation,
// or with the lookup declining, the fault is not Shard's.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/mman.h>

#include <csetjmp>
#include <cstdint>

#include "runtime/runtime.h"
#include "runtime/signals.h"

using namespace shard;

namespace {

volatile int* g_target = nullptr;

// Stands in for generated code: a store that faults (g_target points at a PROT_NONE page).
__attribute__((noinline)) void faulting_code() { *g_target = 1; }

struct LookupLog {
  int calls = 0;
  uintptr_t pc = 0;
  int signo = 0;
};

rt::CodeFault claim(void* data, uintptr_t pc, uintptr_t, int signo) {
  auto* log = static_cast<LookupLog*>(data);
  ++log->calls;
  log->pc = pc;
  log->signo = signo;
  return {TrapKind::Unreachable};
}

}  // namespace

TEST_CASE("signals: a registered code range turns its fault into the callback's trap", "[runtime][signals]") {
  REQUIRE(rt::install_signal_handlers());
  void* page = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(page != MAP_FAILED);
  g_target = static_cast<volatile int*>(page);
  // The function's first bytes hold the faulting store at -O0..-O3 (it is a few instructions).
  auto start = reinterpret_cast<uintptr_t>(&faulting_code);
  LookupLog log;
  uint64_t h = rt::register_code_range(start, start + 64, &claim, &log);

  rt::Store store;
  rt::Activation act;
  volatile bool resumed = false;
  {
    rt::ActivationScope scope(act, &store.exec());
    CHECK(rt::current_activation() == &act);
    if (sigsetjmp(act.resume, 0) == 0) {
      act.in_guest = true;
      faulting_code();
      act.in_guest = false;
    } else {
      resumed = true;
    }
  }
  CHECK(rt::current_activation() == nullptr);
  CHECK(resumed);
  CHECK(act.trap == TrapKind::Unreachable);
  CHECK(log.calls == 1);
  CHECK(log.signo == SIGSEGV);
  CHECK(log.pc >= start);
  CHECK(log.pc < start + 64);
  CHECK(act.fault_addr == reinterpret_cast<uintptr_t>(page));
  CHECK_FALSE(act.in_guest);
  rt::unregister_code_range(h);
  munmap(page, 4096);
}

TEST_CASE("signals: guest memories are registered while they live", "[runtime][signals]") {
  rt::Store store;
  MemoryType mt;
  mt.limits.min = 1;
  auto mem = store.create_memory(mt);
  REQUIRE(mem.ok());
  CHECK((*mem)->fully_reserved());
  CHECK((*mem)->reservation_handle != 0);
  CHECK((*mem)->reserved >= 0xFFFFFFFFull + 0xFFFFFFFFull + 16);
  rt::StoreConfig bounded;
  bounded.reserve_full_memory = false;
  rt::Store small(bounded);
  auto m2 = small.create_memory(mt);
  REQUIRE(m2.ok());
  CHECK_FALSE((*m2)->fully_reserved());
  CHECK((*m2)->reservation_handle == 0);
  // Only fully reserved memories get the guard-page code variant.
  CHECK((store.code_variant(*mem) & rt::kGuardPages) != 0);
  CHECK((small.code_variant(*m2) & rt::kGuardPages) == 0);
  rt::Store explicit_checks(rt::StoreConfig{.signal_based_traps = false});
  auto m3 = explicit_checks.create_memory(mt);
  REQUIRE(m3.ok());
  CHECK((explicit_checks.code_variant(*m3) & rt::kGuardPages) == 0);
}
