# check_cli_same.cmake - runs the zbb CLI twice and checks that both runs succeed with the same
# stdout, apart from the lines that match IGNORE (for example the name of an input file).
#
#   cmake -DZBB=<path to zbb> -DARGS_A=<;-list> -DARGS_B=<;-list> [-DIGNORE=<regex>] -P check_cli_same.cmake
#
# Fails (message(FATAL_ERROR)) unless both runs exit 0 within 20 s with an empty stderr and their
# stdouts, without the lines that match IGNORE, are equal and not empty.
cmake_minimum_required(VERSION 3.20)

foreach(var ZBB ARGS_A ARGS_B)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_cli_same.cmake: -D${var}=... is required")
  endif()
endforeach()

set(problems "")
foreach(run A B)
  execute_process(COMMAND "${ZBB}" ${ARGS_${run}} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err TIMEOUT 20)
  if(NOT rc STREQUAL "0")
    string(APPEND problems "\n  - run ${run} exited with ${rc}: ${err}")
  elseif(NOT err STREQUAL "")
    string(APPEND problems "\n  - run ${run} wrote to stderr: ${err}")
  endif()
  # Compare line by line; a ';' in the output would split the list, so it is escaped first.
  string(REPLACE ";" "\\;" out "${out}")
  string(REPLACE "\n" ";" lines "${out}")
  if(DEFINED IGNORE AND NOT IGNORE STREQUAL "")
    list(FILTER lines EXCLUDE REGEX "${IGNORE}")
  endif()
  set(out_${run} "${lines}")
endforeach()

if(problems STREQUAL "")
  if(out_A STREQUAL "")
    string(APPEND problems "\n  - run A printed nothing")
  elseif(NOT out_A STREQUAL out_B)
    list(LENGTH out_A na)
    list(LENGTH out_B nb)
    set(first "")
    math(EXPR last "${na} - 1")
    foreach(i RANGE ${last})
      if(i LESS nb)
        list(GET out_A ${i} la)
        list(GET out_B ${i} lb)
        if(NOT la STREQUAL lb)
          set(first "line ${i}: '${la}' against '${lb}'")
          break()
        endif()
      endif()
    endforeach()
    string(APPEND problems "\n  - the outputs differ (${na} and ${nb} lines; first difference ${first})")
  endif()
endif()

if(NOT problems STREQUAL "")
  string(REPLACE ";" " " a "${ZBB};${ARGS_A}")
  string(REPLACE ";" " " b "${ZBB};${ARGS_B}")
  message(FATAL_ERROR "zbb CLI comparison failed:${problems}\nrun A: ${a}\nrun B: ${b}")
endif()
