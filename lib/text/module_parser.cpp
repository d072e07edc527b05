#include <algorithm>
#include "text/module_parser.h"

#include <fmt/format.h>

#include "text/instr_parser.h"

namespace shard::text {

uint32_t IndexSpace::bind(const Cursor& c, const Token* id) {
  uint32_t index = count++;
  if (id && !names.emplace(id->value, index).second) c.fail(*id, fmt::format("duplicate {} ${}", what, id->value));
  return index;
}

uint32_t ModuleContext::var(Cursor& c, IndexSpace& space) {
  if (c.at(TokenKind::Id)) {
    const Token& t = c.next();
    auto it = space.names.find(t.value);
    if (it == space.names.end()) c.fail(t, fmt::format("unknown {} ${}", space.what, t.value));
    return it->second;
  }
  return c.u32();
}

void ModuleContext::params_results(Cursor& c, FuncType& sig, std::vector<std::string>* names, bool allow_names) {
  while (c.at_field("param")) {
    c.next();
    c.next();
    if (c.at(TokenKind::Id)) {
      // (param $id t) names exactly one parameter.
      const Token& id = c.next();
      if (!allow_names) c.fail(id, "unexpected token");
      sig.params.push_back(c.valtype());
      if (names) {
        for (const std::string& n : *names) {
          if (n == id.value) c.fail(id, fmt::format("duplicate local ${}", id.value));
        }
        names->push_back(id.value);
      }
    } else {
      while (c.at_valtype()) {
        sig.params.push_back(c.valtype());
        if (names) names->emplace_back();
      }
    }
    c.expect_rparen();
  }
  while (c.take_field("result")) {
    while (c.at_valtype()) sig.results.push_back(c.valtype());
    c.expect_rparen();
  }
}

TypeUse ModuleContext::typeuse(Cursor& c, bool allow_names) {
  TypeUse tu;
  if (c.take_field("type")) {
    tu.index_token = &c.peek();
    tu.index = var(c, type_space);
    c.expect_rparen();
  }
  size_t start = c.pos();
  params_results(c, tu.sig, &tu.param_names, allow_names);
  tu.has_inline = c.pos() != start;
  // text/modules.rst: typeuse ::= (type x)? param* result*, in that order.
  if (c.at_field("type") || c.at_field("param")) c.fail(c.peek(1), "unexpected token");
  return tu;
}

FuncType ModuleContext::signature(const TypeUse& tu) const {
  if (tu.index && !tu.has_inline) return *tu.index < types.size() ? types[*tu.index] : FuncType{};
  return tu.sig;
}

// text/modules.rst: a typeuse with both `(type x)` and inline declarations must agree; one
// without `(type x)` denotes the first matching type, inserting one at the end if none.
uint32_t ModuleContext::resolve(const Cursor& c, const TypeUse& tu) {
  if (tu.index) {
    if (tu.has_inline && (*tu.index >= types.size() || !(types[*tu.index] == tu.sig)))
      c.fail(*tu.index_token, "inline function type");
    return *tu.index;
  }
  for (size_t i = 0; i < types.size(); ++i) {
    if (types[i] == tu.sig) return static_cast<uint32_t>(i);
  }
  types.push_back(tu.sig);
  return static_cast<uint32_t>(types.size() - 1);
}

namespace {

// The sections a module is assembled from (binary/modules.rst), each with its entry count.
struct Section {
  uint32_t count = 0;
  std::vector<uint8_t> bytes;
};

enum class Kind : uint8_t { Func, Table, Memory, Global, Tag };

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Func: return "function";
    case Kind::Table: return "table";
    case Kind::Memory: return "memory";
    case Kind::Global: return "global";
    case Kind::Tag: return "tag";
  }
  return "";
}

class ModuleParser {
 public:
  ModuleParser(Cursor& c, bool names, std::string_view module_name)
      : c_(c), names_(names), module_name_(module_name) {}

  std::vector<uint8_t> run() {
    size_t start = c_.pos();
    prescan();
    c_.seek(start);
    while (c_.at(TokenKind::LParen)) field();
    if (!c_.at(TokenKind::RParen) && !c_.at(TokenKind::Eof)) c_.unexpected();
    return assemble();
  }

 private:
  const Token* opt_id() { return c_.at(TokenKind::Id) ? &c_.next() : nullptr; }

  void skip_exports() {
    while (c_.at_field("export")) c_.skip_sexpr();
  }

  IndexSpace& space(Kind k) {
    switch (k) {
      case Kind::Func: return m_.funcs;
      case Kind::Table: return m_.tables;
      case Kind::Memory: return m_.mems;
      case Kind::Global: return m_.globals;
      case Kind::Tag: return m_.tags;
    }
    return m_.funcs;
  }

  static std::optional<Kind> kind_of(std::string_view kw) {
    if (kw == "func") return Kind::Func;
    if (kw == "table") return Kind::Table;
    if (kw == "memory") return Kind::Memory;
    if (kw == "global") return Kind::Global;
    if (kw == "tag") return Kind::Tag;
    return std::nullopt;
  }

  // text/modules.rst: all imports must occur before any regular definition.
  void note_import(const Token& at) {
    if (first_definition_) c_.fail(at, fmt::format("import after {}", kind_name(*first_definition_)));
  }

  // Pass 1: identifiers of every index space, explicit types, import ordering.
  void prescan() {
    while (c_.at(TokenKind::LParen)) {
      size_t field_start = c_.pos();
      c_.next();
      if (!c_.at(TokenKind::Keyword)) c_.unexpected();
      const Token& kw = c_.next();
      if (kw.text == "type") {
        const Token* id = opt_id();
        m_.type_space.bind(c_, id);
        c_.expect_lparen();
        c_.expect_keyword("func");
        FuncType sig;
        m_.params_results(c_, sig, nullptr, true);
        c_.expect_rparen();
        c_.expect_rparen();
        m_.types.push_back(std::move(sig));
      } else if (kw.text == "import") {
        c_.string();
        c_.string();
        c_.expect_lparen();
        if (!c_.at(TokenKind::Keyword)) c_.unexpected();
        auto k = kind_of(c_.peek().text);
        if (!k) c_.fail("malformed import kind");
        note_import(kw);
        c_.next();
        space(*k).bind(c_, opt_id());
      } else if (auto k = kind_of(kw.text)) {
        const Token* id = opt_id();
        skip_exports();
        if (c_.at_field("import")) {
          note_import(c_.peek(1));
        } else if (!first_definition_) {
          first_definition_ = *k;
        }
        space(*k).bind(c_, id);
        if (*k == Kind::Table && !c_.at_field("import") && c_.at(TokenKind::Keyword) && c_.at_field("elem", 1))
          m_.elems.bind(c_, nullptr);
        if (*k == Kind::Memory && c_.at_field("data")) m_.datas.bind(c_, nullptr);
      } else if (kw.text == "elem") {
        m_.elems.bind(c_, opt_id());
      } else if (kw.text == "data") {
        m_.datas.bind(c_, opt_id());
      } else if (kw.text != "export" && kw.text != "start") {
        c_.fail(kw, "unexpected token");
      }
      c_.seek(field_start);
      c_.skip_sexpr();
    }
  }

  // Pass 2: one module field.
  void field() {
    c_.next();
    const Token& kw = c_.next();
    if (kw.text == "type") {
      c_.seek(c_.pos() - 2);
      c_.skip_sexpr();
      return;
    }
    if (kw.text == "import") {
      std::string module = c_.name();
      std::string name = c_.name();
      c_.expect_lparen();
      Kind k = *kind_of(c_.next().text);
      opt_id();
      import_desc(k, module, name);
      c_.expect_rparen();
    } else if (auto k = kind_of(kw.text)) {
      definition(*k);
    } else if (kw.text == "export") {
      std::string name = c_.name();
      c_.expect_lparen();
      if (!c_.at(TokenKind::Keyword)) c_.unexpected();
      auto ek = kind_of(c_.peek().text);
      if (!ek) c_.unexpected();
      c_.next();
      uint32_t index = m_.var(c_, space(*ek));
      c_.expect_rparen();
      add_export(name, *ek, index);
    } else if (kw.text == "start") {
      if (start_) c_.fail(kw, "multiple start sections");
      start_ = m_.var(c_, m_.funcs);
    } else if (kw.text == "elem") {
      elem();
    } else if (kw.text == "data") {
      data();
    }
    c_.expect_rparen();
  }

  void add_export(const std::string& name, Kind k, uint32_t index) {
    put_name(exports_.bytes, name);
    exports_.bytes.push_back(static_cast<uint8_t>(k));
    put_u32(exports_.bytes, index);
    ++exports_.count;
  }

  // text/types.rst: limits ::= u32 u32?
  void limits(std::vector<uint8_t>& out) {
    uint64_t min = c_.u32();
    if (c_.at(TokenKind::Number)) {
      uint64_t max = c_.u32();
      out.push_back(0x01);
      put_u32(out, min);
      put_u32(out, max);
    } else {
      out.push_back(0x00);
      put_u32(out, min);
    }
  }

  // text/types.rst: memtype ::= limits (and "shared" from the threads proposal, which Shard
  // does not implement: reported as unsupported rather than as a syntax error).
  void memory_type(std::vector<uint8_t>& out) {
    limits(out);
    if (c_.at(TokenKind::Keyword) && c_.peek().text == "shared") {
      const Token& t = c_.peek();
      throw TextError{Error{ErrorKind::Unsupported, "shared memories (threads) not supported yet", SIZE_MAX, t.line, t.column}};
    }
  }

  void table_type(std::vector<uint8_t>& out) {
    std::vector<uint8_t> lim;
    limits(lim);
    out.push_back(static_cast<uint8_t>(c_.reftype()));
    out.insert(out.end(), lim.begin(), lim.end());
  }

  void global_type(std::vector<uint8_t>& out) {
    if (c_.take_field("mut")) {
      out.push_back(static_cast<uint8_t>(c_.valtype()));
      out.push_back(0x01);
      c_.expect_rparen();
    } else {
      out.push_back(static_cast<uint8_t>(c_.valtype()));
      out.push_back(0x00);
    }
  }

  void import_desc(Kind k, const std::string& module, const std::string& name) {
    auto& out = imports_.bytes;
    put_name(out, module);
    put_name(out, name);
    out.push_back(static_cast<uint8_t>(k));
    switch (k) {
      case Kind::Func: put_u32(out, m_.resolve(c_, m_.typeuse(c_, true))); break;
      case Kind::Table: table_type(out); break;
      case Kind::Memory: memory_type(out); break;
      case Kind::Global: global_type(out); break;
      case Kind::Tag: tag_type(out); break;
    }
    ++imports_.count;
    ++seen_[static_cast<int>(k)];
  }

  // func / table / memory / global, with inline exports, an inline import, or inline
  // elem/data (text/modules.rst abbreviations).
  void definition(Kind k) {
    opt_id();
    uint32_t index = seen_[static_cast<int>(k)];
    while (c_.take_field("export")) {
      add_export(c_.name(), k, index);
      c_.expect_rparen();
    }
    if (c_.take_field("import")) {
      std::string module = c_.name();
      std::string name = c_.name();
      c_.expect_rparen();
      import_desc(k, module, name);
      return;
    }
    ++seen_[static_cast<int>(k)];
    switch (k) {
      case Kind::Func: func(); break;
      case Kind::Table: table(index); break;
      case Kind::Memory: memory(index); break;
      case Kind::Global:
        global_type(globals_.bytes);
        const_expr(globals_.bytes);
        ++globals_.count;
        break;
      case Kind::Tag:
        tag_type(tags_.bytes);
        ++tags_.count;
        break;
    }
  }

  // binary/types.rst: tagtype ::= 0x00 typeidx; in text a typeuse (text/modules.rst: tags).
  void tag_type(std::vector<uint8_t>& out) {
    out.push_back(0x00);
    put_u32(out, m_.resolve(c_, m_.typeuse(c_, false)));
  }

  void func() {
    TypeUse tu = m_.typeuse(c_, true);
    put_u32(funcs_.bytes, m_.resolve(c_, tu));
    ++funcs_.count;
    std::vector<uint8_t> body;
    InstrParser ip(c_, m_, body);
    uint32_t index = 0;
    if (tu.has_inline) {
      for (const std::string& n : tu.param_names) ip.bind_local(c_.peek(), n, index++);
    } else {
      index = static_cast<uint32_t>(m_.signature(tu).params.size());
    }
    // Locals, run-length encoded by type (binary/modules.rst: code section).
    std::vector<std::pair<uint32_t, ValType>> runs;
    auto add_local = [&](ValType t) {
      if (!runs.empty() && runs.back().second == t) ++runs.back().first;
      else runs.emplace_back(1, t);
      ++index;
    };
    while (c_.take_field("local")) {
      if (c_.at(TokenKind::Id)) {
        const Token& id = c_.next();
        ip.bind_local(id, id.value, index);
        add_local(c_.valtype());
      } else {
        while (c_.at_valtype()) add_local(c_.valtype());
      }
      c_.expect_rparen();
    }
    std::vector<uint8_t> entry;
    put_u32(entry, runs.size());
    for (auto [n, t] : runs) {
      put_u32(entry, n);
      entry.push_back(static_cast<uint8_t>(t));
    }
    ip.instrs();
    if (!c_.at(TokenKind::RParen)) c_.unexpected();
    entry.insert(entry.end(), body.begin(), body.end());
    entry.push_back(0x0b);
    put_u32(code_.bytes, entry.size());
    code_.bytes.insert(code_.bytes.end(), entry.begin(), entry.end());
    ++code_.count;
  }

  // An expression up to `)`, terminated with `end`.
  void const_expr(std::vector<uint8_t>& out) {
    InstrParser ip(c_, m_, out);
    ip.instrs();
    if (!c_.at(TokenKind::RParen)) c_.unexpected();
    out.push_back(0x0b);
  }

  // `(KEYWORD instr*)` or, abbreviated, a single folded instruction (text/modules.rst: element
  // items `(item ...)` and offsets `(offset ...)`), encoded with its `end`.
  std::vector<uint8_t> abbreviated_expr(std::string_view keyword) {
    std::vector<uint8_t> out;
    InstrParser ip(c_, m_, out);
    if (c_.take_field(keyword)) {
      ip.instrs();
      c_.expect_rparen();
    } else {
      ip.folded();
    }
    out.push_back(0x0b);
    return out;
  }
  std::vector<uint8_t> elem_expr() { return abbreviated_expr("item"); }

  struct ElemList {
    ValType type = ValType::FuncRef;
    std::vector<std::vector<uint8_t>> exprs;
  };

  // text/modules.rst: elemlist ::= reftype elemexpr* | 'func' funcidx*; a bare funcidx* is
  // the abbreviation for 'func' funcidx*.
  ElemList elem_list() {
    ElemList list;
    if (c_.at_keyword("funcref") || c_.at_keyword("externref")) {
      list.type = c_.reftype();
      while (c_.at(TokenKind::LParen)) list.exprs.push_back(elem_expr());
      return list;
    }
    c_.take_keyword("func");
    while (m_.at_var(c_)) {
      std::vector<uint8_t> e{0xd2};
      put_u32(e, m_.var(c_, m_.funcs));
      e.push_back(0x0b);
      list.exprs.push_back(std::move(e));
    }
    return list;
  }

  static std::optional<uint32_t> single_ref_func(const std::vector<uint8_t>& e) {
    if (e.size() < 3 || e[0] != 0xd2 || e.back() != 0x0b) return std::nullopt;
    uint64_t v = 0;
    size_t i = 1;
    for (int shift = 0; i < e.size() - 1; shift += 7) {
      v |= uint64_t{e[i] & 0x7fu} << shift;
      if (!(e[i++] & 0x80)) break;
    }
    if (i != e.size() - 1) return std::nullopt;
    return static_cast<uint32_t>(v);
  }

  enum class SegMode : uint8_t { Active, Passive, Declarative };

  // binary/modules.rst: element segment flags 0..7. The index form is used when every item is
  // a single ref.func of a funcref segment; table 0 is implicit only for funcref.
  void emit_elem(SegMode mode, uint32_t table, const std::vector<uint8_t>& offset, const ElemList& list) {
    auto& out = elems_.bytes;
    bool funcs = list.type == ValType::FuncRef;
    for (const auto& e : list.exprs) funcs = funcs && single_ref_func(e);
    uint8_t flags = mode == SegMode::Passive ? 1 : mode == SegMode::Declarative ? 3 : 0;
    if (mode == SegMode::Active && (table != 0 || list.type != ValType::FuncRef)) flags |= 2;
    if (!funcs) flags |= 4;
    out.push_back(flags);
    if (flags == 2 || flags == 6) put_u32(out, table);
    if (mode == SegMode::Active) out.insert(out.end(), offset.begin(), offset.end());
    if (flags == 1 || flags == 2 || flags == 3) out.push_back(0x00);  // elemkind funcref
    if (flags == 5 || flags == 6 || flags == 7) out.push_back(static_cast<uint8_t>(list.type));
    put_u32(out, list.exprs.size());
    for (const auto& e : list.exprs) {
      if (funcs) put_u32(out, *single_ref_func(e));
      else out.insert(out.end(), e.begin(), e.end());
    }
    ++elems_.count;
  }

  std::vector<uint8_t> offset_expr() { return abbreviated_expr("offset"); }

  bool at_offset() const {
    return c_.at_field("offset") || (c_.at(TokenKind::LParen) && c_.at(TokenKind::Keyword, 1) &&
                                      op_from_name(c_.peek(1).text).has_value());
  }

  void elem() {
    opt_id();
    if (c_.take_keyword("declare")) {
      emit_elem(SegMode::Declarative, 0, {}, elem_list());
      return;
    }
    uint32_t table = 0;
    bool active = false;
    if (c_.take_field("table")) {
      table = m_.var(c_, m_.tables);
      c_.expect_rparen();
      active = true;
      if (!at_offset()) c_.unexpected();
    }
    if (at_offset()) {
      std::vector<uint8_t> offset = offset_expr();
      emit_elem(SegMode::Active, table, offset, elem_list());
      return;
    }
    if (active) c_.unexpected();
    emit_elem(SegMode::Passive, 0, {}, elem_list());
  }

  void data_strings(std::vector<uint8_t>& bytes) {
    while (c_.at(TokenKind::String)) put_bytes(bytes, c_.next().value);
  }

  // binary/modules.rst: data segment flags 0 (memory 0), 1 (passive), 2 (explicit memory).
  void emit_data(bool active, uint32_t mem, const std::vector<uint8_t>& offset, const std::vector<uint8_t>& bytes) {
    auto& out = datas_.bytes;
    if (!active) {
      out.push_back(0x01);
    } else if (mem == 0) {
      out.push_back(0x00);
    } else {
      out.push_back(0x02);
      put_u32(out, mem);
    }
    if (active) out.insert(out.end(), offset.begin(), offset.end());
    put_u32(out, bytes.size());
    out.insert(out.end(), bytes.begin(), bytes.end());
    ++datas_.count;
  }

  void data() {
    opt_id();
    uint32_t mem = 0;
    bool active = false;
    if (c_.take_field("memory")) {
      mem = m_.var(c_, m_.mems);
      c_.expect_rparen();
      active = true;
      if (!at_offset()) c_.unexpected();
    } else if (c_.at_nat()) {
      // The MVP-era form `(data 0 (i32.const 8) "...")`: a bare memory index before the
      // offset. Not in today's grammar, but wabt and wasm-tools accept it and older
      // toolchains and tutorials still write it. (A `$name` here is the segment's own id.)
      mem = m_.var(c_, m_.mems);
      active = true;
      if (!at_offset()) c_.unexpected();
    }
    std::vector<uint8_t> offset;
    if (at_offset()) {
      offset = offset_expr();
      active = true;
    }
    std::vector<uint8_t> bytes;
    data_strings(bytes);
    emit_data(active, mem, offset, bytes);
  }

  void table(uint32_t index) {
    auto& out = tables_.bytes;
    ++tables_.count;
    if (c_.at(TokenKind::Keyword) && c_.at_field("elem", 1)) {
      // (table reftype (elem ...)) ≡ (table n n reftype) (elem (table x) (i32.const 0) ...).
      ValType t = c_.reftype();
      c_.next();
      c_.next();
      ElemList list;
      if (c_.at(TokenKind::LParen)) {
        list.type = t;
        while (c_.at(TokenKind::LParen)) list.exprs.push_back(elem_expr());
      } else {
        list = elem_list();
      }
      list.type = t;
      c_.expect_rparen();
      out.push_back(static_cast<uint8_t>(t));
      out.push_back(0x01);
      put_u32(out, list.exprs.size());
      put_u32(out, list.exprs.size());
      emit_elem(SegMode::Active, index, {0x41, 0x00, 0x0b}, list);
      return;
    }
    table_type(out);
  }

  void memory(uint32_t index) {
    auto& out = mems_.bytes;
    ++mems_.count;
    if (c_.take_field("data")) {
      // (memory (data ...)) ≡ (memory n n) (data (memory x) (i32.const 0) ...), n in 64 KiB pages.
      std::vector<uint8_t> bytes;
      data_strings(bytes);
      c_.expect_rparen();
      uint64_t pages = (bytes.size() + 65535) / 65536;
      out.push_back(0x01);
      put_u32(out, pages);
      put_u32(out, pages);
      emit_data(true, index, {0x41, 0x00, 0x0b}, bytes);
      return;
    }
    memory_type(out);
  }

  // binary/modules.rst: sections in their required order; empty ones are left out.
  std::vector<uint8_t> assemble() {
    std::vector<uint8_t> out{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    auto section = [&](uint8_t id, const Section& s) {
      if (s.count == 0) return;
      std::vector<uint8_t> body;
      put_u32(body, s.count);
      body.insert(body.end(), s.bytes.begin(), s.bytes.end());
      out.push_back(id);
      put_u32(out, body.size());
      out.insert(out.end(), body.begin(), body.end());
    };
    Section types;
    types.count = static_cast<uint32_t>(m_.types.size());
    for (const FuncType& t : m_.types) {
      types.bytes.push_back(0x60);
      put_u32(types.bytes, t.params.size());
      for (ValType v : t.params) types.bytes.push_back(static_cast<uint8_t>(v));
      put_u32(types.bytes, t.results.size());
      for (ValType v : t.results) types.bytes.push_back(static_cast<uint8_t>(v));
    }
    section(1, types);
    section(2, imports_);
    section(3, funcs_);
    section(4, tables_);
    section(5, mems_);
    section(13, tags_);
    section(6, globals_);
    section(7, exports_);
    if (start_) {
      std::vector<uint8_t> body;
      put_u32(body, *start_);
      out.push_back(8);
      put_u32(out, body.size());
      out.insert(out.end(), body.begin(), body.end());
    }
    section(9, elems_);
    // binary/modules.rst: the data count section is required when code uses data indices.
    if (m_.uses_data_count) {
      std::vector<uint8_t> body;
      put_u32(body, datas_.count);
      out.push_back(12);
      put_u32(out, body.size());
      out.insert(out.end(), body.begin(), body.end());
    }
    section(10, code_);
    section(11, datas_);
    if (names_) name_section(out);
    return out;
  }

  // appendix/custom.rst: the name section, with the module name (subsection 0) and function
  // names (subsection 1, sorted by index) from the text's identifiers, without the `$`.
  void name_section(std::vector<uint8_t>& out) {
    if (m_.funcs.names.empty() && module_name_.empty()) return;
    std::vector<uint8_t> body;
    put_name(body, "name");
    auto subsection = [&](uint8_t id, const std::vector<uint8_t>& content) {
      body.push_back(id);
      put_u32(body, content.size());
      body.insert(body.end(), content.begin(), content.end());
    };
    if (!module_name_.empty()) {
      std::vector<uint8_t> content;
      put_name(content, module_name_);
      subsection(0, content);
    }
    if (!m_.funcs.names.empty()) {
      std::vector<std::pair<uint32_t, std::string_view>> names;
      for (const auto& [id, index] : m_.funcs.names) names.emplace_back(index, id);
      std::sort(names.begin(), names.end());
      std::vector<uint8_t> content;
      put_u32(content, names.size());
      for (const auto& [index, id] : names) {
        put_u32(content, index);
        put_name(content, id);
      }
      subsection(1, content);
    }
    out.push_back(0);
    put_u32(out, body.size());
    out.insert(out.end(), body.begin(), body.end());
  }

  Cursor& c_;
  bool names_ = false;
  std::string module_name_;
  ModuleContext m_;
  std::optional<Kind> first_definition_;
  uint32_t seen_[5] = {0, 0, 0, 0, 0};  ///< per Kind, indices assigned so far in pass 2
  Section imports_, funcs_, tables_, mems_, globals_, tags_, exports_, elems_, code_, datas_;
  std::optional<uint32_t> start_;
};

}  // namespace

std::vector<uint8_t> encode_module_fields(Cursor& c, bool names, std::string_view module_name) {
  return ModuleParser(c, names, module_name).run();
}

}  // namespace shard::text
