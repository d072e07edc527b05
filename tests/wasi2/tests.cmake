# WASI 0.2 with real components (tests/wasi2/components.sh): adapter-wrapped C and Rust guests
# against their preview1 runs and against jco run. Skipped (77) without node/npm.
add_test(NAME cli-wasi2-components
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/wasi2/components.sh $<TARGET_FILE:shard_cli>
          ${CMAKE_CURRENT_BINARY_DIR}/wasi2-components)
set_tests_properties(cli-wasi2-components PROPERTIES LABELS "cli;wasi;component" TIMEOUT 900 SKIP_RETURN_CODE 77
  ENVIRONMENT "SHARD_SHARED_DIR=${PROJECT_SOURCE_DIR}/../shared")

# wasi:sockets grants on the command line: malformed addresses are usage errors (exit 2)
foreach(spec "1.2.3.4" "localhost:80" "127.0.0.1:70000" "::1:80")
  string(MAKE_C_IDENTIFIER "${spec}" id)
  add_test(NAME cli-wasi2-bad-grant-${id} COMMAND ${CMAKE_COMMAND} -E env
           $<TARGET_FILE:shard_cli> run --allow-tcp-connect ${spec} nothing.wasm)
  set_tests_properties(cli-wasi2-bad-grant-${id} PROPERTIES LABELS "cli;wasi"
    PASS_REGULAR_EXPRESSION "--allow-tcp-connect needs IP:PORT")
endforeach()

# A componentize-js command component (tests/wasi2/js-component.sh): the same output as jco run.
add_test(NAME cli-wasi2-js-component
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/wasi2/js-component.sh $<TARGET_FILE:shard_cli>
          ${CMAKE_CURRENT_BINARY_DIR}/wasi2-js-component)
set_tests_properties(cli-wasi2-js-component PROPERTIES LABELS "cli;wasi;component" TIMEOUT 900 SKIP_RETURN_CODE 77
  ENVIRONMENT "SHARD_SHARED_DIR=${PROJECT_SOURCE_DIR}/../shared")
