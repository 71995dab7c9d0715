# check_cli.cmake - runs the zbb CLI once and checks its exit code and output.
#
#   cmake -DZBB=<path to zbb> -DARGS=<;-list of arguments> -DEXPECT_EXIT=<n>
#         -DEXPECT_STDERR=<regex> [-DEXPECT_STDOUT=<regex>] [-DINPUT=<file>] -P check_cli.cmake
#
# Fails (message(FATAL_ERROR)) unless
#   - the process ends within 20 s with exit code EXPECT_EXIT (a crash or a timeout always fails);
#   - stderr matches EXPECT_STDERR (use "^$" to require an empty stderr);
#   - on failure (EXPECT_EXIT != 0): stdout is empty (no partial report) unless EXPECT_STDOUT is
#     given (zbb optimize prints its explanation of an infeasible question), and stderr is exactly
#     one line ending in a newline;
#   - stdout matches EXPECT_STDOUT, when given;
#   - neither stdout nor stderr contains "nan", "inf" or "infinity" as a whole word, in any case.
# Every failed check is listed, together with the command and both outputs.
cmake_minimum_required(VERSION 3.20)

foreach(var ZBB EXPECT_EXIT EXPECT_STDERR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_cli.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED ARGS)
  set(ARGS "")
endif()
if(NOT EXPECT_EXIT MATCHES "^[0-9]+$")
  message(FATAL_ERROR "check_cli.cmake: EXPECT_EXIT must be a non-negative integer, got '${EXPECT_EXIT}'")
endif()

set(input)
if(DEFINED INPUT)  # -DINPUT=<file>: given on standard input
  set(input INPUT_FILE "${INPUT}")
endif()
execute_process(
  COMMAND "${ZBB}" ${ARGS}
  ${input}
  RESULT_VARIABLE exit_code
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  TIMEOUT 20)

set(problems "")
function(problem text)
  set(problems "${problems}\n  - ${text}" PARENT_SCOPE)
endfunction()

# Exit code: a number, and the expected one. A timeout or a signal gives a text instead.
if(NOT exit_code MATCHES "^[0-9]+$")
  problem("did not exit normally: ${exit_code} (crash, signal or timeout after 20 s)")
elseif(NOT exit_code EQUAL EXPECT_EXIT)
  problem("exit code ${exit_code}, expected ${EXPECT_EXIT}")
endif()

if(NOT err MATCHES "${EXPECT_STDERR}")
  problem("stderr does not match the regex: ${EXPECT_STDERR}")
endif()

if(NOT EXPECT_EXIT EQUAL 0)
  # A failure prints nothing on stdout, except an answer that is data: `zbb optimize` prints the
  # explanation of an infeasible question (exit 3), and those tests give EXPECT_STDOUT.
  if(NOT out STREQUAL "" AND NOT DEFINED EXPECT_STDOUT)
    string(LENGTH "${out}" out_length)
    problem("stdout is not empty on failure (${out_length} bytes of partial output)")
  endif()
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines newline_count)
  if(NOT err MATCHES "^[^\n]+\n$")
    problem("stderr is not exactly one line (${newline_count} newline(s))")
  endif()
endif()

if(DEFINED EXPECT_STDOUT AND NOT out MATCHES "${EXPECT_STDOUT}")
  problem("stdout does not match the regex: ${EXPECT_STDOUT}")
endif()

set(non_finite_regex "(^|[^a-z0-9_])(nan|inf|infinity)([^a-z0-9_]|$)")
foreach(stream out err)
  string(TOLOWER "${${stream}}" lower)
  if(lower MATCHES "${non_finite_regex}")
    problem("std${stream} contains a non-finite number ('${CMAKE_MATCH_2}')")
  endif()
endforeach()

if(NOT problems STREQUAL "")
  string(REPLACE ";" " " command_line "${ZBB};${ARGS}")
  message(FATAL_ERROR
    "zbb CLI check failed:${problems}\n"
    "command: ${command_line}\n"
    "exit code: ${exit_code}\n"
    "----- stdout -----\n${out}\n"
    "----- stderr -----\n${err}\n"
    "------------------")
endif()
