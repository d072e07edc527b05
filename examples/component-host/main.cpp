// A C++ host for a component: it implements the `cyber:demo/translator` interface the greeter
// component imports (examples/greeter-translator/world.wit) with a lambda, instantiates the
// greeter against it and calls `greet`.
//
//   component-host greeter.wasm [NAME]
#include <cstdio>
#include <string>

#include "shard/component.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s greeter.wasm [NAME]\n", argv[0]);
    return 2;
  }
  const std::string name = argc > 2 ? argv[2] : "World";

  auto greeter = shard::cm::Component::from_file(argv[1]);
  if (!greeter) {
    std::fprintf(stderr, "%s: %s\n", argv[1], greeter.error().to_string().c_str());
    return 1;
  }
  // What the component needs and offers, with WIT types.
  for (const auto& im : greeter->imports()) std::printf("import %s\n", im.name.c_str());
  for (const auto& ex : greeter->exports()) std::printf("export %s\n", ex.name.c_str());

  // The import, implemented in C++: parameter and result types are deduced from the lambda
  // (std::string is WIT string) and checked against the component's import when it links.
  int calls = 0;
  shard::cm::Linker linker;
  linker.define("cyber:demo/translator", "translate", [&calls](std::string text, std::string lang) -> std::string {
    ++calls;
    if (lang == "es") return "Hola " + text;
    if (lang == "jp") return "Konnichiwa " + text;
    return "Hello " + text;
  });

  shard::cm::Store store;
  auto instance = linker.instantiate(store, *greeter);
  if (!instance) {
    std::fprintf(stderr, "instantiate: %s\n", instance.error().to_string().c_str());
    return 1;
  }
  // A typed call: std::string in, std::string out.
  auto greeting = instance->call<std::string>("greet", name);
  if (!greeting) {
    std::fprintf(stderr, "greet: %s\n", greeting.error().to_string().c_str());
    return 1;
  }
  std::printf("%s\n", greeting->c_str());

  // The same call with generic values, and the function's WIT type.
  auto greet = instance->func("greet");
  if (!greet) return 1;
  std::printf("greet: %s\n", greet->type().to_wit().c_str());
  shard::cm::Val arg = shard::cm::Val::string("Shard");
  auto r = greet->call({&arg, 1});
  if (!r || !*r) return 1;
  std::printf("%s\n", (*r)->to_string().c_str());
  std::printf("translate was called %d times\n", calls);
  return calls == 2 ? 0 : 1;
}
