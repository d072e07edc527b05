// Early return on error for code built on shard::Result (internal; not part of the API).
#pragma once

#include <utility>

/// Evaluates a Result expression; on error returns the error from the enclosing function,
/// else binds the value to `var`.
#define SHARD_TRY(var, expr)                                 \
  auto var##_result = (expr);                                \
  if (!var##_result) return std::move(var##_result).error(); \
  auto var = std::move(*var##_result)

/// Evaluates a Result<void> expression and returns its error, if any.
#define SHARD_CHECK(expr)                                   \
  do {                                                      \
    auto shard_check_r = (expr);                            \
    if (!shard_check_r) return std::move(shard_check_r).error(); \
  } while (0)
