// Catch2's own SIGSEGV handler is installed around every test case, after Shard's (made once
// per process, runtime/signals.h), and does not chain to it: guard-page traps would reach
// Catch instead of Shard. A crashing test still fails: the process dies of the signal.
#define CATCH_CONFIG_NO_POSIX_SIGNALS
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
