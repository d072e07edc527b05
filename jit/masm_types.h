// What the shared JIT compiler and a per-ISA macro-assembler (jit/x64/, later jit/a64/) speak:
// abstract registers, labels and conditions. Nothing here names an instruction set.
#pragma once

#include <cstdint>

#include "shard/trap.h"
#include "types.h"

namespace shard::jit {

enum class RegClass : uint8_t { Gp, Fp };

/// A register of a class, by the ISA's register number.
struct JReg {
  RegClass cls = RegClass::Gp;
  uint8_t id = 0;
  friend bool operator==(JReg a, JReg b) = default;
};

struct JLabel {
  uint32_t id = 0;
};

/// Conditions a comparison leaves in the flags (integer forms; unsigned ones also serve
/// float compares, where "above" is false for unordered operands).
enum class JCond : uint8_t { Eq, Ne, LtS, LtU, GtS, GtU, LeS, LeU, GeS, GeU, Zero, NonZero };

constexpr JCond negate(JCond c) {
  switch (c) {
    case JCond::Eq: return JCond::Ne;
    case JCond::Ne: return JCond::Eq;
    case JCond::LtS: return JCond::GeS;
    case JCond::LtU: return JCond::GeU;
    case JCond::GtS: return JCond::LeS;
    case JCond::GtU: return JCond::LeU;
    case JCond::LeS: return JCond::GtS;
    case JCond::LeU: return JCond::GtU;
    case JCond::GeS: return JCond::LtS;
    case JCond::GeU: return JCond::LtU;
    case JCond::Zero: return JCond::NonZero;
    case JCond::NonZero: return JCond::Zero;
  }
  return c;
}

/// The register class values of a type live in.
constexpr RegClass reg_class(ValType t) {
  return t == ValType::F32 || t == ValType::F64 || t == ValType::V128 ? RegClass::Fp : RegClass::Gp;
}

}  // namespace shard::jit
