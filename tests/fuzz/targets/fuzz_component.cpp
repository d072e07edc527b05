// fuzz_component: arbitrary bytes -> decode_component -> validate_component ->
// component_type_info -> the public API's description (imports/exports with WIT types, the
// WIT text of `shard inspect`).
// Nothing may crash, hang, leak or hit UB; decode errors are Malformed or Unsupported,
// validation errors Malformed/Invalid/Unsupported; the three ways of validating (plain, with
// type information, through shard::cm::Component) must agree.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "component/component.h"
#include "component/typeinfo.h"
#include "fuzz_support.h"
#include "shard/component.h"

using namespace shard;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  auto c = component::decode_component(bytes);
  if (!c) {
    if (c.error().kind != ErrorKind::Malformed && c.error().kind != ErrorKind::Unsupported)
      fuzz::property_failed("component decode error is neither Malformed nor Unsupported", fuzz::describe(c.error()));
    return 0;
  }
  Result<void> v = component::validate_component(*c);
  if (!v && v.error().kind != ErrorKind::Malformed && v.error().kind != ErrorKind::Invalid &&
      v.error().kind != ErrorKind::Unsupported)
    fuzz::property_failed("component validation error of an unexpected kind", fuzz::describe(v.error()));
  auto info = component::component_type_info(*c);
  if (info.ok() != v.ok())
    fuzz::property_failed("component_type_info disagrees with validate_component",
                          info.ok() ? std::string("info ok") : fuzz::describe(info.error()));
  auto pub = cm::Component::from_bytes(std::move(bytes));
  if (pub.ok() != v.ok())
    fuzz::property_failed("cm::Component::from_bytes disagrees with validation",
                          pub.ok() ? std::string("loaded") : fuzz::describe(pub.error()));
  if (pub) {
    // describe every import and export and print the world
    size_t n = pub->wit().size();
    for (const auto& d : pub->imports()) n += d.name.size() + d.func.to_wit().size();
    for (const auto& d : pub->exports()) n += d.name.size() + d.func.to_wit().size();
    if (n == 0) fuzz::property_failed("a valid component printed no WIT", "");
  }
  return 0;
}
