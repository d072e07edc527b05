# `shard run` on real guests (clang- and Rust-built), through the CLI as a user runs it:
# hello worlds, a copy between two preopened directories, refused escapes, exit codes.
#   cmake -DSHARD=... -DGUESTS_SRC=... -DWORK=... -P cli_guests.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/in ${WORK}/out ${WORK}/secret)
execute_process(COMMAND sh ${GUESTS_SRC}/build.sh ${WORK}/guests RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the guests failed")
endif()
set(G ${WORK}/guests)

# expect(NAME EXIT_CODE REGEX command...): runs, checks the exit code and that stdout+stderr match.
function(expect name code regex)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT "${rc}" STREQUAL "${code}")
    message(FATAL_ERROR "${name}: exit status ${rc}, expected ${code}\n${out}${err}")
  endif()
  if(NOT "${out}${err}" MATCHES "${regex}")
    message(FATAL_ERROR "${name}: output does not match '${regex}':\n${out}${err}")
  endif()
  message(STATUS "ok: ${name}")
endfunction()

expect("C hello" 0 "argc=3\nargv\\[1\\]=a\nargv\\[2\\]=b" ${SHARD} run ${G}/hello.wasm a b)
expect("Rust hello" 0 "argv\\[1\\]=x" ${SHARD} run --env GREETING=hi ${G}/rs_hello.wasm x)
expect("exit code" 37 "" ${SHARD} run ${G}/exit_code.wasm)

file(WRITE ${WORK}/in/src.txt "the quick brown fox\n")
file(WRITE ${WORK}/secret/key.txt "do not read\n")
expect("copy between preopens" 0 "copied 20 bytes"
       ${SHARD} run --dir-ro ${WORK}/in::/in --dir ${WORK}/out::/out ${G}/copy.wasm /in/src.txt /out/dst.txt)
file(READ ${WORK}/out/dst.txt copied)
if(NOT copied STREQUAL "the quick brown fox\n")
  message(FATAL_ERROR "copy: wrong content '${copied}'")
endif()

# Escapes: a path out of the preopen, an absolute host path, a directory that was not granted,
# and a write into the read-only preopen.
expect("escape with .." 1 "cannot open /in/../secret/key.txt"
       ${SHARD} run --dir-ro ${WORK}/in::/in --dir ${WORK}/out::/out ${G}/copy.wasm /in/../secret/key.txt /out/stolen.txt)
expect("absolute host path" 1 "cannot open ${WORK}/secret/key.txt"
       ${SHARD} run --dir-ro ${WORK}/in::/in --dir ${WORK}/out::/out ${G}/copy.wasm ${WORK}/secret/key.txt /out/stolen.txt)
expect("no preopen" 1 "cannot open /in/src.txt" ${SHARD} run ${G}/copy.wasm /in/src.txt /out/x.txt)
expect("read-only preopen" 1 "cannot create /in/new.txt"
       ${SHARD} run --dir-ro ${WORK}/in::/in ${G}/copy.wasm /in/src.txt /in/new.txt)
if(EXISTS ${WORK}/out/stolen.txt OR EXISTS ${WORK}/in/new.txt)
  message(FATAL_ERROR "the sandbox let a file through")
endif()

# A symlink inside the preopen that points out of it is not followed out.
file(CREATE_LINK ${WORK}/secret/key.txt ${WORK}/in/link.txt SYMBOLIC)
expect("symlink out of the preopen" 1 "cannot open /in/link.txt"
       ${SHARD} run --dir-ro ${WORK}/in::/in --dir ${WORK}/out::/out ${G}/copy.wasm /in/link.txt /out/stolen.txt)

# The network exists for a guest only through a socket the host hands in (--tcplisten).
find_program(PYTHON3 python3)
if(PYTHON3)
  expect("socket handed in" 0 "ok: echoed" ${PYTHON3} ${GUESTS_SRC}/../wasi_socket_test.py ${SHARD} ${G}/echo_server.wasm)
endif()
expect("no socket granted" 1 "accept failed: Bad file descriptor" ${SHARD} run ${G}/echo_server.wasm)

# Bad input to the CLI: a clear message, no crash.
expect("not a module" 1 "malformed" ${SHARD} run ${GUESTS_SRC}/build.sh)
expect("missing --dir value" 2 "needs HOST" ${SHARD} run ${G}/hello.wasm --dir)
