// Running .wast spec scripts (the format of the official test suite).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "shard/config.h"
#include "shard/result.h"

namespace shard {

struct WastOptions {
  std::FILE* out = stdout;   ///< where failures (and, if verbose, every command) are printed
  bool verbose = false;      ///< print every command's outcome, not only failures
  bool quiet = false;        ///< print nothing per command (summary is still returned)
  TierKind tier = TierKind::Auto;  ///< the execution tier; an unavailable one is an Error
  bool signal_based_traps = true;  ///< false: memory accesses checked in software (EngineConfig)
};

/// Outcome counts for one script. Every command of the script is counted exactly once
/// (register and meta commands, which assert nothing, are not counted).
struct WastStats {
  uint32_t passed = 0;
  uint32_t failed = 0;
  uint32_t skipped = 0;
  /// assert_malformed/assert_invalid/... that failed in the right phase but with a message
  /// that does not contain the expected text (counted as passed; reported for information).
  uint32_t message_mismatches = 0;

  WastStats& operator+=(const WastStats& o) {
    passed += o.passed;
    failed += o.failed;
    skipped += o.skipped;
    message_mismatches += o.message_mismatches;
    return *this;
  }
};

/// Runs a script given as text. `name` is used in messages ("name:LINE: ...").
/// An Error only when the script itself cannot be parsed.
Result<WastStats> run_wast(std::string_view text, std::string_view name, const WastOptions& options = {});
/// Reads and runs a .wast file.
Result<WastStats> run_wast_file(const std::string& path, const WastOptions& options = {});

}  // namespace shard
