#!/bin/sh
# Runs a command, prints its output (stdout and stderr) and then "exit=N" with its exit status,
# so that one CTest PASS_REGULAR_EXPRESSION checks both the message and the status.
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
echo "exit=$rc"
