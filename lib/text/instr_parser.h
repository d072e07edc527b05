// Instructions of the text format, plain and folded (text/instructions.rst), encoded
// straight into binary (binary/instructions.rst). Internal to lib/text.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "text/module_parser.h"

namespace shard::text {

class InstrParser {
 public:
  InstrParser(Cursor& c, ModuleContext& m, std::vector<uint8_t>& out) : c_(c), m_(m), out_(out) {}

  /// Binds a local name (params first, then locals); empty names are skipped.
  void bind_local(const Token& at, const std::string& name, uint32_t index);

  /// instr* up to `)`, `end`, `else` or Eof (none consumed).
  void instrs();
  /// One folded instruction starting at `(`.
  void folded();

 private:
  void plain();
  void block(Op op, bool is_folded);
  void block_type();
  void catches();
  void else_branch();
  void immediates(Op op, std::vector<uint8_t>& imm, Op& emit_as);
  void emit_op(Op op, std::vector<uint8_t>& out);
  void label_id(const Token* id);
  void check_end_label();
  uint32_t label();
  uint32_t local();
  uint8_t lane();
  void memarg(const OpInfo& info, std::vector<uint8_t>& imm, bool lane);
  void v128_const(std::vector<uint8_t>& imm);

  Cursor& c_;
  ModuleContext& m_;
  std::vector<uint8_t>& out_;
  std::unordered_map<std::string, uint32_t> locals_;
  std::vector<std::string> labels_;  ///< innermost last; "" for unnamed
  static constexpr int kMaxDepth = 3000;
  int depth_ = 0;
};

}  // namespace shard::text
