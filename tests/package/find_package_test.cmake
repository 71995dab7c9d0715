# Installs the zbb build into WORK_DIR/prefix, then configures, builds and runs examples/embed
# against the installed package.
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${ZBB_BUILD_DIR} --prefix ${WORK_DIR}/prefix
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${ZBB_SOURCE_DIR}/examples/embed -B ${WORK_DIR}/build
                        -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=Release
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring examples/embed against the installed zbb failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building examples/embed failed: ${rc}")
endif()
execute_process(COMMAND ${WORK_DIR}/build/embed ${ZBB_SOURCE_DIR}/examples/dementia-friendly.json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(rc)
  message(FATAL_ERROR "examples/embed failed: ${rc}")
endif()
if(NOT out MATCHES "Total: EUR [0-9]+\\.[0-9][0-9]")
  message(FATAL_ERROR "unexpected output from examples/embed: ${out}")
endif()
message(STATUS "${out}")
