# shard run on components: the greeter/translator demo linked at run time, WIT-style values,
# and the sandbox (examples/greeter-translator/sandbox): no shared memory, WASI capabilities
# refused unless granted. Included from tests/CMakeLists.txt (shard_bin is set there).
set(gt ${PROJECT_SOURCE_DIR}/examples/greeter-translator)
set(cli_component_tests)
macro(component_cli name)
  add_test(NAME ${name} COMMAND ${shard_bin} ${ARGN})
  list(APPEND cli_component_tests ${name})
endmacro()

component_cli(cli-component-link run ${gt}/greeter.wasm --link cyber:demo/translator=${gt}/translator.wasm --invoke "greet(\"World\")")
set_tests_properties(cli-component-link PROPERTIES PASS_REGULAR_EXPRESSION "^\"Hola friend, World!\"\n$")
component_cli(cli-component-interface-func run ${gt}/translator.wasm --invoke "cyber:demo/translator#translate(\"Taro\", \"jp\")")
set_tests_properties(cli-component-interface-func PROPERTIES PASS_REGULAR_EXPRESSION "^\"Konnichiwa Taro\"\n$")
component_cli(cli-component-args-as-words run ${gt}/translator.wasm --invoke "cyber:demo/translator#translate" "\"x\"" "\"es\"")
set_tests_properties(cli-component-args-as-words PROPERTIES PASS_REGULAR_EXPRESSION "^\"Hola x\"\n$")
component_cli(cli-component-unlinked run ${gt}/greeter.wasm --invoke "greet(\"World\")")
set_tests_properties(cli-component-unlinked PROPERTIES PASS_REGULAR_EXPRESSION "import `cyber:demo/translator` is not satisfied")
component_cli(cli-component-unlinked-status run ${gt}/greeter.wasm --invoke "greet(\"World\")")
set_tests_properties(cli-component-unlinked-status PROPERTIES WILL_FAIL TRUE)
component_cli(cli-component-bad-value run ${gt}/greeter.wasm --link cyber:demo/translator=${gt}/translator.wasm --invoke "greet(42)")
set_tests_properties(cli-component-bad-value PROPERTIES PASS_REGULAR_EXPRESSION "argument `name` \\(string\\): expected a string literal")
component_cli(cli-component-no-invoke run ${gt}/greeter.wasm)
set_tests_properties(cli-component-no-invoke PROPERTIES PASS_REGULAR_EXPRESSION "is not a WASI command: it exports no wasi:cli/run@0.2.x \\(call one of its exports with --invoke")
component_cli(cli-component-link-missing-export run ${gt}/greeter.wasm --link cyber:demo/nope=${gt}/translator.wasm --invoke "greet(\"x\")")
set_tests_properties(cli-component-link-missing-export PROPERTIES PASS_REGULAR_EXPRESSION "does not export `cyber:demo/nope` \\(it exports: cyber:demo/translator\\)")

# the sandbox
component_cli(cli-sandbox-spy run ${gt}/sandbox/spy.wat --link cyber:demo/translator=${gt}/translator.wasm --invoke "peek()")
set_tests_properties(cli-sandbox-spy PROPERTIES PASS_REGULAR_EXPRESSION "trap: string pointer/length out of bounds of memory")
add_test(NAME cli-sandbox-spy-status COMMAND sh -c "\"$0\" \"$@\"; test $? -eq 134" ${shard_bin} run ${gt}/sandbox/spy.wat
         --link cyber:demo/translator=${gt}/translator.wasm --invoke "peek()")
list(APPEND cli_component_tests cli-sandbox-spy-status)
component_cli(cli-sandbox-env-refused run ${gt}/sandbox/snoop.wat --invoke "env()")
set_tests_properties(cli-sandbox-env-refused PROPERTIES PASS_REGULAR_EXPRESSION
  "import `wasi:cli/environment@0.2.0` refused: the component asks for environment variables and arguments, which it was not granted")
component_cli(cli-sandbox-env-granted run ${gt}/sandbox/snoop.wat --env GREETING=hi --invoke "env()")
set_tests_properties(cli-sandbox-env-granted PROPERTIES PASS_REGULAR_EXPRESSION "^\\[\\(\"GREETING\", \"hi\"\\)\\]\n$")
component_cli(cli-sandbox-files-refused run ${gt}/sandbox/files.wat --invoke "count()")
set_tests_properties(cli-sandbox-files-refused PROPERTIES PASS_REGULAR_EXPRESSION "asks for files and directories, which it was not granted")
# with a WASI flag the component gets WASI 0.2 (here a directory), so it links
component_cli(cli-sandbox-dir-granted run --dir-ro /tmp ${gt}/sandbox/files.wat --invoke "count()")
set_tests_properties(cli-sandbox-dir-granted PROPERTIES PASS_REGULAR_EXPRESSION "^0\n$")

# shard wast on a component script
component_cli(cli-component-wast wast ${SHARD_COMPONENT_TESTS_DIR}/values/strings.wast)
set_tests_properties(cli-component-wast PROPERTIES PASS_REGULAR_EXPRESSION "[0-9]+ passed, 0 failed")

set_tests_properties(${cli_component_tests} PROPERTIES LABELS "cli;component")

# shard compose's output runs in Shard and in jco (an independent implementation)
add_test(NAME compose-greeter-translator-jco COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/compose/jco_check.sh ${shard_bin})
set_tests_properties(compose-greeter-translator-jco PROPERTIES LABELS "cli;component;differential" SKIP_RETURN_CODE 77
                     PASS_REGULAR_EXPRESSION "shard: \"Hola friend, World!\".*Hola friend, World!" TIMEOUT 300)

# shard inspect: a component as WIT, a core module's imports and exports; errors. (`;` is
# written [;] in the regexes: CMake splits property values on it.)
set(inspect_run sh ${CMAKE_CURRENT_SOURCE_DIR}/compose/exit_status.sh ${shard_bin} inspect)
add_test(NAME cli-inspect-component COMMAND ${inspect_run} ${gt}/greeter.wasm)
set_tests_properties(cli-inspect-component PROPERTIES PASS_REGULAR_EXPRESSION
  "^package root:component[;]\n\nworld root {\n  import cyber:demo/translator[;]\n\n  export greet: func\\(name: string\\) -> string[;]\n}\n\npackage cyber:demo {\n  interface translator {\n    translate: func\\(text: string, lang: string\\) -> string[;]\n  }\n}\nexit=0\n$")
add_test(NAME cli-inspect-module COMMAND ${inspect_run} ${PROJECT_SOURCE_DIR}/examples/wat/fac.wat)
set_tests_properties(cli-inspect-module PROPERTIES PASS_REGULAR_EXPRESSION
  "export \"fac-rec\": func \\(param i64\\) \\(result i64\\)\n.*exit=0")
add_test(NAME cli-inspect-missing COMMAND ${inspect_run} /nonexistent/x.wasm)
set_tests_properties(cli-inspect-missing PROPERTIES PASS_REGULAR_EXPRESSION
  "^shard: /nonexistent/x.wasm: i/o error: cannot read file\nexit=1")
add_test(NAME cli-inspect-invalid COMMAND ${inspect_run} ${CMAKE_CURRENT_SOURCE_DIR}/data/invalid.wat)
set_tests_properties(cli-inspect-invalid PROPERTIES PASS_REGULAR_EXPRESSION "^shard: [^\n]*invalid.wat: invalid: [^\n]*type mismatch[^\n]*\nexit=1")
add_test(NAME cli-inspect-no-file COMMAND ${inspect_run})
set_tests_properties(cli-inspect-no-file PROPERTIES PASS_REGULAR_EXPRESSION "inspect: expected exactly one FILE.*exit=2")
set_tests_properties(cli-inspect-component cli-inspect-module cli-inspect-missing cli-inspect-invalid cli-inspect-no-file
  PROPERTIES LABELS "cli;component")
