#include "module.h"

namespace shard {

std::string_view WasmModule::func_name(uint32_t idx) const {
  auto it = names.functions.find(idx);
  if (it != names.functions.end()) return it->second;
  for (const Export& e : exports)
    if (e.kind == ExternKind::Func && e.index == idx) return e.name;
  return {};
}

}  // namespace shard
