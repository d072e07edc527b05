# The Component Model differential test: Shard vs. jco + Node on alltypes.wasm (see run.sh).
# Included from tests/CMakeLists.txt; skipped (exit status 77) without node or the jco cache.
add_test(NAME component-differential-jco
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run.sh $<TARGET_FILE:shard_cli>)
set_tests_properties(component-differential-jco PROPERTIES
  LABELS "differential;component"
  SKIP_RETURN_CODE 77
  TIMEOUT 900)
