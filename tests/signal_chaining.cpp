// An embedder with its own crash handler (issue 11, "Done means"): it installs a SIGSEGV
// handler before Shard does, then
//   1. runs a wasm out-of-bounds access: a trap, and its handler is not called;
//   2. dereferences a null pointer in host code: its handler is called (Shard chained to it);
// and in child processes, that Shard chains to the other kinds of previous disposition:
//   3. SIG_DFL: the process still dies of SIGSEGV;
//   4. a plain (non-SA_SIGINFO) handler: it is called.
// A plain program, not a Catch test, because it installs process-wide signal handlers in a
// fixed order. Prints "ok" and exits 0 on success; prints what failed and exits 1 otherwise.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "shard/shard.h"

namespace {

volatile sig_atomic_t g_embedder_calls = 0;
sigjmp_buf g_recover;

void embedder_handler(int, siginfo_t*, void*) {
  g_embedder_calls = g_embedder_calls + 1;
  siglongjmp(g_recover, 1);  // the embedder's "crash recovery"
}

void plain_handler(int) { _exit(42); }

int failures = 0;
void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what);
    ++failures;
  }
}

constexpr std::string_view kWat = R"wat(
  (module
    (memory 1)
    (func (export "oob") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "far") (result i64) (i64.load offset=0xffffffff (i32.const -1))))
)wat";

/// Runs the out-of-bounds accesses through Shard; true if both trapped as the spec says.
bool wasm_traps() {
  shard::Engine engine;
  auto m = shard::Module::from_text(engine, kWat);
  if (!m) return false;
  shard::Store store(engine);
  shard::Linker linker(engine);
  auto inst = linker.instantiate(store, *m);
  if (!inst) return false;
  auto oob = inst->func("oob");
  auto far = inst->func("far");
  if (!oob || !far) return false;
  auto in = oob->call({shard::Val::i32(65532)});
  auto r1 = oob->call({shard::Val::i32(65533)});
  auto r2 = far->call({});
  return in.ok() && !r1.ok() && r1.error().message == "out of bounds memory access" && !r2.ok() &&
         r2.error().message == "out of bounds memory access" && !r1.error().backtrace.empty();
}

/// A near-null dereference (a field of a null struct pointer): a real fault in host code.
/// Not nullptr itself, which UBSan (the CI's sanitizer build) reports before the fault.
void null_deref() {
  volatile uintptr_t field_offset = 16;  // volatile: the compiler may not see the fault coming
  *reinterpret_cast<volatile int*>(uintptr_t{field_offset}) = 1;
}

/// Forks; the child runs `body`; returns the child's wait status.
template <class F>
int in_child(F body) {
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    body();
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

}  // namespace

int main() {
  // 3. SIG_DFL before Shard: a host crash still kills the process with SIGSEGV.
  int st = in_child([] {
    signal(SIGSEGV, SIG_DFL);  // whatever a sanitizer runtime installed at start-up
    if (!wasm_traps()) _exit(3);
    null_deref();
  });
  check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "SIG_DFL: the host's null dereference kills the process");

  // 4. A plain handler before Shard: it is called for the host's fault.
  st = in_child([] {
    struct sigaction sa{};
    sa.sa_handler = &plain_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, nullptr);
    if (!wasm_traps()) _exit(3);
    null_deref();
  });
  check(WIFEXITED(st) && WEXITSTATUS(st) == 42, "plain handler: called for the host's fault");

  // 1 and 2, in this process: the embedder's SA_SIGINFO handler first, then Shard.
  struct sigaction sa{};
  sa.sa_sigaction = &embedder_handler;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, nullptr);

  if (sigsetjmp(g_recover, 0) == 0) {
    check(wasm_traps(), "wasm out-of-bounds accesses trap");
  } else {
    check(false, "the embedder's handler ran during a wasm access");
  }
  check(g_embedder_calls == 0, "the embedder's handler is not called for wasm traps");

  if (sigsetjmp(g_recover, 0) == 0) {
    null_deref();
    check(false, "the null dereference did not fault");
  }
  check(g_embedder_calls == 1, "the embedder's handler is called for a host null dereference");

  // Shard still works after the embedder recovered.
  check(wasm_traps(), "wasm traps again after the embedder's recovery");
  check(g_embedder_calls == 1, "still not called for wasm traps");

  if (failures == 0) std::puts("ok");
  return failures == 0 ? 0 : 1;
}
