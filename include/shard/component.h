// The Component Model (../shared/component-model-spec): running component .wast scripts.
// The C++ host API for components builds on the same runtime (component/runtime/).
#pragma once

#include <string>
#include <string_view>

#include "shard/result.h"
#include "shard/wast.h"

namespace shard::component {

/// Whether a .wast script is a Component Model script: its first top-level form is a
/// `(component ...)` definition (core spec scripts start with `(module ...)` or an assertion on
/// one).
bool is_component_script(std::string_view text);

/// Runs a Component Model .wast script (the format of ../shared/component-model-tests):
/// components are encoded, validated and instantiated with the interpreter; invocations take
/// and return component values. Commands that need features after WASI 0.2 (async, streams,
/// futures, error-context, threads) are counted as skipped. An Error only when the script
/// cannot be parsed.
Result<WastStats> run_wast(std::string_view text, std::string_view name, const WastOptions& options = {});
Result<WastStats> run_wast_file(const std::string& path, const WastOptions& options = {});
/// The number of commands in a component .wast script (to count a skipped script's commands).
Result<uint32_t> count_wast_commands(std::string_view text);

}  // namespace shard::component
