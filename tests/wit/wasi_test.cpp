// The WIT parser on the WASI 0.2 packages (../shared/wit/wasi-0.2): every package loads with
// the others as its dependencies, known facts hold, and printing round-trips.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "component/wit/wit.h"

namespace fs = std::filesystem;
using namespace shard::wit;

namespace {

fs::path wasi_dir() {
  if (const char* env = std::getenv("SHARD_WIT_DIR")) return fs::path(env) / "wasi-0.2";
  return fs::path(SHARD_SOURCE_DIR "/../shared/wit/wasi-0.2");
}

const char* const kPackages[] = {"io", "clocks", "random", "filesystem", "sockets", "cli", "http"};

// Loads `name` as the root package with every other WASI package as a dependency.
shard::Result<PackageId> load(Resolve& r, const std::string& name) {
  std::vector<fs::path> deps;
  for (const char* p : kPackages)
    if (name != p) deps.push_back(wasi_dir() / p);
  return r.push_path(wasi_dir() / name, deps);
}

#define SKIP_WITHOUT_WASI()                                                          \
  if (!fs::is_directory(wasi_dir())) {                                               \
    WARN("WASI WIT packages not found at " << wasi_dir() << " (set SHARD_WIT_DIR)"); \
    return;                                                                          \
  }

std::vector<std::string> import_keys(const Resolve& r, const World& w) {
  std::vector<std::string> keys;
  for (const WorldItem& i : w.imports) keys.push_back(r.item_key(i));
  return keys;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("wit: every WASI 0.2 package loads", "[wit][wasi]") {
  SKIP_WITHOUT_WASI();
  for (const char* name : kPackages) {
    for (bool all_features : {false, true}) {
      INFO(name << (all_features ? " (all features)" : ""));
      Resolve r(ResolveOptions{{}, all_features});
      auto pkg = load(r, name);
      if (!pkg) FAIL(pkg.error().to_string());
      CHECK(r[*pkg].name.to_string() == std::string("wasi:") + name + "@0.2.12");
      CHECK(!r[*pkg].interfaces.empty());
      CHECK(!r[*pkg].worlds.empty());
    }
  }
}

TEST_CASE("wit: wasi:cli/command imports and exports", "[wit][wasi]") {
  SKIP_WITHOUT_WASI();
  Resolve r;
  auto pkg = load(r, "cli");
  if (!pkg) FAIL(pkg.error().to_string());
  auto w = r.select_world(*pkg, "command");
  REQUIRE(w.ok());
  const World& command = r[*w];
  auto keys = import_keys(r, command);
  for (const char* k : {"wasi:cli/environment@0.2.12", "wasi:cli/exit@0.2.12", "wasi:cli/stdin@0.2.12",
                        "wasi:cli/stdout@0.2.12", "wasi:cli/stderr@0.2.12", "wasi:cli/terminal-input@0.2.12",
                        "wasi:cli/terminal-stderr@0.2.12", "wasi:io/streams@0.2.12", "wasi:io/poll@0.2.12",
                        "wasi:io/error@0.2.12", "wasi:clocks/monotonic-clock@0.2.12",
                        "wasi:clocks/wall-clock@0.2.12", "wasi:filesystem/types@0.2.12",
                        "wasi:filesystem/preopens@0.2.12", "wasi:sockets/tcp@0.2.12",
                        "wasi:sockets/network@0.2.12", "wasi:random/random@0.2.12",
                        "wasi:random/insecure-seed@0.2.12"})
    CHECK(contains(keys, k));
  // @unstable(feature = clocks-timezone) is off by default.
  CHECK(!contains(keys, "wasi:clocks/timezone@0.2.12"));
  // Each interface once; io/error before io/streams (streams uses it).
  std::set<std::string> unique(keys.begin(), keys.end());
  CHECK(unique.size() == keys.size());
  auto pos = [&](const char* k) { return std::find(keys.begin(), keys.end(), k) - keys.begin(); };
  CHECK(pos("wasi:io/error@0.2.12") < pos("wasi:io/streams@0.2.12"));
  CHECK(pos("wasi:io/streams@0.2.12") < pos("wasi:cli/stdin@0.2.12"));
  REQUIRE(command.exports.size() == 1);
  CHECK(r.item_key(command.exports[0]) == "wasi:cli/run@0.2.12");
  const Interface& run = r[command.exports[0].interface];
  REQUIRE(run.functions.size() == 1);
  CHECK(run.functions[0].name == "run");
  CHECK(print_type(r, *run.functions[0].result) == "result");
  CHECK(run.gate.since == "0.2.0");

  Resolve all(ResolveOptions{{}, true});
  auto pkg2 = load(all, "cli");
  REQUIRE(pkg2.ok());
  CHECK(contains(import_keys(all, all[*all.select_world(*pkg2, "command")]), "wasi:clocks/timezone@0.2.12"));
}

TEST_CASE("wit: wasi:io/streams resources", "[wit][wasi]") {
  SKIP_WITHOUT_WASI();
  Resolve r;
  auto pkg = load(r, "io");
  if (!pkg) FAIL(pkg.error().to_string());
  auto id = r.find_interface("wasi:io/streams@0.2.12");
  REQUIRE(id);
  const Interface& streams = r[*id];
  TypeId input = streams.find_type("input-stream", r);
  REQUIRE(input.valid());
  CHECK(r[input].kind == TypeDefKind::Resource);
  CHECK(r[input].docs.find("An input bytestream") != std::string::npos);
  const Function* read = streams.find_function("[method]input-stream.read", r);
  REQUIRE(read);
  CHECK(read->kind == FunctionKind::Method);
  REQUIRE(read->params.size() == 2);
  CHECK(read->params[0].name == "self");
  CHECK(print_type(r, read->params[0].type) == "borrow<input-stream>");
  CHECK(read->params[1].name == "len");
  CHECK(print_type(r, read->params[1].type) == "u64");
  CHECK(print_type(r, *read->result) == "result<list<u8>, stream-error>");
  CHECK(read->gate.since == "0.2.0");
  CHECK(streams.find_function("[method]output-stream.blocking-write-and-flush", r));
  CHECK(streams.find_function("[method]output-stream.splice", r));
  // `use error.{error}` and `use poll.{pollable}`: aliases of the definitions in io/error, io/poll.
  TypeId err = streams.find_type("error", r);
  REQUIRE(err.valid());
  CHECK(r[err].kind == TypeDefKind::Alias);
  TypeId target = r.unalias(err);
  CHECK(r[target].kind == TypeDefKind::Resource);
  CHECK(r.interface_name(InterfaceId{r[target].owner}) == "wasi:io/error@0.2.12");
  const Function* subscribe = streams.find_function("[method]input-stream.subscribe", r);
  REQUIRE(subscribe);
  CHECK(print_type(r, *subscribe->result) == "pollable");
}

TEST_CASE("wit: wasi:http types and proxy", "[wit][wasi]") {
  SKIP_WITHOUT_WASI();
  Resolve r;
  auto pkg = load(r, "http");
  if (!pkg) FAIL(pkg.error().to_string());
  auto id = r.find_interface("wasi:http/types@0.2.12");
  REQUIRE(id);
  const Interface& types = r[*id];
  TypeId method = types.find_type("method", r);
  REQUIRE(method.valid());
  CHECK(r[method].kind == TypeDefKind::Variant);
  CHECK(r[method].cases.front().name == "get");
  CHECK(print_type(r, *r[method].cases.back().type) == "string");
  TypeId fields = types.find_type("fields", r);
  REQUIRE(fields.valid());
  CHECK(r[fields].kind == TypeDefKind::Resource);
  const Function* ctor = types.find_function("[constructor]fields", r);
  REQUIRE(ctor);
  CHECK(ctor->params.empty());
  CHECK(print_type(r, *ctor->result) == "fields");
  const Function* from_list = types.find_function("[static]fields.from-list", r);
  REQUIRE(from_list);
  CHECK(from_list->kind == FunctionKind::Static);
  TypeId key = types.find_type("field-key", r);
  REQUIRE(key.valid());
  CHECK(r[key].gate.deprecated == "0.2.2");
  CHECK(r[key].gate.since == "0.2.0");
  // @unstable(feature = informational-outbound-responses) is dropped by default.
  CHECK(!types.find_function("[method]response-outparam.send-informational", r));
  TypeId error_code = types.find_type("error-code", r);
  REQUIRE(error_code.valid());
  CHECK(r[error_code].kind == TypeDefKind::Variant);

  auto proxy = r.select_world(*pkg, "proxy");
  REQUIRE(proxy.ok());
  const World& w = r[*proxy];
  CHECK(w.find_export("wasi:http/incoming-handler@0.2.12", r));
  CHECK(w.find_import("wasi:http/outgoing-handler@0.2.12", r));
  CHECK(w.find_import("wasi:http/types@0.2.12", r));
  CHECK(w.find_import("wasi:io/streams@0.2.12", r));
}

TEST_CASE("wit: WASI packages print and re-parse to the same form", "[wit][wasi][print]") {
  SKIP_WITHOUT_WASI();
  for (const char* name : kPackages) {
    for (bool all_features : {false, true}) {
      INFO(name << (all_features ? " (all features)" : ""));
      Resolve r(ResolveOptions{{}, all_features});
      auto pkg = load(r, name);
      REQUIRE(pkg.ok());
      std::string text = print(r, *pkg);
      // Re-parse the printed package with its dependencies loaded first (kPackages is in
      // dependency order, and a Resolve finds packages it already holds).
      Resolve again(ResolveOptions{{}, all_features});
      for (const char* dep : kPackages) {
        if (std::string(dep) == name) break;
        REQUIRE(again.push_path(wasi_dir() / dep).ok());
      }
      auto pkg2 = again.push_source(std::string(name) + "-printed.wit", text);
      if (!pkg2) FAIL(pkg2.error().to_string() << "\n" << text);
      CHECK(print(again, *pkg2) == text);
      REQUIRE(again[*pkg2].interfaces.size() == r[*pkg].interfaces.size());
      for (size_t i = 0; i < r[*pkg].interfaces.size(); ++i) {
        const Interface& a = r[r[*pkg].interfaces[i]];
        const Interface& b = again[again[*pkg2].interfaces[i]];
        CHECK(a.name == b.name);
        REQUIRE(a.types.size() == b.types.size());
        for (size_t t = 0; t < a.types.size(); ++t) {
          CHECK(r[a.types[t]].name == again[b.types[t]].name);
          CHECK(r[a.types[t]].kind == again[b.types[t]].kind);
          CHECK(r[a.types[t]].docs == again[b.types[t]].docs);
          CHECK(r[a.types[t]].gate == again[b.types[t]].gate);
        }
        REQUIRE(a.functions.size() == b.functions.size());
        for (size_t f = 0; f < a.functions.size(); ++f) {
          CHECK(a.functions[f].component_name(r) == b.functions[f].component_name(again));
          CHECK(a.functions[f].params.size() == b.functions[f].params.size());
          CHECK(a.functions[f].docs == b.functions[f].docs);
        }
      }
      for (WorldId w : r[*pkg].worlds) {
        auto w2 = again.select_world(*pkg2, r[w].name);
        REQUIRE(w2.ok());
        CHECK(print(again, *w2) == print(r, w));
      }
    }
  }
}

TEST_CASE("wit: truncated WASI files fail cleanly", "[wit][wasi][robust]") {
  SKIP_WITHOUT_WASI();
  Resolve deps;
  for (const char* p : kPackages) REQUIRE(deps.push_path(wasi_dir() / p).ok());
  size_t errors = 0;
  for (const char* p : kPackages) {
    for (const auto& entry : fs::directory_iterator(wasi_dir() / p)) {
      if (entry.path().extension() != ".wit") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      for (size_t cut = 0; cut < text.size(); cut += 1 + text.size() / 40) {
        Resolve r = deps;
        // Rename the package so the truncated copy does not collide with the loaded one.
        std::string src = "package trunc:test@1.0.0;\n" + text.substr(text.find(';') + 1, cut);
        auto pkg = r.push_source(entry.path().string(), src);
        if (!pkg) {
          ++errors;
          CHECK(pkg.error().line != 0);
        }
      }
    }
  }
  CHECK(errors > 0);
}
