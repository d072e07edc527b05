// Binary.md productions, written from the IR; every opcode here mirrors a case of decoder.cpp.
#include "component/compose/encode.h"

namespace shard::component::compose {

void Writer::u32(uint32_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out_.push_back(static_cast<uint8_t>(b | (v ? 0x80 : 0)));
  } while (v);
}

void Writer::s33(uint32_t v) {
  uint64_t x = v;
  for (;;) {
    uint8_t b = x & 0x7f;
    x >>= 7;
    // done once the rest is zero and the sign bit of this byte says "non-negative"
    if (x == 0 && !(b & 0x40)) return out_.push_back(b);
    out_.push_back(static_cast<uint8_t>(b | 0x80));
  }
}

void Writer::name(std::string_view s) {
  u32(static_cast<uint32_t>(s.size()));
  out_.insert(out_.end(), s.begin(), s.end());
}

namespace {

// Binary.md: core:sort
uint8_t core_sort_byte(Sort s) {
  switch (s) {
    case Sort::CoreFunc: return 0x00;
    case Sort::CoreTable: return 0x01;
    case Sort::CoreMemory: return 0x02;
    case Sort::CoreGlobal: return 0x03;
    case Sort::CoreTag: return 0x04;
    case Sort::CoreType: return 0x10;
    case Sort::CoreModule: return 0x11;
    case Sort::CoreInstance: return 0x12;
    default: return 0x00;
  }
}

void write_opt_valtype(Writer& w, const std::optional<ValType>& t) {
  if (!t) return w.u8(0x00);
  w.u8(0x01);
  write_valtype(w, *t);
}

void write_limits(Writer& w, const Limits& l) {
  w.u8(l.max ? 0x01 : 0x00);
  w.u32(static_cast<uint32_t>(l.min));
  if (l.max) w.u32(static_cast<uint32_t>(*l.max));
}

// core:externtype
void write_core_extern_type(Writer& w, const CoreExternType& t) {
  switch (t.kind) {
    case shard::ExternKind::Func: w.u8(0x00); w.u32(t.func_type); return;
    case shard::ExternKind::Table:
      w.u8(0x01);
      w.u8(static_cast<uint8_t>(t.table.elem));
      write_limits(w, t.table.limits);
      return;
    case shard::ExternKind::Memory: w.u8(0x02); write_limits(w, t.memory.limits); return;
    case shard::ExternKind::Global:
      w.u8(0x03);
      w.u8(static_cast<uint8_t>(t.global.type));
      w.u8(t.global.mut ? 0x01 : 0x00);
      return;
    case shard::ExternKind::Tag: w.u8(0x04); w.u8(0x00); w.u32(t.func_type); return;
  }
}

void write_core_functype(Writer& w, const shard::FuncType& f) {
  w.u8(0x60);
  w.u32(static_cast<uint32_t>(f.params.size()));
  for (auto t : f.params) w.u8(static_cast<uint8_t>(t));
  w.u32(static_cast<uint32_t>(f.results.size()));
  for (auto t : f.results) w.u8(static_cast<uint8_t>(t));
}

void write_defvaltype(Writer& w, const DefValType& d) {
  switch (d.kind) {
    case DefValKind::Prim: w.u8(static_cast<uint8_t>(0x7f - static_cast<int>(d.prim))); return;
    case DefValKind::Record:
      w.u8(0x72);
      w.u32(static_cast<uint32_t>(d.cases.size()));
      for (auto& c : d.cases) {
        w.name(c.label);
        write_valtype(w, c.type.value_or(ValType{}));
      }
      return;
    case DefValKind::Variant:
      w.u8(0x71);
      w.u32(static_cast<uint32_t>(d.cases.size()));
      for (auto& c : d.cases) {
        w.name(c.label);
        write_opt_valtype(w, c.type);
        w.u8(0x00);  // no refines
      }
      return;
    case DefValKind::List: w.u8(0x70); write_valtype(w, d.elem.value_or(ValType{})); return;
    case DefValKind::Tuple:
      w.u8(0x6f);
      w.u32(static_cast<uint32_t>(d.types.size()));
      for (auto& t : d.types) write_valtype(w, t);
      return;
    case DefValKind::Flags:
    case DefValKind::Enum:
      w.u8(d.kind == DefValKind::Flags ? 0x6e : 0x6d);
      w.u32(static_cast<uint32_t>(d.labels.size()));
      for (auto& l : d.labels) w.name(l);
      return;
    case DefValKind::Option: w.u8(0x6b); write_valtype(w, d.elem.value_or(ValType{})); return;
    case DefValKind::Result:
      w.u8(0x6a);
      write_opt_valtype(w, d.elem);
      write_opt_valtype(w, d.err);
      return;
    case DefValKind::Own: w.u8(0x69); w.u32(d.resource); return;
    case DefValKind::Borrow: w.u8(0x68); w.u32(d.resource); return;
    case DefValKind::Map:
      w.u8(0x63);
      write_valtype(w, d.elem.value_or(ValType{}));
      write_valtype(w, d.err.value_or(ValType{}));
      return;
  }
}

void write_decl(Writer& w, const Decl& d) {
  switch (d.kind) {
    case Decl::CoreType: w.u8(0x00); write_core_typedef(w, *d.core_type); return;
    case Decl::Type: w.u8(0x01); write_typedef(w, *d.type); return;
    case Decl::Alias: w.u8(0x02); write_alias(w, *d.alias); return;
    case Decl::Import: w.u8(0x03); write_import(w, d.name, d.extern_type); return;
    case Decl::Export:
      w.u8(0x04);
      write_extern_name(w, d.name);
      write_extern_type(w, d.extern_type);
      return;
  }
}

}  // namespace

void write_sort(Writer& w, Sort s) {
  switch (s) {
    case Sort::Func: return w.u8(0x01);
    case Sort::Value: return w.u8(0x02);
    case Sort::Type: return w.u8(0x03);
    case Sort::Component: return w.u8(0x04);
    case Sort::Instance: return w.u8(0x05);
    default:
      w.u8(0x00);
      w.u8(core_sort_byte(s));
  }
}

void write_valtype(Writer& w, const ValType& t) {
  if (t.is_prim) return w.u8(static_cast<uint8_t>(0x7f - static_cast<int>(t.prim)));
  w.s33(t.index);
}

void write_typedef(Writer& w, const TypeDef& t) {
  switch (t.kind) {
    case TypeDef::DefVal: write_defvaltype(w, t.val); return;
    case TypeDef::Func:
      w.u8(0x40);
      w.u32(static_cast<uint32_t>(t.func.params.size()));
      for (auto& p : t.func.params) {
        w.name(p.name);
        write_valtype(w, p.type);
      }
      if (t.func.result) {
        w.u8(0x00);
        write_valtype(w, *t.func.result);
      } else {
        w.u8(0x01);
        w.u8(0x00);
      }
      return;
    case TypeDef::Component:
    case TypeDef::Instance:
      w.u8(t.kind == TypeDef::Component ? 0x41 : 0x42);
      w.u32(static_cast<uint32_t>(t.decls.size()));
      for (auto& d : t.decls) write_decl(w, d);
      return;
    case TypeDef::Resource:
      w.u8(0x3f);
      w.u8(static_cast<uint8_t>(t.resource.rep));
      if (t.resource.dtor) {
        w.u8(0x01);
        w.u32(*t.resource.dtor);
      } else {
        w.u8(0x00);
      }
      return;
  }
}

void write_core_typedef(Writer& w, const CoreTypeDef& t) {
  if (!t.is_module) return write_core_functype(w, t.func);
  w.u8(0x50);
  w.u32(static_cast<uint32_t>(t.decls.size()));
  for (auto& d : t.decls) {
    switch (d.kind) {
      case CoreModuleDecl::Import:
        w.u8(0x00);
        w.name(d.module);
        w.name(d.name);
        write_core_extern_type(w, d.type);
        break;
      case CoreModuleDecl::Type: w.u8(0x01); write_core_functype(w, d.func); break;
      case CoreModuleDecl::Alias:
        w.u8(0x02);
        w.u8(0x10);  // core:sort type
        w.u8(0x01);  // outer
        w.u32(d.outer_count);
        w.u32(d.outer_index);
        break;
      case CoreModuleDecl::Export:
        w.u8(0x03);
        w.name(d.name);
        write_core_extern_type(w, d.type);
        break;
    }
  }
}

void write_extern_name(Writer& w, const ExternName& n) {
  size_t count = (n.implements ? 1 : 0) + (n.version_suffix ? 1 : 0) + (n.external_id ? 1 : 0);
  w.u8(count ? 0x02 : 0x00);
  w.name(n.name);
  if (!count) return;
  w.u32(static_cast<uint32_t>(count));
  if (n.implements) { w.u8(0x00); w.name(*n.implements); }
  if (n.version_suffix) { w.u8(0x01); w.name(*n.version_suffix); }
  if (n.external_id) { w.u8(0x02); w.name(*n.external_id); }
}

void write_extern_type(Writer& w, const ExternType& t) {
  switch (t.kind) {
    case ExternKind::CoreModule: w.u8(0x00); w.u8(0x11); w.u32(t.index); return;
    case ExternKind::Func: w.u8(0x01); w.u32(t.index); return;
    case ExternKind::Value: w.u8(0x02); w.u8(0x01); w.u8(0x7f); return;  // never decoded (🪙)
    case ExternKind::Type:
      w.u8(0x03);
      if (t.bound_eq) {
        w.u8(0x00);
        w.u32(t.index);
      } else {
        w.u8(0x01);
      }
      return;
    case ExternKind::Component: w.u8(0x04); w.u32(t.index); return;
    case ExternKind::Instance: w.u8(0x05); w.u32(t.index); return;
  }
}

void write_alias(Writer& w, const Alias& a) {
  write_sort(w, a.sort);
  switch (a.kind) {
    case Alias::Export: w.u8(0x00); w.u32(a.instance); w.name(a.name); return;
    case Alias::CoreExport: w.u8(0x01); w.u32(a.instance); w.name(a.name); return;
    case Alias::Outer: w.u8(0x02); w.u32(a.count); w.u32(a.index); return;
  }
}

void write_import(Writer& w, const ExternName& n, const ExternType& t) {
  write_extern_name(w, n);
  write_extern_type(w, t);
}

void write_export(Writer& w, const ExternName& n, SortIdx item) {
  write_extern_name(w, n);
  write_sort(w, item.sort);
  w.u32(item.index);
  w.u8(0x00);  // no ascribed type
}

void write_instantiate(Writer& w, uint32_t component, const std::vector<InstantiateArg>& args) {
  w.u8(0x00);
  w.u32(component);
  w.u32(static_cast<uint32_t>(args.size()));
  for (auto& a : args) {
    w.name(a.name);
    write_sort(w, a.item.sort);
    w.u32(a.item.index);
  }
}

}  // namespace shard::component::compose
