// The wasi_snapshot_preview1 host table: one row per function (impl.h's list), the glue that
// turns a row into an rt::HostFunc, and import linking.
#include <fmt/format.h>

#include "wasi/impl.h"

namespace shard::wasi {

namespace {

constexpr std::string_view kModuleName = "wasi_snapshot_preview1";

struct Row {
  std::string_view name;
  std::string_view params;
  std::string_view results;
  Impl impl;
};

#define SHARD_WASI_ROW(fn, params, results) Row{#fn, params, results, &fn},
constexpr Row kRows[] = {SHARD_WASI_FUNCTIONS(SHARD_WASI_ROW)};
#undef SHARD_WASI_ROW

FuncType type_of(const Row& row) {
  FuncType t;
  auto add = [](std::vector<ValType>& out, std::string_view sig) {
    for (char c : sig) out.push_back(c == 'I' ? ValType::I64 : ValType::I32);
  };
  add(t.params, row.params);
  add(t.results, row.results);
  return t;
}

const Row* find_row(std::string_view name) {
  for (const Row& r : kRows) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

}  // namespace

std::vector<HostFuncInfo> host_functions() {
  std::vector<HostFuncInfo> out;
  for (const Row& r : kRows) out.push_back({r.name, type_of(r)});
  return out;
}

rt::FuncInst* make_host_func(rt::Store& store, const std::shared_ptr<WasiContext>& ctx, std::string_view name) {
  const Row* row = find_row(name);
  if (row == nullptr) return nullptr;
  const bool has_result = !row->results.empty();
  Impl impl = row->impl;
  return store.create_host_func(
      type_of(*row), [ctx, impl, has_result](rt::HostCall& hc, const rt::Value* args, rt::Value* results) {
        component::abi::RtMemory mem(hc.memory);
        Call call{*ctx, mem, args};
        Errno e = impl(call);
        if (ctx->exit_code) {
          hc.message = fmt::format("exit with code {}", *ctx->exit_code);
          return TrapKind::Exit;
        }
        if (has_result) results[0] = rt::Value::from_i32(static_cast<uint32_t>(e));
        return TrapKind::None;
      });
}

Result<std::vector<rt::Extern>> link_imports(rt::Store& store, const WasmModule& module,
                                             const std::shared_ptr<WasiContext>& ctx,
                                             const OtherImports& other) {
  std::vector<rt::Extern> out;
  out.reserve(module.imports.size());
  for (const Import& imp : module.imports) {
    if (imp.module != kModuleName) {
      std::optional<rt::Extern> ext = other ? other(imp) : std::nullopt;
      if (!ext) return Error{ErrorKind::Unlinkable, fmt::format("unknown import {}.{}", imp.module, imp.name)};
      out.push_back(*ext);
      continue;
    }
    const Row* row = find_row(imp.name);
    if (row == nullptr) {
      return Error{ErrorKind::Unlinkable, fmt::format("unknown WASI function {}.{}", kModuleName, imp.name)};
    }
    if (imp.kind != ExternKind::Func || module.types[imp.func_type] != type_of(*row)) {
      return Error{ErrorKind::Unlinkable,
                   fmt::format("incompatible import type for {}.{}", kModuleName, imp.name)};
    }
    out.push_back(rt::Extern::func(make_host_func(store, ctx, imp.name)));
  }
  return out;
}

}  // namespace shard::wasi
