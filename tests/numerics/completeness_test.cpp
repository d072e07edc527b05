// Every numeric row of lib/opcodes.def has a shard::sem function with the signature the
// interpreter generator expects; a missing or mistyped function is a build error.
#include <catch2/catch.hpp>

#include <tuple>
#include <type_traits>

#include "runtime/simd.h"
#include "types.h"

using namespace shard;

namespace {

template <OpType T>
struct CType {
  using type = void;
};
template <> struct CType<OpType::I32> { using type = uint32_t; };
template <> struct CType<OpType::I64> { using type = uint64_t; };
template <> struct CType<OpType::F32> { using type = float; };
template <> struct CType<OpType::F64> { using type = double; };
template <> struct CType<OpType::V128> { using type = V128; };

template <class... Ts>
struct List {};
template <class L, class T>
struct Append;
template <class... Ts, class T>
struct Append<List<Ts...>, T> {
  using type = List<Ts..., T>;
};
template <class L, OpType T>
using AddParam = std::conditional_t<T == OpType::None, L, typename Append<L, typename CType<T>::type>::type>;
template <class R, class L>
struct FnOf;
template <class R, class... Ts>
struct FnOf<R, List<Ts...>> {
  using type = R (*)(Ts...);
};

template <Imm I, OpType P0, OpType P1, OpType P2, OpType R>
struct Expected {
  using Values = AddParam<AddParam<AddParam<List<>, P0>, P1>, P2>;
  using Params = std::conditional_t<I == Imm::Lane, typename Append<Values, uint8_t>::type,
                                    std::conditional_t<I == Imm::Shuffle, typename Append<Values, const uint8_t*>::type, Values>>;
  using Result = typename CType<R>::type;
  using Plain = typename FnOf<Result, Params>::type;
  using Trapping = typename FnOf<TrapKind, typename Append<Params, Result&>::type>::type;
};

template <class Fn, class E>
constexpr bool kSignatureOk = std::is_same_v<Fn, typename E::Plain> || std::is_same_v<Fn, typename E::Trapping>;

constexpr size_t kChecked = 0
#define SHARD_SEM_OP(id, name, imm, p0, p1, p2, r) +1
#include "sem_ops.h"
    ;

#define SHARD_SEM_OP(id, name, imm, p0, p1, p2, r)                                                           \
  static_assert(kSignatureOk<decltype(&sem::id),                                                              \
                             Expected<Imm::imm, OpType::p0, OpType::p1, OpType::p2, OpType::r>>,              \
                "sem::" #id " is missing or does not have the signature the opcode table implies");
#include "sem_ops.h"

}  // namespace

TEST_CASE("numerics: every numeric opcode-table row has a sem function") {
  // The preprocessor filter in sem_ops.h agrees with the table's own columns.
  size_t expected = 0;
  for (const OpInfo& oi : kOpInfo) {
    bool imm_ok = oi.imm == Imm::None || oi.imm == Imm::Lane || oi.imm == Imm::Shuffle;
    bool typed = oi.result != OpType::Special && oi.result != OpType::None;
    expected += imm_ok && typed;
  }
  CHECK(kChecked == expected);
  CHECK(kChecked > 300);  // the filter did not silently drop everything
}
