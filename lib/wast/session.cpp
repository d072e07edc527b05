// Session without an execution tier: modules are validated and remembered; actions and
// instantiation assertions are reported as skipped.
#include <map>

#include "wast/session.h"

namespace shard::wast {

struct Session::Impl {
  std::map<std::string, std::shared_ptr<const Module>> named;
  std::shared_ptr<const Module> current;
};

Session::Session() : impl_(std::make_unique<Impl>()) {}
Session::~Session() = default;

void Session::define(std::shared_ptr<const Module> module, const std::optional<std::string>& name) {
  if (name) impl_->named[*name] = module;
}

Result<void> Session::instantiate(std::shared_ptr<const Module> module, const std::optional<std::string>& name,
                                  bool keep) {
  if (!keep) return Error{ErrorKind::Unsupported, "no execution tier yet"};
  if (name) impl_->named[*name] = module;
  impl_->current = std::move(module);
  return {};
}

Result<void> Session::instantiate_definition(const std::optional<std::string>&, const std::optional<std::string>&) {
  return Error{ErrorKind::Unsupported, "no execution tier yet"};
}

Result<void> Session::register_instance(const std::string&, const std::optional<std::string>&) { return {}; }

void Session::forget_current() { impl_->current.reset(); }

ActionOutcome Session::perform(const Action&) {
  ActionOutcome out;
  out.unsupported = true;
  out.error = "no execution tier yet";
  return out;
}

}  // namespace shard::wast
