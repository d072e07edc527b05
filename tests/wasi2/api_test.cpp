// WASI 0.2 through the public component API (shard/component.h): Linker::add_wasi, any 0.2.x
// version accepted and others refused by name, single functions overridden with define(),
// capabilities outside WASI 0.2's host (sockets) still refused.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "shard/component.h"

using namespace shard;
using namespace shard::cm;

namespace {

/// A component importing wasi:cli/environment@VERSION's get-environment; `count` returns how
/// many variables it sees.
std::string env_component(std::string_view version) {
  return fmt::format(R"((component
    (type $pair (tuple string string))
    (type $list (list $pair))
    (import "wasi:cli/environment{}" (instance $env
      (export "get-environment" (func (result $list)))))
    (alias export $env "get-environment" (func $get))
    (core module $Mem
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 64))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (global.get $bump))
        (global.set $bump (i32.add (local.get $p) (i32.add (local.get 3) (i32.const 8))))
        (local.get $p)))
    (core instance $mem (instantiate $Mem))
    (core func $get' (canon lower (func $get) (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
    (core module $M
      (import "" "get" (func $get (param i32)))
      (import "" "mem" (memory 1))
      (func (export "count") (result i32)
        (call $get (i32.const 8))
        (i32.load offset=4 (i32.const 8))))
    (core instance $m (instantiate $M (with "" (instance (export "get" (func $get')) (export "mem" (memory $mem "mem"))))))
    (func (export "count") (result u32) (canon lift (core func $m "count")))
  ))",
                     version);
}

wasi::WasiConfig config_with_env() {
  wasi::WasiConfig cfg;
  cfg.env = {{"A", "1"}, {"B", "2"}, {"C", "3"}};
  return cfg;
}

}  // namespace

TEST_CASE("wasi2 api: add_wasi satisfies any 0.2.x import and refuses other versions", "[wasi2][component_api]") {
  // instantiates the environment component importing `version` with WASI added
  auto link = [](std::string_view version) {
    INFO("version " << version);
    auto c = Component::from_text(env_component(version));
    INFO((c ? std::string() : c.error().to_string()));
    REQUIRE(c.ok());
    auto store = std::make_unique<Store>();
    Linker linker;
    REQUIRE(linker.add_wasi(config_with_env()).ok());
    auto inst = linker.instantiate(*store, *c);
    return std::pair{std::move(store), std::move(inst)};
  };
  for (const char* v : {"@0.2.0", "@0.2.3", "@0.2.12", ""}) {
    auto [store, inst] = link(v);
    INFO((inst ? std::string() : inst.error().to_string()));
    REQUIRE(inst.ok());
    CHECK(*inst->call<uint32_t>("count") == 3);
  }
  for (const char* v : {"@0.3.0", "@0.2.0-rc-2023-11-10", "@1.0.0"}) {
    auto [store, inst] = link(v);
    REQUIRE_FALSE(inst.ok());
    CHECK(inst.error().kind == ErrorKind::Unlinkable);
    CHECK(inst.error().message.find("Shard implements WASI 0.2.x") != std::string::npos);
  }
}

TEST_CASE("wasi2 api: one function overridden, the rest of WASI kept", "[wasi2][component_api]") {
  auto c = Component::from_text(env_component("@0.2.12"));
  REQUIRE(c.ok());
  Store store;
  Linker linker;
  REQUIRE(linker.add_wasi(config_with_env()).ok());
  auto str = std::make_shared<const Type>(Type{TypeKind::String});
  FuncType ft;
  ft.result = std::make_shared<const Type>(Type{TypeKind::List, {}, {std::make_shared<const Type>(Type{TypeKind::Tuple, {}, {str, str}})}});
  linker.define("wasi:cli/environment", "get-environment", ft, [](std::span<const Val>) -> Result<std::optional<Val>> {
    return std::optional<Val>{Val::list({Val::tuple({Val::string("ONLY"), Val::string("me")})})};
  });
  auto inst = linker.instantiate(store, *c);
  INFO((inst ? std::string() : inst.error().to_string()));
  REQUIRE(inst.ok());
  CHECK(*inst->call<uint32_t>("count") == 1);
}

TEST_CASE("wasi2 api: bad preopens fail add_wasi, HTTP stays refused, run_command needs a command", "[wasi2][component_api]") {
  Linker linker;
  wasi::WasiConfig cfg;
  cfg.preopens = {{"/nonexistent/dir", "/d", false}};
  auto r = linker.add_wasi(cfg);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Io);
  CHECK(r.error().message.find("/nonexistent/dir") != std::string::npos);

  Linker ok;
  REQUIRE(ok.add_wasi({}).ok());
  auto net = Component::from_text(R"((component (import "wasi:http/types@0.2.0" (instance))))");
  REQUIRE(net.ok());
  Store store;
  auto inst = ok.instantiate(store, *net);
  REQUIRE_FALSE(inst.ok());
  CHECK(inst.error().message.find("wasi:http/types@0.2.0` refused: the component asks for HTTP") != std::string::npos);

  auto lib = Component::from_text(env_component("@0.2.0"));
  REQUIRE(lib.ok());
  auto run = run_command(ok, store, *lib);
  REQUIRE_FALSE(run.ok());
  CHECK(run.error().kind == ErrorKind::Usage);
  CHECK(run.error().message.find("not a WASI command") != std::string::npos);
}
