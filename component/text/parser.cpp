// Component text format → AST (Explainer.md: the grammar of each definition kind), expanding
// the abbreviations that add definitions (see ast.h for the order they are placed in).
#include <fmt/format.h>

#include <map>

#include "component/text/parser.h"
#include "text/module_parser.h"

namespace shard::component::text {

using shard::text::Cursor;
using shard::text::TextError;
using shard::text::Token;
using shard::text::TokenKind;

const char* space_name(Space s) {
  static constexpr const char* kNames[] = {"core func",   "core table", "core memory", "core global",
                                           "core tag",    "core type",  "core module", "core instance",
                                           "func",        "value",      "type",        "component",
                                           "instance"};
  return kNames[static_cast<int>(s)];
}

void unsupported(const Token& at, const std::string& what) {
  throw TextError{Error{ErrorKind::Unsupported, what + " is not supported yet (Component Model after WASI 0.2)",
                        SIZE_MAX, at.line, at.column}};
}

namespace {

// Binary.md: primvaltype opcodes.
uint8_t prim_opcode(std::string_view kw) {
  static constexpr std::pair<std::string_view, uint8_t> kPrims[] = {
      {"bool", 0x7f}, {"s8", 0x7e},  {"u8", 0x7d},      {"s16", 0x7c},     {"u16", 0x7b},
      {"s32", 0x7a},  {"u32", 0x79}, {"s64", 0x78},     {"u64", 0x77},     {"f32", 0x76},
      {"f64", 0x75},  {"float32", 0x76}, {"float64", 0x75}, {"char", 0x74}, {"string", 0x73}};
  for (auto [name, op] : kPrims) {
    if (kw == name) return op;
  }
  return 0;
}

// Explainer.md: canonical built-ins added after WASI 0.2 (🔀 🧵 📝).
bool is_later_builtin(std::string_view kw) {
  static constexpr std::string_view kPrefixes[] = {"task.",    "context.", "backpressure.", "subtask.",
                                                   "stream.",  "future.",  "error-context.", "waitable",
                                                   "thread."};
  for (auto p : kPrefixes) {
    if (kw.starts_with(p)) return true;
  }
  return false;
}

class Parser {
 public:
  explicit Parser(Cursor& c) : c_(c) {}

  std::vector<Field> component_fields() {
    Ctx ctx;
    Ctx* saved = ctx_;
    ctx_ = &ctx;
    std::vector<Field> out;
    while (!c_.at(TokenKind::RParen) && !c_.at(TokenKind::Eof)) {
      Field f = definition();
      flush(out);
      out.push_back(std::move(f));
    }
    for (Field& f : ctx.append) out.push_back(std::move(f));
    ctx_ = saved;
    return out;
  }

 private:
  /// Definitions an abbreviation adds around the one being parsed (wasm-tools' expand order:
  /// hoisted types, then instance bundles, then the definition; inline exports at the end).
  struct Ctx {
    std::vector<Field> types, bundles, append;
  };

  Cursor& c_;
  Ctx* ctx_ = nullptr;
  uint32_t gensym_ = 0;

  void flush(std::vector<Field>& out) {
    for (Field& t : ctx_->types) out.push_back(std::move(t));
    for (Field& b : ctx_->bundles) out.push_back(std::move(b));
    ctx_->types.clear();
    ctx_->bundles.clear();
  }

  std::string gensym() { return fmt::format("\x01gensym{}", gensym_++); }

  Field start_field(Field::Kind k, const Token& at) {
    Field f;
    f.kind = k;
    f.line = at.line;
    f.column = at.column;
    return f;
  }
  std::string opt_id() { return c_.at(TokenKind::Id) ? c_.next().value : std::string(); }

  Ref idx() {
    Ref r;
    const Token& t = c_.peek();
    r.line = t.line;
    r.column = t.column;
    if (c_.at(TokenKind::Id)) {
      r.id = c_.next().value;
    } else {
      r.num = c_.u32();
    }
    return r;
  }
  bool at_idx(size_t ahead = 0) const { return c_.at(TokenKind::Id, ahead) || c_.at_nat(ahead); }
  Ref ref_to(const std::string& id) {
    Ref r;
    r.id = id;
    return r;
  }

  /// The sort of `(sort ...)`, `(core sort ...)` at the cursor (after the `(`).
  Space sort() {
    const Token& t = c_.peek();
    if (c_.take_keyword("core")) {
      if (c_.take_keyword("func")) return Space::CoreFunc;
      if (c_.take_keyword("table")) return Space::CoreTable;
      if (c_.take_keyword("memory")) return Space::CoreMemory;
      if (c_.take_keyword("global")) return Space::CoreGlobal;
      if (c_.take_keyword("tag")) return Space::CoreTag;
      if (c_.take_keyword("type")) return Space::CoreType;
      if (c_.take_keyword("module")) return Space::CoreModule;
      if (c_.take_keyword("instance")) return Space::CoreInstance;
      c_.unexpected();
    }
    if (c_.take_keyword("func")) return Space::Func;
    if (c_.take_keyword("type")) return Space::Type;
    if (c_.take_keyword("component")) return Space::Component;
    if (c_.take_keyword("instance")) return Space::Instance;
    if (c_.at_keyword("value")) unsupported(t, "value definitions");
    c_.unexpected();
  }
  /// A core sort inside core definitions, written without `core` (core:sort).
  Space core_sort() {
    if (c_.take_keyword("func")) return Space::CoreFunc;
    if (c_.take_keyword("table")) return Space::CoreTable;
    if (c_.take_keyword("memory")) return Space::CoreMemory;
    if (c_.take_keyword("global")) return Space::CoreGlobal;
    if (c_.take_keyword("tag")) return Space::CoreTag;
    if (c_.take_keyword("type")) return Space::CoreType;
    if (c_.take_keyword("module")) return Space::CoreModule;
    if (c_.take_keyword("instance")) return Space::CoreInstance;
    c_.unexpected();
  }
  /// After `(sort`: idx name* `)` (Explainer.md: sortidx and its inline export alias form).
  Ref sortidx_rest() {
    Ref r = idx();
    while (c_.at(TokenKind::String)) r.names.push_back(c_.name());
    c_.expect_rparen();
    return r;
  }
  /// externidx: `(sort idx name*)` or `(core sort idx name*)`.
  SortRef externidx() {
    c_.expect_lparen();
    SortRef s;
    s.space = sort();
    s.ref = sortidx_rest();
    return s;
  }
  /// {X}idx ::= idx | (X idx name*), also accepting the `core`-prefixed form for core sorts.
  Ref idx_of(Space want) {
    if (at_idx()) return idx();
    c_.expect_lparen();
    const Token& at = c_.peek();
    Space s = is_core(want) && !c_.at_keyword("core") ? core_sort() : sort();
    if (s != want) c_.fail(at, fmt::format("expected {}", space_name(want)));
    return sortidx_rest();
  }

  // ---- attributes and names (Explainer.md: Import and Export Definitions) -----------------

  void attributes(std::vector<uint8_t>& out, bool& has) {
    std::vector<uint8_t> body;
    uint32_t n = 0;
    unsigned seen = 0;
    for (;;) {
      uint8_t code;
      if (c_.at_field("implements")) {
        code = 0x00;
      } else if (c_.at_field("versionsuffix")) {
        code = 0x01;
      } else if (c_.at_field("external-id")) {
        code = 0x02;
      } else {
        break;
      }
      // Binary.md: a vec(<attribute>) holds each kind at most once.
      if (seen & (1u << code)) c_.fail(c_.peek(1), "unexpected token");
      seen |= 1u << code;
      c_.next();
      c_.next();
      body.push_back(code);
      shard::text::put_name(body, c_.name());
      c_.expect_rparen();
      ++n;
    }
    if (n == 0) return;
    has = true;
    shard::text::put_u32(out, n);
    out.insert(out.end(), body.begin(), body.end());
  }

  /// `( kw "name" attribute* )` with nothing else: the inline import/export abbreviations
  /// (a definition `(export "n" (func ...))` or import `(import "n" (func))` has an item).
  bool at_abbreviation(std::string_view kw) const {
    if (!c_.at_field(kw) || !c_.at(TokenKind::String, 2)) return false;
    size_t k = 3;
    while (c_.at_field("implements", k) || c_.at_field("versionsuffix", k) || c_.at_field("external-id", k)) k += 4;
    return c_.at(TokenKind::RParen, k);
  }

  /// Inline `(export "name")` abbreviations on a definition.
  void inline_exports(Field& f, Space space) {
    while (at_abbreviation("export")) {
      const Token& at = c_.peek();
      c_.next();
      c_.next();
      Field e = start_field(Field::Kind::Export, at);
      e.name = c_.name();
      attributes(e.attributes, e.has_attributes);
      c_.expect_rparen();
      if (f.id.empty()) f.id = gensym();
      e.item.space = space;
      e.item.ref = ref_to(f.id);
      ctx_->append.push_back(std::move(e));
    }
  }
  /// `(import "name" attribute*)` of the import abbreviation, if present.
  bool inline_import(Field& f) {
    if (!at_abbreviation("import")) return false;
    c_.next();
    c_.next();
    f.kind = Field::Kind::Import;
    f.name = c_.name();
    attributes(f.attributes, f.has_attributes);
    c_.expect_rparen();
    return true;
  }

  // ---- value types (Explainer.md: Type Definitions) ----------------------------------------

  ValType valtype() {
    ValType v;
    if (c_.at(TokenKind::Keyword)) {
      const Token& t = c_.next();
      if (t.text == "error-context") unsupported(t, "error-context");
      v.prim = prim_opcode(t.text);
      if (!v.prim) c_.fail(t, "expected a value type");
      return v;
    }
    if (at_idx()) {
      v.ref = idx();
      return v;
    }
    const Token& at = c_.peek();
    TypeDef td = defvaltype();
    v.ref = hoist(std::move(td), at);
    return v;
  }
  Ref hoist(TypeDef td, const Token& at) {
    Field f = start_field(Field::Kind::Type, at);
    f.id = gensym();
    f.type = std::move(td);
    Ref r = ref_to(f.id);
    ctx_->types.push_back(std::move(f));
    return r;
  }

  /// `( record ... )` etc., at the `(`.
  TypeDef defvaltype() {
    TypeDef td;
    c_.expect_lparen();
    const Token& kw = c_.peek();
    if (!c_.at(TokenKind::Keyword)) c_.unexpected();
    c_.next();
    using K = TypeDef::Kind;
    if (kw.text == "record") {
      td.kind = K::Record;
      while (c_.take_field("field")) {
        td.labels.push_back(c_.name());
        td.types.push_back(valtype());
        c_.expect_rparen();
      }
    } else if (kw.text == "variant") {
      td.kind = K::Variant;
      while (c_.take_field("case")) {
        opt_id();
        td.labels.push_back(c_.name());
        if (!c_.at(TokenKind::RParen) && !c_.at_field("refines")) {
          td.types.push_back(valtype());
        } else {
          td.types.emplace_back();
        }
        if (c_.at_field("refines")) unsupported(c_.peek(), "variant case refinement");
        c_.expect_rparen();
      }
    } else if (kw.text == "list") {
      td.kind = K::List;
      td.types.push_back(valtype());
      if (c_.at_nat()) {
        // 🔧 fixed-length lists: (list t len), Binary.md 0x67.
        td.prim = 1;
        td.ref.num = c_.u32();
      }
    } else if (kw.text == "tuple") {
      td.kind = K::Tuple;
      while (!c_.at(TokenKind::RParen)) td.types.push_back(valtype());
    } else if (kw.text == "flags" || kw.text == "enum") {
      td.kind = kw.text == "flags" ? K::Flags : K::Enum;
      while (c_.at(TokenKind::String)) td.labels.push_back(c_.name());
    } else if (kw.text == "option") {
      td.kind = K::Option;
      td.types.push_back(valtype());
    } else if (kw.text == "result") {
      td.kind = K::Result;
      td.types.resize(2);
      if (!c_.at(TokenKind::RParen) && !c_.at_field("error")) td.types[0] = valtype();
      if (c_.take_field("error")) {
        td.types[1] = valtype();
        c_.expect_rparen();
      }
    } else if (kw.text == "own" || kw.text == "borrow") {
      td.kind = kw.text == "own" ? K::Own : K::Borrow;
      td.ref = idx();
    } else if (kw.text == "map") {
      td.kind = K::Map;
      td.types.push_back(valtype());
      td.types.push_back(valtype());
    } else if (kw.text == "stream" || kw.text == "future") {
      unsupported(kw, std::string(kw.text) + " types");
    } else if (uint8_t p = prim_opcode(kw.text)) {
      td.kind = K::Prim;
      td.prim = p;
    } else {
      c_.fail(kw, "expected a type definition");
    }
    c_.expect_rparen();
    return td;
  }

  /// deftype (Explainer.md): defvaltype | resourcetype | functype | componenttype | instancetype.
  TypeDef deftype() {
    if (c_.at(TokenKind::Keyword)) {
      const Token& t = c_.next();
      if (t.text == "error-context") unsupported(t, "error-context");
      TypeDef td;
      td.prim = prim_opcode(t.text);
      if (!td.prim) c_.fail(t, "expected a type definition");
      return td;
    }
    if (c_.at_field("func")) {
      c_.next();
      c_.next();
      TypeDef td = functype_body();
      c_.expect_rparen();
      return td;
    }
    if (c_.take_field("component")) {
      TypeDef td;
      td.kind = TypeDef::Kind::Component;
      td.decls = decls(true);
      c_.expect_rparen();
      return td;
    }
    if (c_.take_field("instance")) {
      TypeDef td;
      td.kind = TypeDef::Kind::Instance;
      td.decls = decls(false);
      c_.expect_rparen();
      return td;
    }
    if (c_.take_field("resource")) {
      TypeDef td;
      td.kind = TypeDef::Kind::Resource;
      if (!c_.take_field("rep")) c_.unexpected();
      if (c_.take_keyword("i32")) {
        td.rep = 0x7f;
      } else if (c_.at_keyword("i64")) {
        unsupported(c_.peek(), "64-bit resource representations");
      } else {
        c_.unexpected();
      }
      c_.expect_rparen();
      if (c_.take_field("dtor")) {
        td.has_dtor = true;
        td.ref = idx_of(Space::CoreFunc);
        c_.expect_rparen();
      }
      c_.expect_rparen();
      return td;
    }
    return defvaltype();
  }

  /// functype after `(func`: async? (param "l" t)* (result t)?
  TypeDef functype_body() {
    TypeDef td;
    td.kind = TypeDef::Kind::Func;
    if (c_.at_keyword("async")) unsupported(c_.peek(), "async functions");
    while (c_.take_field("param")) {
      td.labels.push_back(c_.name());
      td.types.push_back(valtype());
      c_.expect_rparen();
    }
    if (c_.take_field("result")) {
      if (c_.at(TokenKind::String)) c_.fail("named results are not part of the component model");
      td.has_result = true;
      td.types.push_back(valtype());
      c_.expect_rparen();
    }
    return td;
  }

  /// `(type idx)`, as opposed to a declarator `(type $id? deftype)`.
  bool at_type_ref() const { return c_.at_field("type") && at_idx(2) && c_.at(TokenKind::RParen, 3); }

  /// A component-level type use: `(type idx)` or an inline definition, hoisted (Explainer.md:
  /// the typeuse abbreviation, as in core WebAssembly).
  Ref typeuse(TypeDef::Kind kind, bool in_component_type) {
    // `(type idx)` refers to a type; `(type (func ...))` is a declarator of an inline type.
    if (at_type_ref() && kind != TypeDef::Kind::CoreModule) {
      c_.next();
      c_.next();
      Ref r = idx();
      c_.expect_rparen();
      return r;
    }
    const Token& at = c_.peek();
    TypeDef td;
    if (kind == TypeDef::Kind::Func) {
      td = functype_body();
    } else if (kind == TypeDef::Kind::CoreModule) {
      if (at_type_ref()) {
        c_.next();
        c_.next();
        Ref r = idx();
        c_.expect_rparen();
        return r;
      }
      td.kind = kind;
      td.decls = module_decls();
    } else {
      td.kind = kind;
      td.decls = decls(in_component_type);
    }
    if (kind == TypeDef::Kind::CoreModule) {
      Field f = start_field(Field::Kind::CoreType, at);
      f.id = gensym();
      f.type = std::move(td);
      Ref r = ref_to(f.id);
      ctx_->types.push_back(std::move(f));
      return r;
    }
    return hoist(std::move(td), at);
  }

  /// externtype (Explainer.md) with bind-id: `(sort $id? ...)`; sets f.ext and f.id.
  void externtype(Field& f) {
    c_.expect_lparen();
    const Token& at = c_.peek();
    if (c_.take_keyword("core")) {
      c_.expect_keyword("module");
      f.id = opt_id();
      f.ext.space = Space::CoreModule;
      f.ext.type = typeuse(TypeDef::Kind::CoreModule, false);
    } else if (c_.take_keyword("func")) {
      f.id = opt_id();
      f.ext.space = Space::Func;
      f.ext.type = typeuse(TypeDef::Kind::Func, false);
    } else if (c_.take_keyword("component")) {
      f.id = opt_id();
      f.ext.space = Space::Component;
      f.ext.type = typeuse(TypeDef::Kind::Component, true);
    } else if (c_.take_keyword("instance")) {
      f.id = opt_id();
      f.ext.space = Space::Instance;
      f.ext.type = typeuse(TypeDef::Kind::Instance, false);
    } else if (c_.take_keyword("type")) {
      f.id = opt_id();
      f.ext.space = Space::Type;
      if (c_.take_field("eq")) {
        f.ext.type = idx();
      } else if (c_.take_field("sub")) {
        c_.expect_keyword("resource");
        f.ext.sub_resource = true;
      } else {
        c_.unexpected();
      }
      c_.expect_rparen();
    } else if (c_.at_keyword("value")) {
      unsupported(at, "value imports and exports");
    } else {
      c_.unexpected();
    }
    c_.expect_rparen();
  }

  // ---- component and instance type declarators (Explainer.md: componentdecl, instancedecl) --

  std::vector<Field> decls(bool component_type) {
    Ctx ctx;
    Ctx* saved = ctx_;
    ctx_ = &ctx;
    std::vector<Field> out;
    while (c_.at(TokenKind::LParen)) {
      const Token& at = c_.peek(1);
      Field f;
      if (c_.at_field("core")) {
        c_.next();
        c_.next();
        if (!c_.take_keyword("type")) c_.unexpected();
        f = core_type(at);
      } else if (c_.take_field("type")) {
        f = type_def(at);
      } else if (c_.take_field("alias")) {
        f = alias(at);
      } else if ((component_type && c_.at_field("import")) || c_.at_field("export")) {
        bool is_import = c_.at_keyword("import", 1);
        c_.next();
        c_.next();
        f = start_field(is_import ? Field::Kind::Import : Field::Kind::Export, at);
        f.name = c_.name();
        attributes(f.attributes, f.has_attributes);
        externtype(f);
        f.has_ext = true;
        c_.expect_rparen();
      } else {
        c_.fail(c_.peek(1), "expected a type declarator");
      }
      flush(out);
      out.push_back(std::move(f));
    }
    ctx_ = saved;
    return out;
  }

  // ---- core types (Binary.md: core:type, core:moduletype) -------------------------------

  void core_functype(TypeDef& td) {
    td.kind = TypeDef::Kind::CoreFunc;
    while (c_.take_field("param")) {
      if (c_.at(TokenKind::Id)) c_.next();
      while (!c_.at(TokenKind::RParen)) td.core_params.push_back(core_valtype());
      c_.expect_rparen();
    }
    while (c_.take_field("result")) {
      while (!c_.at(TokenKind::RParen)) td.core_results.push_back(core_valtype());
      c_.expect_rparen();
    }
  }
  uint8_t core_valtype() {
    if (c_.at_field("ref")) unsupported(c_.peek(1), "typed references in core types");
    return static_cast<uint8_t>(c_.valtype());
  }

  /// After `(core type`.
  Field core_type(const Token& at) {
    Field f = start_field(Field::Kind::CoreType, at);
    f.id = opt_id();
    if (c_.take_field("func")) {
      core_functype(f.type);
    } else if (c_.take_field("module")) {
      f.type.kind = TypeDef::Kind::CoreModule;
      f.type.decls = module_decls();
    } else {
      if (c_.at_field("sub") || c_.at_field("rec") || c_.at_field("struct") || c_.at_field("array"))
        unsupported(c_.peek(1), "GC core types");
      c_.unexpected();
    }
    c_.expect_rparen();
    c_.expect_rparen();
    return f;
  }

  /// core:moduledecl* up to `)`; inline function type uses reuse an equal `(type (func))`
  /// declared before or become a new one (Explainer.md: core:moduletype; wasm-tools' order).
  std::vector<Field> module_decls() {
    std::vector<Field> out;
    std::map<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>, std::string> func_types;
    while (c_.at(TokenKind::LParen)) {
      const Token& at = c_.peek(1);
      std::vector<Field> pre;
      Field f;
      if (c_.take_field("type")) {
        f = start_field(Field::Kind::CoreType, at);
        f.id = opt_id();
        if (!c_.take_field("func")) c_.unexpected();
        core_functype(f.type);
        c_.expect_rparen();
        c_.expect_rparen();
        if (f.id.empty()) f.id = gensym();
        func_types[std::make_pair(f.type.core_params, f.type.core_results)] = f.id;
      } else if (c_.take_field("alias")) {
        f = start_field(Field::Kind::Alias, at);
        c_.expect_keyword("outer");
        f.alias_kind = 0x02;
        f.outer = idx();
        f.index = idx();
        c_.expect_lparen();
        c_.expect_keyword("type");
        f.space = Space::CoreType;
        f.id = opt_id();
        c_.expect_rparen();
        c_.expect_rparen();
      } else if (c_.at_field("import") || c_.at_field("export")) {
        bool is_import = c_.at_keyword("import", 1);
        c_.next();
        c_.next();
        f = start_field(is_import ? Field::Kind::Import : Field::Kind::Export, at);
        f.name = c_.name();
        if (is_import) f.name2 = c_.name();
        core_externtype(f, pre, func_types);
        c_.expect_rparen();
      } else {
        c_.fail(at, "expected a module type declarator");
      }
      for (Field& p : pre) out.push_back(std::move(p));
      out.push_back(std::move(f));
    }
    return out;
  }

  void core_limits(std::vector<uint8_t>& out) {
    uint64_t min = c_.u64();
    if (c_.at_nat()) {
      uint64_t max = c_.u64();
      out.push_back(0x01);
      shard::text::put_u32(out, min);
      shard::text::put_u32(out, max);
    } else {
      out.push_back(0x00);
      shard::text::put_u32(out, min);
    }
  }

  /// core:externtype (core text/types.rst) with bind-id; function types by type use.
  void core_externtype(Field& f, std::vector<Field>& pre,
                       std::map<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>, std::string>& func_types) {
    c_.expect_lparen();
    const Token& at = c_.peek();
    auto& d = f.ext.core_desc;
    if (c_.take_keyword("func") || c_.take_keyword("tag")) {
      f.ext.space = at.text == "func" ? Space::CoreFunc : Space::CoreTag;
      f.id = opt_id();
      if (c_.take_field("type")) {
        f.ext.type = idx();
        c_.expect_rparen();
        // Inline params after (type x) must agree; the encoder trusts the index.
        TypeDef ignored;
        core_functype(ignored);
      } else {
        TypeDef td;
        core_functype(td);
        // Only explicit `(type (func))` declarators are reused, not earlier inline ones
        // (wasm-tools' expansion of module types).
        auto it = func_types.find(std::make_pair(td.core_params, td.core_results));
        if (it != func_types.end()) {
          f.ext.type = ref_to(it->second);
        } else {
          Field t = start_field(Field::Kind::CoreType, at);
          t.id = gensym();
          t.type = std::move(td);
          f.ext.type = ref_to(t.id);
          pre.push_back(std::move(t));
        }
      }
    } else if (c_.take_keyword("table")) {
      f.ext.space = Space::CoreTable;
      f.id = opt_id();
      std::vector<uint8_t> lim;
      core_limits(lim);
      d.push_back(static_cast<uint8_t>(c_.reftype()));
      d.insert(d.end(), lim.begin(), lim.end());
    } else if (c_.take_keyword("memory")) {
      f.ext.space = Space::CoreMemory;
      f.id = opt_id();
      core_limits(d);
    } else if (c_.take_keyword("global")) {
      f.ext.space = Space::CoreGlobal;
      f.id = opt_id();
      if (c_.take_field("mut")) {
        d.push_back(core_valtype());
        d.push_back(0x01);
        c_.expect_rparen();
      } else {
        d.push_back(core_valtype());
        d.push_back(0x00);
      }
    } else {
      c_.unexpected();
    }
    c_.expect_rparen();
  }

  // ---- definitions (Explainer.md: definition) -------------------------------------------

  /// After `(type`.
  Field type_def(const Token& at) {
    Field f = start_field(Field::Kind::Type, at);
    f.id = opt_id();
    inline_exports(f, Space::Type);
    if (!inverted_alias(f, Space::Type)) f.type = deftype();
    c_.expect_rparen();
    return f;
  }

  /// After `(alias`: export / core export / outer.
  Field alias(const Token& at) {
    Field f = start_field(Field::Kind::Alias, at);
    if (c_.take_keyword("export")) {
      f.alias_kind = 0x00;
      f.instance = idx();
      f.name = c_.name();
    } else if (c_.take_keyword("core")) {
      c_.expect_keyword("export");
      f.alias_kind = 0x01;
      f.instance = idx();
      f.name = c_.name();
    } else if (c_.take_keyword("outer")) {
      f.alias_kind = 0x02;
      f.outer = idx();
      f.index = idx();
    } else {
      c_.unexpected();
    }
    c_.expect_lparen();
    f.space = sort();
    if (f.alias_kind == 0x01 && !is_core(f.space)) c_.fail(at, "core export aliases define core items");
    f.id = opt_id();
    c_.expect_rparen();
    c_.expect_rparen();
    return f;
  }

  /// `(alias export $i "n")` / `(alias core export $i "n")` in the inverted alias form.
  bool inverted_alias(Field& f, Space space) {
    if (!c_.at_field("alias")) return false;
    // An alias definition inside a nested component ends with its `(sort ...)`; this form has none.
    for (size_t k = 2; !c_.at(TokenKind::RParen, k); ++k) {
      if (c_.at(TokenKind::LParen, k) || c_.at(TokenKind::Eof, k)) return false;
    }
    c_.next();
    c_.next();
    f.kind = Field::Kind::Alias;
    f.space = space;
    if (c_.take_keyword("core")) {
      f.alias_kind = 0x01;
    } else {
      f.alias_kind = 0x00;
    }
    if (c_.take_keyword("outer")) {
      f.alias_kind = 0x02;
      f.outer = idx();
      f.index = idx();
    } else {
      c_.expect_keyword("export");
      f.instance = idx();
      f.name = c_.name();
    }
    c_.expect_rparen();
    return true;
  }

  void canon_opts(Field& f) {
    for (;;) {
      if (c_.at(TokenKind::Keyword)) {
        const Token& t = c_.peek();
        if (t.text == "string-encoding=utf8") {
          f.opts.push_back({0x00, {}});
        } else if (t.text == "string-encoding=utf16") {
          f.opts.push_back({0x01, {}});
        } else if (t.text == "string-encoding=latin1+utf16") {
          f.opts.push_back({0x02, {}});
        } else if (t.text == "async") {
          unsupported(t, "async canonical options");
        } else {
          return;
        }
        c_.next();
        continue;
      }
      if (!c_.at(TokenKind::LParen)) return;
      uint8_t code;
      Space space = Space::CoreFunc;
      if (c_.at_field("memory")) {
        code = 0x03;
        space = Space::CoreMemory;
      } else if (c_.at_field("realloc")) {
        code = 0x04;
      } else if (c_.at_field("post-return")) {
        code = 0x05;
      } else if (c_.at_field("callback")) {
        unsupported(c_.peek(1), "async callbacks");
      } else {
        return;
      }
      c_.next();
      c_.next();
      f.opts.push_back({code, idx_of(space)});
      c_.expect_rparen();
    }
  }

  /// After `(canon`: the canonical definition, defining `core func` unless it is `lift`.
  void canon(Field& f) {
    f.kind = Field::Kind::Canon;
    const Token& op = c_.peek();
    if (!c_.at(TokenKind::Keyword)) c_.unexpected();
    c_.next();
    if (op.text == "lift") {
      f.canon_op = 0x00;
      f.space = Space::Func;
      f.func = idx_of(Space::CoreFunc);
      canon_opts(f);
    } else if (op.text == "lower") {
      f.canon_op = 0x01;
      f.space = Space::CoreFunc;
      f.func = idx_of(Space::Func);
      canon_opts(f);
    } else if (op.text == "resource.new" || op.text == "resource.drop" || op.text == "resource.rep") {
      f.canon_op = op.text == "resource.new" ? 0x02 : op.text == "resource.drop" ? 0x03 : 0x04;
      f.space = Space::CoreFunc;
      f.func = idx_of(Space::Type);
    } else if (is_later_builtin(op.text)) {
      unsupported(op, fmt::format("canon {}", op.text));
    } else {
      c_.fail(op, fmt::format("unknown canonical definition {}", op.text));
    }
  }

  /// After `(canon` at component level: lift/lower with the defined item written last.
  Field canon_def(const Token& at) {
    Field f = start_field(Field::Kind::Canon, at);
    canon(f);
    c_.expect_lparen();
    if (f.canon_op == 0x00) {
      c_.expect_keyword("func");
      f.id = opt_id();
      f.func_type = typeuse(TypeDef::Kind::Func, false);
    } else {
      c_.expect_keyword("core");
      c_.expect_keyword("func");
      f.id = opt_id();
    }
    c_.expect_rparen();
    c_.expect_rparen();
    return f;
  }

  /// After `(func`.
  Field func_def(const Token& at) {
    Field f = start_field(Field::Kind::Canon, at);
    f.id = opt_id();
    inline_exports(f, Space::Func);
    if (inline_import(f)) {
      f.ext.space = Space::Func;
      f.ext.type = typeuse(TypeDef::Kind::Func, false);
    } else if (!inverted_alias(f, Space::Func)) {
      Ref ty = typeuse(TypeDef::Kind::Func, false);
      if (!c_.take_field("canon")) c_.unexpected();
      canon(f);
      if (f.canon_op != 0x00) c_.fail(at, "expected canon lift");
      f.func_type = ty;
      c_.expect_rparen();
    }
    c_.expect_rparen();
    return f;
  }

  /// After `(core func`.
  Field core_func_def(const Token& at) {
    Field f = start_field(Field::Kind::Canon, at);
    f.id = opt_id();
    if (!inverted_alias(f, Space::CoreFunc)) {
      if (!c_.take_field("canon")) c_.unexpected();
      canon(f);
      if (f.canon_op == 0x00) c_.fail(at, "canon lift defines a component function");
      c_.expect_rparen();
    }
    c_.expect_rparen();
    return f;
  }

  /// After `(core module`.
  Field core_module(const Token& at) {
    Field f = start_field(Field::Kind::CoreModule, at);
    f.id = opt_id();
    inline_exports(f, Space::CoreModule);
    if (inline_import(f)) {
      f.ext.space = Space::CoreModule;
      f.ext.type = typeuse(TypeDef::Kind::CoreModule, false);
    } else if (!inverted_alias(f, Space::CoreModule)) {
      // Core modules reuse the core text encoder unchanged (Explainer.md: Component Definitions).
      f.module_bytes = shard::text::encode_module_fields(c_);
    }
    c_.expect_rparen();
    return f;
  }

  /// After `(core instance`.
  Field core_instance(const Token& at) {
    Field f = start_field(Field::Kind::CoreInstance, at);
    f.id = opt_id();
    if (c_.take_field("instantiate")) {
      f.instantiate = true;
      f.target = idx_of(Space::CoreModule);
      while (c_.take_field("with")) {
        NamedItem arg;
        arg.name = c_.name();
        c_.expect_lparen();
        c_.expect_keyword("instance");
        arg.item.space = Space::CoreInstance;
        if (at_idx()) {
          arg.item.ref = sortidx_rest();
        } else {
          // (with "n" (instance (export ...)*)): an out-of-line bundle before this instance.
          const Token& bat = c_.peek();
          Field b = start_field(Field::Kind::CoreInstance, bat);
          b.id = gensym();
          core_bundle(b);
          c_.expect_rparen();
          arg.item.ref = ref_to(b.id);
          ctx_->bundles.push_back(std::move(b));
        }
        f.items.push_back(std::move(arg));
        c_.expect_rparen();
      }
      c_.expect_rparen();
    } else if (!inverted_alias(f, Space::CoreInstance)) {
      core_bundle(f);
    }
    c_.expect_rparen();
    return f;
  }
  void core_bundle(Field& f) {
    while (c_.take_field("export")) {
      NamedItem e;
      e.name = c_.name();
      c_.expect_lparen();
      e.item.space = core_sort();
      e.item.ref = sortidx_rest();
      f.items.push_back(std::move(e));
      c_.expect_rparen();
    }
  }

  /// After `(instance`.
  Field instance(const Token& at) {
    Field f = start_field(Field::Kind::Instance, at);
    f.id = opt_id();
    inline_exports(f, Space::Instance);
    if (inline_import(f)) {
      f.ext.space = Space::Instance;
      f.ext.type = typeuse(TypeDef::Kind::Instance, false);
    } else if (c_.take_field("instantiate")) {
      f.instantiate = true;
      f.target = idx_of(Space::Component);
      while (c_.take_field("with")) {
        NamedItem arg;
        arg.name = c_.name();
        if (c_.at_field("instance") && !at_idx(2)) {
          const Token& bat = c_.peek(1);
          c_.next();
          c_.next();
          Field b = start_field(Field::Kind::Instance, bat);
          b.id = gensym();
          bundle(b);
          c_.expect_rparen();
          arg.item.space = Space::Instance;
          arg.item.ref = ref_to(b.id);
          ctx_->bundles.push_back(std::move(b));
        } else {
          arg.item = externidx();
        }
        f.items.push_back(std::move(arg));
        c_.expect_rparen();
      }
      c_.expect_rparen();
    } else if (!inverted_alias(f, Space::Instance)) {
      bundle(f);
    }
    c_.expect_rparen();
    return f;
  }
  void bundle(Field& f) {
    while (c_.take_field("export")) {
      NamedItem e;
      e.name = c_.name();
      attributes(e.attributes, e.has_attributes);
      e.item = externidx();
      f.items.push_back(std::move(e));
      c_.expect_rparen();
    }
  }

  /// After `(component` (nested).
  Field nested_component(const Token& at) {
    Field f = start_field(Field::Kind::Component, at);
    f.id = opt_id();
    inline_exports(f, Space::Component);
    if (inline_import(f)) {
      f.ext.space = Space::Component;
      f.ext.type = typeuse(TypeDef::Kind::Component, true);
    } else if (!inverted_alias(f, Space::Component)) {
      Parser nested(c_);
      nested.gensym_ = gensym_;
      f.fields = nested.component_fields();
      gensym_ = nested.gensym_;
    }
    c_.expect_rparen();
    return f;
  }

  /// After `(export`.
  Field export_def(const Token& at) {
    Field f = start_field(Field::Kind::Export, at);
    f.id = opt_id();
    f.name = c_.name();
    attributes(f.attributes, f.has_attributes);
    f.item = externidx();
    if (c_.at(TokenKind::LParen)) {
      Field ascribed;
      externtype(ascribed);
      f.ext = ascribed.ext;
      f.has_ext = true;
    }
    c_.expect_rparen();
    return f;
  }

  Field definition() {
    c_.expect_lparen();
    const Token& at = c_.peek();
    if (!c_.at(TokenKind::Keyword)) c_.unexpected();
    std::string_view kw = c_.next().text;
    if (kw == "core") {
      const Token& what = c_.peek();
      if (c_.take_keyword("module")) return core_module(at);
      if (c_.take_keyword("instance")) return core_instance(at);
      if (c_.take_keyword("type")) return core_type(at);
      if (c_.take_keyword("func")) return core_func_def(at);
      if (c_.at_keyword("rec")) unsupported(what, "GC core types");
      c_.unexpected();
    }
    if (kw == "component") return nested_component(at);
    if (kw == "instance") return instance(at);
    if (kw == "alias") return alias(at);
    if (kw == "type") return type_def(at);
    if (kw == "canon") return canon_def(at);
    if (kw == "func") return func_def(at);
    if (kw == "import") {
      Field f = start_field(Field::Kind::Import, at);
      f.name = c_.name();
      attributes(f.attributes, f.has_attributes);
      externtype(f);
      c_.expect_rparen();
      return f;
    }
    if (kw == "export") return export_def(at);
    if (kw == "start") unsupported(at, "component start functions");
    if (kw == "value") unsupported(at, "value definitions");
    c_.fail(at, fmt::format("unexpected component definition {}", kw));
  }
};

}  // namespace

std::vector<Field> parse_component_fields(Cursor& c) { return Parser(c).component_fields(); }

}  // namespace shard::component::text
