#include "component/wit/parser.h"

#include <fmt/format.h>

#include "component/wit/lexer.h"

namespace shard::wit {

namespace {

using ast::Span;

// Errors inside the parser are carried out by an exception-free early return: every parse
// function returns bool and leaves the first error in `error_`.
class Parser {
 public:
  Parser(std::string_view path, uint32_t file, std::vector<Token> toks)
      : path_(path), file_(file), toks_(std::move(toks)) {}

  Result<ast::File> run() {
    ast::File f;
    if (!parse_file(f)) return std::move(*error_);
    return f;
  }

 private:
  // ---- token helpers -------------------------------------------------------------------
  const Token& cur() const { return toks_[pos_]; }
  const Token& ahead(size_t n) const { return toks_[std::min(pos_ + n, toks_.size() - 1)]; }
  Span span() const { return Span{file_, cur().line, cur().column}; }
  Span span_of(const Token& t) const { return Span{file_, t.line, t.column}; }
  void bump() {
    if (cur().kind != Tok::Eof) ++pos_;
  }
  bool at(Tok k) const { return cur().kind == k; }
  bool at_kw(std::string_view kw) const { return cur().kind == Tok::Id && !cur().explicit_id && cur().text == kw; }
  bool eat(Tok k) {
    if (!at(k)) return false;
    bump();
    return true;
  }
  bool eat_kw(std::string_view kw) {
    if (!at_kw(kw)) return false;
    bump();
    return true;
  }

  bool fail_at(const Token& t, std::string msg, ErrorKind kind = ErrorKind::Malformed) {
    if (!error_) error_ = wit_error(kind, path_, t.line, t.column, msg);
    return false;
  }
  bool fail(std::string msg, ErrorKind kind = ErrorKind::Malformed) { return fail_at(cur(), std::move(msg), kind); }
  std::string found() const {
    if (cur().kind == Tok::Id) return fmt::format("`{}`", cur().text);
    if (cur().kind == Tok::Number) return fmt::format("`{}`", cur().text);
    return to_string(cur().kind);
  }
  bool expect(Tok k, std::string_view context = {}) {
    if (eat(k)) return true;
    return fail(fmt::format("expected {}{}{}, found {}", to_string(k), context.empty() ? "" : " ", context, found()));
  }
  bool expect_kw(std::string_view kw) {
    if (eat_kw(kw)) return true;
    return fail(fmt::format("expected `{}`, found {}", kw, found()));
  }
  // WIT.md "WIT Identifiers": keywords are only identifiers when written with `%`.
  bool ident(ast::Ident& out) {
    if (!at(Tok::Id)) return fail(fmt::format("expected an identifier, found {}", found()));
    if (!cur().explicit_id && is_keyword(cur().text))
      return fail(fmt::format("expected an identifier, found keyword `{}` (write `%{}` to use it as a name)",
                              cur().text, cur().text));
    out.name = std::string(cur().text);
    out.span = span();
    bump();
    return true;
  }
  bool version(std::string& out) {
    if (!at(Tok::Number) || !is_semver(cur().text))
      return fail(fmt::format("expected a semver version like `1.2.3`, found {}", found()));
    out = std::string(cur().text);
    bump();
    return true;
  }
  std::string take_docs() {
    std::string d = std::move(toks_[pos_].docs);
    toks_[pos_].docs.clear();
    return d;
  }

  // ---- items ---------------------------------------------------------------------------
  // WIT.md "Feature gate syntax": gate ::= gate-item*, documentation may come before them.
  bool gates(std::string& docs, Gate& gate) {
    docs = take_docs();
    while (at(Tok::At)) {
      const Token& at_tok = cur();
      bump();
      if (!at(Tok::Id)) return fail(fmt::format("expected a gate name after `@`, found {}", found()));
      std::string_view name = cur().text;
      if (name == "external-id")
        return fail_at(at_tok, "`@external-id` is not supported (post-0.2 WIT)", ErrorKind::Unsupported);
      bump();
      if (!expect(Tok::LParen)) return false;
      std::string* slot = nullptr;
      if (name == "since") slot = &gate.since;
      else if (name == "deprecated") slot = &gate.deprecated;
      else if (name == "unstable") slot = &gate.unstable;
      else return fail_at(at_tok, fmt::format("unknown feature gate `@{}` (expected @since, @unstable or @deprecated)", name));
      if (!slot->empty()) return fail_at(at_tok, fmt::format("duplicate `@{}` gate", name));
      if (name == "unstable") {
        ast::Ident feature;
        if (!expect_kw("feature") || !expect(Tok::Equals) || !ident(feature)) return false;
        *slot = feature.name;
      } else {
        if (!expect_kw("version") || !expect(Tok::Equals) || !version(*slot)) return false;
      }
      if (!expect(Tok::RParen)) return false;
      // WIT.md "Rules for feature gate usage": @since or @unstable, not both.
      if (!gate.since.empty() && !gate.unstable.empty())
        return fail_at(at_tok, "an item cannot be both `@since` and `@unstable`");
      std::string more = take_docs();
      if (!more.empty()) docs += (docs.empty() ? "" : "\n") + more;
    }
    return true;
  }

  bool parse_file(ast::File& f) {
    f.top.span = Span{file_, 1, 1};
    std::string docs = take_docs();
    // WIT.md "Top-level items": (package-decl ';')? (package-items | nested-package-definition)*
    if (at_kw("package")) {
      ast::PackageDecl decl;
      decl.docs = std::move(docs);
      if (!package_decl(decl)) return false;
      if (at(Tok::LBrace)) {
        ast::Scope nested;
        nested.package = std::move(decl);
        if (!nested_package(nested)) return false;
        f.nested.push_back(std::move(nested));
      } else {
        if (!expect(Tok::Semicolon, "after the package declaration")) return false;
        f.top.package = std::move(decl);
      }
    } else if (!docs.empty()) {
      toks_[pos_].docs = std::move(docs);
    }
    while (!at(Tok::Eof)) {
      if (at_kw("package")) {
        ast::Scope nested;
        nested.package.emplace();
        nested.package->docs = take_docs();
        if (!package_decl(*nested.package)) return false;
        if (!at(Tok::LBrace))
          return fail("a `package` declaration must be the first item of a file (or be followed by `{`)");
        if (!nested_package(nested)) return false;
        f.nested.push_back(std::move(nested));
        continue;
      }
      if (!package_item(f.top)) return false;
    }
    return true;
  }

  bool nested_package(ast::Scope& scope) {
    scope.span = scope.package->span;
    if (!expect(Tok::LBrace)) return false;
    while (!eat(Tok::RBrace)) {
      if (at(Tok::Eof)) return fail("expected `}` to close the package");
      if (!package_item(scope)) return false;
    }
    return true;
  }

  // WIT.md "Package declaration": package-decl ::= 'package' (id ':')+ id ('/' id)* ('@' semver)?
  bool package_decl(ast::PackageDecl& decl) {
    decl.span = span();
    if (!expect_kw("package")) return false;
    ast::Ident ns, name;
    if (!ident(ns) || !expect(Tok::Colon) || !ident(name)) return false;
    if (at(Tok::Colon) || at(Tok::Slash))
      return fail("nested namespaces and packages are not supported", ErrorKind::Unsupported);
    decl.name.ns = ns.name;
    decl.name.name = name.name;
    if (eat(Tok::At) && !version(decl.name.version)) return false;
    return true;
  }

  bool package_item(ast::Scope& scope) {
    std::string docs;
    Gate gate;
    if (!gates(docs, gate)) return false;
    if (at_kw("use")) {
      bump();
      ast::TopUse u;
      u.gate = std::move(gate);
      if (!use_path(u.path)) return false;
      if (eat_kw("as")) {
        if (!ident(u.as)) return false;
      } else {
        u.as = u.path.name;
      }
      if (!expect(Tok::Semicolon)) return false;
      scope.uses.push_back(std::move(u));
      return true;
    }
    if (at_kw("interface")) {
      bump();
      ast::InterfaceDecl i;
      i.docs = std::move(docs);
      i.gate = std::move(gate);
      if (!ident(i.name) || !interface_body(i)) return false;
      scope.interfaces.push_back(std::move(i));
      return true;
    }
    if (at_kw("world")) {
      bump();
      ast::WorldDecl w;
      w.docs = std::move(docs);
      w.gate = std::move(gate);
      if (!ident(w.name) || !world_body(w)) return false;
      scope.worlds.push_back(std::move(w));
      return true;
    }
    return fail(fmt::format("expected `interface`, `world`, `use` or `package`, found {}", found()));
  }

  // WIT.md "Item: toplevel-use": use-path ::= id | id ':' id '/' id ('@' valid-semver)?
  bool use_path(ast::UsePath& p) {
    p.span = span();
    ast::Ident first;
    if (!ident(first)) return false;
    if (!at(Tok::Colon)) {
      p.name = std::move(first);
      return true;
    }
    bump();
    ast::Ident pkg;
    if (!ident(pkg)) return false;
    if (at(Tok::Colon)) return fail("nested namespaces and packages are not supported", ErrorKind::Unsupported);
    if (!at(Tok::Slash))
      return fail(fmt::format("expected `/` and an interface or world name after `{}:{}`, found {}", first.name,
                              pkg.name, found()));
    bump();
    if (!ident(p.name)) return false;
    if (at(Tok::Slash)) return fail("nested namespaces and packages are not supported", ErrorKind::Unsupported);
    p.package.emplace();
    p.package->ns = first.name;
    p.package->name = pkg.name;
    if (eat(Tok::At) && !version(p.package->version)) return false;
    return true;
  }

  bool interface_body(ast::InterfaceDecl& i) {
    if (!expect(Tok::LBrace)) return false;
    while (!eat(Tok::RBrace)) {
      if (at(Tok::Eof)) return fail("expected `}` to close the interface");
      ast::InterfaceItem item;
      if (!interface_item(item)) return false;
      i.items.push_back(std::move(item));
    }
    return true;
  }

  // WIT.md "Item: interface": interface-items ::= gate interface-definition
  bool interface_item(ast::InterfaceItem& item) {
    std::string docs;
    Gate gate;
    if (!gates(docs, gate)) return false;
    if (at_kw("use")) {
      item.kind = ast::InterfaceItem::Kind::Use;
      item.use.docs = std::move(docs);
      item.use.gate = std::move(gate);
      return use_item(item.use);
    }
    if (is_typedef_start()) {
      item.kind = ast::InterfaceItem::Kind::Type;
      item.type.docs = std::move(docs);
      item.type.gate = std::move(gate);
      return typedef_item(item.type);
    }
    item.kind = ast::InterfaceItem::Kind::Func;
    item.func.docs = std::move(docs);
    item.func.gate = std::move(gate);
    if (!at(Tok::Id))
      return fail(fmt::format("expected a type, function or `use` definition, found {}", found()));
    if (!ident(item.func.name) || !expect(Tok::Colon)) return false;
    if (!func_type(item.func) || !expect(Tok::Semicolon)) return false;
    return true;
  }

  bool is_typedef_start() const {
    return at_kw("type") || at_kw("record") || at_kw("variant") || at_kw("enum") || at_kw("flags") ||
           at_kw("resource");
  }

  // WIT.md "Item: use": use-item ::= 'use' use-path '.' '{' use-names-list '}' ';'
  bool use_item(ast::Use& u) {
    if (!expect_kw("use") || !use_path(u.path)) return false;
    if (!expect(Tok::Dot, "and `{` listing the names to use")) return false;
    if (!expect(Tok::LBrace)) return false;
    do {
      if (at(Tok::RBrace) && !u.names.empty()) break;  // a trailing comma
      ast::UseName n;
      n.docs = take_docs();
      if (!ident(n.name)) return false;
      if (eat_kw("as")) {
        n.as.emplace();
        if (!ident(*n.as)) return false;
      }
      u.names.push_back(std::move(n));
    } while (eat(Tok::Comma));
    return expect(Tok::RBrace) && expect(Tok::Semicolon);
  }

  // WIT.md "Items: type".
  bool typedef_item(ast::TypeDecl& t) {
    std::string_view kw = cur().text;
    bump();
    if (!ident(t.name)) return false;
    if (kw == "type") {
      t.kind = ast::TypeDeclKind::Alias;
      return expect(Tok::Equals) && type(t.alias) && expect(Tok::Semicolon);
    }
    if (kw == "resource") {
      t.kind = ast::TypeDeclKind::Resource;
      if (eat(Tok::Semicolon)) return true;
      if (!expect(Tok::LBrace)) return false;
      while (!eat(Tok::RBrace)) {
        if (at(Tok::Eof)) return fail("expected `}` to close the resource");
        ast::Func f;
        if (!resource_method(f)) return false;
        t.methods.push_back(std::move(f));
      }
      return true;
    }
    bool record = kw == "record";
    t.kind = record ? ast::TypeDeclKind::Record
             : kw == "variant" ? ast::TypeDeclKind::Variant
             : kw == "enum" ? ast::TypeDeclKind::Enum
                             : ast::TypeDeclKind::Flags;
    if (!expect(Tok::LBrace)) return false;
    // record-fields / variant-cases / enum-cases / flags-fields: at least one, trailing comma ok.
    while (!at(Tok::RBrace)) {
      ast::Case c;
      c.docs = take_docs();
      if (!ident(c.name)) return false;
      if (record) {
        c.type.emplace();
        if (!expect(Tok::Colon) || !type(*c.type)) return false;
      } else if (t.kind == ast::TypeDeclKind::Variant && eat(Tok::LParen)) {
        c.type.emplace();
        if (!type(*c.type) || !expect(Tok::RParen)) return false;
      }
      t.cases.push_back(std::move(c));
      if (!eat(Tok::Comma)) break;
    }
    if (!at(Tok::RBrace)) return expect(Tok::RBrace);
    if (t.cases.empty())
      return fail(fmt::format("{} `{}` must have at least one {}", kw, t.name.name, record ? "field" : kw == "flags" ? "flag" : "case"));
    bump();
    return true;
  }

  // WIT.md "Item: resource": resource-method ::= func-item | id ':' 'static' func-type ';'
  //                                            | 'constructor' param-list ';'
  bool resource_method(ast::Func& f) {
    if (!gates(f.docs, f.gate)) return false;
    if (at_kw("constructor")) {
      f.kind = ast::FuncKind::Constructor;
      f.name.name = "constructor";
      f.name.span = span();
      bump();
      if (!params(f)) return false;
      // WIT.md: fallible constructors write `-> result<r, ...>`; checked when resolving.
      if (eat(Tok::Arrow)) {
        f.result.emplace();
        if (!type(*f.result)) return false;
      }
      return expect(Tok::Semicolon);
    }
    if (!ident(f.name) || !expect(Tok::Colon)) return false;
    f.kind = eat_kw("static") ? ast::FuncKind::Static : ast::FuncKind::Method;
    return func_type(f) && expect(Tok::Semicolon);
  }

  // func-type ::= 'async'? 'func' param-list result-list
  bool func_type(ast::Func& f) {
    if (at_kw("async"))
      return fail("`async` functions are not supported (post-0.2 WIT; this parser reads WIT 0.2)",
                  ErrorKind::Unsupported);
    if (!at_kw("func")) return fail(fmt::format("expected `func`, found {}", found()));
    bump();
    if (!params(f)) return false;
    if (eat(Tok::Arrow)) {
      if (at(Tok::LParen))
        return fail("named results `-> (a: t, ...)` are no longer WIT; return a tuple or record");
      f.result.emplace();
      if (!type(*f.result)) return false;
    }
    return true;
  }

  bool params(ast::Func& f) {
    if (!expect(Tok::LParen)) return false;
    while (!at(Tok::RParen)) {
      ast::NamedType p;
      if (!ident(p.name) || !expect(Tok::Colon) || !type(p.type)) return false;
      f.params.push_back(std::move(p));
      if (!eat(Tok::Comma)) break;
    }
    return expect(Tok::RParen);
  }

  // WIT.md "Types": ty.
  bool type(ast::Type& t) {
    t.span = span();
    // Types nest (list<list<...>>); bound the recursion on hostile input.
    if (type_depth_ >= kMaxTypeDepth) return fail("types nest too deeply");
    ++type_depth_;
    bool ok = type_inner(t);
    --type_depth_;
    return ok;
  }

  bool type_inner(ast::Type& t) {
    if (!at(Tok::Id)) return fail(fmt::format("expected a type, found {}", found()));
    if (cur().explicit_id || !is_keyword(cur().text)) {
      t.kind = ast::TypeKind::Named;
      return ident(t.name);
    }
    std::string_view kw = cur().text;
    static constexpr std::pair<std::string_view, wit::Type::Kind> kPrims[] = {
        {"bool", wit::Type::Kind::Bool}, {"u8", wit::Type::Kind::U8},     {"u16", wit::Type::Kind::U16},
        {"u32", wit::Type::Kind::U32},   {"u64", wit::Type::Kind::U64},   {"s8", wit::Type::Kind::S8},
        {"s16", wit::Type::Kind::S16},   {"s32", wit::Type::Kind::S32},   {"s64", wit::Type::Kind::S64},
        {"f32", wit::Type::Kind::F32},   {"f64", wit::Type::Kind::F64},   {"char", wit::Type::Kind::Char},
        {"string", wit::Type::Kind::String}};
    for (auto& [name, k] : kPrims) {
      if (kw == name) {
        bump();
        t.kind = ast::TypeKind::Prim;
        t.prim = k;
        return true;
      }
    }
    if (kw == "future" || kw == "stream" || kw == "map")
      return fail(fmt::format("`{}` types are not supported (post-0.2 WIT)", kw), ErrorKind::Unsupported);
    if (kw == "own" || kw == "borrow") {
      bump();
      t.kind = kw == "own" ? ast::TypeKind::Own : ast::TypeKind::Borrow;
      return expect(Tok::LAngle) && ident(t.name) && expect(Tok::RAngle);
    }
    if (kw == "list" || kw == "option") {
      bump();
      t.kind = kw == "list" ? ast::TypeKind::List : ast::TypeKind::Option;
      t.args.emplace_back();
      if (!expect(Tok::LAngle) || !type(t.args[0])) return false;
      if (t.kind == ast::TypeKind::List && eat(Tok::Comma)) {
        // 🔧 fixed-length lists: list<T, N> with N >= 1.
        if (!at(Tok::Number) || cur().text.find('.') != std::string_view::npos || cur().text[0] == '0' ||
            cur().text.size() > 9)
          return fail(fmt::format("expected a list length (a positive integer), found {}", found()));
        t.list_length = static_cast<uint32_t>(std::stoul(std::string(cur().text)));
        bump();
      }
      return expect(Tok::RAngle);
    }
    if (kw == "tuple") {
      bump();
      t.kind = ast::TypeKind::Tuple;
      if (!expect(Tok::LAngle)) return false;
      do {
        if (at(Tok::RAngle) && !t.args.empty()) break;
        t.args.emplace_back();
        if (!type(t.args.back())) return false;
      } while (eat(Tok::Comma));
      return expect(Tok::RAngle);
    }
    if (kw == "result") {
      bump();
      t.kind = ast::TypeKind::Result;
      if (!eat(Tok::LAngle)) return true;  // bare `result`
      if (eat(Tok::Underscore)) {
        // result<_, E>
        t.has_err = true;
        t.args.emplace_back();
        return expect(Tok::Comma, "after `_`") && type(t.args[0]) && expect(Tok::RAngle);
      }
      t.has_ok = true;
      t.args.emplace_back();
      if (!type(t.args[0])) return false;
      if (eat(Tok::Comma)) {
        t.has_err = true;
        t.args.emplace_back();
        if (!type(t.args[1])) return false;
      }
      return expect(Tok::RAngle);
    }
    return fail(fmt::format("expected a type, found keyword `{}`", kw));
  }

  // ---- worlds --------------------------------------------------------------------------
  bool world_body(ast::WorldDecl& w) {
    if (!expect(Tok::LBrace)) return false;
    while (!eat(Tok::RBrace)) {
      if (at(Tok::Eof)) return fail("expected `}` to close the world");
      ast::WorldEntry e;
      if (!world_entry(e)) return false;
      w.entries.push_back(std::move(e));
    }
    return true;
  }

  // WIT.md "Item: world": world-items ::= gate world-definition
  bool world_entry(ast::WorldEntry& e) {
    if (!gates(e.docs, e.gate)) return false;
    e.span = span();
    if (at_kw("use")) {
      e.kind = ast::WorldEntry::Kind::Use;
      e.use.gate = e.gate;
      e.use.docs = e.docs;
      return use_item(e.use);
    }
    if (is_typedef_start()) {
      e.kind = ast::WorldEntry::Kind::Type;
      e.type.gate = e.gate;
      e.type.docs = e.docs;
      return typedef_item(e.type);
    }
    if (eat_kw("include")) {
      // include-item ::= 'include' use-path (';' | 'with' '{' include-names-list '}')
      e.kind = ast::WorldEntry::Kind::Include;
      if (!use_path(e.path)) return false;
      if (eat_kw("with")) {
        if (!expect(Tok::LBrace)) return false;
        do {
          if (at(Tok::RBrace) && !e.with.empty()) break;
          ast::Ident from, to;
          if (!ident(from) || !expect_kw("as") || !ident(to)) return false;
          e.with.emplace_back(std::move(from), std::move(to));
        } while (eat(Tok::Comma));
        if (!expect(Tok::RBrace)) return false;
        eat(Tok::Semicolon);  // WIT.md's example omits it after `}`; accept both
        return true;
      }
      return expect(Tok::Semicolon);
    }
    if (at_kw("import") || at_kw("export")) {
      e.kind = at_kw("import") ? ast::WorldEntry::Kind::Import : ast::WorldEntry::Kind::Export;
      bump();
      return extern_item(e);
    }
    return fail(fmt::format("expected `import`, `export`, `include`, `use` or a type definition, found {}", found()));
  }

  // import-item ::= 'import' id ':' extern-type | 'import' use-path ';'
  bool extern_item(ast::WorldEntry& e) {
    // WIT.md: `a:b` written without spaces is a package path, `a: b` a plain name.
    bool plain = at(Tok::Id) && ahead(1).kind == Tok::Colon &&
                 (ahead(1).space_before || ahead(2).space_before || ahead(2).kind != Tok::Id);
    if (!plain) {
      e.ext = ast::WorldEntry::Extern::Path;
      if (!use_path(e.path)) return false;
      return expect(Tok::Semicolon);
    }
    if (!ident(e.name)) return false;
    bump();  // ':'
    if (at_kw("func") || at_kw("async")) {
      e.ext = ast::WorldEntry::Extern::Func;
      e.func.name = e.name;
      e.func.docs = e.docs;
      e.func.gate = e.gate;
      return func_type(e.func) && expect(Tok::Semicolon);
    }
    if (eat_kw("interface")) {
      e.ext = ast::WorldEntry::Extern::Interface;
      e.inline_iface = std::make_shared<ast::InterfaceDecl>();
      e.inline_iface->docs = e.docs;
      e.inline_iface->gate = e.gate;
      return interface_body(*e.inline_iface);
    }
    // 🏷️ `import name: use-path;` — an interface under a plain name.
    e.ext = ast::WorldEntry::Extern::NamedPath;
    return use_path(e.path) && expect(Tok::Semicolon);
  }

  std::string_view path_;
  uint32_t file_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  std::optional<Error> error_;
  static constexpr int kMaxTypeDepth = 100;
  int type_depth_ = 0;
};

}  // namespace

Result<ast::File> parse_file(std::string_view path, uint32_t file_index, std::string_view text) {
  auto toks = tokenize(path, text);
  if (!toks) return std::move(toks).error();
  return Parser(path, file_index, std::move(*toks)).run();
}

}  // namespace shard::wit
