# Packaging tests, as fmt tests its own (run with cmake -P):
#   MODE=core        install the zbb build into WORK_DIR/prefix, then build and run examples/embed
#                    (zbb::zbb) against it with COIN-OR hidden from CMake: plain find_package(zbb)
#                    must not need the solvers;
#   MODE=optimize    the same with examples/embed-optimize (find_package(zbb COMPONENTS optimize));
#   MODE=subdirectory build tests/package/subdirectory, which add_subdirectory()s the source tree,
#                    and run both examples from it.
file(REMOVE_RECURSE ${WORK_DIR})
set(model ${ZBB_SOURCE_DIR}/examples/dementia-friendly.json)

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

function(expect output pattern)
  if(NOT output MATCHES "${pattern}")
    message(FATAL_ERROR "unexpected output (wanted ${pattern}):\n${output}")
  endif()
  message(STATUS "${output}")
endfunction()

if(MODE STREQUAL "core" OR MODE STREQUAL "optimize")
  run_step("cmake --install" ${CMAKE_COMMAND} --install ${ZBB_BUILD_DIR} --prefix ${WORK_DIR}/prefix)
  if(MODE STREQUAL "core")
    set(example embed)
    # COIN-OR hidden: pkg-config cannot be found, so anything that asked for CLP or CBC fails.
    set(hide -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=TRUE)
    set(pattern "Total: EUR [0-9]+\\.[0-9][0-9]")
  else()
    set(example embed-optimize)
    set(hide)
    set(pattern "Status: optimal\nLeast-cost total: EUR [0-9]+\\.[0-9][0-9]")
  endif()
  run_step("configuring examples/${example} against the installed zbb"
           ${CMAKE_COMMAND} -S ${ZBB_SOURCE_DIR}/examples/${example} -B ${WORK_DIR}/build -G ${GENERATOR}
           -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=Release ${hide})
  run_step("building examples/${example}" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
  string(REPLACE "-" "_" program ${example})
  run_step("running examples/${example}" ${WORK_DIR}/build/${program} ${model})
  expect("${step_output}" "${pattern}")
elseif(MODE STREQUAL "subdirectory")
  run_step("configuring tests/package/subdirectory"
           ${CMAKE_COMMAND} -S ${ZBB_SOURCE_DIR}/tests/package/subdirectory -B ${WORK_DIR}/build
           -G ${GENERATOR} -DZBB_SOURCE_DIR=${ZBB_SOURCE_DIR} -DCMAKE_BUILD_TYPE=Release)
  run_step("building tests/package/subdirectory" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
  run_step("running embed" ${WORK_DIR}/build/embed ${model})
  expect("${step_output}" "Total: EUR [0-9]+\\.[0-9][0-9]")
  run_step("running embed_optimize" ${WORK_DIR}/build/embed_optimize ${model})
  expect("${step_output}" "Status: optimal")
else()
  message(FATAL_ERROR "MODE must be core, optimize or subdirectory")
endif()
