// Import/export names (Explainer.md: Import and Export Definitions, Name Uniqueness).
#pragma once

#include <string>
#include <string_view>

namespace shard::component {

/// label ::= first-fragment ('-' fragment)*  (kebab case, Explainer.md)
bool is_label(std::string_view s);

/// A parsed externname. For annotated plain names, `resource` is the first label and
/// `field` the second ([method]/[static]) or empty ([constructor]).
struct ParsedName {
  enum Kind { Label, Constructor, Method, Static, Interface } kind = Label;
  std::string resource, field;
};

/// Parses externname ::= plainname | interfacename. On failure returns false and sets
/// `error` to the reason.
bool parse_extern_name(std::string_view s, ParsedName& out, std::string& error);

/// interfacename alone (for the 🏷️ `implements` attribute).
bool is_interface_name(std::string_view s);

/// The canonical form used for strong uniqueness (Explainer.md: Name Uniqueness): two names
/// are strongly-unique iff their canonical forms differ.
std::string canonical_name(std::string_view s);

}  // namespace shard::component
