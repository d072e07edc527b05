// Result<T>: the library's one error type. Misuse (value() of an error) is a programming error
// that must end the process with a message, never throw through an embedder's code.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "shard/result.h"

namespace {

/// Runs `f` in a child process with stderr captured; returns (terminating signal, stderr).
template <class F>
std::pair<int, std::string> in_child(F f) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], 2);
    close(fds[0]);
    f();
    _exit(0);
  }
  close(fds[1]);
  std::string err;
  char buf[256];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) err.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFSIGNALED(status) ? WTERMSIG(status) : 0, err};
}

}  // namespace

TEST_CASE("Result holds a value or an error") {
  shard::Result<int> good = 7;
  REQUIRE(good.ok());
  CHECK(*good == 7);
  shard::Result<int> bad = shard::Error{shard::ErrorKind::Invalid, "type mismatch", 12};
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "type mismatch");
  CHECK(bad.error().offset == 12);
}

TEST_CASE("Result::value() of an error aborts with the error's message instead of throwing") {
  auto [sig, err] = in_child([] {
    shard::Result<std::string> bad = shard::Error{shard::ErrorKind::Io, "cannot read x.wasm"};
    (void)bad.value().size();
  });
  CHECK(sig == SIGABRT);
  CHECK(err.find("Result::value() called on an error: cannot read x.wasm") != std::string::npos);
}

TEST_CASE("Result::error() of a value aborts with a message") {
  auto [sig, err] = in_child([] {
    shard::Result<int> good = 1;
    (void)good.error().message.size();
  });
  CHECK(sig == SIGABRT);
  CHECK(err.find("Result::error() called on a value") != std::string::npos);
}
