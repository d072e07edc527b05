#include "module.h"

namespace shard {

std::string_view WasmModule::func_name(uint32_t idx) const {
  auto it = names.functions.find(idx);
  return it == names.functions.end() ? std::string_view{} : std::string_view{it->second};
}

}  // namespace shard
