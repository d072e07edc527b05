// Counting and printing the outcome of each command of a .wast script, shared by the core
// runner (runner.cpp) and the Component Model's (component/runtime/wast.cpp): one line per
// failure, and with `verbose` per pass, skip and message mismatch, as "NAME:LINE: what ...".
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "shard/result.h"
#include "shard/wast.h"

namespace shard::wast {

class Report {
 public:
  Report(std::string_view name, const WastOptions& opts) : name_(name), opts_(opts) {}

  const WastStats& stats() const { return stats_; }

  void pass(uint32_t line, std::string_view what) {
    ++stats_.passed;
    if (opts_.verbose && !opts_.quiet) fmt::print(opts_.out, "{}:{}: {} ok\n", name_, line, what);
  }
  void fail(uint32_t line, std::string_view what, std::string_view why) {
    ++stats_.failed;
    if (!opts_.quiet) fmt::print(opts_.out, "{}:{}: {} FAILED: {}\n", name_, line, what, why);
  }
  void skip(uint32_t line, std::string_view what, std::string_view why) {
    ++stats_.skipped;
    if (opts_.verbose && !opts_.quiet) fmt::print(opts_.out, "{}:{}: {} skipped: {}\n", name_, line, what, why);
  }
  /// Right phase, other words: still a pass, but worth knowing about.
  void check_message(uint32_t line, std::string_view expected, const Error& err) {
    if (err.message.find(expected) != std::string::npos) return;
    ++stats_.message_mismatches;
    if (opts_.verbose && !opts_.quiet)
      fmt::print(opts_.out, "{}:{}: note: expected \"{}\", got \"{}\"\n", name_, line, expected, err.to_string());
  }

 private:
  std::string name_;
  const WastOptions& opts_;
  WastStats stats_;
};

}  // namespace shard::wast
