// Static composition of components (Component Model, ../shared/component-model-spec): one
// component binary that embeds a main component and its "plugs", wiring plug exports into the
// main component's imports, as `wac plug` and `wasm-tools compose` do. Nothing runs: the result
// is a component binary for any Component Model runtime.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "shard/result.h"

namespace shard {

/// One component binary to compose. `name` only labels error messages (e.g. the file name).
struct ComposeInput {
  std::string name;
  std::vector<uint8_t> bytes;
};

/// Composes `main` with `plugs` into one component that:
///  - embeds `main` and every plug verbatim as nested components;
///  - instantiates each plug, then `main`, satisfying each import of `main` whose name equals
///    an export name of a plug (any sort: instance, func, type, component, core module) with
///    that plug's export;
///  - keeps every import nobody satisfies (of `main` or of a plug) as an import of the result,
///    re-declared with its full type; imports of the same name are imported once and shared;
///  - exports everything `main` exports.
/// The inputs are validated first, the result before it is returned.
///
/// Errors: an invalid input (its name, then the validator's message); ErrorKind::Unlinkable
/// when a plug's export does not match the import it satisfies ("import 'X' of MAIN: type
/// mismatch with PLUG's export: why"), when two plugs export the same name `main` imports, or
/// when a plug satisfies no import; ErrorKind::Unsupported, naming the import, when an import's
/// type cannot be carried into the result (e.g. it refers to a resource `main` defines itself,
/// or to a resource a plug provides); ErrorKind::Usage without plugs.
Result<std::vector<uint8_t>> compose_components(const ComposeInput& main, const std::vector<ComposeInput>& plugs);

}  // namespace shard
