# Installs Shard from SHARD_BUILD into a fresh prefix under WORK, then configures, builds and
# runs examples/embed against it, the way an application would.
file(REMOVE_RECURSE ${WORK})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install ${SHARD_BUILD} --prefix ${WORK}/prefix)
set(compiler_arg)
if(DEFINED ENV{CXX})
  set(compiler_arg -DCMAKE_CXX_COMPILER=$ENV{CXX})
endif()
run(${CMAKE_COMMAND} -S ${SHARD_SOURCE}/examples/embed -B ${WORK}/build -DCMAKE_PREFIX_PATH=${WORK}/prefix ${compiler_arg})
run(${CMAKE_COMMAND} --build ${WORK}/build)
run(${WORK}/build/embed)

# The component host example (examples/component-host) against the same install: implements
# the greeter's import in C++ and must print the greeting.
run(${CMAKE_COMMAND} -S ${SHARD_SOURCE}/examples/component-host -B ${WORK}/component-host -DCMAKE_PREFIX_PATH=${WORK}/prefix ${compiler_arg})
run(${CMAKE_COMMAND} --build ${WORK}/component-host)
execute_process(COMMAND ${WORK}/component-host/component-host ${SHARD_SOURCE}/examples/greeter-translator/greeter.wasm World
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(NOT rc EQUAL 0 OR NOT out MATCHES "Hola friend, World!\n")
  message(FATAL_ERROR "component-host failed (${rc})")
endif()
