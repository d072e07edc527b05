// component_type_info (component/typeinfo.h): the resolved types of a component's imports and
// exports, and the validation rules that decide which types may be imported or exported
// (Explainer.md: External Visibility of Types) and how resources are told apart.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "component/component.h"
#include "component/text/component_text.h"
#include "component/typeinfo.h"


using namespace shard::component;
using shard::ErrorKind;
using shard::Result;
using namespace shard::component::detail;
using Bytes = std::vector<uint8_t>;

namespace {

const std::string kFixtures = std::string(SHARD_SOURCE_DIR) + "/tests/component/fixtures/";

Result<ComponentTypeInfo> info_of(const std::string& wat) {
  auto bytes = text::component_wat_to_binary(wat);
  REQUIRE(bytes);
  auto c = decode_component(std::move(bytes).value());
  REQUIRE(c);
  return component_type_info(*c);
}

Result<void> validate_wat(const std::string& wat) {
  auto bytes = text::component_wat_to_binary(wat);
  REQUIRE(bytes);
  auto c = load_component(std::move(bytes).value());
  if (!c) return std::move(c).error();
  return {};
}

const Entity* find(const std::vector<std::pair<std::string, Entity>>& list, const std::string& name) {
  for (auto& [n, e] : list)
    if (n == name) return &e;
  return nullptr;
}

// An imported interface with a resource, and an exported record type and a function using it.
const char* kDemo = R"((component
  (import "host:demo/store" (instance $store
    (export "blob" (type (sub resource)))
    (export "[method]blob.size" (func (param "self" (borrow 0)) (result u64)))
    (type $id u32)
    (export "id" (type $idx (eq $id)))
    (export "open" (func (param "name" string) (param "id" $idx) (result (own 0))))))
  (alias export $store "blob" (type $blob))
  (core module $m
    (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable)
    (func (export "greet") (param i32 i32 i32 i32) (result i32) unreachable))
  (core instance $i (instantiate $m))
  (type $point (record (field "x" s32) (field "y" s32)))
  (export $point' "point" (type $point))
  (func $greet (param "p" $point') (param "name" string) (result string)
    (canon lift (core func $i "greet") (memory (core memory $i "mem")) (realloc (core func $i "realloc"))))
  (export "greet" (func $greet))
  (export "blob" (type $blob)))
)";

}  // namespace

TEST_CASE("component: component_type_info lists imports and exports with resolved types", "[component][typeinfo]") {
  auto r = info_of(kDemo);
  INFO((r ? "" : r.error().to_string()));
  REQUIRE(r);
  const ComponentTypeInfo& info = *r;

  // the imported instance: a resource, a method on it, a named u32 and a constructor-like func
  REQUIRE(info.imports.size() == 1);
  CHECK(info.imports[0].first == "host:demo/store");
  const Entity& store = info.imports[0].second;
  REQUIRE(store.kind == ExternKind::Instance);
  const TypeNode& st = info.type(store.type);
  REQUIRE(st.kind == TypeDef::Instance);
  REQUIRE(st.exports.size() == 4);

  const Entity* blob = find(st.exports, "blob");
  REQUIRE(blob);
  REQUIRE(blob->kind == ExternKind::Type);
  CHECK(info.type(blob->type).kind == TypeDef::Resource);
  const TypeName* blob_name = info.name_of(blob->type);
  REQUIRE(blob_name);
  CHECK(blob_name->name == "blob");
  CHECK(blob_name->instance == "host:demo/store");
  CHECK(blob_name->imported);

  const Entity* size = find(st.exports, "[method]blob.size");
  REQUIRE(size);
  REQUIRE(size->kind == ExternKind::Func);
  const TypeNode& size_t_ = info.type(size->type);
  REQUIRE(size_t_.params.size() == 1);
  CHECK(size_t_.params[0].first == "self");
  REQUIRE_FALSE(size_t_.params[0].second.prim);
  const TypeNode& self = info.type(size_t_.params[0].second.id);
  CHECK(self.dv == DefValKind::Borrow);
  CHECK(info.resource_id(self.resource) == info.resource_id(blob->type));
  REQUIRE(size_t_.result);
  CHECK(size_t_.result->prim);
  CHECK(size_t_.result->p == PrimType::U64);

  const Entity* open = find(st.exports, "open");
  REQUIRE(open);
  const TypeNode& open_t = info.type(open->type);
  REQUIRE(open_t.params.size() == 2);
  CHECK(open_t.params[0].first == "name");
  CHECK(open_t.params[0].second.prim);
  CHECK(open_t.params[0].second.p == PrimType::String);
  // a primitive named by a type export keeps the name it came through
  CHECK(open_t.params[1].second.prim);
  CHECK(open_t.params[1].second.p == PrimType::U32);
  REQUIRE(open_t.params[1].second.id != kNoType);
  const TypeName* id_name = info.name_of(open_t.params[1].second.id);
  REQUIRE(id_name);
  CHECK(id_name->name == "id");
  REQUIRE(open_t.result);
  REQUIRE_FALSE(open_t.result->prim);
  const TypeNode& own = info.type(open_t.result->id);
  CHECK(own.dv == DefValKind::Own);
  CHECK(info.resource_id(own.resource) == info.resource_id(blob->type));

  // the exports: the record type, the function using it, and the re-exported resource
  REQUIRE(info.exports.size() == 3);
  CHECK(info.exports[0].first == "point");
  CHECK(info.exports[1].first == "greet");
  CHECK(info.exports[2].first == "blob");
  const Entity& point = info.exports[0].second;
  REQUIRE(point.kind == ExternKind::Type);
  const TypeNode& pt = info.type(point.type);
  CHECK(pt.kind == TypeDef::DefVal);
  CHECK(pt.dv == DefValKind::Record);
  REQUIRE(pt.cases.size() == 2);
  CHECK(pt.cases[0].first == "x");
  CHECK(pt.cases[1].first == "y");
  CHECK((pt.cases[1].second && pt.cases[1].second->prim && pt.cases[1].second->p == PrimType::S32));

  const Entity& greet = info.exports[1].second;
  REQUIRE(greet.kind == ExternKind::Func);
  const TypeNode& gt = info.type(greet.type);
  REQUIRE(gt.params.size() == 2);
  CHECK(gt.params[0].first == "p");
  REQUIRE_FALSE(gt.params[0].second.prim);
  CHECK(gt.params[0].second.id == point.type);  // the function uses the exported name
  const TypeName* pn = info.name_of(gt.params[0].second.id);
  REQUIRE(pn);
  CHECK(pn->name == "point");
  CHECK(pn->instance.empty());
  CHECK_FALSE(pn->imported);
  CHECK(gt.params[1].second.prim);
  CHECK(gt.params[1].second.p == PrimType::String);
  REQUIRE(gt.result);
  CHECK(gt.result->p == PrimType::String);

  // the re-export is another name for the imported resource
  const Entity& reexport = info.exports[2].second;
  REQUIRE(reexport.kind == ExternKind::Type);
  CHECK(reexport.type != blob->type);
  CHECK(info.resource_id(reexport.type) == info.resource_id(blob->type));
  const TypeName* rn = info.name_of(reexport.type);
  REQUIRE(rn);
  CHECK(rn->name == "blob");
  CHECK(rn->instance.empty());
}

TEST_CASE("component: component_type_info validates", "[component][typeinfo]") {
  // $point is used by an export without having been exported itself
  auto r = info_of(R"((component
    (core module $m (func (export "f") (result i32) unreachable))
    (core instance $i (instantiate $m))
    (type $point (record (field "x" s32)))
    (func $f (result $point) (canon lift (core func $i "f")))
    (export "f" (func $f))))");
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == ErrorKind::Invalid);
  CHECK(r.error().message.find("func not valid to be used as export") != std::string::npos);
  CHECK(r.error().offset != SIZE_MAX);
}

TEST_CASE("component: component_type_info on jco-built components", "[component][typeinfo]") {
  for (const char* file : {"resources-full.wasm", "resources-exporter.wasm", "wasi-proxy.wasm", "translator.wasm"}) {
    std::ifstream f(kFixtures + file, std::ios::binary);
    Bytes b((std::istreambuf_iterator<char>(f)), {});
    REQUIRE(!b.empty());
    auto c = decode_component(b);
    REQUIRE(c);
    auto r = component_type_info(*c);
    INFO(file << ": " << (r ? "" : r.error().to_string()));
    REQUIRE(r);
    CHECK(r->imports.size() + r->exports.size() > 0);
  }
  // resources-full: the imported store interface uses the blob of the imported types
  // interface (WIT `use types.{blob}`), so both name one resource
  std::ifstream f(kFixtures + "resources-full.wasm", std::ios::binary);
  auto c = decode_component(Bytes((std::istreambuf_iterator<char>(f)), {}));
  REQUIRE(c);
  auto r = component_type_info(*c);
  REQUIRE(r);
  const Entity* types = find(r->imports, "test:demo/types@0.1.0");
  const Entity* store = find(r->imports, "test:demo/store@0.1.0");
  REQUIRE(types);
  REQUIRE(store);
  const Entity* b1 = find(r->type(types->type).exports, "blob");
  const Entity* b2 = find(r->type(store->type).exports, "blob");
  const Entity* handle = find(r->type(store->type).exports, "handle");
  REQUIRE(b1);
  REQUIRE(b2);
  REQUIRE(handle);
  CHECK(r->resource_id(b1->type) == r->resource_id(b2->type));
  CHECK(r->resource_id(handle->type) != r->resource_id(b1->type));
  const Entity* api = find(r->exports, "test:demo/api@0.1.0");
  REQUIRE(api);
  const Entity* session = find(r->type(api->type).exports, "session");
  REQUIRE(session);
  const TypeName* sn = r->name_of(session->type);
  REQUIRE(sn);
  CHECK(sn->name == "session");
  CHECK(sn->instance == "test:demo/api@0.1.0");
  CHECK_FALSE(sn->imported);
}

TEST_CASE("component: external visibility and resource identity", "[component][typeinfo]") {
  // Explainer.md: External Visibility of Types — an exported resource is named by the new
  // type index of its export, not retroactively by the index passed into the export
  auto unnamed = validate_wat(R"((component
    (core module $m (func (export "f") (result i32) unreachable))
    (core instance $i (instantiate $m))
    (type $R (resource (rep i32)))
    (func $f (result (own $R)) (canon lift (core func $i "f")))
    (export $R' "r" (type $R))
    (export "f" (func $f))))");
  REQUIRE_FALSE(unnamed);
  CHECK(unnamed.error().message.find("func not valid to be used as export") != std::string::npos);
  CHECK(validate_wat(R"((component
    (core module $m (func (export "f") (result i32) unreachable))
    (core instance $i (instantiate $m))
    (type $R (resource (rep i32)))
    (export $R' "r" (type $R))
    (func $f (result (own $R')) (canon lift (core func $i "f")))
    (export "f" (func $f))))"));
  // imports may not use the names of exports
  auto import_uses_export = validate_wat(R"((component
    (type $R (resource (rep i32)))
    (export $R' "r" (type $R))
    (import "f" (func (result (own $R'))))))");
  REQUIRE_FALSE(import_uses_export);
  CHECK(import_uses_export.error().message.find("func not valid to be used as import") != std::string::npos);
  // two imports of one instance type have resources of their own
  auto shared = validate_wat(R"((component
    (type $I (instance (export "r" (type (sub resource)))))
    (import "a" (instance $a (type $I)))
    (import "b" (instance $b (type $I)))
    (component $eq
      (import "x" (type $x (sub resource)))
      (import "y" (type (eq $x))))
    (instance (instantiate $eq (with "x" (type $a "r")) (with "y" (type $b "r"))))))");
  REQUIRE_FALSE(shared);
  CHECK(shared.error().message.find("resource types are not the same") != std::string::npos);
  CHECK(validate_wat(R"((component
    (type $I (instance (export "r" (type (sub resource)))))
    (import "a" (instance $a (type $I)))
    (component $eq
      (import "x" (type $x (sub resource)))
      (import "y" (type (eq $x))))
    (instance (instantiate $eq (with "x" (type $a "r")) (with "y" (type $a "r"))))))"));
}
